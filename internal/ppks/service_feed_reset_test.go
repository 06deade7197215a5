package ppks_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/refdata"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// A cursor the log no longer knows (the database restored from an older backup) that was
// also made for a larger area: the reset drops the whole area now and the kecamatan that
// left it, so that no person the worker may no longer see stays on the phone.
func TestFeedResetAfterTheAreaShrank(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ppks.db")
	open := func() (*ppks.Service, func()) {
		t.Helper()
		store, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		cat, bands, err := refdata.Load("")
		if err != nil {
			t.Fatal(err)
		}
		def := ppks.DefaultIndicator()
		def.Bands = bands
		svc := &ppks.Service{Store: store, Catalog: cat, Indicator: def, Location: time.UTC, Now: time.Now,
			NewID: func() string { return uuid.Must(uuid.NewV7()).String() }}
		if err := svc.CountingRules(ppks.WithPrincipal(context.Background(), ppks.SystemPrincipal)); err != nil {
			t.Fatal(err)
		}
		return svc, func() {
			if err := store.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
	const kecA, kecB = "73.06.01", "73.06.02"
	supervisor := ppks.WithPrincipal(context.Background(), &ppks.Principal{Username: "kabid", Role: ppks.RoleSupervisor})
	register := func(svc *ppks.Service, kec string) {
		t.Helper()
		if _, err := svc.CreateBeneficiary(supervisor, ppks.RequestKey{ID: uuid.NewString()}, "", ppks.Beneficiary{
			FullName: "Warga " + kec, Sex: ppks.SexFemale, BirthDate: ppks.Date{Year: 1950}, KecamatanCode: kec}); err != nil {
			t.Fatal(err)
		}
	}

	svc, closeDB := open()
	register(svc, kecA)
	register(svc, kecB)
	closeDB()
	backup, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	svc, closeDB = open()
	register(svc, kecA) // the log goes on beyond the backup
	worker := func(kec ...string) context.Context {
		return ppks.WithPrincipal(context.Background(), &ppks.Principal{Username: "petugas", Role: ppks.RoleWorker, Kecamatan: kec})
	}
	cursor := ""
	for range 20 {
		page, err := svc.SyncChanges(worker(kecA, kecB), cursor, 0)
		if err != nil {
			t.Fatal(err)
		}
		cursor = page.Cursor
		if !page.More {
			break
		}
	}
	closeDB()

	// The older backup comes back, and the worker now serves kecamatan A only.
	for _, suffix := range []string{"-wal", "-shm"} {
		_ = os.Remove(path + suffix)
	}
	if err := os.WriteFile(path, backup, 0o600); err != nil {
		t.Fatal(err)
	}
	svc, closeDB = open()
	defer closeDB()
	page, err := svc.SyncChanges(worker(kecA), cursor, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(page.RemovedKecamatan, kecA) || !slices.Contains(page.RemovedKecamatan, kecB) {
		t.Errorf("RemovedKecamatan = %v; want both %s (downloaded again) and %s (no longer the worker's)", page.RemovedKecamatan, kecA, kecB)
	}
	for _, b := range page.Beneficiaries {
		if b.KecamatanCode != kecA {
			t.Errorf("the new download holds a person of %s", b.KecamatanCode)
		}
	}
}
