package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/opendinsos/ppks/internal/ppks"
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

// countRules are the counting rules recorded by SetCountingRules: which types count in
// which year (for UniquePersons) and which are counted in families.
type countRules struct {
	cat    *ppks.Catalog // only Counting is set: the domain's own rule lookup
	family map[string]bool
}

func (r *countRules) counts(year int, typ string) bool { return r.cat.Counts(year, typ) }

// rulesJSON is the stored form of the rules: canonical (sorted), so that equal rules
// are equal text.
type rulesJSON struct {
	Rules []ruleJSON `json:"rules"`
	// Family lists the intervention types counted in families.
	Family []string `json:"family"`
}

type ruleJSON struct {
	FromYear int      `json:"from_year"`
	Types    []string `json:"types"`
}

// encodeRules returns the canonical text of the rules.
func encodeRules(rules []ppks.CountingRule, family []string) (string, error) {
	out := rulesJSON{Rules: []ruleJSON{}, Family: slices.Sorted(slices.Values(family))}
	out.Family = slices.Compact(out.Family)
	if out.Family == nil {
		out.Family = []string{}
	}
	for _, r := range rules {
		types := []string{}
		for t, ok := range r.Types {
			if ok {
				types = append(types, t)
			}
		}
		slices.Sort(types)
		out.Rules = append(out.Rules, ruleJSON{FromYear: r.FromYear, Types: types})
	}
	slices.SortStableFunc(out.Rules, func(a, b ruleJSON) int { return a.FromYear - b.FromYear })
	buf, err := json.Marshal(out)
	return string(buf), err
}

// decodeRules reads the stored text of the rules.
func decodeRules(raw string) (*countRules, error) {
	var in rulesJSON
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return nil, fmt.Errorf("stored counting rules: %w", err)
	}
	cat := &ppks.Catalog{}
	for _, r := range in.Rules {
		types := map[string]bool{}
		for _, t := range r.Types {
			types[t] = true
		}
		cat.Counting = append(cat.Counting, ppks.CountingRule{FromYear: r.FromYear, Types: types})
	}
	cat.Index()
	out := &countRules{cat: cat, family: map[string]bool{}}
	for _, t := range in.Family {
		out.family[t] = true
	}
	return out, nil
}

// parsedRules caches the last rules decoded: every write that changes counts reads the
// stored text (another process may have changed it) but decodes it only when it changed.
var parsedRules struct {
	sync.Mutex
	raw   string
	rules *countRules
}

// loadRules reads the recorded rules in tx; no rules (nothing counts, no family types)
// when none were recorded.
func loadRules(ctx context.Context, tx *sql.Tx) (*countRules, error) {
	var raw string
	err := tx.QueryRowContext(ctx, `SELECT rules FROM count_rules WHERE id = 1`).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		raw = `{"rules":[],"family":[]}`
	} else if err != nil {
		return nil, err
	}
	parsedRules.Lock()
	defer parsedRules.Unlock()
	if parsedRules.rules == nil || parsedRules.raw != raw {
		r, err := decodeRules(raw)
		if err != nil {
			return nil, err
		}
		parsedRules.raw, parsedRules.rules = raw, r
	}
	return parsedRules.rules, nil
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
	raw, err := encodeRules(rules, familyTypes)
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
