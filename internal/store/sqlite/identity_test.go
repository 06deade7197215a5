package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// people is a small set of records built through the store: two people, the second with
// two cases and an intervention in each.
type people struct {
	sv, dup *ppks.Beneficiary
	cases   []*ppks.Case
	ivs     []*ppks.Intervention
}

var testTime = time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)

func testID(n int) string { return fmt.Sprintf("0190a000-0000-7000-8000-%012d", n) }

func makePeople(t *testing.T, db *DB) people {
	t.Helper()
	ctx := t.Context()
	var p people
	for i, nik := range []string{"", "7306010101800001"} {
		b := &ppks.Beneficiary{ID: testID(i + 1), NIK: nik, FullName: "Siti Aminah", Sex: ppks.SexFemale,
			KecamatanCode: "73.06.01", CreateTime: testTime, UpdateTime: testTime, Revision: 1}
		got, err := (storetest.Writer{S: db, Ctx: ctx}).CreateBeneficiary(ppks.Op{}, b)
		if err != nil {
			t.Fatalf("CreateBeneficiary: %v", err)
		}
		p.sv, p.dup = p.dup, got
	}
	for i := range 2 {
		c, err := (storetest.Writer{S: db, Ctx: ctx}).CreateCase(ppks.Op{}, p.dup.ID, func(b *ppks.Beneficiary) (*ppks.Case, error) {
			return &ppks.Case{ID: testID(10 + i), BeneficiaryID: b.ID, PpksType: "ANAK_TELANTAR",
				OpenedOn: ppks.Date{Year: 2024, Month: 1, Day: 1}, State: ppks.CaseOpen,
				CreateTime: testTime, UpdateTime: testTime, Revision: 1}, nil
		})
		if err != nil {
			t.Fatalf("CreateCase: %v", err)
		}
		iv, err := (storetest.Writer{S: db, Ctx: ctx}).CreateIntervention(ppks.Op{}, p.dup.ID, c.ID, func(b *ppks.Beneficiary, c *ppks.Case) (*ppks.Intervention, error) {
			return &ppks.Intervention{ID: testID(20 + i), BeneficiaryID: b.ID, CaseID: c.ID, InterventionType: "PERMAKANAN",
				DeliveredOn: ppks.Date{Year: 2024, Month: 3, Day: 1}, KecamatanCode: "73.06.01", Quantity: 1,
				State: ppks.InterventionActive, Verification: ppks.VerificationPending,
				CreateTime: testTime, UpdateTime: testTime, Revision: 1}, nil
		})
		if err != nil {
			t.Fatalf("CreateIntervention: %v", err)
		}
		p.cases, p.ivs = append(p.cases, c), append(p.ivs, iv)
	}
	return p
}

// foreignKeyViolations runs PRAGMA foreign_key_check on the whole database.
func foreignKeyViolations(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.writer.QueryContext(t.Context(), `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s row %v -> %s", table, rowid.Int64, parent))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func moveAll(sv, dup *ppks.Beneficiary, cases []*ppks.Case, ivs []*ppks.Intervention) error {
	dup.MergedInto, dup.NIK = sv.ID, ""
	sv.NIK = "7306010101800001"
	for _, c := range cases {
		c.BeneficiaryID = sv.ID
	}
	for _, iv := range ivs {
		iv.BeneficiaryID = sv.ID
	}
	return nil
}

func TestMergeKeepsForeignKeys(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	ctx := t.Context()
	p := makePeople(t, db)
	if _, err := (storetest.Writer{S: db, Ctx: ctx}).MergeBeneficiaries(ppks.Op{}, p.sv.ID, p.dup.ID, moveAll); err != nil {
		t.Fatalf("MergeBeneficiaries: %v", err)
	}
	if v := foreignKeyViolations(t, db); len(v) != 0 {
		t.Errorf("foreign key violations after the merge: %v", v)
	}
	var deferred int
	if err := db.writer.QueryRowContext(ctx, `PRAGMA defer_foreign_keys`).Scan(&deferred); err != nil {
		t.Fatal(err)
	}
	if deferred != 0 {
		t.Errorf("defer_foreign_keys = %d after the merge, want 0", deferred)
	}
	var n int
	if err := db.writer.QueryRowContext(ctx, `SELECT COUNT(*) FROM interventions WHERE beneficiary_id = ?`, p.sv.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(p.ivs) {
		t.Errorf("%d interventions of the survivor, want %d", n, len(p.ivs))
	}
}

// TestMoveRecordsRestoresImmediateKeys moves records inside a write of the group writer,
// then breaks a foreign key in the same transaction: the key must be checked at once
// again, not deferred to a COMMIT shared with other writes.
func TestMoveRecordsRestoresImmediateKeys(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	ctx := t.Context()
	p := makePeople(t, db)
	errRollBack := errors.New("roll back")
	err := db.write(ctx, "test", func(ctx context.Context, tx *sql.Tx) error {
		if err := moveRecords(ctx, tx, p.sv.ID, p.dup.ID, testTime); err != nil {
			return fmt.Errorf("moveRecords: %w", err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE cases SET beneficiary_id = ? WHERE id = ?`, p.dup.ID, p.cases[0].ID)
		if code := constraint(err); code != sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
			return fmt.Errorf("breaking a key after moveRecords: err %v (code %d), want an immediate FOREIGNKEY error", err, code)
		}
		return callback(errRollBack)
	})
	if !errors.Is(err, errRollBack) {
		t.Fatal(err)
	}

	if v := foreignKeyViolations(t, db); len(v) != 0 {
		t.Errorf("foreign key violations after the rolled back move: %v", v)
	}
	if got, err := db.GetCase(ctx, p.dup.ID, p.cases[0].ID); err != nil || !cmp.Equal(p.cases[0], got) {
		t.Errorf("case after the rolled back move = %+v, %v; want unchanged", got, err)
	}
}

// A merge the store cannot keep is refused: the duplicate not pointing at the survivor,
// or a record merged into itself.
func TestMergeRefusesABadMerge(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	ctx := t.Context()
	p := makePeople(t, db)
	for name, merge := range map[string]func(sv, dup *ppks.Beneficiary, cases []*ppks.Case, ivs []*ppks.Intervention) error{
		"no pointer": func(sv, dup *ppks.Beneficiary, cases []*ppks.Case, ivs []*ppks.Intervention) error {
			moveAll(sv, dup, cases, ivs)
			dup.MergedInto = ""
			return nil
		},
		"into itself": func(sv, dup *ppks.Beneficiary, cases []*ppks.Case, ivs []*ppks.Intervention) error {
			moveAll(sv, dup, cases, ivs)
			dup.ID, dup.MergedInto = sv.ID, sv.ID
			return nil
		},
	} {
		if _, err := (storetest.Writer{S: db, Ctx: ctx}).MergeBeneficiaries(ppks.Op{}, p.sv.ID, p.dup.ID, merge); ppks.KindOf(err) != ppks.KindInternal {
			t.Errorf("%s: err %v, want Internal", name, err)
		}
	}
	if got, err := db.GetBeneficiary(ctx, p.dup.ID); err != nil || !cmp.Equal(p.dup, got) {
		t.Errorf("duplicate after the refused merges = %+v, %v; want unchanged", got, err)
	}
	if v := foreignKeyViolations(t, db); len(v) != 0 {
		t.Errorf("foreign key violations: %v", v)
	}
}

// TestRecordHistoryAppendOnly changes the history behind the store's back: the database
// itself refuses.
func TestRecordHistoryAppendOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ppks.db")
	db := open(t, path)
	ctx := t.Context()
	ch := &ppks.Change{RecordID: "r", Record: "beneficiaries/r", Time: testTime, Username: "ani", Method: "UpdateBeneficiary",
		Fields: []ppks.FieldChange{{Field: "desa", Old: "a", New: "b"}}}
	e := &ppks.AuditEntry{Time: testTime, Username: "ani", Role: ppks.RoleWorker, Method: "UpdateBeneficiary",
		Action: ppks.AuditWrite, Resource: "beneficiaries/r", Changes: []*ppks.Change{ch}}
	if err := (storetest.Writer{S: db, Ctx: ctx}).AppendAudit(e); err != nil {
		t.Fatalf("AppendAudit: %v", err)
	}
	var auditID int64
	if err := db.writer.QueryRowContext(ctx, `SELECT audit_id FROM record_history WHERE id = ?`, ch.ID).Scan(&auditID); err != nil {
		t.Fatal(err)
	}
	if auditID != e.ID {
		t.Errorf("audit_id = %d, want the entry's %d", auditID, e.ID)
	}

	raw, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	id := strconv.FormatInt(ch.ID, 10)
	for _, stmt := range []string{
		`UPDATE record_history SET fields = '[]' WHERE id = ` + id,
		`UPDATE record_history SET username = 'budi'`,
		`DELETE FROM record_history WHERE id = ` + id,
		`DELETE FROM record_history`,
		`INSERT OR REPLACE INTO record_history (id, audit_id, record_id, record, time, username, method, fields)
			VALUES (` + id + `, ` + strconv.FormatInt(e.ID, 10) + `, 'r', 'x', 0, 'budi', 'X', '[]')`,
		`INSERT INTO record_history (id, audit_id, record_id, record, time, username, method, fields)
			VALUES (` + id + `, ` + strconv.FormatInt(e.ID, 10) + `, 'r', 'x', 0, 'budi', 'X', '[]')
			ON CONFLICT (id) DO UPDATE SET username = excluded.username`,
	} {
		_, err := raw.ExecContext(ctx, stmt)
		if code := constraint(err); code != sqlite3.SQLITE_CONSTRAINT_TRIGGER {
			t.Errorf("%s: err %v (code %d), want the trigger's abort", stmt, err, code)
		}
	}
	got, err := db.ListChanges(ctx, "r", ppks.PageRequest{})
	if err != nil {
		t.Fatalf("ListChanges: %v", err)
	}
	if diff := cmp.Diff([]*ppks.Change{ch}, got); diff != "" {
		t.Errorf("history after the attempts (-want +got):\n%s", diff)
	}
}

// TestFillNameKeys is the Go step of migration 0003: rows stored before name_key existed
// get their match key.
func TestFillNameKeys(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	ctx := t.Context()
	b := &ppks.Beneficiary{ID: testID(1), FullName: "Hj. Sitti Aminah Djamal", Sex: ppks.SexFemale,
		KecamatanCode: "73.06.01", CreateTime: testTime, UpdateTime: testTime, Revision: 1}
	if _, err := (storetest.Writer{S: db, Ctx: ctx}).CreateBeneficiary(ppks.Op{}, b); err != nil {
		t.Fatalf("CreateBeneficiary: %v", err)
	}
	key := func() string {
		var k string
		if err := db.writer.QueryRowContext(ctx, `SELECT name_key FROM beneficiaries WHERE id = ?`, b.ID).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	want := ppks.MatchKey(b.FullName)
	if got := key(); got != want || want == "" {
		t.Fatalf("name_key on insert = %q, want %q", got, want)
	}
	err := db.write(ctx, "test", func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE beneficiaries SET name_key = '' WHERE id = ?`, b.ID); err != nil {
			return err
		}
		return fillNameKeys(ctx, tx)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := key(); got != want {
		t.Errorf("name_key after fillNameKeys = %q, want %q", got, want)
	}
	// Updates keep it.
	if _, err := (storetest.Writer{S: db, Ctx: ctx}).UpdateBeneficiary(ppks.Op{}, b.ID, func(b *ppks.Beneficiary) error {
		b.FullName = "Muhammad Soekarno"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := key(), ppks.MatchKey("Muhammad Soekarno"); got != want {
		t.Errorf("name_key after update = %q, want %q", got, want)
	}
}

// TestCountFactsUsesIndex keeps counting a search of the counting index, not a scan of
// every intervention.
func TestCountFactsUsesIndex(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	rows, err := db.reader.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+countFactsQuery, 2, 2024, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	text := strings.Join(plan, "\n")
	if !strings.Contains(text, "SEARCH i USING INDEX interventions_count (delivered_year=? AND state=?)") {
		t.Errorf("CountFacts plan does not search interventions_count:\n%s", text)
	}
}
