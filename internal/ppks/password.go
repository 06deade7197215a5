package ppks

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	// The one import from outside the standard library in the domain: x/crypto is the Go
	// team's own extension of crypto/, and a password hash is not something to write here.
	"golang.org/x/crypto/argon2"
)

// Password is the stored sign-in secret of a user of the web application: only its
// argon2id hash, in the PHC string format ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"),
// so that the parameters can be raised later without invalidating older hashes.
type Password struct {
	Username string
	Hash     string
	SetTime  time.Time
	SetBy    string // who set it: the user themselves, or an administrator
}

// Argon2id parameters: OWASP's first recommendation (19 MiB, 2 passes, 1 lane), about
// 30 ms on one core of the office server: slow for a guesser, quick for a person.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password rules: long enough to resist guessing, short enough to bound the work of one
// hash.
const (
	minPasswordLen = 10
	maxPasswordLen = 128
)

// HashPassword returns the PHC string of a new argon2id hash of password.
func HashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	_, _ = rand.Read(salt) // never fails
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether password matches the stored hash, in time independent of
// where they differ. A malformed hash matches nothing.
func CheckPassword(hash, password string) bool {
	ph, ok := parseHash(hash)
	if !ok {
		return false
	}
	got := argon2.IDKey([]byte(password), ph.salt, ph.passes, ph.memory, ph.threads, uint32(len(ph.key)))
	return subtle.ConstantTimeCompare(got, ph.key) == 1
}

// phcHash is a parsed argon2id hash string.
type phcHash struct {
	memory, passes uint32
	threads        uint8
	salt, key      []byte
}

// parseHash reads an argon2id PHC string, refusing parameters a stored hash never has:
// no memory or passes (a hash anyone could match cheaply), more than 1 GiB or 16 passes
// (a sign-in that would exhaust the server).
func parseHash(hash string) (phcHash, bool) {
	var h phcHash
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return h, false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return h, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.passes, &h.threads); err != nil ||
		h.memory == 0 || h.memory > 1<<20 || h.passes == 0 || h.passes > 16 || h.threads == 0 {
		return h, false
	}
	b64 := base64.RawStdEncoding
	var err1, err2 error
	h.salt, err1 = b64.DecodeString(parts[4])
	h.key, err2 = b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(h.key) == 0 || len(h.key) > 128 {
		return h, false
	}
	return h, true
}

// dummyHash is checked against when a sign-in names no user (or one without a password),
// so that the answer takes as long as for a real user and tells nothing of who exists.
var dummyHash = HashPassword("no user has this password")

// checkNewPassword applies the password rules, reporting violations on field.
func checkNewPassword(vs *violations, field, username, password string) {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		vs.required(field)
	case !utf8.ValidString(password):
		vs.add(field, "INVALID_TEXT", "not valid UTF-8 text", "Teks tidak valid.")
	case n < minPasswordLen:
		vs.add(field, "TOO_SHORT", fmt.Sprintf("at least %d characters", minPasswordLen),
			fmt.Sprintf("Paling sedikit %d karakter.", minPasswordLen))
	case len(password) > maxPasswordLen:
		vs.add(field, "TOO_LONG", fmt.Sprintf("at most %d bytes", maxPasswordLen),
			fmt.Sprintf("Paling banyak %d karakter.", maxPasswordLen))
	case strings.EqualFold(password, username) || strings.Contains(strings.ToLower(password), username):
		vs.add(field, "CONTAINS_USERNAME", "must not contain the username", "Tidak boleh memuat nama pengguna.")
	case strings.Count(password, password[:1]) == len(password):
		vs.add(field, "TOO_SIMPLE", "must not repeat one character", "Tidak boleh hanya satu karakter yang diulang.")
	}
}
