package ppks

import (
	"context"
	"slices"
)

// Figure is a count of the dashboard; Hidden when small-cell suppression keeps it from
// the caller (its Persons is then zero: the value never leaves the domain).
type Figure struct {
	Count
	Hidden bool
}

// Dashboard is the indicator of a year as the dashboard (beranda) shows it to the
// caller: for the kabupaten or one kecamatan, with small cells suppressed for the roles
// that must not be able to single out a person, and whether the figures may be followed
// to the persons behind them.
type Dashboard struct {
	Year      int
	Kecamatan string // "" for the whole kabupaten
	// Indicator: for a kecamatan, the (type, person) pairs attributed to it (their first
	// delivery of the year was there), without target or capaian, which are the
	// kabupaten's. Its breakdowns are not for display when Suppressed: use the Figures.
	Indicator   *IndicatorYear
	ByType      []Figure
	ByMonth     []Figure
	ByKecamatan []Figure // the kabupaten view only
	ByPpksType  []Figure
	TotalHidden bool // a kecamatan's own total is a small cell
	// DetailHidden: a kecamatan's unduplicated, verified or waiting figure is a small
	// cell, so all three are hidden (they are zero in Indicator then).
	DetailHidden bool
	// Suppressed: counts from 1 to Threshold (and the complements that would reveal
	// them) are hidden: for callers who see figures only, never persons.
	Suppressed bool
	Threshold  int
	// DrillDown: the caller may list the persons behind a figure (ListFigurePersons).
	DrillDown bool
}

// Dashboard computes the dashboard of a year for the caller, for the kabupaten or, with
// kecamatan set, for one kecamatan.
func (s *Service) Dashboard(ctx context.Context, year int, kecamatan string) (*Dashboard, error) {
	p, err := requireRole(ctx, AggregateReaders...)
	if err != nil {
		return nil, err
	}
	if kecamatan != "" {
		if _, ok := s.Catalog.KecamatanByCode(kecamatan); !ok {
			return nil, invalid("kecamatan", "UNKNOWN_KECAMATAN", "not a kecamatan of this region", "Kecamatan tidak dikenal di wilayah ini.")
		}
	}
	d := &Dashboard{Year: year, Kecamatan: kecamatan, Threshold: s.threshold(),
		Suppressed: !p.ReadsPeople(), DrillDown: p.Role == RoleSupervisor}
	kabupaten, err := s.IndicatorYear(ctx, s.Indicator.ID, year)
	if err != nil {
		return nil, err
	}
	// The kecamatan x counted type table the published report suppresses, from the
	// maintained counts: what the kecamatan figures of a suppressed view must agree with.
	var hidden [][]bool
	var rows []Region
	var cols []Count
	if d.Suppressed {
		detailed, err := s.Store.DetailedCounts(ctx, year)
		if err != nil {
			return nil, err
		}
		cols = kabupaten.ByType
		rows = s.Catalog.Kecamatan
		values := make([][]int, len(rows))
		for i, r := range rows {
			values[i] = make([]int, len(cols))
			for j, c := range cols {
				values[i][j] = detailed.Types[c.Key].ByKecamatan[r.Code]
			}
		}
		hidden = Suppress(values, d.Threshold)
	}
	if kecamatan == "" {
		d.Indicator = kabupaten
		d.ByType = figures(kabupaten.ByType, nil)
		d.ByMonth = figures(kabupaten.ByMonth, nil)
		d.ByPpksType = s.suppressed1D(kabupaten.ByPpksType, d)
		d.ByKecamatan = figures(kabupaten.ByKecamatan, nil)
		if d.Suppressed {
			rowTotal := map[string]bool{}
			for i, r := range rows {
				rowTotal[r.Code] = hidden[i][len(cols)]
			}
			d.ByKecamatan = figures(kabupaten.ByKecamatan, func(c Count) bool { return rowTotal[c.Key] })
		}
		return d, nil
	}
	facts, err := s.Store.KecamatanFacts(ctx, year, kecamatan)
	if err != nil {
		return nil, err
	}
	in := ComputeIndicator(s.Indicator, s.Catalog, year, facts, nil)
	in.ComputeTime = kabupaten.ComputeTime
	d.Indicator = in
	d.ByType = figures(in.ByType, nil)
	if d.Suppressed {
		row := -1
		for i, r := range rows {
			if r.Code == kecamatan {
				row = i
			}
		}
		if row >= 0 {
			col := map[string]bool{}
			for j, c := range cols {
				col[c.Key] = hidden[row][j]
			}
			d.ByType = figures(in.ByType, func(c Count) bool { return col[c.Key] })
			d.TotalHidden = hidden[row][len(cols)]
		}
		small := func(n int) bool { return n >= 1 && n <= d.Threshold }
		if d.TotalHidden {
			in.Total = 0
		}
		if d.TotalHidden || small(in.UniquePersons) || small(in.TotalVerified) || small(in.PendingVerification) {
			d.DetailHidden = true
			in.UniquePersons, in.TotalVerified, in.PendingVerification = 0, 0, 0
		}
	}
	d.ByMonth = s.suppressed1D(in.ByMonth, d)
	d.ByPpksType = s.suppressed1D(in.ByPpksType, d)
	return d, nil
}

// suppressed1D hides the small counts of a one-way breakdown published with its total
// (and the complements Suppress adds), when the dashboard is suppressed.
func (s *Service) suppressed1D(list []Count, d *Dashboard) []Figure {
	if !d.Suppressed {
		return figures(list, nil)
	}
	values := make([][]int, len(list))
	for i, c := range list {
		values[i] = []int{c.Persons}
	}
	hidden := Suppress(values, d.Threshold)
	return figures(list, func(c Count) bool {
		for i := range list {
			if list[i].Key == c.Key {
				return hidden[i][0]
			}
		}
		return false
	})
}

// figures turns counts into figures, hiding those hide names (their value dropped).
func figures(list []Count, hide func(Count) bool) []Figure {
	out := make([]Figure, len(list))
	for i, c := range list {
		out[i] = Figure{Count: c}
		if hide != nil && hide(c) {
			out[i].Hidden = true
			out[i].Persons = 0
		}
	}
	return out
}

// DashboardYears lists the years the dashboard can show: those with interventions or a
// target, ascending.
func (s *Service) DashboardYears(ctx context.Context) ([]int, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, err
	}
	years, err := s.Store.CountYears(ctx)
	if err != nil {
		return nil, err
	}
	targets, err := allPages(func(p PageRequest) ([]*Target, error) { return s.Store.ListTargets(ctx, s.Indicator.ID, p) },
		func(t *Target) string { return itoa(t.Year) })
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	for _, y := range years {
		seen[y] = true
	}
	for _, t := range targets {
		if t.Value != nil && !seen[t.Year] {
			seen[t.Year] = true
			years = append(years, t.Year)
		}
	}
	slices.Sort(years)
	return years, nil
}

// Today returns the current civil date in the office's time zone.
func (s *Service) Today() Date { return s.today() }
