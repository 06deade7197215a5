//go:build pprof

package main

// Profiling of the real binary under load (scripts/bench.sh): built only with
// -tags pprof, serving net/http/pprof on PPKS_PPROF_ADDR.

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on the default mux
	"os"
)

func init() {
	if addr := os.Getenv("PPKS_PPROF_ADDR"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
}
