package postgres

import (
	"log/slog"
	"time"
)

// Option configures Open.
type Option func(*options)

type options struct {
	maxConns         int           // 0: pgxpool's default (or the DSN's pool_max_conns)
	statementTimeout time.Duration // 0: the server's
	compactEvery     time.Duration
	maxAttempts      int // of a write, conflicts retried
	insecureRemote   bool
	observer         Observer
	logger           *slog.Logger
}

func defaultOptions() options {
	return options{compactEvery: time.Second, maxAttempts: 20}
}

// WithMaxConns sets the size of the connection pool: the writes and reads of this process
// that run at once. Several processes share the server's max_connections.
func WithMaxConns(n int) Option { return func(o *options) { o.maxConns = n } }

// WithStatementTimeout bounds every statement (the server's statement_timeout): one that
// runs longer fails with Unavailable instead of holding a connection and its locks.
func WithStatementTimeout(d time.Duration) Option { return func(o *options) { o.statementTimeout = d } }

// WithCompactEvery sets how often the deltas of the maintained counts are folded into
// their totals (counts_compact.go).
func WithCompactEvery(d time.Duration) Option { return func(o *options) { o.compactEvery = d } }

// WithMaxAttempts bounds how often a write runs when it conflicts with concurrent ones.
func WithMaxAttempts(n int) Option { return func(o *options) { o.maxAttempts = max(1, n) } }

// WithInsecureRemote allows a connection to a remote host whose sslmode may fall back to
// plain text (prefer, allow), which Open refuses otherwise.
func WithInsecureRemote(allow bool) Option { return func(o *options) { o.insecureRemote = allow } }

// WithObserver reports the store's measurements to ob, for metrics.
func WithObserver(ob Observer) Option { return func(o *options) { o.observer = ob } }

// WithLogger logs what the store has to say (a connection in clear text).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Observer receives measurements of the store; server.Metrics is one. Its methods must be
// quick and must not call the store.
type Observer interface {
	// StoreOp is called after each operation (op is a constant such as "create
	// intervention") with its duration, retries included, and its outcome.
	StoreOp(op string, write bool, d time.Duration, err error)
}
