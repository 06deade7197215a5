package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
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

// observeRPC counts a gRPC call. method is a known method's name or "unknown"
// (methodLabel), so that the label takes a bounded set of values.
func (m *Metrics) observeRPC(method string, d time.Duration, err error) {
	code := status.Code(err).String()
	m.rpcs.WithLabelValues(method, code).Inc()
	m.rpcTime.WithLabelValues(method, code).Observe(d.Seconds())
}

// observeHTTP counts an HTTP request by route template (ObserveHTTP).
func (m *Metrics) observeHTTP(route string, code int, d time.Duration) {
	m.https.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.httpTime.WithLabelValues(route).Observe(d.Seconds())
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
		if matchedProbe(r.Context()) {
			return // allowedMethods asks whether the route exists, nothing more
		}
		if route, ok := r.Context().Value(routeKey{}).(*string); ok {
			if p, ok := runtime.HTTPPattern(r.Context()); ok {
				*route = r.Method + " " + p.String()
			}
		}
		next(w, r, params)
	}
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
