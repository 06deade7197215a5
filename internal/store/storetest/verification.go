package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

func testIdentityFieldsRoundTrip(t *testing.T, f *fixture) {
	// A KK number round-trips through create, get, list and update.
	want := newPerson()
	want.KK = "7306010101230001"
	got, err := f.w().CreateBeneficiary(newOp("CreateBeneficiary", want.ID), want)
	if err != nil {
		t.Fatalf("CreateBeneficiary: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CreateBeneficiary returned (-want +got):\n%s", diff)
	}
	if got, err := f.s.GetBeneficiary(f.ctx, want.ID); err != nil || !cmp.Equal(want, got) {
		t.Errorf("GetBeneficiary = %+v, %v; want %+v", got, err, want)
	}
	list, err := f.s.ListBeneficiaries(f.ctx, ppks.BeneficiaryFilter{}, all)
	if err != nil || len(list) != 1 || !cmp.Equal(want, list[0]) {
		t.Errorf("ListBeneficiaries = %+v, %v; want [%+v]", list, err, want)
	}
	for _, kk := range []string{"7306010101239999", ""} {
		got, err = f.w().UpdateBeneficiary(ppks.Op{}, want.ID, func(b *ppks.Beneficiary) error {
			b.KK = kk
			return nil
		})
		if err != nil {
			t.Fatalf("UpdateBeneficiary KK %q: %v", kk, err)
		}
		if got.KK != kk {
			t.Errorf("KK after update = %q, want %q", got.KK, kk)
		}
		if again, _ := f.s.GetBeneficiary(f.ctx, want.ID); again == nil || again.KK != kk {
			t.Errorf("GetBeneficiary after update = %+v, want KK %q", again, kk)
		}
	}

	// The verification fields of an intervention round-trip through create and update.
	c := f.openCase(t, got, nil)
	wantIv := newIntervention()
	wantIv.BeneficiaryID, wantIv.CaseID, wantIv.PpksType = got.ID, c.ID, c.PpksType
	wantIv.PersonKecamatan = got.KecamatanCode
	wantIv.Verification, wantIv.VerifiedBy = ppks.VerificationVerified, "supervisor.a"
	wantIv.VerifyTime = baseTime.Add(time.Minute)
	gotIv, err := f.w().CreateIntervention(ppks.Op{}, got.ID, c.ID, func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
		iv := *wantIv
		return &iv, nil
	})
	if err != nil {
		t.Fatalf("CreateIntervention: %v", err)
	}
	if diff := cmp.Diff(wantIv, gotIv); diff != "" {
		t.Errorf("CreateIntervention returned (-want +got):\n%s", diff)
	}
	later := baseTime.Add(2 * time.Hour)
	gotIv, err = f.w().UpdateIntervention(ppks.Op{}, got.ID, c.ID, wantIv.ID, func(iv *ppks.Intervention) error {
		if diff := cmp.Diff(wantIv, iv); diff != "" {
			t.Errorf("update got (-want +got):\n%s", diff)
		}
		iv.Verification, iv.VerifiedBy, iv.VerifyTime = ppks.VerificationRejected, "supervisor.b", later
		iv.RejectReason, iv.UpdateTime = "tanggal tidak sesuai", later
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateIntervention: %v", err)
	}
	wantIv.Verification, wantIv.VerifiedBy, wantIv.VerifyTime = ppks.VerificationRejected, "supervisor.b", later
	wantIv.RejectReason, wantIv.UpdateTime, wantIv.Revision = "tanggal tidak sesuai", later, 2
	if diff := cmp.Diff(wantIv, gotIv); diff != "" {
		t.Errorf("UpdateIntervention returned (-want +got):\n%s", diff)
	}
	if again, err := f.s.GetIntervention(f.ctx, got.ID, c.ID, wantIv.ID); err != nil || !cmp.Equal(wantIv, again) {
		t.Errorf("GetIntervention = %+v, %v; want %+v", again, err, wantIv)
	}
}

func testVerificationFilter(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	c := f.openCase(t, b, nil)
	pending := f.deliver(t, c, func(iv *ppks.Intervention) { iv.Verification = ppks.VerificationPending })
	verified := f.deliver(t, c, func(iv *ppks.Intervention) {
		iv.Verification, iv.VerifiedBy, iv.VerifyTime = ppks.VerificationVerified, "spv", baseTime
	})
	rejected := f.deliver(t, c, func(iv *ppks.Intervention) {
		iv.Verification, iv.VerifiedBy, iv.VerifyTime, iv.RejectReason = ppks.VerificationRejected, "spv", baseTime, "ganda"
	})
	pendingB := f.deliver(t, c, func(iv *ppks.Intervention) {
		iv.Verification, iv.KecamatanCode, iv.InterventionType = ppks.VerificationPending, kecB, alatBantu
	})
	tests := []struct {
		name string
		f    ppks.InterventionFilter
		want []string
	}{
		{"any", ppks.InterventionFilter{}, sorted(pending.ID, verified.ID, rejected.ID, pendingB.ID)},
		{"pending", ppks.InterventionFilter{Verification: ppks.VerificationPending}, sorted(pending.ID, pendingB.ID)},
		{"verified", ppks.InterventionFilter{Verification: ppks.VerificationVerified}, sorted(verified.ID)},
		{"rejected", ppks.InterventionFilter{Verification: ppks.VerificationRejected}, sorted(rejected.ID)},
		{"pending delivered in a kecamatan", ppks.InterventionFilter{Verification: ppks.VerificationPending, DeliveredIn: kecB}, sorted(pendingB.ID)},
		{"pending of a person's kecamatan", ppks.InterventionFilter{Verification: ppks.VerificationPending, KecamatanCode: kecA}, sorted(pending.ID, pendingB.ID)},
		{"pending of a type", ppks.InterventionFilter{Verification: ppks.VerificationPending, InterventionType: permakanan}, sorted(pending.ID)},
		{"pending in scope (the person's, wherever delivered)", ppks.InterventionFilter{Verification: ppks.VerificationPending, Area: ppks.Area{kecA}}, sorted(pending.ID, pendingB.ID)},
		{"pending in another scope", ppks.InterventionFilter{Verification: ppks.VerificationPending, Area: ppks.Area{kecB}}, []string{}},
	}
	for _, tt := range tests {
		if got := f.interventions(t, tt.f); !cmp.Equal(tt.want, got) {
			t.Errorf("%s: ListInterventions(%+v) = %v, want %v", tt.name, tt.f, got, tt.want)
		}
	}
}

func testVerificationInFacts(t *testing.T, f *fixture) {
	d := func(m, day int) ppks.Date { return ppks.Date{Year: 2023, Month: m, Day: day} }
	deliver := func(c *ppks.Case, on ppks.Date, v ppks.VerificationState, mod func(*ppks.Intervention)) {
		f.deliver(t, c, func(iv *ppks.Intervention) {
			iv.DeliveredOn, iv.Verification = on, v
			if mod != nil {
				mod(iv)
			}
		})
	}
	const kk = "7306010101230042"
	// Ani: pending first, verified later: counted at the first, verified.
	ani := f.person(t, func(b *ppks.Beneficiary) { b.KK = kk })
	aniCase := f.openCase(t, ani, nil)
	deliver(aniCase, d(1, 10), ppks.VerificationPending, nil)
	deliver(aniCase, d(6, 10), ppks.VerificationVerified, func(iv *ppks.Intervention) { iv.KecamatanCode = kecC })
	// Budi: a rejected earliest delivery, then a pending one: counted at the pending one,
	// not verified.
	budi := f.person(t, nil)
	budiCase := f.openCase(t, budi, func(c *ppks.Case) { c.PpksType = lansia })
	deliver(budiCase, d(1, 1), ppks.VerificationRejected, func(iv *ppks.Intervention) { iv.KecamatanCode = kecB })
	deliver(budiCase, d(2, 2), ppks.VerificationPending, nil)
	// Cici: only rejected: no fact.
	cici := f.person(t, nil)
	ciciCase := f.openCase(t, cici, nil)
	deliver(ciciCase, d(3, 3), ppks.VerificationRejected, nil)
	// Dedi: verified but voided, and a pending one: counted, not verified.
	dedi := f.person(t, func(b *ppks.Beneficiary) { b.KK = kk }) // Ani's family
	dediCase := f.openCase(t, dedi, nil)
	deliver(dediCase, d(4, 4), ppks.VerificationVerified, func(iv *ppks.Intervention) {
		iv.State, iv.VoidReason, iv.VoidTime = ppks.InterventionVoided, "ganda", baseTime
	})
	deliver(dediCase, d(5, 5), ppks.VerificationPending, nil)
	// Eka: verified, but of another type: a fact of its own.
	eka := f.person(t, nil)
	ekaCase := f.openCase(t, eka, nil)
	deliver(ekaCase, d(7, 7), ppks.VerificationVerified, func(iv *ppks.Intervention) { iv.InterventionType = alatBantu })

	got, err := f.s.CountFacts(f.ctx, 2023)
	if err != nil {
		t.Fatalf("CountFacts: %v", err)
	}
	want := []ppks.CountFact{
		{InterventionType: permakanan, BeneficiaryID: ani.ID, FirstDelivered: d(1, 10), KecamatanCode: kecA, PpksType: anak,
			Verified: true, FamilyKey: kk},
		{InterventionType: permakanan, BeneficiaryID: budi.ID, FirstDelivered: d(2, 2), KecamatanCode: kecA, PpksType: lansia,
			FamilyKey: "person:" + budi.ID},
		{InterventionType: permakanan, BeneficiaryID: dedi.ID, FirstDelivered: d(5, 5), KecamatanCode: kecA, PpksType: anak,
			FamilyKey: kk},
		{InterventionType: alatBantu, BeneficiaryID: eka.ID, FirstDelivered: d(7, 7), KecamatanCode: kecA, PpksType: anak,
			Verified: true, FamilyKey: "person:" + eka.ID},
	}
	sortFacts(got)
	sortFacts(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CountFacts(2023) (-want +got):\n%s", diff)
	}

	// Rejecting Budi's pending delivery removes his fact; verifying Dedi's marks his.
	ivs, err := f.s.ListInterventions(f.ctx, ppks.InterventionFilter{CaseID: budiCase.ID, Verification: ppks.VerificationPending}, all)
	if err != nil || len(ivs) != 1 {
		t.Fatalf("Budi's pending interventions = %+v, %v", ivs, err)
	}
	if _, err := f.w().UpdateIntervention(ppks.Op{}, budi.ID, budiCase.ID, ivs[0].ID, func(iv *ppks.Intervention) error {
		iv.Verification, iv.RejectReason = ppks.VerificationRejected, "tidak ada bukti"
		return nil
	}); err != nil {
		t.Fatalf("UpdateIntervention: %v", err)
	}
	ivs, err = f.s.ListInterventions(f.ctx, ppks.InterventionFilter{CaseID: dediCase.ID, State: ppks.InterventionActive}, all)
	if err != nil || len(ivs) != 1 {
		t.Fatalf("Dedi's active interventions = %+v, %v", ivs, err)
	}
	if _, err := f.w().UpdateIntervention(ppks.Op{}, dedi.ID, dediCase.ID, ivs[0].ID, func(iv *ppks.Intervention) error {
		iv.Verification = ppks.VerificationVerified
		return nil
	}); err != nil {
		t.Fatalf("UpdateIntervention: %v", err)
	}
	got, err = f.s.CountFacts(f.ctx, 2023)
	if err != nil {
		t.Fatalf("CountFacts: %v", err)
	}
	var after []ppks.CountFact
	for _, fct := range want {
		switch fct.BeneficiaryID {
		case budi.ID:
			continue
		case dedi.ID:
			fct.Verified = true
		}
		after = append(after, fct)
	}
	want = after
	sortFacts(got)
	sortFacts(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CountFacts(2023) after verifying (-want +got):\n%s", diff)
	}
}
