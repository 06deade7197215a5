// Package web is the office's web application: server-rendered pages over the domain
// service, as internal/server is the gRPC API over it. It maps HTTP to ppks.Service
// calls made as the signed-in user (ppks.WithPrincipal, as the gRPC interceptor does);
// every rule (scope, masking, audit, year lock, suppression) is the domain's.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

// Prefix is where the application lives on the HTTP port (the REST API stays under /v1/).
const Prefix = "/app"

// Handler serves the web application.
type Handler struct {
	svc  *ppks.Service
	log  *slog.Logger
	mux  *http.ServeMux
	tmpl *templates
	// Report renders the LKjIP files of a report (set by the report layout, lkjip).
	now func() time.Time
}

// New returns the web application over the domain service.
func New(svc *ppks.Service, log *slog.Logger) (*Handler, error) {
	if log == nil {
		log = slog.Default()
	}
	t, err := parseTemplates(svc)
	if err != nil {
		return nil, err
	}
	h := &Handler{svc: svc, log: log, mux: http.NewServeMux(), tmpl: t, now: svc.Now}
	h.routes()
	return h, nil
}

// routes registers every page. Pages that need a signed-in user go through h.auth;
// POSTs through h.form too (CSRF).
func (h *Handler) routes() {
	m := h.mux
	m.Handle("GET "+Prefix+"/static/", http.StripPrefix(Prefix+"/static/", staticHandler()))
	m.HandleFunc("GET "+Prefix+"/masuk", h.signInPage)
	m.HandleFunc("POST "+Prefix+"/masuk", h.signIn)
	m.HandleFunc("POST "+Prefix+"/keluar", h.form(h.signOut))
	m.HandleFunc("GET "+Prefix+"/akun", h.auth(h.accountPage))
	m.HandleFunc("POST "+Prefix+"/akun", h.form(h.changePassword))

	m.HandleFunc("GET "+Prefix+"/{$}", h.auth(h.home))
	m.HandleFunc("GET "+Prefix+"/beranda", h.auth(h.dashboard))

	m.HandleFunc("GET "+Prefix+"/verifikasi", h.auth(h.queue))
	m.HandleFunc("GET "+Prefix+"/verifikasi/{b}/{c}/{i}", h.auth(h.queueItem))
	m.HandleFunc("POST "+Prefix+"/verifikasi/{b}/{c}/{i}/setujui", h.form(h.verify))
	m.HandleFunc("POST "+Prefix+"/verifikasi/{b}/{c}/{i}/tolak", h.form(h.reject))
	m.HandleFunc("POST "+Prefix+"/verifikasi/massal", h.form(h.bulkVerify))

	m.HandleFunc("GET "+Prefix+"/penerima", h.auth(h.people))
	m.HandleFunc("GET "+Prefix+"/penerima/baru", h.auth(h.newPersonPage))
	m.HandleFunc("POST "+Prefix+"/penerima/baru", h.form(h.createPerson))
	m.HandleFunc("GET "+Prefix+"/penerima/{b}", h.auth(h.person))
	m.HandleFunc("GET "+Prefix+"/penerima/{b}/ubah", h.auth(h.editPersonPage))
	m.HandleFunc("POST "+Prefix+"/penerima/{b}/ubah", h.form(h.updatePerson))
	m.HandleFunc("POST "+Prefix+"/penerima/{b}/kasus", h.form(h.createCase))
	m.HandleFunc("POST "+Prefix+"/penerima/{b}/kasus/{c}/tutup", h.form(h.closeCase))
	m.HandleFunc("GET "+Prefix+"/penerima/{b}/kasus/{c}/intervensi/baru", h.auth(h.newInterventionPage))
	m.HandleFunc("POST "+Prefix+"/penerima/{b}/kasus/{c}/intervensi/baru", h.form(h.createIntervention))
	m.HandleFunc("GET "+Prefix+"/penerima/{b}/kasus/{c}/intervensi/{i}/ubah", h.auth(h.editInterventionPage))
	m.HandleFunc("POST "+Prefix+"/penerima/{b}/kasus/{c}/intervensi/{i}/ubah", h.form(h.updateIntervention))
	m.HandleFunc("POST "+Prefix+"/penerima/{b}/kasus/{c}/intervensi/{i}/batal", h.form(h.voidIntervention))

	m.HandleFunc("GET "+Prefix+"/pindah", h.auth(h.transfers))
	m.HandleFunc("POST "+Prefix+"/pindah", h.form(h.createTransfer))
	m.HandleFunc("POST "+Prefix+"/pindah/{t}/setujui", h.form(h.approveTransfer))
	m.HandleFunc("POST "+Prefix+"/pindah/{t}/tolak", h.form(h.rejectTransfer))

	m.HandleFunc("GET "+Prefix+"/duplikat", h.auth(h.duplicates))
	m.HandleFunc("GET "+Prefix+"/duplikat/banding", h.auth(h.compare))
	m.HandleFunc("POST "+Prefix+"/duplikat/gabung", h.form(h.merge))

	m.HandleFunc("GET "+Prefix+"/laporan", h.auth(h.report))
	m.HandleFunc("GET "+Prefix+"/laporan/{year}/cetak", h.auth(h.reportPrint))
	m.HandleFunc("GET "+Prefix+"/laporan/{year}/unduh/{file}", h.auth(h.reportDownload))
	m.HandleFunc("GET "+Prefix+"/laporan/{year}/angka", h.auth(h.figurePersons))
	m.HandleFunc("POST "+Prefix+"/laporan/{year}/kunci", h.form(h.lockYear))
	m.HandleFunc("POST "+Prefix+"/laporan/{year}/amandemen", h.form(h.openAmendment))
	m.HandleFunc("POST "+Prefix+"/laporan/{year}/amandemen/{id}/tutup", h.form(h.closeAmendment))

	m.HandleFunc("GET "+Prefix+"/pengguna", h.auth(h.users))
	m.HandleFunc("POST "+Prefix+"/pengguna", h.form(h.createUser))
	m.HandleFunc("GET "+Prefix+"/pengguna/{u}", h.auth(h.userPage))
	m.HandleFunc("POST "+Prefix+"/pengguna/{u}", h.form(h.updateUser))
	m.HandleFunc("POST "+Prefix+"/pengguna/{u}/sandi", h.form(h.setPassword))
	m.HandleFunc("POST "+Prefix+"/pengguna/{u}/token", h.form(h.createToken))
	m.HandleFunc("POST "+Prefix+"/pengguna/{u}/token/{t}/cabut", h.form(h.revokeToken))
	m.HandleFunc("POST "+Prefix+"/pengguna/{u}/sesi/akhiri", h.form(h.endSessions))

	m.HandleFunc(Prefix+"/", h.auth(func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, ppks.NotFound(r.URL.Path))
	}))
}

// ServeHTTP serves a request with the headers every page carries, and turns a panic in
// a page into a 500 page, logged with its stack.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	// Only our own files, no inline script, no framing, forms to ourselves only.
	hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.ErrorContext(r.Context(), "panic in web page", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			http.Error(w, "Terjadi kesalahan pada server.", http.StatusInternalServerError)
		}
	}()
	h.mux.ServeHTTP(w, r)
}

// ctxKey carries the request's session state.
type ctxKey struct{}

// reqState is what the middleware learned about a request.
type reqState struct {
	p      *ppks.Principal
	user   *ppks.User
	secret string // the session secret (for the CSRF token)
}

func stateOf(ctx context.Context) *reqState {
	s, _ := ctx.Value(ctxKey{}).(*reqState)
	return s
}

// errRedirected marks a handler that already answered.
var errRedirected = errors.New("redirected")
