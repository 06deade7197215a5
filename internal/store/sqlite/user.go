package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// CreateUser stores u.
func (db *DB) CreateUser(ctx context.Context, op ppks.Op, u *ppks.User) (*ppks.User, error) {
	var out *ppks.User
	err := db.write(ctx, "create user", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayUser); done || err != nil {
			return err
		}
		kecamatan, err := jsonStrings(u.Kecamatan)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (username, display_name, role, kecamatan, disabled,
			create_time, update_time, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			u.Username, u.DisplayName, int(u.Role), kecamatan, boolInt(u.Disabled),
			micros(u.CreateTime), micros(u.UpdateTime), u.Revision); err != nil {
			if constraint(err) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
				return usernameExists(u.Username)
			}
			return err
		}
		if err := recordOp(ctx, tx, op, u.Name()); err != nil {
			return err
		}
		out, err = findUser(ctx, tx, u.Username)
		return err
	})
	return out, err
}

// GetUser returns a user.
func (db *DB) GetUser(ctx context.Context, username string) (*ppks.User, error) {
	var out *ppks.User
	err := db.read(ctx, "get user", func(tx *sql.Tx) (err error) {
		out, err = findUser(ctx, tx, username)
		return err
	})
	return out, err
}

// ListUsers lists users by username.
func (db *DB) ListUsers(ctx context.Context, p ppks.PageRequest) ([]*ppks.User, error) {
	var w where
	if p.After != "" {
		w.add("u.username > ?", p.After)
	}
	query := `SELECT ` + userColumns + ` FROM users u` + w.String() + ` ORDER BY u.username LIMIT ?`
	var out []*ppks.User
	err := db.read(ctx, "list users", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, query, append(w.args, limit(p)), scanUser)
		return err
	})
	return out, err
}

// UpdateUser reads a user, lets update change it and stores it. The username stays.
func (db *DB) UpdateUser(ctx context.Context, op ppks.Op, username string, update func(*ppks.User) error) (*ppks.User, error) {
	var out *ppks.User
	err := db.write(ctx, "update user", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayUser); done || err != nil {
			return err
		}
		u, err := findUser(ctx, tx, username)
		if err != nil {
			return err
		}
		revision := u.Revision
		if err := callback(update(u)); err != nil {
			return err
		}
		u.Username, u.Revision = username, revision+1
		kecamatan, err := jsonStrings(u.Kecamatan)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ?, role = ?, kecamatan = ?, disabled = ?,
			update_time = ?, revision = ?
			WHERE username = ? AND revision = ?`,
			u.DisplayName, int(u.Role), kecamatan, boolInt(u.Disabled), micros(u.UpdateTime), u.Revision,
			username, revision)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if err := recordOp(ctx, tx, op, u.Name()); err != nil {
			return err
		}
		out, err = findUser(ctx, tx, username)
		return err
	})
	return out, err
}

// CountAdmins counts the administrators who are not disabled.
func (db *DB) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := db.read(ctx, "count admins", func(tx *sql.Tx) error {
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

// replayUser reads the user a request answered before wrote.
func replayUser(ctx context.Context, tx *sql.Tx, name string) (*ppks.User, error) {
	ids, err := splitName(name, "users")
	if err != nil {
		return nil, err
	}
	return findUser(ctx, tx, ids[0])
}

// usernameExists reports a username already in use.
func usernameExists(username string) *ppks.Error {
	return &ppks.Error{
		Kind:    ppks.KindAlreadyExists,
		Reason:  "USERNAME_EXISTS",
		Message: "a user with this username exists already",
		Pesan:   "Nama pengguna sudah dipakai.",
		Violations: []ppks.Violation{{
			Field: "user.username", Reason: "USERNAME_EXISTS",
			Message: "already in use", Pesan: "Nama pengguna sudah dipakai pengguna lain.",
		}},
		Resource: (&ppks.User{Username: username}).Name(),
	}
}
