package main

import (
	"bytes"
	"database/sql"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// recount reports no difference on a database the service wrote; a maintained count
// changed behind the store's back is reported and fails the command, and --repair
// rebuilds the counts so that the next recount agrees again.
func TestRecount(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ppks.db")
	env := func(k string) string { return map[string]string{"PPKS_DB": db}[k] }
	if err := run(t.Context(), []string{"load-scenario"}, env, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	recount := func(args ...string) (string, error) {
		var out bytes.Buffer
		progress.Reset()
		err := run(t.Context(), append([]string{"recount"}, args...), env, &out, &progress)
		return out.String(), err
	}
	if out, err := recount(); err != nil || !strings.Contains(out, "no difference") || !strings.Contains(out, "2024") {
		t.Fatalf("recount of a sound database: %v\n%s", err, out)
	}

	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.ExecContext(t.Context(), `UPDATE count_totals SET units = units + 1 WHERE year = 2024 AND intervention_type = 'PERMAKANAN'`)
	if cerr := raw.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	if out, err := recount(); err == nil || !strings.Contains(out, "DIFFERENT") {
		t.Fatalf("recount after tampering: %v\n%s", err, out)
	}
	if out, err := recount("--repair"); err == nil || !strings.Contains(out, "no difference now") {
		t.Fatalf("recount --repair: %v\n%s", err, out)
	}
	// Each phase is told on stderr as it starts and as it ends.
	if p := progress.String(); strings.Count(p, "done in") != 3 || !strings.Contains(p, "rebuilding the maintained counts") {
		t.Errorf("recount --repair's progress on stderr:\n%s", p)
	}
	if out, err := recount(); err != nil || !strings.Contains(out, "no difference") {
		t.Fatalf("recount after the repair: %v\n%s", err, out)
	}
}
