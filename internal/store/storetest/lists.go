package storetest

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

func testListBeneficiaries(t *testing.T, f *fixture) {
	siti := f.person(t, func(b *ppks.Beneficiary) { b.FullName = "Siti Aminah" })
	ahmad := f.person(t, func(b *ppks.Beneficiary) { b.FullName, b.KecamatanCode, b.NIK = "Ahmad Daeng", kecB, "" })
	nur := f.person(t, func(b *ppks.Beneficiary) { b.FullName = "Nur Aminah Ali" })
	budi := f.person(t, func(b *ppks.Beneficiary) { b.FullName, b.KecamatanCode = "Budi (100%) Santoso_Jr", kecC })
	f.openCase(t, siti, func(c *ppks.Case) { c.PpksType = anak })
	f.openCase(t, siti, func(c *ppks.Case) { c.PpksType = anak })
	f.openCase(t, ahmad, func(c *ppks.Case) { c.PpksType = lansia })
	f.openCase(t, nur, func(c *ppks.Case) { c.PpksType = lansia })

	tests := []struct {
		name string
		f    ppks.BeneficiaryFilter
		want []string
	}{
		{"everyone", ppks.BeneficiaryFilter{}, sorted(siti.ID, ahmad.ID, nur.ID, budi.ID)},
		{"kecamatan", ppks.BeneficiaryFilter{KecamatanCode: kecA}, sorted(siti.ID, nur.ID)},
		{"ppks type, once per person", ppks.BeneficiaryFilter{PpksType: anak}, sorted(siti.ID)},
		{"ppks type lansia", ppks.BeneficiaryFilter{PpksType: lansia}, sorted(ahmad.ID, nur.ID)},
		{"nik", ppks.BeneficiaryFilter{NIK: nur.NIK}, sorted(nur.ID)},
		{"unknown nik", ppks.BeneficiaryFilter{NIK: newNIK()}, []string{}},
		{"name substring", ppks.BeneficiaryFilter{NameContains: "aminah"}, sorted(siti.ID, nur.ID)},
		{"name across words", ppks.BeneficiaryFilter{NameContains: "aminah ali"}, sorted(nur.ID)},
		{"name with digits", ppks.BeneficiaryFilter{NameContains: "100 santoso"}, sorted(budi.ID)},
		{"percent is not a wildcard", ppks.BeneficiaryFilter{NameContains: "%"}, []string{}},
		{"underscore is not a wildcard", ppks.BeneficiaryFilter{NameContains: "s_ti"}, []string{}},
		{"backslash is literal", ppks.BeneficiaryFilter{NameContains: `\`}, []string{}},
		{"scope", ppks.BeneficiaryFilter{Area: ppks.Area{kecB, kecC}}, sorted(ahmad.ID, budi.ID)},
		{"all together", ppks.BeneficiaryFilter{Area: ppks.Area{kecA, kecB}, KecamatanCode: kecA,
			PpksType: lansia, NIK: nur.NIK, NameContains: "nur"}, sorted(nur.ID)},
		{"filter outside scope", ppks.BeneficiaryFilter{Area: ppks.Area{kecB}, KecamatanCode: kecA}, []string{}},
	}
	for _, tt := range tests {
		if got := f.beneficiaries(t, tt.f); !cmp.Equal(tt.want, got) {
			t.Errorf("%s: ListBeneficiaries(%+v) = %v, want %v", tt.name, tt.f, got, tt.want)
		}
	}
}

func testListCases(t *testing.T, f *fixture) {
	siti := f.person(t, nil)
	ahmad := f.person(t, func(b *ppks.Beneficiary) { b.KecamatanCode = kecB })
	c1 := f.openCase(t, siti, func(c *ppks.Case) { c.PpksType = anak })
	c2 := f.openCase(t, siti, func(c *ppks.Case) {
		c.PpksType, c.State, c.Outcome, c.ClosedOn = lansia, ppks.CaseClosed, ppks.OutcomeMoved, ppks.Date{Year: 2024, Month: 9, Day: 9}
	})
	c3 := f.openCase(t, ahmad, func(c *ppks.Case) { c.PpksType = anak })
	c4 := f.openCase(t, ahmad, func(c *ppks.Case) { c.PpksType, c.State = lansia, ppks.CaseClosed })

	tests := []struct {
		name string
		f    ppks.CaseFilter
		want []string
	}{
		{"every case", ppks.CaseFilter{}, sorted(c1.ID, c2.ID, c3.ID, c4.ID)},
		{"of a person", ppks.CaseFilter{BeneficiaryID: ahmad.ID}, sorted(c3.ID, c4.ID)},
		{"person's kecamatan", ppks.CaseFilter{KecamatanCode: kecA}, sorted(c1.ID, c2.ID)},
		{"scope", ppks.CaseFilter{Area: ppks.Area{kecB}}, sorted(c3.ID, c4.ID)},
		{"ppks type", ppks.CaseFilter{PpksType: anak}, sorted(c1.ID, c3.ID)},
		{"open", ppks.CaseFilter{State: ppks.CaseOpen}, sorted(c1.ID, c3.ID)},
		{"closed", ppks.CaseFilter{State: ppks.CaseClosed}, sorted(c2.ID, c4.ID)},
		{"all together", ppks.CaseFilter{BeneficiaryID: siti.ID, Area: ppks.Area{kecA}, KecamatanCode: kecA,
			PpksType: lansia, State: ppks.CaseClosed}, sorted(c2.ID)},
		{"person outside scope", ppks.CaseFilter{BeneficiaryID: siti.ID, Area: ppks.Area{kecB}}, []string{}},
	}
	for _, tt := range tests {
		if got := f.cases(t, tt.f); !cmp.Equal(tt.want, got) {
			t.Errorf("%s: ListCases(%+v) = %v, want %v", tt.name, tt.f, got, tt.want)
		}
	}
}

func testListInterventions(t *testing.T, f *fixture) {
	siti := f.person(t, nil)
	ahmad := f.person(t, func(b *ppks.Beneficiary) { b.KecamatanCode = kecB })
	c1 := f.openCase(t, siti, func(c *ppks.Case) { c.PpksType = anak })
	c2 := f.openCase(t, siti, func(c *ppks.Case) { c.PpksType = lansia })
	c3 := f.openCase(t, ahmad, nil)
	i1 := f.deliver(t, c1, nil)
	i2 := f.deliver(t, c1, func(iv *ppks.Intervention) {
		iv.InterventionType, iv.DeliveredOn, iv.KecamatanCode = alatBantu, ppks.Date{Year: 2023, Month: 12, Day: 31}, kecB
	})
	i3 := f.deliver(t, c2, func(iv *ppks.Intervention) {
		iv.State, iv.VoidReason, iv.VoidTime = ppks.InterventionVoided, "salah", baseTime
	})
	i4 := f.deliver(t, c3, func(iv *ppks.Intervention) {
		iv.DeliveredOn, iv.KecamatanCode = ppks.Date{Year: 2025, Month: 1, Day: 1}, kecB
	})

	tests := []struct {
		name string
		f    ppks.InterventionFilter
		want []string
	}{
		{"every intervention", ppks.InterventionFilter{}, sorted(i1.ID, i2.ID, i3.ID, i4.ID)},
		{"of a person", ppks.InterventionFilter{BeneficiaryID: siti.ID}, sorted(i1.ID, i2.ID, i3.ID)},
		{"of a case", ppks.InterventionFilter{BeneficiaryID: siti.ID, CaseID: c1.ID}, sorted(i1.ID, i2.ID)},
		{"of a case, any person", ppks.InterventionFilter{CaseID: c2.ID}, sorted(i3.ID)},
		{"case of another person", ppks.InterventionFilter{BeneficiaryID: ahmad.ID, CaseID: c1.ID}, []string{}},
		{"delivered in", ppks.InterventionFilter{DeliveredIn: kecB}, sorted(i2.ID, i4.ID)},
		{"of people of a kecamatan", ppks.InterventionFilter{KecamatanCode: kecB}, sorted(i4.ID)},
		{"scope by the person, wherever delivered", ppks.InterventionFilter{Area: ppks.Area{kecA}}, sorted(i1.ID, i2.ID, i3.ID)},
		{"empty scope", ppks.InterventionFilter{Area: ppks.Area{}}, []string{}},
		{"year", ppks.InterventionFilter{Year: 2024}, sorted(i1.ID, i3.ID)},
		{"year 2023", ppks.InterventionFilter{Year: 2023}, sorted(i2.ID)},
		{"type", ppks.InterventionFilter{InterventionType: permakanan}, sorted(i1.ID, i3.ID, i4.ID)},
		{"active", ppks.InterventionFilter{State: ppks.InterventionActive}, sorted(i1.ID, i2.ID, i4.ID)},
		{"voided", ppks.InterventionFilter{State: ppks.InterventionVoided}, sorted(i3.ID)},
		{"all together", ppks.InterventionFilter{BeneficiaryID: siti.ID, CaseID: c1.ID, Area: ppks.Area{kecA, kecC},
			KecamatanCode: kecA, Year: 2024, InterventionType: permakanan, State: ppks.InterventionActive}, sorted(i1.ID)},
	}
	for _, tt := range tests {
		if got := f.interventions(t, tt.f); !cmp.Equal(tt.want, got) {
			t.Errorf("%s: ListInterventions(%+v) = %v, want %v", tt.name, tt.f, got, tt.want)
		}
	}
	got, err := f.s.ListInterventions(f.ctx, ppks.InterventionFilter{CaseID: c2.ID}, all)
	if err != nil || len(got) != 1 || got[0].PpksType != lansia {
		t.Errorf("ListInterventions of a lansia case = %+v, %v; want one with PpksType %s", got, err, lansia)
	}
}

// pageAll pages through a list size items at a time and returns the keys in the order
// seen and the number of pages asked for.
func pageAll[T any](t *testing.T, list func(ppks.PageRequest) ([]T, error), key func(T) string, size int) ([]string, int) {
	t.Helper()
	var out []string
	after := ""
	for pages := 1; ; pages++ {
		if pages > 1000 {
			t.Fatalf("paging does not end")
		}
		items, err := list(ppks.PageRequest{After: after, Limit: size})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(items) > size {
			t.Fatalf("page %d has %d items, want at most %d", pages, len(items), size)
		}
		for _, it := range items {
			out = append(out, key(it))
		}
		if len(items) < size {
			return out, pages
		}
		after = key(items[len(items)-1])
	}
}

// checkPaging pages through a list and compares with the whole list in one page: no
// duplicates, no gaps, key order, more than two pages.
func checkPaging[T any](t *testing.T, what string, list func(ppks.PageRequest) ([]T, error), key func(T) string, want []string, size ...int) {
	t.Helper()
	pageSize := 2
	if len(size) > 0 {
		pageSize = size[0]
	}
	whole, err := list(all)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if got := keys(whole, key); !cmp.Equal(want, got) {
		t.Errorf("%s in one page = %v, want %v", what, got, want)
	}
	got, pages := pageAll(t, list, key, pageSize)
	if !cmp.Equal(want, got) {
		t.Errorf("%s paged by 2 = %v, want %v", what, got, want)
	}
	if pages <= 2 {
		t.Errorf("%s: %d pages, want more than 2", what, pages)
	}
}

func testPaging(t *testing.T, f *fixture) {
	var people, inA, cases, ivs, ivsA []string
	var lastCase *ppks.Case
	for i := range 7 {
		b := f.person(t, func(b *ppks.Beneficiary) {
			if i%3 == 1 {
				b.KecamatanCode = kecB
			}
		})
		people = append(people, b.ID)
		if b.KecamatanCode == kecA {
			inA = append(inA, b.ID)
		}
		c := f.openCase(t, b, nil)
		cases = append(cases, c.ID)
		lastCase = c
	}
	for i := range 8 {
		iv := f.deliver(t, lastCase, func(iv *ppks.Intervention) {
			if i%2 == 0 {
				iv.KecamatanCode = kecC
			}
		})
		ivs = append(ivs, iv.ID)
		if iv.KecamatanCode == kecC {
			ivsA = append(ivsA, iv.ID)
		}
	}
	checkPaging(t, "beneficiaries", func(p ppks.PageRequest) ([]*ppks.Beneficiary, error) {
		return f.s.ListBeneficiaries(f.ctx, ppks.BeneficiaryFilter{}, p)
	}, func(b *ppks.Beneficiary) string { return b.ID }, sorted(people...))
	checkPaging(t, "beneficiaries in a kecamatan", func(p ppks.PageRequest) ([]*ppks.Beneficiary, error) {
		return f.s.ListBeneficiaries(f.ctx, ppks.BeneficiaryFilter{KecamatanCode: kecA}, p)
	}, func(b *ppks.Beneficiary) string { return b.ID }, sorted(inA...))
	checkPaging(t, "cases", func(p ppks.PageRequest) ([]*ppks.Case, error) {
		return f.s.ListCases(f.ctx, ppks.CaseFilter{}, p)
	}, func(c *ppks.Case) string { return c.ID }, sorted(cases...))
	checkPaging(t, "interventions of a case", func(p ppks.PageRequest) ([]*ppks.Intervention, error) {
		return f.s.ListInterventions(f.ctx, ppks.InterventionFilter{BeneficiaryID: lastCase.BeneficiaryID, CaseID: lastCase.ID}, p)
	}, func(iv *ppks.Intervention) string { return iv.ID }, sorted(ivs...))
	checkPaging(t, "interventions delivered in a kecamatan", func(p ppks.PageRequest) ([]*ppks.Intervention, error) {
		return f.s.ListInterventions(f.ctx, ppks.InterventionFilter{DeliveredIn: kecC}, p)
	}, func(iv *ppks.Intervention) string { return iv.ID }, sorted(ivsA...))

	var years []string
	for _, y := range []int{2026, 2020, 2024, 2021, 2023, 2022, 2025} {
		if _, err := f.w().UpsertTarget(ppks.Op{}, ppks.IndicatorID, y, func(*ppks.Target, bool) error { return nil }); err != nil {
			t.Fatalf("UpsertTarget: %v", err)
		}
		years = append(years, strconv.Itoa(y))
	}
	if _, err := f.w().UpsertTarget(ppks.Op{}, "other-indicator", 2024, func(*ppks.Target, bool) error { return nil }); err != nil {
		t.Fatalf("UpsertTarget: %v", err)
	}
	checkPaging(t, "targets", func(p ppks.PageRequest) ([]*ppks.Target, error) {
		return f.s.ListTargets(f.ctx, ppks.IndicatorID, p)
	}, func(t *ppks.Target) string { return strconv.Itoa(t.Year) }, sorted(years...))
}

func testScope(t *testing.T, f *fixture) {
	inA := f.person(t, nil)
	inB := f.person(t, func(b *ppks.Beneficiary) { b.KecamatanCode = kecB })
	caseA, caseB := f.openCase(t, inA, nil), f.openCase(t, inB, nil)
	// A person of kecamatan A served in kecamatan B: the record is A's (its person's
	// area), never B's.
	servedInB := f.deliver(t, caseA, func(iv *ppks.Intervention) { iv.KecamatanCode = kecB })
	servedInA := f.deliver(t, caseA, func(iv *ppks.Intervention) { iv.KecamatanCode = kecA })
	ofB := f.deliver(t, caseB, func(iv *ppks.Intervention) { iv.KecamatanCode = kecB })

	scopeB := ppks.Area{kecB}
	if got, want := f.beneficiaries(t, ppks.BeneficiaryFilter{Area: scopeB}), sorted(inB.ID); !cmp.Equal(want, got) {
		t.Errorf("people in scope B = %v, want %v", got, want)
	}
	if got, want := f.cases(t, ppks.CaseFilter{Area: scopeB}), sorted(caseB.ID); !cmp.Equal(want, got) {
		t.Errorf("cases in scope B = %v, want %v", got, want)
	}
	if got, want := f.interventions(t, ppks.InterventionFilter{Area: scopeB}), sorted(ofB.ID); !cmp.Equal(want, got) {
		t.Errorf("interventions in scope B = %v, want %v", got, want)
	}
	if got, want := f.interventions(t, ppks.InterventionFilter{Area: ppks.Area{kecA}}), sorted(servedInA.ID, servedInB.ID); !cmp.Equal(want, got) {
		t.Errorf("interventions in scope A = %v, want %v", got, want)
	}
	both := ppks.Area{kecA, kecB}
	if got := f.beneficiaries(t, ppks.BeneficiaryFilter{Area: both}); len(got) != 2 {
		t.Errorf("people in scope A, B = %v, want both", got)
	}
	if got := f.cases(t, ppks.CaseFilter{Area: both}); len(got) != 2 {
		t.Errorf("cases in scope A, B = %v, want both", got)
	}
	if got := f.interventions(t, ppks.InterventionFilter{Area: both}); len(got) != 3 {
		t.Errorf("interventions in scope A, B = %v, want all three", got)
	}
	if got := f.beneficiaries(t, ppks.BeneficiaryFilter{Area: ppks.Area{kecC}}); len(got) != 0 {
		t.Errorf("people in scope C = %v, want none", got)
	}
	none := ppks.Area{}
	if got := f.beneficiaries(t, ppks.BeneficiaryFilter{Area: none}); len(got) != 0 {
		t.Errorf("people in an empty area = %v, want none", got)
	}
	if got := f.cases(t, ppks.CaseFilter{Area: none}); len(got) != 0 {
		t.Errorf("cases in an empty area = %v, want none", got)
	}
	if got := f.interventions(t, ppks.InterventionFilter{Area: none}); len(got) != 0 {
		t.Errorf("interventions in an empty area = %v, want none", got)
	}
	// Every record read carries its person's kecamatan: the area it belongs to.
	for _, iv := range []*ppks.Intervention{servedInA, servedInB} {
		got, err := f.s.GetIntervention(f.ctx, inA.ID, caseA.ID, iv.ID)
		if err != nil || got.PersonKecamatan != inA.KecamatanCode {
			t.Errorf("GetIntervention(%s) person kecamatan = %+v, %v; want %s", iv.ID, got, err, inA.KecamatanCode)
		}
	}
	if got, err := f.s.GetCase(f.ctx, inB.ID, caseB.ID); err != nil || got.PersonKecamatan != kecB {
		t.Errorf("GetCase person kecamatan = %+v, %v; want %s", got, err, kecB)
	}
}
