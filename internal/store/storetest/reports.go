package storetest

import (
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

// testReports: budget lines round-trip; a year lock is stored once and refuses a second;
// amendments open and close; while a year is locked the store itself refuses an
// intervention dated in it unless an amendment is open at its update_time.
func testReports(t *testing.T, f *fixture) {
	l, err := f.s.UpsertBudgetLine(f.ctx, audited("UpdateBudgetLine"), 2024, "1.06.06.2.01", func(l *ppks.BudgetLine, exists bool) error {
		if exists {
			t.Error("a new line exists")
		}
		l.DisplayName, l.Pagu, l.Realisasi, l.PerformanceAgreement, l.UpdateTime = "Perlindungan Sosial", 89_668_500, 88_648_500, true, baseTime
		return nil
	})
	if err != nil || l.Pagu != 89_668_500 || l.Realisasi != 88_648_500 || !l.PerformanceAgreement || l.ProgramCode() != "1.06.06" {
		t.Fatalf("UpsertBudgetLine = %+v, %v", l, err)
	}
	lock := &ppks.YearLock{Year: 2024, LockTime: baseTime, Username: "admin", Snapshot: []byte(`{"Version":1}`),
		Hash: "0000000000000000000000000000000000000000000000000000000000000000"}
	if _, err := f.s.CreateYearLock(f.ctx, audited("LockReport"), 2024, func() (*ppks.YearLock, error) { return lock, nil }); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.CreateYearLock(f.ctx, audited("LockReport"), 2024, func() (*ppks.YearLock, error) { return lock, nil })
	wantErr(t, err, ppks.KindAlreadyExists, "")
	got, err := f.s.GetYearLock(f.ctx, 2024)
	if err != nil || string(got.Snapshot) != string(lock.Snapshot) || got.Hash != lock.Hash {
		t.Fatalf("GetYearLock = %+v, %v", got, err)
	}

	// The backstop: an intervention of the locked year is refused by the store itself, as
	// the domain's check would (CreateIntervention relies on it for a lock made between
	// its check and its write).
	c := f.openCase(t, f.person(t, nil), nil)
	_, err = f.s.CreateIntervention(f.ctx, audited("CreateIntervention"), c.BeneficiaryID, c.ID,
		func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
			iv := newIntervention()
			iv.UpdateTime = baseTime.Add(time.Hour)
			return iv, nil
		})
	wantErr(t, err, ppks.KindFailedPrecondition, "YEAR_LOCKED")
	a, err := f.s.CreateAmendment(f.ctx, audited("CreateAmendment"), 2024, func() (*ppks.Amendment, error) {
		return &ppks.Amendment{ID: newID(), Reason: "terlambat", OpenedBy: "admin", CreateTime: baseTime, ExpireTime: baseTime.Add(24 * time.Hour)}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if open, err := f.s.OpenAmendment(f.ctx, 2024, baseTime.Add(time.Hour)); err != nil || open.ID != a.ID {
		t.Fatalf("OpenAmendment = %+v, %v", open, err)
	}
	f.deliver(t, c, func(iv *ppks.Intervention) { iv.UpdateTime = baseTime.Add(time.Hour) })
	if _, err := f.s.UpdateAmendment(f.ctx, audited("CloseAmendment"), 2024, a.ID, func(a *ppks.Amendment) error {
		a.CloseTime, a.ClosedBy = baseTime.Add(2*time.Hour), "admin"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.OpenAmendment(f.ctx, 2024, baseTime.Add(3*time.Hour))
	wantErr(t, err, ppks.KindNotFound, "")
	changed, err := f.s.ChangedInterventions(f.ctx, 2024, baseTime)
	if err != nil || len(changed) != 1 {
		t.Fatalf("ChangedInterventions = %v, %v", changed, err)
	}
	served, err := f.s.ServiceFacts(f.ctx, 2024)
	if err != nil || len(served) != 1 || served[0].PpksType != anak || served[0].InterventionType != permakanan {
		t.Fatalf("ServiceFacts = %v, %v", served, err)
	}
}
