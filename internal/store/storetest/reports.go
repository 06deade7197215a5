package storetest

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

// testReports: budget lines, programme indicators and the Renstra period round-trip and
// delete; a year lock is stored once and refuses a second; amendments open, list and
// close; while a year is locked the store itself refuses an intervention dated in it
// unless an amendment is open at its update_time.
func testReports(t *testing.T, f *fixture) {
	put := func(what string, fn func(ctx context.Context, tx ppks.Tx) error) {
		t.Helper()
		if _, err := f.w().write(audited(what), "reports/2024", fn); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	line := &ppks.BudgetLine{Year: 2024, Code: "1.06.06.2.01", DisplayName: "Perlindungan Sosial", Pagu: 89_668_500,
		Realisasi: 88_648_500, PerformanceAgreement: true, UpdateTime: baseTime}
	other := &ppks.BudgetLine{Year: 2024, Code: "1.06.04.2.01", DisplayName: "Rehabilitasi", Pagu: 10, UpdateTime: baseTime}
	put("UpdateBudgetLine", func(ctx context.Context, tx ppks.Tx) error { return tx.PutBudgetLine(ctx, line) })
	put("UpdateBudgetLine", func(ctx context.Context, tx ppks.Tx) error { return tx.PutBudgetLine(ctx, other) })
	l, err := f.s.GetBudgetLine(f.ctx, 2024, line.Code)
	if err != nil || !cmp.Equal(line, l) || l.ProgramCode() != "1.06.06" {
		t.Fatalf("GetBudgetLine = %+v, %v", l, err)
	}
	line.Realisasi = 88_000_000
	put("UpdateBudgetLine", func(ctx context.Context, tx ppks.Tx) error { return tx.PutBudgetLine(ctx, line) })
	checkPaging(t, "budget lines", func(p ppks.PageRequest) ([]*ppks.BudgetLine, error) { return f.s.ListBudgetLines(f.ctx, 2024, p) },
		func(l *ppks.BudgetLine) string { return l.Code }, []string{other.Code, line.Code}, 1)
	if l, _ := f.s.GetBudgetLine(f.ctx, 2024, line.Code); l.Realisasi != 88_000_000 {
		t.Errorf("a second put left realisasi %d", l.Realisasi)
	}
	put("DeleteBudgetLine", func(ctx context.Context, tx ppks.Tx) error { return tx.DeleteBudgetLine(ctx, 2024, other.Code) })
	_, err = f.s.GetBudgetLine(f.ctx, 2024, other.Code)
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.w().write(audited("DeleteBudgetLine"), "", func(ctx context.Context, tx ppks.Tx) error { return tx.DeleteBudgetLine(ctx, 2024, other.Code) })
	wantErr(t, err, ppks.KindNotFound, "")

	pi := &ppks.ProgramIndicator{Year: 2024, ID: "rehab", DisplayName: "Persentase PPKS", ProgramCode: "1.06.04",
		InterventionTypes: []string{permakanan, alatBantu}, Population: 1000, TargetPercent: big.NewRat(196, 10), Position: 2, UpdateTime: baseTime}
	pi2 := &ppks.ProgramIndicator{Year: 2024, ID: "jamsos", DisplayName: "Jaminan", ProgramCode: "1.06.06",
		InterventionTypes: []string{permakanan}, Population: 5, TargetPercent: big.NewRat(1, 1), Position: 1, UpdateTime: baseTime}
	put("UpdateProgramIndicator", func(ctx context.Context, tx ppks.Tx) error { return tx.PutProgramIndicator(ctx, pi) })
	put("UpdateProgramIndicator", func(ctx context.Context, tx ppks.Tx) error { return tx.PutProgramIndicator(ctx, pi2) })
	if got, err := f.s.GetProgramIndicator(f.ctx, 2024, pi.ID); err != nil || !cmp.Equal(pi, got, cmp.Comparer(ratEqual)) {
		t.Fatalf("GetProgramIndicator = %+v, %v", got, err)
	}
	checkPaging(t, "programme indicators", func(p ppks.PageRequest) ([]*ppks.ProgramIndicator, error) {
		return f.s.ListProgramIndicators(f.ctx, 2024, p)
	}, func(p *ppks.ProgramIndicator) string { return p.ID }, []string{pi2.ID, pi.ID}, 1)
	put("DeleteProgramIndicator", func(ctx context.Context, tx ppks.Tx) error { return tx.DeleteProgramIndicator(ctx, 2024, pi2.ID) })
	_, err = f.s.GetProgramIndicator(f.ctx, 2024, pi2.ID)
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.w().write(audited("DeleteProgramIndicator"), "", func(ctx context.Context, tx ppks.Tx) error {
		return tx.DeleteProgramIndicator(ctx, 2024, pi2.ID)
	})
	wantErr(t, err, ppks.KindNotFound, "")

	_, err = f.s.GetStrategicPlan(f.ctx, ppks.IndicatorID)
	wantErr(t, err, ppks.KindNotFound, "")
	baseline := 1200
	plan := &ppks.StrategicPlan{Indicator: ppks.IndicatorID, StartYear: 2021, EndYear: 2026, BaselineYear: 2020, Baseline: &baseline, UpdateTime: baseTime}
	put("UpdateStrategicPlan", func(ctx context.Context, tx ppks.Tx) error { return tx.PutStrategicPlan(ctx, plan) })
	plan.EndYear = 2027
	put("UpdateStrategicPlan", func(ctx context.Context, tx ppks.Tx) error { return tx.PutStrategicPlan(ctx, plan) })
	if got, err := f.s.GetStrategicPlan(f.ctx, ppks.IndicatorID); err != nil || !cmp.Equal(plan, got) {
		t.Fatalf("GetStrategicPlan = %+v, %v", got, err)
	}

	if locked, err := f.s.YearLocked(f.ctx, 2024); err != nil || locked {
		t.Fatalf("YearLocked before the lock = %v, %v", locked, err)
	}
	_, err = f.s.GetYearLock(f.ctx, 2024)
	wantErr(t, err, ppks.KindNotFound, "")
	lock := &ppks.YearLock{Year: 2024, LockTime: baseTime, Username: "admin", Snapshot: []byte(`{"Version":1}`),
		Hash: "0000000000000000000000000000000000000000000000000000000000000000"}
	lockOp := newOp("LockReport", "lock 2024")
	if _, err := f.w().write(lockOp, ppks.ReportName(2024), func(ctx context.Context, tx ppks.Tx) error { return tx.InsertYearLock(ctx, lock) }); err != nil {
		t.Fatal(err)
	}
	// A replay answers with the name its first run wrote; a second lock is refused.
	if name, err := f.w().write(lockOp, "", func(context.Context, ppks.Tx) error {
		t.Error("a replayed lock ran its function")
		return nil
	}); err != nil || name != ppks.ReportName(2024) {
		t.Errorf("replayed lock = %q, %v", name, err)
	}
	_, err = f.w().write(audited("LockReport"), ppks.ReportName(2024), func(ctx context.Context, tx ppks.Tx) error { return tx.InsertYearLock(ctx, lock) })
	wantErr(t, err, ppks.KindAlreadyExists, "")
	got, err := f.s.GetYearLock(f.ctx, 2024)
	if err != nil || string(got.Snapshot) != string(lock.Snapshot) || got.Hash != lock.Hash || !got.LockTime.Equal(baseTime) {
		t.Fatalf("GetYearLock = %+v, %v", got, err)
	}
	if locked, err := f.s.YearLocked(f.ctx, 2024); err != nil || !locked {
		t.Fatalf("YearLocked after the lock = %v, %v", locked, err)
	}

	// The backstop: an intervention of the locked year is refused by the store itself, as
	// the domain's check (ppks.YearOpen) would.
	c := f.openCase(t, f.person(t, nil), nil)
	_, err = f.w().CreateIntervention(audited("CreateIntervention"), c.BeneficiaryID, c.ID,
		func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
			iv := newIntervention()
			iv.UpdateTime = baseTime.Add(time.Hour)
			return iv, nil
		})
	wantErr(t, err, ppks.KindFailedPrecondition, "YEAR_LOCKED")
	a := &ppks.Amendment{Year: 2024, ID: newID(), Reason: "terlambat", OpenedBy: "admin", CreateTime: baseTime, ExpireTime: baseTime.Add(24 * time.Hour)}
	put("CreateAmendment", func(ctx context.Context, tx ppks.Tx) error { return tx.InsertAmendment(ctx, a) })
	if open, err := f.s.OpenAmendment(f.ctx, 2024, baseTime.Add(time.Hour)); err != nil || open.ID != a.ID {
		t.Fatalf("OpenAmendment = %+v, %v", open, err)
	}
	if yo := ppks.YearOpen(f.ctx, f.s, 2024, baseTime.Add(time.Hour)); yo != nil {
		t.Errorf("YearOpen under an open amendment: %v", yo)
	}
	f.deliver(t, c, func(iv *ppks.Intervention) { iv.UpdateTime = baseTime.Add(time.Hour) })
	a.CloseTime, a.ClosedBy = baseTime.Add(2*time.Hour), "admin"
	put("CloseAmendment", func(ctx context.Context, tx ppks.Tx) error { return tx.UpdateAmendment(ctx, a) })
	if got, err := f.s.GetAmendment(f.ctx, 2024, a.ID); err != nil || !cmp.Equal(a, got) {
		t.Fatalf("GetAmendment = %+v, %v", got, err)
	}
	second := &ppks.Amendment{Year: 2024, ID: newID(), Reason: "lagi", OpenedBy: "admin", CreateTime: baseTime.Add(3 * time.Hour),
		ExpireTime: baseTime.Add(48 * time.Hour)}
	put("CreateAmendment", func(ctx context.Context, tx ppks.Tx) error { return tx.InsertAmendment(ctx, second) })
	checkPaging(t, "amendments", func(p ppks.PageRequest) ([]*ppks.Amendment, error) { return f.s.ListAmendments(f.ctx, 2024, p) },
		func(a *ppks.Amendment) string { return a.ID }, []string{a.ID, second.ID}, 1)
	_, err = f.s.OpenAmendment(f.ctx, 2024, baseTime.Add(150*time.Minute))
	wantErr(t, err, ppks.KindNotFound, "")
	if yo := ppks.YearOpen(f.ctx, f.s, 2024, baseTime.Add(150*time.Minute)); ppks.KindOf(yo) != ppks.KindFailedPrecondition {
		t.Errorf("YearOpen with no amendment open: %v", yo)
	}
	changed, err := f.s.ChangedInterventions(f.ctx, 2024, baseTime)
	if err != nil || len(changed) != 1 {
		t.Fatalf("ChangedInterventions = %v, %v", changed, err)
	}
	served, err := f.s.ServiceFacts(f.ctx, 2024)
	if err != nil || len(served) != 1 || served[0].PpksType != anak || served[0].InterventionType != permakanan {
		t.Fatalf("ServiceFacts = %v, %v", served, err)
	}
}

func ratEqual(a, b *big.Rat) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Cmp(b) == 0
}
