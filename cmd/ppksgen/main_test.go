package main

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gen.db")
	var out bytes.Buffer
	args := []string{"--db", db, "--interventions", "500", "--kabupaten", "2", "--years", "2024-2025"}
	if err := run(t.Context(), args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "500 interventions") || !strings.Contains(out.String(), "2 kabupaten") {
		t.Fatalf("output:\n%s", out.String())
	}
	// It writes new databases only.
	if err := run(t.Context(), args, io.Discard, io.Discard); err == nil {
		t.Fatal("ppksgen wrote into an existing database")
	}
	if err := run(t.Context(), []string{"--db", db + "2", "--years", "2025-2024"}, io.Discard, io.Discard); err == nil {
		t.Fatal("ppksgen accepted years backwards")
	}
}
