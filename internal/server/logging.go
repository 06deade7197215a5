package server

import (
	"context"
	"log/slog"
	"net/http"
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
	id   string
	user string // set by the authentication interceptor once it knows the caller
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

// startRequest gives the call its request info and returns the id in the response's
// header metadata.
func startRequest(ctx context.Context) (context.Context, *requestInfo) {
	md, _ := metadata.FromIncomingContext(ctx)
	var sent string
	if v := md.Get(RequestIDHeader); len(v) > 0 {
		sent = v[0]
	}
	ri := &requestInfo{id: requestIDOr(sent)}
	return context.WithValue(ctx, requestInfoKey{}, ri), ri
}

// logRequest writes the one line of a finished call: method, code, duration, request id
// and user, never the request's content (it holds personal data).
func logRequest(ctx context.Context, log *slog.Logger, method string, ri *requestInfo, start time.Time, err error) {
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
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", ri.id),
		slog.String("user", ri.user))
}

// LogUnary gives every unary call a request id, returns it in the response header and
// logs one line when the call ends. It goes before authentication, so refused calls are
// logged too.
func LogUnary(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		start := time.Now()
		ctx, ri := startRequest(ctx)
		_ = grpc.SetHeader(ctx, metadata.Pairs(RequestIDHeader, ri.id))
		resp, err := h(ctx, req)
		logRequest(ctx, log, info.FullMethod, ri, start, err)
		return resp, err
	}
}

// LogStream is LogUnary for streaming calls.
func LogStream(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		start := time.Now()
		ctx, ri := startRequest(ss.Context())
		_ = ss.SetHeader(metadata.Pairs(RequestIDHeader, ri.id))
		err := h(srv, &principalStream{ServerStream: ss, ctx: ctx})
		logRequest(ctx, log, info.FullMethod, ri, start, err)
		return err
	}
}

// HTTPRequestID makes sure every HTTP request has an id before the gateway forwards it
// to gRPC (which logs it), and returns it in the X-Request-Id response header.
func HTTPRequestID(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := requestIDOr(r.Header.Get(RequestIDHeader))
		r.Header.Set(RequestIDHeader, id)
		w.Header().Set(RequestIDHeader, id)
		h.ServeHTTP(w, r)
	})
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
