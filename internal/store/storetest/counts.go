package storetest

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

// The maintained counts (Store.IndicatorCounts) must equal a recount of the raw rows
// (CountsFromFacts of CountFacts) after every kind of write.
var countsTests = []struct {
	name string
	fn   func(t *testing.T, f *fixture)
}{
	{"CountsFollowWrites", testCountsFollowWrites},
	{"CountsRandomWrites", testCountsRandomWrites},
	{"CountYears", testCountYears},
}

// Types of the counting fixtures besides those of storetest.go.
const (
	sandang  = "SANDANG"
	keluarga = "BIMBINGAN_SOSIAL_KELUARGA" // counted in families
)

// countYears are the years the counting fixtures write in.
var countYears = []int{2023, 2024, 2025}

// countCatalog is a small catalog whose counting rule changes in 2025, so that unique
// persons depend on the year's rule (2023 takes the first rule).
func countCatalog() *ppks.Catalog {
	set := func(codes ...string) map[string]bool {
		m := map[string]bool{}
		for _, c := range codes {
			m[c] = true
		}
		return m
	}
	cat := &ppks.Catalog{
		PpksTypes: []ppks.PpksType{{Code: anak, Name: "Anak"}, {Code: lansia, Name: "Lansia"}},
		InterventionTypes: []ppks.InterventionType{
			{Code: permakanan, Unit: ppks.UnitPerson}, {Code: alatBantu, Unit: ppks.UnitPerson},
			{Code: graduasi, Unit: ppks.UnitPerson}, {Code: bimbingan, Unit: ppks.UnitPerson},
			{Code: sandang, Unit: ppks.UnitPerson}, {Code: keluarga, Unit: ppks.UnitFamily},
		},
		Kecamatan: []ppks.Region{{Code: kecA}, {Code: kecB}, {Code: kecC}},
		Counting: []ppks.CountingRule{
			{FromYear: 2024, Types: set(permakanan, alatBantu, graduasi, keluarga)},
			{FromYear: 2025, Types: set(permakanan, sandang, bimbingan, keluarga)},
		},
	}
	cat.Index()
	return cat
}

// familyTypes lists the catalog's types counted in families.
func familyTypes(cat *ppks.Catalog) []string {
	var out []string
	for _, t := range cat.InterventionTypes {
		if t.Unit == ppks.UnitFamily {
			out = append(out, t.Code)
		}
	}
	return out
}

// setRules records the catalog's counting rules in the store.
func (f *fixture) setRules(t *testing.T, cat *ppks.Catalog) {
	t.Helper()
	if err := f.s.SetCountingRules(f.ctx, cat.Counting, familyTypes(cat)); err != nil {
		t.Fatalf("SetCountingRules: %v", err)
	}
}

// assertCountsMatch fails t unless the maintained counts of each year equal the recount.
func assertCountsMatch(t *testing.T, s ppks.Store, cat *ppks.Catalog, years ...int) {
	t.Helper()
	ctx := t.Context()
	for _, y := range years {
		got, err := s.DetailedCounts(ctx, y)
		if err != nil {
			t.Fatalf("DetailedCounts(%d): %v", y, err)
		}
		facts, err := s.CountFacts(ctx, y)
		if err != nil {
			t.Fatalf("CountFacts(%d): %v", y, err)
		}
		assertFactsFollowTheRules(t, s, y, facts)
		want := ppks.CountsFromFacts(cat, y, facts)
		if !got.Equal(want) {
			t.Fatalf("DetailedCounts(%d) differs from the recount (-recount +maintained):\n%s", y, cmp.Diff(want, got))
		}
		// What the indicator reads: the same units and summed breakdowns, no per-type ones.
		summary, err := s.IndicatorCounts(ctx, y)
		if err != nil {
			t.Fatalf("IndicatorCounts(%d): %v", y, err)
		}
		for code, tc := range summary.Types {
			if tc.ByKecamatan != nil || tc.ByPpksType != nil || tc.ByMonth != [13]int{} {
				t.Errorf("IndicatorCounts(%d) has the breakdowns of %s: %+v", y, code, tc)
			}
			tc.ByKecamatan, tc.ByPpksType, tc.ByMonth = want.Types[code].ByKecamatan, want.Types[code].ByPpksType, want.Types[code].ByMonth
			summary.Types[code] = tc
		}
		if !summary.Equal(want) {
			t.Fatalf("IndicatorCounts(%d) differs from the recount (-recount +maintained):\n%s", y, cmp.Diff(want, summary))
		}
	}
}

// units returns the maintained units of a type in a year.
func (f *fixture) units(t *testing.T, year int, typ string) ppks.TypeCounts {
	t.Helper()
	c, err := f.s.DetailedCounts(f.ctx, year)
	if err != nil {
		t.Fatalf("DetailedCounts(%d): %v", year, err)
	}
	return c.Types[typ]
}

// update changes an intervention through the store.
func (f *fixture) update(t *testing.T, iv *ppks.Intervention, mod func(*ppks.Intervention)) *ppks.Intervention {
	t.Helper()
	got, err := f.w().UpdateIntervention(audited("UpdateIntervention"), iv.BeneficiaryID, iv.CaseID, iv.ID,
		func(iv *ppks.Intervention) error {
			mod(iv)
			iv.UpdateTime = baseTime
			return nil
		})
	if err != nil {
		t.Fatalf("UpdateIntervention: %v", err)
	}
	return got
}

func testCountsFollowWrites(t *testing.T, f *fixture) {
	cat := countCatalog()
	f.setRules(t, cat)
	check := func(step string) {
		t.Helper()
		t.Log(step)
		assertCountsMatch(t, f.s, cat, countYears...)
	}
	d := func(y, m, day int) ppks.Date { return ppks.Date{Year: y, Month: m, Day: day} }
	give := func(c *ppks.Case, typ string, on ppks.Date, kec string) *ppks.Intervention {
		return f.deliver(t, c, func(iv *ppks.Intervention) { iv.InterventionType, iv.DeliveredOn, iv.KecamatanCode = typ, on, kec })
	}

	siti := f.person(t, nil)
	sitiCase := f.openCase(t, siti, func(c *ppks.Case) { c.PpksType = anak })
	march := give(sitiCase, permakanan, d(2024, 3, 10), kecA)
	check("create")
	if got := f.units(t, 2024, permakanan); got.Units != 1 || got.ByMonth[3] != 1 || got.ByKecamatan[kecA] != 1 {
		t.Fatalf("after one delivery: %+v", got)
	}

	january := give(sitiCase, permakanan, d(2024, 1, 15), kecB)
	may := give(sitiCase, permakanan, d(2024, 5, 1), kecC)
	check("repeated deliveries, one earlier than the first")
	if got := f.units(t, 2024, permakanan); got.Units != 1 || got.ByMonth[1] != 1 || got.ByKecamatan[kecB] != 1 {
		t.Fatalf("after an earlier delivery: %+v, want the person once, in January, in %s", got, kecB)
	}

	f.update(t, january, func(iv *ppks.Intervention) {
		iv.State, iv.VoidReason, iv.VoidTime = ppks.InterventionVoided, "salah", baseTime
	})
	check("void of the first delivery")

	may = f.update(t, may, func(iv *ppks.Intervention) { iv.Verification, iv.VerifiedBy = ppks.VerificationVerified, "spv" })
	check("verify")
	if got := f.units(t, 2024, permakanan); got.Verified != 1 {
		t.Fatalf("verified units %d, want 1", got.Verified)
	}
	f.update(t, march, func(iv *ppks.Intervention) { iv.Verification, iv.RejectReason = ppks.VerificationRejected, "fiktif" })
	check("reject of the first delivery")

	f.update(t, may, func(iv *ppks.Intervention) { iv.InterventionType = alatBantu })
	check("correction of the type")
	late := give(sitiCase, sandang, d(2024, 12, 31), kecA)
	check("delivery on 31 December")
	f.update(t, late, func(iv *ppks.Intervention) { iv.DeliveredOn = d(2025, 1, 1) })
	check("correction of the date across the year boundary")
	if got := f.units(t, 2025, sandang); got.Units != 1 || got.ByMonth[1] != 1 {
		t.Fatalf("2025 %s after the correction: %+v", sandang, got)
	}

	if _, err := f.w().UpdateCase(audited("UpdateCase"), siti.ID, sitiCase.ID, func(c *ppks.Case) error {
		c.PpksType = lansia
		return nil
	}); err != nil {
		t.Fatalf("UpdateCase: %v", err)
	}
	check("correction of the case's PPKS category")
	if got := f.units(t, 2024, alatBantu); got.ByPpksType[lansia] != 1 || got.ByPpksType[anak] != 0 {
		t.Fatalf("%s by category after the correction: %+v", alatBantu, got.ByPpksType)
	}

	// Two people of one household, on two family cards, then one: the family counts once,
	// attributed to the earlier delivery, verified when either is.
	ayah := f.person(t, func(b *ppks.Beneficiary) { b.KK = "7306010101010001" })
	ibu := f.person(t, func(b *ppks.Beneficiary) { b.KK = "7306010101010002"; b.KecamatanCode = kecB })
	give(f.openCase(t, ayah, nil), keluarga, d(2024, 6, 1), kecA)
	ibuIv := give(f.openCase(t, ibu, nil), keluarga, d(2024, 4, 1), kecB)
	f.update(t, ibuIv, func(iv *ppks.Intervention) { iv.Verification = ppks.VerificationVerified })
	check("two families")
	if got := f.units(t, 2024, keluarga).Units; got != 2 {
		t.Fatalf("%d families, want 2", got)
	}
	if _, err := f.w().UpdateBeneficiary(audited("UpdateBeneficiary"), ayah.ID, func(b *ppks.Beneficiary) error {
		b.KK = "7306010101010002"
		return nil
	}); err != nil {
		t.Fatalf("UpdateBeneficiary: %v", err)
	}
	check("KK change joining them")
	if got := f.units(t, 2024, keluarga); got.Units != 1 || got.Verified != 1 || got.ByKecamatan[kecB] != 1 || got.ByMonth[4] != 1 {
		t.Fatalf("one family: %+v, want 1 unit, verified, in %s in April", got, kecB)
	}

	// Two records of one person, each served PERMAKANAN in 2024: one person after the merge.
	dup := f.person(t, func(b *ppks.Beneficiary) { b.NIK = "" })
	give(f.openCase(t, dup, nil), permakanan, d(2024, 2, 2), kecC)
	give(f.openCase(t, siti, nil), permakanan, d(2024, 8, 8), kecA)
	check("two records")
	f.merge(t, siti, dup)
	check("merge")
	if got := f.units(t, 2024, permakanan); got.Units != 1 || got.ByKecamatan[kecC] != 1 {
		t.Fatalf("after the merge: %+v, want one person, attributed to the duplicate's earlier delivery", got)
	}

	// Other rules rebuild the counts: no family types any more.
	other := countCatalog()
	other.InterventionTypes[5].Unit = ppks.UnitPerson
	other.Counting = other.Counting[:1]
	other.Index()
	f.setRules(t, other)
	assertCountsMatch(t, f.s, other, countYears...)
	if got := f.units(t, 2024, keluarga).Units; got != 2 {
		t.Fatalf("%s counted in persons: %d, want 2", keluarga, got)
	}
	if err := f.s.RebuildCounts(f.ctx); err != nil {
		t.Fatalf("RebuildCounts: %v", err)
	}
	assertCountsMatch(t, f.s, other, countYears...)
}

func testCountYears(t *testing.T, f *fixture) {
	got, err := f.s.CountYears(f.ctx)
	if err != nil || len(got) != 0 {
		t.Fatalf("CountYears of an empty store = %v, %v", got, err)
	}
	c := f.openCase(t, f.person(t, nil), nil)
	for _, y := range []int{2025, 2023, 2025} {
		f.deliver(t, c, func(iv *ppks.Intervention) { iv.DeliveredOn = ppks.Date{Year: y, Month: 2, Day: 3} })
	}
	f.deliver(t, c, func(iv *ppks.Intervention) { // a voided intervention still dates its year
		iv.DeliveredOn, iv.State, iv.VoidTime = ppks.Date{Year: 2021, Month: 1, Day: 1}, ppks.InterventionVoided, baseTime
	})
	got, err = f.s.CountYears(f.ctx)
	if err != nil || !cmp.Equal(got, []int{2021, 2023, 2025}) {
		t.Fatalf("CountYears = %v, %v; want [2021 2023 2025]", got, err)
	}
}

// testCountsRandomWrites applies random writes of every kind to a small population and
// checks the counts against the recount every 100 writes.
func testCountsRandomWrites(t *testing.T, f *fixture) {
	const ops, every = 2000, 100
	cat := countCatalog()
	f.setRules(t, cat)
	rng := rand.New(rand.NewPCG(6, 2025))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	types := []string{permakanan, permakanan, permakanan, alatBantu, graduasi, bimbingan, sandang, keluarga, keluarga}
	kks := []string{"", "", "7306010101010001", "7306010101010002", "7306010101010003"}

	var (
		people []*ppks.Beneficiary
		cases  []*ppks.Case
		ivs    []*ppks.Intervention
	)
	addPerson := func() {
		b := f.person(t, func(b *ppks.Beneficiary) { b.KK = pick(kks...) })
		people = append(people, b)
		cases = append(cases, f.openCase(t, b, func(c *ppks.Case) { c.PpksType = pick(anak, lansia) }))
	}
	for range 8 {
		addPerson()
	}
	date := func() ppks.Date {
		if rng.IntN(10) == 0 { // the year boundary
			if rng.IntN(2) == 0 {
				return ppks.Date{Year: 2023 + rng.IntN(2), Month: 12, Day: 31}
			}
			return ppks.Date{Year: 2024 + rng.IntN(2), Month: 1, Day: 1}
		}
		return ppks.Date{Year: 2023 + rng.IntN(3), Month: 1 + rng.IntN(12), Day: 1 + rng.IntN(28)}
	}
	for i := 1; i <= ops; i++ {
		switch r := rng.IntN(100); {
		case r < 45 || len(ivs) == 0: // deliver
			c := cases[rng.IntN(len(cases))]
			ivs = append(ivs, f.deliver(t, c, func(iv *ppks.Intervention) {
				iv.InterventionType, iv.DeliveredOn, iv.KecamatanCode = pick(types...), date(), pick(kecA, kecB, kecC)
				if rng.IntN(10) == 0 {
					iv.Verification = ppks.VerificationVerified
				}
			}))
		case r < 75: // void, verify, reject, restore, or correct an intervention
			n := rng.IntN(len(ivs))
			ivs[n] = f.update(t, ivs[n], func(iv *ppks.Intervention) {
				switch rng.IntN(7) {
				case 0:
					iv.State = ppks.InterventionVoided
				case 1:
					iv.State = ppks.InterventionActive
				case 2:
					iv.Verification = ppks.VerificationVerified
				case 3:
					iv.Verification = ppks.VerificationRejected
				case 4:
					iv.Verification = ppks.VerificationPending
				case 5:
					iv.InterventionType = pick(types...)
				default:
					iv.DeliveredOn, iv.KecamatanCode = date(), pick(kecA, kecB, kecC)
				}
			})
		case r < 83: // correct a case's category
			n := rng.IntN(len(cases))
			c, err := f.w().UpdateCase(audited("UpdateCase"), cases[n].BeneficiaryID, cases[n].ID, func(c *ppks.Case) error {
				c.PpksType = pick(anak, lansia)
				return nil
			})
			if err != nil {
				t.Fatalf("op %d: UpdateCase: %v", i, err)
			}
			cases[n] = c
		case r < 91: // change a person's family card
			n := rng.IntN(len(people))
			b, err := f.w().UpdateBeneficiary(audited("UpdateBeneficiary"), people[n].ID, func(b *ppks.Beneficiary) error {
				b.KK = pick(kks...)
				return nil
			})
			if err != nil {
				t.Fatalf("op %d: UpdateBeneficiary: %v", i, err)
			}
			people[n] = b
		case r < 94 && len(people) > 3: // merge two people
			a, b := rng.IntN(len(people)), rng.IntN(len(people)-1)
			if b >= a {
				b++
			}
			sv, dup := people[a], people[b]
			people[a] = f.merge(t, sv, dup)
			people = append(people[:b], people[b+1:]...)
			for _, c := range cases {
				if c.BeneficiaryID == dup.ID {
					c.BeneficiaryID = sv.ID
				}
			}
			for _, iv := range ivs {
				if iv.BeneficiaryID == dup.ID {
					iv.BeneficiaryID = sv.ID
				}
			}
		default: // a new person, or another case
			if rng.IntN(2) == 0 {
				addPerson()
			} else {
				cases = append(cases, f.openCase(t, people[rng.IntN(len(people))], func(c *ppks.Case) { c.PpksType = pick(anak, lansia) }))
			}
		}
		if i%every == 0 {
			assertCountsMatch(t, f.s, cat, countYears...)
		}
	}
	if err := f.s.RebuildCounts(f.ctx); err != nil {
		t.Fatalf("RebuildCounts: %v", err)
	}
	assertCountsMatch(t, f.s, cat, countYears...)
}

// assertFactsFollowTheRules checks a store's facts against the domain's pair rules read
// from the records: each is at its pair's ppks.FirstDelivery, in the kecamatan and PPKS
// category of that delivery, with the person's ppks.FamilyKey.
func assertFactsFollowTheRules(t *testing.T, s ppks.Store, year int, facts []ppks.CountFact) {
	t.Helper()
	ctx := t.Context()
	for _, f := range facts {
		b, err := s.GetBeneficiary(ctx, f.BeneficiaryID)
		if err != nil {
			t.Fatalf("GetBeneficiary(%s): %v", f.BeneficiaryID, err)
		}
		ivs, err := s.ListInterventions(ctx, ppks.InterventionFilter{BeneficiaryID: b.ID, Year: year, InterventionType: f.InterventionType},
			ppks.PageRequest{Limit: ppks.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		first := ppks.FirstDelivery(ivs)
		switch {
		case first == nil:
			t.Errorf("fact %+v has no delivery that counts", f)
		case first.DeliveredOn != f.FirstDelivered || first.KecamatanCode != f.KecamatanCode || first.PpksType != f.PpksType:
			t.Errorf("fact %+v, want it at the first delivery %s (%s, %s)", f, first.DeliveredOn, first.KecamatanCode, first.PpksType)
		}
		if key := ppks.FamilyKey(b.ID, b.KK); f.FamilyKey != key {
			t.Errorf("fact %+v: family %q, want %q", f, f.FamilyKey, key)
		}
	}
}
