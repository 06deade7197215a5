package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/opendinsos/ppks/internal/ppks"
)

// The offline parts over plain HTTP: the service worker's script and the shell, served
// with the headers they need and nothing personal in them; the sync protocol's JSON
// endpoints under the session, refused without it and, for writes, without the CSRF
// token; signing out tells the browser to clear what the site kept.
func TestOfflineHTTP(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ppks.db")
	prepare(t, db)
	base, stop := serve(t, db, ppks.SessionPolicy{})
	defer stop()

	anon := newClient(t, base)
	status, sw, h := anon.get("/app/sw.js")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/javascript") ||
		h.Get("Service-Worker-Allowed") != "/app/" || h.Get("Cache-Control") != "no-cache" {
		t.Errorf("sw.js: %d, headers %v", status, h)
	}
	assets := regexp.MustCompile(`"(/app/static/[0-9a-f]+/[a-z.]+)"`).FindAllStringSubmatch(sw, -1)
	if len(assets) != 5 || strings.Contains(sw, "__VERSION__") || !strings.Contains(sw, `"/app/luring"`) {
		t.Errorf("sw.js precaches %v; the placeholders are not all filled", assets)
	}
	for _, a := range assets {
		if status, _, h := anon.get(a[1]); status != http.StatusOK || !strings.Contains(h.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d %q", a[1], status, h.Get("Cache-Control"))
		}
	}
	status, shell, h := anon.get("/app/luring")
	if status != http.StatusOK || !strings.Contains(shell, `id="luring"`) || !strings.Contains(shell, "offline.js") ||
		!strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") || strings.Contains(shell, "<script>") {
		t.Errorf("the shell: %d, CSP %q", status, h.Get("Content-Security-Policy"))
	}
	if status, _, _ := anon.get("/app/luring/penerima/0190a000-0000-7000-8000-000000000001"); status != http.StatusOK {
		t.Errorf("a page of the shell: %d", status)
	}
	for _, path := range []string{"/app/sinkron/sesi", "/app/sinkron/tarik"} {
		if status, body, _ := anon.get(path); status != http.StatusUnauthorized || !strings.Contains(body, `"code":16`) {
			t.Errorf("%s signed out: %d %s", path, status, body)
		}
	}

	c := newClient(t, base)
	if status, _ := c.signIn("petugas", password); status != http.StatusSeeOther {
		t.Fatal(status)
	}
	// The shell, signed in, still holds nobody's data: the page draws it from the phone.
	_, shell2, _ := c.get("/app/luring")
	_, list, _ := c.get("/app/penerima")
	names := regexp.MustCompile(`<th scope="row"><a href="/app/penerima/[^"]+">([^<]+)</a>`).FindAllStringSubmatch(list, 5)
	if len(names) == 0 {
		t.Fatal("no names found on the worker's list to look for in the shell")
	}
	for _, name := range names {
		if strings.Contains(shell2, name[1]) {
			t.Errorf("the shell shows %q", name[1])
		}
	}
	if !strings.Contains(list, `data-luring="1"`) || !strings.Contains(list, "offline.js") {
		t.Errorf("a worker's page does not load the offline script")
	}
	status, body, _ := c.get("/app/sinkron/sesi")
	var sess struct {
		Username, CSRF, Expires string
		Kecamatan               []struct{ Code string }
		FieldLabels             map[string]string
		NameFolding             struct{ Titles []string }
	}
	if err := json.Unmarshal([]byte(body), &sess); status != http.StatusOK || err != nil || sess.Username != "petugas" || sess.CSRF == "" ||
		sess.Expires == "" || len(sess.Kecamatan) != 1 || sess.Kecamatan[0].Code != "73.06.08" {
		t.Fatalf("sesi: %d %s", status, body)
	}
	// The offline pages name fields and fold names as the service does, from the session.
	if sess.FieldLabels["assigned_worker"] != "Petugas pendamping" || !slices.Contains(sess.NameFolding.Titles, "hj") {
		t.Errorf("sesi lacks the field labels or the name folding rules: %.300s", body)
	}
	status, body, _ = c.get("/app/sinkron/tarik?pageSize=5")
	var page struct {
		Beneficiaries []struct{ Nik, KecamatanCode string }
		NextCursor    string
		HasMore       bool
	}
	if err := json.Unmarshal([]byte(body), &page); status != http.StatusOK || err != nil || len(page.Beneficiaries) == 0 || page.NextCursor == "" || !page.HasMore {
		t.Fatalf("tarik: %d %.300s", status, body)
	}
	for _, b := range page.Beneficiaries {
		if b.KecamatanCode != "73.06.08" || (b.Nik != "" && !strings.Contains(b.Nik, "******")) {
			t.Errorf("the worker's feed holds %+v", b)
		}
	}
	if status, body, _ := c.get("/app/sinkron/tarik?cursor=bukan"); status != http.StatusBadRequest || !strings.Contains(body, "INVALID_CURSOR") {
		t.Errorf("a bad cursor: %d %s", status, body)
	}

	item := `{"items":[{"createBeneficiary":{"requestId":"0190a000-0000-7000-8000-0000000000aa","beneficiary":{"fullName":"Baso Luring","sex":"SEX_MALE","kecamatanCode":"73.06.08"}}}]}`
	pushBody := func(body string, header map[string]string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"/app/sinkron/kirim", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	push := func(header map[string]string) (int, string) { t.Helper(); return pushBody(item, header) }
	// What the service cannot read is answered as the REST gateway answers it: the
	// reason, and a message in Indonesian for the sync bar.
	for _, c := range []struct {
		body   string
		status int
		reason string
	}{
		{`{"items":[`, http.StatusBadRequest, "MALFORMED_REQUEST"},
		{`{"itemz":[]}`, http.StatusBadRequest, "MALFORMED_REQUEST"},
		{`{"items":[],"x":"` + strings.Repeat("a", 5<<20) + `"}`, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE"},
	} {
		status, body := pushBody(c.body, map[string]string{"X-CSRF-Token": sess.CSRF})
		if status != c.status || !strings.Contains(body, `"reason":"`+c.reason+`"`) || !strings.Contains(body, "Permintaan") {
			t.Errorf("a push of %.20q: %d %.300s; want %d %s with an Indonesian message", c.body, status, body, c.status, c.reason)
		}
	}
	if status, body := push(nil); status != http.StatusForbidden {
		t.Errorf("a push without the CSRF token: %d %s", status, body)
	}
	if status, body := push(map[string]string{"X-CSRF-Token": sess.CSRF, "Sec-Fetch-Site": "cross-site"}); status != http.StatusForbidden {
		t.Errorf("a push from another site: %d %s", status, body)
	}
	for range 2 {
		status, body := push(map[string]string{"X-CSRF-Token": sess.CSRF})
		if status != http.StatusOK || !strings.Contains(body, "SYNC_ACTION_DONE") {
			t.Errorf("a push with the token: %d %s", status, body)
		}
	}

	// Signing out: the browser is told to drop the site's storage and caches.
	_, page2, _ := c.get("/app/penerima")
	status, _, h = c.post("/app/keluar", url.Values{"csrf": {csrfOf(t, page2)}}, nil)
	if status != http.StatusSeeOther || h.Get("Clear-Site-Data") != `"cache", "storage"` {
		t.Errorf("sign-out: %d, Clear-Site-Data %q", status, h.Get("Clear-Site-Data"))
	}
}
