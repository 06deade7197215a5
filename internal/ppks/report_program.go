package ppks

import (
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ProgramIndicator is a programme indicator of Tabel 3.6: the percentage of a registered
// PPKS population (entered per year) reached in the year by a set of intervention types.
type ProgramIndicator struct {
	Year              int
	ID                string
	DisplayName       string
	ProgramCode       string
	InterventionTypes []string
	Population        int      // the denominator, in persons
	TargetPercent     *big.Rat // at most two decimals
	Position          int      // display order
	UpdateTime        time.Time
}

// Name returns the resource name.
func (p *ProgramIndicator) Name() string {
	return ReportName(p.Year) + "/programIndicators/" + p.ID
}

// Programme indicator fields, as update_mask paths.
var programIndicatorFields = []string{"display_name", "program_code", "intervention_types", "population", "target_percent", "position"}

var programIndicatorID = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

var programCodePattern = regexp.MustCompile(`^[1-9]\.[0-9]{2}\.[0-9]{2}$`)

// maxPopulation bounds a registered population: a kabupaten has fewer people than this.
const maxPopulation = 100_000_000

func checkProgramIndicatorID(id, field string) error {
	if !programIndicatorID.MatchString(id) {
		return invalid(field, "INVALID_ID", "1 to 63 lower-case letters, digits or '-', starting with a letter",
			"1 sampai 63 huruf kecil, angka atau '-', diawali huruf.")
	}
	return nil
}

// validate checks an indicator about to be stored.
func (p *ProgramIndicator) validate(cat *Catalog) error {
	var vs violations
	const f = "program_indicator."
	p.DisplayName = strings.Join(strings.Fields(p.DisplayName), " ")
	if p.DisplayName == "" {
		vs.required(f + "display_name")
	} else {
		checkText(&vs, f+"display_name", p.DisplayName, maxNameLen*2)
	}
	if !programCodePattern.MatchString(p.ProgramCode) {
		vs.add(f+"program_code", "INVALID_PROGRAM_CODE", "a programme code such as 1.06.04", "Kode program tidak valid (contoh 1.06.04).")
	}
	if len(p.InterventionTypes) == 0 {
		vs.required(f + "intervention_types")
	}
	for _, t := range p.InterventionTypes {
		if _, ok := cat.InterventionType(t); !ok {
			vs.add(f+"intervention_types", "UNKNOWN_INTERVENTION_TYPE", "unknown intervention type "+t, "Jenis intervensi tidak dikenal: "+t+".")
		}
	}
	slices.Sort(p.InterventionTypes)
	p.InterventionTypes = slices.Compact(p.InterventionTypes)
	if p.Population < 1 || p.Population > maxPopulation {
		vs.add(f+"population", "OUT_OF_RANGE", "between 1 and 100000000 persons", "Antara 1 dan 100.000.000 jiwa.")
	}
	if p.TargetPercent == nil {
		vs.required(f + "target_percent")
	}
	return vs.err()
}

// ParsePercent reads a decimal percentage with at most two decimals ("13", "19.6"),
// from 0 to 1000.
func ParsePercent(s, field string) (*big.Rat, error) {
	bad := invalid(field, "INVALID_PERCENT", "a decimal from 0 to 1000 with at most two decimals, e.g. 19.6",
		"Angka desimal 0 sampai 1000 dengan paling banyak dua desimal, contoh 19.6.")
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" || len(whole) > 4 {
		return nil, bad
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() < 0 || r.Cmp(big.NewRat(1000, 1)) > 0 {
		return nil, bad
	}
	return r, nil
}

// FormatPercent writes an exact percentage of at most two decimals as ParsePercent reads it.
func FormatPercent(r *big.Rat) string {
	if r == nil {
		return ""
	}
	s := r.FloatString(2)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// computePrograms computes Tabel 3.6: for each indicator, the distinct persons who
// received one of its types in the year, over its population.
func computePrograms(defs []*ProgramIndicator, served []ServiceFact) []ProgramResult {
	defs = slices.Clone(defs)
	slices.SortStableFunc(defs, func(a, b *ProgramIndicator) int {
		if a.Position != b.Position {
			return a.Position - b.Position
		}
		return strings.Compare(a.ID, b.ID)
	})
	out := make([]ProgramResult, 0, len(defs))
	for _, d := range defs {
		reached := map[string]bool{}
		for _, f := range served {
			if slices.Contains(d.InterventionTypes, f.InterventionType) {
				reached[f.BeneficiaryID] = true
			}
		}
		r := ProgramResult{ID: d.ID, Name: d.DisplayName, ProgramCode: d.ProgramCode, ProgramName: ProgramName(d.ProgramCode),
			InterventionTypes: d.InterventionTypes,
			Reached:           len(reached), Population: d.Population, Target: d.TargetPercent}
		r.Realisasi = percentOf(int64(r.Reached), int64(r.Population))
		r.Achievement = ratPercentOf(r.Realisasi, r.Target)
		out = append(out, r)
	}
	return out
}

// StrategicPlan is the Renstra period of an indicator: the years of the multi-year
// tables, the initial condition, and (as the Renstra target of EndYear) the medium-term
// target.
type StrategicPlan struct {
	Indicator    string
	StartYear    int
	EndYear      int
	BaselineYear int
	Baseline     *int
	UpdateTime   time.Time
}

// Name returns the resource name.
func (p *StrategicPlan) Name() string { return "indicators/" + p.Indicator + "/strategicPlan" }

// Strategic plan fields, as update_mask paths.
var strategicPlanFields = []string{"start_year", "end_year", "baseline_year", "baseline"}

// same reports whether two plans hold the same period and baseline.
func (p *StrategicPlan) same(o *StrategicPlan) bool {
	return p.StartYear == o.StartYear && p.EndYear == o.EndYear && p.BaselineYear == o.BaselineYear &&
		(p.Baseline == nil) == (o.Baseline == nil) && (p.Baseline == nil || *p.Baseline == *o.Baseline)
}

func (p *StrategicPlan) validate() error {
	var vs violations
	const f = "strategic_plan."
	if p.StartYear < minIndicatorYear || p.StartYear > maxIndicatorYear {
		vs.add(f+"start_year", "OUT_OF_RANGE", "a year from 2000 to 2100", "Tahun 2000 sampai 2100.")
	}
	if p.EndYear < p.StartYear || p.EndYear > p.StartYear+10 {
		vs.add(f+"end_year", "OUT_OF_RANGE", "from start_year to start_year + 10", "Dari start_year sampai start_year + 10.")
	}
	if p.BaselineYear != 0 && (p.BaselineYear < 1990 || p.BaselineYear > p.StartYear) {
		vs.add(f+"baseline_year", "OUT_OF_RANGE", "a year before or at start_year", "Tahun sebelum atau sama dengan start_year.")
	}
	checkTargetValue(&vs, f+"baseline", p.Baseline, 0)
	return vs.err()
}
