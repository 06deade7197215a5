package main

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opendinsos/ppks/internal/app"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

func TestLoadScenarioTwiceGivesTheReportFigure(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ppks.db")
	env := func(k string) string { return map[string]string{"PPKS_DB": db}[k] }
	for range 2 {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"load-scenario"}, env, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "1094 people") {
			t.Fatalf("output: %s", out.String())
		}
	}
	store, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := app.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	y, err := svc.IndicatorYear(ppks.WithPrincipal(t.Context(), ppks.SystemPrincipal), "penurunan-ppks", 2024)
	if err != nil || y.Total != 653 || *y.Target != 580 {
		t.Fatalf("indicator after two loads: %+v %v", y, err)
	}
}

func TestUnknownCommand(t *testing.T) {
	if err := run(t.Context(), []string{"drop-everything"}, func(string) string { return "" }, io.Discard, io.Discard); err == nil {
		t.Fatal("an unknown command succeeded")
	}
}
