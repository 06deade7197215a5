package server

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// RequestIDHeader carries a request's id: a client may send one (then its logs and ours
// tell the same story), the service makes one otherwise, and returns it either way. Over
// gRPC it is the x-request-id metadata, over HTTP the X-Request-Id header, which the
// gateway forwards.
const RequestIDHeader = "x-request-id"

// requestInfo is what the request's log line reports beyond the call itself.
type requestInfo struct {
	id     string
	user   string // set by authentication once it knows the caller
	method string // the gRPC method
	start  time.Time
}

type requestInfoKey struct{}

// RequestID returns the id of the request ctx belongs to, "" outside a request.
func RequestID(ctx context.Context) string {
	if ri, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return ri.id
	}
	return ""
}

// noteUser records the signed-in user for the request's log line.
func noteUser(ctx context.Context, username string) {
	if ri, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		ri.user = username
	}
}

// validRequestID accepts a client's id when it is short and plain (it goes into logs as
// it is): letters, digits and -_.:/+=, at most 128 characters.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.:/+=", c)
		if !ok {
			return false
		}
	}
	return true
}

// requestIDOr returns id when valid, a new one otherwise.
func requestIDOr(id string) string {
	if validRequestID(id) {
		return id
	}
	return uuid.NewString()
}

// startRequest gives the call its request info: the id the client sent in its metadata,
// or a new one.
func startRequest(ctx context.Context) (context.Context, *requestInfo) {
	md, _ := metadata.FromIncomingContext(ctx)
	var sent string
	if v := md.Get(RequestIDHeader); len(v) > 0 {
		sent = v[0]
	}
	ri := &requestInfo{id: requestIDOr(sent), start: time.Now()}
	return context.WithValue(ctx, requestInfoKey{}, ri), ri
}

// logRequest writes the one line of a finished call: method, code, duration, request id
// and user, never the request's content (it holds personal data).
func logRequest(ctx context.Context, log *slog.Logger, method string, ri *requestInfo, d time.Duration, err error) {
	code := status.Code(err)
	level := slog.LevelInfo
	switch code {
	case codes.Internal, codes.Unknown, codes.DataLoss:
		level = slog.LevelError
	case codes.Unavailable, codes.ResourceExhausted, codes.DeadlineExceeded:
		level = slog.LevelWarn
	}
	if level == slog.LevelInfo && strings.HasPrefix(method, "/grpc.health.v1.Health/") {
		level = slog.LevelDebug // probes every few seconds would drown the rest
	}
	log.LogAttrs(ctx, level, "request",
		slog.String("method", method),
		slog.String("code", code.String()),
		durationMS(d),
		slog.String("request_id", ri.id),
		slog.String("user", ri.user))
}

// durationMS is how every request line gives its duration: milliseconds as a number,
// to the microsecond (0.245, 17.5), under a key that says the unit.
func durationMS(d time.Duration) slog.Attr {
	return slog.Float64("duration_ms", float64(d.Microseconds())/1000)
}

// RequestIDUnary returns the call's request id in the response header metadata.
func RequestIDUnary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		_ = grpc.SetHeader(ctx, metadata.Pairs(RequestIDHeader, RequestID(ctx)))
		return h(ctx, req)
	}
}

// RequestIDStream is RequestIDUnary for streaming calls.
func RequestIDStream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		_ = ss.SetHeader(metadata.Pairs(RequestIDHeader, RequestID(ss.Context())))
		return h(srv, ss)
	}
}

// incomingHeader forwards X-Request-Id to gRPC besides the gateway's defaults.
func incomingHeader(key string) (string, bool) {
	if strings.EqualFold(key, RequestIDHeader) {
		return RequestIDHeader, true
	}
	return runtime.DefaultHeaderMatcher(key)
}

// outgoingHeader keeps the gateway's default for response metadata, except the request
// id, which HTTPRequestID has already set as X-Request-Id.
func outgoingHeader(key string) (string, bool) {
	if strings.EqualFold(key, RequestIDHeader) {
		return "", false
	}
	return runtime.MetadataHeaderPrefix + key, true
}
