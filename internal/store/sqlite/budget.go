package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math/big"

	"github.com/opendinsos/ppks/internal/ppks"
)

// GetBudgetLine returns a budget line.
func (db *DB) GetBudgetLine(ctx context.Context, year int, code string) (*ppks.BudgetLine, error) {
	var out *ppks.BudgetLine
	err := db.read(ctx, "get budget line", func(tx *sql.Tx) (err error) {
		out, err = findBudgetLine(ctx, tx, year, code)
		return err
	})
	return out, err
}

// ListBudgetLines lists the lines of a year by code; PageRequest.After is a code.
func (db *DB) ListBudgetLines(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.BudgetLine, error) {
	var out []*ppks.BudgetLine
	err := db.read(ctx, "list budget lines", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+budgetLineColumns+` FROM budget_lines
			WHERE year = ? AND code > ? ORDER BY code LIMIT ?`, []any{year, p.After, limit(p)}, scanBudgetLine)
		return err
	})
	return out, err
}

// UpsertBudgetLine reads a line (a fresh one when there is none), lets update change it
// and stores it.
func (db *DB) UpsertBudgetLine(ctx context.Context, op ppks.Op, year int, code string, update func(*ppks.BudgetLine, bool) error) (*ppks.BudgetLine, error) {
	var out *ppks.BudgetLine
	err := db.write(ctx, "upsert budget line", func(ctx context.Context, tx *sql.Tx) error {
		l, err := findBudgetLine(ctx, tx, year, code)
		exists := err == nil
		switch {
		case ppks.KindOf(err) == ppks.KindNotFound:
			l = &ppks.BudgetLine{Year: year, Code: code}
		case err != nil:
			return err
		}
		if err := callback(update(l, exists)); err != nil {
			return err
		}
		l.Year, l.Code = year, code
		if _, err := tx.ExecContext(ctx, `INSERT INTO budget_lines (year, code, display_name, pagu, realisasi,
			performance_agreement, update_time) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (year, code) DO UPDATE SET display_name = excluded.display_name, pagu = excluded.pagu,
			realisasi = excluded.realisasi, performance_agreement = excluded.performance_agreement,
			update_time = excluded.update_time`,
			year, code, l.DisplayName, l.Pagu, l.Realisasi, boolInt(l.PerformanceAgreement), micros(l.UpdateTime)); err != nil {
			return err
		}
		if err := recordOp(ctx, tx, op, l.Name()); err != nil {
			return err
		}
		out, err = findBudgetLine(ctx, tx, year, code)
		return err
	})
	return out, err
}

// DeleteBudgetLine reads a line, lets check refuse, and deletes it.
func (db *DB) DeleteBudgetLine(ctx context.Context, op ppks.Op, year int, code string, check func(*ppks.BudgetLine) error) error {
	return db.write(ctx, "delete budget line", func(ctx context.Context, tx *sql.Tx) error {
		l, err := findBudgetLine(ctx, tx, year, code)
		if err != nil {
			return err
		}
		if err := callback(check(l)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM budget_lines WHERE year = ? AND code = ?`, year, code); err != nil {
			return err
		}
		return recordOp(ctx, tx, op, l.Name())
	})
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
func (db *DB) GetProgramIndicator(ctx context.Context, year int, id string) (*ppks.ProgramIndicator, error) {
	var out *ppks.ProgramIndicator
	err := db.read(ctx, "get program indicator", func(tx *sql.Tx) (err error) {
		out, err = findProgramIndicator(ctx, tx, year, id)
		return err
	})
	return out, err
}

// ListProgramIndicators lists the indicators of a year by id; PageRequest.After is an id.
func (db *DB) ListProgramIndicators(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.ProgramIndicator, error) {
	var out []*ppks.ProgramIndicator
	err := db.read(ctx, "list program indicators", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+programIndicatorColumns+` FROM program_indicators
			WHERE year = ? AND id > ? ORDER BY id LIMIT ?`, []any{year, p.After, limit(p)}, scanProgramIndicator)
		return err
	})
	return out, err
}

// UpsertProgramIndicator reads an indicator (a fresh one when there is none), lets update
// change it and stores it.
func (db *DB) UpsertProgramIndicator(ctx context.Context, op ppks.Op, year int, id string, update func(*ppks.ProgramIndicator, bool) error) (*ppks.ProgramIndicator, error) {
	var out *ppks.ProgramIndicator
	err := db.write(ctx, "upsert program indicator", func(ctx context.Context, tx *sql.Tx) error {
		pi, err := findProgramIndicator(ctx, tx, year, id)
		exists := err == nil
		switch {
		case ppks.KindOf(err) == ppks.KindNotFound:
			pi = &ppks.ProgramIndicator{Year: year, ID: id}
		case err != nil:
			return err
		}
		if err := callback(update(pi, exists)); err != nil {
			return err
		}
		pi.Year, pi.ID = year, id
		types, err := jsonStrings(pi.InterventionTypes)
		if err != nil {
			return err
		}
		target := ""
		if pi.TargetPercent != nil {
			target = pi.TargetPercent.RatString()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO program_indicators (year, id, display_name, program_code,
			intervention_types, population, target_percent, position, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (year, id) DO UPDATE SET display_name = excluded.display_name,
			program_code = excluded.program_code, intervention_types = excluded.intervention_types,
			population = excluded.population, target_percent = excluded.target_percent,
			position = excluded.position, update_time = excluded.update_time`,
			year, id, pi.DisplayName, pi.ProgramCode, types, pi.Population, target, pi.Position, micros(pi.UpdateTime)); err != nil {
			return err
		}
		if err := recordOp(ctx, tx, op, pi.Name()); err != nil {
			return err
		}
		out, err = findProgramIndicator(ctx, tx, year, id)
		return err
	})
	return out, err
}

// DeleteProgramIndicator reads an indicator, lets check refuse, and deletes it.
func (db *DB) DeleteProgramIndicator(ctx context.Context, op ppks.Op, year int, id string, check func(*ppks.ProgramIndicator) error) error {
	return db.write(ctx, "delete program indicator", func(ctx context.Context, tx *sql.Tx) error {
		pi, err := findProgramIndicator(ctx, tx, year, id)
		if err != nil {
			return err
		}
		if err := callback(check(pi)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM program_indicators WHERE year = ? AND id = ?`, year, id); err != nil {
			return err
		}
		return recordOp(ctx, tx, op, pi.Name())
	})
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
