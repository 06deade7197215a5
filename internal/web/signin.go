package web

import (
	"net/http"

	"github.com/opendinsos/ppks/internal/ppks"
)

type signInData struct {
	CSRF     string
	Username string
	Next     string
	Error    string
	Expired  bool
}

func (d signInData) wide() bool { return false }

// signInPage shows the sign-in form. Its CSRF token is the sign-in cookie's value (there
// is no session yet), checked against the form's on POST.
func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	if st, err := h.authenticate(r); err == nil && st != nil {
		http.Redirect(w, r, h.homeOf(st.p.Role), http.StatusSeeOther)
		return
	}
	token := randomToken()
	if c, err := r.Cookie(signInCookie); err == nil && len(c.Value) >= 20 {
		token = c.Value
	}
	setCookie(w, r, signInCookie, token, 3600)
	h.render(w, r, http.StatusOK, "signin", "Masuk", signInData{CSRF: token, Next: localTarget(r.URL.Query().Get("lanjut")),
		Expired: r.URL.Query().Get("habis") == "1"})
}

// signIn checks the username and password and opens a session.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	c, err := r.Cookie(signInCookie)
	if crossOrigin.Check(r) != nil || err != nil || !validToken(r.PostFormValue("csrf"), c.Value) {
		h.fail(w, r, errForgedForm())
		return
	}
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	next := localTarget(r.PostFormValue("lanjut"))
	sess, secret, err := h.svc.SignIn(r.Context(), username, password, ppks.Client{Address: clientAddr(r), UserAgent: r.UserAgent()})
	if err != nil {
		var e *ppks.Error
		if !asError(err, &e) || (e.Kind != ppks.KindUnauthenticated && e.Kind != ppks.KindResourceExhausted) {
			h.fail(w, r, err)
			return
		}
		status := http.StatusUnauthorized
		if e.Kind == ppks.KindResourceExhausted {
			status = http.StatusTooManyRequests
		}
		h.render(w, r, status, "signin", "Masuk", signInData{CSRF: c.Value, Username: username, Next: next, Error: e.Localized})
		return
	}
	// A new secret for a new session: whatever cookie was there before is replaced.
	setCookie(w, r, sessionCookie, secret, 0)
	clearCookie(w, r, signInCookie)
	if next == "" {
		u, err := h.svc.CurrentUser(ppks.WithPrincipal(r.Context(), &ppks.Principal{Username: sess.Username}))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		next = h.homeOf(u.Role)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signOut ends the session.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	if err := h.svc.SignOut(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	clearCookie(w, r, sessionCookie)
	redirect(w, r, Prefix+"/masuk", "Anda sudah keluar.")
}

// homeOf is the first page of a role.
func (h *Handler) homeOf(r ppks.Role) string {
	switch r {
	case ppks.RoleWorker:
		return Prefix + "/penerima"
	case ppks.RoleAdmin:
		return Prefix + "/pengguna"
	}
	return Prefix + "/beranda"
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, h.homeOf(stateOf(r.Context()).p.Role), http.StatusSeeOther)
}

type accountData struct {
	Errors map[string]string
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "account", "Akun saya", accountData{})
}

// changePassword changes the user's own password; the other sessions end.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) {
	current, next, again := r.PostFormValue("current_password"), r.PostFormValue("new_password"), r.PostFormValue("new_password_again")
	if next != again {
		h.render(w, r, http.StatusUnprocessableEntity, "account", "Akun saya",
			accountData{Errors: map[string]string{"new_password_again": "Tidak sama dengan kata sandi baru."}})
		return
	}
	if err := h.svc.ChangePassword(r.Context(), current, next); err != nil {
		if fe := fieldErrors(err); fe != nil {
			h.render(w, r, http.StatusUnprocessableEntity, "account", "Akun saya", accountData{Errors: fe})
			return
		}
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/akun", "Kata sandi sudah diganti. Sesi lain atas nama Anda sudah diakhiri.")
}
