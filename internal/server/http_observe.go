package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// ObserveHTTP gives every HTTP request an id (the client's X-Request-Id when it sent a
// plain one, a new one otherwise), returns it in the X-Request-Id header, forwards it to
// gRPC through the gateway, and when the request ends writes its log line and its
// metrics, by route template, never the path (which holds ids). m may be nil.
func ObserveHTTP(log *slog.Logger, m *Metrics, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &requestInfo{id: requestIDOr(r.Header.Get(RequestIDHeader)), start: start}
		r.Header.Set(RequestIDHeader, ri.id)
		w.Header().Set(RequestIDHeader, ri.id)
		var route string
		ctx := context.WithValue(r.Context(), routeKey{}, &route)
		r = r.WithContext(context.WithValue(ctx, requestInfoKey{}, ri))
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r)
		switch {
		case route != "": // a gateway route
		case r.Pattern != "" && r.Pattern != "/": // a route of the root mux: /openapi.json, /metrics
			route = r.Pattern
		default:
			route = "unmatched"
		}
		d := time.Since(start)
		if m != nil {
			m.observeHTTP(route, sw.code, d)
		}
		level := slog.LevelInfo
		switch {
		case sw.code >= 500 && sw.code != http.StatusServiceUnavailable:
			level = slog.LevelError
		case sw.code == http.StatusServiceUnavailable || sw.code == http.StatusTooManyRequests || sw.code == http.StatusRequestEntityTooLarge:
			level = slog.LevelWarn
		case route == "GET /healthz" || route == "GET /readyz":
			level = slog.LevelDebug // probes every few seconds would drown the rest
		}
		log.LogAttrs(r.Context(), level, "http request",
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", sw.code),
			durationMS(d),
			slog.String("request_id", ri.id),
			slog.String("user", ri.user))
	})
}

// HTTPHandler is the HTTP port's handler: the body limit outermost (it can then tell the
// server to close a connection rather than read the rest of a body over the limit), the
// request id, log line and metrics, then h (the gateway's root). m may be nil.
func HTTPHandler(log *slog.Logger, m *Metrics, h http.Handler) http.Handler {
	return LimitBodies(ObserveHTTP(log, m, h), MaxBodyBytes)
}
