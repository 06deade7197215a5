// Command ppksd serves the PPKS case service: gRPC, the REST/JSON gateway and
// /openapi.json, on an embedded SQLite database or on PostgreSQL (several ppksd
// processes may share one PostgreSQL database).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/opendinsos/ppks/internal/daemon"
)

// gcPercent is the collector's target unless GOGC says otherwise. The service's live
// heap is a few MiB, so at the default of 100 the collector runs every few MiB allocated:
// under a steady ingest load that was about 7 % of the CPU, part of it as mark assists on
// the single database writer goroutine, whose time caps durable writes. 400 lets the heap
// grow to about five times the live data (tens of MiB) between collections.
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stderr, nil)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ppksd:", err)
		os.Exit(1)
	}
}

// run parses flags (each with an environment variable as its default) and serves until
// ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready func(daemon.Addrs)) error {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("ppksd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg daemon.Config
	fs.StringVar(&cfg.GRPCAddr, "grpc-addr", env("PPKS_GRPC_ADDR", "127.0.0.1:9090"), "gRPC listen address (env PPKS_GRPC_ADDR)")
	fs.StringVar(&cfg.HTTPAddr, "http-addr", env("PPKS_HTTP_ADDR", "127.0.0.1:8080"), "REST/JSON listen address (env PPKS_HTTP_ADDR)")
	fs.StringVar(&cfg.DBPath, "db", env("PPKS_DB", "data/ppks.db"),
		"SQLite database file, created on first start, or a PostgreSQL URL postgres://user@host/db?sslmode=verify-full (env PPKS_DB)")
	fs.IntVar(&cfg.DBMaxConns, "db-max-conns", envInt(getenv, "PPKS_DB_MAX_CONNS", 0),
		"PostgreSQL: connections of this process's pool (default the larger of 4 and the CPUs) (env PPKS_DB_MAX_CONNS)")
	fs.DurationVar(&cfg.DBStatementTimeout, "db-statement-timeout", envDur(getenv, "PPKS_DB_STATEMENT_TIMEOUT", 0),
		"PostgreSQL: the longest a statement may run, e.g. 30s (default the server's setting) (env PPKS_DB_STATEMENT_TIMEOUT)")
	fs.StringVar(&cfg.ReferenceDir, "reference-dir", env("PPKS_REFERENCE_DIR", ""), "directory whose CSV files replace the embedded reference data (env PPKS_REFERENCE_DIR)")
	fs.StringVar(&cfg.TimeZone, "timezone", env("PPKS_TIMEZONE", "Asia/Makassar"), "the office's time zone; dates and years are civil dates there (env PPKS_TIMEZONE)")
	fs.BoolVar(&cfg.Reflection, "reflection", env("PPKS_REFLECTION", "true") == "true", "serve gRPC server reflection (env PPKS_REFLECTION)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", env("PPKS_TLS_CERT", ""), "PEM certificate file; with --tls-key, serve gRPC and HTTPS over TLS (env PPKS_TLS_CERT)")
	fs.StringVar(&cfg.TLSKey, "tls-key", env("PPKS_TLS_KEY", ""), "PEM private key file (env PPKS_TLS_KEY)")
	fs.BoolVar(&cfg.InsecureRemote, "insecure-remote", env("PPKS_INSECURE_REMOTE", "") == "true", "allow listening beyond loopback without TLS (env PPKS_INSECURE_REMOTE)")
	fs.IntVar(&cfg.SmallCellThreshold, "small-cell-threshold", envInt(getenv, "PPKS_SMALL_CELL_THRESHOLD", 0),
		"published breakdowns hide counts from 1 to this (default 3) (env PPKS_SMALL_CELL_THRESHOLD)")
	fs.DurationVar(&cfg.Sessions.Idle, "session-idle", envDur(getenv, "PPKS_SESSION_IDLE", 30*time.Minute),
		"web sessions end after this long without a request (env PPKS_SESSION_IDLE)")
	fs.DurationVar(&cfg.Sessions.Absolute, "session-max", envDur(getenv, "PPKS_SESSION_MAX", 12*time.Hour),
		"web sessions end this long after sign-in, however active (env PPKS_SESSION_MAX)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	cfg.Logger = slog.New(slog.NewJSONHandler(stderr, nil))
	return daemon.Run(ctx, cfg, ready)
}

// envDur reads a duration environment variable (such as 30m), def when unset or
// not a duration.
func envDur(getenv func(string) string, name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

// envInt reads an integer environment variable, def when unset or not a number (the flag
// parser then reports nothing: a bad value in the environment falls back to the default).
func envInt(getenv func(string) string, name string, def int) int {
	if n, err := strconv.Atoi(getenv(name)); err == nil {
		return n
	}
	return def
}
