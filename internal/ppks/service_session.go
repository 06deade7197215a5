package ppks

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"
	"unicode/utf8"
)

// sessionPrefix marks session secrets (kept in a browser cookie), as tokenPrefix marks
// bearer tokens.
const sessionPrefix = "ppkss_"

// Client describes where a sign-in comes from, for the limiter and the audit log.
type Client struct {
	Address   string
	UserAgent string
}

// SignInFailed is the one error of a refused sign-in: it never says whether the user
// exists, is disabled or typed the wrong password.
func SignInFailed() *Error {
	return &Error{Kind: KindUnauthenticated, Reason: "SIGN_IN_FAILED", Message: "wrong username or password",
		Localized: "Nama pengguna atau kata sandi salah."}
}

// SessionExpired refuses a session that ended by itself (idle or too old), so the page
// can say so; any other failure is Unauthenticated.
func SessionExpired() *Error {
	return &Error{Kind: KindUnauthenticated, Reason: "SESSION_EXPIRED", Message: "the session has expired; sign in again",
		Localized: "Sesi Anda telah berakhir; silakan masuk kembali."}
}

// tooManyAttempts refuses sign-ins from a user or address with too many recent failures.
func tooManyAttempts(until, now time.Time) *Error {
	minutes := int(until.Sub(now).Minutes()) + 1
	return &Error{Kind: KindResourceExhausted, Reason: "TOO_MANY_ATTEMPTS",
		Message:   "too many failed sign-ins; try again in " + itoa(minutes) + " minutes",
		Localized: "Terlalu banyak percobaan masuk yang gagal; coba lagi dalam " + itoa(minutes) + " menit."}
}

// SignIn checks a username and password and opens a session, returning it with its
// secret (for the cookie; shown this once, stored only as a hash). Failures are limited
// per username and per address, and every attempt is in the audit log.
func (s *Service) SignIn(ctx context.Context, username, password string, c Client) (*Session, string, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	c.Address = truncate(c.Address, 100)
	c.UserAgent = truncate(c.UserAgent, 300)
	now := s.Now()
	if blocked, until := s.logins.blocked(username, c.Address, now); blocked {
		err := tooManyAttempts(until, now)
		return nil, "", s.signInFailed(ctx, username, c, "refused: too many failed attempts", err)
	}
	u, err := s.Store.GetUser(ctx, username)
	if err != nil && KindOf(err) != KindNotFound {
		return nil, "", err
	}
	var pw *Password
	if err == nil {
		if pw, err = s.Store.GetPassword(ctx, username); err != nil && KindOf(err) != KindNotFound {
			return nil, "", err
		}
	}
	hash := dummyHash // the same work whether or not the user exists
	if pw != nil {
		hash = pw.Hash
	}
	ok := CheckPassword(hash, password) && pw != nil
	switch {
	case u == nil:
		return nil, "", s.signInFailed(ctx, username, c, "unknown user", SignInFailed())
	case pw == nil:
		return nil, "", s.signInFailed(ctx, username, c, "no password set", SignInFailed())
	case !ok:
		return nil, "", s.signInFailed(ctx, username, c, "wrong password", SignInFailed())
	case u.Disabled:
		return nil, "", s.signInFailed(ctx, username, c, "user disabled", SignInFailed())
	}
	s.logins.succeed(username)
	secret := newSessionSecret()
	t := s.now()
	sess := &Session{ID: s.NewID(), Username: u.Username, Hash: HashToken(secret), CreateTime: t, LastSeen: t,
		ExpireTime: t.Add(s.Sessions.absolute()), Address: c.Address, UserAgent: c.UserAgent}
	op := s.op(WithPrincipal(ctx, &Principal{Username: u.Username, Role: u.Role}), "SignIn", RequestKey{})
	op.Audit.Summary = "signed in from " + c.Address
	op.Audit.Resource = sess.Name()
	if _, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		if err := tx.InsertSession(ctx, sess); err != nil {
			return err
		}
		// The user's sessions that ended long ago go with this sign-in: their rows hold
		// where and with what the user signed in, needed no longer.
		cutoff := t.Add(-SessionRetention)
		_, err := tx.DeleteEndedSessions(ctx, u.Username, cutoff, cutoff.Add(-s.Sessions.idle()))
		return err
	}); err != nil {
		return nil, "", err
	}
	return sess, secret, nil
}

// signInFailed counts a failure and records it in the audit log, then returns err.
func (s *Service) signInFailed(ctx context.Context, username string, c Client, why string, err error) error {
	if KindOf(err) != KindResourceExhausted {
		s.logins.fail(username, c.Address, s.Now())
	}
	name := truncate(username, maxAuditUsername)
	if aerr := s.appendAudit(ctx, &AuditEntry{Time: s.now(), Username: name, Method: "SignInFailed",
		Action: AuditWrite, Resource: "users/" + name, Summary: why + " from " + c.Address}); aerr != nil {
		return aerr
	}
	return err
}

func newSessionSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return sessionPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// SessionPrincipal returns the principal of a session secret, refreshing the session's
// last-seen time. A revoked session, a disabled user or an unknown secret is
// Unauthenticated; a session that ran out of time is SessionExpired.
func (s *Service) SessionPrincipal(ctx context.Context, secret string) (*Principal, *Session, error) {
	if !strings.HasPrefix(secret, sessionPrefix) || len(secret) > 100 {
		return nil, nil, Unauthenticated()
	}
	sess, u, err := s.Store.SessionByHash(ctx, HashToken(secret))
	switch {
	case KindOf(err) == KindNotFound:
		return nil, nil, Unauthenticated()
	case err != nil:
		return nil, nil, err
	case !sess.RevokeTime.IsZero() || u.Disabled:
		return nil, nil, Unauthenticated()
	}
	now := s.Now()
	if !sess.Live(now, s.Sessions) {
		return nil, nil, SessionExpired()
	}
	if now.Sub(sess.LastSeen) >= sessionTouchEvery {
		sess.LastSeen = s.now()
		// A touch is no change of anyone's data: a write with no audit entry.
		if _, err := s.Store.Write(ctx, Op{}, func(ctx context.Context, tx Tx) error {
			return tx.TouchSession(ctx, sess.ID, sess.LastSeen)
		}); err != nil {
			return nil, nil, err
		}
	}
	return &Principal{Username: u.Username, Role: u.Role, Kecamatan: u.Kecamatan, SessionID: sess.ID}, sess, nil
}

// SignOut ends the caller's session. Signing out twice is harmless.
func (s *Service) SignOut(ctx context.Context) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if p.SessionID == "" {
		return nil
	}
	op := s.op(ctx, "SignOut", RequestKey{})
	op.Audit.Summary, op.Audit.Resource = "signed out", (&Session{Username: p.Username, ID: p.SessionID}).Name()
	_, err = s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		return tx.RevokeSession(ctx, p.Username, p.SessionID, s.now())
	})
	return err
}

// ChangePassword changes the caller's own password: the current one is required, and
// every other session of the user ends (the one making the change stays signed in).
func (s *Service) ChangePassword(ctx context.Context, current, password string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if p.Role == RoleSystem {
		return PermissionDenied()
	}
	var vs violations
	now := s.Now()
	if blocked, until := s.logins.blocked(p.Username, "", now); blocked {
		return tooManyAttempts(until, now)
	}
	old, err := s.Store.GetPassword(ctx, p.Username)
	if err != nil && KindOf(err) != KindNotFound {
		return err
	}
	if old == nil || !CheckPassword(old.Hash, current) {
		s.logins.fail(p.Username, "", now)
		vs.add("current_password", "WRONG_PASSWORD", "the current password is wrong", "Kata sandi saat ini salah.")
	}
	checkNewPassword(&vs, "new_password", p.Username, password)
	if current != "" && current == password {
		vs.add("new_password", "UNCHANGED", "must differ from the current password", "Harus berbeda dari kata sandi saat ini.")
	}
	if err := vs.err(); err != nil {
		return err
	}
	op := s.op(ctx, "ChangePassword", RequestKey{})
	op.Audit.Summary = "changed own password; other sessions ended"
	return s.putPassword(ctx, op, &Password{Username: p.Username, Hash: HashPassword(password), SetTime: s.now(), SetBy: p.Username}, p.SessionID)
}

// SetPassword sets a user's password (ADMIN): every session of the user ends.
func (s *Service) SetPassword(ctx context.Context, key RequestKey, username, password string) error {
	p, err := requireRole(ctx, Administrators...)
	if err != nil {
		return err
	}
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	checkNewPassword(&vs, "password", username, password)
	if err := vs.err(); err != nil {
		return err
	}
	op := s.op(ctx, "SetPassword", key)
	op.Audit.Summary = "set password; sessions ended"
	return s.putPassword(ctx, op, &Password{Username: username, Hash: HashPassword(password), SetTime: s.now(), SetBy: p.Username}, "")
}

// putPassword stores a password and, in the same write, ends every session of its user
// but keep ("" for none): a changed password signs out whoever knew the old one.
func (s *Service) putPassword(ctx context.Context, op Op, pw *Password, keep string) error {
	op.Audit.Resource = "users/" + pw.Username
	_, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		if err := tx.PutPassword(ctx, pw); err != nil {
			return err
		}
		_, err := tx.RevokeSessions(ctx, pw.Username, keep, pw.SetTime)
		return err
	})
	return err
}

// HasPassword reports whether a user can sign in to the web application (ADMIN).
func (s *Service) HasPassword(ctx context.Context, username string) (bool, time.Time, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return false, time.Time{}, err
	}
	pw, err := s.Store.GetPassword(ctx, username)
	switch {
	case KindOf(err) == KindNotFound:
		return false, time.Time{}, nil
	case err != nil:
		return false, time.Time{}, err
	}
	return true, pw.SetTime, nil
}

// ListSessions lists a user's sessions that may still be live, newest first (ADMIN).
func (s *Service) ListSessions(ctx context.Context, username string) ([]*Session, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return nil, err
	}
	list, err := s.Store.ListSessions(ctx, username, s.now().Add(-s.Sessions.idle()))
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := list[:0]
	for _, sess := range list {
		if sess.Live(now, s.Sessions) {
			out = append(out, sess)
		}
	}
	return out, nil
}

// EndSessions ends every session of a user (ADMIN): "sign out everywhere".
func (s *Service) EndSessions(ctx context.Context, username string) (int, error) {
	if _, err := requireRole(ctx, Administrators...); err != nil {
		return 0, err
	}
	op := s.op(ctx, "EndSessions", RequestKey{})
	op.Audit.Summary, op.Audit.Resource = "ended every session", "users/"+username
	var n int
	_, err := s.write(ctx, op, func(ctx context.Context, tx Tx) (err error) {
		if _, err := tx.GetUser(ctx, username); err != nil {
			return err
		}
		n, err = tx.RevokeSessions(ctx, username, "", s.now())
		return err
	})
	return n, err
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
