package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/opendinsos/ppks/internal/ppks"
)

// SetPassword stores a user's password hash, replacing any, and revokes the user's
// sessions but keepSession in the same transaction.
func (db *DB) SetPassword(ctx context.Context, op ppks.Op, pw *ppks.Password, keepSession string) error {
	return db.write(ctx, "set password", func(ctx context.Context, tx *sql.Tx) error {
		var out *ppks.User
		if done, err := replayed(ctx, tx, op.Key, &out, replayUser); done || err != nil {
			return err
		}
		u, err := findUser(ctx, tx, pw.Username)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO passwords (username, hash, set_time, set_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (username) DO UPDATE SET hash = excluded.hash, set_time = excluded.set_time, set_by = excluded.set_by`,
			u.Username, pw.Hash, micros(pw.SetTime), pw.SetBy); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoke_time = ?
			WHERE username = ? AND revoke_time IS NULL AND id <> ?`, micros(pw.SetTime), u.Username, keepSession); err != nil {
			return err
		}
		return recordOp(ctx, tx, op, u.Name())
	})
}

// GetPassword returns a user's password hash; NotFound when none is set.
func (db *DB) GetPassword(ctx context.Context, username string) (*ppks.Password, error) {
	var out *ppks.Password
	err := db.read(ctx, "get password", func(tx *sql.Tx) error {
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
