package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// InsertToken stores a token of its user.
func (t *txn) InsertToken(ctx context.Context, tk *ppks.Token) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO tokens (id, username, hash, description, create_time,
		expire_time, revoke_time) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		tk.ID, tk.Username, tk.Hash, tk.Description, micros(tk.CreateTime),
		nullMicros(tk.ExpireTime), nullMicros(tk.RevokeTime))
	switch constraint(err) {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		err = alreadyExists(tk.Name())
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		err = tokenHashExists()
	}
	return mapErr(ctx, "insert token", err)
}

// GetToken returns a token of a user.
func (q queries) GetToken(ctx context.Context, username, id string) (*ppks.Token, error) {
	var out *ppks.Token
	err := q.read(ctx, "get token", func(tx *sql.Tx) (err error) {
		out, err = findToken(ctx, tx, username, id)
		return err
	})
	return out, err
}

// Authenticate returns the token with the hash and its user, read together. It does not
// check that the token is valid: the domain does.
func (q queries) Authenticate(ctx context.Context, hash []byte) (*ppks.Token, *ppks.User, error) {
	var (
		tok *ppks.Token
		usr *ppks.User
	)
	err := q.read(ctx, "authenticate", func(tx *sql.Tx) error {
		var (
			tr tokenRow
			ur userRow
		)
		err := tx.QueryRowContext(ctx, `SELECT `+tokenColumns+`, `+userColumns+`
			FROM tokens t JOIN users u ON u.username = t.username
			WHERE t.hash = ?`, hash).Scan(append(tr.dest(), ur.dest()...)...)
		if errors.Is(err, sql.ErrNoRows) {
			return ppks.NotFound("token") // never name the hash
		}
		if err != nil {
			return err
		}
		tok = tr.token()
		usr, err = ur.user()
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return tok, usr, nil
}

// ListTokens lists the tokens of a user by id; NotFound when the user does not exist.
func (q queries) ListTokens(ctx context.Context, username string, p ppks.PageRequest) ([]*ppks.Token, error) {
	var w where
	w.add("t.username = ?", username)
	if p.After != "" {
		w.add("t.id > ?", p.After)
	}
	query := `SELECT ` + tokenColumns + ` FROM tokens t` + w.String() + ` ORDER BY t.id LIMIT ?`
	var out []*ppks.Token
	err := q.read(ctx, "list tokens", func(tx *sql.Tx) (err error) {
		if _, err = findUser(ctx, tx, username); err != nil {
			return err
		}
		out, err = queryRows(ctx, tx, query, append(w.args, limit(p)), scanToken)
		return err
	})
	return out, err
}

// UpdateToken stores a token's description, expiry and revocation; its id, user, secret
// hash and creation time stay.
func (t *txn) UpdateToken(ctx context.Context, tk *ppks.Token) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE tokens SET description = ?, expire_time = ?, revoke_time = ?
		WHERE id = ? AND username = ?`,
		tk.Description, nullMicros(tk.ExpireTime), nullMicros(tk.RevokeTime), tk.ID, tk.Username)
	if err == nil {
		err = changedSince(res, tk.Name())
	}
	return mapErr(ctx, "update token", err)
}

const tokenColumns = `t.id, t.username, t.hash, t.description, t.create_time, t.expire_time, t.revoke_time`

// tokenRow receives the tokenColumns of a row; Authenticate scans it together with a user.
type tokenRow struct {
	t              ppks.Token
	ct             int64
	expire, revoke sql.NullInt64
}

func (r *tokenRow) dest() []any {
	return []any{&r.t.ID, &r.t.Username, &r.t.Hash, &r.t.Description, &r.ct, &r.expire, &r.revoke}
}

func (r *tokenRow) token() *ppks.Token {
	r.t.CreateTime = fromMicros(r.ct)
	r.t.ExpireTime, r.t.RevokeTime = fromNullMicros(r.expire), fromNullMicros(r.revoke)
	return &r.t
}

func scanToken(s scanner) (*ppks.Token, error) {
	var r tokenRow
	if err := s.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.token(), nil
}

// findToken reads a token of a user: NotFound when there is none, or when it is another
// user's.
func findToken(ctx context.Context, tx *sql.Tx, username, id string) (*ppks.Token, error) {
	t, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens t
		WHERE t.id = ? AND t.username = ?`, id, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound((&ppks.Token{Username: username, ID: id}).Name())
	}
	return t, err
}

// tokenHashExists reports a secret hash already stored: it names no token, since the
// other one may be another user's.
func tokenHashExists() *ppks.Error {
	return &ppks.Error{
		Kind:      ppks.KindAlreadyExists,
		Reason:    "TOKEN_EXISTS",
		Message:   "a token with this secret exists already",
		Localized: "Token dengan rahasia tersebut sudah ada.",
	}
}
