package main

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

func TestSetPasswordFromStandardInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ppks.db")
	env := func(k string) string { return map[string]string{"PPKS_DB": db}[k] }
	if err := run(t.Context(), []string{"create-user", "--username", "kabid", "--display-name", "Kepala Bidang", "--role", "SUPERVISOR"},
		env, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	defer func(r io.Reader) { stdin = r }(stdin)
	// Too short: refused, nothing set.
	stdin = strings.NewReader("pendek\n")
	if err := run(t.Context(), []string{"set-password", "--username", "kabid"}, env, io.Discard, io.Discard); ppks.KindOf(err) != ppks.KindInvalid {
		t.Fatalf("short password: err = %v, want invalid", err)
	}
	stdin = strings.NewReader("")
	if err := run(t.Context(), []string{"set-password", "--username", "kabid"}, env, io.Discard, io.Discard); err == nil {
		t.Fatal("empty standard input: no error")
	}
	stdin = strings.NewReader("rahasia-kantor-2024\n")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"set-password", "--username", "kabid"}, env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "users/kabid") || strings.Contains(out.String(), "rahasia") {
		t.Errorf("output = %q: want the user named and the password not echoed", out.String())
	}
	store, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.SignIn(t.Context(), "kabid", "rahasia-kantor-2024", ppks.Client{Address: "127.0.0.1"}); err != nil {
		t.Fatalf("SignIn with the new password: %v", err)
	}
	if _, _, err := svc.SignIn(t.Context(), "kabid", "pendek", ppks.Client{Address: "127.0.0.1"}); ppks.KindOf(err) != ppks.KindUnauthenticated {
		t.Fatalf("SignIn with another password: err = %v, want unauthenticated", err)
	}
}
