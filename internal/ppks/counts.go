package ppks

import (
	"maps"
	"slices"
	"strings"
)

// TypeCounts are the counted units (persons, or families for family services) of one
// intervention type in a year, with the breakdowns of their first deliveries.
type TypeCounts struct {
	Units       int
	Verified    int // units with at least one verified intervention
	ByKecamatan map[string]int
	ByPpksType  map[string]int
	ByMonth     [13]int // 1..12
}

// Breakdowns are counted units by the kecamatan, the PPKS category and the month of
// their first delivery.
type Breakdowns struct {
	ByKecamatan map[string]int
	ByPpksType  map[string]int
	ByMonth     [13]int // 1..12
}

// IndicatorCounts are the counts of a year the indicator is built from. A store may
// maintain them as records change; CountsFromFacts derives them from the raw facts, and
// the two must always agree (see Service.VerifyCounts).
type IndicatorCounts struct {
	// Types are the units of every intervention type served in the year. Their
	// breakdowns are filled only where asked for (Store.DetailedCounts, CountsFromFacts):
	// the indicator reads Counted instead.
	Types map[string]TypeCounts
	// Counted are the breakdowns summed over the types that count in the year: one entry
	// per kecamatan rather than one per kecamatan and type, which is what keeps the
	// indicator's read small where there are thousands of kecamatan.
	Counted Breakdowns
	// UniquePersons are the distinct persons with a counted intervention of a type that
	// counts in the year.
	UniquePersons int
}

// Equal reports whether two sets of counts are the same.
func (c IndicatorCounts) Equal(o IndicatorCounts) bool {
	if c.UniquePersons != o.UniquePersons || len(c.nonZero()) != len(o.nonZero()) ||
		!c.Counted.equal(o.Counted) {
		return false
	}
	for code, a := range c.nonZero() {
		b := o.Types[code]
		if a.Units != b.Units || a.Verified != b.Verified || a.ByMonth != b.ByMonth ||
			!maps.Equal(nz(a.ByKecamatan), nz(b.ByKecamatan)) || !maps.Equal(nz(a.ByPpksType), nz(b.ByPpksType)) {
			return false
		}
	}
	return true
}

func (b Breakdowns) equal(o Breakdowns) bool {
	return b.ByMonth == o.ByMonth && maps.Equal(nz(b.ByKecamatan), nz(o.ByKecamatan)) &&
		maps.Equal(nz(b.ByPpksType), nz(o.ByPpksType))
}

func (c IndicatorCounts) nonZero() map[string]TypeCounts {
	out := map[string]TypeCounts{}
	for k, v := range c.Types {
		if v.Units != 0 || v.Verified != 0 {
			out[k] = v
		}
	}
	return out
}

func nz(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

// CountsFromFacts applies the counting rules to the year's facts: a person counts once
// per type (rule 2; a family once for types counted in families, attributed to its
// earliest delivery), which types count is the catalog's rule for the year (rule 5).
// Voided and rejected interventions never reach the facts (rule 4), and merged records
// arrive as their survivor (rule 6).
func CountsFromFacts(cat *Catalog, year int, facts []CountFact) IndicatorCounts {
	// Earliest first, so that the unit counted for a family is its first delivery.
	facts = slices.Clone(facts)
	slices.SortStableFunc(facts, func(a, b CountFact) int {
		if c := a.FirstDelivered.Compare(b.FirstDelivered); c != 0 {
			return c
		}
		if c := strings.Compare(a.InterventionType, b.InterventionType); c != 0 {
			return c
		}
		return strings.Compare(a.BeneficiaryID, b.BeneficiaryID)
	})
	out := IndicatorCounts{Types: map[string]TypeCounts{}}
	unique := map[string]bool{}
	unitVerified := map[string]bool{}
	unitOf := map[string]string{} // type|unit -> first seen: the unit's attribution is taken once
	for _, f := range facts {
		if cat.Counts(year, f.InterventionType) {
			unique[f.BeneficiaryID] = true
		}
		unit := f.BeneficiaryID
		if t, ok := cat.InterventionType(f.InterventionType); ok && t.Unit == UnitFamily {
			unit = f.FamilyKey
			if unit == "" {
				unit = "person:" + f.BeneficiaryID
			}
		}
		key := f.InterventionType + "|" + unit
		tc := out.Types[f.InterventionType]
		if f.Verified && !unitVerified[key] {
			unitVerified[key] = true
			tc.Verified++
		}
		if _, seen := unitOf[key]; !seen {
			unitOf[key] = f.BeneficiaryID
			tc.Units++
			tc.ByKecamatan = inc(tc.ByKecamatan, f.KecamatanCode)
			tc.ByPpksType = inc(tc.ByPpksType, f.PpksType)
			if f.FirstDelivered.Month >= 1 && f.FirstDelivered.Month <= 12 {
				tc.ByMonth[f.FirstDelivered.Month]++
			}
		}
		out.Types[f.InterventionType] = tc
	}
	out.UniquePersons = len(unique)
	out.Counted = Breakdowns{ByKecamatan: map[string]int{}, ByPpksType: map[string]int{}}
	for code, tc := range out.Types {
		if !cat.Counts(year, code) {
			continue
		}
		for k, n := range tc.ByKecamatan {
			out.Counted.ByKecamatan[k] += n
		}
		for k, n := range tc.ByPpksType {
			out.Counted.ByPpksType[k] += n
		}
		for m := 1; m <= 12; m++ {
			out.Counted.ByMonth[m] += tc.ByMonth[m]
		}
	}
	return out
}

func inc(m map[string]int, k string) map[string]int {
	if m == nil {
		m = map[string]int{}
	}
	m[k]++
	return m
}
