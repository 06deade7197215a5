package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// InsertCase stores a new case of its person.
func (t *txn) InsertCase(ctx context.Context, c *ppks.Case) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO cases (id, beneficiary_id, ppks_type, opened_on, state,
		outcome, closed_on, close_note, assigned_worker, create_time, update_time, revision)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.BeneficiaryID, c.PpksType, dateText(c.OpenedOn), int(c.State),
		int(c.Outcome), dateText(c.ClosedOn), c.CloseNote, c.AssignedWorker,
		micros(c.CreateTime), micros(c.UpdateTime), c.Revision)
	// Both unique keys of cases contain the id: either one failing means it is taken.
	if code := constraint(err); code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || code == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		err = takenCase(ctx, t.tx, c.ID, err)
	}
	return mapErr(ctx, "insert case", err)
}

// GetCase returns a case of a person (of the survivor, for the id of a merged person).
func (q queries) GetCase(ctx context.Context, beneficiaryID, caseID string) (*ppks.Case, error) {
	var out *ppks.Case
	err := q.read(ctx, "get case", func(tx *sql.Tx) (err error) {
		out, err = findLiveCase(ctx, tx, beneficiaryID, caseID)
		return err
	})
	return out, err
}

// ListCases lists cases by id; those of a merged person are its survivor's.
func (q queries) ListCases(ctx context.Context, f ppks.CaseFilter, p ppks.PageRequest) ([]*ppks.Case, error) {
	var out []*ppks.Case
	err := q.read(ctx, "list cases", func(tx *sql.Tx) (err error) {
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
	w, err := caseWhere(ctx, tx, f)
	if err != nil {
		return "", nil, err
	}
	if p.After != "" {
		w.add("c.id > ?", p.After)
	}
	query := `SELECT ` + caseColumns + caseFrom +
		w.String() + ` ORDER BY c.id LIMIT ?`
	return query, append(w.args, limit(p)), nil
}

// CountCases counts the cases ListCases would list.
func (q queries) CountCases(ctx context.Context, f ppks.CaseFilter) (int, error) {
	var n int
	err := q.read(ctx, "count cases", func(tx *sql.Tx) error {
		w, err := caseWhere(ctx, tx, f)
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*)`+caseFrom+w.String(), w.args...).Scan(&n)
	})
	return n, err
}

// caseWhere is the condition of the cases a filter selects.
func caseWhere(ctx context.Context, tx *sql.Tx, f ppks.CaseFilter) (where, error) {
	var w where
	if f.BeneficiaryID != "" {
		live, err := resolveID(ctx, tx, f.BeneficiaryID)
		if err != nil {
			return w, err
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
	return w, nil
}

// UpdateCase stores a case's fields, if the stored case is still at c.Revision, and the
// counts of its interventions' pairs when its PPKS category changed.
func (t *txn) UpdateCase(ctx context.Context, c *ppks.Case) error {
	return mapErr(ctx, "update case", func() error {
		var ppksType string
		if err := t.tx.QueryRowContext(ctx, `SELECT ppks_type FROM cases WHERE id = ? AND beneficiary_id = ?`,
			c.ID, c.BeneficiaryID).Scan(&ppksType); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ppks.NotFound(c.Name())
			}
			return err
		}
		res, err := t.tx.ExecContext(ctx, `UPDATE cases SET ppks_type = ?, opened_on = ?, state = ?, outcome = ?,
			closed_on = ?, close_note = ?, assigned_worker = ?, update_time = ?, revision = ?
			WHERE id = ? AND beneficiary_id = ? AND revision = ?`,
			c.PpksType, dateText(c.OpenedOn), int(c.State), int(c.Outcome),
			dateText(c.ClosedOn), c.CloseNote, c.AssignedWorker, micros(c.UpdateTime), c.Revision+1,
			c.ID, c.BeneficiaryID, c.Revision)
		if err != nil {
			return err
		}
		if err := changedSince(res, c.Name()); err != nil {
			return err
		}
		c.Revision++
		if c.PpksType == ppksType {
			return nil
		}
		keys, err := casePairs(ctx, t.tx, c.ID) // the category its interventions' pairs are attributed to
		if err != nil {
			return err
		}
		return recountPairs(ctx, t.tx, keys)
	}())
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
// The common case, a live person, is one query: the join says whether the person was
// merged, and only then is the chain followed (resolveID).
func findLiveCase(ctx context.Context, tx *sql.Tx, beneficiaryID, caseID string) (*ppks.Case, error) {
	var merged sql.NullString
	c, err := scanCase(withExtra(tx.QueryRowContext(ctx, `SELECT `+caseColumns+`, b.merged_into`+caseFrom+`
		WHERE c.id = ? AND c.beneficiary_id = ?`, caseID, beneficiaryID), &merged))
	switch {
	case err == nil && !merged.Valid:
		return c, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	live, err := resolveID(ctx, tx, beneficiaryID)
	if err != nil {
		return nil, err
	}
	return findCase(ctx, tx, live, caseID)
}
