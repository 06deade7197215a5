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

// CreateSession stores a new session of an existing user.
func (db *DB) CreateSession(ctx context.Context, op ppks.Op, s *ppks.Session) (*ppks.Session, error) {
	var out *ppks.Session
	err := db.write(ctx, "create session", func(ctx context.Context, tx *sql.Tx) error {
		if _, err := findUser(ctx, tx, s.Username); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, username, hash, create_time, last_seen, expire_time,
			revoke_time, address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, s.Username, s.Hash, micros(s.CreateTime), micros(s.LastSeen), micros(s.ExpireTime),
			nullMicros(s.RevokeTime), s.Address, s.UserAgent); err != nil {
			switch constraint(err) {
			case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
				return alreadyExists(s.Name())
			case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
				return tokenHashExists()
			}
			return err
		}
		if err := recordOp(ctx, tx, op, s.Name()); err != nil {
			return err
		}
		var err error
		out, err = scanSession(tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions s WHERE s.id = ?`, s.ID))
		return err
	})
	return out, err
}

// SessionByHash finds the session with the hash and its user, read together.
func (db *DB) SessionByHash(ctx context.Context, hash []byte) (*ppks.Session, *ppks.User, error) {
	var (
		sess *ppks.Session
		usr  *ppks.User
	)
	err := db.read(ctx, "session by hash", func(tx *sql.Tx) error {
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

// TouchSession records the time of a request of the session.
func (db *DB) TouchSession(ctx context.Context, id string, t time.Time) error {
	return db.write(ctx, "touch session", func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE id = ? AND last_seen < ?`, micros(t), id, micros(t))
		return err
	})
}

// RevokeSession revokes one session of a user.
func (db *DB) RevokeSession(ctx context.Context, op ppks.Op, username, id string, t time.Time) error {
	return db.write(ctx, "revoke session", func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET revoke_time = COALESCE(revoke_time, ?) WHERE id = ? AND username = ?`,
			micros(t), id, username)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ppks.NotFound((&ppks.Session{Username: username, ID: id}).Name())
		}
		return recordOp(ctx, tx, op, (&ppks.Session{Username: username, ID: id}).Name())
	})
}

// RevokeSessions revokes every unrevoked session of a user.
func (db *DB) RevokeSessions(ctx context.Context, op ppks.Op, username string, t time.Time) (int, error) {
	var n int64
	err := db.write(ctx, "revoke sessions", func(ctx context.Context, tx *sql.Tx) error {
		u, err := findUser(ctx, tx, username)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET revoke_time = ? WHERE username = ? AND revoke_time IS NULL`,
			micros(t), username)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		return recordOp(ctx, tx, op, u.Name()+"/sessions")
	})
	return int(n), err
}

// ListSessions lists a user's unrevoked sessions seen since seenSince, newest first.
func (db *DB) ListSessions(ctx context.Context, username string, seenSince time.Time) ([]*ppks.Session, error) {
	var out []*ppks.Session
	err := db.read(ctx, "list sessions", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+sessionColumns+` FROM sessions s
			WHERE s.username = ? AND s.revoke_time IS NULL AND s.last_seen >= ?
			ORDER BY s.create_time DESC, s.id DESC LIMIT ?`,
			[]any{username, micros(seenSince), ppks.MaxPageSize}, scanSession)
		return err
	})
	return out, err
}
