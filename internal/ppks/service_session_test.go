package ppks_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/refdata"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// sessionService is the domain service over a real SQLite file with a clock the test moves.
func sessionService(t *testing.T) (*ppks.Service, *time.Time) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "ppks.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cat, bands, err := refdata.Load("")
	if err != nil {
		t.Fatal(err)
	}
	def := ppks.DefaultIndicator()
	def.Bands = bands
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	svc := &ppks.Service{Store: store, Catalog: cat, Indicator: def, Location: time.UTC,
		Now: func() time.Time { return now }, NewID: func() string { return uuid.Must(uuid.NewV7()).String() }}
	if err := svc.CountingRules(ppks.WithPrincipal(context.Background(), ppks.SystemPrincipal)); err != nil {
		t.Fatal(err)
	}
	return svc, &now
}

func TestSignInSessionsAndPasswords(t *testing.T) {
	svc, now := sessionService(t)
	ctx := context.Background()
	sys := ppks.WithPrincipal(ctx, ppks.SystemPrincipal)
	for _, u := range []ppks.User{{Username: "kabid", DisplayName: "Kabid", Role: ppks.RoleSupervisor},
		{Username: "admin", DisplayName: "Admin", Role: ppks.RoleAdmin}} {
		if _, err := svc.CreateUser(sys, ppks.RequestKey{}, u); err != nil {
			t.Fatal(err)
		}
	}
	client := ppks.Client{Address: "10.1.2.3", UserAgent: "test"}
	// No password yet: the same refusal as a wrong one.
	if _, _, err := svc.SignIn(ctx, "kabid", "apa-saja-2024", client); ppks.KindOf(err) != ppks.KindUnauthenticated {
		t.Fatalf("no password: %v", err)
	}
	admin := ppks.WithPrincipal(ctx, &ppks.Principal{Username: "admin", Role: ppks.RoleAdmin})
	if err := svc.SetPassword(admin, ppks.RequestKey{}, "kabid", "rahasia-kantor-2024"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetPassword(ppks.WithPrincipal(ctx, &ppks.Principal{Username: "kabid", Role: ppks.RoleSupervisor}),
		ppks.RequestKey{}, "admin", "rahasia-kantor-2024"); ppks.KindOf(err) != ppks.KindPermissionDenied {
		t.Errorf("a supervisor sets a password: %v", err)
	}
	sess, secret, err := svc.SignIn(ctx, " KABID ", "rahasia-kantor-2024", client)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := svc.SessionPrincipal(ctx, secret)
	if err != nil || p.Username != "kabid" || p.Role != ppks.RoleSupervisor || p.SessionID != sess.ID {
		t.Fatalf("SessionPrincipal = %+v, %v", p, err)
	}
	// A second session, then a password change from the first: the second ends.
	_, other, err := svc.SignIn(ctx, "kabid", "rahasia-kantor-2024", client)
	if err != nil {
		t.Fatal(err)
	}
	kabid := ppks.WithPrincipal(ctx, p)
	if err := svc.ChangePassword(kabid, "salah", "kata-sandi-baru-2024"); ppks.KindOf(err) != ppks.KindInvalid {
		t.Errorf("change with a wrong current password: %v", err)
	}
	if err := svc.ChangePassword(kabid, "rahasia-kantor-2024", "kata-sandi-baru-2024"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.SessionPrincipal(ctx, other); ppks.KindOf(err) != ppks.KindUnauthenticated {
		t.Errorf("the other session after a password change: %v", err)
	}
	if _, _, err := svc.SessionPrincipal(ctx, secret); err != nil {
		t.Errorf("the session that changed the password: %v", err)
	}
	if _, _, err := svc.SignIn(ctx, "kabid", "rahasia-kantor-2024", client); ppks.KindOf(err) != ppks.KindUnauthenticated {
		t.Errorf("the old password still signs in: %v", err)
	}
	// Idle: 30 minutes without a request end it, with its own reason.
	*now = now.Add(31 * time.Minute)
	_, _, err = svc.SessionPrincipal(ctx, secret)
	var e *ppks.Error
	if ppks.KindOf(err) != ppks.KindUnauthenticated || !asErr(err, &e) || e.Reason != "SESSION_EXPIRED" {
		t.Errorf("an idle session: %v", err)
	}
	// Disabling the user ends their sessions at once.
	_, third, err := svc.SignIn(ctx, "kabid", "kata-sandi-baru-2024", client)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateUser(admin, ppks.RequestKey{}, ppks.User{Username: "kabid", Disabled: true}, []string{"disabled"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.SessionPrincipal(ctx, third); ppks.KindOf(err) != ppks.KindUnauthenticated {
		t.Errorf("a disabled user's session: %v", err)
	}
	if _, _, err := svc.SignIn(ctx, "kabid", "kata-sandi-baru-2024", client); ppks.KindOf(err) != ppks.KindUnauthenticated {
		t.Errorf("a disabled user signs in: %v", err)
	}
	// Sign-out, and the audit log of it all.
	if err := svc.SetPassword(admin, ppks.RequestKey{}, "admin", "rahasia-kepala-2024"); err != nil {
		t.Fatal(err)
	}
	_, adminSecret, err := svc.SignIn(ctx, "admin", "rahasia-kepala-2024", client)
	if err != nil {
		t.Fatal(err)
	}
	ap, _, err := svc.SessionPrincipal(ctx, adminSecret)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SignOut(ppks.WithPrincipal(ctx, ap)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.SessionPrincipal(ctx, adminSecret); ppks.KindOf(err) != ppks.KindUnauthenticated {
		t.Errorf("a signed-out session: %v", err)
	}
	entries, _, err := svc.ListAudit(admin, 100, "", "")
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]int{}
	for _, e := range entries {
		methods[e.Method]++
	}
	for m, want := range map[string]int{"SignIn": 4, "SignInFailed": 3, "SignOut": 1, "ChangePassword": 1, "SetPassword": 2} {
		if methods[m] != want {
			t.Errorf("audit entries %s = %d, want %d (all: %v)", m, methods[m], want, methods)
		}
	}
}

func asErr(err error, target **ppks.Error) bool {
	e, ok := err.(*ppks.Error)
	if ok {
		*target = e
	}
	return ok
}

// A sign-in deletes the user's sessions that ended more than SessionRetention ago (their
// rows hold the address and browser): a recent one stays, and so do other users'.
func TestSignInDeletesLongEndedSessions(t *testing.T) {
	svc, now := sessionService(t)
	ctx := context.Background()
	sys := ppks.WithPrincipal(ctx, ppks.SystemPrincipal)
	for _, name := range []string{"kabid", "admin"} {
		if _, err := svc.CreateUser(sys, ppks.RequestKey{}, ppks.User{Username: name, DisplayName: name, Role: ppks.RoleSupervisor}); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetPassword(sys, ppks.RequestKey{}, name, "rahasia-kantor-2024"); err != nil {
			t.Fatal(err)
		}
	}
	client := ppks.Client{Address: "10.1.2.3", UserAgent: "test"}
	signIn := func(name string) string {
		t.Helper()
		_, secret, err := svc.SignIn(ctx, name, "rahasia-kantor-2024", client)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	stored := func(secret string) bool {
		t.Helper()
		_, _, err := svc.Store.SessionByHash(ctx, ppks.HashToken(secret))
		if err != nil && ppks.KindOf(err) != ppks.KindNotFound {
			t.Fatal(err)
		}
		return err == nil
	}
	signedOut, left, others := signIn("kabid"), signIn("kabid"), signIn("admin")
	p, _, err := svc.SessionPrincipal(ctx, signedOut)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SignOut(ppks.WithPrincipal(ctx, p)); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(ppks.SessionRetention - time.Hour)
	recent := signIn("kabid") // not yet SessionRetention after either ended
	if !stored(signedOut) || !stored(left) {
		t.Fatal("sessions ended less than SessionRetention ago were deleted")
	}
	*now = now.Add(2 * time.Hour)
	signIn("kabid")
	if stored(signedOut) || stored(left) {
		t.Errorf("sessions ended more than SessionRetention ago are still stored: signed out %v, left idle %v", stored(signedOut), stored(left))
	}
	if !stored(recent) || !stored(others) {
		t.Errorf("deleted what should stay: the recent session %v, another user's %v", stored(recent), stored(others))
	}
}
