package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

// The web application over plain HTTP (no browser): what must hold where chromium is
// not installed too.

type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) get(path string) (int, string, http.Header) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (c *client) post(path string, form url.Values, header map[string]string) (int, string, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, html string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no CSRF token in the page")
	}
	return m[1]
}

func (c *client) signIn(username, pw string) (int, string) {
	c.t.Helper()
	_, page, _ := c.get("/app/masuk")
	status, body, _ := c.post("/app/masuk", url.Values{"csrf": {csrfOf(c.t, page)}, "username": {username}, "password": {pw}}, nil)
	return status, body
}

func TestHTTP(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ppks.db")
	prepare(t, db)
	base, stop := serve(t, db, ppks.SessionPolicy{Idle: 3 * time.Second})
	defer stop()

	t.Run("SignInAndTheDashboard", func(t *testing.T) {
		c := newClient(t, base)
		if status, _, h := c.get("/"); status != http.StatusFound || h.Get("Location") != "/app/" {
			t.Errorf("/ answers %d to %q, want a redirect to /app/", status, h.Get("Location"))
		}
		if status, _, h := c.get("/app/beranda"); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/app/masuk") {
			t.Errorf("signed out, /app/beranda answers %d to %q", status, h.Get("Location"))
		}
		if status, body := c.signIn("kabid", "salah-sekali-2024"); status != http.StatusUnauthorized || !strings.Contains(body, "Nama pengguna atau kata sandi salah") {
			t.Errorf("wrong password: %d", status)
		}
		if status, body := c.signIn("tidak.ada", password); status != http.StatusUnauthorized || !strings.Contains(body, "Nama pengguna atau kata sandi salah") {
			t.Errorf("unknown user: %d, want the same answer as a wrong password", status)
		}
		status, _ := c.signIn("kabid", password)
		if status != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", status)
		}
		u, _ := url.Parse(base)
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "ppks_sesi" && !strings.HasPrefix(ck.Value, "ppkss_") {
				t.Errorf("session cookie %q", ck.Value)
			}
		}
		status, body, h := c.get("/app/beranda?tahun=2024")
		if status != http.StatusOK {
			t.Fatalf("dashboard: %d", status)
		}
		for _, want := range []string{`id="realisasi"`, ">653<", `id="capaian">112,59 %`, "Sangat Berhasil", `id="target">580`} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %s", want)
			}
		}
		if h.Get("Cache-Control") != "no-store" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("headers: Cache-Control %q, CSP %q", h.Get("Cache-Control"), h.Get("Content-Security-Policy"))
		}
		// The stylesheet is versioned and cached.
		css := regexp.MustCompile(`href="(/app/static/[0-9a-f]+/app.css)"`).FindStringSubmatch(body)
		if css == nil {
			t.Fatal("no stylesheet link")
		}
		if status, _, h := c.get(css[1]); status != http.StatusOK || !strings.Contains(h.Get("Cache-Control"), "immutable") {
			t.Errorf("stylesheet: %d, Cache-Control %q", status, h.Get("Cache-Control"))
		}

		// Forms: without the token, with another's token, from another site: refused.
		token := csrfOf(t, body)
		for name, tc := range map[string]struct {
			form   url.Values
			header map[string]string
		}{
			"no token":      {url.Values{"pilih": {"a/b/c"}}, nil},
			"wrong token":   {url.Values{"pilih": {"a/b/c"}, "csrf": {"x" + token}}, nil},
			"another site":  {url.Values{"pilih": {"a/b/c"}, "csrf": {token}}, map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}},
			"cross-site fm": {url.Values{"pilih": {"a/b/c"}, "csrf": {token}}, map[string]string{"Sec-Fetch-Site": "cross-site"}},
		} {
			if status, _, _ := c.post("/app/verifikasi/massal", tc.form, tc.header); status != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", name, status)
			}
		}
		if status, _, _ := c.post("/app/verifikasi/massal", url.Values{"pilih": {"a/b/c"}, "csrf": {token}}, nil); status != http.StatusSeeOther {
			t.Errorf("with the token: %d, want the redirect back to the queue", status)
		}

		// Sign out: the cookie no longer signs in, even sent again by hand.
		var secret string
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "ppks_sesi" {
				secret = ck.Value
			}
		}
		if status, _, _ := c.post("/app/keluar", url.Values{"csrf": {token}}, nil); status != http.StatusSeeOther {
			t.Errorf("sign out: %d", status)
		}
		replay := newClient(t, base)
		replay.http.Jar.SetCookies(u, []*http.Cookie{{Name: "ppks_sesi", Value: secret, Path: "/app/"}})
		if status, _, h := replay.get("/app/beranda"); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/app/masuk") {
			t.Errorf("a signed-out session answers %d %q", status, h.Get("Location"))
		}
	})

	t.Run("Roles", func(t *testing.T) {
		planner := newClient(t, base)
		planner.signIn("perencana", password)
		for path, want := range map[string]int{"/app/beranda?tahun=2024": 200, "/app/laporan?tahun=2024": 200, "/app/penerima": 403,
			"/app/verifikasi": 403, "/app/pengguna": 403, "/app/laporan/2024/unduh/lkjip-2024.md": 200,
			"/app/laporan/2024/angka?figure=realisasi": 403} {
			if status, _, _ := planner.get(path); status != want {
				t.Errorf("planner %s: %d, want %d", path, status, want)
			}
		}
		worker := newClient(t, base)
		worker.signIn("petugas", password)
		status, body, _ := worker.get("/app/penerima")
		if status != 200 || !regexp.MustCompile(`730[0-9]{3}\*{6}[0-9]{4}`).MatchString(body) {
			t.Errorf("worker's people: %d, masked NIKs shown: %v", status, regexp.MustCompile(`730[0-9]{3}\*{6}[0-9]{4}`).MatchString(body))
		}
		if regexp.MustCompile(`\b73[0-9]{14}\b`).MatchString(body) {
			t.Error("the worker's list shows a full NIK")
		}
	})

	t.Run("SessionsExpire", func(t *testing.T) {
		c := newClient(t, base)
		c.signIn("admin", password)
		if status, _, _ := c.get("/app/pengguna"); status != 200 {
			t.Fatalf("admin's users page: %d", status)
		}
		time.Sleep(4 * time.Second)
		status, _, h := c.get("/app/pengguna")
		if status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "habis=1") {
			t.Errorf("after the idle time: %d %q, want the sign-in page saying the session ended", status, h.Get("Location"))
		}
	})

	t.Run("SignInAttemptsLimited", func(t *testing.T) {
		c := newClient(t, base)
		for range 5 {
			c.signIn("admin", "bukan-sandinya-2024")
		}
		if status, body := c.signIn("admin", password); status != http.StatusTooManyRequests || !strings.Contains(body, "Terlalu banyak percobaan") {
			t.Errorf("sixth attempt with the right password: %d, want 429 for 15 minutes", status)
		}
	})
}
