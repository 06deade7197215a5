package postgres

import (
	"context"
	"errors"
	"math/big"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// GetBudgetLine returns a budget line.
func (q queries) GetBudgetLine(ctx context.Context, year int, code string) (*ppks.BudgetLine, error) {
	var out *ppks.BudgetLine
	err := q.read(ctx, "get budget line", true, func(tx querier) (err error) {
		out, err = scanBudgetLine(tx.QueryRow(ctx, `SELECT `+budgetLineColumns+` FROM budget_lines
			WHERE year = $1 AND code = $2`, year, code))
		if errors.Is(err, pgx.ErrNoRows) {
			return ppks.NotFound((&ppks.BudgetLine{Year: year, Code: code}).Name())
		}
		return err
	})
	return out, err
}

// ListBudgetLines lists the lines of a year by code; PageRequest.After is a code.
func (q queries) ListBudgetLines(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.BudgetLine, error) {
	var out []*ppks.BudgetLine
	err := q.read(ctx, "list budget lines", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+budgetLineColumns+` FROM budget_lines
			WHERE year = $1 AND code > $2 ORDER BY code LIMIT $3`, []any{year, p.After, limit(p)}, scanBudgetLine)
		return err
	})
	return out, err
}

// PutBudgetLine stores a budget line, new or not.
func (t *txn) PutBudgetLine(ctx context.Context, l *ppks.BudgetLine) error {
	_, err := t.exec(ctx, "put budget line", `INSERT INTO budget_lines (year, code, display_name, pagu, realisasi,
		performance_agreement, update_time) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (year, code) DO UPDATE SET display_name = excluded.display_name, pagu = excluded.pagu,
		realisasi = excluded.realisasi, performance_agreement = excluded.performance_agreement,
		update_time = excluded.update_time`,
		l.Year, l.Code, l.DisplayName, l.Pagu, l.Realisasi, l.PerformanceAgreement, l.UpdateTime)
	return err
}

// DeleteBudgetLine deletes a budget line; NotFound when there is none.
func (t *txn) DeleteBudgetLine(ctx context.Context, year int, code string) error {
	tag, err := t.exec(ctx, "delete budget line", `DELETE FROM budget_lines WHERE year = $1 AND code = $2`, year, code)
	if err != nil {
		return err
	}
	return deleted(tag, (&ppks.BudgetLine{Year: year, Code: code}).Name())
}

const budgetLineColumns = `year, code, display_name, pagu, realisasi, performance_agreement, update_time`

func scanBudgetLine(s pgx.Row) (*ppks.BudgetLine, error) {
	var l ppks.BudgetLine
	if err := s.Scan(&l.Year, &l.Code, &l.DisplayName, &l.Pagu, &l.Realisasi, &l.PerformanceAgreement, &l.UpdateTime); err != nil {
		return nil, err
	}
	l.UpdateTime = utc(l.UpdateTime)
	return &l, nil
}

// GetProgramIndicator returns a programme indicator.
func (q queries) GetProgramIndicator(ctx context.Context, year int, id string) (*ppks.ProgramIndicator, error) {
	var out *ppks.ProgramIndicator
	err := q.read(ctx, "get program indicator", true, func(tx querier) (err error) {
		out, err = scanProgramIndicator(tx.QueryRow(ctx, `SELECT `+programIndicatorColumns+`
			FROM program_indicators WHERE year = $1 AND id = $2`, year, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return ppks.NotFound((&ppks.ProgramIndicator{Year: year, ID: id}).Name())
		}
		return err
	})
	return out, err
}

// ListProgramIndicators lists the indicators of a year by id; PageRequest.After is an id.
func (q queries) ListProgramIndicators(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.ProgramIndicator, error) {
	var out []*ppks.ProgramIndicator
	err := q.read(ctx, "list program indicators", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+programIndicatorColumns+` FROM program_indicators
			WHERE year = $1 AND id > $2 ORDER BY id LIMIT $3`, []any{year, p.After, limit(p)}, scanProgramIndicator)
		return err
	})
	return out, err
}

// PutProgramIndicator stores a programme indicator, new or not.
func (t *txn) PutProgramIndicator(ctx context.Context, pi *ppks.ProgramIndicator) error {
	target := ""
	if pi.TargetPercent != nil {
		target = pi.TargetPercent.RatString()
	}
	_, err := t.exec(ctx, "put program indicator", `INSERT INTO program_indicators (year, id, display_name, program_code,
		intervention_types, population, target_percent, position, update_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (year, id) DO UPDATE SET display_name = excluded.display_name,
		program_code = excluded.program_code, intervention_types = excluded.intervention_types,
		population = excluded.population, target_percent = excluded.target_percent,
		position = excluded.position, update_time = excluded.update_time`,
		pi.Year, pi.ID, pi.DisplayName, pi.ProgramCode, stringList(pi.InterventionTypes), pi.Population, target,
		pi.Position, pi.UpdateTime)
	return err
}

// DeleteProgramIndicator deletes a programme indicator; NotFound when there is none.
func (t *txn) DeleteProgramIndicator(ctx context.Context, year int, id string) error {
	tag, err := t.exec(ctx, "delete program indicator", `DELETE FROM program_indicators WHERE year = $1 AND id = $2`, year, id)
	if err != nil {
		return err
	}
	return deleted(tag, (&ppks.ProgramIndicator{Year: year, ID: id}).Name())
}

const programIndicatorColumns = `year, id, display_name, program_code, intervention_types, population,
	target_percent, position, update_time`

func scanProgramIndicator(s pgx.Row) (*ppks.ProgramIndicator, error) {
	var (
		pi     ppks.ProgramIndicator
		types  []string
		target string
	)
	if err := s.Scan(&pi.Year, &pi.ID, &pi.DisplayName, &pi.ProgramCode, &types, &pi.Population, &target,
		&pi.Position, &pi.UpdateTime); err != nil {
		return nil, err
	}
	pi.InterventionTypes = fromStringList(types)
	if target != "" {
		r, ok := new(big.Rat).SetString(target)
		if !ok {
			return nil, errors.New("stored target_percent " + target + " is not a number")
		}
		pi.TargetPercent = r
	}
	pi.UpdateTime = utc(pi.UpdateTime)
	return &pi, nil
}
