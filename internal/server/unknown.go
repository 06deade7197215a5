package server

import (
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
)

// unknownMethod is the answer to a method no service has.
func unknownMethod(method string) error {
	if len(method) > 200 {
		method = method[:200]
	}
	return edgeStatus(codes.Unimplemented, ReasonUnknownMethod, "unknown method "+method, "Metode ini tidak dikenal oleh layanan.").Err()
}

// unknownService handles calls of unknown methods, so that they pass the interceptors
// (authentication first, then Unimplemented) and the request log like any other call.
func unknownService(_ any, ss grpc.ServerStream) error {
	m, _ := grpc.MethodFromServerStream(ss)
	return unknownMethod(m)
}
