package ppks

import (
	"context"
	"strconv"
)

// ReportView says which figures a report read serves.
type ReportView int

// Report views.
const (
	ViewDefault ReportView = iota // signed when locked, live otherwise
	ViewSigned
	ViewLive
)

// threshold returns the small-cell threshold in force.
func (s *Service) threshold() int {
	if s.SmallCellThreshold > 0 {
		return s.SmallCellThreshold
	}
	return DefaultSmallCellThreshold
}

func checkReportYear(year int, field string) error {
	if year < minIndicatorYear || year > maxIndicatorYear {
		return invalid(field, "OUT_OF_RANGE", "year must be between 2000 and 2100", "Tahun harus antara 2000 dan 2100.")
	}
	return nil
}

// GetReport returns the report of a year with its lock (nil while the year is open): the
// signed snapshot when locked, unless view asks for the live figures.
func (s *Service) GetReport(ctx context.Context, year int, view ReportView) (*Report, *YearLock, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, nil, err
	}
	if err := checkReportYear(year, "name"); err != nil {
		return nil, nil, err
	}
	lock, err := yearLock(ctx, s.Store, year)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case view == ViewSigned && lock == nil:
		return nil, nil, FailedPrecondition("YEAR_NOT_LOCKED", "the year is not locked: there is no signed report",
			"Tahun belum dikunci: belum ada laporan yang ditandatangani.")
	case lock != nil && view != ViewLive:
		r, err := decodeSnapshot(lock)
		return r, lock, err
	}
	r, err := s.liveReport(ctx, s.Store, year)
	return r, lock, err
}

// yearLock returns the lock of a year, nil when it is open.
func yearLock(ctx context.Context, r ReportReader, year int) (*YearLock, error) {
	lock, err := r.GetYearLock(ctx, year)
	if KindOf(err) == KindNotFound {
		return nil, nil
	}
	return lock, err
}

// LockReport locks a year: its report, computed inside the lock's write transaction, is
// stored as the signed snapshot with its hash. A year is locked once; a retry of the same
// request returns the signed report.
func (s *Service) LockReport(ctx context.Context, key RequestKey, year int) (*Report, *YearLock, error) {
	p, err := requireRole(ctx, Administrators...)
	if err != nil {
		return nil, nil, err
	}
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	if err := vs.merge(checkReportYear(year, "name")); err != nil {
		return nil, nil, err
	}
	if err := vs.err(); err != nil {
		return nil, nil, err
	}
	if year > s.today().Year {
		return nil, nil, FailedPrecondition("YEAR_NOT_OVER", "a year can be locked only once it has begun",
			"Tahun yang belum dimulai tidak dapat dikunci.")
	}
	op := s.op(ctx, "LockReport", key)
	op.Audit.Summary = "locked year " + itoa(year)
	op.Audit.Resource = ReportName(year)
	var lock *YearLock
	// The report is computed through the lock's own transaction: every write that commits
	// before the lock is in the snapshot, and every later one sees the lock (lock.go).
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		r, err := s.liveReport(ctx, tx, year)
		if err != nil {
			return err
		}
		b, hash, err := encodeSnapshot(r)
		if err != nil {
			return err
		}
		lock = &YearLock{Year: year, LockTime: r.ComputeTime, Username: p.Username, Snapshot: b, Hash: hash}
		return tx.InsertYearLock(ctx, lock)
	})
	if KindOf(err) == KindAlreadyExists {
		return nil, nil, FailedPrecondition("YEAR_LOCKED", "the year is already locked", "Tahun sudah dikunci.")
	}
	if err != nil {
		return nil, nil, err
	}
	if replayed != "" {
		if lock, err = s.Store.GetYearLock(ctx, year); err != nil {
			return nil, nil, err
		}
	}
	r, err := decodeSnapshot(lock)
	return r, lock, err
}

// liveReport computes the report of a year from the records now.
func (s *Service) liveReport(ctx context.Context, st Reader, year int) (*Report, error) {
	in := ReportInputs{Year: year, Threshold: s.threshold(), Realisasi: map[int]YearRealisasi{}}
	var err error
	if in.Facts, err = st.CountFacts(ctx, year); err != nil {
		return nil, err
	}
	if in.Served, err = st.ServiceFacts(ctx, year); err != nil {
		return nil, err
	}
	if in.Targets, err = allPages(func(p PageRequest) ([]*Target, error) { return st.ListTargets(ctx, s.Indicator.ID, p) },
		func(t *Target) string { return strconv.Itoa(t.Year) }); err != nil {
		return nil, err
	}
	if in.Plan, err = st.GetStrategicPlan(ctx, s.Indicator.ID); KindOf(err) == KindNotFound {
		in.Plan = nil
	} else if err != nil {
		return nil, err
	}
	if in.Lines, err = allPages(func(p PageRequest) ([]*BudgetLine, error) { return st.ListBudgetLines(ctx, year, p) },
		func(l *BudgetLine) string { return l.Code }); err != nil {
		return nil, err
	}
	if in.Programs, err = allPages(func(p PageRequest) ([]*ProgramIndicator, error) { return st.ListProgramIndicators(ctx, year, p) },
		func(pi *ProgramIndicator) string { return pi.ID }); err != nil {
		return nil, err
	}
	first := year
	if in.Plan != nil {
		first = in.Plan.StartYear
	}
	for _, t := range in.Targets {
		first = min(first, t.Year)
	}
	for y := max(first, minIndicatorYear); y < year; y++ {
		r, err := s.realisasiOf(ctx, st, y, in.Targets)
		if err != nil {
			return nil, err
		}
		in.Realisasi[y] = r
	}
	return ComputeReport(s.Indicator, s.Catalog, in, s.now()), nil
}

// realisasiOf returns the realisasi of an earlier year: signed when locked, recorded when
// interventions count in it, the historical figure otherwise.
func (s *Service) realisasiOf(ctx context.Context, st Reader, year int, targets []*Target) (YearRealisasi, error) {
	lock, err := yearLock(ctx, st, year)
	if err != nil {
		return YearRealisasi{}, err
	}
	if lock != nil {
		r, err := decodeSnapshot(lock)
		if err != nil {
			return YearRealisasi{}, err
		}
		return YearRealisasi{Value: r.Performance.Realisasi, Source: SourceSigned}, nil
	}
	// The maintained counts: the same figure as a recount (VerifyCounts), without reading
	// every intervention of every earlier year.
	counts, err := st.IndicatorCounts(ctx, year)
	if err != nil {
		return YearRealisasi{}, err
	}
	if total := BuildIndicator(s.Indicator, s.Catalog, year, counts, nil).Total; total > 0 {
		return YearRealisasi{Value: total, Source: SourceRecorded}, nil
	}
	for _, t := range targets {
		if t.Year == year && t.Historical != nil {
			return YearRealisasi{Value: *t.Historical, Source: SourceHistorical}, nil
		}
	}
	return YearRealisasi{}, nil
}

// allPages reads every page of a store list.
func allPages[T any](list func(PageRequest) ([]T, error), key func(T) string) ([]T, error) {
	var out []T
	p := PageRequest{Limit: MaxPageSize}
	for {
		page, err := list(p)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < p.Limit {
			return out, nil
		}
		p.After = key(page[len(page)-1])
	}
}
