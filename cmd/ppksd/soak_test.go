package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/testkit"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// scrape reads the named gauges from the daemon's /metrics.
func scrape(url string, names ...string) (map[string]float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		for _, n := range names {
			if v, ok := strings.CutPrefix(sc.Text(), n+" "); ok {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", n, err)
				}
				out[n] = f
			}
		}
	}
	return out, sc.Err()
}

// envDuration reads a duration from the environment, def when unset.
func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

// TestSoak runs the real binary for a few minutes at a steady rate of writes and reads,
// samples its goroutines and resident memory, and fails when they keep growing. It runs
// only with PPKS_SOAK=1 (scripts/soak.sh); PPKS_SOAK_DURATION (default 3m) and
// PPKS_SOAK_RATE (requests per second, default 200) tune it.
func TestSoak(t *testing.T) {
	if os.Getenv("PPKS_SOAK") != "1" {
		t.Skip("a soak of several minutes: set PPKS_SOAK=1 (scripts/soak.sh)")
	}
	duration := envDuration(t, "PPKS_SOAK_DURATION", 3*time.Minute)
	rate := 200
	if v := os.Getenv("PPKS_SOAK_RATE"); v != "" {
		var err error
		if rate, err = strconv.Atoi(v); err != nil || rate < 1 {
			t.Fatalf("PPKS_SOAK_RATE %q", v)
		}
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "ppks.db")
	token := testkit.Tokens(t, db, testkit.Supervisor)[0]
	logs, err := os.Create(filepath.Join(dir, "ppksd.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	d := &child{t: t, bin: buildDaemon(t), db: db, grpcAddr: freeAddr(t), httpAddr: freeAddr(t), logs: logs}
	d.start()
	defer d.stop()
	conn, err := grpc.NewClient(d.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(bearer(token)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := ppksv1.NewCaseServiceClient(conn)
	indicator := ppksv1.NewIndicatorServiceClient(conn)
	// ctx ends the load; each request has a deadline of its own, so that one cut short by
	// the end of the soak is not counted as failed.
	ctx, cancel := context.WithTimeout(t.Context(), duration)
	defer cancel()
	reqCtx := t.Context()

	p, err := client.CreateBeneficiary(ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: "0193d000-0000-7000-8000-000000000001",
		Beneficiary: &ppksv1.Beneficiary{FullName: "Soak", Sex: ppksv1.Sex_SEX_MALE, KecamatanCode: "73.06.08"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.CreateCase(ctx, &ppksv1.CreateCaseRequest{Parent: p.GetBeneficiary().GetName(), RequestId: "0193d000-0000-7000-8000-000000000002",
		Case: &ppksv1.Case{PpksType: "LANSIA_TELANTAR", OpenedOn: &date.Date{Year: 2024, Month: 1, Day: 1}}})
	if err != nil {
		t.Fatal(err)
	}

	// A steady rate: each tick sends one request, nine writes for one read of a list (one
	// in five of those the indicator, which is recounted from the rows until the
	// maintained aggregates exist), from a pool bounded so that a slow server drops ticks
	// instead of piling up goroutines.
	var sent, failed atomic.Int64
	ticks := make(chan int64)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for n := range ticks {
				var err error
				ctx, cancel := context.WithTimeout(reqCtx, 10*time.Second)
				switch {
				case n%50 == 5:
					_, err = indicator.GetIndicatorYear(ctx, &ppksv1.GetIndicatorYearRequest{Name: "indicators/penurunan-ppks/years/2024"})
				case n%10 == 5:
					_, err = client.ListInterventions(ctx, &ppksv1.ListInterventionsRequest{Parent: c.GetCase().GetName(), PageSize: 50})
				default:
					_, err = client.CreateIntervention(ctx, &ppksv1.CreateInterventionRequest{Parent: c.GetCase().GetName(),
						RequestId: fmt.Sprintf("0193d000-0000-7000-8001-%012d", n),
						Intervention: &ppksv1.Intervention{InterventionType: "PERMAKANAN",
							DeliveredOn: &date.Date{Year: 2024, Month: int32(n%12 + 1), Day: int32(n%28 + 1)}, Quantity: 1, Unit: "porsi"}})
				}
				cancel()
				sent.Add(1)
				if err != nil {
					failed.Add(1)
					t.Logf("request %d: %v", n, err)
				}
			}
		})
	}
	go func() {
		defer close(ticks)
		tick := time.NewTicker(time.Second / time.Duration(rate))
		defer tick.Stop()
		for n := int64(0); ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				select {
				case ticks <- n:
				case <-ctx.Done():
					return
				}
			}
		}
	}()

	type sample struct{ goroutines, heap, rss float64 }
	var samples []sample
	interval := max(duration/12, time.Second)
	every := time.NewTicker(interval)
	defer every.Stop()
	metricsURL := "http://" + d.httpAddr + "/metrics"
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-every.C:
			m, err := scrape(metricsURL, "go_goroutines", "go_memstats_heap_inuse_bytes", "process_resident_memory_bytes")
			if err != nil {
				t.Fatal(err)
			}
			s := sample{m["go_goroutines"], m["go_memstats_heap_inuse_bytes"], m["process_resident_memory_bytes"]}
			samples = append(samples, s)
			t.Logf("after %6s: %5d requests, %3d failed, %4.0f goroutines, Go heap %5.1f MiB, RSS %5.1f MiB",
				time.Duration(len(samples))*interval, sent.Load(), failed.Load(), s.goroutines, s.heap/(1<<20), s.rss/(1<<20))
		}
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Errorf("%d of %d requests failed", failed.Load(), sent.Load())
	}
	if len(samples) < 4 {
		t.Fatalf("only %d samples", len(samples))
	}
	// Stable: past the first third (warm-up: the pools, SQLite's page caches), the second
	// half's median stays near the first half's. Medians, because in-flight requests make
	// single samples jump. The Go heap is held tight; the resident set, which also holds
	// SQLite's caches and the memory-mapped WAL index as the database grows, looser.
	warm := samples[len(samples)/3:]
	half := len(warm) / 2
	grows := func(what string, f func(sample) float64, factor, slack float64) {
		a, b := median(warm[:half], f), median(warm[half:], f)
		if b > a*factor+slack {
			t.Errorf("%s grows: median %.1f, then %.1f", what, a, b)
		}
	}
	grows("goroutines", func(s sample) float64 { return s.goroutines }, 1.5, 20)
	grows("Go heap (MiB)", func(s sample) float64 { return s.heap / (1 << 20) }, 1.3, 4)
	grows("resident memory (MiB)", func(s sample) float64 { return s.rss / (1 << 20) }, 1.5, 8)
}

// median returns the median of f over ss.
func median[S any](ss []S, f func(S) float64) float64 {
	vs := make([]float64, len(ss))
	for i, s := range ss {
		vs[i] = f(s)
	}
	slices.Sort(vs)
	return vs[len(vs)/2]
}
