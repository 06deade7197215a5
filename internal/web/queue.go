package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

type queueData struct {
	Q          *ppks.Queue
	Filter     ppks.PendingFilter
	From, To   string
	Kecamatans []option
	Types      []option
	Workers    []option
	Rows       []queueRow
	Query      string // the filter as a query string, for links that keep it
	Next       string
	Errors     map[string]string
}

func (queueData) wide() bool { return true }

type queueRow struct {
	Iv     *ppks.Intervention
	Person *ppks.Beneficiary
	Path   string // b/c/i
}

// queueFilter reads the queue's filter from the query string.
func queueFilter(q url.Values) (ppks.PendingFilter, map[string]string) {
	f := ppks.PendingFilter{KecamatanCode: q.Get("kecamatan"), InterventionType: q.Get("jenis"), Worker: q.Get("petugas")}
	errs := map[string]string{}
	var ok bool
	if f.From, ok = parseMonth(q.Get("dari")); !ok {
		errs["from"] = "Bulan tidak valid."
	}
	if f.To, ok = parseMonth(q.Get("sampai")); !ok {
		errs["to"] = "Bulan tidak valid."
	}
	return f, errs
}

func (h *Handler) queue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, errs := queueFilter(q)
	if len(errs) > 0 {
		h.render(w, r, http.StatusBadRequest, "queue", "Antrian verifikasi", queueData{Filter: f, Errors: errs, Q: &ppks.Queue{}})
		return
	}
	res, err := h.svc.VerificationQueue(r.Context(), f, 50, q.Get("halaman"))
	if fe := fieldErrors(err); fe != nil {
		h.render(w, r, http.StatusBadRequest, "queue", "Antrian verifikasi", queueData{Filter: f, Errors: fe, Q: &ppks.Queue{}})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data := queueData{Q: res, Filter: f, From: monthValue(f.From), To: monthValue(f.To)}
	keep := url.Values{}
	for _, k := range []string{"kecamatan", "jenis", "petugas", "dari", "sampai"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	data.Query = keep.Encode()
	if res.NextPageToken != "" {
		next := url.Values{}
		for k, v := range keep {
			next[k] = v
		}
		next.Set("halaman", res.NextPageToken)
		data.Next = Prefix + "/verifikasi?" + next.Encode()
	}
	data.Kecamatans = facetOptions("Semua kecamatan", res.ByKecamatan, f.KecamatanCode, func(c ppks.Count) string { return c.Name })
	data.Types = facetOptions("Semua jenis", res.ByType, f.InterventionType, func(c ppks.Count) string { return c.Name })
	data.Workers = facetOptions("Semua petugas", res.ByWorker, f.Worker, func(c ppks.Count) string { return c.Key })
	for _, iv := range res.Items {
		data.Rows = append(data.Rows, queueRow{Iv: iv, Person: res.People[iv.BeneficiaryID],
			Path: iv.BeneficiaryID + "/" + iv.CaseID + "/" + iv.ID})
	}
	h.render(w, r, http.StatusOK, "queue", "Antrian verifikasi", data)
}

// facetOptions makes the choices of a filter with their counts; the chosen value stays a
// choice even when nothing waits under it.
func facetOptions(all string, counts []ppks.Count, chosen string, label func(ppks.Count) string) []option {
	out := []option{{Value: "", Label: all, Selected: chosen == ""}}
	found := false
	for _, c := range counts {
		out = append(out, option{Value: c.Key, Label: label(c) + " (" + formatInt(int64(c.Persons)) + ")", Selected: c.Key == chosen})
		found = found || c.Key == chosen
	}
	if chosen != "" && !found {
		out = append(out, option{Value: chosen, Label: chosen + " (0)", Selected: true})
	}
	return out
}

type queueItemData struct {
	Iv        *ppks.Intervention
	Person    *ppks.Beneficiary
	Case      *ppks.Case
	Changes   []*ppks.Change
	Path      string
	Back      string
	BackQuery string // the queue's filter, to return to
	Errors    map[string]string
	Reason    string
}

func (queueItemData) wide() bool { return false }

func (h *Handler) queueItemData(r *http.Request) (*queueItemData, error) {
	ctx := r.Context()
	b, c, i := r.PathValue("b"), r.PathValue("c"), r.PathValue("i")
	iv, err := h.svc.GetIntervention(ctx, b, c, i)
	if err != nil {
		return nil, err
	}
	person, err := h.svc.GetBeneficiary(ctx, b)
	if err != nil {
		return nil, err
	}
	kase, err := h.svc.GetCase(ctx, b, c)
	if err != nil {
		return nil, err
	}
	changes, _, err := h.svc.ListChanges(ctx, b, c, i, ppks.MaxPageSize, "")
	if err != nil {
		return nil, err
	}
	back, q := Prefix+"/verifikasi", r.URL.Query().Get("kembali")
	if r.Method == http.MethodPost {
		q = r.PostFormValue("kembali")
	}
	if _, err := url.ParseQuery(q); err != nil {
		q = ""
	}
	if q != "" {
		back += "?" + q
	}
	return &queueItemData{Iv: iv, Person: person, Case: kase, Changes: changes, Path: b + "/" + c + "/" + i, Back: back, BackQuery: q}, nil
}

func (h *Handler) queueItem(w http.ResponseWriter, r *http.Request) {
	d, err := h.queueItemData(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "queue_item", "Verifikasi intervensi", d)
}

// wantsJSON: the page's script posts a bulk verification one record at a time and reads
// a small JSON answer; without script the form posts and the server redirects.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// queueBack is where a decision returns to: the queue with the filter it came from.
func queueBack(r *http.Request) string {
	back := Prefix + "/verifikasi"
	if q := r.PostFormValue("kembali"); q != "" {
		if _, err := url.ParseQuery(q); err == nil {
			back += "?" + q
		}
	}
	return back
}

func (h *Handler) verify(w http.ResponseWriter, r *http.Request) {
	_, err := h.svc.VerifyIntervention(r.Context(), ppks.RequestKey{}, r.PathValue("b"), r.PathValue("c"), r.PathValue("i"))
	if wantsJSON(r) {
		if err != nil {
			var e *ppks.Error
			msg := "Terjadi kesalahan pada server."
			if asError(err, &e) {
				msg = e.Localized
			}
			writeJSON(w, http.StatusConflict, map[string]any{"ok": false, "message": msg})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, queueBack(r), "Intervensi sudah diverifikasi.")
}

func (h *Handler) reject(w http.ResponseWriter, r *http.Request) {
	reason := r.PostFormValue("reason")
	_, err := h.svc.RejectIntervention(r.Context(), ppks.RequestKey{}, r.PathValue("b"), r.PathValue("c"), r.PathValue("i"), reason)
	if fe := fieldErrors(err); fe != nil {
		d, derr := h.queueItemData(r)
		if derr != nil {
			h.fail(w, r, derr)
			return
		}
		d.Errors, d.Reason = fe, reason
		h.render(w, r, http.StatusUnprocessableEntity, "queue_item", "Verifikasi intervensi", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, queueBack(r), "Intervensi ditolak; petugas dapat memperbaikinya lalu diverifikasi ulang.")
}

// maxBulk bounds one bulk verification (the page shows 50 at a time; a script may send
// more pages' worth).
const maxBulk = 500

// bulkVerify verifies the records chosen, one by one, and says how it went.
func (h *Handler) bulkVerify(w http.ResponseWriter, r *http.Request) {
	chosen := r.PostForm["pilih"]
	if len(chosen) == 0 {
		redirect(w, r, queueBack(r), "Tidak ada yang dipilih: centang intervensi yang akan diverifikasi.")
		return
	}
	if len(chosen) > maxBulk {
		chosen = chosen[:maxBulk]
	}
	done, failed := 0, 0
	var firstErr string
	for _, path := range chosen {
		parts := strings.Split(path, "/")
		if len(parts) != 3 {
			failed++
			continue
		}
		if _, err := h.svc.VerifyIntervention(r.Context(), ppks.RequestKey{}, parts[0], parts[1], parts[2]); err != nil {
			failed++
			var e *ppks.Error
			if firstErr == "" && asError(err, &e) {
				firstErr = e.Localized
			}
			if ppks.KindOf(err) == ppks.KindInternal || ppks.KindOf(err) == ppks.KindUnavailable {
				h.log.ErrorContext(r.Context(), "bulk verify", "err", err)
			}
			continue
		}
		done++
	}
	msg := formatInt(int64(done)) + " intervensi diverifikasi."
	if failed > 0 {
		msg += " " + strconv.Itoa(failed) + " tidak dapat diverifikasi"
		if firstErr != "" {
			msg += " (" + firstErr + ")"
		}
		msg += "."
	}
	redirect(w, r, queueBack(r), msg)
}
