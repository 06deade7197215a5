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

// Maintaining the counts. A write that can change a counted pair names the pairs it may
// have changed; each is recomputed from the raw rows (a person has few deliveries of a
// type in a year, found through interventions_count) and compared with its stored row.
// For each pair that changed, the aggregates get the difference between the units before
// and after: for a type counted in persons the pair is the unit; for a family type the
// unit is the family, recomputed from its pairs before and after. Unique persons change
// when a person gains their first, or loses their last, pair of a counted type in a year.

// pairKey names a counted pair.
type pairKey struct {
	person string
	year   int
	typ    string
}

// pairRow is a row of count_pairs.
type pairRow struct {
	firstOn, firstID string
	kec, ppks        string
	verified         bool
	family           string // "" for the types counted in persons
}

// unit is what one counted unit adds to the aggregates of its year and type.
type unit struct {
	kec, ppks string
	month     int // 0 when the date has none
	verified  bool
}

func (p *pairRow) unit() *unit {
	if p == nil {
		return nil
	}
	return &unit{kec: p.kec, ppks: p.ppks, month: monthOf(p.firstOn), verified: p.verified}
}

// monthOf reads the month of a stored date (YYYY-MM-DD), 0 when it has none.
func monthOf(date string) int {
	if len(date) < 7 {
		return 0
	}
	m, _ := strconv.Atoi(date[5:7])
	return m
}

// dateString is dateText for a date known to be set.
func dateString(d ppks.Date) string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// familyKey is the family of the person for a family type (ppks.FamilyKey); "" for the
// types counted in persons.
func familyKey(rules *countrules.Rules, typ, person, kk string) string {
	if !rules.Family(typ) {
		return ""
	}
	return ppks.FamilyKey(person, kk)
}

// countCreated counts an intervention just stored, without recomputing its pair: the
// pair's first delivery is the earlier of the stored first one and this one, and it is
// verified when either is. A person's hundredth delivery of the year costs two reads.
func countCreated(ctx context.Context, tx *sql.Tx, iv *ppks.Intervention) error {
	if !iv.Counts() {
		return nil
	}
	rules, err := loadRules(ctx, tx)
	if err != nil {
		return err
	}
	// The category it counts in is its case's, which the caller read in this transaction
	// (Intervention.PpksType); the family (the person's KK number) only matters, and is
	// only read, for the types counted in families.
	ppksType, kk := iv.PpksType, ""
	if ppksType == "" {
		if err := tx.QueryRowContext(ctx, `SELECT ppks_type FROM cases WHERE id = ? AND beneficiary_id = ?`,
			iv.CaseID, iv.BeneficiaryID).Scan(&ppksType); err != nil {
			return err
		}
	}
	if rules.Family(iv.InterventionType) {
		var v sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT kk FROM beneficiaries WHERE id = ?`, iv.BeneficiaryID).Scan(&v); err != nil {
			return err
		}
		kk = v.String
	}
	k := pairKey{iv.BeneficiaryID, iv.DeliveredOn.Year, iv.InterventionType}
	old, err := readPair(ctx, tx, k)
	if err != nil {
		return err
	}
	n := &pairRow{firstOn: dateString(iv.DeliveredOn), firstID: iv.ID, kec: iv.KecamatanCode, ppks: ppksType,
		verified: iv.Verification == ppks.VerificationVerified, family: familyKey(rules, k.typ, k.person, kk)}
	if old != nil {
		if old.firstOn < n.firstOn || (old.firstOn == n.firstOn && old.firstID < n.firstID) {
			n.firstOn, n.firstID, n.kec, n.ppks = old.firstOn, old.firstID, old.kec, old.ppks
		}
		n.verified = n.verified || old.verified
	}
	return applyPairs(ctx, tx, rules, map[pairKey]*pairRow{k: old}, map[pairKey]*pairRow{k: n})
}

// recountPairs recomputes the pairs from the raw rows and updates the aggregates by what
// changed.
func recountPairs(ctx context.Context, tx *sql.Tx, keys []pairKey) error {
	if len(keys) == 0 {
		return nil
	}
	rules, err := loadRules(ctx, tx)
	if err != nil {
		return err
	}
	olds, news := map[pairKey]*pairRow{}, map[pairKey]*pairRow{}
	for _, k := range keys {
		if _, done := olds[k]; done {
			continue
		}
		if olds[k], err = readPair(ctx, tx, k); err != nil {
			return err
		}
		if news[k], err = computePair(ctx, tx, rules, k); err != nil {
			return err
		}
	}
	return applyPairs(ctx, tx, rules, olds, news)
}

// interventionPairs names the pairs an update of an intervention may have changed: none
// when it changed nothing that counting reads.
func interventionPairs(was, now *ppks.Intervention) []pairKey {
	if was.InterventionType == now.InterventionType && was.DeliveredOn == now.DeliveredOn &&
		was.KecamatanCode == now.KecamatanCode && was.Counts() == now.Counts() &&
		(was.Verification == ppks.VerificationVerified) == (now.Verification == ppks.VerificationVerified) {
		return nil
	}
	return []pairKey{
		{was.BeneficiaryID, was.DeliveredOn.Year, was.InterventionType},
		{now.BeneficiaryID, now.DeliveredOn.Year, now.InterventionType},
	}
}

// personPairs lists the stored pairs of a person.
func personPairs(ctx context.Context, tx *sql.Tx, person string) ([]pairKey, error) {
	return queryRows(ctx, tx, `SELECT year, intervention_type FROM count_pairs WHERE beneficiary_id = ?`,
		[]any{person}, func(s scanner) (pairKey, error) {
			k := pairKey{person: person}
			return k, s.Scan(&k.year, &k.typ)
		})
}

// mergePairs names the pairs a merge may change: every pair of both persons (the
// survivor's family may change too), and the survivor's of each of the duplicate's.
func mergePairs(ctx context.Context, tx *sql.Tx, survivor, duplicate string) ([]pairKey, error) {
	sv, err := personPairs(ctx, tx, survivor)
	if err != nil {
		return nil, err
	}
	dup, err := personPairs(ctx, tx, duplicate)
	if err != nil {
		return nil, err
	}
	out := append(sv, dup...)
	for _, k := range dup {
		out = append(out, pairKey{survivor, k.year, k.typ})
	}
	return out, nil
}

// casePairsQuery lists the pairs of a case's interventions, through interventions_case_id.
const casePairsQuery = `SELECT DISTINCT beneficiary_id, delivered_year, intervention_type
	FROM interventions WHERE case_id = ?`

// casePairs lists the pairs the interventions of a case take part in.
func casePairs(ctx context.Context, tx *sql.Tx, caseID string) ([]pairKey, error) {
	return queryRows(ctx, tx, casePairsQuery, []any{caseID}, func(s scanner) (k pairKey, err error) {
		return k, s.Scan(&k.person, &k.year, &k.typ)
	})
}

// readPair reads a stored pair; nil when there is none.
func readPair(ctx context.Context, tx *sql.Tx, k pairKey) (*pairRow, error) {
	var (
		p      pairRow
		family sql.NullString
	)
	err := tx.QueryRowContext(ctx, `SELECT first_on, first_id, kecamatan_code, ppks_type, verified, family_key
		FROM count_pairs WHERE beneficiary_id = ? AND year = ? AND intervention_type = ?`, k.person, k.year, k.typ).
		Scan(&p.firstOn, &p.firstID, &p.kec, &p.ppks, &p.verified, &family)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.family = family.String
	return &p, nil
}

// computePairQuery reads the counted deliveries of a pair, through interventions_count.
const computePairQuery = `SELECT i.delivered_on, i.id, i.kecamatan_code, c.ppks_type, i.verification = ?, b.kk
	FROM interventions i JOIN cases c ON c.id = i.case_id JOIN beneficiaries b ON b.id = i.beneficiary_id
	WHERE i.delivered_year = ? AND i.state = ? AND i.intervention_type = ? AND i.beneficiary_id = ?
		AND i.verification <> ?`

// computePair computes a pair from the raw rows, as countFactsQuery does; nil when the
// person has no counted delivery of the type in the year.
func computePair(ctx context.Context, tx *sql.Tx, rules *countrules.Rules, k pairKey) (*pairRow, error) {
	rows, err := tx.QueryContext(ctx, computePairQuery,
		int(ppks.VerificationVerified), k.year, int(ppks.InterventionActive), k.typ, k.person, int(ppks.VerificationRejected))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out *pairRow
	for rows.Next() {
		var (
			p  pairRow
			kk sql.NullString
		)
		if err := rows.Scan(&p.firstOn, &p.firstID, &p.kec, &p.ppks, &p.verified, &kk); err != nil {
			return nil, err
		}
		switch {
		case out == nil:
			p.family = familyKey(rules, k.typ, k.person, kk.String)
			out = &p
		case p.firstOn < out.firstOn || (p.firstOn == out.firstOn && p.firstID < out.firstID):
			p.verified = p.verified || out.verified
			p.family = out.family
			out = &p
		default:
			out.verified = out.verified || p.verified
		}
	}
	return out, rows.Err()
}

// familyUnitKey names a family's unit.
type familyUnitKey struct {
	year     int
	typ, key string
}

// applyPairs stores the pairs that changed from olds to news (nil: no pair) and updates
// the aggregates by the difference.
func applyPairs(ctx context.Context, tx *sql.Tx, rules *countrules.Rules, olds, news map[pairKey]*pairRow) error {
	type yearPerson struct {
		year   int
		person string
	}
	var changed []pairKey
	persons := map[yearPerson]bool{} // value: had a counted pair in the year before
	added := map[yearPerson]bool{}   // a counted pair is added: the person counts after
	families := map[familyUnitKey]*unit{}
	for k, o := range olds {
		n := news[k]
		if samePair(o, n) {
			continue
		}
		changed = append(changed, k)
		if (o == nil) != (n == nil) && rules.Counts(k.year, k.typ) {
			persons[yearPerson{k.year, k.person}] = false
			if n != nil {
				added[yearPerson{k.year, k.person}] = true
			}
		}
		if rules.Family(k.typ) {
			for _, p := range []*pairRow{o, n} {
				if p != nil {
					families[familyUnitKey{k.year, k.typ, p.family}] = nil
				}
			}
		}
	}
	if len(changed) == 0 {
		return nil
	}
	var err error
	for yp := range persons {
		if persons[yp], err = hasCountedPair(ctx, tx, rules, yp.year, yp.person); err != nil {
			return err
		}
	}
	for f := range families {
		if families[f], err = familyUnit(ctx, tx, f); err != nil {
			return err
		}
	}
	d := newCountDelta(rules)
	for _, k := range changed {
		o, n := olds[k], news[k]
		if err := writePair(ctx, tx, k, n); err != nil {
			return err
		}
		if !rules.Family(k.typ) {
			d.unit(k.year, k.typ, o.unit(), -1)
			d.unit(k.year, k.typ, n.unit(), +1)
		}
	}
	for f, before := range families {
		after, err := familyUnit(ctx, tx, f)
		if err != nil {
			return err
		}
		d.unit(f.year, f.typ, before, -1)
		d.unit(f.year, f.typ, after, +1)
	}
	for yp, before := range persons {
		after := added[yp] // known without asking: the pair was just written
		if !after {
			if after, err = hasCountedPair(ctx, tx, rules, yp.year, yp.person); err != nil {
				return err
			}
		}
		d.unique[yp.year] += boolInt(after) - boolInt(before)
	}
	return d.flush(ctx, tx)
}

func samePair(a, b *pairRow) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// writePair stores a pair, or deletes it when p is nil.
func writePair(ctx context.Context, tx *sql.Tx, k pairKey, p *pairRow) error {
	if p == nil {
		_, err := tx.ExecContext(ctx, `DELETE FROM count_pairs WHERE beneficiary_id = ? AND year = ? AND intervention_type = ?`,
			k.person, k.year, k.typ)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO count_pairs (beneficiary_id, year, intervention_type, first_on,
		first_id, kecamatan_code, ppks_type, verified, family_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (beneficiary_id, year, intervention_type) DO UPDATE SET first_on = excluded.first_on,
			first_id = excluded.first_id, kecamatan_code = excluded.kecamatan_code, ppks_type = excluded.ppks_type,
			verified = excluded.verified, family_key = excluded.family_key`,
		k.person, k.year, k.typ, p.firstOn, p.firstID, p.kec, p.ppks, boolInt(p.verified), nullString(p.family))
	return err
}

// hasCountedPair reports whether the person has a pair of a type counting in the year.
func hasCountedPair(ctx context.Context, tx *sql.Tx, rules *countrules.Rules, year int, person string) (bool, error) {
	types, err := queryRows(ctx, tx, `SELECT intervention_type FROM count_pairs WHERE beneficiary_id = ? AND year = ?`,
		[]any{person, year}, func(s scanner) (t string, err error) { return t, s.Scan(&t) })
	if err != nil {
		return false, err
	}
	for _, t := range types {
		if rules.Counts(year, t) {
			return true, nil
		}
	}
	return false, nil
}

// familyUnitQuery reads a family's pairs, earliest first, through count_pairs_family.
const familyUnitQuery = `SELECT first_on, kecamatan_code, ppks_type, verified FROM count_pairs
	WHERE year = ? AND intervention_type = ? AND family_key = ? ORDER BY first_on, beneficiary_id`

// familyUnit computes a family's unit from its stored pairs: attributed to the earliest
// (first delivery, then person id), verified when any is; nil when it has none.
func familyUnit(ctx context.Context, tx *sql.Tx, f familyUnitKey) (*unit, error) {
	rows, err := tx.QueryContext(ctx, familyUnitQuery, f.year, f.typ, f.key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out *unit
	for rows.Next() {
		var (
			p        pairRow
			verified bool
		)
		if err := rows.Scan(&p.firstOn, &p.kec, &p.ppks, &verified); err != nil {
			return nil, err
		}
		if out == nil {
			out = p.unit()
		}
		out.verified = out.verified || verified
	}
	return out, rows.Err()
}

// countDelta accumulates the difference a write makes to the aggregates, so that each
// aggregate row is written once, and not at all when the differences cancel out.
type countDelta struct {
	rules  *countrules.Rules   // which types count in which year: their units are summed too
	totals map[totalKey][2]int // units, verified
	cells  map[cellKey]int
	unique map[int]int
}

type totalKey struct {
	year int
	typ  string
}

type cellKey struct {
	year int
	typ  string
	dim  int
	key  string
}

func newCountDelta(rules *countrules.Rules) *countDelta {
	return &countDelta{rules: rules, totals: map[totalKey][2]int{}, cells: map[cellKey]int{}, unique: map[int]int{}}
}

// unit adds (sign +1) or removes (-1) a unit; nil adds nothing.
func (d *countDelta) unit(year int, typ string, u *unit, sign int) {
	if u == nil {
		return
	}
	t := d.totals[totalKey{year, typ}]
	t[0] += sign
	if u.verified {
		t[1] += sign
	}
	d.totals[totalKey{year, typ}] = t
	d.cell(year, typ, u, sign)
	if d.rules.Counts(year, typ) {
		d.cell(year, countedTypes, u, sign)
	}
}

// cell adds a unit to the breakdowns of typ (a type, or countedTypes).
func (d *countDelta) cell(year int, typ string, u *unit, sign int) {
	d.cells[cellKey{year, typ, dimKecamatan, u.kec}] += sign
	d.cells[cellKey{year, typ, dimPpksType, u.ppks}] += sign
	if u.month >= 1 && u.month <= 12 {
		d.cells[cellKey{year, typ, dimMonth, strconv.Itoa(u.month)}] += sign
	}
}

// flush adds the differences to the aggregate rows.
func (d *countDelta) flush(ctx context.Context, tx *sql.Tx) error {
	for k, t := range d.totals {
		if t == [2]int{} {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO count_totals (year, intervention_type, units, verified)
			VALUES (?, ?, ?, ?) ON CONFLICT (year, intervention_type)
			DO UPDATE SET units = units + excluded.units, verified = verified + excluded.verified`,
			k.year, k.typ, t[0], t[1]); err != nil {
			return err
		}
	}
	for k, n := range d.cells {
		if n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO count_cells (year, intervention_type, dimension, key, units)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (year, intervention_type, dimension, key)
			DO UPDATE SET units = units + excluded.units`, k.year, k.typ, k.dim, k.key, n); err != nil {
			return err
		}
	}
	for year, n := range d.unique {
		if n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO count_years (year, unique_persons) VALUES (?, ?)
			ON CONFLICT (year) DO UPDATE SET unique_persons = unique_persons + excluded.unique_persons`,
			year, n); err != nil {
			return err
		}
	}
	return nil
}
