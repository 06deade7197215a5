package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// CreateIntervention reads the person and the case and stores the intervention build
// returns, as one of that case; and the case, when build changed it (a graduation
// closing it). It returns the intervention as stored without reading it back: every
// column comes from it and the case (its times as stored, to the microsecond).
// An intervention dated in a locked year without an open amendment is refused by the
// database (interventions_year_locked_insert) and reported as ppks.ErrYearLocked.
func (db *DB) CreateIntervention(ctx context.Context, op ppks.Op, beneficiaryID, caseID string, build func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error)) (*ppks.Intervention, error) {
	var out *ppks.Intervention
	err := db.write(ctx, "create intervention", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayIntervention); done || err != nil {
			return err
		}
		b, err := findLiveBeneficiary(ctx, tx, beneficiaryID)
		if err != nil {
			return err
		}
		c, err := findCase(ctx, tx, b.ID, caseID)
		if err != nil {
			return err
		}
		before, kk := *c, b.KK
		iv, err := build(b, c)
		if err := callback(err); err != nil {
			return err
		}
		if iv == nil {
			return errors.New("create intervention: build returned no intervention")
		}
		iv.BeneficiaryID, iv.CaseID = b.ID, before.ID
		if _, err := tx.ExecContext(ctx, `INSERT INTO interventions (id, beneficiary_id, case_id,
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
				return takenIntervention(ctx, tx, iv.ID, err)
			case sqlite3.SQLITE_CONSTRAINT_TRIGGER: // the only trigger of the insert: the year lock
				return ppks.ErrYearLocked(iv.DeliveredOn.Year)
			}
			return err
		}
		if c.State != before.State || c.Outcome != before.Outcome || c.ClosedOn != before.ClosedOn ||
			c.CloseNote != before.CloseNote || !c.UpdateTime.Equal(before.UpdateTime) {
			res, err := tx.ExecContext(ctx, `UPDATE cases SET state = ?, outcome = ?, closed_on = ?, close_note = ?,
				update_time = ?, revision = ?
				WHERE id = ? AND beneficiary_id = ? AND revision = ?`,
				int(c.State), int(c.Outcome), dateText(c.ClosedOn), c.CloseNote,
				micros(c.UpdateTime), before.Revision+1, before.ID, before.BeneficiaryID, before.Revision)
			if err != nil {
				return err
			}
			if err := oneRow(res); err != nil {
				return err
			}
		}
		if err := countCreated(ctx, tx, iv, before.PpksType, kk); err != nil { // counts_maintain.go
			return err
		}
		if err := recordOp(ctx, tx, op, iv.Name()); err != nil {
			return err
		}
		stored := *iv
		stored.PpksType, stored.PersonKecamatan = before.PpksType, b.KecamatanCode
		stored.CreateTime, stored.UpdateTime = asStored(iv.CreateTime), asStored(iv.UpdateTime)
		stored.VoidTime, stored.VerifyTime = asStored(iv.VoidTime), asStored(iv.VerifyTime)
		out = &stored
		return nil
	})
	return out, err
}

// asStored returns t as a read of the column micros(t) (or nullMicros(t)) gives it back.
func asStored(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return fromMicros(micros(t))
}

// GetIntervention returns an intervention of a case of a person (of the survivor, for
// the id of a merged person).
func (db *DB) GetIntervention(ctx context.Context, beneficiaryID, caseID, id string) (*ppks.Intervention, error) {
	var out *ppks.Intervention
	err := db.read(ctx, "get intervention", func(tx *sql.Tx) (err error) {
		out, err = findLiveIntervention(ctx, tx, beneficiaryID, caseID, id)
		return err
	})
	return out, err
}

// ListInterventions lists interventions by id; those of a merged person are its
// survivor's.
func (db *DB) ListInterventions(ctx context.Context, f ppks.InterventionFilter, p ppks.PageRequest) ([]*ppks.Intervention, error) {
	var out []*ppks.Intervention
	err := db.read(ctx, "list interventions", func(tx *sql.Tx) (err error) {
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
	var w where
	if p.After != "" {
		w.add("i.id > ?", p.After)
	}
	if f.BeneficiaryID != "" {
		live, err := resolveID(ctx, tx, f.BeneficiaryID)
		if err != nil {
			return "", nil, err
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
	query := `SELECT ` + interventionColumns + interventionFrom +
		w.String() + ` ORDER BY i.id LIMIT ?`
	return query, append(w.args, limit(p)), nil
}

// UpdateIntervention reads an intervention, lets update change it and stores it. Its
// person and case stay: only a merge moves an intervention.
func (db *DB) UpdateIntervention(ctx context.Context, op ppks.Op, beneficiaryID, caseID, id string, update func(*ppks.Intervention) error) (*ppks.Intervention, error) {
	var out *ppks.Intervention
	err := db.write(ctx, "update intervention", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayIntervention); done || err != nil {
			return err
		}
		iv, err := findLiveIntervention(ctx, tx, beneficiaryID, caseID, id)
		if err != nil {
			return err
		}
		owner, revision, was := iv.BeneficiaryID, iv.Revision, *iv
		if err := callback(update(iv)); err != nil {
			return err
		}
		iv.ID, iv.BeneficiaryID, iv.CaseID, iv.Revision = id, owner, caseID, revision+1
		res, err := tx.ExecContext(ctx, `UPDATE interventions SET intervention_type = ?, delivered_on = ?,
			delivered_year = ?, kecamatan_code = ?, worker = ?, quantity = ?, unit = ?, notes = ?, state = ?,
			void_reason = ?, void_time = ?, update_time = ?, revision = ?,
			verification = ?, verified_by = ?, verify_time = ?, reject_reason = ?
			WHERE id = ? AND beneficiary_id = ? AND case_id = ? AND revision = ?`,
			iv.InterventionType, dateText(iv.DeliveredOn),
			iv.DeliveredOn.Year, iv.KecamatanCode, iv.Worker, iv.Quantity, iv.Unit, iv.Notes, int(iv.State),
			iv.VoidReason, nullMicros(iv.VoidTime), micros(iv.UpdateTime), iv.Revision,
			int(iv.Verification), iv.VerifiedBy, nullMicros(iv.VerifyTime), iv.RejectReason,
			id, owner, caseID, revision)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if err := recountPairs(ctx, tx, interventionPairs(&was, iv)); err != nil { // counts_maintain.go
			return err
		}
		if err := recordOp(ctx, tx, op, iv.Name()); err != nil {
			return err
		}
		out, err = findIntervention(ctx, tx, owner, caseID, id)
		return err
	})
	return out, err
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

// replayIntervention reads the intervention a request answered before produced (now its
// person's survivor's, when the person was merged since).
func replayIntervention(ctx context.Context, tx *sql.Tx, name string) (*ppks.Intervention, error) {
	ids, err := splitName(name, "beneficiaries", "cases", "interventions")
	if err != nil {
		return nil, err
	}
	return findLiveIntervention(ctx, tx, ids[0], ids[1], ids[2])
}
