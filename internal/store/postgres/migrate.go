package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLock is the advisory lock key migrations are applied under ("ppksmigr").
const migrationLock = 0x70706b73_6d696772

// migrate applies the migrations not applied yet, in name order, each in its own
// transaction together with its row in schema_migrations. Each transaction first takes
// an advisory lock, so that processes starting together apply each migration once: the
// second waits for the first, then (READ COMMITTED: each statement sees what committed
// before it) finds it applied. Migrations only go forward: a released file is never
// edited, a change is a new file. (A library such as golang-migrate or goose would bring
// its own lock, table and CLI for what is here forty lines, with the same guarantees.)
func (db *DB) migrate(ctx context.Context) error {
	names, err := migrationNames()
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func migrationNames() ([]string, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	sort.Strings(names)
	return names, err
}

// migrateFile applies one migration unless it was applied before.
func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name       text PRIMARY KEY,
		apply_time timestamptz NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`, name).Scan(&applied); err != nil {
		return err
	}
	if applied {
		return nil
	}
	buf, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	// The simple protocol: a file of several statements in one round trip.
	if _, err := tx.Exec(ctx, string(buf), pgx.QueryExecModeSimpleProtocol); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name, apply_time) VALUES ($1, $2)`,
		name, time.Now().UTC()); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
