package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

// findRequest looks key up among the requests already answered. It returns the name of
// the resource the first request produced and true when key came with the same method
// and payload, and ppks.ErrRequestReused when it came with others. A key without an id
// is never found.
func findRequest(ctx context.Context, tx *sql.Tx, key ppks.RequestKey) (string, bool, error) {
	if key.ID == "" {
		return "", false, nil
	}
	var method, fingerprint, resource string
	err := tx.QueryRowContext(ctx, `SELECT method, fingerprint, resource FROM requests
		WHERE username = ? AND request_id = ?`, key.Username, key.ID).Scan(&method, &fingerprint, &resource)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, err
	case method != key.Method || fingerprint != key.Fingerprint:
		return "", false, ppks.ErrRequestReused()
	}
	return resource, true, nil
}

// insertRequest records that key produced the resource named resource. It runs in the
// transaction of the change, so either both are stored or neither.
func insertRequest(ctx context.Context, tx *sql.Tx, key ppks.RequestKey, resource string) error {
	if key.ID == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO requests (username, request_id, method, fingerprint, resource, create_time)
		VALUES (?, ?, ?, ?, ?, ?)`, key.Username, key.ID, key.Method, key.Fingerprint, resource, micros(time.Now()))
	return err
}

// recordOp records, in the transaction of the change to the resource named name, the
// request of op (so that a retry is answered from it) and its audit entry.
func recordOp(ctx context.Context, tx *sql.Tx, op ppks.Op, name string) error {
	if err := insertRequest(ctx, tx, op.Key, name); err != nil {
		return err
	}
	return appendAudit(ctx, tx, op.Audit, name)
}
