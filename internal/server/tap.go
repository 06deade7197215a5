package server

import (
	"context"
	"strings"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/tap"
)

// authTap authenticates the bearer token of every call when its headers arrive, before
// gRPC reads its message: a call without a valid token is refused Unauthenticated and
// its message is never read or decoded. It runs on the connection's reader goroutine,
// so it must be quick: a token seen in the last 30 seconds is answered from the
// service's cache, another costs one indexed read. The principal goes on in the call's
// context, where authorize checks its role.
func (s *Server) authTap(obs *observer) tap.ServerInHandle {
	return func(ctx context.Context, info *tap.Info) (context.Context, error) {
		if isPublic(info.FullMethodName) {
			return ctx, nil
		}
		start := time.Now()
		p, err := s.svc.Authenticate(ctx, bearerOf(info.Header))
		if err != nil {
			err = s.status(ctx, err)
			// Refused before the call starts: gRPC sends no header metadata with the
			// refusal, so the request id shows in the log line only.
			var id string
			if v := info.Header.Get(RequestIDHeader); len(v) > 0 {
				id = v[0]
			}
			obs.refused(ctx, info.FullMethodName, requestIDOr(id), start, err)
			return nil, err
		}
		return context.WithValue(ctx, tappedKey{}, p), nil
	}
}

type tappedKey struct{}

// tapped returns the principal the tap authenticated, nil when there was no tap.
func tapped(ctx context.Context) *ppks.Principal {
	p, _ := ctx.Value(tappedKey{}).(*ppks.Principal)
	return p
}

// bearerOf returns the token of the first authorization metadata value, "" when none.
func bearerOf(md metadata.MD) string {
	if vals := md.Get("authorization"); len(vals) > 0 {
		return parseBearer(vals[0])
	}
	return ""
}

// parseBearer returns the token of an Authorization value "Bearer <token>" (the scheme
// in any case), "" for any other.
func parseBearer(v string) string {
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
