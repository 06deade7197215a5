package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// InsertToken stores a token of its user.
func (t *txn) InsertToken(ctx context.Context, tk *ppks.Token) error {
	return mapErr(ctx, "insert token", func() error {
		tag, err := t.tx.Exec(ctx, `INSERT INTO tokens (id, username, hash, description, create_time,
			expire_time, revoke_time) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
			tk.ID, tk.Username, tk.Hash, tk.Description, tk.CreateTime, nullTime(tk.ExpireTime), nullTime(tk.RevokeTime))
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var taken bool
		if err := t.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tokens WHERE id = $1)`, tk.ID).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return alreadyExists(tk.Name())
		}
		return tokenHashExists() // the only other unique key
	}())
}

// GetToken returns a token of a user.
func (q queries) GetToken(ctx context.Context, username, id string) (*ppks.Token, error) {
	var out *ppks.Token
	err := q.read(ctx, "get token", true, func(tx querier) (err error) {
		out, err = scanToken(tx.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens t
			WHERE t.id = $1 AND t.username = $2`, id, username))
		if errors.Is(err, pgx.ErrNoRows) {
			return ppks.NotFound((&ppks.Token{Username: username, ID: id}).Name())
		}
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
	err := q.read(ctx, "authenticate", true, func(tx querier) error {
		var (
			tr tokenRow
			ur userRow
		)
		err := tx.QueryRow(ctx, `SELECT `+tokenColumns+`, `+userColumns+`
			FROM tokens t JOIN users u ON u.username = t.username
			WHERE t.hash = $1`, hash).Scan(append(tr.dest(), ur.dest()...)...)
		if errors.Is(err, pgx.ErrNoRows) {
			return ppks.NotFound("token") // never name the hash
		}
		if err != nil {
			return err
		}
		tok, usr = tr.token(), ur.user()
		return nil
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
	query := `SELECT ` + tokenColumns + ` FROM tokens t` + w.String() + ` ORDER BY t.id LIMIT ` + w.arg(limit(p))
	var out []*ppks.Token
	err := q.read(ctx, "list tokens", false, func(tx querier) (err error) {
		if _, err = findUser(ctx, tx, username); err != nil {
			return err
		}
		out, err = queryRows(ctx, tx, query, w.args, scanToken)
		return err
	})
	return out, err
}

// UpdateToken stores a token's description, expiry and revocation; its id, user, secret
// hash and creation time stay.
func (t *txn) UpdateToken(ctx context.Context, tk *ppks.Token) error {
	tag, err := t.exec(ctx, "update token", `UPDATE tokens SET description = $1, expire_time = $2, revoke_time = $3
		WHERE id = $4 AND username = $5`,
		tk.Description, nullTime(tk.ExpireTime), nullTime(tk.RevokeTime), tk.ID, tk.Username)
	if err != nil {
		return err
	}
	return changedSince(tag, tk.Name())
}

const tokenColumns = `t.id, t.username, t.hash, t.description, t.create_time, t.expire_time, t.revoke_time`

// tokenRow receives the tokenColumns of a row; Authenticate scans it together with a user.
type tokenRow struct {
	t              ppks.Token
	expire, revoke *time.Time
}

func (r *tokenRow) dest() []any {
	return []any{&r.t.ID, &r.t.Username, &r.t.Hash, &r.t.Description, &r.t.CreateTime, &r.expire, &r.revoke}
}

func (r *tokenRow) token() *ppks.Token {
	r.t.CreateTime = utc(r.t.CreateTime)
	r.t.ExpireTime, r.t.RevokeTime = fromNullTime(r.expire), fromNullTime(r.revoke)
	return &r.t
}

func scanToken(s pgx.Row) (*ppks.Token, error) {
	var r tokenRow
	if err := s.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.token(), nil
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
