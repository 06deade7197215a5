package web

import (
	"net/http"
	"net/url"

	"github.com/opendinsos/ppks/internal/ppks"
)

type duplicatesData struct {
	Kecamatan  string
	Kecamatans []option
	Pairs      []ppks.DuplicatePair
	Scanned    int
	Next       string
	Started    bool
}

func (duplicatesData) wide() bool { return true }

func (h *Handler) duplicates(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r.Context())
	q := r.URL.Query()
	kec := q.Get("kecamatan")
	data := duplicatesData{Kecamatan: kec, Kecamatans: h.kecamatanOptions(st.p, kec, "")}
	if st.p.Role != ppks.RoleSupervisor {
		h.fail(w, r, ppks.PermissionDenied())
		return
	}
	if kec != "" {
		pairs, next, scanned, err := h.svc.DuplicatePairs(r.Context(), kec, q.Get("halaman"))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		data.Pairs, data.Scanned, data.Started = pairs, scanned, true
		if next != "" {
			data.Next = Prefix + "/duplikat?" + url.Values{"kecamatan": {kec}, "halaman": {next}}.Encode()
		}
	}
	h.render(w, r, http.StatusOK, "duplicates", "Duplikat", data)
}

type compareRow struct {
	Label, A, B string
	Same        bool
}

type compareData struct {
	A, B    *ppks.Beneficiary
	Score   int
	Reasons []string
	Rows    []compareRow
	RID     string
	Reason  string
	Errors  map[string]string
}

func (compareData) wide() bool { return true }

func (h *Handler) compareData(r *http.Request, aID, bID string) (*compareData, error) {
	ctx := r.Context()
	a, err := h.svc.GetBeneficiary(ctx, aID)
	if err != nil {
		return nil, err
	}
	b, err := h.svc.GetBeneficiary(ctx, bID)
	if err != nil {
		return nil, err
	}
	score, reasons := ppks.ScoreDuplicate(a, b)
	d := &compareData{A: a, B: b, Score: score, Reasons: reasons, RID: newRequestID()}
	row := func(label, x, y string) {
		d.Rows = append(d.Rows, compareRow{Label: label, A: x, B: y, Same: x != "" && x == y})
	}
	row("NIK", a.NIK, b.NIK)
	row("Nama lengkap", a.FullName, b.FullName)
	row("Jenis kelamin", sexLabel(a.Sex), sexLabel(b.Sex))
	row("Tanggal lahir", formatDate(a.BirthDate), formatDate(b.BirthDate))
	row("Kecamatan", kecamatanName(h.svc.Catalog, a.KecamatanCode), kecamatanName(h.svc.Catalog, b.KecamatanCode))
	row("Desa/kelurahan", a.Desa, b.Desa)
	row("Alamat", a.Address, b.Address)
	row("Nomor KK", a.KK, b.KK)
	row("Terdaftar", formatTime(a.CreateTime, h.svc.Location), formatTime(b.CreateTime, h.svc.Location))
	return d, nil
}

func (h *Handler) compare(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d, err := h.compareData(r, q.Get("a"), q.Get("b"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "compare", "Bandingkan data", d)
}

func (h *Handler) merge(w http.ResponseWriter, r *http.Request) {
	a, b := r.PostFormValue("a"), r.PostFormValue("b")
	survivor, duplicate := a, b
	if r.PostFormValue("survivor") == "b" {
		survivor, duplicate = b, a
	}
	reason := r.PostFormValue("reason")
	merged, err := h.svc.MergeBeneficiaries(r.Context(), requestKey(r, "MergeBeneficiaries"), survivor, duplicate, reason)
	if fe := fieldErrors(err); fe != nil {
		d, derr := h.compareData(r, a, b)
		if derr != nil {
			h.fail(w, r, derr)
			return
		}
		d.Errors, d.Reason = fe, reason
		h.render(w, r, http.StatusUnprocessableEntity, "compare", "Bandingkan data", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/penerima/"+merged.ID, "Kedua data sudah digabung; kasus dan intervensinya kini tercatat di sini dan orang ini dihitung sekali.")
}
