package storetest

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

func testIdempotentReplay(t *testing.T, f *fixture) {
	// A retried create: the service gives the retry a new id; the store answers with the
	// first record and writes nothing.
	op := newOp("CreateBeneficiary", "payload-1")
	first, err := f.w().CreateBeneficiary(op, newPerson())
	if err != nil {
		t.Fatalf("CreateBeneficiary: %v", err)
	}
	again, err := f.w().CreateBeneficiary(op, newPerson())
	if err != nil {
		t.Fatalf("CreateBeneficiary replay: %v", err)
	}
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("replayed CreateBeneficiary (-first +replay):\n%s", diff)
	}
	if got := f.beneficiaries(t, ppks.BeneficiaryFilter{}); !cmp.Equal(got, []string{first.ID}) {
		t.Errorf("people after replay = %v, want [%s]", got, first.ID)
	}

	calls := 0
	caseOp := newOp("CreateCase", "payload-2")
	build := func(b *ppks.Beneficiary) (*ppks.Case, error) {
		calls++
		c := newCase()
		c.BeneficiaryID = b.ID
		return c, nil
	}
	c1, err := f.w().CreateCase(caseOp, first.ID, build)
	if err != nil {
		t.Fatalf("CreateCase: %v", err)
	}
	c2, err := f.w().CreateCase(caseOp, first.ID, build)
	if err != nil {
		t.Fatalf("CreateCase replay: %v", err)
	}
	if calls != 1 {
		t.Errorf("build called %d times, want 1", calls)
	}
	if diff := cmp.Diff(c1, c2); diff != "" {
		t.Errorf("replayed CreateCase (-first +replay):\n%s", diff)
	}
	if got := f.cases(t, ppks.CaseFilter{}); len(got) != 1 {
		t.Errorf("cases after replay = %v, want one", got)
	}

	calls = 0
	ivOp := newOp("CreateIntervention", "payload-3")
	buildIv := func(b *ppks.Beneficiary, c *ppks.Case) (*ppks.Intervention, error) {
		calls++
		iv := newIntervention()
		iv.BeneficiaryID, iv.CaseID = b.ID, c.ID
		return iv, nil
	}
	iv1, err := f.w().CreateIntervention(ivOp, first.ID, c1.ID, buildIv)
	if err != nil {
		t.Fatalf("CreateIntervention: %v", err)
	}
	iv2, err := f.w().CreateIntervention(ivOp, first.ID, c1.ID, buildIv)
	if err != nil {
		t.Fatalf("CreateIntervention replay: %v", err)
	}
	if calls != 1 {
		t.Errorf("build called %d times, want 1", calls)
	}
	if diff := cmp.Diff(iv1, iv2); diff != "" {
		t.Errorf("replayed CreateIntervention (-first +replay):\n%s", diff)
	}
	if got := f.interventions(t, ppks.InterventionFilter{}); len(got) != 1 {
		t.Errorf("interventions after replay = %v, want one", got)
	}

	// Retried updates change nothing more: one revision.
	calls = 0
	upOp := newOp("UpdateBeneficiary", "payload-4")
	rename := func(b *ppks.Beneficiary) error { calls++; b.FullName += " X"; return nil }
	for range 2 {
		got, err := f.w().UpdateBeneficiary(upOp, first.ID, rename)
		if err != nil {
			t.Fatalf("UpdateBeneficiary: %v", err)
		}
		if got.Revision != 2 || got.FullName != first.FullName+" X" {
			t.Errorf("UpdateBeneficiary = revision %d name %q, want 2 %q", got.Revision, got.FullName, first.FullName+" X")
		}
	}
	calls2 := 0
	closeOp := newOp("CloseCase", "payload-5")
	for range 2 {
		got, err := f.w().UpdateCase(closeOp, first.ID, c1.ID, func(c *ppks.Case) error {
			calls2++
			c.State = ppks.CaseClosed
			return nil
		})
		if err != nil {
			t.Fatalf("UpdateCase: %v", err)
		}
		if got.Revision != 2 || got.State != ppks.CaseClosed {
			t.Errorf("UpdateCase = revision %d state %d, want 2 closed", got.Revision, got.State)
		}
	}
	calls3 := 0
	voidOp := newOp("VoidIntervention", "payload-6")
	for range 2 {
		got, err := f.w().UpdateIntervention(voidOp, first.ID, c1.ID, iv1.ID, func(iv *ppks.Intervention) error {
			calls3++
			iv.State, iv.VoidReason = ppks.InterventionVoided, "ganda"
			return nil
		})
		if err != nil {
			t.Fatalf("UpdateIntervention: %v", err)
		}
		if got.Revision != 2 || got.State != ppks.InterventionVoided {
			t.Errorf("UpdateIntervention = revision %d state %d, want 2 voided", got.Revision, got.State)
		}
	}
	if calls != 1 || calls2 != 1 || calls3 != 1 {
		t.Errorf("update callbacks called %d, %d, %d times, want once each", calls, calls2, calls3)
	}
}

func testReplayReturnsCurrentState(t *testing.T, f *fixture) {
	op := newOp("CreateBeneficiary", "p")
	b, err := f.w().CreateBeneficiary(op, newPerson())
	if err != nil {
		t.Fatalf("CreateBeneficiary: %v", err)
	}
	changed, err := f.w().UpdateBeneficiary(ppks.Op{}, b.ID, func(b *ppks.Beneficiary) error {
		b.Desa = "Pallangga"
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateBeneficiary: %v", err)
	}
	again, err := f.w().CreateBeneficiary(op, newPerson())
	if err != nil {
		t.Fatalf("CreateBeneficiary replay: %v", err)
	}
	if diff := cmp.Diff(changed, again); diff != "" {
		t.Errorf("replay after a change (-current +replay):\n%s", diff)
	}
}

func testRequestReused(t *testing.T, f *fixture) {
	op := newOp("CreateBeneficiary", "payload-a")
	b, err := f.w().CreateBeneficiary(op, newPerson())
	if err != nil {
		t.Fatalf("CreateBeneficiary: %v", err)
	}
	other := op
	other.Key.Fingerprint = "payload-b"
	_, err = f.w().CreateBeneficiary(other, newPerson())
	wantErr(t, err, ppks.KindFailedPrecondition, "REQUEST_ID_REUSED")

	otherMethod := op
	otherMethod.Key.Method = "CreateCase"
	_, err = f.w().CreateCase(otherMethod, b.ID, func(*ppks.Beneficiary) (*ppks.Case, error) {
		t.Error("CreateCase with a reused request id called build")
		return newCase(), nil
	})
	wantErr(t, err, ppks.KindFailedPrecondition, "REQUEST_ID_REUSED")

	otherMethod.Key.Method = "UpdateBeneficiary"
	_, err = f.w().UpdateBeneficiary(otherMethod, b.ID, func(*ppks.Beneficiary) error {
		t.Error("UpdateBeneficiary with a reused request id called update")
		return nil
	})
	wantErr(t, err, ppks.KindFailedPrecondition, "REQUEST_ID_REUSED")

	if n := len(f.beneficiaries(t, ppks.BeneficiaryFilter{})); n != 1 {
		t.Errorf("%d people, want 1", n)
	}
	if n := len(f.cases(t, ppks.CaseFilter{})); n != 0 {
		t.Errorf("%d cases, want 0", n)
	}
	if got, _ := f.s.GetBeneficiary(f.ctx, b.ID); got == nil || got.Revision != 1 {
		t.Errorf("person after refused update = %+v, want revision 1", got)
	}
}

var errBoom = errors.New("boom")

func testCallbackErrorRollsBack(t *testing.T, f *fixture) {
	b := f.person(t, nil)

	// CreateCase: the error comes back as it is, nothing is stored, and the key stays free.
	op := newOp("CreateCase", "p")
	_, err := f.w().CreateCase(op, b.ID, func(*ppks.Beneficiary) (*ppks.Case, error) { return nil, errBoom })
	if err != errBoom {
		t.Fatalf("CreateCase err = %v, want the callback's error", err)
	}
	if got := f.cases(t, ppks.CaseFilter{}); len(got) != 0 {
		t.Fatalf("cases after failed create = %v, want none", got)
	}
	calls := 0
	c, err := f.w().CreateCase(op, b.ID, func(b *ppks.Beneficiary) (*ppks.Case, error) {
		calls++
		c := newCase()
		c.BeneficiaryID = b.ID
		return c, nil
	})
	if err != nil || calls != 1 {
		t.Fatalf("CreateCase with the key of a failed request: err %v, %d calls; want success, 1 call", err, calls)
	}

	// A domain error from the callback keeps its kind and reason.
	closed := ppks.FailedPrecondition("CASE_CLOSED", "closed", "Kasus sudah ditutup.")
	ivOp := newOp("CreateIntervention", "p")
	_, err = f.w().CreateIntervention(ivOp, b.ID, c.ID, func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
		return nil, closed
	})
	if err != closed {
		t.Fatalf("CreateIntervention err = %v, want the callback's error", err)
	}
	if got := f.interventions(t, ppks.InterventionFilter{}); len(got) != 0 {
		t.Fatalf("interventions after failed create = %v, want none", got)
	}
	if _, err := f.w().CreateIntervention(ivOp, b.ID, c.ID, func(b *ppks.Beneficiary, c *ppks.Case) (*ppks.Intervention, error) {
		iv := newIntervention()
		iv.BeneficiaryID, iv.CaseID = b.ID, c.ID
		return iv, nil
	}); err != nil {
		t.Fatalf("CreateIntervention with the key of a failed request: %v", err)
	}

	// Updates: changes made before the error are not stored.
	upOp := newOp("UpdateBeneficiary", "p")
	_, err = f.w().UpdateBeneficiary(upOp, b.ID, func(b *ppks.Beneficiary) error {
		b.FullName, b.NIK = "Changed", ""
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("UpdateBeneficiary err = %v, want the callback's error", err)
	}
	if got, err := f.s.GetBeneficiary(f.ctx, b.ID); err != nil || !cmp.Equal(b, got) {
		t.Errorf("person after failed update = %+v (err %v), want %+v", got, err, b)
	}
	got, err := f.w().UpdateBeneficiary(upOp, b.ID, func(b *ppks.Beneficiary) error {
		b.Desa = "Sungguminasa"
		return nil
	})
	if err != nil || got.Revision != 2 || got.Desa != "Sungguminasa" {
		t.Fatalf("UpdateBeneficiary with the key of a failed request = %+v, %v; want revision 2", got, err)
	}
	_, err = f.w().UpdateCase(ppks.Op{}, b.ID, c.ID, func(c *ppks.Case) error {
		c.State = ppks.CaseClosed
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("UpdateCase err = %v, want the callback's error", err)
	}
	if got, err := f.s.GetCase(f.ctx, b.ID, c.ID); err != nil || !cmp.Equal(c, got) {
		t.Errorf("case after failed update = %+v (err %v), want %+v", got, err, c)
	}

	_, err = f.w().UpsertTarget(ppks.Op{}, ppks.IndicatorID, 2024, func(t *ppks.Target, _ bool) error {
		v := 10
		t.Value = &v
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("UpsertTarget err = %v, want the callback's error", err)
	}
	_, err = f.s.GetTarget(f.ctx, ppks.IndicatorID, 2024)
	wantErr(t, err, ppks.KindNotFound, "")
}

// testRequestIDsPerUser: a request id is its sender's. Another user sending the same id,
// even with the same payload, is a request of its own: it writes (with its own audit
// entry), and answers nothing of the first user's record.
func testRequestIDsPerUser(t *testing.T, f *fixture) {
	op := newOp("CreateBeneficiary", "same payload")
	first, err := f.w().CreateBeneficiary(op, newPerson())
	if err != nil {
		t.Fatalf("CreateBeneficiary: %v", err)
	}
	other := op
	other.Key.Username = "petugas.b"
	other.Audit = newAudit("CreateBeneficiary", op.Key.ID)
	other.Audit.Username = "petugas.b"
	second, err := f.w().CreateBeneficiary(other, newPerson())
	if err != nil {
		t.Fatalf("CreateBeneficiary by another user with the same request id: %v", err)
	}
	if second.ID == first.ID {
		t.Fatalf("another user's request id %s replayed the first user's record %s", op.Key.ID, first.ID)
	}
	if other.Audit.ID == 0 {
		t.Errorf("the second user's write appended no audit entry")
	}
	// Each user's retry is still its own replay.
	for _, tt := range []struct {
		op   ppks.Op
		want string
	}{{op, first.ID}, {other, second.ID}} {
		tt.op.Audit = newAudit("CreateBeneficiary", tt.op.Key.ID)
		got, err := f.w().CreateBeneficiary(tt.op, newPerson())
		if err != nil || got.ID != tt.want {
			t.Errorf("replay by %s = %v, %v; want %s", tt.op.Key.Username, got, err, tt.want)
		}
	}
	if got := f.beneficiaries(t, ppks.BeneficiaryFilter{}); len(got) != 2 {
		t.Errorf("people = %v, want the two users' records", got)
	}
}
