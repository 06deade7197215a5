// Package compose is the composition root every command shares: it opens the store a
// setting names (SQLite or PostgreSQL) and builds the domain service over it with the
// reference data. ppksd's lifecycle is internal/daemon; the commands use this directly.
package compose

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/server"
	"github.com/opendinsos/ppks/internal/store/postgres"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// DBConfig says which database the service keeps its records in.
type DBConfig struct {
	// DB is a SQLite file path (the default, data/ppks.db) or a PostgreSQL URL
	// (postgres://... or postgresql://..., with libpq's parameters such as sslmode).
	DB string
	// For PostgreSQL: the pool's size (0: pgxpool's default, the larger of 4 and the
	// number of CPUs) and the longest a statement may run (0: the server's setting).
	MaxConns         int
	StatementTimeout time.Duration
}

// IsPostgres reports whether the database setting names a PostgreSQL database.
func (c DBConfig) IsPostgres() bool { return postgres.IsDSN(c.DB) }

// String names the database for logs, without a password.
func (c DBConfig) String() string {
	if c.IsPostgres() {
		return postgres.Redact(c.DB)
	}
	return c.DB
}

// OpenStore opens the store the setting names: PostgreSQL for a postgres:// URL, the
// SQLite file otherwise. metrics, when not nil, receives the store's measurements (and
// the PostgreSQL pool's figures).
func OpenStore(ctx context.Context, c DBConfig, metrics *server.Metrics, log *slog.Logger) (ppks.Store, error) {
	if !c.IsPostgres() {
		var opts []sqlite.Option
		if metrics != nil {
			opts = append(opts, sqlite.WithObserver(metrics))
		}
		return sqlite.Open(ctx, c.DB, opts...)
	}
	opts := []postgres.Option{postgres.WithMaxConns(c.MaxConns), postgres.WithStatementTimeout(c.StatementTimeout)}
	if log != nil {
		opts = append(opts, postgres.WithLogger(log))
	}
	if metrics != nil {
		opts = append(opts, postgres.WithObserver(metrics))
	}
	db, err := postgres.Open(ctx, c.DB, opts...)
	if err != nil {
		return nil, err
	}
	if metrics != nil {
		if err := metrics.Register(db.Collector()); err != nil {
			db.Close()
			return nil, fmt.Errorf("pool metrics: %w", err)
		}
	}
	return db, nil
}
