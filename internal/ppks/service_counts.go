package ppks

import "context"

// CountMismatch is a year whose maintained counts differ from a recount of the raw rows.
type CountMismatch struct {
	Year                int
	Maintained, Recount IndicatorCounts
}

// CountingRules hands the store the catalog's counting rules; call it at start.
func (s *Service) CountingRules(ctx context.Context) error {
	var family []string
	for _, t := range s.Catalog.InterventionTypes {
		if t.Unit == UnitFamily {
			family = append(family, t.Code)
		}
	}
	return s.Store.SetCountingRules(ctx, s.Catalog.Counting, family)
}

// VerifyCounts recounts every year from the raw rows and compares the result with the
// counts the store maintains; it returns the years that differ (none, when all is well).
func (s *Service) VerifyCounts(ctx context.Context) ([]CountMismatch, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return nil, err
	}
	years, err := s.Store.CountYears(ctx)
	if err != nil {
		return nil, err
	}
	var out []CountMismatch
	for _, y := range years {
		maintained, err := s.Store.DetailedCounts(ctx, y)
		if err != nil {
			return nil, err
		}
		facts, err := s.Store.CountFacts(ctx, y)
		if err != nil {
			return nil, err
		}
		if recount := CountsFromFacts(s.Catalog, y, facts); !maintained.Equal(recount) {
			out = append(out, CountMismatch{Year: y, Maintained: maintained, Recount: recount})
		}
	}
	return out, nil
}
