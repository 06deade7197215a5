package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// The statement cache is invisible: a failed statement runs again fine, a query nested
// in the rows of the same query gets a statement of its own, and statements past the
// bound still run.
func TestStatementCache(t *testing.T) {
	db, err := sql.Open(driverName, dsn(filepath.Join(t.TempDir(), "c.db"), true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: every statement meets the same cache
	ctx := t.Context()
	mustExec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`)
	const insert = `INSERT INTO t (id, v) VALUES (?, ?)`
	for i := range 3 {
		mustExec(insert, i, fmt.Sprint("v", i))
	}
	if _, err := db.ExecContext(ctx, insert, 1, "again"); constraint(err) == 0 {
		t.Fatalf("duplicate key: %v", err)
	}
	mustExec(insert, 3, "v3") // the statement that failed is reset and bound anew

	const query = `SELECT id FROM t WHERE id >= ? ORDER BY id`
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tx.QueryContext(ctx, query, 0)
	if err != nil {
		t.Fatal(err)
	}
	var pairs int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		inner, err := tx.QueryContext(ctx, query, id) // same text while the outer rows are open
		if err != nil {
			t.Fatal(err)
		}
		for inner.Next() {
			pairs++
		}
		if err := inner.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if pairs != 4+3+2+1 {
		t.Errorf("nested queries saw %d pairs, want 10", pairs)
	}

	for i := range maxCachedStmts + 10 { // distinct texts, past the bound
		var n int
		if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) + %d FROM t`, i)).Scan(&n); err != nil || n != 4+i {
			t.Fatalf("query %d: %d %v", i, n, err)
		}
	}
}
