package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// flakyProxy stands between the browser and the service as a field worker's mobile
// network does: it may be off (every connection closed unanswered), or lose the answer
// of the next batch sent (the service writes it, the phone never hears back).
type flakyProxy struct {
	*httptest.Server
	offline  atomic.Bool
	dropPush atomic.Bool
	pushes   atomic.Int32 // batches that reached the service
}

func newFlakyProxy(t *testing.T, target string) *flakyProxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &flakyProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.offline.Load() {
			hangUp(w)
			return
		}
		if r.Method == http.MethodPost && r.URL.Path == "/app/sinkron/kirim" {
			p.pushes.Add(1)
			if p.dropPush.CompareAndSwap(true, false) {
				rp.ServeHTTP(httptest.NewRecorder(), r) // the service writes the batch...
				hangUp(w)                               // ...and its answer is lost
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	return p
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// offline switches the network off or on: for the page and its service worker (the
// browser's emulation, navigator.onLine included) and at the proxy.
func (b *tab) offline(p *flakyProxy, on bool) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: on, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		b.t.Fatalf("network state: %v", err)
	}
	sw := on
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &sw,
		MatchedNetworkConditions:    []*network.Conditions{{Offline: on, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		b.t.Fatalf("network conditions: %v", err)
	}
	p.offline.Store(on)
}

// waitFor waits until the page's expression is true.
func (b *tab) waitFor(what, js string) {
	b.t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	diag := b.eval(`navigator.serviceWorker.getRegistrations().then(rs => [document.getElementById('status-sinkron') ? document.getElementById('status-sinkron').innerText : 'no bar',
		'controller ' + !!(navigator.serviceWorker && navigator.serviceWorker.controller) + ' registrations ' +
		rs.map(r => r.scope + ' installing=' + !!r.installing + ' waiting=' + !!r.waiting + ' active=' + (r.active && r.active.state)).join(';'),
		document.querySelector('main') ? document.querySelector('main').innerText.slice(0, 200) : 'no main'])`)
	b.t.Fatalf("waiting for %s (at %s): %q", what, b.location(), diag)
}

// officeAPI is the office's side during the offline test: the supervisor's calls to the
// REST API, with a token made on the database file as ppksctl makes one while the service
// runs.
type officeAPI struct {
	t     *testing.T
	base  string
	token string
}

func newOfficeAPI(t *testing.T, db, base string) *officeAPI {
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
	_, secret, err := svc.CreateToken(ppks.WithPrincipal(t.Context(), ppks.SystemPrincipal), ppks.RequestKey{}, "kabid", "uji luring", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return &officeAPI{t: t, base: base, token: secret}
}

func (o *officeAPI) call(method, path string, body any) map[string]any {
	o.t.Helper()
	var r io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(o.t.Context(), method, o.base+path, r)
	if err != nil {
		o.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+o.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		o.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		o.t.Fatalf("%s %s: %d %v %v", method, path, resp.StatusCode, out, err)
	}
	return out
}

// counter reads a number of the sync bar.
func (b *tab) counter(id string) int {
	b.t.Helper()
	// Read in one evaluation: the bar is redrawn as the sync goes on.
	got := b.eval(`[String((document.getElementById(` + quoteJS(id) + `) || {}).textContent)]`)
	n, err := strconv.Atoi(got[0])
	if err != nil {
		b.t.Fatalf("#%s: %q", id, got[0])
	}
	return n
}

// testWorkerOffline is the offline flow of issue 14 in the browser, through a network
// that goes away: a worker signs in and their area is downloaded; without a signal they
// register a person, open a case and record two interventions, reload the page and find
// them waiting; the signal comes back and the first answer is lost on the way, so the
// queue is sent twice: every record is on the service once, counted once in the
// indicator, and the phone says it was sent. Signing out leaves nothing of the area.
func testWorkerOffline(t *testing.T, b *tab, base, db string) {
	px := newFlakyProxy(t, base)
	defer px.Close()
	direct := b.base
	b.base = px.URL
	defer func() { b.base = direct }()
	year := time.Now().In(wita).Year()

	// The indicator of this year before, as the supervisor sees it.
	b.signIn("kabid")
	b.visit(fmt.Sprintf("/app/beranda?tahun=%d", year))
	before := b.text("#realisasi")
	b.signOut()

	b.signIn("petugas")
	b.phone(true)
	defer b.phone(false)
	b.visit("/app/penerima")
	b.waitFor("the area downloaded and the service worker active",
		`navigator.serviceWorker.getRegistration().then(r => document.getElementById('status-sinkron').dataset.siap === '1' && !!r && !!r.active && r.active.state === 'activated')`)
	// The worker controls the pages loaded after it started (a page loaded while it
	// installed may stay outside it until the next one).
	b.visit("/app/penerima")
	b.waitFor("the service worker in control", `!!navigator.serviceWorker.controller`)
	b.shot("luring-penerima-tersambung")

	// No signal: the pages come from the phone.
	b.offline(px, true)
	b.visit("/app/penerima/baru")
	b.do(chromedp.WaitVisible(chromedp.ID("full_name")))
	if got := b.eval(`[document.querySelector('.sync-net').textContent]`); len(got) != 1 || got[0] != "Tanpa sinyal" {
		t.Errorf("offline, the sync bar says %q", got)
	}
	b.checkPage("luring-penerima-baru")
	b.shot("luring-penerima-baru")
	name := "Daeng Luring Uji Lapangan"
	b.do(chromedp.SendKeys(chromedp.ID("full_name"), name), chromedp.Click(chromedp.CSS(`input[name="sex"][value="P"]`)),
		chromedp.SetValue(chromedp.ID("birth_year"), "1951"), chromedp.SetValue(chromedp.ID("desa"), "Kelurahan Tombolo"))
	b.clickAndWait(`form.stack button[type="submit"]`)
	b.do(chromedp.WaitVisible(chromedp.ID("kasus-judul")))
	if loc := b.location(); !strings.Contains(loc, "/app/luring/penerima/") {
		t.Fatalf("after registering offline the browser is at %s", loc)
	}
	person := b.location()
	b.do(chromedp.SetValue(chromedp.ID("ppks_type"), "LANSIA_TELANTAR"))
	b.clickAndWait(`form[action$="/kasus"] button`)
	b.do(chromedp.WaitVisible(chromedp.ID("intervention_type")))
	b.checkPage("luring-intervensi-baru")
	b.shot("luring-intervensi-baru")
	b.do(chromedp.SetValue(chromedp.ID("intervention_type"), "PERMAKANAN"), chromedp.SetValue(chromedp.ID("quantity"), "30"),
		chromedp.SetValue(chromedp.ID("unit"), "porsi"))
	b.clickAndWait(`form.stack button[type="submit"]`)
	b.do(chromedp.WaitVisible(chromedp.ID("linimasa-judul")))
	b.clickAndWait(`a[id^="catat-"]`)
	b.do(chromedp.WaitVisible(chromedp.ID("intervention_type")), chromedp.SetValue(chromedp.ID("intervention_type"), "RUJUKAN"))
	b.clickAndWait(`form.stack button[type="submit"]`)
	b.do(chromedp.WaitVisible(chromedp.ID("linimasa-judul")))

	// Reloaded without a signal: all four are there, waiting.
	b.do(chromedp.Reload())
	b.waitFor("the person's page drawn from the phone", `!!document.getElementById('linimasa-judul') && !!document.getElementById('jumlah-menunggu')`)
	if got := b.counter("jumlah-menunggu"); got != 4 {
		t.Errorf("after a reload offline %d records wait, want 4 (person, case, two interventions)", got)
	}
	if got := b.text("h1"); got != name {
		t.Errorf("the reloaded page shows %q", got)
	}
	if n := b.count("ol.timeline .sync-waiting"); n != 2 {
		t.Errorf("the timeline shows %d interventions waiting, want 2: %s", n, b.text("ol.timeline"))
	}
	if got := b.text("ol.timeline"); !strings.Contains(got, "Penyediaan Permakanan") && !strings.Contains(got, "Permakanan") {
		t.Errorf("the timeline: %q", got)
	}
	b.checkPage("luring-penerima-rincian")
	b.shot("luring-penerima-rincian")
	b.visit("/app/penerima")
	b.do(chromedp.WaitVisible(chromedp.ID("tabel-penerima")))
	if got := b.text("#tabel-penerima tbody tr:first-child"); !strings.Contains(got, name) || !strings.Contains(got, "menunggu dikirim") {
		t.Errorf("the people of the area offline start with %q", got)
	}
	b.checkPage("luring-penerima")
	b.shot("luring-penerima")
	b.visit("/app/sinkron")
	b.do(chromedp.WaitVisible(chromedp.ID("menunggu-judul")))
	b.checkPage("luring-sinkron")
	b.shot("luring-sinkron")

	// The signal comes back; the answer to the first batch is lost on the way, so the
	// phone sends the same queue again.
	px.dropPush.Store(true)
	b.visit(person[len(px.URL):]) // the person's page on the phone, to watch it change
	b.do(chromedp.WaitVisible(chromedp.ID("linimasa-judul")))
	b.offline(px, false)
	b.waitFor("the queue sent", `document.getElementById('jumlah-menunggu') && document.getElementById('jumlah-menunggu').textContent === '0'`)
	if n := px.pushes.Load(); n < 2 {
		t.Errorf("the queue reached the service %d times, want the lost batch and its resend", n)
	}
	if got := b.counter("jumlah-terkirim"); got != 4 {
		t.Errorf("the sync bar counts %d sent, want 4: each record once", got)
	}
	b.waitFor("the page redrawn as sent", `document.querySelectorAll('ol.timeline .sync-sent').length === 2`)
	b.shot("luring-terkirim")

	// The same queue sent once more by hand: every item was done already.
	statuses := b.eval(`PPKSData.outbox().then(es => PPKSData.api('POST', 'kirim', {items: es.map(e => e.item)}))
		.then(r => r.results.map(x => x.status + ' ' + x.action))`)
	if len(statuses) != 4 {
		t.Fatalf("the replayed queue: %v", statuses)
	}
	for _, s := range statuses {
		if s != "SYNC_STATUS_ALREADY_EXISTED SYNC_ACTION_DONE" {
			t.Errorf("a replayed item: %s", s)
		}
	}
	// On the service: one person of that name, with both interventions.
	b.visit("/app/penerima?q=" + url.QueryEscape(name))
	if n := b.count("#tabel-penerima tbody tr"); n != 1 {
		t.Errorf("the service holds %d people named %q, want 1", n, name)
	}
	b.clickAndWait(`#tabel-penerima tbody tr a`)
	if got := b.text("ol.timeline"); strings.Count(got, "dicatat petugas") != 2 {
		t.Errorf("the person's page on the service: %q", got)
	}

	// A correction made offline while the office corrects the same field: a conflict,
	// resolved on the screen that shows both versions; nothing is overwritten unasked.
	office := newOfficeAPI(t, db, direct)
	id := person[strings.LastIndexByte(person, '/')+1:]
	b.visit(person[len(px.URL):])
	b.do(chromedp.WaitVisible(chromedp.ID("linimasa-judul")))
	b.offline(px, true)
	b.clickAndWait(`a[href$="/ubah"]`)
	b.do(chromedp.WaitVisible(chromedp.ID("address")), chromedp.SetValue(chromedp.ID("address"), "Jl. Lapangan No. 1, dekat masjid"))
	b.clickAndWait(`form.stack button[type="submit"]`)
	b.do(chromedp.WaitVisible(chromedp.ID("linimasa-judul")))
	if got := b.counter("jumlah-menunggu"); got != 1 {
		t.Errorf("the offline correction: %d waiting", got)
	}
	now := office.call("GET", "/v1/beneficiaries/"+id, nil)
	office.call("PATCH", "/v1/beneficiaries/"+id, map[string]any{"address": "Jl. Kantor Kelurahan No. 9", "etag": now["etag"]})
	b.offline(px, false)
	b.waitFor("the conflict", `!!document.getElementById('jumlah-konflik') && document.getElementById('jumlah-konflik').textContent === '1'`)
	if got := office.call("GET", "/v1/beneficiaries/"+id, nil)["address"]; got != "Jl. Kantor Kelurahan No. 9" {
		t.Errorf("the conflicting correction overwrote the office's address: %v", got)
	}
	b.visit("/app/sinkron")
	b.do(chromedp.WaitVisible(chromedp.ID("konflik-judul")))
	b.visit(b.eval(`[document.querySelector('#konflik-judul ~ ul a.button-link').getAttribute('href')]`)[0])
	b.do(chromedp.WaitVisible(chromedp.ID("form-konflik")))
	versions := b.eval(`Array.from(document.querySelectorAll('.conflict-field')).map(f => f.querySelector('legend').textContent + '|' +
		f.querySelector('.version-server .version-value').textContent + '|' + f.querySelector('.version-client .version-value').textContent)`)
	if want := "Alamat|Jl. Kantor Kelurahan No. 9|Jl. Lapangan No. 1, dekat masjid"; len(versions) != 1 || versions[0] != want {
		t.Errorf("the conflict screen shows %v, want [%s]", versions, want)
	}
	b.checkPage("luring-konflik")
	b.shot("luring-konflik")
	b.do(chromedp.Click(chromedp.CSS(`.version-client input`)))
	b.clickAndWait(`#tombol-selesaikan`)
	b.waitFor("the resolution sent", `document.getElementById('jumlah-menunggu').textContent === '0' && !document.getElementById('jumlah-konflik')`)
	if got := office.call("GET", "/v1/beneficiaries/"+id, nil)["address"]; got != "Jl. Lapangan No. 1, dekat masjid" {
		t.Errorf("after the worker chose the phone's address the service holds %v", got)
	}

	// Signing out removes the area from the phone.
	b.signOut()
	left := b.eval(`Promise.all([indexedDB.databases(), caches.keys(), navigator.serviceWorker.getRegistrations()])
		.then(([dbs, keys, regs]) => dbs.map(d => 'db ' + d.name).concat(keys.map(k => 'cache ' + k), regs.map(r => 'worker ' + r.scope)))`)
	if len(left) != 0 {
		t.Errorf("after signing out the phone keeps %v", left)
	}

	// Counted once in the indicator.
	b.phone(false)
	b.signIn("kabid")
	b.visit(fmt.Sprintf("/app/beranda?tahun=%d", year))
	if got, want := b.text("#realisasi"), plusN(t, before, 2); got != want {
		t.Errorf("realisasi %d = %s after the offline records, want %s (%s + permakanan and rujukan of one person)", year, got, want, before)
	}
	b.signOut()
}

// wita is the office's time zone: what "today" means to the service.
var wita = time.FixedZone("WITA", 8*3600)

func plusN(t *testing.T, s string, n int) string {
	t.Helper()
	v, err := strconv.Atoi(strings.ReplaceAll(s, ".", ""))
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return fmt.Sprint(v + n)
}
