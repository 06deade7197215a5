package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math/big"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// assetVersion is a hash of every static file: asset URLs carry it, so a browser may keep
// them forever and still gets new ones with a new binary.
var assetVersion = func() string {
	h := sha256.New()
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}()

// staticHandler serves /app/static/{version}/{file}: cached for a year when the version
// is the current one.
func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		version, file, ok := strings.Cut(r.URL.Path, "/")
		if !ok || file == "" || strings.Contains(file, "..") {
			http.NotFound(w, r)
			return
		}
		if version == assetVersion {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + file
		files.ServeHTTP(w, r2)
	})
}

func assetURL(name string) string { return Prefix + "/static/" + assetVersion + "/" + name }

// templates holds one template set per page, each the layout plus the page.
type templates struct {
	pages map[string]*template.Template
}

func parseTemplates(svc *ppks.Service) (*templates, error) {
	loc := svc.Location
	if loc == nil {
		loc = time.UTC
	}
	funcs := template.FuncMap{
		"asset":         assetURL,
		"num":           func(n int) string { return formatInt(int64(n)) },
		"num64":         formatInt,
		"rupiah":        rupiah,
		"pct":           formatRat,
		"pctf":          formatFloat,
		"date":          formatDate,
		"time":          func(t time.Time) string { return formatTime(t, loc) },
		"iso":           isoDate,
		"month":         monthValue,
		"ppks":          func(code string) string { return ppksName(svc.Catalog, code) },
		"itype":         func(code string) string { return interventionName(svc.Catalog, code) },
		"kec":           func(code string) string { return kecamatanName(svc.Catalog, code) },
		"sex":           sexLabel,
		"role":          roleLabel,
		"verif":         verificationLabel,
		"transferState": transferStateLabel,
		"field":         fieldLabel,
		"method":        methodLabel,
		"hval":          func(field, v string) string { return historyValue(svc.Catalog, field, v) },
		"reason":        reasonLabel,
		"outcome": func(o ppks.Outcome) string {
			return outcomeLabel(o)
		},
		"ratgte": func(r *big.Rat, n int64) bool { return r != nil && r.Cmp(big.NewRat(n, 1)) >= 0 },
		"add":    func(a, b int) int { return a + b },
		"path":   path.Join,
		"prefix": func() string { return Prefix },
		"deref": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		"eq2": func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("web templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || base == "parts.html" {
			continue
		}
		clone, err := layout.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.ParseFS(templateFS, n); err != nil {
			return nil, fmt.Errorf("web template %s: %w", base, err)
		}
		t.pages[strings.TrimSuffix(base, ".html")] = clone
	}
	return t, nil
}

// navItem is one entry of the main menu.
type navItem struct {
	Href, Label string
	Current     bool
}

// page is what the layout needs, around a page's own data.
type page struct {
	Title     string
	Nav       []navItem
	User      *ppks.User
	CSRF      string
	Flash     string
	Kabupaten string
	Wide      bool // tables that need the whole width of an office screen
	Offline   bool // the page works offline too: a worker's page, or the shell (offline.go)
	Data      any
}

// nav returns the menu of a role: only the pages it may use.
func nav(role ppks.Role, current string) []navItem {
	var items []navItem
	add := func(href, label string) {
		items = append(items, navItem{Href: Prefix + href, Label: label, Current: strings.HasPrefix(current, Prefix+href)})
	}
	switch role {
	case ppks.RoleWorker:
		add("/penerima", "Penerima")
		add("/pindah", "Pindah")
		add("/sinkron", "Sinkronisasi")
	case ppks.RoleSupervisor:
		add("/beranda", "Beranda")
		add("/verifikasi", "Verifikasi")
		add("/penerima", "Penerima")
		add("/duplikat", "Duplikat")
		add("/pindah", "Pindah")
		add("/laporan", "Laporan")
	case ppks.RolePlanner:
		add("/beranda", "Beranda")
		add("/laporan", "Laporan")
	case ppks.RoleAdmin:
		add("/beranda", "Beranda")
		add("/laporan", "Laporan")
		add("/pengguna", "Pengguna")
	}
	return items
}

// render writes a page with the layout. Pages hold personal data: no cache keeps them.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	t, ok := h.tmpl.pages[name]
	if !ok {
		h.log.ErrorContext(r.Context(), "no such web template", "template", name)
		http.Error(w, "Terjadi kesalahan pada server.", http.StatusInternalServerError)
		return
	}
	p := page{Title: title, Data: data, Kabupaten: h.svc.Catalog.Kabupaten.Name}
	if st := stateOf(r.Context()); st != nil {
		p.User = st.user
		p.CSRF = csrfToken(st.secret)
		p.Nav = nav(st.p.Role, r.URL.Path)
		p.Offline = st.p.Role == ppks.RoleWorker
	}
	if _, ok := data.(shellData); ok {
		p.Offline = true
	}
	if wide, ok := data.(interface{ wide() bool }); ok {
		p.Wide = wide.wide()
	}
	p.Flash = takeFlash(w, r)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		h.log.ErrorContext(r.Context(), "render web page", "template", name, "err", err)
		http.Error(w, "Terjadi kesalahan pada server.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage is the data of the error page.
type errorPage struct {
	Status  int
	Heading string
	Message string
	Back    string
}

// fail answers a request with the page of its error: the domain's message in Bahasa
// Indonesia and the matching status; an unexpected error is logged once and shown as a
// plain server error.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *ppks.Error
	if !asError(err, &e) {
		e = ppks.Internal("web", err)
	}
	status, heading := http.StatusInternalServerError, "Terjadi kesalahan"
	switch e.Kind {
	case ppks.KindUnauthenticated:
		h.toSignIn(w, r, err)
		return
	case ppks.KindInvalid:
		status, heading = http.StatusBadRequest, "Isian tidak valid"
	case ppks.KindNotFound:
		status, heading = http.StatusNotFound, "Tidak ditemukan"
	case ppks.KindAlreadyExists:
		status, heading = http.StatusConflict, "Sudah ada"
	case ppks.KindFailedPrecondition:
		status, heading = http.StatusConflict, "Tidak dapat dilakukan"
	case ppks.KindAborted:
		status, heading = http.StatusConflict, "Data sudah berubah"
	case ppks.KindPermissionDenied:
		status, heading = http.StatusForbidden, "Tidak berwenang"
	case ppks.KindResourceExhausted:
		status, heading = http.StatusTooManyRequests, "Coba lagi nanti"
	case ppks.KindUnavailable:
		status, heading = http.StatusServiceUnavailable, "Layanan sedang tidak tersedia"
	default:
		h.log.ErrorContext(r.Context(), "web page failed", "path", r.URL.Path, "err", err)
	}
	msg := e.Localized
	for _, v := range e.Violations {
		msg += " " + fieldLabel(v.Field) + ": " + v.Localized
	}
	back := r.Referer()
	if localTarget(strings.TrimPrefix(back, "http://"+r.Host)) == "" {
		back = ""
	}
	h.render(w, r, status, "error", heading, errorPage{Status: status, Heading: heading, Message: msg, Back: back})
}

func asError(err error, target **ppks.Error) bool { return errors.As(err, target) }

// fieldErrors maps the violations of an invalid-argument error to the form's fields (the
// last part of the violated path: "beneficiary.full_name" is the field "full_name").
func fieldErrors(err error) map[string]string {
	var e *ppks.Error
	if !asError(err, &e) || e.Kind != ppks.KindInvalid {
		return nil
	}
	out := map[string]string{}
	for _, v := range e.Violations {
		f := v.Field
		if i := strings.LastIndexByte(f, '.'); i >= 0 {
			f = f[i+1:]
		}
		if prev, ok := out[f]; ok {
			out[f] = prev + " " + v.Localized
		} else {
			out[f] = v.Localized
		}
	}
	return out
}

// redirect answers a successful form with a redirect to the page to show (POST, then
// GET), leaving a message for it.
func redirect(w http.ResponseWriter, r *http.Request, target, flash string) {
	if flash != "" {
		setFlash(w, r, flash)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}
