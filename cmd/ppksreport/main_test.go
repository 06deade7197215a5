package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/daemon"
	"github.com/opendinsos/ppks/internal/lkjip"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/scenario"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"github.com/xuri/excelize/v2"
)

// serve loads the reference scenario (with the 2024 budget) into a new database, creates
// a planner and their token, and runs the real server on loopback ports until the test
// ends. It returns the gRPC address and the planner's token.
func serve(t *testing.T) (string, string) {
	t.Helper()
	ctx := t.Context()
	db := filepath.Join(t.TempDir(), "ppks.db")
	store, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scenario.Load(ctx, svc); err != nil {
		t.Fatal(err)
	}
	sys := ppks.WithPrincipal(ctx, ppks.SystemPrincipal)
	if _, err := svc.CreateUser(sys, ppks.RequestKey{}, ppks.User{Username: "perencana", DisplayName: "Subag Perencanaan", Role: ppks.RolePlanner}); err != nil {
		t.Fatal(err)
	}
	_, secret, err := svc.CreateToken(sys, ppks.RequestKey{}, "perencana", "ppksreport", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	addrs := make(chan daemon.Addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- daemon.Run(runCtx, daemon.Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", DBPath: db,
			TimeZone: "Asia/Makassar", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, func(a daemon.Addrs) { addrs <- a })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	select {
	case a := <-addrs:
		return a.GRPC, secret
	case err := <-done:
		t.Fatalf("server did not start: %v", err)
	}
	return "", ""
}

// The generator against a real server with the reference scenario: the XLSX read back
// with excelize, the Markdown and CSV against the golden files of internal/lkjip, which
// that package writes from the domain's report: the report read over gRPC prints the same.
func TestGenerate(t *testing.T) {
	addr, token := serve(t)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		if k == "PPKS_TOKEN" {
			return token
		}
		return ""
	}
	if err := run(t.Context(), []string{"--addr", addr, "--year", "2024", "--out", out}, getenv, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}

	f, err := excelize.OpenFile(filepath.Join(out, "lkjip-2024.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wantSheets := []string{"Tabel 3.1", "Rincian 3.1", "Tabel 3.2", "Tabel 3.3", "Tabel 3.4", "Tabel 3.5", "Tabel 3.6", "Tabel 3.7", "Sebaran Kecamatan"}
	if got := f.GetSheetList(); len(got) != len(wantSheets) {
		t.Fatalf("sheets %v, want %v", got, wantSheets)
	}
	for _, c := range []struct {
		sheet, cell, value, format string
	}{
		{"Tabel 3.1", "A3", "Sasaran Strategis", ""},
		{"Tabel 3.1", "C4", "580", lkjip.FormatCount},
		{"Tabel 3.1", "D4", "653", lkjip.FormatCount},
		{"Tabel 3.1", "E4", "1.1259", lkjip.FormatPercent},
		{"Tabel 3.1", "F4", "Sangat Berhasil", ""},
		{"Tabel 3.2", "D4", "2444", lkjip.FormatCount},
		{"Tabel 3.2", "A6", "2023", lkjip.FormatYear},
		{"Tabel 3.2", "D6", "563", lkjip.FormatCount},
		{"Tabel 3.2", "D7", "653", lkjip.FormatCount},
		{"Tabel 3.2", "F7", "1.1259", lkjip.FormatPercent},
		{"Tabel 3.4", "C4", "276", lkjip.FormatCount},
		{"Tabel 3.4", "C8", "441", lkjip.FormatCount},
		{"Tabel 3.5", "F4", "5319338072", lkjip.FormatRupiah},
		{"Tabel 3.5", "G4", "4996397274", lkjip.FormatRupiah},
		{"Tabel 3.5", "H4", "0.9393", lkjip.FormatPercent},
		{"Tabel 3.5", "I4", "0.1866", lkjip.FormatPercent},
		{"Tabel 3.7", "B15", "Jumlah", ""},
		{"Tabel 3.7", "C15", "5319338072", lkjip.FormatRupiah},
		{"Tabel 3.7", "D15", "4996397274", lkjip.FormatRupiah},
		{"Tabel 3.7", "E15", "0.9393", lkjip.FormatPercent},
		// In the printed order: the perjanjian kinerja's programmes first, then the others.
		{"Tabel 3.7", "C4", "84000000", lkjip.FormatRupiah},
		{"Tabel 3.7", "C10", "133680500", lkjip.FormatRupiah},
		{"Tabel 3.7", "A13", "1.06.01", ""},
		{"Tabel 3.7", "C13", "4308898172", lkjip.FormatRupiah},
	} {
		got, err := f.GetCellValue(c.sheet, c.cell, excelize.Options{RawCellValue: true})
		if err != nil || got != c.value {
			t.Errorf("%s!%s = %q (%v), want %q", c.sheet, c.cell, got, err, c.value)
		}
		id, err := f.GetCellStyle(c.sheet, c.cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		format := ""
		if st.CustomNumFmt != nil {
			format = *st.CustomNumFmt
		}
		if format != c.format {
			t.Errorf("%s!%s format %q, want %q", c.sheet, c.cell, format, c.format)
		}
	}

	// Figures only, made to be passed on: readable by all, written by the owner only.
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 11 {
		t.Errorf("%d files written, want 11 (no temporary file left)", len(entries))
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o644 {
			t.Errorf("%s has mode %v, want 0644", e.Name(), mode)
		}
	}

	files := []string{"lkjip-2024.md"}
	for _, id := range []string{"tabel-3-1", "rincian-3-1", "tabel-3-2", "tabel-3-3", "tabel-3-4", "tabel-3-5", "tabel-3-6", "tabel-3-7", "sebaran-kecamatan"} {
		files = append(files, "lkjip-2024-"+id+".csv")
	}
	for _, name := range files {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "internal", "lkjip", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file of internal/lkjip:\n%s", name, got)
		}
	}
}

func TestFlags(t *testing.T) {
	none := func(string) string { return "" }
	for _, args := range [][]string{{"--token", "x"}, {"--year", "2024"}, {"--year", "2024", "--token", "x", "--view", "lama"}} {
		if err := run(t.Context(), args, none, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
