package sqlite

import (
	"context"
	"database/sql"

	"github.com/opendinsos/ppks/internal/ppks"
)

// countFactsQuery picks, for each (intervention type, person), the first counted delivery
// of the year (ppks.FirstDelivery: active and not rejected; earliest date, then lowest
// id), with its kecamatan and its case's PPKS type; whether any of the pair's counted
// deliveries is verified; and the person's family (ppks.FamilyKey, spelled in SQL).
// Interventions of a merged person were moved to the survivor by the merge, so each
// person is one pair per type.
const countFactsQuery = `
SELECT intervention_type, beneficiary_id, delivered_on, kecamatan_code, ppks_type, verified, family_key
FROM (
	SELECT i.intervention_type, i.beneficiary_id, i.delivered_on, i.kecamatan_code, c.ppks_type,
		MAX(i.verification = ?) OVER pair AS verified,
		COALESCE(b.kk, 'person:' || b.id) AS family_key,
		ROW_NUMBER() OVER (pair ORDER BY i.delivered_on, i.id) AS n
	FROM interventions i
	JOIN cases c ON c.id = i.case_id
	JOIN beneficiaries b ON b.id = i.beneficiary_id
	WHERE i.delivered_year = ? AND i.state = ? AND i.verification <> ?
	WINDOW pair AS (PARTITION BY i.intervention_type, i.beneficiary_id)
)
WHERE n = 1
ORDER BY intervention_type, beneficiary_id`

// CountFacts returns one fact per (intervention type, person) with at least one active,
// not rejected intervention delivered in the year, attributed to the first such delivery.
func (q queries) CountFacts(ctx context.Context, year int) ([]ppks.CountFact, error) {
	args := []any{int(ppks.VerificationVerified), year, int(ppks.InterventionActive), int(ppks.VerificationRejected)}
	var out []ppks.CountFact
	err := q.read(ctx, "count facts", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, countFactsQuery, args, scanCountFact)
		return err
	})
	return out, err
}

func scanCountFact(s scanner) (ppks.CountFact, error) {
	var (
		f         ppks.CountFact
		delivered sql.NullString
	)
	if err := s.Scan(&f.InterventionType, &f.BeneficiaryID, &delivered, &f.KecamatanCode, &f.PpksType,
		&f.Verified, &f.FamilyKey); err != nil {
		return f, err
	}
	var err error
	f.FirstDelivered, err = parseDate(delivered)
	return f, err
}
