package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// InsertIntervention stores a new intervention of its case, and the counts of its pair.
// An intervention dated in a locked year without an open amendment is refused by the
// database too (interventions_year_locked, the backstop of ppks.YearOpen) and reported
// as ppks.ErrYearLocked.
func (t *txn) InsertIntervention(ctx context.Context, iv *ppks.Intervention) error {
	return mapErr(ctx, "insert intervention", func() error {
		// The category and the family it counts in, as stored, the counting rules and the
		// pair it adds to (counts_maintain.go): one query.
		var (
			ppksType      string
			kk, rules     *string
			first, id     *string
			kec, pairPpks *string
			verified      *bool
			family        *string
		)
		if err := t.tx.QueryRow(ctx, `SELECT c.ppks_type, b.kk, (SELECT rules FROM count_rules WHERE id = 1),
				p.first_on, p.first_id, p.kecamatan_code, p.ppks_type, p.verified, p.family_key
			FROM cases c JOIN beneficiaries b ON b.id = c.beneficiary_id
			LEFT JOIN count_pairs p ON p.beneficiary_id = c.beneficiary_id AND p.year = $3 AND p.intervention_type = $4
			WHERE c.id = $1 AND c.beneficiary_id = $2`, iv.CaseID, iv.BeneficiaryID, iv.DeliveredOn.Year, iv.InterventionType).
			Scan(&ppksType, &kk, &rules, &first, &id, &kec, &pairPpks, &verified, &family); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return ppks.NotFound(ppks.CaseName(iv.BeneficiaryID, iv.CaseID))
			}
			return err
		}
		if iv.PpksType != "" {
			ppksType = iv.PpksType // the category the caller read in this transaction
		}
		var old *pairRow
		if first != nil {
			old = &pairRow{firstOn: *first, firstID: *id, kec: *kec, ppks: *pairPpks, verified: *verified, family: fromNullString(family)}
		}
		counting, err := rulesOf(rules)
		if err != nil {
			return err
		}
		tag, err := t.tx.Exec(ctx, `INSERT INTO interventions (id, beneficiary_id, case_id,
			intervention_type, delivered_on, delivered_year, kecamatan_code, worker, quantity, unit, notes,
			state, void_reason, void_time, create_time, update_time, revision,
			verification, verified_by, verify_time, reject_reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
			ON CONFLICT (id) DO NOTHING`,
			iv.ID, iv.BeneficiaryID, iv.CaseID,
			iv.InterventionType, dateText(iv.DeliveredOn), iv.DeliveredOn.Year, iv.KecamatanCode, iv.Worker,
			iv.Quantity, iv.Unit, iv.Notes,
			int(iv.State), iv.VoidReason, nullTime(iv.VoidTime), iv.CreateTime, iv.UpdateTime, iv.Revision,
			int(iv.Verification), iv.VerifiedBy, nullTime(iv.VerifyTime), iv.RejectReason)
		if pgCode(err) == codeYearLocked {
			return ppks.ErrYearLocked(iv.DeliveredOn.Year)
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var owner, caseID string
			err := t.tx.QueryRow(ctx, `SELECT beneficiary_id, case_id FROM interventions WHERE id = $1`, iv.ID).Scan(&owner, &caseID)
			if errors.Is(err, pgx.ErrNoRows) {
				return t.tx.retry(errors.New("insert intervention: an id taken by a concurrent write"))
			}
			if err != nil {
				return err
			}
			return alreadyExists(ppks.CaseName(owner, caseID) + "/interventions/" + iv.ID)
		}
		return countCreated(ctx, t.tx, counting, old, iv, ppksType, fromNullString(kk)) // counts_maintain.go
	}())
}

// GetIntervention returns an intervention of a case of a person (of the survivor, for
// the id of a merged person).
func (q queries) GetIntervention(ctx context.Context, beneficiaryID, caseID, id string) (*ppks.Intervention, error) {
	var out *ppks.Intervention
	err := q.read(ctx, "get intervention", false, func(tx querier) (err error) {
		out, err = findLiveIntervention(ctx, tx, beneficiaryID, caseID, id)
		return err
	})
	return out, err
}

// ListInterventions lists interventions by id; those of a merged person are its
// survivor's.
func (q queries) ListInterventions(ctx context.Context, f ppks.InterventionFilter, p ppks.PageRequest) ([]*ppks.Intervention, error) {
	var out []*ppks.Intervention
	err := q.read(ctx, "list interventions", f.BeneficiaryID == "", func(tx querier) error {
		query, args, err := listInterventionsQuery(ctx, tx, f, p)
		if err != nil {
			return err
		}
		out, err = queryRows(ctx, tx, query, args, scanIntervention)
		return err
	})
	return out, err
}

// listInterventionsQuery builds the query of ListInterventions.
func listInterventionsQuery(ctx context.Context, q querier, f ppks.InterventionFilter, p ppks.PageRequest) (string, []any, error) {
	w, err := interventionWhere(ctx, q, f)
	if err != nil {
		return "", nil, err
	}
	if p.After != "" {
		w.add("i.id > ?", p.After)
	}
	query := `SELECT ` + interventionColumns + interventionFrom + w.String() + ` ORDER BY i.id LIMIT ` + w.arg(limit(p))
	return query, w.args, nil
}

// CountInterventions counts the interventions ListInterventions would list.
func (q queries) CountInterventions(ctx context.Context, f ppks.InterventionFilter) (int, error) {
	var n int
	err := q.read(ctx, "count interventions", f.BeneficiaryID == "", func(tx querier) error {
		w, err := interventionWhere(ctx, tx, f)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT count(*)`+interventionFrom+w.String(), w.args...).Scan(&n)
	})
	return n, err
}

// interventionWhere is the condition of the interventions a filter selects.
func interventionWhere(ctx context.Context, q querier, f ppks.InterventionFilter) (*where, error) {
	w := &where{}
	if f.BeneficiaryID != "" {
		live, err := resolveID(ctx, q, f.BeneficiaryID)
		if err != nil {
			return nil, err
		}
		w.add("i.beneficiary_id = ?", live)
	}
	if f.CaseID != "" {
		w.add("i.case_id = ?", f.CaseID)
	}
	w.area("b.kecamatan_code", f.Area) // the person's area, wherever it was delivered
	if f.KecamatanCode != "" {
		w.add("b.kecamatan_code = ?", f.KecamatanCode)
	}
	if f.DeliveredIn != "" {
		w.add("i.kecamatan_code = ?", f.DeliveredIn)
	}
	if f.Year != 0 {
		w.add("i.delivered_year = ?", f.Year)
	}
	if f.InterventionType != "" {
		w.add("i.intervention_type = ?", f.InterventionType)
	}
	if f.State != 0 {
		w.add("i.state = ?", int(f.State))
	}
	if f.Verification != 0 {
		w.add("i.verification = ?", int(f.Verification))
	}
	return w, nil
}

// UpdateIntervention stores an intervention's fields, if the stored one is still at
// iv.Revision, and the counts of the pairs it was and is in.
func (t *txn) UpdateIntervention(ctx context.Context, iv *ppks.Intervention) error {
	return mapErr(ctx, "update intervention", func() error {
		was, err := findIntervention(ctx, t.tx, iv.BeneficiaryID, iv.CaseID, iv.ID)
		if err != nil {
			return err
		}
		tag, err := t.tx.Exec(ctx, `UPDATE interventions SET intervention_type = $1, delivered_on = $2,
			delivered_year = $3, kecamatan_code = $4, worker = $5, quantity = $6, unit = $7, notes = $8, state = $9,
			void_reason = $10, void_time = $11, update_time = $12, revision = $13,
			verification = $14, verified_by = $15, verify_time = $16, reject_reason = $17
			WHERE id = $18 AND beneficiary_id = $19 AND case_id = $20 AND revision = $21`,
			iv.InterventionType, dateText(iv.DeliveredOn),
			iv.DeliveredOn.Year, iv.KecamatanCode, iv.Worker, iv.Quantity, iv.Unit, iv.Notes, int(iv.State),
			iv.VoidReason, nullTime(iv.VoidTime), iv.UpdateTime, iv.Revision+1,
			int(iv.Verification), iv.VerifiedBy, nullTime(iv.VerifyTime), iv.RejectReason,
			iv.ID, iv.BeneficiaryID, iv.CaseID, iv.Revision)
		if pgCode(err) == codeYearLocked {
			return ppks.ErrYearLocked(iv.DeliveredOn.Year)
		}
		if err != nil {
			return err
		}
		if err := changedSince(tag, iv.Name()); err != nil {
			return err
		}
		iv.Revision++
		return recountPairs(ctx, t.tx, interventionPairs(was, iv)) // counts_maintain.go
	}())
}

// interventionColumns read an intervention joined with its case (c), whose PPKS type it
// carries, and its person (b), whose kecamatan is the area it belongs to.
const interventionColumns = `i.id, i.beneficiary_id, i.case_id, i.intervention_type, i.delivered_on,
	i.kecamatan_code, i.worker, i.quantity, i.unit, i.notes, i.state, i.void_reason, i.void_time,
	i.create_time, i.update_time, c.ppks_type, i.revision,
	i.verification, i.verified_by, i.verify_time, i.reject_reason, b.kecamatan_code`

// interventionFrom is what interventionColumns read from.
const interventionFrom = ` FROM interventions i JOIN cases c ON c.id = i.case_id
	JOIN beneficiaries b ON b.id = i.beneficiary_id`

func scanIntervention(s pgx.Row) (*ppks.Intervention, error) {
	var (
		iv                   ppks.Intervention
		state, verification  int
		delivered            *string
		voidTime, verifyTime *time.Time
	)
	if err := s.Scan(&iv.ID, &iv.BeneficiaryID, &iv.CaseID, &iv.InterventionType, &delivered,
		&iv.KecamatanCode, &iv.Worker, &iv.Quantity, &iv.Unit, &iv.Notes, &state, &iv.VoidReason, &voidTime,
		&iv.CreateTime, &iv.UpdateTime, &iv.PpksType, &iv.Revision,
		&verification, &iv.VerifiedBy, &verifyTime, &iv.RejectReason, &iv.PersonKecamatan); err != nil {
		return nil, err
	}
	iv.State, iv.Verification = ppks.InterventionState(state), ppks.VerificationState(verification)
	var err error
	if iv.DeliveredOn, err = parseDate(delivered); err != nil {
		return nil, err
	}
	iv.VoidTime, iv.VerifyTime = fromNullTime(voidTime), fromNullTime(verifyTime)
	iv.CreateTime, iv.UpdateTime = utc(iv.CreateTime), utc(iv.UpdateTime)
	return &iv, nil
}

// findIntervention reads an intervention: NotFound when there is none, or when it is not
// one of that case of that person.
func findIntervention(ctx context.Context, q querier, beneficiaryID, caseID, id string) (*ppks.Intervention, error) {
	iv, err := scanIntervention(q.QueryRow(ctx, `SELECT `+interventionColumns+interventionFrom+`
		WHERE i.id = $1 AND i.beneficiary_id = $2 AND i.case_id = $3`, id, beneficiaryID, caseID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ppks.NotFound(ppks.CaseName(beneficiaryID, caseID) + "/interventions/" + id)
	}
	return iv, err
}

// findLiveIntervention is findIntervention for the survivor when beneficiaryID names a
// merged person (as findLiveCase: the chain is followed only when nothing is found).
func findLiveIntervention(ctx context.Context, q querier, beneficiaryID, caseID, id string) (*ppks.Intervention, error) {
	iv, err := findIntervention(ctx, q, beneficiaryID, caseID, id)
	if ppks.KindOf(err) != ppks.KindNotFound {
		return iv, err
	}
	live, err := resolveID(ctx, q, beneficiaryID)
	if err != nil {
		return nil, err
	}
	if live == beneficiaryID {
		return nil, ppks.NotFound(ppks.CaseName(beneficiaryID, caseID) + "/interventions/" + id)
	}
	return findIntervention(ctx, q, live, caseID, id)
}
