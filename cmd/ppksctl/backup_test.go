package main

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// openService opens the domain service on a database file, closed when the test ends.
func openService(t *testing.T, path string) *ppks.Service {
	t.Helper()
	store, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// A backup taken while writes are in flight is a sound database whose figures equal the
// source's: the scenario's 2024 indicator, and a consistent cut of the writes (every
// write acknowledged before the backup began is in it).
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "ppks.db"), filepath.Join(dir, "backup", "ppks-copy.db")
	if err := os.Mkdir(filepath.Dir(dst), 0o700); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string { return map[string]string{"PPKS_DB": src}[k] }
	if err := run(t.Context(), []string{"load-scenario"}, env, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	svc := openService(t, src)
	sys := ppks.WithPrincipal(t.Context(), ppks.SystemPrincipal)

	// Writers record people in 2025 (so that the 2024 figure stays put) until told to stop.
	ctx, stopWriting := context.WithCancel(sys)
	var acked atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				_, err := svc.CreateBeneficiary(ctx, ppks.RequestKey{ID: fmt.Sprintf("0195b000-0000-7000-8000-%06d%06d", w, i)}, "",
					ppks.Beneficiary{FullName: "Penulis", Sex: ppks.SexMale, KecamatanCode: "73.06.01", BirthDate: ppks.Date{Year: 1950}})
				if err == nil {
					acked.Add(1)
				} else if ctx.Err() == nil {
					t.Errorf("write during the backup: %v", err)
				}
			}
		})
	}
	for acked.Load() < 20 { // let the writes get going
		time.Sleep(time.Millisecond)
	}
	before := acked.Load()
	backupTick = time.Millisecond // the copy takes tens of milliseconds: a few reports
	defer func() { backupTick = 2 * time.Second }()
	var progress strings.Builder
	if err := run(t.Context(), []string{"backup", "--db", src, "--out", dst}, env, io.Discard, &progress); err != nil {
		t.Fatalf("backup: %v", err)
	}
	after := acked.Load()
	if !strings.Contains(progress.String(), "backing up "+src) || !strings.Contains(progress.String(), "MiB written") {
		t.Errorf("backup's progress on stderr: %q", progress.String())
	}
	stopWriting()
	wg.Wait()
	if after == before {
		t.Log("no write completed during the backup")
	}
	if err := run(t.Context(), []string{"backup", "--db", src, "--out", dst}, env, io.Discard, io.Discard); err == nil {
		t.Error("a backup overwrote an existing file")
	}
	if fi, err := os.Stat(dst); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode: %v %v, want 0600", fi.Mode(), err)
	}

	// Restore: the copy is a database of its own.
	restored := openService(t, dst)
	want, err := svc.IndicatorYear(sys, "penurunan-ppks", 2024)
	if err != nil {
		t.Fatal(err)
	}
	got, err := restored.IndicatorYear(sys, "penurunan-ppks", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if want.Total != 653 {
		t.Errorf("source figure %d, want the scenario's 653", want.Total)
	}
	opts := cmp.Options{
		cmpopts.IgnoreFields(ppks.IndicatorYear{}, "ComputeTime"),
		cmp.Comparer(func(a, b *big.Rat) bool { return (a == nil) == (b == nil) && (a == nil || a.Cmp(b) == 0) }),
	}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("restored 2024 indicator differs (-source +restored):\n%s", diff)
	}
	n := countWriters(t, restored)
	if n < int(before) || n > int(after)+4 { // +4: writes committed, not yet acknowledged
		t.Errorf("backup holds %d of the in-flight writes; %d were acknowledged before it, %d after", n, before, after)
	}
}

// countWriters counts the people the writers of TestBackupWhileWriting recorded.
func countWriters(t *testing.T, svc *ppks.Service) int {
	t.Helper()
	sys := ppks.WithPrincipal(t.Context(), ppks.SystemPrincipal)
	n, token := 0, ""
	for {
		list, next, err := svc.ListBeneficiaries(sys, 1000, token, `full_name : "Penulis"`)
		if err != nil {
			t.Fatal(err)
		}
		n += len(list)
		if next == "" {
			return n
		}
		token = next
	}
}
