package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// InsertIntervention stores a new intervention of its case, and the counts of its pair.
// An intervention dated in a locked year without an open amendment is refused by the
// database too (interventions_year_locked_insert, the backstop of ppks.YearOpen) and
// reported as ppks.ErrYearLocked.
func (t *txn) InsertIntervention(ctx context.Context, iv *ppks.Intervention) error {
	return mapErr(ctx, "insert intervention", func() error {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO interventions (id, beneficiary_id, case_id,
			intervention_type, delivered_on, delivered_year, kecamatan_code, worker, quantity, unit, notes,
			state, void_reason, void_time, create_time, update_time, revision,
			verification, verified_by, verify_time, reject_reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			iv.ID, iv.BeneficiaryID, iv.CaseID,
			iv.InterventionType, dateText(iv.DeliveredOn), iv.DeliveredOn.Year, iv.KecamatanCode, iv.Worker,
			iv.Quantity, iv.Unit, iv.Notes,
			int(iv.State), iv.VoidReason, nullMicros(iv.VoidTime), micros(iv.CreateTime), micros(iv.UpdateTime),
			iv.Revision,
			int(iv.Verification), iv.VerifiedBy, nullMicros(iv.VerifyTime), iv.RejectReason); err != nil {
			switch constraint(err) {
			case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
				return takenIntervention(ctx, t.tx, iv.ID, err)
			case sqlite3.SQLITE_CONSTRAINT_TRIGGER: // the only trigger that refuses an insert: the year lock
				return ppks.ErrYearLocked(iv.DeliveredOn.Year)
			case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
				return ppks.NotFound(ppks.CaseName(iv.BeneficiaryID, iv.CaseID))
			}
			return err
		}
		return countCreated(ctx, t.tx, iv) // counts_maintain.go
	}())
}

// GetIntervention returns an intervention of a case of a person (of the survivor, for
// the id of a merged person).
func (q queries) GetIntervention(ctx context.Context, beneficiaryID, caseID, id string) (*ppks.Intervention, error) {
	var out *ppks.Intervention
	err := q.read(ctx, "get intervention", func(tx *sql.Tx) (err error) {
		out, err = findLiveIntervention(ctx, tx, beneficiaryID, caseID, id)
		return err
	})
	return out, err
}

// ListInterventions lists interventions by id; those of a merged person are its
// survivor's.
func (q queries) ListInterventions(ctx context.Context, f ppks.InterventionFilter, p ppks.PageRequest) ([]*ppks.Intervention, error) {
	var out []*ppks.Intervention
	err := q.read(ctx, "list interventions", func(tx *sql.Tx) (err error) {
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
func listInterventionsQuery(ctx context.Context, tx *sql.Tx, f ppks.InterventionFilter, p ppks.PageRequest) (string, []any, error) {
	w, err := interventionWhere(ctx, tx, f)
	if err != nil {
		return "", nil, err
	}
	if p.After != "" {
		w.add("i.id > ?", p.After)
	}
	query := `SELECT ` + interventionColumns + interventionFrom +
		w.String() + ` ORDER BY i.id LIMIT ?`
	return query, append(w.args, limit(p)), nil
}

// CountInterventions counts the interventions ListInterventions would list.
func (q queries) CountInterventions(ctx context.Context, f ppks.InterventionFilter) (int, error) {
	var n int
	err := q.read(ctx, "count interventions", func(tx *sql.Tx) error {
		w, err := interventionWhere(ctx, tx, f)
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*)`+interventionFrom+w.String(), w.args...).Scan(&n)
	})
	return n, err
}

// interventionWhere is the condition of the interventions a filter selects.
func interventionWhere(ctx context.Context, tx *sql.Tx, f ppks.InterventionFilter) (where, error) {
	var w where
	if f.BeneficiaryID != "" {
		live, err := resolveID(ctx, tx, f.BeneficiaryID)
		if err != nil {
			return w, err
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
		res, err := t.tx.ExecContext(ctx, `UPDATE interventions SET intervention_type = ?, delivered_on = ?,
			delivered_year = ?, kecamatan_code = ?, worker = ?, quantity = ?, unit = ?, notes = ?, state = ?,
			void_reason = ?, void_time = ?, update_time = ?, revision = ?,
			verification = ?, verified_by = ?, verify_time = ?, reject_reason = ?
			WHERE id = ? AND beneficiary_id = ? AND case_id = ? AND revision = ?`,
			iv.InterventionType, dateText(iv.DeliveredOn),
			iv.DeliveredOn.Year, iv.KecamatanCode, iv.Worker, iv.Quantity, iv.Unit, iv.Notes, int(iv.State),
			iv.VoidReason, nullMicros(iv.VoidTime), micros(iv.UpdateTime), iv.Revision+1,
			int(iv.Verification), iv.VerifiedBy, nullMicros(iv.VerifyTime), iv.RejectReason,
			iv.ID, iv.BeneficiaryID, iv.CaseID, iv.Revision)
		if err != nil {
			return err
		}
		if err := changedSince(res, iv.Name()); err != nil {
			return err
		}
		iv.Revision++
		return recountPairs(ctx, t.tx, interventionPairs(was, iv)) // counts_maintain.go
	}())
}

// interventionColumns read an intervention joined with its case (c), whose PPKS type it
// carries, and its person (b), whose kecamatan is the area it belongs to
// (interventionFrom).
const interventionColumns = `i.id, i.beneficiary_id, i.case_id, i.intervention_type, i.delivered_on,
	i.kecamatan_code, i.worker, i.quantity, i.unit, i.notes, i.state, i.void_reason, i.void_time,
	i.create_time, i.update_time, c.ppks_type, i.revision,
	i.verification, i.verified_by, i.verify_time, i.reject_reason, b.kecamatan_code`

// interventionFrom is what interventionColumns read from.
const interventionFrom = ` FROM interventions i JOIN cases c ON c.id = i.case_id
	JOIN beneficiaries b ON b.id = i.beneficiary_id`

func scanIntervention(s scanner) (*ppks.Intervention, error) {
	var (
		iv                   ppks.Intervention
		delivered            sql.NullString
		voidTime, verifyTime sql.NullInt64
		ct, ut               int64
	)
	if err := s.Scan(&iv.ID, &iv.BeneficiaryID, &iv.CaseID, &iv.InterventionType, &delivered,
		&iv.KecamatanCode, &iv.Worker, &iv.Quantity, &iv.Unit, &iv.Notes, &iv.State, &iv.VoidReason, &voidTime,
		&ct, &ut, &iv.PpksType, &iv.Revision,
		&iv.Verification, &iv.VerifiedBy, &verifyTime, &iv.RejectReason, &iv.PersonKecamatan); err != nil {
		return nil, err
	}
	var err error
	if iv.DeliveredOn, err = parseDate(delivered); err != nil {
		return nil, err
	}
	iv.VoidTime, iv.VerifyTime = fromNullMicros(voidTime), fromNullMicros(verifyTime)
	iv.CreateTime, iv.UpdateTime = fromMicros(ct), fromMicros(ut)
	return &iv, nil
}

// findIntervention reads an intervention: NotFound when there is none, or when it is not
// one of that case of that person.
func findIntervention(ctx context.Context, tx *sql.Tx, beneficiaryID, caseID, id string) (*ppks.Intervention, error) {
	iv, err := scanIntervention(tx.QueryRowContext(ctx, `SELECT `+interventionColumns+interventionFrom+`
		WHERE i.id = ? AND i.beneficiary_id = ? AND i.case_id = ?`, id, beneficiaryID, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound(ppks.CaseName(beneficiaryID, caseID) + "/interventions/" + id)
	}
	return iv, err
}

// findLiveIntervention is findIntervention for the survivor when beneficiaryID names a
// merged person.
func findLiveIntervention(ctx context.Context, tx *sql.Tx, beneficiaryID, caseID, id string) (*ppks.Intervention, error) {
	live, err := resolveID(ctx, tx, beneficiaryID)
	if err != nil {
		return nil, err
	}
	return findIntervention(ctx, tx, live, caseID, id)
}
