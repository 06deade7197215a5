package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// InsertCase stores a new case of its person; a taken id is AlreadyExists naming the case
// that holds it, whoever's it is.
func (t *txn) InsertCase(ctx context.Context, c *ppks.Case) error {
	return mapErr(ctx, "insert case", func() error {
		tag, err := t.tx.Exec(ctx, `INSERT INTO cases (id, beneficiary_id, ppks_type, opened_on, state,
			outcome, closed_on, close_note, assigned_worker, create_time, update_time, revision)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
			c.ID, c.BeneficiaryID, c.PpksType, dateText(c.OpenedOn), int(c.State),
			int(c.Outcome), dateText(c.ClosedOn), c.CloseNote, c.AssignedWorker,
			c.CreateTime, c.UpdateTime, c.Revision)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		// Both unique keys of cases contain the id: either one means it is taken.
		var owner string
		err = t.tx.QueryRow(ctx, `SELECT beneficiary_id FROM cases WHERE id = $1`, c.ID).Scan(&owner)
		if errors.Is(err, pgx.ErrNoRows) {
			return t.tx.retry(errors.New("insert case: an id taken by a concurrent write"))
		}
		if err != nil {
			return err
		}
		return alreadyExists(ppks.CaseName(owner, c.ID))
	}())
}

// GetCase returns a case of a person (of the survivor, for the id of a merged person).
func (q queries) GetCase(ctx context.Context, beneficiaryID, caseID string) (*ppks.Case, error) {
	var out *ppks.Case
	err := q.read(ctx, "get case", false, func(tx querier) (err error) {
		out, err = findLiveCase(ctx, tx, beneficiaryID, caseID)
		return err
	})
	return out, err
}

// ListCases lists cases by id; those of a merged person are its survivor's.
func (q queries) ListCases(ctx context.Context, f ppks.CaseFilter, p ppks.PageRequest) ([]*ppks.Case, error) {
	var out []*ppks.Case
	err := q.read(ctx, "list cases", f.BeneficiaryID == "", func(tx querier) error {
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
func listCasesQuery(ctx context.Context, q querier, f ppks.CaseFilter, p ppks.PageRequest) (string, []any, error) {
	w, err := caseWhere(ctx, q, f)
	if err != nil {
		return "", nil, err
	}
	if p.After != "" {
		w.add("c.id > ?", p.After)
	}
	query := `SELECT ` + caseColumns + caseFrom + w.String() + ` ORDER BY c.id LIMIT ` + w.arg(limit(p))
	return query, w.args, nil
}

// CountCases counts the cases ListCases would list.
func (q queries) CountCases(ctx context.Context, f ppks.CaseFilter) (int, error) {
	var n int
	err := q.read(ctx, "count cases", f.BeneficiaryID == "", func(tx querier) error {
		w, err := caseWhere(ctx, tx, f)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT count(*)`+caseFrom+w.String(), w.args...).Scan(&n)
	})
	return n, err
}

// caseWhere is the condition of the cases a filter selects.
func caseWhere(ctx context.Context, q querier, f ppks.CaseFilter) (*where, error) {
	w := &where{}
	if f.BeneficiaryID != "" {
		live, err := resolveID(ctx, q, f.BeneficiaryID)
		if err != nil {
			return nil, err
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
		if err := t.tx.QueryRow(ctx, `SELECT ppks_type FROM cases WHERE id = $1 AND beneficiary_id = $2`,
			c.ID, c.BeneficiaryID).Scan(&ppksType); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return ppks.NotFound(c.Name())
			}
			return err
		}
		tag, err := t.tx.Exec(ctx, `UPDATE cases SET ppks_type = $1, opened_on = $2, state = $3, outcome = $4,
			closed_on = $5, close_note = $6, assigned_worker = $7, update_time = $8, revision = $9
			WHERE id = $10 AND beneficiary_id = $11 AND revision = $12`,
			c.PpksType, dateText(c.OpenedOn), int(c.State), int(c.Outcome),
			dateText(c.ClosedOn), c.CloseNote, c.AssignedWorker, c.UpdateTime, c.Revision+1,
			c.ID, c.BeneficiaryID, c.Revision)
		if err != nil {
			return err
		}
		if err := changedSince(tag, c.Name()); err != nil {
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
// area it belongs to.
const caseColumns = `c.id, c.beneficiary_id, c.ppks_type, c.opened_on, c.state, c.outcome, c.closed_on,
	c.close_note, c.assigned_worker, c.create_time, c.update_time, c.revision, b.kecamatan_code`

// caseFrom is what caseColumns read from.
const caseFrom = ` FROM cases c JOIN beneficiaries b ON b.id = c.beneficiary_id`

func scanCase(s pgx.Row) (*ppks.Case, error) {
	var (
		c                ppks.Case
		state, outcome   int
		opened, closedOn *string
	)
	if err := s.Scan(&c.ID, &c.BeneficiaryID, &c.PpksType, &opened, &state, &outcome, &closedOn,
		&c.CloseNote, &c.AssignedWorker, &c.CreateTime, &c.UpdateTime, &c.Revision, &c.PersonKecamatan); err != nil {
		return nil, err
	}
	c.State, c.Outcome = ppks.CaseState(state), ppks.Outcome(outcome)
	var err1, err2 error
	c.OpenedOn, err1 = parseDate(opened)
	c.ClosedOn, err2 = parseDate(closedOn)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	c.CreateTime, c.UpdateTime = utc(c.CreateTime), utc(c.UpdateTime)
	return &c, nil
}

// findCase reads a case of a person: NotFound when there is none, or when it belongs to
// another person.
func findCase(ctx context.Context, q querier, beneficiaryID, caseID string) (*ppks.Case, error) {
	c, err := scanCase(q.QueryRow(ctx, `SELECT `+caseColumns+caseFrom+`
		WHERE c.id = $1 AND c.beneficiary_id = $2`, caseID, beneficiaryID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ppks.NotFound(ppks.CaseName(beneficiaryID, caseID))
	}
	return c, err
}

// findLiveCase is findCase for the survivor when beneficiaryID names a merged person. A
// merge moves every case to the survivor, so a case found under beneficiaryID is of a
// live person: the merged_into chain is followed only when none is (one query, not two,
// for the common case).
func findLiveCase(ctx context.Context, q querier, beneficiaryID, caseID string) (*ppks.Case, error) {
	c, err := findCase(ctx, q, beneficiaryID, caseID)
	if ppks.KindOf(err) != ppks.KindNotFound {
		return c, err
	}
	live, err := resolveID(ctx, q, beneficiaryID)
	if err != nil {
		return nil, err
	}
	if live == beneficiaryID {
		return nil, ppks.NotFound(ppks.CaseName(beneficiaryID, caseID))
	}
	return findCase(ctx, q, live, caseID)
}
