package ppks

import (
	"math/big"
	"slices"
	"strings"
	"time"
)

// ReportInputs is what a year's report is computed from.
type ReportInputs struct {
	Year      int
	Facts     []CountFact   // CountFacts of the year
	Served    []ServiceFact // ServiceFacts of the year
	Targets   []*Target     // the indicator's targets, any years
	Plan      *StrategicPlan
	Lines     []*BudgetLine
	Programs  []*ProgramIndicator
	Realisasi map[int]YearRealisasi // realisasi of the other years of the history table
	Threshold int
}

// YearRealisasi is the realisasi of a year other than the report's, and its source.
type YearRealisasi struct {
	Value  int
	Source RealisasiSource
}

// spmGroups are the SPM services of a kabupaten (Permensos 9/2018), in the order of the
// report, with the name of each service.
var spmGroups = []struct{ code, name string }{
	{"ANAK_TELANTAR", "Pelayanan sosial dasar bagi anak telantar"},
	{"LANSIA_TELANTAR", "Pelayanan sosial dasar bagi lanjut usia telantar"},
	{"DISABILITAS_TELANTAR", "Pelayanan sosial dasar bagi penyandang disabilitas telantar"},
	{"GELANDANGAN_PENGEMIS", "Pelayanan sosial dasar bagi gelandangan dan pengemis"},
	{"KORBAN_BENCANA", "Pelayanan sosial dasar bagi korban bencana alam dan sosial"},
}

// ComputeReport computes the tables of a year from its inputs. It is a pure function of
// them: the same inputs always give the same report (and the same snapshot bytes).
func ComputeReport(def IndicatorDefinition, cat *Catalog, in ReportInputs, now time.Time) *Report {
	r := &Report{Year: in.Year, ComputeTime: now, Facts: in.Facts, Served: in.Served}
	if r.Facts == nil {
		r.Facts = []CountFact{}
	}
	if r.Served == nil {
		r.Served = []ServiceFact{}
	}
	r.Definition = reportDefinition(def, cat, in.Year, in.Threshold)
	var target *Target
	for _, t := range in.Targets {
		if t.Year == in.Year {
			target = t
		}
	}
	ind := ComputeIndicator(def, cat, in.Year, in.Facts, target)
	r.Performance = Performance{
		Target: ind.Target, Realisasi: ind.Total, UniquePersons: ind.UniquePersons,
		Achievement: ind.Achievement, Rating: ind.Rating, ByType: ind.ByType, OtherServices: ind.OtherServices,
	}
	r.History = computeHistory(def, in, r.Performance.Realisasi)
	r.Spm = computeSpm(cat, in.Served)
	r.Programs = computePrograms(in.Programs, in.Served)
	r.Budget = ComputeBudget(in.Lines, r.Performance.Achievement)
	r.Breakdown = computeBreakdown(cat, in.Year, in.Facts, ind.ByType, in.Threshold)
	return r
}

func reportDefinition(def IndicatorDefinition, cat *Catalog, year, threshold int) ReportDefinition {
	d := ReportDefinition{
		Indicator: def.ID, IndicatorName: def.Name, StrategicObjective: defaultStrategicObjective,
		Unit: defaultIndicatorUnit, LowerIsBetter: def.LowerIsBetter, SmallCellThreshold: threshold,
		Rounding: RoundingRule, CountedTypes: []string{},
	}
	for _, t := range cat.InterventionTypes {
		if cat.Counts(year, t.Code) {
			d.CountedTypes = append(d.CountedTypes, t.Code)
		}
	}
	bands := slices.Clone(def.Bands)
	slices.SortStableFunc(bands, func(a, b RatingBand) int {
		switch {
		case a.MinPercent == nil:
			return 1
		case b.MinPercent == nil:
			return -1
		}
		return b.MinPercent.Cmp(a.MinPercent)
	})
	for _, b := range bands {
		bd := BandDefinition{Label: b.Label}
		if b.MinPercent != nil {
			bd.MinPercent = b.MinPercent.RatString()
		}
		d.Bands = append(d.Bands, bd)
	}
	return d
}

// computeHistory builds Tabel 3.2 and 3.3: the years of the Renstra period (or, without
// a plan, the years that have targets, and the report's), with realisasi up to the
// report's year.
func computeHistory(def IndicatorDefinition, in ReportInputs, realisasi int) History {
	byYear := map[int]*Target{}
	first, last := in.Year, in.Year
	for _, t := range in.Targets {
		byYear[t.Year] = t
		first, last = min(first, t.Year), max(last, t.Year)
	}
	var h History
	if p := in.Plan; p != nil {
		first, last = p.StartYear, max(p.EndYear, in.Year)
		h.BaselineYear, h.Baseline = p.BaselineYear, p.Baseline
		h.MediumTermYear = p.EndYear
	} else {
		h.MediumTermYear = last
	}
	if t := byYear[h.MediumTermYear]; t != nil && t.Renstra != nil {
		h.MediumTermTarget = t.Renstra
	}
	for y := first; y <= last; y++ {
		hy := HistoryYear{Year: y}
		t := byYear[y]
		if t != nil {
			hy.Target, hy.Renstra = t.Value, t.Renstra
		}
		switch {
		case y > in.Year:
		case y == in.Year && (realisasi > 0 || t == nil || t.Historical == nil):
			hy.Realisasi, hy.Source = intPtrOf(realisasi), SourceRecorded
		case y == in.Year:
			hy.Realisasi, hy.Source = intPtrOf(*t.Historical), SourceHistorical
		default:
			if r, ok := in.Realisasi[y]; ok && r.Source != SourceNone {
				hy.Realisasi, hy.Source = intPtrOf(r.Value), r.Source
			}
		}
		if hy.Realisasi != nil {
			if hy.Target != nil && *hy.Target > 0 {
				hy.Achievement = Achievement(*hy.Realisasi, *hy.Target, def.LowerIsBetter)
			}
			if hy.Renstra != nil && *hy.Renstra > 0 {
				hy.RenstraAchievement = Achievement(*hy.Realisasi, *hy.Renstra, def.LowerIsBetter)
			}
		}
		h.Years = append(h.Years, hy)
	}
	if h.MediumTermTarget != nil && *h.MediumTermTarget > 0 {
		h.MediumTermAchievement = Achievement(realisasi, *h.MediumTermTarget, def.LowerIsBetter)
	}
	return h
}

// computeSpm counts, per SPM group, the distinct persons served in the year in a case of
// a PPKS category of that group.
func computeSpm(cat *Catalog, served []ServiceFact) []SpmService {
	persons := map[string]map[string]bool{}
	for _, f := range served {
		t, ok := cat.PpksType(f.PpksType)
		if !ok || t.SpmGroup == "" || t.SpmGroup == "NONE" {
			continue
		}
		if persons[t.SpmGroup] == nil {
			persons[t.SpmGroup] = map[string]bool{}
		}
		persons[t.SpmGroup][f.BeneficiaryID] = true
	}
	out := make([]SpmService, 0, len(spmGroups))
	known := map[string]bool{}
	for _, g := range spmGroups {
		known[g.code] = true
		out = append(out, SpmService{Group: g.code, Name: g.name, Persons: len(persons[g.code])})
	}
	// Groups of a replaced ppks_types.csv that the report does not name.
	var extra []string
	for g := range persons {
		if !known[g] {
			extra = append(extra, g)
		}
	}
	slices.Sort(extra)
	for _, g := range extra {
		out = append(out, SpmService{Group: g, Name: g, Persons: len(persons[g])})
	}
	return out
}

// countedUnits returns the facts that make up the official figure, each counted (type,
// unit) once: for types counted in families, the family's first delivery.
func countedUnits(cat *Catalog, year int, facts []CountFact) []CountFact {
	facts = slices.Clone(facts)
	slices.SortStableFunc(facts, func(a, b CountFact) int {
		if c := a.FirstDelivered.Compare(b.FirstDelivered); c != 0 {
			return c
		}
		return strings.Compare(a.BeneficiaryID, b.BeneficiaryID)
	})
	seen := map[string]bool{}
	var out []CountFact
	for _, f := range facts {
		if !cat.Counts(year, f.InterventionType) {
			continue
		}
		if t, ok := cat.InterventionType(f.InterventionType); ok && t.Unit == UnitFamily {
			key := f.FamilyKey
			if key == "" {
				key = "person:" + f.BeneficiaryID
			}
			if seen[f.InterventionType+"|"+key] {
				continue
			}
			seen[f.InterventionType+"|"+key] = true
		}
		out = append(out, f)
	}
	return out
}

// computeBreakdown counts the official figure per kecamatan (of first delivery) and
// counted type, and suppresses its small cells.
func computeBreakdown(cat *Catalog, year int, facts []CountFact, columns []Count, threshold int) Breakdown {
	b := Breakdown{Threshold: threshold, Columns: columns}
	col := map[string]int{}
	for i, c := range columns {
		col[c.Key] = i
	}
	rowOf := map[string]int{}
	var values [][]int
	addRow := func(code, name string) {
		rowOf[code] = len(b.Rows)
		b.Rows = append(b.Rows, BreakdownRow{Code: code, Name: name})
		values = append(values, make([]int, len(columns)))
	}
	for _, k := range cat.Kecamatan {
		addRow(k.Code, k.Name)
	}
	units := countedUnits(cat, year, facts)
	var unknown []string
	for _, f := range units {
		if _, ok := rowOf[f.KecamatanCode]; !ok && !slices.Contains(unknown, f.KecamatanCode) {
			unknown = append(unknown, f.KecamatanCode)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		addRow(k, k)
	}
	for _, f := range units {
		if c, ok := col[f.InterventionType]; ok {
			values[rowOf[f.KecamatanCode]][c]++
		}
	}
	hidden := Suppress(values, threshold)
	aug := newAugmented(values).v
	m, n := len(values), len(columns)
	for r := range b.Rows {
		for c := 0; c < n; c++ {
			b.Rows[r].Cells = append(b.Rows[r].Cells, Cell{Value: aug[r][c], Hidden: hidden[r][c]})
		}
		b.Rows[r].Total = Cell{Value: aug[r][n], Hidden: hidden[r][n]}
	}
	for c := 0; c < n; c++ {
		b.ColumnTotals = append(b.ColumnTotals, Cell{Value: aug[m][c], Hidden: hidden[m][c]})
	}
	b.Total = Cell{Value: aug[m][n], Hidden: hidden[m][n]}
	return b
}

// exactString writes an exact value as its fraction, "" for none.
func exactString(r *big.Rat) string {
	if r == nil {
		return ""
	}
	return r.RatString()
}
