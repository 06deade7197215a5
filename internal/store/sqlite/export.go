package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Snapshot reads the raw rows of a database file, every table as of one moment: for
// moving a database to another store (ppksctl migrate). It holds one read transaction
// from OpenSnapshot to Close, so writes committed meanwhile (by a service left running)
// are not in it; in WAL mode it blocks no writer. Its reads of the store (the maintained
// counts, the year locks) see the same moment as its rows.
type Snapshot struct {
	queries
	db     *sql.DB
	tx     *sql.Tx
	tables []string
}

// OpenSnapshot opens the database file at path read-only and begins its snapshot. The
// file must exist and its schema be up to date (Open it once first).
func OpenSnapshot(ctx context.Context, path string) (_ *Snapshot, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err) // never create an empty source
	}
	db, err := sql.Open(driverName, "file:"+(&url.URL{Path: abs}).EscapedPath()+"?"+
		"_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	s := &Snapshot{db: db}
	s.queries = queries{read: func(ctx context.Context, op string, fn func(*sql.Tx) error) error {
		return mapErr(ctx, op, fn(s.tx))
	}}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.tx, err = db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}); err != nil {
		return nil, err
	}
	// The first read starts the snapshot: the list of tables.
	rows, err := s.tx.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		s.tables = append(s.tables, name)
	}
	return s, rows.Err()
}

// Close ends the snapshot.
func (s *Snapshot) Close() error {
	if s.tx != nil {
		_ = s.tx.Rollback()
	}
	return s.db.Close()
}

// Tables lists the tables of the database, by name.
func (s *Snapshot) Tables() []string { return slices.Clone(s.tables) }

// table returns a table's name as an SQL identifier; the table must exist.
func (s *Snapshot) table(name string) (string, error) {
	if !slices.Contains(s.tables, name) {
		return "", fmt.Errorf("no table %q", name)
	}
	return ident(name), nil
}

func ident(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// Count returns the number of rows of a table.
func (s *Snapshot) Count(ctx context.Context, table string) (int64, error) {
	t, err := s.table(table)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.tx.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n)
	return n, err
}

// Rows reads the columns of every row of a table, in rowid order, as SQLite stores them:
// int64, float64, string, []byte or nil.
func (s *Snapshot) Rows(ctx context.Context, table string, cols []string) (*SnapshotRows, error) {
	t, err := s.table(table)
	if err != nil {
		return nil, err
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = ident(c)
	}
	rows, err := s.tx.QueryContext(ctx, `SELECT `+strings.Join(quoted, ", ")+` FROM `+t)
	if err != nil {
		return nil, err
	}
	return &SnapshotRows{rows: rows, vals: make([]any, len(cols))}, nil
}

// SnapshotRows iterates the rows of Snapshot.Rows.
type SnapshotRows struct {
	rows *sql.Rows
	vals []any
	err  error
}

// Next reads the next row; false at the end or on an error (Err).
func (r *SnapshotRows) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	ptrs := make([]any, len(r.vals))
	for i := range r.vals {
		ptrs[i] = &r.vals[i]
	}
	r.err = r.rows.Scan(ptrs...)
	return r.err == nil
}

// Values returns the row Next read; valid until the next call of Next.
func (r *SnapshotRows) Values() []any { return r.vals }

// Err returns the error that ended the rows, nil at their end.
func (r *SnapshotRows) Err() error { return errors.Join(r.err, r.rows.Err()) }

// Close releases the rows.
func (r *SnapshotRows) Close() error { return r.rows.Close() }
