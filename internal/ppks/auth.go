package ppks

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Role is what a user may see and do.
type Role int

// Roles. RoleSystem is the service itself (the CLI, the scenario loader); it is never
// given to a user.
const (
	RoleUnspecified Role = iota
	RoleWorker           // field worker: people, cases and interventions of their kecamatan
	RoleSupervisor       // kepala bidang: everything in the kabupaten, full NIK, voids
	RolePlanner          // planning and reporting: aggregates only
	RoleAdmin            // users, tokens, targets, configuration
	RoleSystem
)

// String returns the role's name as the API spells it.
func (r Role) String() string {
	switch r {
	case RoleWorker:
		return "WORKER"
	case RoleSupervisor:
		return "SUPERVISOR"
	case RolePlanner:
		return "PLANNER"
	case RoleAdmin:
		return "ADMIN"
	case RoleSystem:
		return "SYSTEM"
	}
	return "UNSPECIFIED"
}

// User is a person who uses the service.
type User struct {
	Username    string // the id: immutable, lower case
	DisplayName string
	Role        Role
	Kecamatan   []string // the kecamatan a worker serves
	Disabled    bool
	CreateTime  time.Time
	UpdateTime  time.Time
	Revision    int64
}

// Name returns the resource name.
func (u *User) Name() string { return "users/" + u.Username }

// Etag returns the entity tag of the current revision.
func (u *User) Etag() string { return etag(u.Revision) }

// Token is a bearer token of a user. Only a hash of its secret is stored.
type Token struct {
	ID          string
	Username    string
	Hash        []byte // SHA-256 of the secret
	Description string
	CreateTime  time.Time
	ExpireTime  time.Time // zero: never
	RevokeTime  time.Time // zero: not revoked
}

// Name returns the resource name.
func (t *Token) Name() string { return "users/" + t.Username + "/tokens/" + t.ID }

// Valid reports whether the token may authenticate at now.
func (t *Token) Valid(now time.Time) bool {
	return t.RevokeTime.IsZero() && (t.ExpireTime.IsZero() || now.Before(t.ExpireTime))
}

// Principal is the authenticated caller of a request.
type Principal struct {
	Username  string
	Role      Role
	Kecamatan []string
	SessionID string // the web session the request came through; empty for bearer tokens
}

// SystemPrincipal acts for the service itself (the CLI, the scenario loader).
var SystemPrincipal = &Principal{Username: "system", Role: RoleSystem}

type principalKey struct{}

// WithPrincipal returns a context carrying the caller.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller of the request, nil when none was authenticated.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// Scoped reports whether the caller's access to people is limited to their kecamatan.
func (p *Principal) Scoped() bool { return p.Role == RoleWorker }

// SeesFullNIK reports whether the caller's work needs full NIKs.
func (p *Principal) SeesFullNIK() bool { return p.Role == RoleSupervisor || p.Role == RoleSystem }

// Unauthenticated is the one error of a failed authentication: it never says why, so it
// tells nothing of which tokens or users exist.
func Unauthenticated() *Error {
	return &Error{Kind: KindUnauthenticated, Reason: "UNAUTHENTICATED", Message: "authentication required",
		Localized: "Silakan masuk terlebih dahulu (token tidak ada atau tidak berlaku)."}
}

// PermissionDenied refuses an action; it is returned before any existence check, so an id
// outside the caller's area tells nothing of whether it exists.
func PermissionDenied() *Error {
	return &Error{Kind: KindPermissionDenied, Reason: "PERMISSION_DENIED", Message: "permission denied",
		Localized: "Anda tidak berwenang untuk tindakan atau data ini."}
}

// caller returns the authenticated principal or fails closed.
func caller(ctx context.Context) (*Principal, error) {
	p := PrincipalFrom(ctx)
	if p == nil {
		return nil, Unauthenticated()
	}
	return p, nil
}

var usernamePattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{2,31}$`)

// validate checks a user about to be stored.
func (u *User) validate(c *Catalog, prefix string) error {
	var vs violations
	u.DisplayName = strings.Join(strings.Fields(u.DisplayName), " ")
	if !usernamePattern.MatchString(u.Username) {
		vs.add(prefix+"username", "INVALID_USERNAME", "3 to 32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter",
			"3 sampai 32 karakter: huruf kecil, angka, '.', '_' atau '-', diawali huruf.")
	}
	if u.DisplayName == "" {
		vs.required(prefix + "display_name")
	} else {
		checkText(&vs, prefix+"display_name", u.DisplayName, maxNameLen)
	}
	if u.Role < RoleWorker || u.Role > RoleAdmin {
		vs.required(prefix + "role")
	}
	seen := map[string]bool{}
	for _, k := range u.Kecamatan {
		if _, ok := c.KecamatanByCode(k); !ok || seen[k] {
			vs.add(prefix+"kecamatan_codes", "UNKNOWN_KECAMATAN", "unknown or repeated kecamatan "+k, "Kecamatan tidak dikenal atau berulang: "+k+".")
		}
		seen[k] = true
	}
	switch {
	case u.Role == RoleWorker && len(u.Kecamatan) == 0:
		vs.add(prefix+"kecamatan_codes", "REQUIRED", "a worker serves at least one kecamatan", "Petugas harus ditugaskan di sedikitnya satu kecamatan.")
	case u.Role != RoleWorker && len(u.Kecamatan) > 0:
		vs.add(prefix+"kecamatan_codes", "NOT_ALLOWED", "only workers are assigned kecamatan", "Hanya petugas lapangan yang ditugaskan per kecamatan.")
	}
	slices.Sort(u.Kecamatan)
	return vs.err()
}
