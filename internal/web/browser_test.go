package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/daemon"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/scenario"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"github.com/xuri/excelize/v2"
)

// The web application in a real browser (Debian's chromium, headless), against the real
// daemon.Run on port 0 with the 2024 reference scenario: one browser, the scenarios of
// issue 12 one after another, a screenshot of every page at an office screen's width and
// a phone's, and an accessibility check of every page's DOM.

const password = "rahasia-kantor-2024"

// Users of the test: the worker serves Somba Opu (73.06.08).
var users = []ppks.User{
	{Username: "kabid", DisplayName: "Kepala Bidang Rehsos", Role: ppks.RoleSupervisor},
	{Username: "petugas", DisplayName: "Nurul Hikmah", Role: ppks.RoleWorker, Kecamatan: []string{"73.06.08"}},
	{Username: "perencana", DisplayName: "Subag Perencanaan", Role: ppks.RolePlanner},
	{Username: "admin", DisplayName: "Admin Dinsos", Role: ppks.RoleAdmin},
}

// chromium finds the browser, or skips the test loudly (fails under CI, where .ci/run
// installs it).
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("SKIPPING THE BROWSER TESTS: chromium is not installed (apt-get install chromium); CI runs them")
	return ""
}

// prepare writes the scenario and the users into a new database.
func prepare(t *testing.T, db string) {
	t.Helper()
	store, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scenario.Load(t.Context(), svc); err != nil {
		t.Fatal(err)
	}
	sys := ppks.WithPrincipal(t.Context(), ppks.SystemPrincipal)
	for _, u := range users {
		if _, err := svc.CreateUser(sys, ppks.RequestKey{}, u); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetPassword(sys, ppks.RequestKey{}, u.Username, password); err != nil {
			t.Fatal(err)
		}
	}
}

// serve runs the real daemon.Run on loopback port 0 and returns its base URL and a stop.
func serve(t *testing.T, db string, sessions ppks.SessionPolicy) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan daemon.Addrs, 1)
	done := make(chan error, 1)
	cfg := daemon.Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", DBPath: db, TimeZone: "Asia/Makassar",
		Sessions: sessions, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	go func() { done <- daemon.Run(ctx, cfg, func(a daemon.Addrs) { ready <- a }) }()
	select {
	case a := <-ready:
		return "http://" + a.HTTP, func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("daemon.Run: %v", err)
			}
		}
	case err := <-done:
		cancel()
		t.Fatalf("daemon.Run: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("the server did not start")
	}
	return "", nil
}

func TestBrowser(t *testing.T) {
	exe := chromium(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "ppks.db")
	prepare(t, db)
	base, stop := serve(t, db, ppks.SessionPolicy{})
	defer func() {
		if stop != nil {
			stop()
		}
	}()

	shots := os.Getenv("PPKS_ARTIFACTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "ppks-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", shots)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "id-ID"),
		chromedp.UserDataDir(filepath.Join(dir, "profile")), chromedp.WindowSize(1366, 900))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	b := &tab{t: t, ctx: ctx, base: base, shots: shots}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}

	t.Run("WrongPasswordRefused", func(t *testing.T) {
		b.t = t
		b.visit("/app/masuk")
		b.shot("masuk")
		b.do(chromedp.SendKeys(chromedp.ID("username"), "kabid"), chromedp.SendKeys(chromedp.ID("password"), "salah-sekali-2024"),
			chromedp.Click(chromedp.CSS(`button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".notice-error")))
		if got := b.text(".notice-error"); !strings.Contains(got, "Nama pengguna atau kata sandi salah") {
			t.Errorf("error shown = %q", got)
		}
		if loc := b.location(); !strings.HasSuffix(loc, "/app/masuk") {
			t.Errorf("after a wrong password the browser is at %s", loc)
		}
		b.visit("/app/beranda")
		if loc := b.location(); !strings.Contains(loc, "/app/masuk") {
			t.Errorf("without signing in /app/beranda shows %s, want the sign-in page", loc)
		}
	})

	var personOutside string // a person of another kecamatan than the worker's
	secrets := map[string]bool{}
	t.Run("Supervisor", func(t *testing.T) {
		b.t = t
		b.signIn("kabid")
		b.visit("/app/beranda?tahun=2024")
		b.shot("beranda")
		for id, want := range map[string]string{"realisasi": "653", "target": "580", "capaian": "112,59 %", "predikat": "Sangat Berhasil"} {
			if got := b.text("#" + id); got != want {
				t.Errorf("#%s = %q, want %q", id, got, want)
			}
		}
		verified := b.text("#terverifikasi")
		b.visit("/app/beranda?tahun=2024&kecamatan=73.06.08")
		b.shot("beranda-kecamatan")

		// Verify one waiting graduation: the verified figure moves by one.
		b.visit("/app/verifikasi?jenis=GRADUASI")
		b.shot("verifikasi")
		waiting := b.text("#jumlah-antrian strong")
		b.do(chromedp.Click(chromedp.CSS(`#tabel-antrian tbody tr:first-child a[href*="/app/verifikasi/"]`)),
			chromedp.WaitVisible(chromedp.ID("tombol-setujui")))
		b.checkPage("verifikasi-rincian")
		b.shot("verifikasi-rincian")
		b.do(chromedp.Click(chromedp.ID("tombol-setujui")), chromedp.WaitVisible(chromedp.ID("jumlah-antrian")))
		if got := b.text("#jumlah-antrian strong"); got == waiting {
			t.Errorf("the queue still shows %s waiting after a verification", got)
		}
		b.visit("/app/beranda?tahun=2024")
		if got := b.text("#terverifikasi"); got != plusOne(t, verified) {
			t.Errorf("verified = %s after verifying a graduation, want %s + 1", got, verified)
		}

		// Reject one: without a reason the field says what is missing; with one, the
		// figure drops by one.
		b.visit("/app/verifikasi?jenis=GRADUASI")
		b.do(chromedp.Click(chromedp.CSS(`#tabel-antrian tbody tr:first-child a[href*="/app/verifikasi/"]`)),
			chromedp.WaitVisible(chromedp.ID("tombol-tolak")), chromedp.Click(chromedp.ID("tombol-tolak")),
			chromedp.WaitVisible(chromedp.ID("reason-galat")))
		if got := b.text("#reason-galat"); got != "Wajib diisi." {
			t.Errorf("reject without a reason: field error %q", got)
		}
		b.checkPage("verifikasi-tolak-galat")
		b.do(chromedp.SendKeys(chromedp.ID("reason"), "Berita acara musyawarah desa belum ada"),
			chromedp.Click(chromedp.ID("tombol-tolak")), chromedp.WaitVisible(chromedp.ID("jumlah-antrian")))
		b.visit("/app/beranda?tahun=2024")
		if got := b.text("#realisasi"); got != "652" {
			t.Errorf("realisasi after a rejection = %q, want 652", got)
		}

		// People: the list, a person, the register form. Remember names and NIKs for the
		// planner, and a person outside Somba Opu for the worker.
		b.visit("/app/pindah")
		b.shot("pindah")
		b.visit("/app/penerima")
		b.shot("penerima")
		rows := b.eval(`Array.from(document.querySelectorAll('#tabel-penerima tbody tr')).map(r => [r.querySelector('a').getAttribute('href'), r.querySelector('th').innerText, r.querySelector('.nik').innerText, r.cells[4].innerText].join('|'))`)
		for _, row := range rows {
			f := strings.Split(row, "|")
			secrets[f[1]] = true
			if digits := regexp.MustCompile(`^[0-9]{16}$`); digits.MatchString(f[2]) {
				secrets[f[2]] = true
			}
			if f[3] != "Somba Opu" && personOutside == "" {
				personOutside = f[0]
			}
		}
		if len(secrets) < 20 || personOutside == "" {
			t.Fatalf("the supervisor's list: %d names and NIKs, outside person %q", len(secrets), personOutside)
		}
		b.visit(personOutside)
		b.shot("penerima-rincian")

		// A duplicate: the same person registered again without NIK (the form warns of
		// the match), served a counted type, then merged: counted once again.
		b.visit("/app/penerima/baru")
		b.shot("penerima-baru")
		name := "Daeng Uji Duplikat"
		b.register(name, "L", "1961-04-12", "73.06.08")
		first := b.location()
		b.openCaseAndRecord("GELANDANGAN", "RUJUKAN", "2024-07-15")
		b.visit("/app/penerima/baru")
		b.do(chromedp.SendKeys(chromedp.ID("full_name"), name), chromedp.Click(chromedp.CSS(`input[name="sex"][value="L"]`)),
			chromedp.SetValue(chromedp.ID("birth_date"), "1961-04-12"), chromedp.SetValue(chromedp.ID("kecamatan_code"), "73.06.08"),
			chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("mirip-judul")))
		b.checkPage("penerima-baru-mirip")
		b.shot("penerima-baru-mirip")
		b.do(chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("kasus-judul")))
		second := b.location()
		if first == second {
			t.Fatal("the second registration opened the first record")
		}
		b.openCaseAndRecord("GELANDANGAN", "RUJUKAN", "2024-08-20")
		b.visit("/app/beranda?tahun=2024")
		if got := b.text("#realisasi"); got != "654" {
			t.Errorf("realisasi with the two records' referrals = %q, want 654 (652 + 2)", got)
		}
		b.visit("/app/penerima?q=" + strings.ReplaceAll(name, " ", "+"))
		if n := len(b.eval(`Array.from(document.querySelectorAll('#tabel-penerima tbody tr')).map(r => r.innerText)`)); n != 2 {
			t.Errorf("search finds %d records of the person before the merge, want 2", n)
		}
		found := false
		b.visit("/app/duplikat?kecamatan=73.06.08")
		for range 10 {
			if b.count(`a[href*="`+strings.TrimPrefix(second, base+"/app/penerima/")+`"]`) > 0 {
				found = true
				break
			}
			if b.count(`a[rel="next"]`) == 0 {
				break
			}
			b.clickAndWait(`a[rel="next"]`)
		}
		if !found {
			t.Fatal("the duplicate review did not find the pair")
		}
		b.checkPage("duplikat")
		b.shot("duplikat")
		b.do(chromedp.Click(chromedp.CSS(`li.pair:has(a[href*="`+strings.TrimPrefix(second, base+"/app/penerima/")+`"]) a.button-link`)),
			chromedp.WaitVisible(chromedp.ID("tombol-gabung")))
		b.checkPage("duplikat-banding")
		b.shot("duplikat-banding")
		b.do(chromedp.SendKeys(chromedp.ID("reason"), "Orang yang sama, terdaftar dua kali oleh petugas berbeda"),
			chromedp.Click(chromedp.ID("tombol-gabung")), chromedp.WaitVisible(chromedp.ID("kasus-judul")))
		b.visit("/app/penerima?q=" + strings.ReplaceAll(name, " ", "+"))
		if n := len(b.eval(`Array.from(document.querySelectorAll('#tabel-penerima tbody tr')).map(r => r.innerText)`)); n != 1 {
			t.Errorf("search finds %d records of the person after the merge, want 1", n)
		}
		b.visit("/app/beranda?tahun=2024")
		if got := b.text("#realisasi"); got != "653" {
			t.Errorf("realisasi after the merge = %q, want 653: the person counts once", got)
		}

		// Laporan: the tables, the print view, and the workbook downloaded and opened.
		b.visit("/app/laporan?tahun=2024")
		b.shot("laporan")
		b.visit("/app/laporan/2024/cetak")
		b.shot("laporan-cetak")
		b.visit("/app/laporan?tahun=2024")
		downloads := filepath.Join(dir, "unduhan")
		if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
			t.Fatal(err)
		}
		b.do(chromedp.Click(chromedp.CSS(`a.download[href$=".xlsx"]`)))
		xlsx := filepath.Join(downloads, "lkjip-2024.xlsx")
		var wb *excelize.File
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if f, err := excelize.OpenFile(xlsx); err == nil {
				wb = f
				break
			}
		}
		if wb == nil {
			t.Fatal("the workbook was not downloaded")
		}
		defer wb.Close()
		rows31, err := wb.GetRows("Tabel 3.1")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(fmt.Sprint(rows31), "653") || !strings.Contains(fmt.Sprint(rows31), "Sangat Berhasil") {
			t.Errorf("Tabel 3.1 of the workbook: %v", rows31)
		}

		// A form posted without the session's CSRF token is refused, and changes nothing.
		status := b.eval(`fetch('/app/verifikasi/massal', {method: 'POST', body: new URLSearchParams({pilih: 'a/b/c'})}).then(r => [String(r.status)])`)
		if len(status) != 1 || status[0] != "403" {
			t.Errorf("a form post without the CSRF token: status %v, want 403", status)
		}
		b.signOut()
	})

	t.Run("Worker", func(t *testing.T) {
		b.t = t
		b.signIn("petugas")
		b.phone(true)
		defer b.phone(false)
		b.visit("/app/pindah")
		b.shot("petugas-pindah")
		b.visit("/app/penerima")
		b.shot("petugas-penerima")
		cells := b.eval(`Array.from(document.querySelectorAll('#tabel-penerima tbody tr')).map(r => r.cells[4].innerText + '|' + r.querySelector('.nik').innerText)`)
		if len(cells) == 0 {
			t.Fatal("the worker sees nobody")
		}
		masked := regexp.MustCompile(`^[0-9]{6}\*{6}[0-9]{4}$`)
		for _, c := range cells {
			kec, nik, _ := strings.Cut(c, "|")
			if kec != "Somba Opu" {
				t.Errorf("the worker sees a person of %s", kec)
			}
			if nik != "tanpa NIK" && !masked.MatchString(nik) {
				t.Errorf("the worker sees the NIK %q, want it masked", nik)
			}
		}
		b.visit(personOutside)
		if got := b.text("h1"); got != "Tidak berwenang" {
			t.Errorf("a person of another kecamatan shows %q, want the refusal", got)
		}
		b.visit("/app/beranda")
		if got := b.text("h1"); got != "Tidak berwenang" {
			t.Errorf("the worker's dashboard shows %q, want the refusal", got)
		}
		// Register a person, open a case and record an intervention from the forms; a
		// bad quantity first gets the domain's message at the field.
		b.visit("/app/penerima/baru")
		b.shot("petugas-penerima-baru")
		b.register("Hasnah Binti Uji Lapangan", "P", "1948-02-01", "")
		b.shot("petugas-penerima-rincian")
		b.do(chromedp.SetValue(chromedp.ID("ppks_type"), "LANSIA_TELANTAR"), chromedp.Click(chromedp.CSS(`form[action$="/kasus"] button`)),
			chromedp.WaitVisible(chromedp.ID("intervention_type")))
		b.shot("petugas-intervensi-baru")
		b.do(chromedp.SetValue(chromedp.ID("intervention_type"), "PERMAKANAN"), chromedp.SetValue(chromedp.ID("quantity"), "-5"),
			chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("quantity-galat")))
		if got := b.text("#quantity-galat"); got != "Harus antara 1 dan 1.000.000." {
			t.Errorf("quantity error = %q", got)
		}
		b.checkPage("petugas-intervensi-galat")
		b.shot("petugas-intervensi-galat")
		b.do(chromedp.SetValue(chromedp.ID("quantity"), "30"), chromedp.SetValue(chromedp.ID("unit"), "porsi"),
			chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("linimasa-judul")))
		if got := b.text(".flash"); !strings.Contains(got, "sudah dicatat") {
			t.Errorf("after recording: %q", got)
		}
		if got := b.text("ol.timeline"); !strings.Contains(got, "Permakanan") || !strings.Contains(got, "petugas") {
			t.Errorf("the timeline does not show the recorded permakanan: %q", got)
		}
		b.visit("/app/akun")
		b.shot("petugas-akun")
		b.signOut()
	})

	t.Run("WorkerOffline", func(t *testing.T) { b.t = t; testWorkerOffline(t, b, base, db) }) // offline_browser_test.go

	t.Run("PlannerSeesNoPersonalData", func(t *testing.T) {
		b.t = t
		b.signIn("perencana")
		pages := []string{"/app/beranda?tahun=2024", "/app/beranda?tahun=2024&kecamatan=73.06.08", "/app/laporan?tahun=2024",
			"/app/laporan/2024/cetak", "/app/akun"}
		for _, p := range pages {
			b.visit(p)
			html := b.html()
			for s := range secrets {
				if strings.Contains(html, s) {
					t.Errorf("%s shows %q to a planner", p, s)
				}
			}
			if m := regexp.MustCompile(`\b73[0-9]{14}\b`).FindString(html); m != "" {
				t.Errorf("%s shows the NIK-like number %s to a planner", p, m)
			}
		}
		b.visit("/app/beranda?tahun=2024")
		b.shot("perencana-beranda")
		b.visit("/app/penerima")
		if got := b.text("h1"); got != "Tidak berwenang" {
			t.Errorf("a planner's /app/penerima shows %q, want the refusal", got)
		}
		b.signOut()
	})

	t.Run("Admin", func(t *testing.T) {
		b.t = t
		b.signIn("admin")
		b.visit("/app/pengguna")
		b.shot("pengguna")
		b.visit("/app/pengguna/petugas")
		b.shot("pengguna-rincian")
		// Lock 2024: the signed report, its hash, and an amendment to let late records in.
		b.visit("/app/laporan?tahun=2024")
		b.do(chromedp.Click(chromedp.CSS(`.lock-form input[name="yakin"]`)))
		b.clickAndWait(`.lock-form button[type="submit"]`)
		if got := b.text("#status-kunci"); got != "Dikunci" {
			t.Errorf("after locking, the status is %q", got)
		}
		if hash := b.text("#hash-laporan"); !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(hash) {
			t.Errorf("the signed report's hash is %q", hash)
		}
		b.do(chromedp.SendKeys(chromedp.ID("am-reason"), "Data permakanan Desember terlambat dari Kecamatan Parigi"))
		b.clickAndWait(`form[action$="/amandemen"] button`)
		if got := b.text(".flash"); !strings.Contains(got, "Amandemen dibuka") {
			t.Errorf("opening an amendment: %q", got)
		}
		b.checkPage("laporan-dikunci")
		b.shot("laporan-dikunci")
		b.signOut()
	})

	// An expired session: the same database behind a server whose sessions end after two
	// idle seconds.
	stop()
	stop = nil
	base2, stop2 := serve(t, db, ppks.SessionPolicy{Idle: 2 * time.Second})
	defer stop2()
	t.Run("ExpiredSessionRefused", func(t *testing.T) {
		b.t = t
		b.base = base2
		b.signIn("kabid")
		b.visit("/app/beranda?tahun=2024")
		if got := b.text("#realisasi"); got != "653" {
			t.Errorf("realisasi = %q", got)
		}
		time.Sleep(3 * time.Second)
		b.visit("/app/beranda?tahun=2024")
		if loc := b.location(); !strings.Contains(loc, "/app/masuk") || !strings.Contains(loc, "habis=1") {
			t.Errorf("after the idle time the dashboard is at %s, want the sign-in page", loc)
		}
		if got := b.text(".notice"); !strings.Contains(got, "Sesi Anda telah berakhir") {
			t.Errorf("the sign-in page says %q", got)
		}
	})
	if problems := b.a11y; len(problems) > 0 {
		t.Errorf("accessibility problems:\n%s", strings.Join(problems, "\n"))
	}
}

// tab drives the browser's one tab.
type tab struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
	a11y  []string
	shown map[string]bool
}

func (b *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser (at %s): %v", b.location(), err)
	}
}

func (b *tab) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

func (b *tab) text(css string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("text of %s (at %s): %v", css, b.location(), err)
	}
	return strings.TrimSpace(s)
}

func (b *tab) eval(js string) []string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return out
}

func (b *tab) count(css string) int {
	return len(b.eval(`Array.from(document.querySelectorAll(` + quoteJS(css) + `)).map(e => e.tagName)`))
}

func (b *tab) html() string {
	return strings.Join(b.eval(`[document.documentElement.outerHTML]`), "")
}

// visit opens a page of the application and checks its DOM.
func (b *tab) visit(path string) {
	b.t.Helper()
	url := path
	if !strings.HasPrefix(path, "http") {
		url = b.base + path
	}
	b.do(chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
	b.checkPage(path)
}

// checkPage runs the accessibility check of the page shown: lang="id", one h1, the
// landmarks, a label for every field, a name for every button and link, a title or
// label for every chart, no repeated id.
func (b *tab) checkPage(name string) {
	b.t.Helper()
	for _, p := range b.eval(a11yJS) {
		b.a11y = append(b.a11y, name+": "+p)
	}
}

const a11yJS = `(() => {
  const p = [];
  if (document.documentElement.lang !== 'id') p.push('lang is "' + document.documentElement.lang + '"');
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) p.push(h1 + ' h1 elements');
  if (!document.querySelector('header')) p.push('no header landmark');
  if (!document.querySelector('main')) p.push('no main landmark');
  if (document.querySelector('.who') && !document.querySelector('nav')) p.push('no nav landmark');
  document.querySelectorAll('input, select, textarea').forEach(el => {
    if (el.type === 'hidden') return;
    if (!((el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
      p.push('no label: ' + el.tagName.toLowerCase() + ' ' + (el.name || el.id));
  });
  document.querySelectorAll('button').forEach(el => {
    if (!(el.textContent.trim() || el.getAttribute('aria-label'))) p.push('button without a name');
  });
  document.querySelectorAll('a').forEach(el => {
    if (!(el.textContent.trim() || el.getAttribute('aria-label'))) p.push('link without a name: ' + el.getAttribute('href'));
  });
  document.querySelectorAll('img').forEach(el => { if (!el.hasAttribute('alt')) p.push('img without alt'); });
  document.querySelectorAll('svg').forEach(el => {
    if (el.getAttribute('aria-hidden') === 'true') return;
    if (!(el.querySelector('title') || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))) p.push('svg without a title');
  });
  const ids = {};
  document.querySelectorAll('[id]').forEach(el => { if (ids[el.id]) p.push('repeated id ' + el.id); ids[el.id] = true; });
  return p;
})()`

// shot writes a screenshot of the page at an office screen's width and a phone's.
func (b *tab) shot(name string) {
	b.t.Helper()
	for _, v := range []struct {
		suffix string
		w, h   int64
		mobile bool
	}{{"desktop", 1366, 900, false}, {"ponsel", 390, 844, true}} {
		opts := []chromedp.EmulateViewportOption{}
		if v.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(2))
		}
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(v.w, v.h, opts...)); err != nil {
			b.t.Fatalf("viewport: %v", err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			b.t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(b.shots, name+"-"+v.suffix+".png"), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.phone(b.shown["phone"])
}

// phone switches the tab between a phone's viewport and an office screen's.
func (b *tab) phone(on bool) {
	if b.shown == nil {
		b.shown = map[string]bool{}
	}
	b.shown["phone"] = on
	w, h, opts := int64(1366), int64(900), []chromedp.EmulateViewportOption{}
	if on {
		w, h, opts = 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulateScale(2)}
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	_ = chromedp.Do(ctx, chromedp.EmulateViewport(w, h, opts...))
}

func (b *tab) signIn(username string) {
	b.t.Helper()
	// A fresh start, whatever a failed step before left signed in.
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		b.t.Fatal(err)
	}
	b.visit("/app/masuk")
	b.do(chromedp.SendKeys(chromedp.ID("username"), username), chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS("nav")))
}

func (b *tab) signOut() {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(`.who button`)), chromedp.WaitVisible(chromedp.ID("username")))
	if got := b.text(".flash"); got != "Anda sudah keluar." {
		b.t.Errorf("after signing out: %q", got)
	}
}

// register fills the person form (the page must be /app/penerima/baru) and waits for the
// new person's page; kec "" keeps the form's choice.
func (b *tab) register(name, sex, born, kec string) {
	b.t.Helper()
	actions := []chromedp.Action[chromedp.Void]{chromedp.SendKeys(chromedp.ID("full_name"), name),
		chromedp.Click(chromedp.CSS(`input[name="sex"][value="` + sex + `"]`)), chromedp.SetValue(chromedp.ID("birth_date"), born)}
	if kec != "" {
		actions = append(actions, chromedp.SetValue(chromedp.ID("kecamatan_code"), kec))
	}
	actions = append(actions, chromedp.SetValue(chromedp.ID("desa"), "Kelurahan Sungguminasa"))
	b.do(actions...)
	b.clickAndWait(`form.stack button[type="submit"]`)
	if b.count("#mirip-judul") > 0 { // a likely match: register anyway
		b.clickAndWait(`form.stack button[type="submit"]`)
	}
	if b.count("#kasus-judul") == 0 {
		b.t.Fatalf("registering %s: at %s: %s", name, b.location(), b.text("main"))
	}
	b.checkPage("penerima-rincian")
}

// clickAndWait clicks an element that loads another page (a link, a form's button) and
// waits until the new page has loaded.
func (b *tab) clickAndWait(css string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`window.__ppksOld = true`), chromedp.Click(chromedp.CSS(css)))
	// A poll inside the page dies with the page: ask again until the new one answers.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.__ppksOld && document.readyState === 'complete'`))
		cancel()
		if err == nil && done {
			return
		}
	}
	b.t.Fatalf("no new page after clicking %s (at %s)", css, b.location())
}

// openCaseAndRecord opens a case on the person's page and records an intervention.
func (b *tab) openCaseAndRecord(ppksType, typ, date string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.ID("ppks_type"), ppksType), chromedp.SetValue(chromedp.ID("opened_on"), "2024-01-02"),
		chromedp.Click(chromedp.CSS(`form[action$="/kasus"] button`)),
		chromedp.WaitVisible(chromedp.ID("intervention_type")),
		chromedp.SetValue(chromedp.ID("intervention_type"), typ), chromedp.SetValue(chromedp.ID("delivered_on"), date),
		chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("linimasa-judul")))
	if got := b.text(".flash"); !strings.Contains(got, "sudah dicatat") {
		b.t.Fatalf("recording %s: %q", typ, got)
	}
}

func plusOne(t *testing.T, s string) string {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(strings.ReplaceAll(s, ".", ""), &n); err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return fmt.Sprint(n + 1)
}

func quoteJS(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `'`, `\'`) + "'"
}
