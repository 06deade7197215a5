package ppks

import (
	"context"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The data a report needs besides the records: budget lines and programme indicators
// (entered per year by the planning office or an administrator), the Renstra period, and
// the amendments of locked years (opened by an administrator).

// GetBudgetLine returns a budget line.
func (s *Service) GetBudgetLine(ctx context.Context, year int, code string) (*BudgetLine, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, err
	}
	if err := joinInvalid(checkReportYear(year, "name"), checkBudgetCode(code, "name")); err != nil {
		return nil, err
	}
	return s.Store.GetBudgetLine(ctx, year, code)
}

// ListBudgetLines lists the budget lines of a year by code.
func (s *Service) ListBudgetLines(ctx context.Context, year int, size int32, token string) ([]*BudgetLine, string, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, "", err
	}
	scope := "budgetLines|" + itoa(year)
	p, perr := page(size, token, scope)
	if err := joinInvalid(checkReportYear(year, "parent"), perr); err != nil {
		return nil, "", err
	}
	return listPage(p, scope, func(p PageRequest) ([]*BudgetLine, error) { return s.Store.ListBudgetLines(ctx, year, p) },
		func(l *BudgetLine) string { return l.Code })
}

// UpdateBudgetLine sets the fields of a budget line named by paths; allowMissing creates
// it. A line of a locked year changes only under an open amendment.
func (s *Service) UpdateBudgetLine(ctx context.Context, patch BudgetLine, paths []string, allowMissing bool) (*BudgetLine, error) {
	if _, err := requireRole(ctx, ReportWriters...); err != nil {
		return nil, err
	}
	if err := joinInvalid(checkReportYear(patch.Year, "budget_line.name"), checkBudgetCode(patch.Code, "budget_line.name")); err != nil {
		return nil, err
	}
	paths, err := checkMask(paths, budgetLineFields)
	if err != nil {
		return nil, err
	}
	op := s.op(ctx, "UpdateBudgetLine", RequestKey{})
	op.Audit.Summary = changed("updated", paths)
	op.Audit.Resource = patch.Name()
	var out *BudgetLine
	_, err = s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		l, err := tx.GetBudgetLine(ctx, patch.Year, patch.Code)
		exists := err == nil
		switch {
		case KindOf(err) == KindNotFound && allowMissing:
			l = &BudgetLine{Year: patch.Year, Code: patch.Code}
		case err != nil:
			return err
		}
		out = l
		before := *l
		for _, p := range paths {
			switch p {
			case "display_name":
				l.DisplayName = patch.DisplayName
			case "pagu":
				l.Pagu = patch.Pagu
			case "realisasi":
				l.Realisasi = patch.Realisasi
			case "performance_agreement":
				l.PerformanceAgreement = patch.PerformanceAgreement
			}
		}
		if err := l.validate(); err != nil {
			return err
		}
		if exists && before.DisplayName == l.DisplayName && before.Pagu == l.Pagu && before.Realisasi == l.Realisasi &&
			before.PerformanceAgreement == l.PerformanceAgreement {
			return nil // nothing changes: no write to refuse in a locked year
		}
		if err := s.checkYearOpen(ctx, tx, patch.Year); err != nil {
			return err
		}
		l.UpdateTime = s.now()
		return tx.PutBudgetLine(ctx, l)
	})
	return out, err
}

// DeleteBudgetLine deletes a budget line (of an open year, or under an amendment).
func (s *Service) DeleteBudgetLine(ctx context.Context, year int, code string) error {
	if _, err := requireRole(ctx, ReportWriters...); err != nil {
		return err
	}
	if err := joinInvalid(checkReportYear(year, "name"), checkBudgetCode(code, "name")); err != nil {
		return err
	}
	op := s.op(ctx, "DeleteBudgetLine", RequestKey{})
	op.Audit.Summary, op.Audit.Resource = "deleted", (&BudgetLine{Year: year, Code: code}).Name()
	_, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		if err := s.checkYearOpen(ctx, tx, year); err != nil {
			return err
		}
		return tx.DeleteBudgetLine(ctx, year, code)
	})
	return err
}

// GetProgramIndicator returns a programme indicator.
func (s *Service) GetProgramIndicator(ctx context.Context, year int, id string) (*ProgramIndicator, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, err
	}
	if err := joinInvalid(checkReportYear(year, "name"), checkProgramIndicatorID(id, "name")); err != nil {
		return nil, err
	}
	return s.Store.GetProgramIndicator(ctx, year, id)
}

// ListProgramIndicators lists the programme indicators of a year by id.
func (s *Service) ListProgramIndicators(ctx context.Context, year int, size int32, token string) ([]*ProgramIndicator, string, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, "", err
	}
	scope := "programIndicators|" + itoa(year)
	p, perr := page(size, token, scope)
	if err := joinInvalid(checkReportYear(year, "parent"), perr); err != nil {
		return nil, "", err
	}
	return listPage(p, scope, func(p PageRequest) ([]*ProgramIndicator, error) { return s.Store.ListProgramIndicators(ctx, year, p) },
		func(pi *ProgramIndicator) string { return pi.ID })
}

// UpdateProgramIndicator sets the fields of a programme indicator named by paths;
// allowMissing creates it. targetPercent is the decimal text of the request.
func (s *Service) UpdateProgramIndicator(ctx context.Context, patch ProgramIndicator, targetPercent string, paths []string, allowMissing bool) (*ProgramIndicator, error) {
	if _, err := requireRole(ctx, ReportWriters...); err != nil {
		return nil, err
	}
	if err := joinInvalid(checkReportYear(patch.Year, "program_indicator.name"), checkProgramIndicatorID(patch.ID, "program_indicator.name")); err != nil {
		return nil, err
	}
	paths, err := checkMask(paths, programIndicatorFields)
	if err != nil {
		return nil, err
	}
	if slices.Contains(paths, "target_percent") {
		if patch.TargetPercent, err = ParsePercent(targetPercent, "program_indicator.target_percent"); err != nil {
			return nil, err
		}
	}
	op := s.op(ctx, "UpdateProgramIndicator", RequestKey{})
	op.Audit.Summary = changed("updated", paths)
	op.Audit.Resource = patch.Name()
	var out *ProgramIndicator
	_, err = s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		pi, err := tx.GetProgramIndicator(ctx, patch.Year, patch.ID)
		exists := err == nil
		switch {
		case KindOf(err) == KindNotFound && allowMissing:
			pi = &ProgramIndicator{Year: patch.Year, ID: patch.ID}
		case err != nil:
			return err
		}
		out = pi
		before := *pi
		before.InterventionTypes = slices.Clone(pi.InterventionTypes)
		for _, p := range paths {
			switch p {
			case "display_name":
				pi.DisplayName = patch.DisplayName
			case "program_code":
				pi.ProgramCode = strings.TrimSpace(patch.ProgramCode)
			case "intervention_types":
				pi.InterventionTypes = slices.Clone(patch.InterventionTypes)
			case "population":
				pi.Population = patch.Population
			case "target_percent":
				pi.TargetPercent = patch.TargetPercent
			case "position":
				pi.Position = patch.Position
			}
		}
		if err := pi.validate(s.Catalog); err != nil {
			return err
		}
		if exists && sameProgramIndicator(&before, pi) {
			return nil
		}
		if err := s.checkYearOpen(ctx, tx, patch.Year); err != nil {
			return err
		}
		pi.UpdateTime = s.now()
		return tx.PutProgramIndicator(ctx, pi)
	})
	return out, err
}

func sameProgramIndicator(a, b *ProgramIndicator) bool {
	return a.DisplayName == b.DisplayName && a.ProgramCode == b.ProgramCode && slices.Equal(a.InterventionTypes, b.InterventionTypes) &&
		a.Population == b.Population && a.Position == b.Position && ratEqual(a.TargetPercent, b.TargetPercent)
}

func ratEqual(a, b *big.Rat) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Cmp(b) == 0
}

// DeleteProgramIndicator deletes a programme indicator.
func (s *Service) DeleteProgramIndicator(ctx context.Context, year int, id string) error {
	if _, err := requireRole(ctx, ReportWriters...); err != nil {
		return err
	}
	if err := joinInvalid(checkReportYear(year, "name"), checkProgramIndicatorID(id, "name")); err != nil {
		return err
	}
	op := s.op(ctx, "DeleteProgramIndicator", RequestKey{})
	op.Audit.Summary, op.Audit.Resource = "deleted", (&ProgramIndicator{Year: year, ID: id}).Name()
	_, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		if err := s.checkYearOpen(ctx, tx, year); err != nil {
			return err
		}
		return tx.DeleteProgramIndicator(ctx, year, id)
	})
	return err
}

// GetStrategicPlan returns the Renstra period of an indicator.
func (s *Service) GetStrategicPlan(ctx context.Context, indicator string) (*StrategicPlan, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, err
	}
	if indicator != s.Indicator.ID {
		return nil, NotFound("indicators/" + indicator)
	}
	return s.Store.GetStrategicPlan(ctx, indicator)
}

// UpdateStrategicPlan sets the fields of the Renstra period named by paths, creating it
// on first use.
func (s *Service) UpdateStrategicPlan(ctx context.Context, patch StrategicPlan, paths []string) (*StrategicPlan, error) {
	if _, err := requireRole(ctx, ReportWriters...); err != nil {
		return nil, err
	}
	if patch.Indicator != s.Indicator.ID {
		return nil, NotFound("indicators/" + patch.Indicator)
	}
	paths, err := checkMask(paths, strategicPlanFields)
	if err != nil {
		return nil, err
	}
	op := s.op(ctx, "UpdateStrategicPlan", RequestKey{})
	op.Audit.Summary = changed("updated", paths)
	op.Audit.Resource = (&StrategicPlan{Indicator: patch.Indicator}).Name()
	var out *StrategicPlan
	_, err = s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		p, err := tx.GetStrategicPlan(ctx, patch.Indicator)
		exists := err == nil
		switch {
		case KindOf(err) == KindNotFound:
			p = &StrategicPlan{Indicator: patch.Indicator}
		case err != nil:
			return err
		}
		out = p
		before := *p
		for _, f := range paths {
			switch f {
			case "start_year":
				p.StartYear = patch.StartYear
			case "end_year":
				p.EndYear = patch.EndYear
			case "baseline_year":
				p.BaselineYear = patch.BaselineYear
			case "baseline":
				p.Baseline = patch.Baseline
			}
		}
		if err := p.validate(); err != nil {
			return err
		}
		// The Renstra period is part of the report of each of its years (Tabel 3.2, 3.3):
		// a change must leave every locked year of the old and the new period alone, or
		// come through its open amendment (lock.go).
		if !exists {
			before = *p
		}
		if !exists || !before.same(p) {
			for y := min(before.StartYear, p.StartYear); y <= max(before.EndYear, p.EndYear); y++ {
				if err := s.checkYearOpen(ctx, tx, y); err != nil {
					return err
				}
			}
		}
		p.UpdateTime = s.now()
		return tx.PutStrategicPlan(ctx, p)
	})
	return out, err
}

// CreateAmendment opens an amendment of a locked year, with a reason, until expire (7
// days when zero, at most 30). One amendment of a year may be open at a time.
func (s *Service) CreateAmendment(ctx context.Context, key RequestKey, year int, reason string, expire time.Time) (*Amendment, error) {
	p, err := requireRole(ctx, Administrators...)
	if err != nil {
		return nil, err
	}
	key = NormalizeKey(key)
	reason = cleanLongText(reason)
	now := s.now()
	var vs violations
	checkRequestID(&vs, key.ID, true)
	if err := vs.merge(checkReportYear(year, "parent")); err != nil {
		return nil, err
	}
	if reason == "" {
		vs.required("amendment.reason")
	} else {
		checkLongText(&vs, "amendment.reason", reason, maxReasonLen)
	}
	if expire.IsZero() {
		expire = now.Add(DefaultAmendmentTTL)
	} else if !expire.After(now) || expire.After(now.Add(MaxAmendmentTTL)) {
		vs.add("amendment.expire_time", "OUT_OF_RANGE", "in the future, at most 30 days ahead", "Di masa depan, paling lama 30 hari lagi.")
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	op := s.op(ctx, "CreateAmendment", key)
	op.Audit.Summary = "opened amendment of " + itoa(year)
	a := &Amendment{Year: year, ID: s.NewID(), Reason: reason, OpenedBy: p.Username, CreateTime: now, ExpireTime: expire}
	op.Audit.Resource = a.Name()
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		if locked, err := tx.YearLocked(ctx, year); err != nil {
			return err
		} else if !locked {
			return FailedPrecondition("YEAR_NOT_LOCKED", "only a locked year is amended; an open year takes writes as they come",
				"Hanya tahun yang sudah dikunci yang dapat diamandemen.")
		}
		if open, err := tx.OpenAmendment(ctx, year, now); err == nil {
			return &Error{Kind: KindFailedPrecondition, Reason: "AMENDMENT_OPEN", Message: "an amendment of the year is already open",
				Localized: "Sudah ada amandemen yang terbuka untuk tahun ini.", Resource: open.Name()}
		} else if KindOf(err) != KindNotFound {
			return err
		}
		return tx.InsertAmendment(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	if replayed != "" {
		return s.replayedAmendment(ctx, replayed)
	}
	return a, nil
}

// replayedAmendment reads the amendment a replayed write produced.
func (s *Service) replayedAmendment(ctx context.Context, name string) (*Amendment, error) {
	ids, err := nameIDs(name, "reports", "amendments")
	if err != nil {
		return nil, err
	}
	year, err := strconv.Atoi(ids[0])
	if err != nil {
		return nil, Internal("replay", err)
	}
	return s.Store.GetAmendment(ctx, year, ids[1])
}

// GetAmendment returns an amendment.
func (s *Service) GetAmendment(ctx context.Context, year int, id string) (*Amendment, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, err
	}
	if err := checkReportYear(year, "name"); err != nil {
		return nil, err
	}
	return s.Store.GetAmendment(ctx, year, id)
}

// ListAmendments lists the amendments of a year, oldest first.
func (s *Service) ListAmendments(ctx context.Context, year int, size int32, token string) ([]*Amendment, string, error) {
	if _, err := requireRole(ctx, AggregateReaders...); err != nil {
		return nil, "", err
	}
	scope := "amendments|" + itoa(year)
	p, perr := page(size, token, scope)
	if err := joinInvalid(checkReportYear(year, "parent"), perr); err != nil {
		return nil, "", err
	}
	return listPage(p, scope, func(p PageRequest) ([]*Amendment, error) { return s.Store.ListAmendments(ctx, year, p) },
		func(a *Amendment) string { return a.ID })
}

// CloseAmendment closes an open amendment.
func (s *Service) CloseAmendment(ctx context.Context, key RequestKey, year int, id string) (*Amendment, error) {
	p, err := requireRole(ctx, Administrators...)
	if err != nil {
		return nil, err
	}
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	if err := vs.merge(checkReportYear(year, "name")); err != nil {
		return nil, err
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	op := s.op(ctx, "CloseAmendment", key)
	op.Audit.Summary = "closed: close_time"
	var out *Amendment
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		a, err := tx.GetAmendment(ctx, year, id)
		if err != nil {
			return err
		}
		now := s.now()
		if a.State(now) != AmendmentOpen {
			return FailedPrecondition("AMENDMENT_NOT_OPEN", "the amendment is closed or expired", "Amandemen sudah ditutup atau kedaluwarsa.")
		}
		a.CloseTime, a.ClosedBy = now, p.Username
		op.Audit.Resource, out = a.Name(), a
		return tx.UpdateAmendment(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	if replayed != "" {
		return s.replayedAmendment(ctx, replayed)
	}
	return out, nil
}
