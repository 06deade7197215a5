package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

// identityTests cover family card numbers and verification (verification.go), the
// history of records (history.go), merges and duplicate search (here). RunAll runs them
// like its own.
var identityTests = []struct {
	name string
	fn   func(t *testing.T, f *fixture)
}{
	{"IdentityFieldsRoundTrip", testIdentityFieldsRoundTrip},
	{"VerificationFilter", testVerificationFilter},
	{"History", testHistory},
	{"HistoryPaging", testHistoryPaging},
	{"Merge", testMerge},
	{"MergeReadsFollowSurvivor", testMergeReadsFollowSurvivor},
	{"MergeRefusedChangesNothing", testMergeRefusedChangesNothing},
	{"MergeCountsOnce", testMergeCountsOnce},
	{"VerificationInFacts", testVerificationInFacts},
	{"DuplicateCandidates", testDuplicateCandidates},
	{"CreateInterventionChangesCase", testCreateInterventionChangesCase},
}

// mergeAll is a merge callback as the service writes one: the survivor fills its empty
// NIK and KK number from the duplicate, which becomes a pointer to it and gives its NIK
// up; cases and interventions move to the survivor. It refuses one record merged into
// itself. Every call is counted in calls when not nil.
func mergeAll(at time.Time, calls *int) func(sv, dup *ppks.Beneficiary, cases []*ppks.Case, ivs []*ppks.Intervention) error {
	return func(sv, dup *ppks.Beneficiary, cases []*ppks.Case, ivs []*ppks.Intervention) error {
		if calls != nil {
			*calls++
		}
		if sv.ID == dup.ID || dup.MergedInto != "" {
			return ppks.FailedPrecondition("ALREADY_MERGED", "the records are already one", "Kedua data sudah digabung.")
		}
		if sv.NIK == "" {
			sv.NIK = dup.NIK
		}
		if sv.KK == "" {
			sv.KK = dup.KK
		}
		dup.MergedInto, dup.NIK = sv.ID, ""
		sv.UpdateTime, dup.UpdateTime = at, at
		for _, c := range cases {
			c.BeneficiaryID, c.UpdateTime = sv.ID, at
		}
		for _, iv := range ivs {
			iv.BeneficiaryID, iv.UpdateTime = sv.ID, at
		}
		return nil
	}
}

// merge merges dup into sv with mergeAll and returns the survivor.
func (f *fixture) merge(t *testing.T, sv, dup *ppks.Beneficiary) *ppks.Beneficiary {
	t.Helper()
	got, err := f.w().MergeBeneficiaries(audited("MergeBeneficiaries"), sv.ID, dup.ID, mergeAll(baseTime.Add(time.Hour), nil))
	if err != nil {
		t.Fatalf("MergeBeneficiaries(%s <- %s): %v", sv.ID, dup.ID, err)
	}
	return got
}

func testMerge(t *testing.T, f *fixture) {
	// The survivor was registered without NIK or KK; the duplicate has both, two cases
	// (one closed) and three interventions (one voided).
	sv := f.person(t, func(b *ppks.Beneficiary) { b.NIK, b.FullName = "", "Siti Aminah" })
	dup := f.person(t, func(b *ppks.Beneficiary) { b.FullName, b.KK = "Hj. Sitti Aminah", "7306010101230001" })
	svCase := f.openCase(t, sv, nil)
	svIv := f.deliver(t, svCase, nil)
	c1 := f.openCase(t, dup, nil)
	c2 := f.openCase(t, dup, func(c *ppks.Case) {
		c.PpksType, c.State, c.Outcome, c.ClosedOn = lansia, ppks.CaseClosed, ppks.OutcomeMoved, ppks.Date{Year: 2024, Month: 9, Day: 9}
	})
	iv1, iv2 := f.deliver(t, c1, nil), f.deliver(t, c1, func(iv *ppks.Intervention) { iv.InterventionType = alatBantu })
	iv3 := f.deliver(t, c2, func(iv *ppks.Intervention) {
		iv.State, iv.VoidReason, iv.VoidTime = ppks.InterventionVoided, "salah", baseTime
	})

	at := baseTime.Add(time.Hour)
	op := newOp("MergeBeneficiaries", "m")
	calls := 0
	got, err := f.w().MergeBeneficiaries(op, sv.ID, dup.ID, func(s, d *ppks.Beneficiary, cases []*ppks.Case, ivs []*ppks.Intervention) error {
		if diff := cmp.Diff(sv, s); diff != "" {
			t.Errorf("merge got the survivor (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(dup, d); diff != "" {
			t.Errorf("merge got the duplicate (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]*ppks.Case{c1, c2}, cases); diff != "" {
			t.Errorf("merge got the cases (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]*ppks.Intervention{iv1, iv2, iv3}, ivs); diff != "" {
			t.Errorf("merge got the interventions (-want +got):\n%s", diff)
		}
		op.Audit.Changes = []*ppks.Change{
			change(op, s.ID, s.Name(), ppks.FieldChange{Field: "merged_from", New: d.ID}),
			change(op, d.ID, d.Name(), ppks.FieldChange{Field: "merged_into", New: s.ID}),
		}
		return mergeAll(at, &calls)(s, d, cases, ivs)
	})
	if err != nil {
		t.Fatalf("MergeBeneficiaries: %v", err)
	}
	if calls != 1 {
		t.Errorf("merge called %d times, want 1", calls)
	}

	// The survivor took the NIK and the KK number the duplicate gave up.
	want := *sv
	want.NIK, want.KK, want.UpdateTime, want.Revision = dup.NIK, dup.KK, at, 2
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("MergeBeneficiaries returned (-want +got):\n%s", diff)
	}
	if op.Audit.ID == 0 || op.Audit.Resource != sv.Name() {
		t.Errorf("audit entry id %d resource %q, want stored, naming %s", op.Audit.ID, op.Audit.Resource, sv.Name())
	}
	// Reading the duplicate returns the survivor; lists show only the survivor.
	for _, id := range []string{sv.ID, dup.ID} {
		if b, err := f.s.GetBeneficiary(f.ctx, id); err != nil || !cmp.Equal(&want, b) {
			t.Errorf("GetBeneficiary(%s) = %+v, %v; want the survivor %+v", id, b, err, &want)
		}
	}
	if ids := f.beneficiaries(t, ppks.BeneficiaryFilter{}); !cmp.Equal(ids, []string{sv.ID}) {
		t.Errorf("ListBeneficiaries = %v, want only the survivor %s", ids, sv.ID)
	}
	if ids := f.beneficiaries(t, ppks.BeneficiaryFilter{NIK: dup.NIK}); !cmp.Equal(ids, []string{sv.ID}) {
		t.Errorf("ListBeneficiaries by the NIK = %v, want the survivor %s", ids, sv.ID)
	}
	// The NIK is the survivor's now: nobody else may take it.
	_, err = f.w().CreateBeneficiary(ppks.Op{}, func() *ppks.Beneficiary { b := newPerson(); b.NIK = dup.NIK; return b }())
	if e := wantErr(t, err, ppks.KindAlreadyExists, "NIK_EXISTS"); e.Resource != sv.Name() {
		t.Errorf("NIK_EXISTS names %s, want %s", e.Resource, sv.Name())
	}

	// Cases and interventions moved, each at its next revision; by either person's id.
	for _, c := range []*ppks.Case{c1, c2} {
		wantCase := *c
		wantCase.BeneficiaryID, wantCase.UpdateTime, wantCase.Revision = sv.ID, at, c.Revision+1
		for _, id := range []string{sv.ID, dup.ID} {
			if got, err := f.s.GetCase(f.ctx, id, c.ID); err != nil || !cmp.Equal(&wantCase, got) {
				t.Errorf("GetCase(%s, %s) = %+v, %v; want %+v", id, c.ID, got, err, &wantCase)
			}
		}
	}
	for _, iv := range []*ppks.Intervention{iv1, iv2, iv3} {
		wantIv := *iv
		wantIv.BeneficiaryID, wantIv.UpdateTime, wantIv.Revision = sv.ID, at, iv.Revision+1
		for _, id := range []string{sv.ID, dup.ID} {
			if got, err := f.s.GetIntervention(f.ctx, id, iv.CaseID, iv.ID); err != nil || !cmp.Equal(&wantIv, got) {
				t.Errorf("GetIntervention(%s, %s, %s) = %+v, %v; want %+v", id, iv.CaseID, iv.ID, got, err, &wantIv)
			}
		}
	}
	if got, _ := f.s.GetCase(f.ctx, sv.ID, svCase.ID); got == nil || got.Revision != 1 {
		t.Errorf("the survivor's own case = %+v, want it unchanged", got)
	}
	wantCases, wantIvs := sorted(svCase.ID, c1.ID, c2.ID), sorted(svIv.ID, iv1.ID, iv2.ID, iv3.ID)
	for _, id := range []string{sv.ID, dup.ID} {
		if got := f.cases(t, ppks.CaseFilter{BeneficiaryID: id}); !cmp.Equal(wantCases, got) {
			t.Errorf("ListCases of %s = %v, want %v", id, got, wantCases)
		}
		if got := f.interventions(t, ppks.InterventionFilter{BeneficiaryID: id}); !cmp.Equal(wantIvs, got) {
			t.Errorf("ListInterventions of %s = %v, want %v", id, got, wantIvs)
		}
	}

	// The history of both records has the merge.
	for _, id := range []string{sv.ID, dup.ID} {
		if got := f.changes(t, id); len(got) != 1 || got[0].Method != "MergeBeneficiaries" {
			t.Errorf("ListChanges(%s) = %+v, want the merge", id, got)
		}
	}

	// A replay returns the survivor as it is and merges nothing.
	replay := op
	replay.Audit = newAudit(op.Key.Method, op.Key.ID)
	again, err := f.w().MergeBeneficiaries(replay, sv.ID, dup.ID, mergeAll(at, &calls))
	if err != nil || !cmp.Equal(&want, again) || calls != 1 {
		t.Errorf("replayed merge = %+v, %v (merge called %d times); want the survivor, merge called once", again, err, calls)
	}
	if replay.Audit.ID != 0 {
		t.Errorf("replayed merge appended audit entry %d", replay.Audit.ID)
	}

	// Merging the two again: both ids are one record now, which merge sees and refuses.
	_, err = f.w().MergeBeneficiaries(newOp("MergeBeneficiaries", "again"), sv.ID, dup.ID,
		func(s, d *ppks.Beneficiary, cases []*ppks.Case, ivs []*ppks.Intervention) error {
			if s.ID != sv.ID || d.ID != sv.ID {
				t.Errorf("second merge got %s and %s, want the survivor %s twice", s.ID, d.ID, sv.ID)
			}
			return mergeAll(at, nil)(s, d, cases, ivs)
		})
	wantErr(t, err, ppks.KindFailedPrecondition, "ALREADY_MERGED")
}

func testMergeReadsFollowSurvivor(t *testing.T, f *fixture) {
	a := f.person(t, nil)
	b := f.person(t, func(p *ppks.Beneficiary) { p.NIK = "" })
	c := f.person(t, func(p *ppks.Beneficiary) { p.NIK = "" })
	aCase := f.openCase(t, a, nil)
	aIv := f.deliver(t, aCase, nil)
	// a into b, then b into c: a's id leads to c.
	f.merge(t, b, a)
	survivor := f.merge(t, c, b)
	if survivor.NIK != a.NIK {
		t.Errorf("the last survivor's NIK = %q, want %q, passed along", survivor.NIK, a.NIK)
	}
	for _, id := range []string{a.ID, b.ID, c.ID} {
		if got, err := f.s.GetBeneficiary(f.ctx, id); err != nil || got.ID != c.ID {
			t.Errorf("GetBeneficiary(%s) = %+v, %v; want %s", id, got, err, c.ID)
		}
		if got, err := f.s.GetCase(f.ctx, id, aCase.ID); err != nil || got.BeneficiaryID != c.ID {
			t.Errorf("GetCase(%s, %s) = %+v, %v; want a case of %s", id, aCase.ID, got, err, c.ID)
		}
	}

	// Writes through a merged id land on the survivor.
	later := baseTime.Add(48 * time.Hour)
	updated, err := f.w().UpdateBeneficiary(ppks.Op{}, a.ID, func(p *ppks.Beneficiary) error {
		if p.ID != c.ID || p.MergedInto != "" {
			t.Errorf("UpdateBeneficiary(%s) got %s (merged into %q), want the live %s", a.ID, p.ID, p.MergedInto, c.ID)
		}
		p.Desa, p.UpdateTime = "Sungguminasa", later
		return nil
	})
	if err != nil || updated.ID != c.ID || updated.Desa != "Sungguminasa" {
		t.Errorf("UpdateBeneficiary(%s) = %+v, %v; want %s changed", a.ID, updated, err, c.ID)
	}
	created, err := f.w().CreateCase(ppks.Op{}, a.ID, func(p *ppks.Beneficiary) (*ppks.Case, error) {
		if p.ID != c.ID {
			t.Errorf("CreateCase(%s) got person %s, want %s", a.ID, p.ID, c.ID)
		}
		nc := newCase()
		nc.BeneficiaryID = p.ID
		return nc, nil
	})
	if err != nil || created.BeneficiaryID != c.ID {
		t.Fatalf("CreateCase(%s) = %+v, %v; want a case of %s", a.ID, created, err, c.ID)
	}
	iv, err := f.w().CreateIntervention(ppks.Op{}, b.ID, aCase.ID, func(p *ppks.Beneficiary, pc *ppks.Case) (*ppks.Intervention, error) {
		if p.ID != c.ID || pc.BeneficiaryID != c.ID {
			t.Errorf("CreateIntervention(%s) got person %s and case of %s, want %s", b.ID, p.ID, pc.BeneficiaryID, c.ID)
		}
		iv := newIntervention()
		iv.BeneficiaryID, iv.CaseID = p.ID, pc.ID
		return iv, nil
	})
	if err != nil || iv.BeneficiaryID != c.ID {
		t.Fatalf("CreateIntervention(%s) = %+v, %v; want one of %s", b.ID, iv, err, c.ID)
	}
	closed, err := f.w().UpdateCase(ppks.Op{}, a.ID, aCase.ID, func(cur *ppks.Case) error {
		cur.State, cur.UpdateTime = ppks.CaseClosed, later
		return nil
	})
	if err != nil || closed.BeneficiaryID != c.ID || closed.State != ppks.CaseClosed {
		t.Errorf("UpdateCase(%s) = %+v, %v; want the case of %s closed", a.ID, closed, err, c.ID)
	}
	verified, err := f.w().UpdateIntervention(ppks.Op{}, a.ID, aCase.ID, aIv.ID, func(cur *ppks.Intervention) error {
		// Changing the person is not an update's to make: the store keeps it.
		cur.Verification, cur.BeneficiaryID = ppks.VerificationVerified, b.ID
		return nil
	})
	if err != nil || verified.BeneficiaryID != c.ID || verified.Verification != ppks.VerificationVerified {
		t.Errorf("UpdateIntervention(%s) = %+v, %v; want verified, still of %s", a.ID, verified, err, c.ID)
	}
	if got := f.interventions(t, ppks.InterventionFilter{BeneficiaryID: a.ID}); !cmp.Equal(got, sorted(aIv.ID, iv.ID)) {
		t.Errorf("ListInterventions of %s = %v, want %v", a.ID, got, sorted(aIv.ID, iv.ID))
	}
	// A merged person's id is no key to another's records.
	other := f.person(t, nil)
	_, err = f.s.GetCase(f.ctx, other.ID, aCase.ID)
	wantErr(t, err, ppks.KindNotFound, "")
	if got := f.beneficiaries(t, ppks.BeneficiaryFilter{}); !cmp.Equal(got, sorted(c.ID, other.ID)) {
		t.Errorf("ListBeneficiaries = %v, want %v", got, sorted(c.ID, other.ID))
	}
}

func testMergeRefusedChangesNothing(t *testing.T, f *fixture) {
	sv := f.person(t, func(b *ppks.Beneficiary) { b.NIK = "" })
	dup := f.person(t, nil)
	c := f.openCase(t, dup, nil)
	iv := f.deliver(t, c, nil)
	op := newOp("MergeBeneficiaries", "x")
	refused := ppks.FailedPrecondition("NIK_CONFLICT", "no", "tidak")
	_, err := f.w().MergeBeneficiaries(op, sv.ID, dup.ID, func(s, d *ppks.Beneficiary, cases []*ppks.Case, ivs []*ppks.Intervention) error {
		op.Audit.Changes = []*ppks.Change{change(op, d.ID, d.Name(), ppks.FieldChange{Field: "merged_into", New: s.ID})}
		if err := mergeAll(baseTime, nil)(s, d, cases, ivs); err != nil {
			return err
		}
		return refused // after changing everything
	})
	wantErr(t, err, ppks.KindFailedPrecondition, "NIK_CONFLICT")
	_, err = f.w().MergeBeneficiaries(ppks.Op{}, sv.ID, newID(), mergeAll(baseTime, nil))
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.w().MergeBeneficiaries(ppks.Op{}, newID(), dup.ID, mergeAll(baseTime, nil))
	wantErr(t, err, ppks.KindNotFound, "")

	for _, p := range []*ppks.Beneficiary{sv, dup} {
		if got, err := f.s.GetBeneficiary(f.ctx, p.ID); err != nil || !cmp.Equal(p, got) {
			t.Errorf("GetBeneficiary(%s) = %+v, %v; want unchanged %+v", p.ID, got, err, p)
		}
	}
	if got, err := f.s.GetCase(f.ctx, dup.ID, c.ID); err != nil || !cmp.Equal(c, got) {
		t.Errorf("GetCase = %+v, %v; want unchanged %+v", got, err, c)
	}
	if got, err := f.s.GetIntervention(f.ctx, dup.ID, c.ID, iv.ID); err != nil || !cmp.Equal(iv, got) {
		t.Errorf("GetIntervention = %+v, %v; want unchanged %+v", got, err, iv)
	}
	if got := f.changes(t, dup.ID); len(got) != 0 {
		t.Errorf("history of the refused merge: %+v, want none", got)
	}
	if got := f.audit(t, ppks.AuditFilter{Method: "MergeBeneficiaries"}); len(got) != 0 {
		t.Errorf("audit entries of the refused merge: %d, want none", len(got))
	}
	// The request id of a refused merge stays free.
	if _, err := f.w().MergeBeneficiaries(op, sv.ID, dup.ID, mergeAll(baseTime, nil)); err != nil {
		t.Errorf("merge with the refused request's id: %v", err)
	}
}

func testMergeCountsOnce(t *testing.T, f *fixture) {
	d := func(m, day int) ppks.Date { return ppks.Date{Year: 2024, Month: m, Day: day} }
	sv := f.person(t, func(b *ppks.Beneficiary) { b.NIK = "" })
	dup := f.person(t, nil)
	svCase := f.openCase(t, sv, nil)
	dupCase := f.openCase(t, dup, func(c *ppks.Case) { c.PpksType = lansia })
	// Both records have a PERMAKANAN in 2024: the duplicate's is the earlier and verified.
	f.deliver(t, svCase, func(iv *ppks.Intervention) { iv.DeliveredOn = d(5, 1) })
	f.deliver(t, dupCase, func(iv *ppks.Intervention) {
		iv.DeliveredOn, iv.KecamatanCode, iv.Verification = d(2, 1), kecB, ppks.VerificationVerified
	})
	// Only the duplicate has ALAT_BANTU.
	f.deliver(t, dupCase, func(iv *ppks.Intervention) { iv.InterventionType, iv.DeliveredOn = alatBantu, d(3, 3) })

	facts, err := f.s.CountFacts(f.ctx, 2024)
	if err != nil || len(facts) != 3 {
		t.Fatalf("CountFacts before the merge = %+v, %v; want 3 facts", facts, err)
	}
	survivor := f.merge(t, sv, dup)
	got, err := f.s.CountFacts(f.ctx, 2024)
	if err != nil {
		t.Fatalf("CountFacts: %v", err)
	}
	want := []ppks.CountFact{
		{InterventionType: alatBantu, BeneficiaryID: sv.ID, FirstDelivered: d(3, 3), KecamatanCode: kecA, PpksType: lansia,
			FamilyKey: ppks.FamilyKey(sv.ID, "")},
		{InterventionType: permakanan, BeneficiaryID: sv.ID, FirstDelivered: d(2, 1), KecamatanCode: kecB, PpksType: lansia,
			Verified: true, FamilyKey: ppks.FamilyKey(sv.ID, "")},
	}
	sortFacts(got)
	sortFacts(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CountFacts after the merge (-want +got):\n%s", diff)
	}
	if survivor.ID != sv.ID {
		t.Errorf("survivor %s, want %s", survivor.ID, sv.ID)
	}
}

func testDuplicateCandidates(t *testing.T, f *fixture) {
	const kk = "7306010101230077"
	probe := f.person(t, func(b *ppks.Beneficiary) { b.FullName, b.KK, b.NIK = "Hj. Siti Aminah", kk, "" })
	byKK := f.person(t, func(b *ppks.Beneficiary) {
		b.FullName, b.Sex, b.KecamatanCode, b.KK = "Baso", ppks.SexMale, kecC, kk
	})
	bySexKec := f.person(t, func(b *ppks.Beneficiary) { b.FullName = "Rahmawati" })
	byName := f.person(t, func(b *ppks.Beneficiary) { b.FullName, b.Sex, b.KecamatanCode = "Sitti Aminah", ppks.SexMale, kecB })
	byOldSpelling := f.person(t, func(b *ppks.Beneficiary) { b.FullName, b.KecamatanCode = "Aminah Djafar", kecC })
	budi := f.person(t, func(b *ppks.Beneficiary) { b.FullName, b.Sex, b.KecamatanCode = "Budi Santoso", ppks.SexMale, kecB })
	f.person(t, func(b *ppks.Beneficiary) { b.FullName, b.KecamatanCode = "Sitti", kecB }) // "siti": shorter than the longest part
	// Merged records never come back, however well they match.
	merged := f.person(t, func(b *ppks.Beneficiary) { b.FullName, b.KK = "Siti Aminah", kk })
	into := f.person(t, func(b *ppks.Beneficiary) {
		b.FullName, b.Sex, b.KecamatanCode, b.NIK = "La Ode", ppks.SexMale, kecC, ""
	})
	if _, err := f.w().MergeBeneficiaries(ppks.Op{}, into.ID, merged.ID, func(s, d *ppks.Beneficiary, _ []*ppks.Case, _ []*ppks.Intervention) error {
		d.MergedInto = s.ID // the survivor takes nothing: it stays unlike the probe
		return nil
	}); err != nil {
		t.Fatalf("MergeBeneficiaries: %v", err)
	}
	if got, _ := f.s.GetBeneficiary(f.ctx, merged.ID); got == nil || got.ID != into.ID {
		t.Fatalf("GetBeneficiary of the merged record = %+v, want %s", got, into.ID)
	}

	ids := func(list []*ppks.Beneficiary) []string {
		return keys(list, func(b *ppks.Beneficiary) string { return b.ID })
	}
	got, err := f.s.DuplicateCandidates(f.ctx, probe, 100)
	if err != nil {
		t.Fatalf("DuplicateCandidates: %v", err)
	}
	// The family first, then the name, then the rest, each by id.
	want := append(append([]string{byKK.ID}, sorted(byName.ID, byOldSpelling.ID)...), bySexKec.ID)
	if diff := cmp.Diff(want, ids(got)); diff != "" {
		t.Errorf("DuplicateCandidates (-want +got):\n%s", diff)
	}
	for _, b := range got {
		if b.ID == byKK.ID && !cmp.Equal(byKK, b) {
			t.Errorf("candidate %+v, want every field %+v", b, byKK)
		}
	}
	if got, err := f.s.DuplicateCandidates(f.ctx, probe, 2); err != nil || !cmp.Equal(want[:2], ids(got)) {
		t.Errorf("DuplicateCandidates limit 2 = %v, %v; want %v", ids(got), err, want[:2])
	}

	// A person not stored yet (no id) is compared with everyone; without a KK number
	// only sex, kecamatan and name count.
	fresh := &ppks.Beneficiary{FullName: "Nur Aminah", Sex: ppks.SexMale, KecamatanCode: kecB}
	got, err = f.s.DuplicateCandidates(f.ctx, fresh, 100)
	if err != nil {
		t.Fatalf("DuplicateCandidates: %v", err)
	}
	// "aminah" is the longest part: Siti, Sitti and Aminah Djafar first; then the other
	// men in kecamatan B.
	wantFresh := append(sorted(probe.ID, byName.ID, byOldSpelling.ID), budi.ID)
	if diff := cmp.Diff(wantFresh, ids(got)); diff != "" {
		t.Errorf("DuplicateCandidates of a new person (-want +got):\n%s", diff)
	}

	// A name whose longest part is shorter than three letters is not searched by name.
	short := &ppks.Beneficiary{FullName: "H. Jo", Sex: ppks.SexFemale, KecamatanCode: kecC}
	got, err = f.s.DuplicateCandidates(f.ctx, short, 100)
	if err != nil {
		t.Fatalf("DuplicateCandidates: %v", err)
	}
	if diff := cmp.Diff([]string{byOldSpelling.ID}, ids(got)); diff != "" {
		t.Errorf("DuplicateCandidates of a short name (-want +got):\n%s", diff)
	}
	if got, err := f.s.DuplicateCandidates(f.ctx, probe, 0); err != nil || len(got) != 0 {
		t.Errorf("DuplicateCandidates limit 0 = %v, %v; want none", ids(got), err)
	}
}

func testCreateInterventionChangesCase(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	c := f.openCase(t, b, nil)
	later := baseTime.Add(time.Hour)
	graduation := newIntervention()
	graduation.InterventionType, graduation.DeliveredOn = graduasi, ppks.Date{Year: 2024, Month: 8, Day: 17}
	build := func(iv *ppks.Intervention) func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
		return func(pb *ppks.Beneficiary, pc *ppks.Case) (*ppks.Intervention, error) {
			pc.State, pc.Outcome, pc.ClosedOn, pc.CloseNote = ppks.CaseClosed, ppks.OutcomeGraduated, iv.DeliveredOn, "Graduasi"
			pc.UpdateTime = later
			iv.BeneficiaryID, iv.CaseID = pb.ID, pc.ID
			return iv, nil
		}
	}

	// A write that fails after build leaves the case as it was.
	existing := f.deliver(t, c, nil)
	failing := newIntervention()
	failing.ID = existing.ID
	_, err := f.w().CreateIntervention(ppks.Op{}, b.ID, c.ID, build(failing))
	wantErr(t, err, ppks.KindAlreadyExists, "")
	if got, _ := f.s.GetCase(f.ctx, b.ID, c.ID); !cmp.Equal(c, got) {
		t.Errorf("case after a failed create = %+v, want unchanged %+v", got, c)
	}

	if _, err := f.w().CreateIntervention(ppks.Op{}, b.ID, c.ID, build(graduation)); err != nil {
		t.Fatalf("CreateIntervention: %v", err)
	}
	want := *c
	want.State, want.Outcome, want.ClosedOn, want.CloseNote = ppks.CaseClosed, ppks.OutcomeGraduated, graduation.DeliveredOn, "Graduasi"
	want.UpdateTime, want.Revision = later, c.Revision+1
	if got, err := f.s.GetCase(f.ctx, b.ID, c.ID); err != nil || !cmp.Equal(&want, got) {
		t.Errorf("GetCase after the graduation = %+v, %v; want %+v", got, err, &want)
	}
	// An intervention that leaves the case alone does not touch it.
	other := f.openCase(t, b, nil)
	f.deliver(t, other, nil)
	if got, _ := f.s.GetCase(f.ctx, b.ID, other.ID); !cmp.Equal(other, got) {
		t.Errorf("case after an ordinary intervention = %+v, want unchanged %+v", got, other)
	}
}
