package ppks

import (
	"math/big"
	"sort"
	"time"
)

// IndicatorID is the id of the key indicator in resource names.
const IndicatorID = "penurunan-ppks"

// RatingBand is one predikat band: a capaian of at least MinPercent earns Label.
type RatingBand struct {
	MinPercent *big.Rat
	Label      string
}

// IndicatorDefinition describes how the indicator is rated.
type IndicatorDefinition struct {
	ID            string
	Name          string
	LowerIsBetter bool
	Bands         []RatingBand // any order; the highest band reached wins
}

// DefaultBands are the predikat bands of the 2024 Gowa report (Tabel 2.5).
func DefaultBands() []RatingBand {
	return []RatingBand{
		{MinPercent: big.NewRat(110, 1), Label: "Sangat Berhasil"},
		{MinPercent: big.NewRat(90, 1), Label: "Berhasil"},
		{MinPercent: big.NewRat(60, 1), Label: "Cukup Berhasil"},
		{MinPercent: nil, Label: "Tidak Berhasil"}, // nil: every capaian
	}
}

// DefaultIndicator is the definition used when none is configured.
func DefaultIndicator() IndicatorDefinition {
	return IndicatorDefinition{
		ID:    IndicatorID,
		Name:  "Jumlah Penurunan Pemerlu Pelayanan Kesejahteraan Sosial (PPKS)",
		Bands: DefaultBands(),
	}
}

// CountFact is one counted (intervention type, person) pair of a year: the person's
// first active delivery of that type in the year, which the breakdowns are attributed to.
type CountFact struct {
	InterventionType string
	BeneficiaryID    string
	FirstDelivered   Date   // of the pair's FirstDelivery
	KecamatanCode    string // where that first delivery took place
	PpksType         string // of the case it was delivered in
	Verified         bool   // at least one of the pair's interventions is verified
	FamilyKey        string // FamilyKey of the person
}

// Count is a labelled number in a breakdown.
type Count struct {
	Key     string // code, or month number as text for months
	Name    string
	Persons int         // persons, or families for types counted in families
	Counted bool        // for intervention types: counts toward the indicator this year
	Unit    CountedUnit // for intervention types: what Persons counts
}

// IndicatorYear is the indicator computed for one year.
type IndicatorYear struct {
	Definition    IndicatorDefinition
	Year          int
	Total         int // official figure: sum over counted types of distinct persons
	UniquePersons int // distinct persons with at least one counted intervention
	// TotalVerified is the part of Total resting on verified interventions;
	// PendingVerification = Total - TotalVerified still waits for a supervisor.
	TotalVerified       int
	PendingVerification int
	Target              *int
	Renstra             *int
	Achievement         *big.Rat // exact capaian in percent; nil without a target
	Rating              string
	ByType              []Count // counted types, catalog order, zeros included
	ByPpksType          []Count
	ByKecamatan         []Count
	ByMonth             []Count // 12 entries
	OtherServices       []Count // types that do not count this year, with persons served
	ComputeTime         time.Time
}

// ComputeIndicator applies the counting rules to the year's facts (see CountsFromFacts)
// and builds the indicator from the counts.
func ComputeIndicator(def IndicatorDefinition, cat *Catalog, year int, facts []CountFact, target *Target) *IndicatorYear {
	return BuildIndicator(def, cat, year, CountsFromFacts(cat, year, facts), target)
}

// BuildIndicator turns a year's counts into the indicator: the official figure, its
// verified part, the breakdowns in catalog order, and the capaian against the target.
func BuildIndicator(def IndicatorDefinition, cat *Catalog, year int, counts IndicatorCounts, target *Target) *IndicatorYear {
	out := &IndicatorYear{Definition: def, Year: year, UniquePersons: counts.UniquePersons}
	for code, tc := range counts.Types {
		if cat.Counts(year, code) {
			out.Total += tc.Units
			out.TotalVerified += tc.Verified
		}
	}
	ppks, kec, months := counts.Counted.ByPpksType, counts.Counted.ByKecamatan, counts.Counted.ByMonth
	out.PendingVerification = out.Total - out.TotalVerified
	for _, t := range cat.InterventionTypes {
		c := Count{Key: t.Code, Name: t.Name, Persons: counts.Types[t.Code].Units, Counted: cat.Counts(year, t.Code), Unit: t.Unit}
		if c.Counted {
			out.ByType = append(out.ByType, c)
		} else if c.Persons > 0 {
			out.OtherServices = append(out.OtherServices, c)
		}
	}
	for _, t := range cat.PpksTypes {
		if n := ppks[t.Code]; n > 0 {
			out.ByPpksType = append(out.ByPpksType, Count{Key: t.Code, Name: t.Name, Persons: n})
		}
	}
	for _, r := range cat.Kecamatan {
		if n := kec[r.Code]; n > 0 {
			out.ByKecamatan = append(out.ByKecamatan, Count{Key: r.Code, Name: r.Name, Persons: n})
		}
	}
	// Codes no longer in the catalog (a changed region set) still count, and still show.
	out.ByPpksType = appendUnknown(out.ByPpksType, ppks)
	out.ByKecamatan = appendUnknown(out.ByKecamatan, kec)
	for m := 1; m <= 12; m++ {
		out.ByMonth = append(out.ByMonth, Count{Key: itoa(m), Name: monthNames[m-1], Persons: months[m]})
	}
	if target != nil {
		out.Target, out.Renstra = target.Value, target.Renstra
	}
	if out.Target != nil && *out.Target > 0 {
		out.Achievement = Achievement(out.Total, *out.Target, def.LowerIsBetter)
		out.Rating = Rate(out.Achievement, def.Bands)
	}
	return out
}

func appendUnknown(list []Count, counts map[string]int) []Count {
	known := map[string]bool{}
	for _, c := range list {
		known[c.Key] = true
	}
	var extra []Count
	for k, n := range counts {
		if !known[k] {
			extra = append(extra, Count{Key: k, Name: k, Persons: n})
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].Key < extra[j].Key })
	return append(list, extra...)
}

var monthNames = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
	"Agustus", "September", "Oktober", "November", "Desember"}

// Achievement returns the exact capaian in percent: realisasi / target x 100, or
// (2 - realisasi / target) x 100 where lower is better.
func Achievement(realisasi, target int, lowerIsBetter bool) *big.Rat {
	r := big.NewRat(int64(realisasi), int64(target))
	if lowerIsBetter {
		r.Sub(big.NewRat(2, 1), r)
	}
	return r.Mul(r, big.NewRat(100, 1))
}

// Rate returns the label of the highest band the exact capaian reaches. Bands compare
// against the exact value, not the rounded one shown, so rounding never lifts a rating.
func Rate(achievement *big.Rat, bands []RatingBand) string {
	best, label := (*big.Rat)(nil), ""
	for _, b := range bands {
		reached := b.MinPercent == nil || achievement.Cmp(b.MinPercent) >= 0
		if !reached {
			continue
		}
		if label == "" || (b.MinPercent != nil && (best == nil || b.MinPercent.Cmp(best) > 0)) {
			best, label = b.MinPercent, b.Label
		}
	}
	return label
}

// RoundHalfUp rounds r to the given number of decimals, halves away from zero.
func RoundHalfUp(r *big.Rat, decimals int) *big.Rat {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	n := new(big.Int).Mul(r.Num(), scale)
	n.Mul(n, big.NewInt(2))
	d := new(big.Int).Mul(r.Denom(), big.NewInt(2))
	// (2 n scale + d) / 2d, truncated toward zero, with the sign handled separately.
	neg := n.Sign() < 0
	n.Abs(n)
	n.Add(n, r.Denom())
	n.Quo(n, d)
	if neg {
		n.Neg(n)
	}
	return new(big.Rat).SetFrac(n, scale)
}
