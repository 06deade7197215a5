package ppks

import (
	"context"
	"strconv"
)

// aggregateReaders may read the indicator, its targets and reports: figures, never names.

// Years the indicator and its targets can be asked for.
const (
	minIndicatorYear = earliestEventYear
	maxIndicatorYear = 2100
)

// checkIndicator refuses an unknown indicator id and a year out of range.
func (s *Service) checkIndicator(indicator string, year int, yearField string) error {
	if indicator != s.Indicator.ID {
		return NotFound("indicators/" + indicator)
	}
	if year < minIndicatorYear || year > maxIndicatorYear {
		return invalid(yearField, "OUT_OF_RANGE", "year must be between 2000 and 2100", "Tahun harus antara 2000 dan 2100.")
	}
	return nil
}

// IndicatorYear computes the indicator for a year, with its target when one is set.
func (s *Service) IndicatorYear(ctx context.Context, indicator string, year int) (*IndicatorYear, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, err
	}
	if err := s.checkIndicator(indicator, year, "name"); err != nil {
		return nil, err
	}
	// The counts the store maintains: read in time independent of the amount of data
	// (VerifyCounts checks them against a recount of the raw rows).
	counts, err := s.Store.IndicatorCounts(ctx, year)
	if err != nil {
		return nil, err
	}
	t, err := s.Store.GetTarget(ctx, indicator, year)
	if err != nil && KindOf(err) != KindNotFound {
		return nil, err
	}
	out := BuildIndicator(s.Indicator, s.Catalog, year, counts, t)
	out.ComputeTime = s.now()
	return out, nil
}

// GetTarget returns the targets of a year.
func (s *Service) GetTarget(ctx context.Context, indicator string, year int) (*Target, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, err
	}
	if err := s.checkIndicator(indicator, year, "name"); err != nil {
		return nil, err
	}
	return s.Store.GetTarget(ctx, indicator, year)
}

// ListTargets lists the targets of an indicator by year.
func (s *Service) ListTargets(ctx context.Context, indicator string, size int32, token string) ([]*Target, string, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, "", err
	}
	if indicator != s.Indicator.ID {
		return nil, "", NotFound("indicators/" + indicator)
	}
	scope := "targets|" + indicator
	p, err := page(size, token, scope)
	if err != nil {
		return nil, "", err
	}
	return listPage(p, scope, func(p PageRequest) ([]*Target, error) { return s.Store.ListTargets(ctx, indicator, p) },
		func(t *Target) string { return strconv.Itoa(t.Year) })
}

// UpdateTarget sets the fields of a year's targets named by paths; allowMissing creates
// them when the year has none.
func (s *Service) UpdateTarget(ctx context.Context, patch Target, paths []string, allowMissing bool) (*Target, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return nil, err
	}
	if err := s.checkIndicator(patch.Indicator, patch.Year, "target.name"); err != nil {
		return nil, err
	}
	paths, err := checkMask(paths, targetFields)
	if err != nil {
		return nil, err
	}
	var vs violations
	for _, p := range paths {
		switch p {
		case "value":
			checkTargetValue(&vs, "target.value", patch.Value, 1)
		case "renstra_value":
			checkTargetValue(&vs, "target.renstra_value", patch.Renstra, 1)
		case "historical_value":
			checkTargetValue(&vs, "target.historical_value", patch.Historical, 0)
		}
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	op := s.op(ctx, "UpdateTarget", RequestKey{})
	op.Audit.Summary = changed("updated", paths)
	op.Audit.Resource = patch.Name()
	var out *Target
	_, err = s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		t, err := tx.GetTarget(ctx, patch.Indicator, patch.Year)
		switch {
		case KindOf(err) == KindNotFound && allowMissing:
			t = &Target{Indicator: patch.Indicator, Year: patch.Year}
		case err != nil:
			return err
		}
		before := *t
		for _, p := range paths {
			switch p {
			case "value":
				t.Value = patch.Value
			case "renstra_value":
				t.Renstra = patch.Renstra
			case "historical_value":
				t.Historical = patch.Historical
			}
		}
		if err := s.checkTargetYearOpen(ctx, tx, &before, t); err != nil { // lock.go
			return err
		}
		t.UpdateTime = s.now()
		out = t
		return tx.PutTarget(ctx, t)
	})
	return out, err
}

// maxTarget bounds targets: a kabupaten serves far fewer people than this.
const maxTarget = 100_000_000

func checkTargetValue(vs *violations, field string, v *int, min int) {
	if v != nil && (*v < min || *v > maxTarget) {
		vs.add(field, "OUT_OF_RANGE", "must be between "+strconv.Itoa(min)+" and 100000000",
			"Harus antara "+strconv.Itoa(min)+" dan 100.000.000.")
	}
}
