package main

import (
	"bytes"
	"database/sql"
	"errors"
	"flag"

	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// dbEnv returns a getenv giving PPKS_DB of a new database file, and the file.
func dbEnv(t *testing.T) (func(string) string, string) {
	db := filepath.Join(t.TempDir(), "ppks.db")
	return func(k string) string { return map[string]string{"PPKS_DB": db}[k] }, db
}

// ctl runs ppksctl and returns its standard output and error.
func ctl(t *testing.T, env func(string) string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(t.Context(), args, env, &out, &errOut)
	return out.String(), errOut.String(), err
}

// auditCount counts the audit log's entries: every write appends one.
func auditCount(t *testing.T, db string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRowContext(t.Context(), `SELECT count(*) FROM audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A second load says it replayed every request and wrote nothing, and it did: the audit
// log, where every write appends an entry, did not grow. The first load shows its
// progress on stderr.
func TestLoadScenarioTwiceGivesTheReportFigure(t *testing.T) {
	env, db := dbEnv(t)
	out, errOut, err := ctl(t, env, "load-scenario")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "loaded the 2024 scenario") || !strings.Contains(out, "1094 people") {
		t.Fatalf("first load: %s", out)
	}
	if !strings.Contains(errOut, "200 of 1094 people") || !strings.Contains(errOut, "1000 of 1094 people") {
		t.Errorf("first load's progress: %s", errOut)
	}
	written := auditCount(t, db)
	out, _, err = ctl(t, env, "load-scenario")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^already loaded: replayed (\d+) requests, wrote nothing`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("second load: %s", out)
	}
	if m[1] == "0" || auditCount(t, db) != written {
		t.Errorf("second load replayed %s requests; audit entries %d, then %d", m[1], written, auditCount(t, db))
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
	y, err := svc.IndicatorYear(ppks.WithPrincipal(t.Context(), ppks.SystemPrincipal), "penurunan-ppks", 2024)
	if err != nil || y.Total != 653 || *y.Target != 580 {
		t.Fatalf("indicator after two loads: %+v %v", y, err)
	}
}

// Each command takes its own flags: another command's flag, an unknown one or a stray
// argument is a usage error (exit status 2) that writes nothing; help lists a command's
// flags and only them.
func TestFlagsPerCommand(t *testing.T) {
	env, db := dbEnv(t)
	for _, args := range [][]string{
		{"drop-everything"},
		{},
		{"create-token", "--username", "kabid", "--role", "ADMIN"},
		{"recount", "--out", "copy.db"},
		{"backup", "--out", "copy.db", "--timezone", "UTC"},
		{"load-scenario", "--repair"},
		{"load-scenario", "now"},
		{"bootstrap-admin", "--usernme", "admin"},
	} {
		_, errOut, err := ctl(t, env, args...)
		if code := exitCode(err, io.Discard); code != 2 {
			t.Errorf("ppksctl %v: exit status %d (%v), want 2", args, code, err)
		}
		if !strings.Contains(errOut, "usage: ppksctl") {
			t.Errorf("ppksctl %v printed no usage: %q", args, errOut)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a refused command line created the database")
	}

	flags := func(s string) string {
		return strings.Join(regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllString(s, -1), "")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "create-user"}, "  -db  -display-name  -kecamatan  -reference-dir  -role  -timezone  -username"},
		{[]string{"create-token", "-h"}, "  -db  -description  -reference-dir  -timezone  -ttl  -username"},
		{[]string{"backup", "--help"}, "  -db  -out"},
		{[]string{"load-scenario", "-h"}, "  -db  -reference-dir  -timezone"},
		{[]string{"recount", "-h"}, "  -db  -reference-dir  -repair  -timezone"},
	} {
		out, _, err := ctl(t, env, tc.args...)
		if code := exitCode(err, io.Discard); code != 0 {
			t.Errorf("ppksctl %v: exit status %d (%v)", tc.args, code, err)
		}
		if got := flags(out); got != tc.want {
			t.Errorf("ppksctl %v lists flags %q, want %q:\n%s", tc.args, got, tc.want, out)
		}
	}
	out, _, err := ctl(t, env, "help")
	if err != nil || !strings.Contains(out, "revoke-token") || !strings.Contains(out, "recount") {
		t.Errorf("ppksctl help: %v\n%s", err, out)
	}
	if exitCode(errors.New("failed"), io.Discard) != 1 || exitCode(flag.ErrHelp, io.Discard) != 0 {
		t.Error("exit status of a failure or of help")
	}
}

// A token is revoked by its id with its user, or by the full name create-token prints;
// the token printed alone on stdout is the secret.
func TestRevokeToken(t *testing.T) {
	env, _ := dbEnv(t)
	if _, _, err := ctl(t, env, "create-user", "--username", "perencana", "--display-name", "Subag Perencanaan", "--role", "PLANNER"); err != nil {
		t.Fatal(err)
	}
	token := func() (name string) {
		t.Helper()
		out, errOut, err := ctl(t, env, "create-token", "--username", "perencana", "--ttl", "8760h")
		if err != nil || !regexp.MustCompile(`^ppks_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
			t.Fatalf("create-token: %v, stdout %q", err, out)
		}
		name = regexp.MustCompile(`users/perencana/tokens/[0-9a-f-]+`).FindString(errOut)
		if name == "" {
			t.Fatalf("create-token names no token: %q", errOut)
		}
		return name
	}
	byName := token()
	if out, _, err := ctl(t, env, "revoke-token", "--token-id", byName); err != nil || out != "revoked "+byName+"\n" {
		t.Errorf("revoke by name: %v %q", err, out)
	}
	byID := token()
	id := byID[strings.LastIndexByte(byID, '/')+1:]
	if out, _, err := ctl(t, env, "revoke-token", "--username", "perencana", "--token-id", id); err != nil || out != "revoked "+byID+"\n" {
		t.Errorf("revoke by id: %v %q", err, out)
	}
	other := token()
	for _, args := range [][]string{
		{"--username", "kabid", "--token-id", other},                // the name's user is another
		{"--token-id", other[strings.LastIndexByte(other, '/')+1:]}, // an id without its user
		{"--token-id", "tokens/" + id},
		{"--username", "perencana"},
	} {
		if _, _, err := ctl(t, env, append([]string{"revoke-token"}, args...)...); exitCode(err, io.Discard) != 2 {
			t.Errorf("revoke-token %v: %v, want a usage error", args, err)
		}
	}
}
