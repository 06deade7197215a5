package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/countrules"
)

// rebuildPairsQuery fills count_pairs from the raw rows of one year (?1), as
// countFactsQuery does: per (type, person), the first counted delivery (ppks.FirstDelivery:
// active, not rejected; earliest date, then lowest id) and whether any counted delivery of the pair
// is verified. The year's part of interventions_count is already in (type, person)
// order, so the grouping sorts nothing; with a single MIN() SQLite takes the bare
// columns (kecamatan, case) from the row holding the minimum, and delivered_on, always
// 10 characters, keeps the date first in the minimum of date || id. The case (its PPKS
// category) and the person (the family key, for the family types only, the JSON array
// ?5; ppks.FamilyKey spelled in SQL) are looked up for the pairs, not for every
// intervention.
const rebuildPairsQuery = `
INSERT INTO count_pairs (beneficiary_id, year, intervention_type, first_on, first_id, kecamatan_code,
	ppks_type, verified, family_key)
SELECT beneficiary_id, ?1, intervention_type, substr(first, 1, 10), substr(first, 11), kecamatan_code,
	(SELECT c.ppks_type FROM cases c WHERE c.id = case_id),
	verified,
	CASE WHEN intervention_type IN (SELECT value FROM json_each(?5))
		THEN (SELECT COALESCE(b.kk, 'person:' || b.id) FROM beneficiaries b WHERE b.id = beneficiary_id) END
FROM (
	SELECT i.intervention_type, i.beneficiary_id, MIN(i.delivered_on || i.id) AS first, i.kecamatan_code, i.case_id,
		SUM(i.verification = ?4) > 0 AS verified
	FROM interventions i
	WHERE i.delivered_year = ?1 AND i.state = ?2 AND i.verification <> ?3
	GROUP BY i.intervention_type, i.beneficiary_id
)`

// rebuildCounts recomputes the maintained counts from the raw rows, in tx: the pairs
// set-based, year by year; then the aggregates in one ordered pass over the pairs.
func rebuildCounts(ctx context.Context, tx *sql.Tx) (err error) {
	rules, err := loadRules(ctx, tx)
	if err != nil {
		return err
	}
	// Reading every intervention in index order jumps between table pages: with
	// SQLite's default cache of 2 MiB nearly every jump is a read from the OS. The cache
	// is the connection's; it goes back to its size afterwards.
	var cache int
	if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -`+strconv.Itoa(bulkCacheKiB)); err != nil {
		return err
	}
	defer func() {
		if _, rerr := tx.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = `+strconv.Itoa(cache)); rerr != nil && err == nil {
			err = rerr
		}
	}()
	family, err := json.Marshal(append([]string{}, slices.Sorted(maps.Keys(rules.FamilyTypes()))...)) // [] rather than null
	if err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM count_pairs`, `DELETE FROM count_totals`, `DELETE FROM count_cells`,
		`DELETE FROM count_years`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	years, err := interventionYears(ctx, tx)
	if err != nil {
		return err
	}
	for _, y := range years {
		if _, err := tx.ExecContext(ctx, rebuildPairsQuery, y, int(ppks.InterventionActive),
			int(ppks.VerificationRejected), int(ppks.VerificationVerified), string(family)); err != nil {
			return err
		}
	}
	d := newCountDelta(rules)
	if err := sumPersonUnits(ctx, tx, rules, d); err != nil {
		return err
	}
	if err := sumFamilyUnits(ctx, tx, d); err != nil {
		return err
	}
	return d.flush(ctx, tx)
}

// sumPersonUnits adds the pairs of the types counted in persons to d (each pair is a
// unit), and the unique persons of each year: the pairs come in key order, a person's
// pairs of a year together.
func sumPersonUnits(ctx context.Context, tx *sql.Tx, rules *countrules.Rules, d *countDelta) error {
	rows, err := tx.QueryContext(ctx, `SELECT beneficiary_id, year, intervention_type, first_on, kecamatan_code,
		ppks_type, verified, family_key IS NOT NULL FROM count_pairs ORDER BY beneficiary_id, year, intervention_type`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		last     pairKey // the person and year of the previous row
		counted  bool    // that person has a counted pair in that year already
		k        pairKey
		p        pairRow
		isFamily bool
	)
	for rows.Next() {
		if err := rows.Scan(&k.person, &k.year, &k.typ, &p.firstOn, &p.kec, &p.ppks, &p.verified, &isFamily); err != nil {
			return err
		}
		if k.person != last.person || k.year != last.year {
			last, counted = k, false
		}
		if !counted && rules.Counts(k.year, k.typ) {
			counted = true
			d.unique[k.year]++
		}
		if !isFamily {
			d.unit(k.year, k.typ, p.unit(), +1)
		}
	}
	return rows.Err()
}

// sumFamilyUnits adds the families of the family types to d, each attributed to its
// earliest pair and verified when any of its pairs is: the pairs come in the order of
// count_pairs_family, a family's together, earliest first.
func sumFamilyUnits(ctx context.Context, tx *sql.Tx, d *countDelta) error {
	rows, err := tx.QueryContext(ctx, `SELECT year, intervention_type, family_key, first_on, kecamatan_code, ppks_type,
		verified FROM count_pairs WHERE family_key IS NOT NULL
		ORDER BY year, intervention_type, family_key, first_on, beneficiary_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		cur      familyUnitKey
		u        *unit // the unit of cur, added once complete
		f        familyUnitKey
		p        pairRow
		verified bool
	)
	for rows.Next() {
		if err := rows.Scan(&f.year, &f.typ, &f.key, &p.firstOn, &p.kec, &p.ppks, &verified); err != nil {
			return err
		}
		if u == nil || f != cur {
			if u != nil {
				d.unit(cur.year, cur.typ, u, +1)
			}
			cur, u = f, p.unit()
		}
		u.verified = u.verified || verified
	}
	if u != nil {
		d.unit(cur.year, cur.typ, u, +1)
	}
	return rows.Err()
}
