// Package testkit holds what tests of several packages need and no program does: users
// and tokens made on a database directly, as ppksctl makes them.
package testkit

import (
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
)

// Supervisor and Admin are the users most tests act as.
var (
	Supervisor = ppks.User{Username: "kabid", DisplayName: "Kepala Bidang", Role: ppks.RoleSupervisor}
	Admin      = ppks.User{Username: "admin", DisplayName: "Admin", Role: ppks.RoleAdmin}
)

// Tokens creates the users on the database (a SQLite file or a postgres:// URL), with
// the reference data embedded, and returns a bearer token of each, in their order. The
// database is closed again before it returns, for a server to open.
func Tokens(t testing.TB, db string, users ...ppks.User) []string {
	t.Helper()
	store, err := compose.OpenStore(t.Context(), compose.DBConfig{DB: db}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	sys := ppks.WithPrincipal(t.Context(), ppks.SystemPrincipal)
	tokens := make([]string, 0, len(users))
	for _, u := range users {
		if _, err := svc.CreateUser(sys, ppks.RequestKey{}, u); err != nil {
			t.Fatal(err)
		}
		_, secret, err := svc.CreateToken(sys, ppks.RequestKey{}, u.Username, "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, secret)
	}
	return tokens
}
