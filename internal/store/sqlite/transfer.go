package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// CreateTransfer reads the live person holding nik (nil when none) and whether a request
// for them is pending, and stores the request build returns.
func (db *DB) CreateTransfer(ctx context.Context, op ppks.Op, nik string, build func(*ppks.Beneficiary, bool) (*ppks.Transfer, error)) (*ppks.Transfer, error) {
	var out *ppks.Transfer
	err := db.write(ctx, "create transfer", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayTransfer); done || err != nil {
			return err
		}
		var (
			b       *ppks.Beneficiary
			pending bool
		)
		holders, err := queryRows(ctx, tx, `SELECT `+beneficiaryColumns+` FROM beneficiaries b
			WHERE b.nik = ? AND b.merged_into IS NULL`, []any{nik}, scanBeneficiary)
		if err != nil {
			return err
		}
		if len(holders) == 1 {
			b = holders[0]
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM transfers
				WHERE beneficiary_id = ? AND state = ?)`, b.ID, int(ppks.TransferPending)).Scan(&pending); err != nil {
				return err
			}
		}
		t, err := build(b, pending)
		if err := callback(err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO transfers (id, nik, to_kecamatan, reason, state,
			beneficiary_id, from_kecamatan, requested_by, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.NIK, t.ToKecamatan, t.Reason, int(t.State), t.BeneficiaryID, t.FromKecamatan,
			t.RequestedBy, micros(t.CreateTime)); err != nil {
			switch constraint(err) {
			case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
				return alreadyExists(t.Name())
			case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
				return errors.New("create transfer: a pending request the build did not see")
			}
			return err
		}
		if err := recordOp(ctx, tx, op, t.Name()); err != nil {
			return err
		}
		out, err = findTransfer(ctx, tx, t.ID)
		return err
	})
	return out, err
}

// GetTransfer returns a transfer request.
func (db *DB) GetTransfer(ctx context.Context, id string) (*ppks.Transfer, error) {
	var out *ppks.Transfer
	err := db.read(ctx, "get transfer", func(tx *sql.Tx) (err error) {
		out, err = findTransfer(ctx, tx, id)
		return err
	})
	return out, err
}

// ListTransfers lists transfer requests by id.
func (db *DB) ListTransfers(ctx context.Context, f ppks.TransferFilter, p ppks.PageRequest) ([]*ppks.Transfer, error) {
	var w where
	if p.After != "" {
		w.add("id > ?", p.After)
	}
	if f.RequestedBy != "" {
		w.add("requested_by = ?", f.RequestedBy)
	}
	if f.State != 0 {
		w.add("state = ?", int(f.State))
	}
	var out []*ppks.Transfer
	err := db.read(ctx, "list transfers", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+transferColumns+` FROM transfers`+w.String()+` ORDER BY id LIMIT ?`,
			append(w.args, limit(p)), scanTransfer)
		return err
	})
	return out, err
}

// DecideTransfer reads a request and its person (the survivor, when merged since), lets
// decide change both, and stores them: the person with its revision incremented, when
// decide changed it.
func (db *DB) DecideTransfer(ctx context.Context, op ppks.Op, id string, decide func(*ppks.Transfer, *ppks.Beneficiary) error) (*ppks.Transfer, error) {
	var out *ppks.Transfer
	err := db.write(ctx, "decide transfer", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayTransfer); done || err != nil {
			return err
		}
		t, err := findTransfer(ctx, tx, id)
		if err != nil {
			return err
		}
		b, err := findLiveBeneficiary(ctx, tx, t.BeneficiaryID)
		if err != nil {
			return err
		}
		before := *b
		if err := callback(decide(t, b)); err != nil {
			return err
		}
		t.ID = id
		res, err := tx.ExecContext(ctx, `UPDATE transfers SET state = ?, decided_by = ?, decision_note = ?,
			decide_time = ? WHERE id = ?`, int(t.State), t.DecidedBy, t.DecisionNote, nullMicros(t.DecideTime), id)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if *b != before {
			b.ID, b.Revision, b.MergedInto = before.ID, before.Revision+1, before.MergedInto
			if err := updateBeneficiary(ctx, tx, b, before.Revision); err != nil {
				return err
			}
		}
		if err := recordOp(ctx, tx, op, t.Name()); err != nil {
			return err
		}
		out, err = findTransfer(ctx, tx, id)
		return err
	})
	return out, err
}

const transferColumns = `id, nik, to_kecamatan, reason, state, beneficiary_id, from_kecamatan, requested_by,
	decided_by, decision_note, create_time, decide_time`

func scanTransfer(s scanner) (*ppks.Transfer, error) {
	var (
		t      ppks.Transfer
		ct     int64
		decide sql.NullInt64
	)
	if err := s.Scan(&t.ID, &t.NIK, &t.ToKecamatan, &t.Reason, &t.State, &t.BeneficiaryID, &t.FromKecamatan,
		&t.RequestedBy, &t.DecidedBy, &t.DecisionNote, &ct, &decide); err != nil {
		return nil, err
	}
	t.CreateTime, t.DecideTime = fromMicros(ct), fromNullMicros(decide)
	return &t, nil
}

func findTransfer(ctx context.Context, tx *sql.Tx, id string) (*ppks.Transfer, error) {
	t, err := scanTransfer(tx.QueryRowContext(ctx, `SELECT `+transferColumns+` FROM transfers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound("transfers/" + id)
	}
	return t, err
}

func replayTransfer(ctx context.Context, tx *sql.Tx, name string) (*ppks.Transfer, error) {
	ids, err := splitName(name, "transfers")
	if err != nil {
		return nil, err
	}
	return findTransfer(ctx, tx, ids[0])
}
