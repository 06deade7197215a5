package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// CreateCase reads the person and stores the case build returns, as a case of that person.
func (db *DB) CreateCase(ctx context.Context, op ppks.Op, beneficiaryID string, build func(*ppks.Beneficiary) (*ppks.Case, error)) (*ppks.Case, error) {
	var out *ppks.Case
	err := db.write(ctx, "create case", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayCase); done || err != nil {
			return err
		}
		b, err := findLiveBeneficiary(ctx, tx, beneficiaryID)
		if err != nil {
			return err
		}
		c, err := build(b)
		if err := callback(err); err != nil {
			return err
		}
		if c == nil {
			return errors.New("create case: build returned no case")
		}
		c.BeneficiaryID = b.ID
		if _, err := tx.ExecContext(ctx, `INSERT INTO cases (id, beneficiary_id, ppks_type, opened_on, state,
			outcome, closed_on, close_note, assigned_worker, create_time, update_time, revision)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.BeneficiaryID, c.PpksType, dateText(c.OpenedOn), int(c.State),
			int(c.Outcome), dateText(c.ClosedOn), c.CloseNote, c.AssignedWorker,
			micros(c.CreateTime), micros(c.UpdateTime), c.Revision); err != nil {
			// Both unique keys of cases contain the id: either one failing means it is taken.
			if code := constraint(err); code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || code == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
				return takenCase(ctx, tx, c.ID, err)
			}
			return err
		}
		if err := recordOp(ctx, tx, op, c.Name()); err != nil {
			return err
		}
		out, err = findCase(ctx, tx, c.BeneficiaryID, c.ID)
		return err
	})
	return out, err
}

// GetCase returns a case of a person (of the survivor, for the id of a merged person).
func (db *DB) GetCase(ctx context.Context, beneficiaryID, caseID string) (*ppks.Case, error) {
	var out *ppks.Case
	err := db.read(ctx, "get case", func(tx *sql.Tx) (err error) {
		out, err = findLiveCase(ctx, tx, beneficiaryID, caseID)
		return err
	})
	return out, err
}

// ListCases lists cases by id; those of a merged person are its survivor's.
func (db *DB) ListCases(ctx context.Context, f ppks.CaseFilter, p ppks.PageRequest) ([]*ppks.Case, error) {
	var out []*ppks.Case
	err := db.read(ctx, "list cases", func(tx *sql.Tx) (err error) {
		query, args, err := listCasesQuery(ctx, tx, f, p)
		if err != nil {
			return err
		}
		out, err = queryRows(ctx, tx, query, args, scanCase)
		return err
	})
	return out, err
}

// listCasesQuery builds the query of ListCases.
func listCasesQuery(ctx context.Context, tx *sql.Tx, f ppks.CaseFilter, p ppks.PageRequest) (string, []any, error) {
	var w where
	if p.After != "" {
		w.add("c.id > ?", p.After)
	}
	if f.BeneficiaryID != "" {
		live, err := resolveID(ctx, tx, f.BeneficiaryID)
		if err != nil {
			return "", nil, err
		}
		w.add("c.beneficiary_id = ?", live)
	}
	w.area("b.kecamatan_code", f.Area)
	if f.KecamatanCode != "" {
		w.add("b.kecamatan_code = ?", f.KecamatanCode)
	}
	if f.PpksType != "" {
		w.add("c.ppks_type = ?", f.PpksType)
	}
	if f.State != 0 {
		w.add("c.state = ?", int(f.State))
	}
	query := `SELECT ` + caseColumns + caseFrom +
		w.String() + ` ORDER BY c.id LIMIT ?`
	return query, append(w.args, limit(p)), nil
}

// UpdateCase reads a case, lets update change it and stores it.
func (db *DB) UpdateCase(ctx context.Context, op ppks.Op, beneficiaryID, caseID string, update func(*ppks.Case) error) (*ppks.Case, error) {
	var out *ppks.Case
	err := db.write(ctx, "update case", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayCase); done || err != nil {
			return err
		}
		c, err := findLiveCase(ctx, tx, beneficiaryID, caseID)
		if err != nil {
			return err
		}
		owner, revision, ppksType := c.BeneficiaryID, c.Revision, c.PpksType
		if err := callback(update(c)); err != nil {
			return err
		}
		c.ID, c.BeneficiaryID, c.Revision = caseID, owner, revision+1
		res, err := tx.ExecContext(ctx, `UPDATE cases SET ppks_type = ?, opened_on = ?, state = ?, outcome = ?,
			closed_on = ?, close_note = ?, assigned_worker = ?, update_time = ?, revision = ?
			WHERE id = ? AND beneficiary_id = ? AND revision = ?`,
			c.PpksType, dateText(c.OpenedOn), int(c.State), int(c.Outcome),
			dateText(c.ClosedOn), c.CloseNote, c.AssignedWorker, micros(c.UpdateTime), c.Revision,
			caseID, owner, revision)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if c.PpksType != ppksType { // the category its interventions' pairs are attributed to
			keys, err := casePairs(ctx, tx, caseID)
			if err != nil {
				return err
			}
			if err := recountPairs(ctx, tx, keys); err != nil {
				return err
			}
		}
		if err := recordOp(ctx, tx, op, c.Name()); err != nil {
			return err
		}
		out, err = findCase(ctx, tx, owner, caseID)
		return err
	})
	return out, err
}

// caseColumns read a case joined with its person (b), whose kecamatan it carries: the
// area it belongs to (caseFrom).
const caseColumns = `c.id, c.beneficiary_id, c.ppks_type, c.opened_on, c.state, c.outcome, c.closed_on,
	c.close_note, c.assigned_worker, c.create_time, c.update_time, c.revision, b.kecamatan_code`

// caseFrom is what caseColumns read from.
const caseFrom = ` FROM cases c JOIN beneficiaries b ON b.id = c.beneficiary_id`

func scanCase(s scanner) (*ppks.Case, error) {
	var (
		c                ppks.Case
		opened, closedOn sql.NullString
		ct, ut           int64
	)
	if err := s.Scan(&c.ID, &c.BeneficiaryID, &c.PpksType, &opened, &c.State, &c.Outcome, &closedOn,
		&c.CloseNote, &c.AssignedWorker, &ct, &ut, &c.Revision, &c.PersonKecamatan); err != nil {
		return nil, err
	}
	var err1, err2 error
	c.OpenedOn, err1 = parseDate(opened)
	c.ClosedOn, err2 = parseDate(closedOn)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	c.CreateTime, c.UpdateTime = fromMicros(ct), fromMicros(ut)
	return &c, nil
}

// findCase reads a case of a person: NotFound when there is none, or when it belongs to
// another person.
func findCase(ctx context.Context, tx *sql.Tx, beneficiaryID, caseID string) (*ppks.Case, error) {
	c, err := scanCase(tx.QueryRowContext(ctx, `SELECT `+caseColumns+caseFrom+`
		WHERE c.id = ? AND c.beneficiary_id = ?`, caseID, beneficiaryID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound(ppks.CaseName(beneficiaryID, caseID))
	}
	return c, err
}

// findLiveCase is findCase for the survivor when beneficiaryID names a merged person.
func findLiveCase(ctx context.Context, tx *sql.Tx, beneficiaryID, caseID string) (*ppks.Case, error) {
	live, err := resolveID(ctx, tx, beneficiaryID)
	if err != nil {
		return nil, err
	}
	return findCase(ctx, tx, live, caseID)
}

// replayCase reads the case a request answered before produced (now its person's
// survivor's, when the person was merged since).
func replayCase(ctx context.Context, tx *sql.Tx, name string) (*ppks.Case, error) {
	ids, err := splitName(name, "beneficiaries", "cases")
	if err != nil {
		return nil, err
	}
	return findLiveCase(ctx, tx, ids[0], ids[1])
}
