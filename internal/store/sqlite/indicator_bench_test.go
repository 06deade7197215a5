package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/procstat"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"github.com/opendinsos/ppks/internal/synth"
)

// Benchmarks of reading at scale, on databases of generated records (internal/synth):
// the indicator from the maintained counts against a plain recount of the same figure,
// keyset pagination deep in a list, and the memory and disk they take. The 10k size
// always runs; 1M and 10M only with PPKS_BENCH_LARGE=1 (generating them takes about
// half a minute and several minutes). Each database is generated once into
// PPKS_BENCH_DIR (default: the system's temporary directory, ppks-bench/) and reused;
// scripts/bench-indicator.sh runs them all.

var benchSizes = []struct {
	name  string
	n     int
	large bool
}{
	{"10k", 10_000, false},
	{"1M", 1_000_000, true},
	{"10M", 10_000_000, true},
}

// benchYear is the year the benchmarks read: the generator's last.
const benchYear = 2025

// benchConfig is the generator's configuration for a size; the file name carries it, so
// that a changed configuration generates a new file.
func benchConfig(n int) synth.Config {
	return synth.Config{Interventions: n, Kabupaten: 5, FirstYear: 2021, LastYear: benchYear, Seed: 1}
}

// BenchPath returns the cached database of a size.
func benchPath(n int) string {
	dir := os.Getenv("PPKS_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ppks-bench")
	}
	c := benchConfig(n)
	return filepath.Join(dir, fmt.Sprintf("indicator-%d-k%d-%d-%d-s%d.db", n, c.Kabupaten, c.FirstYear, c.LastYear, c.Seed))
}

// benchService opens the database of a size, generating it first when missing (into a
// temporary name, renamed once complete), and the service over it.
func benchService(b *testing.B, size struct {
	name  string
	n     int
	large bool
}) (*sqlite.DB, *ppks.Service) {
	b.Helper()
	if size.large && os.Getenv("PPKS_BENCH_LARGE") == "" {
		b.Skip("set PPKS_BENCH_LARGE=1 for the large sizes")
	}
	ctx := context.Background()
	path := benchPath(size.n)
	if _, err := os.Stat(path); err != nil {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			b.Fatal(err)
		}
		tmp := path + ".partial"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		db, err := sqlite.Open(ctx, tmp)
		if err != nil {
			b.Fatal(err)
		}
		svc, err := compose.NewService(db, "", "Asia/Makassar")
		if err != nil {
			b.Fatal(err)
		}
		sum, err := synth.Generate(ctx, db, svc.Catalog, benchConfig(size.n))
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %s in %v", path, sum.Elapsed.Round(time.Millisecond))
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	svc, err := compose.NewService(db, "", "Asia/Makassar") // same rules: no rebuild
	if err != nil {
		b.Fatal(err)
	}
	return db, svc
}

// BenchmarkIndicator reads the indicator of a year through the service (maintained
// counts, target, breakdowns), one call at a time, and reports its p50 and p99; then
// recounts the same figure from the raw rows (CountFacts and CountsFromFacts) a few
// times, checks that it is the same, and reports the ratio of the two medians. The peak
// RSS is the process's (VmHWM) after the maintained reads and after the recounts: run
// one size per process to read it per size (scripts/bench-indicator.sh does).
func BenchmarkIndicator(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			db, svc := benchService(b, size)
			ctx := ppks.WithPrincipal(context.Background(), ppks.SystemPrincipal)
			var (
				lat []time.Duration
				ind *ppks.IndicatorYear
				err error
			)
			for b.Loop() {
				start := time.Now()
				if ind, err = svc.IndicatorYear(ctx, ppks.IndicatorID, benchYear); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			rss := procstat.PeakRSS()
			var recount []time.Duration
			for range 3 {
				start := time.Now()
				facts, err := db.CountFacts(ctx, benchYear)
				if err != nil {
					b.Fatal(err)
				}
				again := ppks.ComputeIndicator(svc.Indicator, svc.Catalog, benchYear, facts, nil)
				recount = append(recount, time.Since(start))
				if again.Total != ind.Total || again.UniquePersons != ind.UniquePersons || again.TotalVerified != ind.TotalVerified {
					b.Fatalf("recount %d/%d/%d, maintained %d/%d/%d", again.Total, again.UniquePersons,
						again.TotalVerified, ind.Total, ind.UniquePersons, ind.TotalVerified)
				}
			}
			p50, p99 := percentile(lat, 50), percentile(lat, 99)
			b.ReportMetric(ms(p50), "p50-ms")
			b.ReportMetric(ms(p99), "p99-ms")
			b.ReportMetric(ms(percentile(recount, 50)), "recount-p50-ms")
			b.ReportMetric(float64(percentile(recount, 50))/float64(p50), "recount/maintained")
			b.ReportMetric(float64(rss>>20), "peak-rss-MB")
			b.ReportMetric(float64(procstat.PeakRSS()>>20), "recount-peak-rss-MB")
			b.ReportMetric(float64(dbSize(b, benchPath(size.n))>>20)/(float64(size.n)/1e6), "db-MiB/M")
			b.ReportMetric(float64(ind.Total), "figure")
		})
	}
}

// BenchmarkListPage reads page 1 and page 1000 of the list of interventions (50 a
// page, keyset on the id) alternately, and reports both medians and their ratio: with
// keyset pagination a deep page costs what the first one does.
func BenchmarkListPage(b *testing.B) {
	const pageSize, deep = 50, 1000
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			if size.n < pageSize*deep {
				b.Skip("fewer than 1000 pages")
			}
			db, _ := benchService(b, size)
			ctx := context.Background()
			after := "" // the key page 1000 starts after, found by walking the pages
			for range deep - 1 {
				page, err := db.ListInterventions(ctx, ppks.InterventionFilter{}, ppks.PageRequest{After: after, Limit: pageSize})
				if err != nil {
					b.Fatal(err)
				}
				after = page[len(page)-1].ID
			}
			var first, last []time.Duration
			for b.Loop() {
				for _, p := range []struct {
					after string
					lat   *[]time.Duration
				}{{"", &first}, {after, &last}} {
					start := time.Now()
					page, err := db.ListInterventions(ctx, ppks.InterventionFilter{}, ppks.PageRequest{After: p.after, Limit: pageSize})
					if err != nil || len(page) != pageSize {
						b.Fatalf("page: %d items, %v", len(page), err)
					}
					*p.lat = append(*p.lat, time.Since(start))
				}
			}
			b.ReportMetric(ms(percentile(first, 50)), "page1-p50-ms")
			b.ReportMetric(ms(percentile(last, 50)), "page1000-p50-ms")
			b.ReportMetric(float64(percentile(last, 50))/float64(percentile(first, 50)), "page1000/page1")
		})
	}
}

func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Sorted(slices.Values(d))
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// dbSize is the size of the database file with its WAL.
func dbSize(b *testing.B, path string) int64 {
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(path + suffix); err == nil {
			n += fi.Size()
		}
	}
	return n
}
