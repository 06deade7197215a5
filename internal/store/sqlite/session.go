package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

const sessionColumns = `s.id, s.username, s.hash, s.create_time, s.last_seen, s.expire_time, s.revoke_time,
	s.address, s.user_agent`

type sessionRow struct {
	s                ppks.Session
	ct, seen, expire int64
	revoke           sql.NullInt64
}

func (r *sessionRow) dest() []any {
	return []any{&r.s.ID, &r.s.Username, &r.s.Hash, &r.ct, &r.seen, &r.expire, &r.revoke, &r.s.Address, &r.s.UserAgent}
}

func (r *sessionRow) session() *ppks.Session {
	r.s.CreateTime, r.s.LastSeen, r.s.ExpireTime = fromMicros(r.ct), fromMicros(r.seen), fromMicros(r.expire)
	r.s.RevokeTime = fromNullMicros(r.revoke)
	return &r.s
}

func scanSession(s scanner) (*ppks.Session, error) {
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
		_, err := t.tx.ExecContext(ctx, `INSERT INTO sessions (id, username, hash, create_time, last_seen, expire_time,
			revoke_time, address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, s.Username, s.Hash, micros(s.CreateTime), micros(s.LastSeen), micros(s.ExpireTime),
			nullMicros(s.RevokeTime), s.Address, s.UserAgent)
		switch constraint(err) {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return alreadyExists(s.Name())
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return tokenHashExists()
		}
		return err
	}())
}

// SessionByHash finds the session with the hash and its user, read together.
func (q queries) SessionByHash(ctx context.Context, hash []byte) (*ppks.Session, *ppks.User, error) {
	var (
		sess *ppks.Session
		usr  *ppks.User
	)
	err := q.read(ctx, "session by hash", func(tx *sql.Tx) error {
		var (
			sr sessionRow
			ur userRow
		)
		err := tx.QueryRowContext(ctx, `SELECT `+sessionColumns+`, `+userColumns+`
			FROM sessions s JOIN users u ON u.username = s.username
			WHERE s.hash = ?`, hash).Scan(append(sr.dest(), ur.dest()...)...)
		if errors.Is(err, sql.ErrNoRows) {
			return ppks.NotFound("session") // never name the hash
		}
		if err != nil {
			return err
		}
		sess = sr.session()
		usr, err = ur.user()
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return sess, usr, nil
}

// DeleteEndedSessions deletes the user's sessions that ended before the cutoffs.
func (t *txn) DeleteEndedSessions(ctx context.Context, username string, endedBefore, seenBefore time.Time) (int, error) {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE username = ?
		AND (revoke_time < ? OR expire_time < ? OR last_seen < ?)`,
		username, micros(endedBefore), micros(endedBefore), micros(seenBefore))
	if err != nil {
		return 0, mapErr(ctx, "delete ended sessions", err)
	}
	n, err := res.RowsAffected()
	return int(n), mapErr(ctx, "delete ended sessions", err)
}

// TouchSession records the time of a request of the session.
func (t *txn) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE id = ? AND last_seen < ?`, micros(at), id, micros(at))
	return mapErr(ctx, "touch session", err)
}

// RevokeSession revokes one session of a user.
func (t *txn) RevokeSession(ctx context.Context, username, id string, at time.Time) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE sessions SET revoke_time = COALESCE(revoke_time, ?) WHERE id = ? AND username = ?`,
		micros(at), id, username)
	if err == nil {
		if n, rerr := res.RowsAffected(); rerr != nil {
			err = rerr
		} else if n == 0 {
			err = ppks.NotFound((&ppks.Session{Username: username, ID: id}).Name())
		}
	}
	return mapErr(ctx, "revoke session", err)
}

// RevokeSessions revokes every unrevoked session of a user but keep.
func (t *txn) RevokeSessions(ctx context.Context, username, keep string, at time.Time) (int, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE sessions SET revoke_time = ? WHERE username = ? AND revoke_time IS NULL AND id <> ?`,
		micros(at), username, keep)
	if err != nil {
		return 0, mapErr(ctx, "revoke sessions", err)
	}
	n, err := res.RowsAffected()
	return int(n), mapErr(ctx, "revoke sessions", err)
}

// ListSessions lists a user's unrevoked sessions seen since seenSince, newest first.
func (q queries) ListSessions(ctx context.Context, username string, seenSince time.Time) ([]*ppks.Session, error) {
	var out []*ppks.Session
	err := q.read(ctx, "list sessions", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+sessionColumns+` FROM sessions s
			WHERE s.username = ? AND s.revoke_time IS NULL AND s.last_seen >= ?
			ORDER BY s.create_time DESC, s.id DESC LIMIT ?`,
			[]any{username, micros(seenSince), ppks.MaxPageSize}, scanSession)
		return err
	})
	return out, err
}
