package ppks

import (
	"context"
	"math/big"
	"slices"
	"strconv"
	"time"
)

// FigureChange is a figure of the report whose live value differs from the signed one.
// Values are "" where a figure does not exist, or is a suppressed cell.
type FigureChange struct {
	Figure  string
	Signed  string
	Current string
}

// AmendmentChanges is an amendment and the interventions changed under it.
type AmendmentChanges struct {
	Amendment *Amendment
	Created   int
	Updated   int
}

// ReportChanges is what changed in a locked year since it was signed.
type ReportChanges struct {
	Year        int
	Lock        *YearLock
	ComputeTime time.Time
	Figures     []FigureChange
	Amendments  []AmendmentChanges
	// Unamended counts what changed the year outside any amendment: interventions changed
	// since the lock outside one, and, when the year never had an amendment, every figure
	// that differs from the signed one (a write that slipped past the lock, whatever its
	// path, shows here even when no record of it is dated after the lock).
	Unamended int
}

// Name returns the resource name.
func (c *ReportChanges) Name() string { return ReportName(c.Year) + "/changes" }

// GetReportChanges compares the signed report of a locked year with the live one, and
// lists the year's amendments with the interventions changed under each.
func (s *Service) GetReportChanges(ctx context.Context, year int) (*ReportChanges, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, err
	}
	if err := checkReportYear(year, "name"); err != nil {
		return nil, err
	}
	lock, err := yearLock(ctx, s.Store, year)
	if err != nil {
		return nil, err
	}
	if lock == nil {
		return nil, FailedPrecondition("YEAR_NOT_LOCKED", "the year is not locked: nothing was signed to compare with",
			"Tahun belum dikunci: belum ada laporan yang ditandatangani untuk dibandingkan.")
	}
	signed, err := decodeSnapshot(lock)
	if err != nil {
		return nil, err
	}
	live, err := s.liveReport(ctx, s.Store, year)
	if err != nil {
		return nil, err
	}
	out := &ReportChanges{Year: year, Lock: lock, ComputeTime: live.ComputeTime, Figures: diffFigures(signed.Figures(), live.Figures())}
	amendments, err := allPages(func(p PageRequest) ([]*Amendment, error) { return s.Store.ListAmendments(ctx, year, p) },
		func(a *Amendment) string { return a.ID })
	if err != nil {
		return nil, err
	}
	changed, err := s.Store.ChangedInterventions(ctx, year, lock.LockTime)
	if err != nil {
		return nil, err
	}
	for _, a := range amendments {
		out.Amendments = append(out.Amendments, AmendmentChanges{Amendment: a})
	}
	for _, c := range changed {
		i := slices.IndexFunc(amendments, func(a *Amendment) bool {
			return !c.UpdateTime.Before(a.CreateTime) && c.UpdateTime.Before(a.End())
		})
		switch {
		case i < 0:
			out.Unamended++
		case c.CreateTime.After(lock.LockTime):
			out.Amendments[i].Created++
		default:
			out.Amendments[i].Updated++
		}
	}
	if len(amendments) == 0 {
		out.Unamended += len(out.Figures)
	}
	return out, nil
}

// Figures returns every published figure of the report by key, as text: what a reader of
// the report sees. Suppressed cells are "" (their value is not published, so neither is
// its change); exact percentages are their fraction.
func (r *Report) Figures() map[string]string {
	f := map[string]string{}
	num := func(n int) string { return strconv.Itoa(n) }
	rat := func(key string, x *big.Rat) {
		if x != nil {
			f[key] = x.RatString()
		}
	}
	p := r.Performance
	if p.Target != nil {
		f["target"] = num(*p.Target)
	}
	f["realisasi"] = num(p.Realisasi)
	f["uniquePersons"] = num(p.UniquePersons)
	rat("achievement", p.Achievement)
	f["rating"] = p.Rating
	for _, c := range append(slices.Clone(p.ByType), p.OtherServices...) {
		f["interventionTypes/"+c.Key] = num(c.Persons)
	}
	for _, g := range r.Spm {
		f["spmGroups/"+g.Group] = num(g.Persons)
	}
	for _, pi := range r.Programs {
		f["programIndicators/"+pi.ID+"/personsReached"] = num(pi.Reached)
		f["programIndicators/"+pi.ID+"/population"] = num(pi.Population)
		rat("programIndicators/"+pi.ID+"/target", pi.Target)
		rat("programIndicators/"+pi.ID+"/realisasi", pi.Realisasi)
	}
	for _, prog := range r.Budget.Programs {
		for _, l := range prog.Lines {
			f["budgetLines/"+l.Code+"/pagu"] = strconv.FormatInt(l.Pagu, 10)
			f["budgetLines/"+l.Code+"/realisasi"] = strconv.FormatInt(l.Realisasi, 10)
		}
	}
	f["budget/pagu"] = strconv.FormatInt(r.Budget.Pagu, 10)
	f["budget/realisasi"] = strconv.FormatInt(r.Budget.Realisasi, 10)
	rat("budget/achievement", r.Budget.Achievement)
	rat("budget/efficiency", r.Budget.Efficiency)
	cell := func(key string, c Cell) {
		if c.Hidden {
			f[key] = ""
		} else {
			f[key] = num(c.Value)
		}
	}
	for _, row := range r.Breakdown.Rows {
		for i, c := range row.Cells {
			cell("kecamatan/"+row.Code+"/interventionTypes/"+r.Breakdown.Columns[i].Key, c)
		}
		cell("kecamatan/"+row.Code, row.Total)
	}
	return f
}

// diffFigures lists the figures whose values differ, by key. A suppressed cell whose
// visibility did not change is not reported: its value is not published.
func diffFigures(signed, live map[string]string) []FigureChange {
	var keys []string
	for k := range signed {
		keys = append(keys, k)
	}
	for k := range live {
		if _, ok := signed[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []FigureChange
	for _, k := range keys {
		a, inA := signed[k]
		b, inB := live[k]
		if a != b || inA != inB {
			out = append(out, FigureChange{Figure: k, Signed: a, Current: b})
		}
	}
	return out
}
