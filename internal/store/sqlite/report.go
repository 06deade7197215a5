package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

// serviceFactsQuery lists who was served in the year, in which PPKS category: the
// interventions that count (active, not rejected: as CountFacts), by type, person and
// the category of the case.
const serviceFactsQuery = `
SELECT DISTINCT i.intervention_type, i.beneficiary_id, c.ppks_type
FROM interventions i
JOIN cases c ON c.id = i.case_id
WHERE i.delivered_year = ? AND i.state = ? AND i.verification <> ?
ORDER BY i.intervention_type, i.beneficiary_id, c.ppks_type`

// ServiceFacts returns one fact per (intervention type, person, PPKS category of the
// case) with a counting intervention delivered in the year.
func (q queries) ServiceFacts(ctx context.Context, year int) ([]ppks.ServiceFact, error) {
	var out []ppks.ServiceFact
	err := q.read(ctx, "service facts", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, serviceFactsQuery,
			[]any{year, int(ppks.InterventionActive), int(ppks.VerificationRejected)},
			func(s scanner) (f ppks.ServiceFact, err error) {
				err = s.Scan(&f.InterventionType, &f.BeneficiaryID, &f.PpksType)
				return f, err
			})
		return err
	})
	return out, err
}

// ChangedInterventions returns the interventions delivered in the year created or
// changed after since, by id.
func (q queries) ChangedInterventions(ctx context.Context, year int, since time.Time) ([]ppks.InterventionChange, error) {
	var out []ppks.InterventionChange
	err := q.read(ctx, "changed interventions", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT beneficiary_id, case_id, id, create_time, update_time
			FROM interventions WHERE delivered_year = ? AND update_time > ? ORDER BY id`,
			[]any{year, micros(since)},
			func(s scanner) (c ppks.InterventionChange, err error) {
				var b, k, id string
				var ct, ut int64
				if err = s.Scan(&b, &k, &id, &ct, &ut); err != nil {
					return c, err
				}
				c.Name = ppks.CaseName(b, k) + "/interventions/" + id
				c.CreateTime, c.UpdateTime = fromMicros(ct), fromMicros(ut)
				return c, nil
			})
		return err
	})
	return out, err
}
