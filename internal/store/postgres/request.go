package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// findRequest looks key up among the requests already answered. It returns the name of
// the resource the first request produced and true when key came with the same method
// and payload, and ppks.ErrRequestReused when it came with others. A key without an id
// is never found. Two processes sending the same new key at once both find nothing and
// both insert it (insertRequest): the second fails on the key, runs again (write.go) and
// then finds the first one's row.
func findRequest(ctx context.Context, q querier, key ppks.RequestKey) (string, bool, error) {
	if key.ID == "" {
		return "", false, nil
	}
	var method, fingerprint, resource string
	err := q.QueryRow(ctx, `SELECT method, fingerprint, resource FROM requests
		WHERE username = $1 AND request_id = $2`, key.Username, key.ID).Scan(&method, &fingerprint, &resource)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, err
	case method != key.Method || fingerprint != key.Fingerprint:
		return "", false, ppks.ErrRequestReused()
	}
	return resource, true, nil
}

// insertRequest records that key produced the resource named resource, in the
// transaction of the change.
func insertRequest(ctx context.Context, q querier, key ppks.RequestKey, resource string) error {
	if key.ID == "" {
		return nil
	}
	_, err := q.Exec(ctx, `INSERT INTO requests (username, request_id, method, fingerprint, resource, create_time)
		VALUES ($1, $2, $3, $4, $5, $6)`, key.Username, key.ID, key.Method, key.Fingerprint, resource, time.Now().UTC())
	return err
}

// recordOp records, in the transaction of the change to the resource named name, the
// request of op and its audit entry.
func recordOp(ctx context.Context, q querier, op ppks.Op, name string) error {
	if err := insertRequest(ctx, q, op.Key, name); err != nil {
		return err
	}
	return appendAudit(ctx, q, op.Audit, name)
}
