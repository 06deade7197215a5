package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/countrules"
)

// The indicator's counts are maintained in the tables of migration 0001: one row per
// counted (person, year, type) pair (count_pairs, the rows of CountFacts), and their
// aggregates (count_cells, by dimension). A write that changes pairs appends the
// difference it makes to the aggregates to count_deltas, in its own transaction
// (counts_maintain.go); the compactor folds the deltas into count_cells
// (counts_compact.go). Reading a year's counts reads both, summed: a few rows per type,
// one per kecamatan, category and month, and the deltas not folded yet.

// Dimensions of count_cells and count_deltas.
const (
	dimTotal     = 0
	dimKecamatan = 1
	dimPpksType  = 2
	dimMonth     = 3
	dimUnique    = 4
)

// countedTypes is the intervention_type of the rows that sum the types counting in their
// year: the indicator's breakdowns, read without reading a row per type.
const countedTypes = "*"

// loadRules reads the recorded rules in q; no rules (nothing counts, no family types)
// when none were recorded.
func loadRules(ctx context.Context, q querier) (*countrules.Rules, error) {
	var raw *string
	err := q.QueryRow(ctx, `SELECT rules FROM count_rules WHERE id = 1`).Scan(&raw)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	return rulesOf(raw)
}

// rulesOf returns the rules of their stored text (nil: none recorded), decoded once.
func rulesOf(stored *string) (*countrules.Rules, error) {
	if stored == nil {
		return countrules.Cached(countrules.None)
	}
	return countrules.Cached(*stored)
}

// IndicatorCounts returns the maintained counts of the year the indicator needs: the
// units of each type and the breakdowns summed over the counted types.
func (q queries) IndicatorCounts(ctx context.Context, year int) (ppks.IndicatorCounts, error) {
	return q.indicatorCounts(ctx, year, false)
}

// DetailedCounts returns IndicatorCounts with the breakdowns of every type too.
func (q queries) DetailedCounts(ctx context.Context, year int) (ppks.IndicatorCounts, error) {
	return q.indicatorCounts(ctx, year, true)
}

// cellsQuery sums the folded and the pending aggregates of a year ($1): all of them
// (detailed), or those the indicator reads ($2 false): totals, unique persons and the
// summed breakdowns. One statement: one snapshot, whatever the compactor does meanwhile.
const cellsQuery = `
SELECT intervention_type, dimension, key, sum(units), sum(verified) FROM (
	SELECT intervention_type, dimension, key, units, verified FROM count_cells
	WHERE year = $1 AND ($2 OR dimension IN (0, 4) OR intervention_type = '*')
	UNION ALL
	SELECT intervention_type, dimension, key, units, verified FROM count_deltas
	WHERE year = $1 AND ($2 OR dimension IN (0, 4) OR intervention_type = '*')
) s
GROUP BY intervention_type, dimension, key
HAVING sum(units) <> 0 OR sum(verified) <> 0`

func (q queries) indicatorCounts(ctx context.Context, year int, perType bool) (ppks.IndicatorCounts, error) {
	var out ppks.IndicatorCounts
	err := q.read(ctx, "indicator counts", true, func(tx querier) error {
		out = ppks.IndicatorCounts{Types: map[string]ppks.TypeCounts{},
			Counted: ppks.Breakdowns{ByKecamatan: map[string]int{}, ByPpksType: map[string]int{}}}
		rows, err := tx.Query(ctx, cellsQuery, year, perType)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				typ, key        string
				dim             int
				units, verified int64
			)
			if err := rows.Scan(&typ, &dim, &key, &units, &verified); err != nil {
				return err
			}
			if err := addCell(&out, perType, typ, dim, key, int(units), int(verified)); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return out, err
}

// addCell adds one aggregate row to c.
func addCell(c *ppks.IndicatorCounts, perType bool, typ string, dim int, key string, units, verified int) error {
	switch dim {
	case dimUnique:
		c.UniquePersons = units
		return nil
	case dimTotal:
		tc := c.Types[typ]
		tc.Units, tc.Verified = units, verified
		if perType && tc.ByKecamatan == nil {
			tc.ByKecamatan, tc.ByPpksType = map[string]int{}, map[string]int{}
		}
		c.Types[typ] = tc
		return nil
	}
	b := &c.Counted
	var tc ppks.TypeCounts
	if typ != countedTypes {
		tc = c.Types[typ]
		if tc.ByKecamatan == nil {
			tc.ByKecamatan, tc.ByPpksType = map[string]int{}, map[string]int{}
		}
		b = &ppks.Breakdowns{ByKecamatan: tc.ByKecamatan, ByPpksType: tc.ByPpksType, ByMonth: tc.ByMonth}
	}
	switch dim {
	case dimKecamatan:
		b.ByKecamatan[key] = units
	case dimPpksType:
		b.ByPpksType[key] = units
	case dimMonth:
		m, err := strconv.Atoi(key)
		if err != nil || m < 1 || m > 12 {
			return fmt.Errorf("count_cells: month %q", key)
		}
		b.ByMonth[m] = units
	default:
		return fmt.Errorf("count_cells: dimension %d", dim)
	}
	if typ != countedTypes {
		tc.ByMonth = b.ByMonth // an array: store the copy back
		c.Types[typ] = tc
	}
	return nil
}

// CountYears lists the years with at least one intervention.
func (q queries) CountYears(ctx context.Context) ([]int, error) {
	var out []int
	err := q.read(ctx, "count years", true, func(tx querier) (err error) {
		out, err = interventionYears(ctx, tx)
		return err
	})
	return out, err
}

// interventionYears lists the years of the interventions in one statement: a loose
// index scan of interventions_count (one seek per year, not a scan of ten million rows).
func interventionYears(ctx context.Context, q querier) ([]int, error) {
	return queryRows(ctx, q, `WITH RECURSIVE y (year) AS (
			SELECT min(delivered_year) FROM interventions
			UNION ALL
			SELECT (SELECT min(delivered_year) FROM interventions WHERE delivered_year > y.year) FROM y WHERE y.year IS NOT NULL
		) SELECT year FROM y WHERE year IS NOT NULL ORDER BY year`, nil,
		func(s pgx.Row) (y int, err error) { return y, s.Scan(&y) })
}

// SetCountingRules records the rules and, when they differ from those recorded (or none
// were), rebuilds the counts with them in the same transaction.
func (db *DB) SetCountingRules(ctx context.Context, rules []ppks.CountingRule, familyTypes []string) error {
	if inWrite(ctx) {
		return errNestedCall("set counting rules")
	}
	raw, err := countrules.Encode(rules, familyTypes)
	if err != nil {
		return fmt.Errorf("set counting rules: %w", err)
	}
	return db.rebuild(ctx, "set counting rules", func(ctx context.Context, r *recorder) (bool, error) {
		var cur string
		err := r.QueryRow(ctx, `SELECT rules FROM count_rules WHERE id = 1`).Scan(&cur)
		if err == nil && cur == raw {
			return false, nil
		}
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return false, err
		}
		_, err = r.Exec(ctx, `INSERT INTO count_rules (id, rules) VALUES (1, $1)
			ON CONFLICT (id) DO UPDATE SET rules = excluded.rules`, raw)
		return err == nil, err
	})
}

// RebuildCounts recomputes every maintained count from the raw rows, in one transaction.
func (db *DB) RebuildCounts(ctx context.Context) error {
	if inWrite(ctx) {
		return errNestedCall("rebuild counts")
	}
	return db.rebuild(ctx, "rebuild counts", func(context.Context, *recorder) (bool, error) { return true, nil })
}
