package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"slices"

	"github.com/opendinsos/ppks/internal/ppks"
)

// rebuildPairsQuery fills count_pairs from the raw rows, as countFactsQuery does for one
// year: per (person, year, type), the first counted delivery (active, not rejected;
// earliest date, then lowest id) and whether any counted delivery of the pair is
// verified. The case (its PPKS category) and the person (the family key, for the family
// types only, the JSON array ?3) are looked up for the pairs, not for every intervention.
const rebuildPairsQuery = `
INSERT INTO count_pairs (beneficiary_id, year, intervention_type, first_on, first_id, kecamatan_code,
	ppks_type, verified, family_key)
SELECT beneficiary_id, delivered_year, intervention_type, delivered_on, id, kecamatan_code,
	(SELECT c.ppks_type FROM cases c WHERE c.id = case_id),
	verified,
	CASE WHEN intervention_type IN (SELECT value FROM json_each(?3))
		THEN (SELECT COALESCE(b.kk, 'person:' || b.id) FROM beneficiaries b WHERE b.id = beneficiary_id) END
FROM (
	SELECT i.beneficiary_id, i.delivered_year, i.intervention_type, i.delivered_on, i.id, i.kecamatan_code,
		i.case_id,
		MAX(i.verification = ?4) OVER pair AS verified,
		ROW_NUMBER() OVER (pair ORDER BY i.delivered_on, i.id) AS n
	FROM interventions i
	WHERE i.state = ?1 AND i.verification <> ?2
	WINDOW pair AS (PARTITION BY i.beneficiary_id, i.delivered_year, i.intervention_type)
)
WHERE n = 1`

// rebuildUnitsQuery lists the counted units: each pair of a type counted in persons, and
// for the family types each family once, attributed to its earliest pair (first_on, then
// person id) and verified when any of its pairs is.
const rebuildUnitsQuery = `
CREATE TEMP TABLE count_units AS
SELECT year, intervention_type, kecamatan_code, ppks_type, CAST(substr(first_on, 6, 2) AS INTEGER) AS month, verified
FROM count_pairs WHERE family_key IS NULL
UNION ALL
SELECT year, intervention_type, kecamatan_code, ppks_type, CAST(substr(first_on, 6, 2) AS INTEGER), verified
FROM (
	SELECT year, intervention_type, kecamatan_code, ppks_type, first_on,
		MAX(verified) OVER family AS verified,
		ROW_NUMBER() OVER (family ORDER BY first_on, beneficiary_id) AS n
	FROM count_pairs WHERE family_key IS NOT NULL
	WINDOW family AS (PARTITION BY year, intervention_type, family_key)
)
WHERE n = 1`

// rebuildAggregates sum the units into the aggregates.
var rebuildAggregates = []string{
	`INSERT INTO count_totals (year, intervention_type, units, verified)
		SELECT year, intervention_type, COUNT(*), SUM(verified) FROM temp.count_units GROUP BY year, intervention_type`,
	`INSERT INTO count_cells (year, intervention_type, dimension, key, units)
		SELECT year, intervention_type, 1, kecamatan_code, COUNT(*) FROM temp.count_units
		GROUP BY year, intervention_type, kecamatan_code`,
	`INSERT INTO count_cells (year, intervention_type, dimension, key, units)
		SELECT year, intervention_type, 2, ppks_type, COUNT(*) FROM temp.count_units
		GROUP BY year, intervention_type, ppks_type`,
	`INSERT INTO count_cells (year, intervention_type, dimension, key, units)
		SELECT year, intervention_type, 3, CAST(month AS TEXT), COUNT(*) FROM temp.count_units
		WHERE month BETWEEN 1 AND 12 GROUP BY year, intervention_type, month`,
}

// rebuildCounts recomputes the maintained counts from the raw rows, set-based, in tx.
func rebuildCounts(ctx context.Context, tx *sql.Tx) error {
	rules, err := loadRules(ctx, tx)
	if err != nil {
		return err
	}
	family, err := json.Marshal(append([]string{}, slices.Sorted(maps.Keys(rules.family))...)) // [] rather than null
	if err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM count_pairs`, `DELETE FROM count_totals`, `DELETE FROM count_cells`,
		`DELETE FROM count_years`, `DROP TABLE IF EXISTS temp.count_units`, `DROP TABLE IF EXISTS temp.count_counted`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, rebuildPairsQuery, int(ppks.InterventionActive), int(ppks.VerificationRejected),
		string(family), int(ppks.VerificationVerified)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, rebuildUnitsQuery); err != nil {
		return err
	}
	for _, q := range rebuildAggregates {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if err := rebuildUniquePersons(ctx, tx, rules); err != nil {
		return err
	}
	for _, q := range []string{`DROP TABLE temp.count_units`, `DROP TABLE temp.count_counted`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// rebuildUniquePersons counts, per year, the distinct persons with a pair of a type that
// counts in that year. Which (year, type) count is decided here in Go, by the domain's
// rule lookup, for the few pairs of count_totals, and joined as a temporary table.
func rebuildUniquePersons(ctx context.Context, tx *sql.Tx, rules *countRules) error {
	type yearType struct {
		year int
		typ  string
	}
	present, err := queryRows(ctx, tx, `SELECT year, intervention_type FROM count_totals`, nil,
		func(s scanner) (yt yearType, err error) { return yt, s.Scan(&yt.year, &yt.typ) })
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE count_counted (year INTEGER, intervention_type TEXT,
		PRIMARY KEY (year, intervention_type)) WITHOUT ROWID`); err != nil {
		return err
	}
	for _, yt := range present {
		if !rules.counts(yt.year, yt.typ) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO temp.count_counted (year, intervention_type) VALUES (?, ?)`,
			yt.year, yt.typ); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO count_years (year, unique_persons)
		SELECT p.year, COUNT(DISTINCT p.beneficiary_id) FROM count_pairs p
		JOIN temp.count_counted c ON c.year = p.year AND c.intervention_type = p.intervention_type
		GROUP BY p.year`)
	return err
}
