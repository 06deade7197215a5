package ppks

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// tokenPrefix marks the service's tokens, so that a leaked one is easy to recognise.
const tokenPrefix = "ppks_"

// HashToken returns the stored form of a token secret.
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// Authenticate returns the principal of a bearer token secret. Every failure is the same
// Unauthenticated error, whatever its cause.
func (s *Service) Authenticate(ctx context.Context, secret string) (*Principal, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return nil, Unauthenticated()
	}
	hash := HashToken(secret)
	now := s.Now()
	if p := s.auth.get(string(hash), now); p != nil {
		return p, nil
	}
	t, u, err := s.Store.Authenticate(ctx, hash)
	switch {
	case KindOf(err) == KindNotFound:
		return nil, Unauthenticated()
	case err != nil:
		return nil, err
	case !t.Valid(s.Now()) || u.Disabled:
		return nil, Unauthenticated()
	}
	p := &Principal{Username: u.Username, Role: u.Role, Kecamatan: u.Kecamatan}
	s.auth.put(string(hash), authEntry{p: p, until: now.Add(authCacheTTL), expires: t.ExpireTime})
	return p, nil
}

// CreateUser adds a user.
func (s *Service) CreateUser(ctx context.Context, key RequestKey, u User) (*User, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return nil, err
	}
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	if err := vs.merge(u.validate(s.Catalog, "user.")); err != nil {
		return nil, err
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	u.Disabled = false
	u.CreateTime = s.now()
	u.UpdateTime = u.CreateTime
	u.Revision = 1
	op := s.op(ctx, "CreateUser", key)
	op.Audit.Summary, op.Audit.Resource = "created user: role "+u.Role.String(), u.Name()
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error { return tx.InsertUser(ctx, &u) })
	if err != nil {
		return nil, err
	}
	if replayed != "" {
		return s.replayedUser(ctx, replayed)
	}
	return &u, nil
}

// replayedUser reads the user a replayed write produced.
func (s *Service) replayedUser(ctx context.Context, name string) (*User, error) {
	ids, err := nameIDs(name, "users")
	if err != nil {
		return nil, err
	}
	return s.Store.GetUser(ctx, ids[0])
}

// GetUser returns a user.
func (s *Service) GetUser(ctx context.Context, username string) (*User, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return nil, err
	}
	return s.Store.GetUser(ctx, username)
}

// CurrentUser returns the signed-in user.
func (s *Service) CurrentUser(ctx context.Context) (*User, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.GetUser(ctx, p.Username)
}

// ListUsers lists users by username.
func (s *Service) ListUsers(ctx context.Context, size int32, token string) ([]*User, string, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return nil, "", err
	}
	pg, err := page(size, token, "users")
	if err != nil {
		return nil, "", err
	}
	return listPage(pg, "users", func(pg PageRequest) ([]*User, error) { return s.Store.ListUsers(ctx, pg) },
		func(u *User) string { return u.Username })
}

var userFields = []string{"display_name", "role", "kecamatan_codes", "disabled"}

// UpdateUser changes a user's display name, role, kecamatan or disabled flag.
func (s *Service) UpdateUser(ctx context.Context, key RequestKey, patch User, paths []string, etag string) (*User, error) {
	p, err := requireRole(ctx, Administrators...)
	if err != nil {
		return nil, err
	}
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	paths, err = checkMask(paths, userFields)
	if err := vs.merge(err); err != nil {
		return nil, err
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	defer s.auth.clear() // a disabled user or a changed role or area applies at once
	op := s.op(ctx, "UpdateUser", key)
	op.Audit.Summary = changed("updated user", paths)
	var out *User
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		u, err := tx.GetUser(ctx, patch.Username)
		if err != nil {
			return err
		}
		if err := checkEtag(etag, u.Etag()); err != nil {
			return err
		}
		for _, path := range paths {
			switch path {
			case "display_name":
				u.DisplayName = patch.DisplayName
			case "role":
				u.Role = patch.Role
			case "kecamatan_codes":
				u.Kecamatan = patch.Kecamatan
			case "disabled":
				u.Disabled = patch.Disabled
			}
		}
		if u.Username == p.Username && (u.Disabled || u.Role != RoleAdmin) {
			return FailedPrecondition("SELF_LOCKOUT", "an administrator cannot disable or demote themselves",
				"Administrator tidak dapat menonaktifkan atau menurunkan perannya sendiri.")
		}
		if err := u.validate(s.Catalog, "user."); err != nil {
			return err
		}
		u.UpdateTime = s.now()
		op.Audit.Resource = u.Name()
		out = u
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return nil, err
	}
	if replayed != "" {
		return s.replayedUser(ctx, replayed)
	}
	return out, nil
}

// maxTokenTTL bounds token lifetimes; longer-lived access is a new token.
const maxTokenTTL = 5 * 365 * 24 * time.Hour

// CreateToken issues a token for a user and returns it with its secret, which is shown
// this once and never stored. A replayed request returns the token without its secret.
func (s *Service) CreateToken(ctx context.Context, key RequestKey, username, description string, expire time.Time) (*Token, string, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return nil, "", err
	}
	key = NormalizeKey(key)
	description = strings.TrimSpace(description)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	now := s.now()
	if !expire.IsZero() && (!expire.After(now) || expire.Sub(now) > maxTokenTTL) {
		vs.add("token.expire_time", "OUT_OF_RANGE", "must be in the future and within 5 years", "Harus di masa depan dan paling lama 5 tahun.")
	}
	checkText(&vs, "token.description", description, maxReasonLen)
	if err := vs.err(); err != nil {
		return nil, "", err
	}
	secret := newSecret()
	t := &Token{ID: s.NewID(), Username: username, Hash: HashToken(secret), Description: description, CreateTime: now, ExpireTime: expire.UTC()}
	op := s.op(ctx, "CreateToken", key)
	op.Audit.Summary, op.Audit.Resource = "issued token", t.Name()
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		if _, err := tx.GetUser(ctx, username); err != nil {
			return err
		}
		return tx.InsertToken(ctx, t)
	})
	if err != nil {
		return nil, "", err
	}
	if replayed != "" {
		t, err := s.replayedToken(ctx, replayed)
		return t, "", err // the secret was shown the first time only
	}
	return t, secret, nil
}

// replayedToken reads the token a replayed write produced.
func (s *Service) replayedToken(ctx context.Context, name string) (*Token, error) {
	ids, err := nameIDs(name, "users", "tokens")
	if err != nil {
		return nil, err
	}
	return s.Store.GetToken(ctx, ids[0], ids[1])
}

// ListTokens lists a user's tokens (never their secrets).
func (s *Service) ListTokens(ctx context.Context, username string, size int32, token string) ([]*Token, string, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return nil, "", err
	}
	scope := "tokens|" + username
	pg, err := page(size, token, scope)
	if err != nil {
		return nil, "", err
	}
	return listPage(pg, scope, func(pg PageRequest) ([]*Token, error) { return s.Store.ListTokens(ctx, username, pg) },
		func(t *Token) string { return t.ID })
}

// RevokeToken revokes a token at once; revoking twice is harmless.
func (s *Service) RevokeToken(ctx context.Context, key RequestKey, username, id string) (*Token, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return nil, err
	}
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	if err := vs.err(); err != nil {
		return nil, err
	}
	defer s.auth.clear() // a revoked token stops working at once
	op := s.op(ctx, "RevokeToken", key)
	op.Audit.Summary = "revoked token"
	var out *Token
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		t, err := tx.GetToken(ctx, username, id)
		if err != nil {
			return err
		}
		if t.RevokeTime.IsZero() {
			t.RevokeTime = s.now()
		}
		op.Audit.Resource, out = t.Name(), t
		return tx.UpdateToken(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	if replayed != "" {
		return s.replayedToken(ctx, replayed)
	}
	return out, nil
}

// BootstrapAdmin creates the first administrator and a token for them, on a database
// that has none; it refuses when an enabled administrator exists.
func (s *Service) BootstrapAdmin(ctx context.Context, username, displayName string) (*User, string, error) {
	ctx = WithPrincipal(ctx, SystemPrincipal)
	n, err := s.Store.CountAdmins(ctx)
	if err != nil {
		return nil, "", err
	}
	if n > 0 {
		return nil, "", FailedPrecondition("ADMIN_EXISTS", "an administrator exists already; ask them for an account",
			"Administrator sudah ada; mintalah akun kepada administrator.")
	}
	u, err := s.CreateUser(ctx, RequestKey{}, User{Username: username, DisplayName: displayName, Role: RoleAdmin})
	if err != nil {
		return nil, "", err
	}
	_, secret, err := s.CreateToken(ctx, RequestKey{}, u.Username, "bootstrap", time.Time{})
	return u, secret, err
}

// ParseAuditFilter turns a filter string into a typed filter.
func ParseAuditFilter(filter string) (AuditFilter, error) {
	conds, err := ParseFilter(filter)
	if err != nil {
		return AuditFilter{}, err
	}
	var f AuditFilter
	for _, c := range conds {
		switch {
		case c.Field == "time" && c.Op == ">=", c.Field == "time" && c.Op == "<":
			t, err := time.Parse(time.RFC3339, c.Value)
			if err != nil {
				return AuditFilter{}, invalid("filter", "INVALID_FILTER", "filter: time takes an RFC 3339 timestamp", "Filter tidak valid: time berupa waktu RFC 3339.")
			}
			if c.Op == ">=" {
				f.After = t
			} else {
				f.Before = t
			}
		case c.Op != "=":
			return AuditFilter{}, invalid("filter", "INVALID_FILTER", "filter: "+c.Field+" takes =", "Filter tidak valid: "+c.Field+" memakai operator =.")
		case c.Field == "username":
			f.Username = c.Value
		case c.Field == "method":
			f.Method = c.Value
		case c.Field == "resource":
			f.Resource = c.Value
		case c.Field == "action" && (c.Value == "WRITE" || c.Value == "AUDIT_ACTION_WRITE"):
			f.Action = AuditWrite
		case c.Field == "action" && (c.Value == "READ" || c.Value == "AUDIT_ACTION_READ"):
			f.Action = AuditRead
		default:
			return AuditFilter{}, invalid("filter", "UNKNOWN_FILTER_FIELD", "filter: cannot filter on "+c.Field+" = "+c.Value,
				"Filter tidak valid: tidak dapat menyaring berdasarkan "+c.Field+".")
		}
	}
	return f, nil
}

// ListAudit lists audit entries, newest first.
func (s *Service) ListAudit(ctx context.Context, size int32, token, filter string) ([]*AuditEntry, string, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return nil, "", err
	}
	f, ferr := ParseAuditFilter(filter)
	scope := "audit|" + filter
	pg, perr := page(size, token, scope)
	if err := joinInvalid(ferr, perr); err != nil {
		return nil, "", err
	}
	return listPage(pg, scope, func(pg PageRequest) ([]*AuditEntry, error) { return s.Store.ListAudit(ctx, f, pg) },
		func(e *AuditEntry) string { return strconv.FormatInt(e.ID, 10) })
}
