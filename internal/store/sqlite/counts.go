package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/countrules"
)

// The indicator's counts are maintained in the tables of migration 0005: one row per
// counted (person, year, type) pair (count_pairs, the rows of CountFacts), and aggregates
// per year and type (count_totals, count_cells, count_years) that every write changing a
// pair updates by the difference it makes, in its own transaction (counts_maintain.go).
// Reading a year's counts reads only the aggregates.

// Dimensions of count_cells.
const (
	dimKecamatan = 1
	dimPpksType  = 2
	dimMonth     = 3
)

// loadRules reads the recorded rules in tx; no rules (nothing counts, no family types)
// when none were recorded.
func loadRules(ctx context.Context, tx *sql.Tx) (*countrules.Rules, error) {
	var raw string
	err := tx.QueryRowContext(ctx, `SELECT rules FROM count_rules WHERE id = 1`).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		raw = countrules.None
	} else if err != nil {
		return nil, err
	}
	return countrules.Cached(raw)
}

// countedTypes is the intervention_type of the count_cells rows that sum the types
// counting in their year (by count_rules): the indicator's breakdowns, read without
// reading a row per type.
const countedTypes = "*"

// IndicatorCounts returns the maintained counts of the year the indicator needs: the
// units of each type and the breakdowns summed over the counted types. Indexed reads of
// a few rows per type and one per kecamatan, PPKS category and month, whatever the
// number of interventions.
func (q queries) IndicatorCounts(ctx context.Context, year int) (ppks.IndicatorCounts, error) {
	return q.indicatorCounts(ctx, year, false)
}

// DetailedCounts returns IndicatorCounts with the breakdowns of every type too.
func (q queries) DetailedCounts(ctx context.Context, year int) (ppks.IndicatorCounts, error) {
	return q.indicatorCounts(ctx, year, true)
}

func (q queries) indicatorCounts(ctx context.Context, year int, perType bool) (ppks.IndicatorCounts, error) {
	var out ppks.IndicatorCounts
	err := q.read(ctx, "indicator counts", func(tx *sql.Tx) error {
		// A retried read starts afresh.
		out = ppks.IndicatorCounts{Types: map[string]ppks.TypeCounts{},
			Counted: ppks.Breakdowns{ByKecamatan: map[string]int{}, ByPpksType: map[string]int{}}}
		rows, err := tx.QueryContext(ctx, `SELECT intervention_type, units, verified FROM count_totals WHERE year = ?`, year)
		if err != nil {
			return err
		}
		for rows.Next() {
			var (
				typ string
				tc  ppks.TypeCounts
			)
			if err := rows.Scan(&typ, &tc.Units, &tc.Verified); err != nil {
				rows.Close()
				return err
			}
			if perType {
				tc.ByKecamatan, tc.ByPpksType = map[string]int{}, map[string]int{}
			}
			out.Types[typ] = tc
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		if err := readCells(ctx, tx, year, perType, &out); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT unique_persons FROM count_years WHERE year = ?`, year).Scan(&out.UniquePersons)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return out, err
}

// readCells adds the year's breakdowns to c: the summed ones, and with perType those of
// each type.
func readCells(ctx context.Context, tx *sql.Tx, year int, perType bool, c *ppks.IndicatorCounts) error {
	q := `SELECT intervention_type, dimension, key, units FROM count_cells
		WHERE year = ? AND intervention_type = '` + countedTypes + `' AND units <> 0`
	if perType {
		q = `SELECT intervention_type, dimension, key, units FROM count_cells WHERE year = ? AND units <> 0`
	}
	rows, err := tx.QueryContext(ctx, q, year)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			typ, key string
			dim, n   int
		)
		if err := rows.Scan(&typ, &dim, &key, &n); err != nil {
			return err
		}
		b := &c.Counted
		var tc ppks.TypeCounts
		if typ != countedTypes {
			var ok bool
			if tc, ok = c.Types[typ]; !ok {
				return fmt.Errorf("count_cells of %d %s without count_totals", year, typ)
			}
			b = &ppks.Breakdowns{ByKecamatan: tc.ByKecamatan, ByPpksType: tc.ByPpksType, ByMonth: tc.ByMonth}
		}
		switch dim {
		case dimKecamatan:
			b.ByKecamatan[key] = n
		case dimPpksType:
			b.ByPpksType[key] = n
		case dimMonth:
			m, err := strconv.Atoi(key)
			if err != nil || m < 1 || m > 12 {
				return fmt.Errorf("count_cells: month %q", key)
			}
			b.ByMonth[m] = n
		}
		if typ != countedTypes {
			tc.ByMonth = b.ByMonth // an array: store the copy back
			c.Types[typ] = tc
		}
	}
	return rows.Err()
}

// CountYears lists the years with at least one intervention.
func (q queries) CountYears(ctx context.Context) ([]int, error) {
	var out []int
	err := q.read(ctx, "count years", func(tx *sql.Tx) (err error) {
		out, err = interventionYears(ctx, tx)
		return err
	})
	return out, err
}

// interventionYears lists the years of the interventions: one index seek per year
// (interventions_count starts with the year), not a scan.
func interventionYears(ctx context.Context, tx *sql.Tx) ([]int, error) {
	var out []int
	for year := -1; ; {
		var next sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MIN(delivered_year) FROM interventions WHERE delivered_year > ?`,
			year).Scan(&next); err != nil {
			return nil, err
		}
		if !next.Valid {
			return out, nil
		}
		year = int(next.Int64)
		out = append(out, year)
	}
}

// SetCountingRules records the rules and, when they differ from those recorded (or none
// were), rebuilds the counts with them in the same transaction.
func (db *DB) SetCountingRules(ctx context.Context, rules []ppks.CountingRule, familyTypes []string) error {
	raw, err := countrules.Encode(rules, familyTypes)
	if err != nil {
		return fmt.Errorf("set counting rules: %w", err)
	}
	return db.writeLarge(ctx, "set counting rules", func(ctx context.Context, tx *sql.Tx) error {
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT rules FROM count_rules WHERE id = 1`).Scan(&cur)
		if err == nil && cur == raw {
			return nil
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO count_rules (id, rules) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET rules = excluded.rules`, raw); err != nil {
			return err
		}
		return rebuildCounts(ctx, tx)
	})
}

// RebuildCounts recomputes every maintained count from the raw rows, in one transaction.
func (db *DB) RebuildCounts(ctx context.Context) error {
	return db.writeLarge(ctx, "rebuild counts", func(ctx context.Context, tx *sql.Tx) error { return rebuildCounts(ctx, tx) })
}
