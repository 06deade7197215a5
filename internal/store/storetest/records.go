package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

func testBeneficiaryRoundTrip(t *testing.T, f *fixture) {
	tests := []struct {
		name string
		mod  func(*ppks.Beneficiary)
	}{
		{"all fields", nil},
		{"birth year only", func(b *ppks.Beneficiary) { b.BirthDate = ppks.Date{Year: 1950} }},
		{"birth year and month", func(b *ppks.Beneficiary) { b.BirthDate = ppks.Date{Year: 1961, Month: 8} }},
		{"no birth date", func(b *ppks.Beneficiary) { b.BirthDate = ppks.Date{} }},
		{"no NIK", func(b *ppks.Beneficiary) { b.NIK = "" }},
		{"only required", func(b *ppks.Beneficiary) {
			*b = ppks.Beneficiary{ID: b.ID, FullName: "La Ode", Sex: ppks.SexMale, KecamatanCode: kecC,
				CreateTime: baseTime, UpdateTime: baseTime.Add(time.Second), Revision: 1}
		}},
	}
	for _, tt := range tests {
		want := newPerson()
		if tt.mod != nil {
			tt.mod(want)
		}
		got, err := f.w().CreateBeneficiary(newOp("CreateBeneficiary", want.ID), want)
		if err != nil {
			t.Fatalf("%s: CreateBeneficiary: %v", tt.name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: CreateBeneficiary returned (-want +got):\n%s", tt.name, diff)
		}
		got, err = f.s.GetBeneficiary(f.ctx, want.ID)
		if err != nil {
			t.Fatalf("%s: GetBeneficiary: %v", tt.name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: GetBeneficiary (-want +got):\n%s", tt.name, diff)
		}
	}
}

func testCaseRoundTrip(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	closed := newCase()
	closed.PpksType = lansia
	closed.State, closed.Outcome = ppks.CaseClosed, ppks.OutcomeReunified
	closed.ClosedOn, closed.CloseNote = ppks.Date{Year: 2024, Month: 12, Day: 31}, "kembali ke keluarga"
	closed.UpdateTime = baseTime.Add(time.Hour)
	closed.Revision = 3
	for _, want := range []*ppks.Case{newCase(), closed} {
		want.BeneficiaryID = b.ID
		want.PersonKecamatan = b.KecamatanCode // filled from the person on read
		calls := 0
		got, err := f.w().CreateCase(newOp("CreateCase", want.ID), b.ID, func(parent *ppks.Beneficiary) (*ppks.Case, error) {
			calls++
			if diff := cmp.Diff(b, parent); diff != "" {
				t.Errorf("build got the person (-want +got):\n%s", diff)
			}
			c := *want
			return &c, nil
		})
		if err != nil {
			t.Fatalf("CreateCase: %v", err)
		}
		if calls != 1 {
			t.Errorf("build called %d times, want 1", calls)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CreateCase returned (-want +got):\n%s", diff)
		}
		got, err = f.s.GetCase(f.ctx, b.ID, want.ID)
		if err != nil {
			t.Fatalf("GetCase: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GetCase (-want +got):\n%s", diff)
		}
	}
}

func testInterventionRoundTrip(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	c := f.openCase(t, b, func(c *ppks.Case) { c.PpksType = lansia })
	voided := newIntervention()
	voided.InterventionType, voided.KecamatanCode = alatBantu, kecB
	voided.Quantity, voided.Unit, voided.Notes, voided.Worker = 1, "unit", "", ""
	voided.State, voided.VoidReason = ppks.InterventionVoided, "salah input"
	voided.VoidTime = baseTime.Add(2 * time.Hour)
	voided.UpdateTime = voided.VoidTime
	for _, want := range []*ppks.Intervention{newIntervention(), voided} {
		want.BeneficiaryID, want.CaseID = b.ID, c.ID
		calls := 0
		got, err := f.w().CreateIntervention(newOp("CreateIntervention", want.ID), b.ID, c.ID,
			func(pb *ppks.Beneficiary, pc *ppks.Case) (*ppks.Intervention, error) {
				calls++
				if diff := cmp.Diff(b, pb); diff != "" {
					t.Errorf("build got the person (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(c, pc); diff != "" {
					t.Errorf("build got the case (-want +got):\n%s", diff)
				}
				iv := *want
				return &iv, nil
			})
		if err != nil {
			t.Fatalf("CreateIntervention: %v", err)
		}
		if calls != 1 {
			t.Errorf("build called %d times, want 1", calls)
		}
		want.PpksType = lansia                 // filled from the case on read
		want.PersonKecamatan = b.KecamatanCode // and from the person
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CreateIntervention returned (-want +got):\n%s", diff)
		}
		got, err = f.s.GetIntervention(f.ctx, b.ID, c.ID, want.ID)
		if err != nil {
			t.Fatalf("GetIntervention: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GetIntervention (-want +got):\n%s", diff)
		}
	}

	// The create returns the times as a read gives them back: as stored, to the
	// microsecond, in UTC.
	fine := newIntervention()
	fine.CreateTime = baseTime.Add(123 * time.Nanosecond).In(time.FixedZone("WITA", 8*60*60))
	fine.UpdateTime = fine.CreateTime
	created, err := f.w().CreateIntervention(newOp("CreateIntervention", fine.ID), b.ID, c.ID,
		func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) { return fine, nil })
	if err != nil {
		t.Fatalf("CreateIntervention: %v", err)
	}
	read, err := f.s.GetIntervention(f.ctx, b.ID, c.ID, fine.ID)
	if err != nil {
		t.Fatalf("GetIntervention: %v", err)
	}
	if diff := cmp.Diff(read, created); diff != "" {
		t.Errorf("CreateIntervention returned, against a read (-read +created):\n%s", diff)
	}
}

func testDuplicateNIK(t *testing.T, f *fixture) {
	first := f.person(t, nil)
	dup := newPerson()
	dup.NIK = first.NIK
	_, err := f.w().CreateBeneficiary(newOp("CreateBeneficiary", "dup"), dup)
	e := wantErr(t, err, ppks.KindAlreadyExists, "NIK_EXISTS")
	if e.Resource != first.Name() {
		t.Errorf("Resource = %q, want %q", e.Resource, first.Name())
	}
	if len(e.Violations) != 1 || e.Violations[0].Field != "beneficiary.nik" || e.Violations[0].Reason != "NIK_EXISTS" {
		t.Errorf("Violations = %+v, want one on beneficiary.nik with reason NIK_EXISTS", e.Violations)
	}
	if got := f.beneficiaries(t, ppks.BeneficiaryFilter{}); len(got) != 1 {
		t.Errorf("%d people stored, want 1", len(got))
	}

	// Changing someone's NIK to a recorded one is refused the same way, and changes nothing.
	other := f.person(t, nil)
	_, err = f.w().UpdateBeneficiary(ppks.Op{}, other.ID, func(b *ppks.Beneficiary) error {
		b.NIK = first.NIK
		b.FullName = "Changed"
		return nil
	})
	e = wantErr(t, err, ppks.KindAlreadyExists, "NIK_EXISTS")
	if e.Resource != first.Name() {
		t.Errorf("update: Resource = %q, want %q", e.Resource, first.Name())
	}
	got, err := f.s.GetBeneficiary(f.ctx, other.ID)
	if err != nil {
		t.Fatalf("GetBeneficiary: %v", err)
	}
	if diff := cmp.Diff(other, got); diff != "" {
		t.Errorf("after refused update (-want +got):\n%s", diff)
	}
}

func testPeopleWithoutNIK(t *testing.T, f *fixture) {
	a := f.person(t, func(b *ppks.Beneficiary) { b.NIK = "" })
	b := f.person(t, func(b *ppks.Beneficiary) { b.NIK = "" })
	for _, p := range []*ppks.Beneficiary{a, b} {
		got, err := f.s.GetBeneficiary(f.ctx, p.ID)
		if err != nil {
			t.Fatalf("GetBeneficiary: %v", err)
		}
		if got.NIK != "" {
			t.Errorf("NIK = %q, want empty", got.NIK)
		}
	}
	// Removing a NIK frees it for someone else.
	c := f.person(t, nil)
	if _, err := f.w().UpdateBeneficiary(ppks.Op{}, c.ID, func(b *ppks.Beneficiary) error {
		b.NIK = ""
		return nil
	}); err != nil {
		t.Fatalf("UpdateBeneficiary clearing NIK: %v", err)
	}
	f.person(t, func(b *ppks.Beneficiary) { b.NIK = c.NIK })
	if got := f.beneficiaries(t, ppks.BeneficiaryFilter{NIK: c.NIK}); len(got) != 1 {
		t.Errorf("people with the freed NIK = %v, want one", got)
	}
}

func testDuplicateID(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	again := newPerson()
	again.ID = b.ID
	_, err := f.w().CreateBeneficiary(ppks.Op{}, again)
	if e := wantErr(t, err, ppks.KindAlreadyExists, ""); e.Resource != b.Name() {
		t.Errorf("beneficiary: Resource = %q, want %q", e.Resource, b.Name())
	}

	c := f.openCase(t, b, nil)
	_, err = f.w().CreateCase(ppks.Op{}, b.ID, func(*ppks.Beneficiary) (*ppks.Case, error) {
		dup := newCase()
		dup.ID, dup.BeneficiaryID = c.ID, b.ID
		return dup, nil
	})
	if e := wantErr(t, err, ppks.KindAlreadyExists, ""); e.Resource != c.Name() {
		t.Errorf("case: Resource = %q, want %q", e.Resource, c.Name())
	}

	iv := f.deliver(t, c, nil)
	_, err = f.w().CreateIntervention(ppks.Op{}, b.ID, c.ID, func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
		dup := newIntervention()
		dup.ID, dup.BeneficiaryID, dup.CaseID = iv.ID, b.ID, c.ID
		return dup, nil
	})
	if e := wantErr(t, err, ppks.KindAlreadyExists, ""); e.Resource != iv.Name() {
		t.Errorf("intervention: Resource = %q, want %q", e.Resource, iv.Name())
	}

	// An id taken by another person's record is named as that record: the service
	// decides what the caller may learn of it.
	other := f.person(t, nil)
	otherCase := f.openCase(t, other, nil)
	_, err = f.w().CreateCase(ppks.Op{}, other.ID, func(*ppks.Beneficiary) (*ppks.Case, error) {
		dup := newCase()
		dup.ID, dup.BeneficiaryID = c.ID, other.ID
		return dup, nil
	})
	if e := wantErr(t, err, ppks.KindAlreadyExists, ""); e.Resource != c.Name() {
		t.Errorf("case of another person: Resource = %q, want %q", e.Resource, c.Name())
	}
	_, err = f.w().CreateIntervention(ppks.Op{}, other.ID, otherCase.ID, func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
		dup := newIntervention()
		dup.ID, dup.BeneficiaryID, dup.CaseID = iv.ID, other.ID, otherCase.ID
		return dup, nil
	})
	if e := wantErr(t, err, ppks.KindAlreadyExists, ""); e.Resource != iv.Name() {
		t.Errorf("intervention of another person: Resource = %q, want %q", e.Resource, iv.Name())
	}

	if n := len(f.beneficiaries(t, ppks.BeneficiaryFilter{})); n != 2 {
		t.Errorf("%d people, want 2", n)
	}
	if n := len(f.cases(t, ppks.CaseFilter{})); n != 2 {
		t.Errorf("%d cases, want 2", n)
	}
	if n := len(f.interventions(t, ppks.InterventionFilter{})); n != 1 {
		t.Errorf("%d interventions, want 1", n)
	}
}

func testNotFound(t *testing.T, f *fixture) {
	missing := newID()
	_, err := f.s.GetBeneficiary(f.ctx, missing)
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.w().UpdateBeneficiary(ppks.Op{}, missing, func(*ppks.Beneficiary) error {
		t.Error("UpdateBeneficiary of a missing person called update")
		return nil
	})
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.w().CreateCase(newOp("CreateCase", "x"), missing, func(*ppks.Beneficiary) (*ppks.Case, error) {
		t.Error("CreateCase for a missing person called build")
		return newCase(), nil
	})
	wantErr(t, err, ppks.KindNotFound, "")

	b := f.person(t, nil)
	_, err = f.s.GetCase(f.ctx, b.ID, missing)
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.w().CreateIntervention(ppks.Op{}, b.ID, missing, func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
		t.Error("CreateIntervention in a missing case called build")
		return newIntervention(), nil
	})
	wantErr(t, err, ppks.KindNotFound, "")
	c := f.openCase(t, b, nil)
	_, err = f.s.GetIntervention(f.ctx, b.ID, c.ID, missing)
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.s.GetTarget(f.ctx, ppks.IndicatorID, 2024)
	wantErr(t, err, ppks.KindNotFound, "")
	if n := len(f.cases(t, ppks.CaseFilter{})); n != 1 {
		t.Errorf("%d cases, want 1", n)
	}
}

func testWrongParent(t *testing.T, f *fixture) {
	b1, b2 := f.person(t, nil), f.person(t, nil)
	c1, c2 := f.openCase(t, b1, nil), f.openCase(t, b1, nil)
	c3 := f.openCase(t, b2, nil)
	iv := f.deliver(t, c1, nil)

	_, err := f.s.GetCase(f.ctx, b2.ID, c1.ID)
	wantErr(t, err, ppks.KindNotFound, "")
	for _, p := range []struct{ b, c string }{{b2.ID, c1.ID}, {b1.ID, c2.ID}, {b2.ID, c3.ID}} {
		_, err := f.s.GetIntervention(f.ctx, p.b, p.c, iv.ID)
		wantErr(t, err, ppks.KindNotFound, "")
		_, err = f.w().UpdateIntervention(ppks.Op{}, p.b, p.c, iv.ID, func(*ppks.Intervention) error {
			t.Error("UpdateIntervention under the wrong parent called update")
			return nil
		})
		wantErr(t, err, ppks.KindNotFound, "")
	}
	_, err = f.w().UpdateCase(ppks.Op{}, b2.ID, c1.ID, func(*ppks.Case) error {
		t.Error("UpdateCase under the wrong person called update")
		return nil
	})
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.w().CreateIntervention(newOp("CreateIntervention", "x"), b2.ID, c1.ID,
		func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
			t.Error("CreateIntervention under the wrong person called build")
			return newIntervention(), nil
		})
	wantErr(t, err, ppks.KindNotFound, "")
	if got := f.interventions(t, ppks.InterventionFilter{}); len(got) != 1 {
		t.Errorf("interventions = %v, want only %s", got, iv.ID)
	}
}

func testUpdates(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	later := baseTime.Add(24 * time.Hour)
	want := *b
	want.NIK, want.FullName, want.Sex = newNIK(), "Siti Aminah Daeng", ppks.SexMale
	want.BirthDate = ppks.Date{Year: 1979}
	want.KecamatanCode, want.Desa, want.Address = kecB, "Tamallayang", "Dusun II"
	want.UpdateTime, want.Revision = later, 2
	got, err := f.w().UpdateBeneficiary(newOp("UpdateBeneficiary", "1"), b.ID, func(cur *ppks.Beneficiary) error {
		if diff := cmp.Diff(b, cur); diff != "" {
			t.Errorf("update got (-want +got):\n%s", diff)
		}
		id, rev, created := cur.ID, cur.Revision, cur.CreateTime
		*cur = want
		cur.ID, cur.Revision, cur.CreateTime = id, rev, created
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateBeneficiary: %v", err)
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("UpdateBeneficiary returned (-want +got):\n%s", diff)
	}
	if got, _ := f.s.GetBeneficiary(f.ctx, b.ID); !cmp.Equal(&want, got) {
		t.Errorf("GetBeneficiary after update = %+v, want %+v", got, &want)
	}
	got, err = f.w().UpdateBeneficiary(ppks.Op{}, b.ID, func(*ppks.Beneficiary) error { return nil })
	if err != nil {
		t.Fatalf("second UpdateBeneficiary: %v", err)
	}
	if got.Revision != 3 {
		t.Errorf("second update: revision %d, want 3", got.Revision)
	}
	if names := f.beneficiaries(t, ppks.BeneficiaryFilter{NameContains: "aminah daeng"}); !cmp.Equal(names, []string{b.ID}) {
		t.Errorf("search by the new name = %v, want [%s]", names, b.ID)
	}

	c := f.openCase(t, b, nil)
	gotCase, err := f.w().UpdateCase(newOp("CloseCase", "1"), b.ID, c.ID, func(cur *ppks.Case) error {
		cur.State, cur.Outcome = ppks.CaseClosed, ppks.OutcomeGraduated
		cur.ClosedOn, cur.CloseNote, cur.UpdateTime = ppks.Date{Year: 2024, Month: 6, Day: 30}, "mandiri", later
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateCase: %v", err)
	}
	wantCase := *c
	wantCase.State, wantCase.Outcome = ppks.CaseClosed, ppks.OutcomeGraduated
	wantCase.ClosedOn, wantCase.CloseNote, wantCase.UpdateTime, wantCase.Revision = ppks.Date{Year: 2024, Month: 6, Day: 30}, "mandiri", later, 2
	if diff := cmp.Diff(&wantCase, gotCase); diff != "" {
		t.Errorf("UpdateCase returned (-want +got):\n%s", diff)
	}
	if got, _ := f.s.GetCase(f.ctx, b.ID, c.ID); !cmp.Equal(&wantCase, got) {
		t.Errorf("GetCase after update = %+v, want %+v", got, &wantCase)
	}

	c2 := f.openCase(t, b, func(c *ppks.Case) { c.PpksType = lansia })
	iv := f.deliver(t, c2, nil)
	gotIv, err := f.w().UpdateIntervention(newOp("VoidIntervention", "1"), b.ID, c2.ID, iv.ID, func(cur *ppks.Intervention) error {
		cur.State, cur.VoidReason, cur.VoidTime, cur.UpdateTime = ppks.InterventionVoided, "ganda", later, later
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateIntervention: %v", err)
	}
	wantIv := *iv
	wantIv.State, wantIv.VoidReason, wantIv.VoidTime, wantIv.UpdateTime, wantIv.Revision = ppks.InterventionVoided, "ganda", later, later, 2
	if diff := cmp.Diff(&wantIv, gotIv); diff != "" {
		t.Errorf("UpdateIntervention returned (-want +got):\n%s", diff)
	}
	if got, _ := f.s.GetIntervention(f.ctx, b.ID, c2.ID, iv.ID); !cmp.Equal(&wantIv, got) {
		t.Errorf("GetIntervention after update = %+v, want %+v", got, &wantIv)
	}
	if wantIv.PpksType != lansia {
		t.Errorf("PpksType = %q, want %q", wantIv.PpksType, lansia)
	}
}
