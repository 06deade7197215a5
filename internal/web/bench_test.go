package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"github.com/opendinsos/ppks/internal/synth"
	"github.com/opendinsos/ppks/internal/web"
)

// Benchmarks of the real handler (web.New over the real service and SQLite store) on
// generated data (internal/synth, one kabupaten: Gowa's 18 kecamatan, 2022 to 2026): the
// dashboard and the verification queue, server time per page as p50 and p99, and the
// dashboard's page weight. 10k always runs; 1M with PPKS_BENCH_LARGE=1 (generated once
// into PPKS_BENCH_DIR, default the temporary directory's ppks-bench/, in about a minute).
//
//	PPKS_BENCH_LARGE=1 PPKS_BENCH_DIR=$PWD/.bench go test -run '^$' -bench Web -benchtime 400x ./internal/web

const webBenchYear = 2026

func webBenchPath(n int) string {
	dir := os.Getenv("PPKS_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ppks-bench")
	}
	return filepath.Join(dir, fmt.Sprintf("web-%d-k1-2022-%d-s1.db", n, webBenchYear))
}

// webBench opens (generating first when missing) the database of a size and returns the
// real handler with a signed-in supervisor's cookie.
func webBench(b *testing.B, n int) (http.Handler, *http.Cookie, func()) {
	b.Helper()
	path := webBenchPath(n)
	ctx := context.Background()
	if _, err := os.Stat(path); err != nil {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			b.Fatal(err)
		}
		tmp := path + ".tmp"
		os.Remove(tmp)
		store, err := sqlite.Open(ctx, tmp)
		if err != nil {
			b.Fatal(err)
		}
		svc, err := compose.NewService(store, "", "Asia/Makassar")
		if err != nil {
			b.Fatal(err)
		}
		sum, err := synth.Generate(ctx, store, svc.Catalog, synth.Config{Interventions: n, Kabupaten: 1, FirstYear: 2022, LastYear: webBenchYear, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		store.Close()
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %s: %d interventions in %s", path, sum.Interventions, sum.Elapsed.Round(time.Second))
	}
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		b.Fatal(err)
	}
	sys := ppks.WithPrincipal(ctx, ppks.SystemPrincipal)
	if _, err := svc.CreateUser(sys, ppks.RequestKey{}, ppks.User{Username: "kabid", DisplayName: "Kepala Bidang", Role: ppks.RoleSupervisor}); err != nil && ppks.KindOf(err) != ppks.KindAlreadyExists {
		b.Fatal(err)
	}
	if err := svc.SetPassword(sys, ppks.RequestKey{}, "kabid", password); err != nil {
		b.Fatal(err)
	}
	_, secret, err := svc.SignIn(ctx, "kabid", password, ppks.Client{Address: "127.0.0.1"})
	if err != nil {
		b.Fatal(err)
	}
	h, err := web.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	return h, &http.Cookie{Name: "ppks_sesi", Value: secret}, func() { store.Close() }
}

// servePage measures one page b.N times and reports p50 and p99 of the server time.
func servePage(b *testing.B, h http.Handler, cookie *http.Cookie, path string) *httptest.ResponseRecorder {
	b.Helper()
	var last *httptest.ResponseRecorder
	times := make([]time.Duration, 0, b.N)
	// Warm the page cache first: the figures are of a server that has been running.
	for range 20 {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(cookie)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	b.ResetTimer()
	for range b.N {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		times = append(times, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
		last = rec
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
	return last
}

func BenchmarkWeb(b *testing.B) {
	for _, size := range []struct {
		name  string
		n     int
		large bool
	}{{"10k", 10_000, false}, {"1M", 1_000_000, true}} {
		b.Run(size.name, func(b *testing.B) {
			if size.large && os.Getenv("PPKS_BENCH_LARGE") != "1" {
				b.Skip("set PPKS_BENCH_LARGE=1 for the 1M database")
			}
			h, cookie, done := webBench(b, size.n)
			defer done()
			y := fmt.Sprint(webBenchYear)
			pages := []struct{ name, path string }{
				{"Dashboard", "/app/beranda?tahun=" + y},
				{"DashboardKecamatan", "/app/beranda?tahun=" + y + "&kecamatan=73.06.08"},
				{"Queue", "/app/verifikasi"},
				{"QueueFiltered", "/app/verifikasi?kecamatan=73.06.08&jenis=PERMAKANAN&dari=" + y + "-03&sampai=" + y + "-06"},
			}
			for _, p := range pages {
				b.Run(p.name, func(b *testing.B) {
					rec := servePage(b, h, cookie, p.path)
					if p.name == "Dashboard" {
						b.ReportMetric(float64(pageWeight(b, h, cookie, rec.Body.String()))/1024, "page-KiB")
					}
				})
			}
		})
	}
}

var assetLink = regexp.MustCompile(`(?:href|src)="(/app/static/[^"]+)"`)

// pageWeight is the bytes of a page and of every asset it loads (uncompressed).
func pageWeight(b *testing.B, h http.Handler, cookie *http.Cookie, html string) int {
	n := len(html)
	seen := map[string]bool{}
	for _, m := range assetLink.FindAllStringSubmatch(html, -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		req := httptest.NewRequest(http.MethodGet, m[1], nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", m[1], rec.Code)
		}
		n += rec.Body.Len()
	}
	return n
}
