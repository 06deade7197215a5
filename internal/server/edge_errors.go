package server

import (
	"fmt"

	rpccode "google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Errors of the edges (the HTTP and gRPC transports themselves: a body too large, a
// message that does not decode, a route or method that does not exist) have the shape
// of the service's own errors: a canonical code, an ErrorInfo with a stable reason and a
// LocalizedMessage in Bahasa Indonesia.

// edgeStatus builds such a status.
func edgeStatus(code codes.Code, reason, message, localized string) *status.Status {
	st := status.New(code, message)
	if d, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: errorDomain},
		&errdetails.LocalizedMessage{Locale: "id-ID", Message: localized}); err == nil {
		st = d
	}
	return st
}

// Reasons of the edges' errors.
const (
	ReasonRequestTooLarge  = "REQUEST_TOO_LARGE"
	ReasonMalformedRequest = "MALFORMED_REQUEST"
	ReasonUnknownRoute     = "UNKNOWN_ROUTE"
	ReasonMethodNotAllowed = "METHOD_NOT_ALLOWED"
	ReasonUnknownMethod    = "UNKNOWN_METHOD"
	ReasonShuttingDown     = "SHUTTING_DOWN"
	ReasonDatabaseDown     = "DATABASE_UNAVAILABLE"
)

// tooLarge is the answer to a request body over the limit. It is not throttling (no
// Retry-After; the same request will fail again): the client must send less.
func tooLarge(limit int64) *status.Status {
	return edgeStatus(codes.ResourceExhausted, ReasonRequestTooLarge,
		fmt.Sprintf("the request body is larger than %d bytes", limit),
		fmt.Sprintf("Permintaan terlalu besar (paling banyak %d MiB). Kirim lebih sedikit data sekaligus, misalnya BatchSync dengan lebih sedikit item.", limit>>20))
}

// malformedMessage is the answer to a gRPC message that does not decode (bad protobuf,
// a string that is not UTF-8): the client's mistake, not the service's.
func malformedMessage(err error) *status.Status {
	return edgeStatus(codes.InvalidArgument, ReasonMalformedRequest, "the request message cannot be decoded: "+err.Error(),
		"Permintaan tidak dapat dibaca: isinya bukan pesan protobuf yang sah, atau teksnya bukan UTF-8 yang sah.")
}

// edgeLocalized is what a person reads for a gateway-level error of each code (the gateway
// itself answered, or the transport to the gRPC server failed): those errors carry no
// ErrorInfo of the service.
var edgeLocalized = map[codes.Code]struct{ reason, localized string }{
	codes.InvalidArgument:   {ReasonMalformedRequest, "Permintaan tidak dapat dibaca: periksa JSON-nya, nama field dan nilainya, serta parameter alamatnya."},
	codes.NotFound:          {ReasonUnknownRoute, "Alamat ini tidak dikenal oleh layanan."},
	codes.Unimplemented:     {ReasonMethodNotAllowed, "Metode ini tidak berlaku untuk alamat ini."},
	codes.Canceled:          {"CANCELED", "Permintaan dibatalkan."},
	codes.DeadlineExceeded:  {"DEADLINE_EXCEEDED", "Permintaan terlalu lama diproses. Coba lagi."},
	codes.Unavailable:       {"UNAVAILABLE", "Layanan sedang tidak tersedia. Coba lagi sebentar lagi."},
	codes.ResourceExhausted: {"RESOURCE_EXHAUSTED", "Permintaan atau jawabannya melebihi batas ukuran."},
}

// withEdgeDetails gives a status without the service's ErrorInfo the shape of the
// service's errors, keeping its code and message.
func withEdgeDetails(st *status.Status) *status.Status {
	if reasonOf(st) != "" || st.Code() == codes.OK {
		return st
	}
	p, ok := edgeLocalized[st.Code()]
	if !ok {
		p.reason, p.localized = rpccode.Code(st.Code()).String(), "Permintaan tidak dapat diproses."
		if st.Code() == codes.Internal || st.Code() == codes.Unknown {
			p.reason, p.localized = "INTERNAL", "Terjadi kesalahan pada layanan. Coba lagi; bila berulang, hubungi pengelola."
		}
	}
	return edgeStatus(st.Code(), p.reason, st.Message(), p.localized)
}

// reasonOf returns the reason of a status's ErrorInfo, "" without one.
func reasonOf(st *status.Status) string {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}
