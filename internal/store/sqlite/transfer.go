package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// InsertTransfer stores a new transfer request. A second pending request for one person
// is refused by the database too (transfers_one_pending).
func (t *txn) InsertTransfer(ctx context.Context, tr *ppks.Transfer) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO transfers (id, nik, to_kecamatan, reason, state,
		beneficiary_id, from_kecamatan, requested_by, decided_by, decision_note, create_time, decide_time)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tr.ID, tr.NIK, tr.ToKecamatan, tr.Reason, int(tr.State), tr.BeneficiaryID, tr.FromKecamatan,
		tr.RequestedBy, tr.DecidedBy, tr.DecisionNote, micros(tr.CreateTime), nullMicros(tr.DecideTime))
	switch constraint(err) {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		err = alreadyExists(tr.Name())
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		err = &ppks.Error{Kind: ppks.KindAlreadyExists, Reason: "TRANSFER_PENDING",
			Message:   "a transfer request for this person waits for a supervisor",
			Localized: "Permintaan pindah untuk orang ini sedang menunggu keputusan supervisor."}
	}
	return mapErr(ctx, "insert transfer", err)
}

// GetTransfer returns a transfer request.
func (q queries) GetTransfer(ctx context.Context, id string) (*ppks.Transfer, error) {
	var out *ppks.Transfer
	err := q.read(ctx, "get transfer", func(tx *sql.Tx) (err error) {
		out, err = findTransfer(ctx, tx, id)
		return err
	})
	return out, err
}

// ListTransfers lists transfer requests by id.
func (q queries) ListTransfers(ctx context.Context, f ppks.TransferFilter, p ppks.PageRequest) ([]*ppks.Transfer, error) {
	var w where
	if p.After != "" {
		w.add("id > ?", p.After)
	}
	if f.BeneficiaryID != "" {
		w.add("beneficiary_id = ?", f.BeneficiaryID)
	}
	if f.RequestedBy != "" {
		w.add("requested_by = ?", f.RequestedBy)
	}
	if f.State != 0 {
		w.add("state = ?", int(f.State))
	}
	var out []*ppks.Transfer
	err := q.read(ctx, "list transfers", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+transferColumns+` FROM transfers`+w.String()+` ORDER BY id LIMIT ?`,
			append(w.args, limit(p)), scanTransfer)
		return err
	})
	return out, err
}

// UpdateTransfer stores a request's decision.
func (t *txn) UpdateTransfer(ctx context.Context, tr *ppks.Transfer) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE transfers SET state = ?, decided_by = ?, decision_note = ?,
		decide_time = ? WHERE id = ?`, int(tr.State), tr.DecidedBy, tr.DecisionNote, nullMicros(tr.DecideTime), tr.ID)
	if err == nil {
		err = changedSince(res, tr.Name())
	}
	return mapErr(ctx, "update transfer", err)
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
