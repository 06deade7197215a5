package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// ServiceFacts returns one fact per (intervention type, person, PPKS category of the
// case) with a counting intervention delivered in the year.
func (q queries) ServiceFacts(ctx context.Context, year int) ([]ppks.ServiceFact, error) {
	var out []ppks.ServiceFact
	err := q.read(ctx, "service facts", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, `SELECT DISTINCT i.intervention_type, i.beneficiary_id, c.ppks_type
			FROM interventions i JOIN cases c ON c.id = i.case_id
			WHERE i.delivered_year = $1 AND i.state = $2 AND i.verification <> $3
			ORDER BY i.intervention_type, i.beneficiary_id, c.ppks_type`,
			[]any{year, int(ppks.InterventionActive), int(ppks.VerificationRejected)},
			func(s pgx.Row) (f ppks.ServiceFact, err error) {
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
	err := q.read(ctx, "changed interventions", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, `SELECT beneficiary_id, case_id, id, create_time, update_time
			FROM interventions WHERE delivered_year = $1 AND update_time > $2 ORDER BY id`,
			[]any{year, since},
			func(s pgx.Row) (c ppks.InterventionChange, err error) {
				var b, k, id string
				if err = s.Scan(&b, &k, &id, &c.CreateTime, &c.UpdateTime); err != nil {
					return c, err
				}
				c.Name = ppks.CaseName(b, k) + "/interventions/" + id
				c.CreateTime, c.UpdateTime = utc(c.CreateTime), utc(c.UpdateTime)
				return c, nil
			})
		return err
	})
	return out, err
}
