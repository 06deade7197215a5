package postgres_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/postgres"
)

// BenchmarkIndicator reads the indicator of a year through the service from PostgreSQL,
// one call at a time, and reports its p50 and p99, then the plain recount of the same
// figure (CountFacts and CountsFromFacts) and the ratio of the two medians, as the
// SQLite store's benchmark of the same name does, on the same generated records moved
// here with ppksctl migrate. PPKS_BENCH_PG is the URL of the databases with %s where
// their name goes (indicator_10000, indicator_1000000, indicator_10000000);
// scripts/bench-indicator.sh --backend postgres makes them and runs this.
func BenchmarkIndicator(b *testing.B) {
	urls := os.Getenv("PPKS_BENCH_PG")
	if urls == "" {
		b.Skip("PPKS_BENCH_PG is not set: run scripts/bench-indicator.sh --backend postgres")
	}
	for _, size := range []struct {
		name string
		n    int
	}{{"10k", 10_000}, {"1M", 1_000_000}, {"10M", 10_000_000}} {
		b.Run(size.name, func(b *testing.B) {
			ctx := context.Background()
			db, err := postgres.Open(ctx, strings.Replace(urls, "%s", fmt.Sprintf("indicator_%d", size.n), 1))
			if err != nil {
				b.Skipf("no database of %s: %v", size.name, err)
			}
			defer db.Close()
			if held, err := db.Holdings(ctx); err != nil || held["interventions"] != int64(size.n) {
				b.Skipf("the database of %s holds %d interventions (%v)", size.name, held["interventions"], err)
			}
			svc, err := compose.NewService(db, "", "Asia/Makassar") // the same rules: no rebuild
			if err != nil {
				b.Fatal(err)
			}
			sys := ppks.WithPrincipal(ctx, ppks.SystemPrincipal)
			const year = 2025 // the generator's last (cmd/ppksgen, scripts/bench-indicator.sh)
			var (
				lat []time.Duration
				ind *ppks.IndicatorYear
			)
			for b.Loop() {
				start := time.Now()
				if ind, err = svc.IndicatorYear(sys, ppks.IndicatorID, year); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			var recount []time.Duration
			for range 3 {
				start := time.Now()
				facts, err := db.CountFacts(ctx, year)
				if err != nil {
					b.Fatal(err)
				}
				again := ppks.ComputeIndicator(svc.Indicator, svc.Catalog, year, facts, nil)
				recount = append(recount, time.Since(start))
				if again.Total != ind.Total || again.UniquePersons != ind.UniquePersons || again.TotalVerified != ind.TotalVerified {
					b.Fatalf("recount %d/%d/%d, maintained %d/%d/%d", again.Total, again.UniquePersons,
						again.TotalVerified, ind.Total, ind.UniquePersons, ind.TotalVerified)
				}
			}
			var bytes int64
			if err := db.Pool().QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&bytes); err != nil {
				b.Fatal(err)
			}
			p50, p99 := percentile(lat, 50), percentile(lat, 99)
			b.ReportMetric(ms(p50), "p50-ms")
			b.ReportMetric(ms(p99), "p99-ms")
			b.ReportMetric(ms(percentile(recount, 50)), "recount-p50-ms")
			b.ReportMetric(float64(percentile(recount, 50))/float64(p50), "recount/maintained")
			b.ReportMetric(float64(bytes>>20)/(float64(size.n)/1e6), "db-MiB/M")
			b.ReportMetric(float64(ind.Total), "figure")
		})
	}
}

func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Sorted(slices.Values(d))
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
