package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/opendinsos/ppks/internal/ppks"
)

// PutPassword stores a user's password hash, replacing any.
func (t *txn) PutPassword(ctx context.Context, pw *ppks.Password) error {
	return mapErr(ctx, "put password", func() error {
		if _, err := findUser(ctx, t.tx, pw.Username); err != nil {
			return err
		}
		_, err := t.tx.ExecContext(ctx, `INSERT INTO passwords (username, hash, set_time, set_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (username) DO UPDATE SET hash = excluded.hash, set_time = excluded.set_time, set_by = excluded.set_by`,
			pw.Username, pw.Hash, micros(pw.SetTime), pw.SetBy)
		return err
	}())
}

// GetPassword returns a user's password hash; NotFound when none is set.
func (q queries) GetPassword(ctx context.Context, username string) (*ppks.Password, error) {
	var out *ppks.Password
	err := q.read(ctx, "get password", func(tx *sql.Tx) error {
		var pw ppks.Password
		var set int64
		err := tx.QueryRowContext(ctx, `SELECT username, hash, set_time, set_by FROM passwords WHERE username = ?`, username).
			Scan(&pw.Username, &pw.Hash, &set, &pw.SetBy)
		if errors.Is(err, sql.ErrNoRows) {
			return ppks.NotFound("users/" + username + "/password")
		}
		if err != nil {
			return err
		}
		pw.SetTime = fromMicros(set)
		out = &pw
		return nil
	})
	return out, err
}
