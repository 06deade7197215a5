package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// Metrics are the Prometheus metrics of the service, on a registry of their own (tests
// run several servers in one process). Every label is a gRPC method name, a canonical
// code, an HTTP route template, a status or a store operation name: never an id, a
// username, a name or a NIK. So /metrics holds no personal data, and it is served
// without a token.
type Metrics struct {
	registry   *prometheus.Registry
	rpcs       *prometheus.CounterVec   // method, code
	rpcTime    *prometheus.HistogramVec // method, code
	https      *prometheus.CounterVec   // route, code
	httpTime   *prometheus.HistogramVec // route
	storeTime  *prometheus.HistogramVec // op, outcome
	batchSize  prometheus.Histogram
	commitTime prometheus.Histogram
}

// latencyBuckets span 0.5 ms to about 16 s.
var latencyBuckets = prometheus.ExponentialBuckets(0.0005, 2, 16)

// NewMetrics registers the service's metrics, with the Go runtime's and the process's.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		rpcs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ppks_grpc_requests_total", Help: "gRPC requests handled (REST requests included: the gateway calls gRPC), by method and code.",
		}, []string{"method", "code"}),
		rpcTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ppks_grpc_request_duration_seconds", Help: "Time to handle a gRPC request, by method and code.", Buckets: latencyBuckets,
		}, []string{"method", "code"}),
		https: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ppks_http_requests_total", Help: "HTTP requests, by route template and status.",
		}, []string{"route", "code"}),
		httpTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ppks_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route template.", Buckets: latencyBuckets,
		}, []string{"route"}),
		storeTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ppks_store_operation_duration_seconds", Help: "Time of a store operation (a write's wait for its group commit included), by operation and outcome.", Buckets: latencyBuckets,
		}, []string{"op", "outcome"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "ppks_store_commit_batch_size", Help: "Writes committed together in one transaction (group commit).",
			Buckets: prometheus.ExponentialBuckets(1, 2, 9),
		}),
		commitTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "ppks_store_commit_duration_seconds", Help: "Time from BEGIN to the end of the durable COMMIT of a group of writes.", Buckets: latencyBuckets,
		}),
	}
	m.registry.MustRegister(m.rpcs, m.rpcTime, m.https, m.httpTime, m.storeTime, m.batchSize, m.commitTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Register adds a collector of figures kept elsewhere (the PostgreSQL pool's) to the
// service's metrics.
func (m *Metrics) Register(c prometheus.Collector) error { return m.registry.Register(c) }

// Gatherer gives access to the collected metrics (tests).
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.registry }

func (m *Metrics) observeRPC(method string, start time.Time, err error) {
	code := status.Code(err).String()
	m.rpcs.WithLabelValues(method, code).Inc()
	m.rpcTime.WithLabelValues(method, code).Observe(time.Since(start).Seconds())
}

// Unary counts and times every unary call. The server calls interceptors only for
// registered methods, so the method label takes a bounded set of values.
func (m *Metrics) Unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := h(ctx, req)
		m.observeRPC(info.FullMethod, start, err)
		return resp, err
	}
}

// Stream counts and times every streaming call.
func (m *Metrics) Stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		start := time.Now()
		err := h(srv, ss)
		m.observeRPC(info.FullMethod, start, err)
		return err
	}
}

// StoreOp records a store operation (sqlite.Observer, postgres.Observer).
func (m *Metrics) StoreOp(op string, write bool, d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.storeTime.WithLabelValues(op, outcome).Observe(d.Seconds())
}

// StoreBatch records a group commit (sqlite.Observer).
func (m *Metrics) StoreBatch(size int, d time.Duration) {
	m.batchSize.Observe(float64(size))
	m.commitTime.Observe(d.Seconds())
}

// routeKey carries, through an HTTP request's context, where the gateway writes the
// route template it matched.
type routeKey struct{}

// recordRoute is a gateway middleware that notes the matched route's template (e.g.
// "GET /v1/{name=beneficiaries/*}"), never the path itself, which holds ids.
func recordRoute(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if route, ok := r.Context().Value(routeKey{}).(*string); ok {
			if p, ok := runtime.HTTPPattern(r.Context()); ok {
				*route = r.Method + " " + p.String()
			}
		}
		next(w, r, params)
	}
}

// HTTP counts and times the requests of the HTTP handler h by route template and status.
func (m *Metrics) HTTP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var route string
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, &route))
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r)
		switch {
		case route != "": // a gateway route
		case r.Pattern != "" && r.Pattern != "/": // a route of the root mux: /openapi.json, /metrics
			route = r.Pattern
		default:
			route = "unmatched"
		}
		m.https.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
		m.httpTime.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (flushing).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
