package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// The gateway's mux tells its routing error handler that a path takes other methods,
// not which. allowedMethods asks the mux itself: it replays the request with each other
// method, marked as a probe, and the route middleware (recordRoute) notes a match
// instead of calling the handler; nothing is read, forwarded or written.

type probeKey struct{}

// probing reports whether ctx is a probe's, and marks it as matched.
func probing(ctx context.Context) bool {
	_, ok := ctx.Value(probeKey{}).(*bool)
	return ok
}

// matchedProbe notes a probe's match; it reports whether ctx is a probe's.
func matchedProbe(ctx context.Context) bool {
	m, ok := ctx.Value(probeKey{}).(*bool)
	if ok {
		*m = true
	}
	return ok
}

var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete}

// allowedMethods returns the methods the gateway takes on r's path.
func allowedMethods(mux *runtime.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range probeMethods {
		if m == r.Method {
			continue
		}
		matched := false
		probe := r.Clone(context.WithValue(r.Context(), probeKey{}, &matched))
		probe.Method, probe.Body, probe.ContentLength = m, http.NoBody, 0
		probe.Header = http.Header{} // no method override, no form fallback
		mux.ServeHTTP(discard{}, probe)
		if matched {
			allow = append(allow, m)
		}
	}
	return allow
}

func joinComma(list []string) string { return strings.Join(list, ", ") }

// discard is a response writer that keeps nothing.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
