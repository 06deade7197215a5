package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// InsertUser stores a new user.
func (t *txn) InsertUser(ctx context.Context, u *ppks.User) error {
	return mapErr(ctx, "insert user", func() error {
		kecamatan, err := jsonStrings(u.Kecamatan)
		if err != nil {
			return err
		}
		_, err = t.tx.ExecContext(ctx, `INSERT INTO users (username, display_name, role, kecamatan, disabled,
			create_time, update_time, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			u.Username, u.DisplayName, int(u.Role), kecamatan, boolInt(u.Disabled),
			micros(u.CreateTime), micros(u.UpdateTime), u.Revision)
		if constraint(err) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
			return usernameExists(u.Username)
		}
		return err
	}())
}

// GetUser returns a user.
func (q queries) GetUser(ctx context.Context, username string) (*ppks.User, error) {
	var out *ppks.User
	err := q.read(ctx, "get user", func(tx *sql.Tx) (err error) {
		out, err = findUser(ctx, tx, username)
		return err
	})
	return out, err
}

// ListUsers lists users by username.
func (q queries) ListUsers(ctx context.Context, p ppks.PageRequest) ([]*ppks.User, error) {
	var w where
	if p.After != "" {
		w.add("u.username > ?", p.After)
	}
	query := `SELECT ` + userColumns + ` FROM users u` + w.String() + ` ORDER BY u.username LIMIT ?`
	var out []*ppks.User
	err := q.read(ctx, "list users", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, query, append(w.args, limit(p)), scanUser)
		return err
	})
	return out, err
}

// UpdateUser stores a user's fields, if the stored user is still at u.Revision.
func (t *txn) UpdateUser(ctx context.Context, u *ppks.User) error {
	return mapErr(ctx, "update user", func() error {
		kecamatan, err := jsonStrings(u.Kecamatan)
		if err != nil {
			return err
		}
		res, err := t.tx.ExecContext(ctx, `UPDATE users SET display_name = ?, role = ?, kecamatan = ?, disabled = ?,
			update_time = ?, revision = ?
			WHERE username = ? AND revision = ?`,
			u.DisplayName, int(u.Role), kecamatan, boolInt(u.Disabled), micros(u.UpdateTime), u.Revision+1,
			u.Username, u.Revision)
		if err != nil {
			return err
		}
		if err := changedSince(res, u.Name()); err != nil {
			return err
		}
		u.Revision++
		return nil
	}())
}

// CountAdmins counts the administrators who are not disabled.
func (q queries) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := q.read(ctx, "count admins", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = ? AND disabled = 0`,
			int(ppks.RoleAdmin)).Scan(&n)
	})
	return n, err
}

const userColumns = `u.username, u.display_name, u.role, u.kecamatan, u.disabled, u.create_time,
	u.update_time, u.revision`

// userRow receives the userColumns of a row; Authenticate scans it together with a token.
type userRow struct {
	u         ppks.User
	kecamatan string
	ct, ut    int64
}

func (r *userRow) dest() []any {
	return []any{&r.u.Username, &r.u.DisplayName, &r.u.Role, &r.kecamatan, &r.u.Disabled, &r.ct,
		&r.ut, &r.u.Revision}
}

func (r *userRow) user() (*ppks.User, error) {
	var err error
	if r.u.Kecamatan, err = fromJSONStrings(r.kecamatan); err != nil {
		return nil, err
	}
	r.u.CreateTime, r.u.UpdateTime = fromMicros(r.ct), fromMicros(r.ut)
	return &r.u, nil
}

func scanUser(s scanner) (*ppks.User, error) {
	var r userRow
	if err := s.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.user()
}

// findUser reads a user, NotFound when there is none.
func findUser(ctx context.Context, tx *sql.Tx, username string) (*ppks.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound((&ppks.User{Username: username}).Name())
	}
	return u, err
}

// usernameExists reports a username already in use.
func usernameExists(username string) *ppks.Error {
	return &ppks.Error{
		Kind:      ppks.KindAlreadyExists,
		Reason:    "USERNAME_EXISTS",
		Message:   "a user with this username exists already",
		Localized: "Nama pengguna sudah dipakai.",
		Violations: []ppks.Violation{{
			Field: "user.username", Reason: "USERNAME_EXISTS",
			Message: "already in use", Localized: "Nama pengguna sudah dipakai pengguna lain.",
		}},
		Resource: (&ppks.User{Username: username}).Name(),
	}
}
