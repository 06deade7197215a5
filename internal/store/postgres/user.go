package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// InsertUser stores a new user.
func (t *txn) InsertUser(ctx context.Context, u *ppks.User) error {
	return mapErr(ctx, "insert user", func() error {
		tag, err := t.tx.Exec(ctx, `INSERT INTO users (username, display_name, role, kecamatan, disabled,
			create_time, update_time, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING`,
			u.Username, u.DisplayName, int(u.Role), stringList(u.Kecamatan), u.Disabled, u.CreateTime, u.UpdateTime, u.Revision)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return usernameExists(u.Username)
		}
		return nil
	}())
}

// GetUser returns a user.
func (q queries) GetUser(ctx context.Context, username string) (*ppks.User, error) {
	var out *ppks.User
	err := q.read(ctx, "get user", true, func(tx querier) (err error) {
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
	query := `SELECT ` + userColumns + ` FROM users u` + w.String() + ` ORDER BY u.username LIMIT ` + w.arg(limit(p))
	var out []*ppks.User
	err := q.read(ctx, "list users", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, query, w.args, scanUser)
		return err
	})
	return out, err
}

// UpdateUser stores a user's fields, if the stored user is still at u.Revision.
func (t *txn) UpdateUser(ctx context.Context, u *ppks.User) error {
	return mapErr(ctx, "update user", func() error {
		tag, err := t.tx.Exec(ctx, `UPDATE users SET display_name = $1, role = $2, kecamatan = $3, disabled = $4,
			update_time = $5, revision = $6 WHERE username = $7 AND revision = $8`,
			u.DisplayName, int(u.Role), stringList(u.Kecamatan), u.Disabled, u.UpdateTime, u.Revision+1,
			u.Username, u.Revision)
		if err != nil {
			return err
		}
		if err := changedSince(tag, u.Name()); err != nil {
			return err
		}
		u.Revision++
		return nil
	}())
}

// CountAdmins counts the administrators who are not disabled.
func (q queries) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := q.read(ctx, "count admins", true, func(tx querier) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE role = $1 AND NOT disabled`,
			int(ppks.RoleAdmin)).Scan(&n)
	})
	return n, err
}

const userColumns = `u.username, u.display_name, u.role, u.kecamatan, u.disabled, u.create_time,
	u.update_time, u.revision`

// userRow receives the userColumns of a row; Authenticate scans it together with a token.
type userRow struct {
	u         ppks.User
	role      int
	kecamatan []string
}

func (r *userRow) dest() []any {
	return []any{&r.u.Username, &r.u.DisplayName, &r.role, &r.kecamatan, &r.u.Disabled, &r.u.CreateTime,
		&r.u.UpdateTime, &r.u.Revision}
}

func (r *userRow) user() *ppks.User {
	r.u.Role = ppks.Role(r.role)
	r.u.Kecamatan = fromStringList(r.kecamatan)
	r.u.CreateTime, r.u.UpdateTime = utc(r.u.CreateTime), utc(r.u.UpdateTime)
	return &r.u
}

func scanUser(s pgx.Row) (*ppks.User, error) {
	var r userRow
	if err := s.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.user(), nil
}

// findUser reads a user, NotFound when there is none.
func findUser(ctx context.Context, q querier, username string) (*ppks.User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.username = $1`, username))
	if errors.Is(err, pgx.ErrNoRows) {
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
