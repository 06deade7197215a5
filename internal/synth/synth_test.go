package synth_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"github.com/opendinsos/ppks/internal/synth"
)

// A small run writes exactly the interventions asked for, valid and unique NIKs, and
// maintained counts equal to a recount; the same seed gives the same records.
func TestGenerate(t *testing.T) {
	ctx := ppks.WithPrincipal(context.Background(), ppks.SystemPrincipal)
	cfg := synth.Config{Interventions: 3000, Kabupaten: 3, FirstYear: 2023, LastYear: 2025, Seed: 7}
	gen := func() (*ppks.Service, synth.Summary) {
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ppks.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		svc, err := compose.NewService(db, "", "Asia/Makassar")
		if err != nil {
			t.Fatal(err)
		}
		sum, err := synth.Generate(ctx, db, svc.Catalog, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return svc, sum
	}
	svc, sum := gen()
	if sum.Interventions != cfg.Interventions || sum.Kabupaten != 3 || sum.Years != 3 || sum.Voided == 0 ||
		sum.Rejected == 0 || sum.WithNIK == 0 || sum.WithNIK == sum.People || sum.WithKK == 0 {
		t.Fatalf("summary %+v", sum)
	}
	var stored int
	seen := map[string]bool{}
	for after := ""; ; {
		page, err := svc.Store.ListBeneficiaries(ctx, ppks.BeneficiaryFilter{}, ppks.PageRequest{After: after, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, b := range page {
			if b.NIK == "" {
				continue
			}
			if _, err := ppks.ParseNIK(b.NIK); err != nil || seen[b.NIK] {
				t.Fatalf("NIK %q: %v (seen before: %v)", b.NIK, err, seen[b.NIK])
			}
			seen[b.NIK] = true
		}
		stored += len(page)
		after = page[len(page)-1].ID
	}
	if stored != sum.People || len(seen) != sum.WithNIK {
		t.Fatalf("%d people stored, %d NIKs; summary %+v", stored, len(seen), sum)
	}
	if diffs, err := svc.VerifyCounts(ctx); err != nil || len(diffs) != 0 {
		t.Fatalf("VerifyCounts = %+v, %v", diffs, err)
	}
	if _, again := gen(); again.People != sum.People || again.Verified != sum.Verified || again.Cases != sum.Cases {
		t.Fatalf("same seed, other records: %+v vs %+v", again, sum)
	}
}
