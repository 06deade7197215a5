package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// Cookies. The session cookie holds the session's secret (the store keeps its hash);
// the sign-in cookie holds the CSRF token of the sign-in form, before there is a session.
const (
	sessionCookie = "ppks_sesi"
	signInCookie  = "ppks_masuk"
	flashCookie   = "ppks_pesan"
)

// crossOrigin refuses state-changing requests from other sites (Sec-Fetch-Site, or Origin
// against Host): the second line of CSRF defence, behind the per-session form token.
var crossOrigin = http.NewCrossOriginProtection()

// auth runs next for a signed-in user, with the principal in the request's context (as
// the gRPC interceptor puts it there); anyone else goes to the sign-in page.
func (h *Handler) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, err := h.authenticate(r)
		if err != nil {
			if ppks.KindOf(err) != ppks.KindUnauthenticated {
				h.fail(w, r, err)
				return
			}
			h.toSignIn(w, r, err)
			return
		}
		ctx := context.WithValue(ppks.WithPrincipal(r.Context(), st.p), ctxKey{}, st)
		next(w, r.WithContext(ctx))
	}
}

// form is auth for a POST: the form's CSRF token must be the session's, and the request
// must come from our own pages.
func (h *Handler) form(next http.HandlerFunc) http.HandlerFunc {
	return h.auth(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := crossOrigin.Check(r); err != nil {
			h.fail(w, r, errForgedForm())
			return
		}
		st := stateOf(r.Context())
		if !validToken(r.PostFormValue("csrf"), csrfToken(st.secret)) {
			h.fail(w, r, errForgedForm())
			return
		}
		next(w, r)
	})
}

// maxFormBytes bounds a form: the largest (a bulk verification of 500 records) is far
// smaller.
const maxFormBytes = 256 << 10

func errForgedForm() error {
	return &ppks.Error{Kind: ppks.KindPermissionDenied, Reason: "CSRF",
		Message: "the form is not from this session", Localized: "Formulir ditolak: tidak berasal dari sesi ini atau sudah kedaluwarsa. Muat ulang halaman lalu coba lagi."}
}

// authenticate reads the session cookie.
func (h *Handler) authenticate(r *http.Request) (*reqState, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, ppks.Unauthenticated()
	}
	p, _, err := h.svc.SessionPrincipal(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	u, err := h.svc.CurrentUser(ppks.WithPrincipal(r.Context(), p))
	if err != nil {
		return nil, err
	}
	return &reqState{p: p, user: u, secret: c.Value}, nil
}

// toSignIn sends a request without a live session to the sign-in page, saying why, and
// back to the page it asked for once signed in.
func (h *Handler) toSignIn(w http.ResponseWriter, r *http.Request, err error) {
	q := url.Values{}
	if r.Method == http.MethodGet && r.URL.Path != Prefix+"/" {
		q.Set("lanjut", r.URL.RequestURI())
	}
	var e *ppks.Error
	if asError(err, &e) && e.Reason == "SESSION_EXPIRED" {
		q.Set("habis", "1")
		clearCookie(w, r, sessionCookie)
	}
	target := Prefix + "/masuk"
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// csrfToken derives the form token of a session from its secret: only someone holding
// the cookie can compute it, and it changes with every session.
func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("ppks csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:24])
}

func validToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the application's path, Secure
// when the request came over TLS. maxAge 0 makes a browser-session cookie.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: Prefix + "/", MaxAge: maxAge,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

func clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	setCookie(w, r, name, "", -1)
}

// clientAddr is the address the request came from: the connection's, never a header a
// client could write.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// localTarget returns the path to continue to after sign-in when it is a page of the
// application, "" otherwise (never a redirect to another site).
func localTarget(s string) string {
	if !strings.HasPrefix(s, Prefix+"/") || strings.HasPrefix(s, "//") || strings.Contains(s, "\\") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return ""
	}
	return s
}

// setFlash leaves a message for the next page shown.
func setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	setCookie(w, r, flashCookie, url.QueryEscape(msg), 60)
}

// takeFlash reads and clears the message left for this page.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	clearCookie(w, r, flashCookie)
	msg, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	return msg
}
