package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// InsertTransfer stores a new transfer request. A second pending request for one person
// is refused by the database too (transfers_one_pending).
func (t *txn) InsertTransfer(ctx context.Context, tr *ppks.Transfer) error {
	return mapErr(ctx, "insert transfer", func() error {
		tag, err := t.tx.Exec(ctx, `INSERT INTO transfers (id, nik, to_kecamatan, reason, state,
			beneficiary_id, from_kecamatan, requested_by, decided_by, decision_note, create_time, decide_time)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
			tr.ID, tr.NIK, tr.ToKecamatan, tr.Reason, int(tr.State), tr.BeneficiaryID, tr.FromKecamatan,
			tr.RequestedBy, tr.DecidedBy, tr.DecisionNote, tr.CreateTime, nullTime(tr.DecideTime))
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var id string
		err = t.tx.QueryRow(ctx, `SELECT id FROM transfers WHERE id = $1
			OR (beneficiary_id = $2 AND state = $3) ORDER BY id = $1 DESC LIMIT 1`,
			tr.ID, tr.BeneficiaryID, int(ppks.TransferPending)).Scan(&id)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return t.tx.retry(errors.New("insert transfer: a key taken by a concurrent write"))
		case err != nil:
			return err
		case id == tr.ID:
			return alreadyExists(tr.Name())
		}
		return &ppks.Error{Kind: ppks.KindAlreadyExists, Reason: "TRANSFER_PENDING",
			Message:   "a transfer request for this person waits for a supervisor",
			Localized: "Permintaan pindah untuk orang ini sedang menunggu keputusan supervisor."}
	}())
}

// GetTransfer returns a transfer request.
func (q queries) GetTransfer(ctx context.Context, id string) (*ppks.Transfer, error) {
	var out *ppks.Transfer
	err := q.read(ctx, "get transfer", true, func(tx querier) (err error) {
		out, err = scanTransfer(tx.QueryRow(ctx, `SELECT `+transferColumns+` FROM transfers WHERE id = $1`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return ppks.NotFound("transfers/" + id)
		}
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
	query := `SELECT ` + transferColumns + ` FROM transfers` + w.String() + ` ORDER BY id LIMIT ` + w.arg(limit(p))
	var out []*ppks.Transfer
	err := q.read(ctx, "list transfers", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, query, w.args, scanTransfer)
		return err
	})
	return out, err
}

// UpdateTransfer stores a request's decision.
func (t *txn) UpdateTransfer(ctx context.Context, tr *ppks.Transfer) error {
	tag, err := t.exec(ctx, "update transfer", `UPDATE transfers SET state = $1, decided_by = $2, decision_note = $3,
		decide_time = $4 WHERE id = $5`, int(tr.State), tr.DecidedBy, tr.DecisionNote, nullTime(tr.DecideTime), tr.ID)
	if err != nil {
		return err
	}
	return changedSince(tag, tr.Name())
}

const transferColumns = `id, nik, to_kecamatan, reason, state, beneficiary_id, from_kecamatan, requested_by,
	decided_by, decision_note, create_time, decide_time`

func scanTransfer(s pgx.Row) (*ppks.Transfer, error) {
	var (
		t      ppks.Transfer
		state  int
		decide *time.Time
	)
	if err := s.Scan(&t.ID, &t.NIK, &t.ToKecamatan, &t.Reason, &state, &t.BeneficiaryID, &t.FromKecamatan,
		&t.RequestedBy, &t.DecidedBy, &t.DecisionNote, &t.CreateTime, &decide); err != nil {
		return nil, err
	}
	t.State = ppks.TransferState(state)
	t.CreateTime, t.DecideTime = utc(t.CreateTime), fromNullTime(decide)
	return &t, nil
}
