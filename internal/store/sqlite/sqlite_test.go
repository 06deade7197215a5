package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/storetest"
	sqlite3 "modernc.org/sqlite/lib"
)

func TestConformance(t *testing.T) {
	storetest.RunAll(t, func(t *testing.T) ppks.Store {
		db, err := Open(t.Context(), filepath.Join(t.TempDir(), "ppks.db"))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return db
	})
}

// open opens a database at path and closes it when the test ends.
func open(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenCreatesDirectoryAndSetsPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested dir", "with?odd#chars%", "ppks.db")
	db := open(t, path)
	ctx := t.Context()

	for _, c := range []struct {
		h     string
		query string
		want  string
	}{
		{"writer", "PRAGMA journal_mode", "wal"},
		{"writer", "PRAGMA synchronous", "2"},
		{"writer", "PRAGMA foreign_keys", "1"},
		{"writer", "PRAGMA busy_timeout", "10000"},
		{"reader", "PRAGMA synchronous", "2"},
		{"reader", "PRAGMA foreign_keys", "1"},
		{"reader", "PRAGMA busy_timeout", "10000"},
		{"reader", "PRAGMA query_only", "1"},
	} {
		h := db.writer
		if c.h == "reader" {
			h = db.reader
		}
		var got string
		if err := h.QueryRowContext(ctx, c.query).Scan(&got); err != nil {
			t.Fatalf("%s %s: %v", c.h, c.query, err)
		}
		if !strings.EqualFold(got, c.want) {
			t.Errorf("%s %s = %s, want %s", c.h, c.query, got, c.want)
		}
	}

	// The odd characters of the path are escaped in the DSN, not read as its query.
	var seq int
	var name, file string
	if err := db.writer.QueryRowContext(ctx, "PRAGMA database_list").Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	if file != path {
		t.Errorf("database file = %q, want %q", file, path)
	}
}

func TestMigrationsAppliedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ppks.db")
	names, err := migrationNames()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		db, err := Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		var n int
		var applied int64
		if err := db.reader.QueryRowContext(t.Context(), `SELECT COUNT(*), MAX(apply_time) FROM schema_migrations`).Scan(&n, &applied); err != nil {
			t.Fatal(err)
		}
		if n != len(names) {
			t.Errorf("open %d: %d migrations recorded, want %d", i, n, len(names))
		}
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
}

func TestDataSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ppks.db")
	ctx := t.Context()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	now := time.Date(2025, 2, 3, 4, 5, 6, 7000, time.UTC)
	b := &ppks.Beneficiary{ID: "0190a000-0000-7000-8000-000000000001", NIK: "7306010101800001", FullName: "Siti",
		Sex: ppks.SexFemale, BirthDate: ppks.Date{Year: 1980}, KecamatanCode: "73.06.01", CreateTime: now, UpdateTime: now, Revision: 1}
	op := ppks.Op{Key: ppks.RequestKey{ID: "0190a000-0000-7000-8000-0000000000aa", Method: "CreateBeneficiary", Fingerprint: "f"},
		Audit: &ppks.AuditEntry{Time: now, Username: "ani", Method: "CreateBeneficiary", Action: ppks.AuditWrite}}
	if _, err := (storetest.Writer{S: db, Ctx: ctx}).CreateBeneficiary(op, b); err != nil {
		t.Fatalf("CreateBeneficiary: %v", err)
	}
	key, err := db.FeedKey(ctx)
	if err != nil {
		t.Fatalf("FeedKey: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db = open(t, path)
	// The sync cursors' key too: a field app's cursor outlives a restart.
	if again, err := db.FeedKey(ctx); err != nil || !bytes.Equal(again, key) {
		t.Errorf("FeedKey after reopen = %x, %v; want %x", again, err, key)
	}
	got, err := db.GetBeneficiary(ctx, b.ID)
	if err != nil {
		t.Fatalf("GetBeneficiary after reopen: %v", err)
	}
	if *got != *b {
		t.Errorf("after reopen got %+v, want %+v", got, b)
	}
	// The request is remembered too.
	other := *b
	other.ID = "0190a000-0000-7000-8000-000000000002"
	op.Audit = &ppks.AuditEntry{Time: now, Username: "ani", Method: "CreateBeneficiary", Action: ppks.AuditWrite}
	again, err := (storetest.Writer{S: db, Ctx: ctx}).CreateBeneficiary(op, &other)
	if err != nil || again.ID != b.ID {
		t.Errorf("replay after reopen = %+v, %v; want %s", again, err, b.ID)
	}
}

func TestStorageFull(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	ctx := t.Context()
	var pages int
	if err := db.writer.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// The writer has one connection: the limit stays on it.
	if _, err := db.writer.ExecContext(ctx, `PRAGMA max_page_count = `+itoa(pages)); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	b := &ppks.Beneficiary{ID: "0190a000-0000-7000-8000-000000000001", FullName: "Siti", Sex: ppks.SexFemale,
		KecamatanCode: "73.06.01", Address: strings.Repeat("x", 100_000), CreateTime: now, UpdateTime: now, Revision: 1}
	_, err := (storetest.Writer{S: db, Ctx: ctx}).CreateBeneficiary(ppks.Op{}, b)
	if ppks.KindOf(err) != ppks.KindResourceExhausted {
		t.Fatalf("CreateBeneficiary on a full database: err %v, want ResourceExhausted", err)
	}
}

func TestCanceledContext(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := db.GetBeneficiary(ctx, "x")
	if err == nil || ppks.KindOf(err) == ppks.KindNotFound {
		t.Fatalf("GetBeneficiary with a canceled context: err %v, want the context's error", err)
	}
	if !errorsIsCanceled(err) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestAuditLogAppendOnly changes the audit log behind the store's back, through a
// connection of its own: the database itself refuses.
func TestAuditLogAppendOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ppks.db")
	db := open(t, path)
	ctx := t.Context()
	e := &ppks.AuditEntry{Time: time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC), Username: "ani", Role: ppks.RoleWorker,
		Method: "ListBeneficiaries", Action: ppks.AuditRead, Resource: "beneficiaries", Records: []string{"beneficiaries/a"}}
	if err := (storetest.Writer{S: db, Ctx: ctx}).AppendAudit(e); err != nil {
		t.Fatalf("AppendAudit: %v", err)
	}

	raw, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	id := strconv.FormatInt(e.ID, 10)
	for _, stmt := range []string{
		`UPDATE audit_log SET summary = 'changed' WHERE id = ` + id,
		`UPDATE audit_log SET username = 'budi'`,
		`DELETE FROM audit_log WHERE id = ` + id,
		`DELETE FROM audit_log`,
		`INSERT OR REPLACE INTO audit_log (id, time, username, role, method, action, resource)
			VALUES (` + id + `, 0, 'budi', 1, 'X', 1, 'x')`,
		`INSERT INTO audit_log (id, time, username, role, method, action, resource)
			VALUES (` + id + `, 0, 'budi', 1, 'X', 1, 'x') ON CONFLICT (id) DO UPDATE SET username = excluded.username`,
		`UPDATE audit_records SET name = 'beneficiaries/b'`,
		`DELETE FROM audit_records`,
	} {
		_, err := raw.ExecContext(ctx, stmt)
		if code := constraint(err); code != sqlite3.SQLITE_CONSTRAINT_TRIGGER {
			t.Errorf("%s: err %v (code %d), want the trigger's abort", stmt, err, code)
		}
	}

	got, err := db.ListAudit(ctx, ppks.AuditFilter{Resource: "beneficiaries/a"}, ppks.PageRequest{})
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	if diff := cmp.Diff([]*ppks.AuditEntry{e}, got); diff != "" {
		t.Errorf("entries after the attempts (-want +got):\n%s", diff)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func errorsIsCanceled(err error) bool { return errors.Is(err, context.Canceled) }

// migrationNames lists the embedded migrations.
func migrationNames() ([]string, error) { return fs.Glob(migrationFS, "migrations/*.sql") }
