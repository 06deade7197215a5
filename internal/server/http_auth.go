package server

import (
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// requireBearer authenticates the bearer token of every gateway request before anything
// reads its body: a request without a valid token is answered 401 Unauthenticated
// whatever it carries, and its body is never read (the server closes the connection
// rather than drain a large one). Then a body announced larger than the limit is
// answered 413. The gRPC server authenticates the forwarded token again (from the
// service's cache) and checks the role.
func (s *Server) requireBearer(mux *runtime.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p, err := s.svc.Authenticate(ctx, httpBearer(r))
		if err != nil {
			unread(w, r)
			writeError(mux, w, r, s.status(ctx, err))
			return
		}
		noteUser(ctx, p.Username)
		if l := bodyLimitOf(ctx); l != nil && r.ContentLength > l.max {
			unread(w, r)
			writeError(mux, w, r, tooLarge(l.max).Err())
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// httpBearer returns the token of the first Authorization header, "" when none: the
// same one the gateway forwards to gRPC.
func httpBearer(r *http.Request) string { return parseBearer(r.Header.Get("Authorization")) }

// unread answers a request whose body is left unread by closing the connection after
// the answer: otherwise the server would first read up to 256 KiB of the body to keep
// the connection, and wait for a body that is slow or never comes.
func unread(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 {
		w.Header().Set("Connection", "close")
	}
}
