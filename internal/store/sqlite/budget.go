package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math/big"

	"github.com/opendinsos/ppks/internal/ppks"
)

// GetBudgetLine returns a budget line.
func (q queries) GetBudgetLine(ctx context.Context, year int, code string) (*ppks.BudgetLine, error) {
	var out *ppks.BudgetLine
	err := q.read(ctx, "get budget line", func(tx *sql.Tx) (err error) {
		out, err = findBudgetLine(ctx, tx, year, code)
		return err
	})
	return out, err
}

// ListBudgetLines lists the lines of a year by code; PageRequest.After is a code.
func (q queries) ListBudgetLines(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.BudgetLine, error) {
	var out []*ppks.BudgetLine
	err := q.read(ctx, "list budget lines", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+budgetLineColumns+` FROM budget_lines
			WHERE year = ? AND code > ? ORDER BY code LIMIT ?`, []any{year, p.After, limit(p)}, scanBudgetLine)
		return err
	})
	return out, err
}

// PutBudgetLine stores a budget line, new or not.
func (t *txn) PutBudgetLine(ctx context.Context, l *ppks.BudgetLine) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO budget_lines (year, code, display_name, pagu, realisasi,
		performance_agreement, update_time) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (year, code) DO UPDATE SET display_name = excluded.display_name, pagu = excluded.pagu,
		realisasi = excluded.realisasi, performance_agreement = excluded.performance_agreement,
		update_time = excluded.update_time`,
		l.Year, l.Code, l.DisplayName, l.Pagu, l.Realisasi, boolInt(l.PerformanceAgreement), micros(l.UpdateTime))
	return mapErr(ctx, "put budget line", err)
}

// DeleteBudgetLine deletes a budget line; NotFound when there is none.
func (t *txn) DeleteBudgetLine(ctx context.Context, year int, code string) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM budget_lines WHERE year = ? AND code = ?`, year, code)
	if err == nil {
		err = deleted(res, (&ppks.BudgetLine{Year: year, Code: code}).Name())
	}
	return mapErr(ctx, "delete budget line", err)
}

// deleted checks that a DELETE of the record named name removed it: NotFound otherwise.
func deleted(res sql.Result, name string) error {
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		return ppks.NotFound(name)
	}
	return err
}

const budgetLineColumns = `year, code, display_name, pagu, realisasi, performance_agreement, update_time`

func scanBudgetLine(s scanner) (*ppks.BudgetLine, error) {
	var (
		l  ppks.BudgetLine
		pk int
		ut int64
	)
	if err := s.Scan(&l.Year, &l.Code, &l.DisplayName, &l.Pagu, &l.Realisasi, &pk, &ut); err != nil {
		return nil, err
	}
	l.PerformanceAgreement, l.UpdateTime = pk == 1, fromMicros(ut)
	return &l, nil
}

func findBudgetLine(ctx context.Context, tx *sql.Tx, year int, code string) (*ppks.BudgetLine, error) {
	l, err := scanBudgetLine(tx.QueryRowContext(ctx, `SELECT `+budgetLineColumns+` FROM budget_lines
		WHERE year = ? AND code = ?`, year, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound((&ppks.BudgetLine{Year: year, Code: code}).Name())
	}
	return l, err
}

// GetProgramIndicator returns a programme indicator.
func (q queries) GetProgramIndicator(ctx context.Context, year int, id string) (*ppks.ProgramIndicator, error) {
	var out *ppks.ProgramIndicator
	err := q.read(ctx, "get program indicator", func(tx *sql.Tx) (err error) {
		out, err = findProgramIndicator(ctx, tx, year, id)
		return err
	})
	return out, err
}

// ListProgramIndicators lists the indicators of a year by id; PageRequest.After is an id.
func (q queries) ListProgramIndicators(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.ProgramIndicator, error) {
	var out []*ppks.ProgramIndicator
	err := q.read(ctx, "list program indicators", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+programIndicatorColumns+` FROM program_indicators
			WHERE year = ? AND id > ? ORDER BY id LIMIT ?`, []any{year, p.After, limit(p)}, scanProgramIndicator)
		return err
	})
	return out, err
}

// PutProgramIndicator stores a programme indicator, new or not.
func (t *txn) PutProgramIndicator(ctx context.Context, pi *ppks.ProgramIndicator) error {
	return mapErr(ctx, "put program indicator", func() error {
		types, err := jsonStrings(pi.InterventionTypes)
		if err != nil {
			return err
		}
		target := ""
		if pi.TargetPercent != nil {
			target = pi.TargetPercent.RatString()
		}
		_, err = t.tx.ExecContext(ctx, `INSERT INTO program_indicators (year, id, display_name, program_code,
			intervention_types, population, target_percent, position, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (year, id) DO UPDATE SET display_name = excluded.display_name,
			program_code = excluded.program_code, intervention_types = excluded.intervention_types,
			population = excluded.population, target_percent = excluded.target_percent,
			position = excluded.position, update_time = excluded.update_time`,
			pi.Year, pi.ID, pi.DisplayName, pi.ProgramCode, types, pi.Population, target, pi.Position, micros(pi.UpdateTime))
		return err
	}())
}

// DeleteProgramIndicator deletes a programme indicator; NotFound when there is none.
func (t *txn) DeleteProgramIndicator(ctx context.Context, year int, id string) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM program_indicators WHERE year = ? AND id = ?`, year, id)
	if err == nil {
		err = deleted(res, (&ppks.ProgramIndicator{Year: year, ID: id}).Name())
	}
	return mapErr(ctx, "delete program indicator", err)
}

const programIndicatorColumns = `year, id, display_name, program_code, intervention_types, population,
	target_percent, position, update_time`

func scanProgramIndicator(s scanner) (*ppks.ProgramIndicator, error) {
	var (
		pi            ppks.ProgramIndicator
		types, target string
		ut            int64
	)
	if err := s.Scan(&pi.Year, &pi.ID, &pi.DisplayName, &pi.ProgramCode, &types, &pi.Population, &target,
		&pi.Position, &ut); err != nil {
		return nil, err
	}
	var err error
	if pi.InterventionTypes, err = fromJSONStrings(types); err != nil {
		return nil, err
	}
	if target != "" {
		r, ok := new(big.Rat).SetString(target)
		if !ok {
			return nil, errors.New("stored target_percent " + target + " is not a number")
		}
		pi.TargetPercent = r
	}
	pi.UpdateTime = fromMicros(ut)
	return &pi, nil
}

func findProgramIndicator(ctx context.Context, tx *sql.Tx, year int, id string) (*ppks.ProgramIndicator, error) {
	pi, err := scanProgramIndicator(tx.QueryRowContext(ctx, `SELECT `+programIndicatorColumns+`
		FROM program_indicators WHERE year = ? AND id = ?`, year, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound((&ppks.ProgramIndicator{Year: year, ID: id}).Name())
	}
	return pi, err
}
