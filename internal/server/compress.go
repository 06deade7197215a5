package server

import (
	"compress/gzip"
	"net/http"
	"strings"
	"sync"

	grpcgzip "google.golang.org/grpc/encoding/gzip"
)

// The gzip compressor of gRPC, for clients that ask for it (grpc.UseCompressor): the
// server answers a compressed request compressed. At its fastest level: a feed page
// compresses nearly as well as at the default level, in a fraction of the time.
func init() {
	if err := grpcgzip.SetLevel(gzip.BestSpeed); err != nil {
		panic(err)
	}
}

// The feed's pages are the largest answers of the API (a first download of a kecamatan
// is tens of MB of JSON) and its users are on slow mobile links: they are gzipped for
// clients that accept it. JSON of records shrinks about tenfold (docs/performance.md).

// compressedRoutes are the paths whose answers are gzipped.
var compressedRoutes = map[string]bool{"/v1/beneficiaries:syncChanges": true}

// Gzip compresses the answer of next when the client accepts gzip; others get it as it is.
func Gzip(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r) {
			next.ServeHTTP(w, r)
			return
		}
		gz := gzipWriters.Get().(*gzip.Writer)
		defer gzipWriters.Put(gz)
		gz.Reset(w)
		gw := &gzipResponse{ResponseWriter: w, gz: gz}
		next.ServeHTTP(gw, r)
		if gw.started {
			_ = gz.Close()
		}
	})
}

// gzipWriters keep their buffers between answers. BestSpeed: a page compresses about as
// well as at the default level for a third of the CPU.
var gzipWriters = sync.Pool{New: func() any {
	gz, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return gz
}}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// gzipResponse compresses the body of a successful answer; an error's body is short
// and left as it is.
type gzipResponse struct {
	http.ResponseWriter
	gz      *gzip.Writer
	started bool // compressing
	decided bool
}

func (w *gzipResponse) WriteHeader(code int) {
	if !w.decided {
		w.decided = true
		if code == http.StatusOK {
			w.started = true
			h := w.Header()
			h.Set("Content-Encoding", "gzip")
			h.Del("Content-Length")
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *gzipResponse) Write(b []byte) (int, error) {
	if !w.decided {
		w.WriteHeader(http.StatusOK)
	}
	if w.started {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *gzipResponse) Unwrap() http.ResponseWriter { return w.ResponseWriter }
