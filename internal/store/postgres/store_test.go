package postgres

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/opendinsos/ppks/internal/pgtest"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/storetest"
)

// A call through the Store from inside a write's function is refused: it would run
// outside the write's transaction.
func TestNestedCallRefused(t *testing.T) {
	db := open(t)
	ctx := t.Context()
	var readErr, writeErr, rebuildErr error
	_, err := db.Write(ctx, ppks.Op{}, func(ctx context.Context, tx ppks.Tx) error {
		_, readErr = db.GetBeneficiary(ctx, "x")
		_, writeErr = db.Write(ctx, ppks.Op{}, func(context.Context, ppks.Tx) error { return nil })
		rebuildErr = db.RebuildCounts(ctx)
		return nil
	})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	for name, err := range map[string]error{"read": readErr, "write": writeErr, "rebuild": rebuildErr} {
		if ppks.KindOf(err) != ppks.KindInternal {
			t.Errorf("nested %s: %v, want an internal error", name, err)
		}
	}
}

// The audit log, the history and the year locks refuse UPDATE, DELETE and TRUNCATE in
// the database itself, whoever sends them.
func TestAppendOnlyInTheDatabase(t *testing.T) {
	db := open(t)
	ctx := t.Context()
	w := storetest.Writer{S: db, Ctx: ctx}
	if err := w.AppendAudit(&ppks.AuditEntry{Time: time.Now().UTC(), Username: "a", Method: "GetBeneficiary",
		Action: ppks.AuditRead, Resource: "beneficiaries/x", Records: []string{"beneficiaries/x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write(ctx, ppks.Op{}, func(ctx context.Context, tx ppks.Tx) error {
		return tx.InsertYearLock(ctx, &ppks.YearLock{Year: 2024, LockTime: time.Now().UTC(), Username: "a",
			Snapshot: []byte("{}"), Hash: "0123456789012345678901234567890123456789012345678901234567890123"})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO record_history (audit_id, record_id, record, time, username, method, fields)
		SELECT id, 'x', 'beneficiaries/x', now(), 'a', 'm', '[]' FROM audit_log LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`UPDATE audit_log SET summary = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log CASCADE`,
		`UPDATE audit_records SET name = 'y'`, `DELETE FROM audit_records`, `TRUNCATE audit_records`,
		`UPDATE record_history SET record = 'y'`, `DELETE FROM record_history`, `TRUNCATE record_history`,
		`UPDATE year_locks SET username = 'b'`, `DELETE FROM year_locks`, `TRUNCATE year_locks CASCADE`,
	} {
		_, err := db.pool.Exec(ctx, stmt)
		if pgCode(err) != "PPKAO" {
			t.Errorf("%s: %v, want refused (PPKAO)", stmt, err)
		}
	}
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM record_history)
		+ (SELECT count(*) FROM year_locks)`).Scan(&n); err != nil || n != 3 {
		t.Errorf("rows left: %d %v, want 3", n, err)
	}
}

// Processes starting together on a new database apply each migration once.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	dsn := pgtest.Require(t).NewDatabase(t, "")
	const n = 4
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			db, err := Open(t.Context(), dsn)
			if err == nil {
				err = db.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Open: %v", err)
		}
	}
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	names, _ := migrationNames()
	var rows int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&rows); err != nil || rows != len(names) {
		t.Errorf("schema_migrations has %d rows (%v), want %d", rows, err, len(names))
	}
}

// Open refuses a remote host whose sslmode may fall back to plain text.
func TestTransportPolicy(t *testing.T) {
	for _, c := range []struct {
		dsn string
		ok  bool
	}{
		{"postgres://u@/db?host=/run/postgresql", true},
		{"postgres://u@localhost/db", true},
		{"postgres://u@127.0.0.1/db", true},
		{"postgres://u@[::1]/db?sslmode=prefer", true},
		{"postgres://u@db.example.org/db", false},                    // libpq's default, prefer
		{"postgres://u@db.example.org/db?sslmode=prefer", false},     // may fall back to plain text
		{"postgres://u@db.example.org/db?sslmode=allow", false},      // may fall back to plain text
		{"postgres://u@db.example.org/db?sslmode=require", true},     // encrypted
		{"postgres://u@db.example.org/db?sslmode=verify-full", true}, // encrypted, and the server checked
		{"postgres://u@10.0.0.5/db?sslmode=disable", true},           // the operator's decision
		{"postgres://u@localhost,db.example.org/db", false},          // the second host may be in plain text
		{"postgres://u@localhost,db.example.org/db?sslmode=require", true},
	} {
		cfg, err := pgx.ParseConfig(c.dsn)
		if err != nil {
			t.Fatalf("%s: %v", c.dsn, err)
		}
		if err := checkTransport(cfg, false, nil); (err == nil) != c.ok {
			t.Errorf("%s: %v, want ok=%v", c.dsn, err, c.ok)
		}
	}
}

// The compactor folds the deltas into the totals without changing a count.
func TestCompactKeepsCounts(t *testing.T) {
	db := open(t, WithCompactEvery(time.Hour)) // compacted by hand below
	ctx := t.Context()
	if err := db.SetCountingRules(ctx, []ppks.CountingRule{{FromYear: 2000, Types: map[string]bool{"PERMAKANAN": true}}}, nil); err != nil {
		t.Fatal(err)
	}
	w := storetest.Writer{S: db, Ctx: ctx}
	now := time.Now().UTC().Truncate(time.Microsecond)
	for i := range 5 {
		b, err := w.CreateBeneficiary(ppks.Op{Audit: &ppks.AuditEntry{Method: "CreateBeneficiary"}}, &ppks.Beneficiary{
			ID: "p" + string(rune('a'+i)), FullName: "Orang", Sex: ppks.SexFemale, KecamatanCode: "73.06.01",
			CreateTime: now, UpdateTime: now, Revision: 1})
		if err != nil {
			t.Fatal(err)
		}
		c, err := w.CreateCase(ppks.Op{Audit: &ppks.AuditEntry{Method: "CreateCase"}}, b.ID, func(*ppks.Beneficiary) (*ppks.Case, error) {
			return &ppks.Case{ID: "c" + b.ID, PpksType: "LANSIA_TELANTAR", OpenedOn: ppks.Date{Year: 2024, Month: 1, Day: 1},
				State: ppks.CaseOpen, CreateTime: now, UpdateTime: now, Revision: 1}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.CreateIntervention(ppks.Op{Audit: &ppks.AuditEntry{Method: "CreateIntervention"}}, b.ID, c.ID,
			func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
				return &ppks.Intervention{ID: "i" + b.ID, InterventionType: "PERMAKANAN", DeliveredOn: ppks.Date{Year: 2024, Month: 3, Day: 1 + i},
					KecamatanCode: "73.06.01", State: ppks.InterventionActive, Verification: ppks.VerificationPending,
					CreateTime: now, UpdateTime: now, Revision: 1}, nil
			}); err != nil {
			t.Fatal(err)
		}
	}
	before, err := db.DetailedCounts(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if before.Types["PERMAKANAN"].Units != 5 || before.UniquePersons != 5 {
		t.Fatalf("counts before compacting: %+v", before)
	}
	var deltas int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM count_deltas`).Scan(&deltas); err != nil || deltas == 0 {
		t.Fatalf("%d deltas (%v), want some before compacting", deltas, err)
	}
	if _, err := db.compact(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM count_deltas`).Scan(&deltas); err != nil || deltas != 0 {
		t.Fatalf("%d deltas (%v) after compacting, want none", deltas, err)
	}
	after, err := db.DetailedCounts(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if !after.Equal(before) {
		t.Errorf("counts changed by compacting: before %+v, after %+v", before, after)
	}
}

// A statement that outlives the statement timeout fails as Unavailable, and the
// transaction it was in changes nothing.
func TestStatementTimeout(t *testing.T) {
	db := open(t, WithStatementTimeout(50*time.Millisecond))
	_, err := db.Write(t.Context(), ppks.Op{}, func(ctx context.Context, tx ppks.Tx) error {
		_, err := tx.(*txn).tx.Exec(ctx, `SELECT pg_sleep(1)`)
		return err
	})
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != codeCanceled {
		t.Errorf("Write with a slow statement: %v, want the statement canceled", err)
	}
}

// Each new database makes its own cursor key (migration 0004), the same for every
// process of it. The conformance suite's databases are copies of one template, which keep
// its key as a backup would; here two are made afresh.
func TestFeedKeyOfNewDatabases(t *testing.T) {
	c := pgtest.Require(t)
	var keys [][]byte
	for range 2 {
		dsn := c.NewDatabase(t, "")
		var first []byte
		for range 2 { // two processes of one database
			db, err := Open(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			key, err := db.FeedKey(t.Context())
			db.Close()
			if err != nil || len(key) != 32 {
				t.Fatalf("FeedKey = %x, %v; want 32 bytes", key, err)
			}
			if first != nil && !bytes.Equal(first, key) {
				t.Fatalf("one database, two keys: %x and %x", first, key)
			}
			first = key
		}
		keys = append(keys, first)
	}
	if bytes.Equal(keys[0], keys[1]) {
		t.Errorf("two new databases have the same cursor key %x", keys[0])
	}
}
