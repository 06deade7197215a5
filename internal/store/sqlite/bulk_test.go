package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

// BulkLoad leaves the database as it found it: every index built again, the writer's
// pragmas restored, and the counts rebuilt over what it loaded.
func TestBulkLoadRestores(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	ctx := t.Context()
	state := func() (indexes, fk, temp, cache int) {
		t.Helper()
		if err := db.writer.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index'`).Scan(&indexes); err != nil {
			t.Fatal(err)
		}
		for q, v := range map[string]*int{"foreign_keys": &fk, "temp_store": &temp, "cache_size": &cache} {
			if err := db.writer.QueryRowContext(ctx, `PRAGMA `+q).Scan(v); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if err := db.SetCountingRules(ctx, []ppks.CountingRule{{FromYear: 2024, Types: map[string]bool{"PERMAKANAN": true}}}, nil); err != nil {
		t.Fatal(err)
	}
	i0, fk0, t0, c0 := state()
	at := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	err := db.BulkLoad(ctx, func(l *Loader) error {
		b := &ppks.Beneficiary{ID: "b1", FullName: "Siti", Sex: ppks.SexFemale, KecamatanCode: "73.06.01", CreateTime: at, UpdateTime: at, Revision: 1}
		c := &ppks.Case{ID: "c1", BeneficiaryID: "b1", PpksType: "LANSIA_TELANTAR", OpenedOn: ppks.Date{Year: 2025, Month: 1, Day: 2},
			State: ppks.CaseOpen, CreateTime: at, UpdateTime: at, Revision: 1}
		if err := l.Beneficiary(b); err != nil {
			return err
		}
		if err := l.Case(c); err != nil {
			return err
		}
		for i, day := range []int{9, 3, 20} {
			if err := l.Intervention(&ppks.Intervention{ID: "i" + string(rune('1'+i)), BeneficiaryID: "b1", CaseID: "c1",
				InterventionType: "PERMAKANAN", DeliveredOn: ppks.Date{Year: 2025, Month: 2, Day: day}, KecamatanCode: "73.06.02",
				Quantity: 1, State: ppks.InterventionActive, Verification: ppks.VerificationPending,
				CreateTime: at, UpdateTime: at, Revision: 1}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if i1, fk1, t1, c1 := state(); i1 != i0 || fk1 != fk0 || t1 != t0 || c1 != c0 {
		t.Errorf("after BulkLoad: %d indexes, foreign_keys %d, temp_store %d, cache_size %d; before %d, %d, %d, %d",
			i1, fk1, t1, c1, i0, fk0, t0, c0)
	}
	got, err := db.DetailedCounts(ctx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if tc := got.Types["PERMAKANAN"]; got.UniquePersons != 1 || tc.Units != 1 || tc.ByMonth[2] != 1 || tc.ByKecamatan["73.06.02"] != 1 {
		t.Errorf("counts after BulkLoad: %+v", got)
	}
}
