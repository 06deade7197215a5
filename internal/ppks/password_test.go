package ppks

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

func TestPasswordHash(t *testing.T) {
	h := HashPassword("rahasia-kantor-2024")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string with the chosen parameters", h)
	}
	if h == HashPassword("rahasia-kantor-2024") {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !CheckPassword(h, "rahasia-kantor-2024") {
		t.Error("the password does not match its hash")
	}
	for _, bad := range []string{"rahasia-kantor-2025", "", "Rahasia-kantor-2024"} {
		if CheckPassword(h, bad) {
			t.Errorf("%q matches", bad)
		}
	}
	for _, malformed := range []string{"", "$argon2id$", strings.Replace(h, "argon2id", "argon2i", 1),
		h + "$x", "$2a$10$bcrypt"} {
		if CheckPassword(malformed, "rahasia-kantor-2024") {
			t.Errorf("malformed hash %q matches", malformed)
		}
	}
	// Parameters a stored hash never has are refused before any work, each on its own.
	if _, ok := parseHash(h); !ok {
		t.Fatalf("the service's own hash does not parse: %q", h)
	}
	for _, params := range []string{"m=0,t=2,p=1", "m=99999999,t=2,p=1", "m=19456,t=0,p=1", "m=19456,t=17,p=1", "m=19456,t=2,p=0"} {
		if _, ok := parseHash(strings.Replace(h, "m=19456,t=2,p=1", params, 1)); ok {
			t.Errorf("a hash with %s is taken", params)
		}
	}
	// A hash with no memory is refused even when its key is right for those parameters
	// (argon2 would take it: the guard is what refuses it).
	salt := []byte("garam-enam-belas")
	key := argon2.IDKey([]byte("rahasia-kantor-2024"), salt, 2, 0, 1, 32)
	b64 := base64.RawStdEncoding
	cheap := "$argon2id$v=19$m=0,t=2,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	if CheckPassword(cheap, "rahasia-kantor-2024") {
		t.Error("a hash made with no memory matches")
	}
	if right := "$argon2id$v=19$m=8,t=2,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(argon2.IDKey([]byte("rahasia-kantor-2024"), salt, 2, 8, 1, 32)); !CheckPassword(right, "rahasia-kantor-2024") {
		t.Error("a well-formed hash with other parameters does not match")
	}
}

func TestNewPasswordRules(t *testing.T) {
	for _, tc := range []struct {
		password, reason string
	}{
		{"", "REQUIRED"},
		{"pendek", "TOO_SHORT"},
		{strings.Repeat("x", 129), "TOO_LONG"},
		{"kabid-kantor-2024", "CONTAINS_USERNAME"},
		{"aaaaaaaaaaaa", "TOO_SIMPLE"},
		{"\xff\xfe-tidak-utf8", "INVALID_TEXT"},
		{"rahasia-kantor-2024", ""},
	} {
		var vs violations
		checkNewPassword(&vs, "password", "kabid", tc.password)
		got := ""
		if len(vs) > 0 {
			got = vs[0].Reason
			if vs[0].Localized == "" || vs[0].Field != "password" {
				t.Errorf("%q: violation %+v lacks its field or Indonesian message", tc.password, vs[0])
			}
		}
		if got != tc.reason {
			t.Errorf("%q: reason %q, want %q", tc.password, got, tc.reason)
		}
	}
}

func TestLoginLimiter(t *testing.T) {
	var l loginLimiter
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i := range maxUserFailures {
		if blocked, _ := l.blocked("kabid", "10.0.0.1", now); blocked {
			t.Fatalf("blocked after %d failures", i)
		}
		l.fail("kabid", "10.0.0.1", now.Add(time.Duration(i)*time.Second))
	}
	blocked, until := l.blocked("kabid", "10.0.0.2", now.Add(time.Minute))
	if !blocked || !until.Equal(now.Add(loginWindow)) {
		t.Errorf("after %d failures: blocked %v until %v, want until %v (from any address)", maxUserFailures, blocked, until, now.Add(loginWindow))
	}
	if blocked, _ := l.blocked("petugas", "10.0.0.1", now.Add(time.Minute)); blocked {
		t.Error("another user from the same address is blocked after 5 failures (the address allows 20)")
	}
	if blocked, _ := l.blocked("kabid", "10.0.0.1", now.Add(loginWindow+5*time.Second)); blocked {
		t.Error("still blocked once the failures are older than the window")
	}
	// An address trying many usernames.
	for i := range maxAddrFailures {
		l.fail("user"+itoa(i), "10.9.9.9", now)
	}
	if blocked, _ := l.blocked("someone", "10.9.9.9", now); !blocked {
		t.Error("an address with 20 failures over many usernames is not blocked")
	}
	l.succeed("kabid")
	if blocked, _ := l.blocked("kabid", "10.0.0.3", now.Add(time.Minute)); blocked {
		t.Error("a successful sign-in did not clear the user's failures")
	}
}

func TestSessionLive(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s := &Session{CreateTime: at, LastSeen: at, ExpireTime: at.Add(DefaultSessionAbsolute)}
	p := SessionPolicy{}
	if !s.Live(at.Add(29*time.Minute), p) || s.Live(at.Add(30*time.Minute), p) {
		t.Error("the default idle time is not 30 minutes")
	}
	s.LastSeen = at.Add(11*time.Hour + 50*time.Minute)
	if !s.Live(at.Add(11*time.Hour+59*time.Minute), p) || s.Live(at.Add(12*time.Hour), p) {
		t.Error("an active session does not end 12 hours after sign-in")
	}
	s.RevokeTime = at
	if s.Live(at.Add(time.Minute), p) {
		t.Error("a revoked session is live")
	}
	if !(&Session{LastSeen: at, ExpireTime: at.Add(time.Hour)}).Live(at.Add(2*time.Second), SessionPolicy{Idle: 3 * time.Second}) {
		t.Error("a configured idle time is not used")
	}
}
