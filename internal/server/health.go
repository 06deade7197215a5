package server

import (
	"context"
	"net/http"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
)

// HTTP health routes, for a load balancer or curl (gRPC has the standard health
// service). Neither needs a token, and neither says anything about people.

// readyTimeout bounds the database read of a readiness check.
const readyTimeout = 2 * time.Second

const serving = `{"status":"SERVING"}` + "\n"

// healthz answers 200 while the process serves HTTP at all.
func (s *Server) healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(serving))
	})
}

// readyz answers 200 when the service can take requests: the database answers a
// trivial read and the service is not shutting down; 503 otherwise, with the reason.
func (s *Server) readyz(mux *runtime.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.shuttingDown.Load() {
			writeError(mux, w, r, edgeStatus(codes.Unavailable, ReasonShuttingDown, "the service is shutting down",
				"Layanan sedang berhenti.").Err())
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if _, err := s.svc.Store.CountAdmins(ctx); err != nil {
			s.log.WarnContext(ctx, "readiness: the database does not answer", "request_id", RequestID(ctx), "err", err)
			writeError(mux, w, r, edgeStatus(codes.Unavailable, ReasonDatabaseDown, "the database does not answer",
				"Basis data tidak menjawab.").Err())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(serving))
	})
}

// ShuttingDown marks the service as stopping: /readyz answers 503 from then on, so that
// a load balancer sends new requests elsewhere while those in flight finish.
func (s *Server) ShuttingDown() { s.shuttingDown.Store(true) }
