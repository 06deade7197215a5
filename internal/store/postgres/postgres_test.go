package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/pgtest"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.Options{}) }

// template is the database every test's own is copied from: migrated once.
const template = "ppks_template"

// newDSN returns the DSN of a new database with the schema, dropped when t ends.
func newDSN(t testing.TB) string {
	t.Helper()
	c := pgtest.Require(t)
	if err := c.Template(template, func(dsn string) error {
		db, err := Open(context.Background(), dsn)
		if err != nil {
			return err
		}
		return db.Close()
	}); err != nil {
		t.Fatalf("template database: %v", err)
	}
	dsn := c.NewDatabase(t, template)
	// A copy keeps its source's cursor key, as a restored backup must; a new database
	// makes its own (migration 0004), and so does each test's, as if it were made afresh.
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), `UPDATE feed_key SET key = decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex')`); err != nil {
		t.Fatalf("new cursor key: %v", err)
	}
	return dsn
}

// open opens a new database and closes it when t ends.
func open(t testing.TB, opts ...Option) *DB {
	t.Helper()
	db, err := Open(t.Context(), newDSN(t), opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.RunAll(t, func(t *testing.T) ppks.Store {
		db, err := Open(t.Context(), newDSN(t))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return db
	})
}
