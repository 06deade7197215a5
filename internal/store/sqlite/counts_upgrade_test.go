package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"github.com/opendinsos/ppks/internal/synth"
	_ "modernc.org/sqlite" // the plain driver, to make the file look like one of before 0006
)

// A database whose counts were built before the summed breakdowns existed (migration
// 0006) gets them at its next start, equal to a recount; the indicator reads them.
func TestCountedBreakdownsBuiltOnUpgrade(t *testing.T) {
	ctx := ppks.WithPrincipal(context.Background(), ppks.SystemPrincipal)
	path := filepath.Join(t.TempDir(), "ppks.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := compose.NewService(db, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	cfg := synth.Config{Interventions: 3000, Kabupaten: 2, FirstYear: 2024, LastYear: 2025, Seed: 7}
	if _, err := synth.Generate(ctx, db, svc.Catalog, cfg); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// The state a database of migration 0005 was in: no summed rows, and its rules
	// recorded (0006 forgets them).
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM count_cells WHERE intervention_type = '*'`,
		`DELETE FROM schema_migrations WHERE name LIKE 'migrations/0006%'`} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if svc, err = compose.NewService(db, "", "Asia/Makassar"); err != nil {
		t.Fatal(err)
	}
	for _, year := range []int{2024, 2025} {
		facts, err := db.CountFacts(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		want := ppks.CountsFromFacts(svc.Catalog, year, facts)
		got, err := db.IndicatorCounts(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Counted.ByKecamatan) == 0 {
			t.Fatalf("%d: the recount has no breakdown: the test data counts nothing", year)
		}
		if diff := cmp.Diff(want.Counted, got.Counted); diff != "" {
			t.Errorf("%d: summed breakdowns after the upgrade (-recount +maintained):\n%s", year, diff)
		}
		ind, err := svc.IndicatorYear(ctx, "penurunan-ppks", year)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, c := range ind.ByKecamatan {
			sum += c.Persons
		}
		if sum != ind.Total || ind.Total == 0 {
			t.Errorf("%d: byKecamatan sums to %d, total %d", year, sum, ind.Total)
		}
	}
}
