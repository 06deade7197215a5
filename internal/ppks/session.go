package ppks

import (
	"sync"
	"time"
)

// Session is a signed-in browser of the web application. The browser holds a random
// secret; the store keeps only its SHA-256 (as for tokens), so a copy of the database
// signs nobody in.
type Session struct {
	ID         string // public id (a UUID): what lists and revocations name
	Username   string
	Hash       []byte // SHA-256 of the secret
	CreateTime time.Time
	LastSeen   time.Time // last request, to within sessionTouchEvery
	ExpireTime time.Time // absolute end, however active the session is
	RevokeTime time.Time // zero: not revoked (sign-out, password change, administrator)
	Address    string    // the client's address at sign-in
	UserAgent  string
}

// Name returns the resource name.
func (s *Session) Name() string { return "users/" + s.Username + "/sessions/" + s.ID }

// SessionPolicy bounds sessions: they end after Idle without a request and Absolute after
// sign-in, whichever comes first.
type SessionPolicy struct {
	Idle     time.Duration
	Absolute time.Duration
}

// Default session bounds: an office morning without a second sign-in, a phone left on a
// desk signed out within half an hour.
const (
	DefaultSessionIdle     = 30 * time.Minute
	DefaultSessionAbsolute = 12 * time.Hour
	// sessionTouchEvery bounds how often a request writes the session's last-seen time:
	// a write per page view would cost a disk sync each; idle time is exact to within it.
	sessionTouchEvery = time.Minute
)

func (p SessionPolicy) idle() time.Duration {
	if p.Idle > 0 {
		return p.Idle
	}
	return DefaultSessionIdle
}

func (p SessionPolicy) absolute() time.Duration {
	if p.Absolute > 0 {
		return p.Absolute
	}
	return DefaultSessionAbsolute
}

// SessionRetention is how long a session's row (with the address and browser it signed in
// from) is kept after the session ended: long enough to answer "was that me?" about a
// recent sign-in, not for ever (UU 27/2022: personal data kept only as long as needed).
// The audit log keeps each sign-in on its own.
const SessionRetention = 30 * 24 * time.Hour

// Live reports whether the session may still authenticate at now.
func (s *Session) Live(now time.Time, p SessionPolicy) bool {
	return s.RevokeTime.IsZero() && now.Before(s.ExpireTime) && now.Sub(s.LastSeen) < p.idle()
}

// Sign-in attempt limits. The limiter lives in the process's memory, which is right for
// one ppksd over one SQLite file. Several processes behind a shared PostgreSQL would
// each count only the attempts they saw: there the failures belong in the database
// (they are in the audit log already, as SignInFailed entries with the address), read
// by every process.
const (
	loginWindow      = 15 * time.Minute
	maxUserFailures  = 5  // per username, whoever tries
	maxAddrFailures  = 20 // per client address, whatever usernames it tries
	maxLimiterKeys   = 50000
	maxAuditUsername = 64
)

// loginLimiter counts recent failed sign-ins per username and per client address.
type loginLimiter struct {
	mu     sync.Mutex
	byUser map[string][]time.Time
	byAddr map[string][]time.Time
}

// blocked reports whether a sign-in of user from addr is refused at now, and from when
// it would be accepted again.
func (l *loginLimiter) blocked(user, addr string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	u := recent(l.byUser[user], now)
	a := recent(l.byAddr[addr], now)
	switch {
	case len(u) >= maxUserFailures:
		return true, u[len(u)-maxUserFailures].Add(loginWindow)
	case len(a) >= maxAddrFailures:
		return true, a[len(a)-maxAddrFailures].Add(loginWindow)
	}
	return false, time.Time{}
}

// fail records a failed sign-in.
func (l *loginLimiter) fail(user, addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byUser == nil {
		l.byUser, l.byAddr = map[string][]time.Time{}, map[string][]time.Time{}
	}
	for _, m := range []map[string][]time.Time{l.byUser, l.byAddr} {
		if len(m) >= maxLimiterKeys {
			for k, v := range m {
				if len(recent(v, now)) == 0 {
					delete(m, k)
				}
			}
		}
	}
	// Past the cap (a flood of distinct names), new keys are not tracked; the address
	// still is, and blocks the flood.
	if _, ok := l.byUser[user]; ok || len(l.byUser) < maxLimiterKeys {
		l.byUser[user] = append(recent(l.byUser[user], now), now)
	}
	if _, ok := l.byAddr[addr]; ok || len(l.byAddr) < maxLimiterKeys {
		l.byAddr[addr] = append(recent(l.byAddr[addr], now), now)
	}
}

// succeed forgets the failures of a user who signed in.
func (l *loginLimiter) succeed(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.byUser, user)
}

// recent keeps the times within the window before now.
func recent(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= loginWindow {
		i++
	}
	return ts[i:]
}
