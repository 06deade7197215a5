package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

const sessionColumns = `s.id, s.username, s.hash, s.create_time, s.last_seen, s.expire_time, s.revoke_time,
	s.address, s.user_agent`

type sessionRow struct {
	s      ppks.Session
	revoke *time.Time
}

func (r *sessionRow) dest() []any {
	return []any{&r.s.ID, &r.s.Username, &r.s.Hash, &r.s.CreateTime, &r.s.LastSeen, &r.s.ExpireTime, &r.revoke,
		&r.s.Address, &r.s.UserAgent}
}

func (r *sessionRow) session() *ppks.Session {
	r.s.CreateTime, r.s.LastSeen, r.s.ExpireTime = utc(r.s.CreateTime), utc(r.s.LastSeen), utc(r.s.ExpireTime)
	r.s.RevokeTime = fromNullTime(r.revoke)
	return &r.s
}

func scanSession(s pgx.Row) (*ppks.Session, error) {
	var r sessionRow
	if err := s.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.session(), nil
}

// InsertSession stores a new session of an existing user.
func (t *txn) InsertSession(ctx context.Context, s *ppks.Session) error {
	return mapErr(ctx, "insert session", func() error {
		if _, err := findUser(ctx, t.tx, s.Username); err != nil {
			return err
		}
		tag, err := t.tx.Exec(ctx, `INSERT INTO sessions (id, username, hash, create_time, last_seen, expire_time,
			revoke_time, address, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			s.ID, s.Username, s.Hash, s.CreateTime, s.LastSeen, s.ExpireTime, nullTime(s.RevokeTime), s.Address, s.UserAgent)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var taken bool
		if err := t.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM sessions WHERE id = $1)`, s.ID).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return alreadyExists(s.Name())
		}
		return tokenHashExists() // the only other unique key: the secret's hash
	}())
}

// SessionByHash finds the session with the hash and its user, read together.
func (q queries) SessionByHash(ctx context.Context, hash []byte) (*ppks.Session, *ppks.User, error) {
	var (
		sess *ppks.Session
		usr  *ppks.User
	)
	err := q.read(ctx, "session by hash", true, func(tx querier) error {
		var (
			sr sessionRow
			ur userRow
		)
		err := tx.QueryRow(ctx, `SELECT `+sessionColumns+`, `+userColumns+`
			FROM sessions s JOIN users u ON u.username = s.username
			WHERE s.hash = $1`, hash).Scan(append(sr.dest(), ur.dest()...)...)
		if errors.Is(err, pgx.ErrNoRows) {
			return ppks.NotFound("session") // never name the hash
		}
		if err != nil {
			return err
		}
		sess, usr = sr.session(), ur.user()
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return sess, usr, nil
}

// DeleteEndedSessions deletes the user's sessions that ended before the cutoffs.
func (t *txn) DeleteEndedSessions(ctx context.Context, username string, endedBefore, seenBefore time.Time) (int, error) {
	tag, err := t.exec(ctx, "delete ended sessions", `DELETE FROM sessions WHERE username = $1
		AND (revoke_time < $2 OR expire_time < $2 OR last_seen < $3)`, username, endedBefore, seenBefore)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// TouchSession records the time of a request of the session.
func (t *txn) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := t.exec(ctx, "touch session", `UPDATE sessions SET last_seen = $1 WHERE id = $2 AND last_seen < $1`, at, id)
	return err
}

// RevokeSession revokes one session of a user; revoking twice is harmless.
func (t *txn) RevokeSession(ctx context.Context, username, id string, at time.Time) error {
	tag, err := t.exec(ctx, "revoke session", `UPDATE sessions SET revoke_time = COALESCE(revoke_time, $1)
		WHERE id = $2 AND username = $3`, at, id, username)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ppks.NotFound((&ppks.Session{Username: username, ID: id}).Name())
	}
	return nil
}

// RevokeSessions revokes every unrevoked session of a user but keep.
func (t *txn) RevokeSessions(ctx context.Context, username, keep string, at time.Time) (int, error) {
	tag, err := t.exec(ctx, "revoke sessions", `UPDATE sessions SET revoke_time = $1
		WHERE username = $2 AND revoke_time IS NULL AND id <> $3`, at, username, keep)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// ListSessions lists a user's unrevoked sessions seen since seenSince, newest first.
func (q queries) ListSessions(ctx context.Context, username string, seenSince time.Time) ([]*ppks.Session, error) {
	var out []*ppks.Session
	err := q.read(ctx, "list sessions", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+sessionColumns+` FROM sessions s
			WHERE s.username = $1 AND s.revoke_time IS NULL AND s.last_seen >= $2
			ORDER BY s.create_time DESC, s.id DESC LIMIT $3`,
			[]any{username, seenSince, ppks.MaxPageSize}, scanSession)
		return err
	})
	return out, err
}
