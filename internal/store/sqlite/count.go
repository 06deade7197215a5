package sqlite

import (
	"context"
	"database/sql"

	"github.com/opendinsos/ppks/internal/ppks"
)

// countFactsQuery picks, for each (intervention type, person), the first active delivery
// of the year (earliest date, then lowest id), with its kecamatan and its case's PPKS type.
const countFactsQuery = `
SELECT intervention_type, beneficiary_id, delivered_on, kecamatan_code, ppks_type
FROM (
	SELECT i.intervention_type, i.beneficiary_id, i.delivered_on, i.kecamatan_code, c.ppks_type,
		ROW_NUMBER() OVER (PARTITION BY i.intervention_type, i.beneficiary_id
			ORDER BY i.delivered_on, i.id) AS n
	FROM interventions i
	JOIN cases c ON c.id = i.case_id
	WHERE i.delivered_year = ? AND i.state = ?
)
WHERE n = 1
ORDER BY intervention_type, beneficiary_id`

// CountFacts returns one fact per (intervention type, person) with at least one active
// intervention delivered in the year, attributed to the first such delivery.
func (db *DB) CountFacts(ctx context.Context, year int) ([]ppks.CountFact, error) {
	var out []ppks.CountFact
	err := db.read(ctx, "count facts", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, countFactsQuery, []any{year, int(ppks.InterventionActive)}, scanCountFact)
		return err
	})
	return out, err
}

func scanCountFact(s scanner) (ppks.CountFact, error) {
	var (
		f         ppks.CountFact
		delivered sql.NullString
	)
	if err := s.Scan(&f.InterventionType, &f.BeneficiaryID, &delivered, &f.KecamatanCode, &f.PpksType); err != nil {
		return f, err
	}
	var err error
	f.FirstDelivered, err = parseDate(delivered)
	return f, err
}
