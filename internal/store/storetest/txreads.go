package storetest

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

// testReadsInAWrite: every read of a write's Tx answers what the same read of the Store
// answers once the write committed, and sees the write's own changes before it commits.
// A backend whose Tx reads run outside the transaction (the race issue 11 names) fails
// the second part.
func testReadsInAWrite(t *testing.T, f *fixture) {
	cat := countCatalog()
	f.setRules(t, cat)
	b := f.person(t, func(b *ppks.Beneficiary) { b.KK = "7306011234560001" })
	other := f.person(t, func(b *ppks.Beneficiary) { b.KecamatanCode = kecB })
	c := f.openCase(t, b, nil)
	iv := f.deliver(t, c, nil)
	u := f.user(t, nil)
	tok := f.token(t, u, nil)
	pw := &ppks.Password{Username: u.Username, Hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", SetTime: baseTime, SetBy: "admin"}
	if err := f.w().SetPassword(audited("SetPassword"), pw, ""); err != nil {
		t.Fatal(err)
	}
	sess, err := f.w().CreateSession(audited("SignIn"), newSession(u.Username, baseTime))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.w().UpsertTarget(audited("UpdateTarget"), ppks.IndicatorID, 2024, func(t *ppks.Target, _ bool) error {
		t.Value = ptr(580)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	line := &ppks.BudgetLine{Year: 2024, Code: "1.06.04.2.01", DisplayName: "Rehabilitasi", Pagu: 10, UpdateTime: baseTime}
	pi := &ppks.ProgramIndicator{Year: 2024, ID: "rehab", DisplayName: "P", ProgramCode: "1.06.04", InterventionTypes: []string{permakanan},
		Population: 10, TargetPercent: big.NewRat(1, 2), UpdateTime: baseTime}
	plan := &ppks.StrategicPlan{Indicator: ppks.IndicatorID, StartYear: 2021, EndYear: 2026, BaselineYear: 2020, UpdateTime: baseTime}
	lock := &ppks.YearLock{Year: 2023, LockTime: baseTime, Username: "admin", Snapshot: []byte(`{}`), Hash: "0000000000000000000000000000000000000000000000000000000000000000"}
	a := &ppks.Amendment{Year: 2023, ID: newID(), Reason: "r", OpenedBy: "admin", CreateTime: baseTime, ExpireTime: baseTime.Add(time.Hour)}
	tr := newTransfer(other, kecA)
	if _, err := f.w().write(audited("Setup"), "reports/2024", func(ctx context.Context, tx ppks.Tx) error {
		return errors.Join(tx.PutBudgetLine(ctx, line), tx.PutProgramIndicator(ctx, pi), tx.PutStrategicPlan(ctx, plan),
			tx.InsertYearLock(ctx, lock), tx.InsertAmendment(ctx, a), tx.InsertTransfer(ctx, tr))
	}); err != nil {
		t.Fatal(err)
	}

	// Every read, through r (a Tx or the Store), its answers in order.
	page := ppks.PageRequest{Limit: 10}
	reads := func(ctx context.Context, r ppks.Reader) []any {
		var out []any
		add := func(v ...any) { out = append(out, v...) }
		add(r.GetBeneficiary(ctx, b.ID))
		add(r.ListBeneficiaries(ctx, ppks.BeneficiaryFilter{}, page))
		add(r.GetCase(ctx, b.ID, c.ID))
		add(r.ListCases(ctx, ppks.CaseFilter{}, page))
		add(r.GetIntervention(ctx, b.ID, c.ID, iv.ID))
		add(r.ListInterventions(ctx, ppks.InterventionFilter{}, page))
		add(r.CountBeneficiaries(ctx, ppks.BeneficiaryFilter{}))
		add(r.CountCases(ctx, ppks.CaseFilter{}))
		add(r.CountInterventions(ctx, ppks.InterventionFilter{}))
		add(r.DuplicateCandidates(ctx, b, 10))
		add(r.ListChanges(ctx, b.ID, page))
		add(r.GetTransfer(ctx, tr.ID))
		add(r.ListTransfers(ctx, ppks.TransferFilter{}, page))
		add(r.ListPending(ctx, ppks.PendingFilter{}, page))
		add(r.GetBeneficiaries(ctx, []string{b.ID, other.ID}))
		add(r.GetUser(ctx, u.Username))
		add(r.ListUsers(ctx, page))
		add(r.CountAdmins(ctx))
		add(r.Authenticate(ctx, tok.Hash))
		add(r.GetToken(ctx, u.Username, tok.ID))
		add(r.ListTokens(ctx, u.Username, page))
		add(r.ListAudit(ctx, ppks.AuditFilter{Username: auditor}, page))
		add(r.GetPassword(ctx, u.Username))
		add(r.SessionByHash(ctx, sess.Hash))
		add(r.ListSessions(ctx, u.Username, time.Time{}))
		add(r.IndicatorCounts(ctx, 2024))
		add(r.DetailedCounts(ctx, 2024))
		add(r.CountYears(ctx))
		add(r.CountFacts(ctx, 2024))
		add(r.ServiceFacts(ctx, 2024))
		add(r.CountPending(ctx, "", ""))
		add(r.KecamatanFacts(ctx, 2024, kecA))
		add(r.GetTarget(ctx, ppks.IndicatorID, 2024))
		add(r.ListTargets(ctx, ppks.IndicatorID, page))
		add(r.GetBudgetLine(ctx, 2024, line.Code))
		add(r.ListBudgetLines(ctx, 2024, page))
		add(r.GetProgramIndicator(ctx, 2024, pi.ID))
		add(r.ListProgramIndicators(ctx, 2024, page))
		add(r.GetStrategicPlan(ctx, ppks.IndicatorID))
		add(r.GetYearLock(ctx, 2023))
		add(r.YearLocked(ctx, 2023))
		add(r.GetAmendment(ctx, 2023, a.ID))
		add(r.ListAmendments(ctx, 2023, page))
		add(r.OpenAmendment(ctx, 2023, baseTime.Add(time.Minute)))
		add(r.ChangedInterventions(ctx, 2024, time.Time{}))
		return out
	}
	var inside []any
	if _, err := f.w().write(ppks.Op{}, "", func(ctx context.Context, tx ppks.Tx) error {
		inside = reads(ctx, tx)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	outside := reads(f.ctx, f.s)
	if diff := cmp.Diff(outside, inside, cmp.Comparer(ratEqual), cmp.Comparer(func(a, b error) bool { return (a == nil) == (b == nil) })); diff != "" {
		t.Errorf("reads inside a write differ from the same reads outside (-outside +inside):\n%s", diff)
	}
	for i, v := range inside {
		if err, ok := v.(error); ok && err != nil {
			t.Errorf("read %d inside a write: %v", i, err)
		}
	}

	// The write's own changes, seen by its reads before it commits; nothing after a
	// refused write.
	errRollBack := ppks.FailedPrecondition("ROLL_BACK", "roll back", "batal")
	fresh := newPerson()
	_, err = f.w().write(ppks.Op{}, "", func(ctx context.Context, tx ppks.Tx) error {
		if err := tx.InsertBeneficiary(ctx, fresh); err != nil {
			return err
		}
		if got, err := tx.GetBeneficiary(ctx, fresh.ID); err != nil || got.FullName != fresh.FullName {
			t.Errorf("a write does not read the person it inserted: %+v, %v", got, err)
		}
		if list, err := tx.ListBeneficiaries(ctx, ppks.BeneficiaryFilter{NIK: fresh.NIK}, page); err != nil || len(list) != 1 {
			t.Errorf("a write does not list the person it inserted: %v, %v", list, err)
		}
		return errRollBack
	})
	wantErr(t, err, ppks.KindFailedPrecondition, "ROLL_BACK")
	_, err = f.s.GetBeneficiary(f.ctx, fresh.ID)
	wantErr(t, err, ppks.KindNotFound, "")
}

func ptr(n int) *int { return &n }
