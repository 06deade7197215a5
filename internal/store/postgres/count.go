package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// countFactsQuery picks, for each (intervention type, person), the first counted delivery
// of the year (active and not rejected; earliest date, then lowest id), with its
// kecamatan and its case's PPKS type; whether any of the pair's counted deliveries is
// verified; and the person's family (KK number, or the person alone without one).
const countFactsQuery = `
SELECT DISTINCT ON (i.intervention_type, i.beneficiary_id)
	i.intervention_type, i.beneficiary_id, i.delivered_on, i.kecamatan_code, c.ppks_type,
	bool_or(i.verification = $1) OVER (PARTITION BY i.intervention_type, i.beneficiary_id),
	COALESCE(b.kk, 'person:' || b.id)
FROM interventions i
JOIN cases c ON c.id = i.case_id
JOIN beneficiaries b ON b.id = i.beneficiary_id
WHERE i.delivered_year = $2 AND i.state = $3 AND i.verification <> $4
ORDER BY i.intervention_type, i.beneficiary_id, i.delivered_on, i.id`

// CountFacts returns one fact per (intervention type, person) with at least one active,
// not rejected intervention delivered in the year, attributed to the first such delivery.
func (q queries) CountFacts(ctx context.Context, year int) ([]ppks.CountFact, error) {
	args := []any{int(ppks.VerificationVerified), year, int(ppks.InterventionActive), int(ppks.VerificationRejected)}
	var out []ppks.CountFact
	err := q.read(ctx, "count facts", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, countFactsQuery, args, scanCountFact)
		return err
	})
	return out, err
}

func scanCountFact(s pgx.Row) (ppks.CountFact, error) {
	var (
		f         ppks.CountFact
		delivered *string
	)
	if err := s.Scan(&f.InterventionType, &f.BeneficiaryID, &delivered, &f.KecamatanCode, &f.PpksType,
		&f.Verified, &f.FamilyKey); err != nil {
		return f, err
	}
	var err error
	f.FirstDelivered, err = parseDate(delivered)
	return f, err
}
