package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// CreateIntervention reads the person and the case and stores the intervention build
// returns, as one of that case.
func (db *DB) CreateIntervention(ctx context.Context, op ppks.Op, beneficiaryID, caseID string, build func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error)) (*ppks.Intervention, error) {
	var out *ppks.Intervention
	err := db.write(ctx, "create intervention", func(tx *sql.Tx) error {
		name, found, err := findRequest(ctx, tx, op.Key)
		if err != nil {
			return err
		}
		if found {
			out, err = replayIntervention(ctx, tx, name)
			return err
		}
		b, err := findBeneficiary(ctx, tx, beneficiaryID)
		if err != nil {
			return err
		}
		c, err := findCase(ctx, tx, beneficiaryID, caseID)
		if err != nil {
			return err
		}
		iv, err := build(b, c)
		if err := callback(err); err != nil {
			return err
		}
		if iv == nil {
			return errors.New("create intervention: build returned no intervention")
		}
		iv.BeneficiaryID, iv.CaseID = b.ID, c.ID
		if _, err := tx.ExecContext(ctx, `INSERT INTO interventions (id, beneficiary_id, case_id,
			intervention_type, delivered_on, delivered_year, kecamatan_code, worker, quantity, unit, notes,
			state, void_reason, void_time, create_time, update_time, revision)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			iv.ID, iv.BeneficiaryID, iv.CaseID,
			iv.InterventionType, dateText(iv.DeliveredOn), iv.DeliveredOn.Year, iv.KecamatanCode, iv.Worker,
			iv.Quantity, iv.Unit, iv.Notes,
			int(iv.State), iv.VoidReason, nullMicros(iv.VoidTime), micros(iv.CreateTime), micros(iv.UpdateTime),
			iv.Revision); err != nil {
			if constraint(err) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
				return alreadyExists(iv.Name())
			}
			return err
		}
		if err := recordOp(ctx, tx, op, iv.Name()); err != nil {
			return err
		}
		out, err = findIntervention(ctx, tx, iv.BeneficiaryID, iv.CaseID, iv.ID)
		return err
	})
	return out, err
}

// GetIntervention returns an intervention of a case of a person.
func (db *DB) GetIntervention(ctx context.Context, beneficiaryID, caseID, id string) (*ppks.Intervention, error) {
	var out *ppks.Intervention
	err := db.read(ctx, "get intervention", func(tx *sql.Tx) (err error) {
		out, err = findIntervention(ctx, tx, beneficiaryID, caseID, id)
		return err
	})
	return out, err
}

// ListInterventions lists interventions by id.
func (db *DB) ListInterventions(ctx context.Context, f ppks.InterventionFilter, p ppks.PageRequest) ([]*ppks.Intervention, error) {
	var w where
	if p.After != "" {
		w.add("i.id > ?", p.After)
	}
	if f.BeneficiaryID != "" {
		w.add("i.beneficiary_id = ?", f.BeneficiaryID)
	}
	if f.CaseID != "" {
		w.add("i.case_id = ?", f.CaseID)
	}
	if len(f.KecamatanIn) > 0 {
		w.in("i.kecamatan_code", f.KecamatanIn)
	}
	if f.KecamatanCode != "" {
		w.add("i.kecamatan_code = ?", f.KecamatanCode)
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
	query := `SELECT ` + interventionColumns + ` FROM interventions i JOIN cases c ON c.id = i.case_id` +
		w.String() + ` ORDER BY i.id LIMIT ?`
	var out []*ppks.Intervention
	err := db.read(ctx, "list interventions", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, query, append(w.args, limit(p)), scanIntervention)
		return err
	})
	return out, err
}

// UpdateIntervention reads an intervention, lets update change it and stores it.
func (db *DB) UpdateIntervention(ctx context.Context, op ppks.Op, beneficiaryID, caseID, id string, update func(*ppks.Intervention) error) (*ppks.Intervention, error) {
	var out *ppks.Intervention
	err := db.write(ctx, "update intervention", func(tx *sql.Tx) error {
		name, found, err := findRequest(ctx, tx, op.Key)
		if err != nil {
			return err
		}
		if found {
			out, err = replayIntervention(ctx, tx, name)
			return err
		}
		iv, err := findIntervention(ctx, tx, beneficiaryID, caseID, id)
		if err != nil {
			return err
		}
		revision := iv.Revision
		if err := callback(update(iv)); err != nil {
			return err
		}
		iv.ID, iv.BeneficiaryID, iv.CaseID, iv.Revision = id, beneficiaryID, caseID, revision+1
		res, err := tx.ExecContext(ctx, `UPDATE interventions SET intervention_type = ?, delivered_on = ?,
			delivered_year = ?, kecamatan_code = ?, worker = ?, quantity = ?, unit = ?, notes = ?, state = ?,
			void_reason = ?, void_time = ?, update_time = ?, revision = ?
			WHERE id = ? AND beneficiary_id = ? AND case_id = ? AND revision = ?`,
			iv.InterventionType, dateText(iv.DeliveredOn),
			iv.DeliveredOn.Year, iv.KecamatanCode, iv.Worker, iv.Quantity, iv.Unit, iv.Notes, int(iv.State),
			iv.VoidReason, nullMicros(iv.VoidTime), micros(iv.UpdateTime), iv.Revision,
			id, beneficiaryID, caseID, revision)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if err := recordOp(ctx, tx, op, iv.Name()); err != nil {
			return err
		}
		out, err = findIntervention(ctx, tx, beneficiaryID, caseID, id)
		return err
	})
	return out, err
}

// interventionColumns read an intervention joined with its case (c), whose PPKS type it
// carries.
const interventionColumns = `i.id, i.beneficiary_id, i.case_id, i.intervention_type, i.delivered_on,
	i.kecamatan_code, i.worker, i.quantity, i.unit, i.notes, i.state, i.void_reason, i.void_time,
	i.create_time, i.update_time, c.ppks_type, i.revision`

func scanIntervention(s scanner) (*ppks.Intervention, error) {
	var (
		iv        ppks.Intervention
		delivered sql.NullString
		voidTime  sql.NullInt64
		ct, ut    int64
	)
	if err := s.Scan(&iv.ID, &iv.BeneficiaryID, &iv.CaseID, &iv.InterventionType, &delivered,
		&iv.KecamatanCode, &iv.Worker, &iv.Quantity, &iv.Unit, &iv.Notes, &iv.State, &iv.VoidReason, &voidTime,
		&ct, &ut, &iv.PpksType, &iv.Revision); err != nil {
		return nil, err
	}
	var err error
	if iv.DeliveredOn, err = parseDate(delivered); err != nil {
		return nil, err
	}
	iv.VoidTime = fromNullMicros(voidTime)
	iv.CreateTime, iv.UpdateTime = fromMicros(ct), fromMicros(ut)
	return &iv, nil
}

// findIntervention reads an intervention: NotFound when there is none, or when it is not
// one of that case of that person.
func findIntervention(ctx context.Context, tx *sql.Tx, beneficiaryID, caseID, id string) (*ppks.Intervention, error) {
	iv, err := scanIntervention(tx.QueryRowContext(ctx, `SELECT `+interventionColumns+`
		FROM interventions i JOIN cases c ON c.id = i.case_id
		WHERE i.id = ? AND i.beneficiary_id = ? AND i.case_id = ?`, id, beneficiaryID, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound(ppks.CaseName(beneficiaryID, caseID) + "/interventions/" + id)
	}
	return iv, err
}

// replayIntervention reads the intervention a request answered before produced.
func replayIntervention(ctx context.Context, tx *sql.Tx, name string) (*ppks.Intervention, error) {
	ids, err := splitName(name, "beneficiaries", "cases", "interventions")
	if err != nil {
		return nil, err
	}
	return findIntervention(ctx, tx, ids[0], ids[1], ids[2])
}
