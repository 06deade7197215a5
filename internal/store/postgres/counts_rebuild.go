package postgres

import (
	"context"
	"maps"
	"slices"

	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/countrules"
)

// rebuild runs a rebuild of the maintained counts as a write that runs alone (write.go):
// prep decides, in the same transaction, whether it is needed (SetCountingRules: only
// when the rules changed). Writes under way commit before it starts, and are in what it
// reads; the next ones wait for it. The count tables are locked too, before the
// transaction takes its snapshot, against the compactor. Readers go on reading the counts
// as they were until it commits. Two processes starting together with new rules: the
// second waits for the first's lock, then finds the rules recorded and does nothing.
func (db *DB) rebuild(ctx context.Context, op string, prep func(context.Context, *recorder) (bool, error)) (err error) {
	if db.opts.observer != nil {
		defer db.observe(op, true, timeNow(), &err)
	}
	return db.writeAlone(ctx, op, func(ctx context.Context, r *recorder) error {
		for _, q := range []string{
			`LOCK TABLE count_rules, count_pairs, count_cells, count_deltas IN EXCLUSIVE MODE`,
			`SET LOCAL statement_timeout = 0`, // minutes at ten million interventions
			`SET LOCAL work_mem = '256MB'`,    // the sort of every counted intervention
			`SET LOCAL enable_seqscan = on`,   // it reads every row: locks on whole tables are its point
		} {
			if _, err := r.Exec(ctx, q); err != nil {
				return err
			}
		}
		needed, err := prep(ctx, r)
		if err != nil || !needed {
			return err
		}
		return rebuildCounts(ctx, r)
	})
}

// rebuildPairsQuery fills count_pairs from the raw rows, as CountFacts computes them:
// per (year, type, person) the first counted delivery (active, not rejected; earliest
// date, then lowest id, in byte order) and whether any counted delivery of the pair is
// verified; the family key for the family types only ($4).
const rebuildPairsQuery = `
INSERT INTO count_pairs (beneficiary_id, year, intervention_type, first_on, first_id, kecamatan_code,
	ppks_type, verified, family_key)
SELECT DISTINCT ON (i.delivered_year, i.intervention_type, i.beneficiary_id)
	i.beneficiary_id, i.delivered_year, i.intervention_type, i.delivered_on, i.id, i.kecamatan_code, c.ppks_type,
	bool_or(i.verification = $3) OVER (PARTITION BY i.delivered_year, i.intervention_type, i.beneficiary_id),
	CASE WHEN i.intervention_type = ANY($4::text[]) THEN COALESCE(b.kk, 'person:' || b.id) END
FROM interventions i
JOIN cases c ON c.id = i.case_id
JOIN beneficiaries b ON b.id = i.beneficiary_id
WHERE i.state = $1 AND i.verification <> $2
ORDER BY i.delivered_year, i.intervention_type, i.beneficiary_id, i.delivered_on, i.id`

// rebuildCounts recomputes the maintained counts from the raw rows: the pairs
// set-based, then the aggregates in one ordered pass over them.
func rebuildCounts(ctx context.Context, r *recorder) error {
	rules, err := loadRules(ctx, r)
	if err != nil {
		return err
	}
	family := append([]string{}, slices.Sorted(maps.Keys(rules.FamilyTypes()))...)
	for _, q := range []string{`DELETE FROM count_pairs`, `DELETE FROM count_cells`, `DELETE FROM count_deltas`} {
		if _, err := r.Exec(ctx, q); err != nil {
			return err
		}
	}
	if _, err := r.Exec(ctx, rebuildPairsQuery, int(ppks.InterventionActive), int(ppks.VerificationRejected),
		int(ppks.VerificationVerified), family); err != nil {
		return err
	}
	d := newCountDelta(rules)
	if err := sumPersonUnits(ctx, r, rules, d); err != nil {
		return err
	}
	if err := sumFamilyUnits(ctx, r, d); err != nil {
		return err
	}
	rows := d.rows()
	_, err = r.Exec(ctx, `INSERT INTO count_cells (year, intervention_type, dimension, key, units, verified)
		SELECT * FROM unnest($1::integer[], $2::text[], $3::smallint[], $4::text[], $5::bigint[], $6::bigint[])`,
		rows.years, rows.types, rows.dims, rows.keys, rows.units, rows.verified)
	return err
}

// sumPersonUnits adds the pairs of the types counted in persons to d (each pair is a
// unit), and the unique persons of each year: the pairs come in key order, a person's
// pairs of a year together.
func sumPersonUnits(ctx context.Context, q querier, rules *countrules.Rules, d *countDelta) error {
	rows, err := q.Query(ctx, `SELECT beneficiary_id, year, intervention_type, first_on, kecamatan_code,
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
// earliest pair and verified when any of its pairs is.
func sumFamilyUnits(ctx context.Context, q querier, d *countDelta) error {
	rows, err := q.Query(ctx, `SELECT year, intervention_type, family_key, first_on, kecamatan_code, ppks_type,
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
