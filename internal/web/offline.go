package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// The worker's pages offline (issue 14). A service worker (static/sw.js, served at
// /app/sw.js for the scope /app/) keeps the application shell (/app/luring) and the
// static files; when a page cannot be loaded it serves the shell, which draws the page
// from the worker's area kept in the browser (IndexedDB) by static/sync.js. Records made
// on the phone wait in a queue there and go to the service with the sync protocol.
//
// The JSON endpoints below carry the sync protocol of the API exactly (the JSON of
// SyncChanges and BatchSync, mapped by internal/server as for REST), authenticated by
// the session cookie and the session's CSRF token in a header instead of a bearer token:
// the session cookie is HttpOnly and scoped to /app/, so the page's script never holds a
// credential it could leak, and the API's tokens stay with the apps they were made for.

// syncJSON encodes the protocol's messages as the REST gateway does.
var syncJSON = protojson.MarshalOptions{EmitDefaultValues: true}

// csrfHeader carries the session's CSRF token on the JSON endpoints' writes.
const csrfHeader = "X-CSRF-Token"

// api is auth for the JSON endpoints: an answer in JSON, never a redirect.
func (h *Handler) api(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, err := h.authenticate(r)
		if err != nil {
			h.apiError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		next(w, r.WithContext(context.WithValue(ppks.WithPrincipal(r.Context(), st.p), ctxKey{}, st)))
	}
}

// apiWrite is api for a write: the request must come from our own pages and carry the
// session's CSRF token.
func (h *Handler) apiWrite(next http.HandlerFunc) http.HandlerFunc {
	return h.api(func(w http.ResponseWriter, r *http.Request) {
		if err := crossOrigin.Check(r); err != nil || !validToken(r.Header.Get(csrfHeader), csrfToken(stateOf(r.Context()).secret)) {
			h.apiError(w, r, errForgedForm())
			return
		}
		next(w, r)
	})
}

// apiError answers a JSON endpoint with an error of the domain or of the API, as the
// REST gateway answers it.
func (h *Handler) apiError(w http.ResponseWriter, r *http.Request, err error) {
	h.sync.WriteError(w, h.sync.Status(r.Context(), err))
}

func (h *Handler) writeMessage(w http.ResponseWriter, m proto.Message) {
	body, err := syncJSON.Marshal(m)
	if err != nil {
		h.sync.WriteError(w, status.Error(codes.Internal, "encode the answer: "+err.Error()))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// syncSession tells the page who is signed in and what the offline pages need: the
// user, their area, the CSRF token of the session, when the session ends at the latest
// (the phone shows the area no longer than that without signing in again), and the
// reference lists of the forms.
func (h *Handler) syncSession(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r.Context())
	type code struct {
		Code    string `json:"code"`
		Name    string `json:"name"`
		Counted bool   `json:"counted,omitempty"`
	}
	out := struct {
		Username          string `json:"username"`
		DisplayName       string `json:"displayName"`
		Role              string `json:"role"`
		Kecamatan         []code `json:"kecamatan"`
		CSRF              string `json:"csrf"`
		Expires           string `json:"expires"`
		Today             string `json:"today"`
		TimeZone          string `json:"timeZone"`
		PpksTypes         []code `json:"ppksTypes"`
		InterventionTypes []code `json:"interventionTypes"`
		AllKecamatan      []code `json:"allKecamatan"`
		// How names are folded to find a person already registered (ppks.MatchKey).
		NameFolding ppks.NameFolding `json:"nameFolding"`
		// The fields' names, as the other pages write them.
		FieldLabels map[string]string `json:"fieldLabels"`
	}{NameFolding: ppks.NameFoldingRules(), FieldLabels: fieldLabels, Username: st.user.Username, DisplayName: st.user.DisplayName, Role: st.p.Role.String(), CSRF: csrfToken(st.secret),
		Today: isoDate(h.svc.Today())}
	if h.svc.Location != nil {
		out.TimeZone = h.svc.Location.String()
	}
	if st.session != nil {
		out.Expires = st.session.ExpireTime.UTC().Format(time.RFC3339)
	}
	cat := h.svc.Catalog
	for _, k := range cat.Kecamatan {
		out.AllKecamatan = append(out.AllKecamatan, code{Code: k.Code, Name: k.Name})
		if st.p.InScope(k.Code) {
			out.Kecamatan = append(out.Kecamatan, code{Code: k.Code, Name: k.Name})
		}
	}
	for _, t := range cat.PpksTypes {
		out.PpksTypes = append(out.PpksTypes, code{Code: t.Code, Name: t.Name})
	}
	year := h.svc.Today().Year
	for _, t := range cat.InterventionTypes {
		out.InterventionTypes = append(out.InterventionTypes, code{Code: t.Code, Name: t.Name, Counted: cat.Counts(year, t.Code)})
	}
	writeJSON(w, http.StatusOK, out)
}

// syncPull is SyncChanges.
func (h *Handler) syncPull(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size, err := strconv.Atoi(q.Get("pageSize"))
	if err != nil && q.Get("pageSize") != "" {
		h.apiError(w, r, ppks.Invalid("page_size", "INVALID", "not a number", "Bukan angka."))
		return
	}
	resp, err := h.sync.SyncChanges(r.Context(), &ppksv1.SyncChangesRequest{Cursor: q.Get("cursor"), PageSize: int32(size)})
	if err != nil {
		h.sync.WriteError(w, err)
		return
	}
	h.writeMessage(w, resp)
}

// syncPush is BatchSync.
func (h *Handler) syncPush(w http.ResponseWriter, r *http.Request) {
	req := &ppksv1.BatchSyncRequest{}
	if err := h.sync.ReadJSON(w, r, req); err != nil {
		h.sync.WriteError(w, err)
		return
	}
	resp, err := h.sync.BatchSync(r.Context(), req)
	if err != nil {
		h.sync.WriteError(w, err)
		return
	}
	h.writeMessage(w, resp)
}

// syncDuplicates is FindDuplicates, for the register form to warn of likely matches
// before a person without NIK is queued.
func (h *Handler) syncDuplicates(w http.ResponseWriter, r *http.Request) {
	req := &ppksv1.FindDuplicatesRequest{}
	if err := h.sync.ReadJSON(w, r, req); err != nil {
		h.sync.WriteError(w, err)
		return
	}
	resp, err := h.sync.FindDuplicates(r.Context(), req)
	if err != nil {
		h.sync.WriteError(w, err)
		return
	}
	h.writeMessage(w, resp)
}

// shellPage serves the application shell: the layout with the page drawn by the script
// from the phone's data. It holds no personal data, so the service worker may keep it.
func (h *Handler) shellPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "shell", "Data lapangan", shellData{})
}

type shellData struct{}

func (shellData) wide() bool { return true }

// serviceWorker serves static/sw.js with the version of the static files in it (a new
// binary's worker replaces the old one and its cache), from the application's root so
// that its scope is /app/.
func (h *Handler) serviceWorker(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Service-Worker-Allowed", Prefix+"/")
	_, _ = w.Write(serviceWorkerJS)
}

// serviceWorkerJS is static/sw.js with the asset URLs of this binary.
var serviceWorkerJS = func() []byte {
	src, err := staticFS.ReadFile("static/sw.js")
	if err != nil {
		panic(err)
	}
	assets := []string{}
	for _, f := range []string{"app.css", "app.js", "sync.js", "offline.js", "logo.svg"} {
		assets = append(assets, strconv.Quote(assetURL(f)))
	}
	return []byte(strings.NewReplacer(`"__VERSION__"`, strconv.Quote(assetVersion),
		`"__ASSETS__"`, "["+strings.Join(assets, ", ")+"]", `"__SHELL__"`, strconv.Quote(Prefix+"/luring")).Replace(string(src)))
}()
