package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// PutPassword stores a user's password hash, replacing any; NotFound without the user.
func (t *txn) PutPassword(ctx context.Context, pw *ppks.Password) error {
	return mapErr(ctx, "put password", func() error {
		if _, err := findUser(ctx, t.tx, pw.Username); err != nil {
			return err
		}
		_, err := t.tx.Exec(ctx, `INSERT INTO passwords (username, hash, set_time, set_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (username) DO UPDATE SET hash = excluded.hash, set_time = excluded.set_time, set_by = excluded.set_by`,
			pw.Username, pw.Hash, pw.SetTime, pw.SetBy)
		return err
	}())
}

// GetPassword returns a user's password hash; NotFound when none is set.
func (q queries) GetPassword(ctx context.Context, username string) (*ppks.Password, error) {
	var out *ppks.Password
	err := q.read(ctx, "get password", true, func(tx querier) error {
		var pw ppks.Password
		err := tx.QueryRow(ctx, `SELECT username, hash, set_time, set_by FROM passwords WHERE username = $1`, username).
			Scan(&pw.Username, &pw.Hash, &pw.SetTime, &pw.SetBy)
		if errors.Is(err, pgx.ErrNoRows) {
			return ppks.NotFound("users/" + username + "/password")
		}
		if err != nil {
			return err
		}
		pw.SetTime = utc(pw.SetTime)
		out = &pw
		return nil
	})
	return out, err
}
