package web

import (
	"net/http"

	"github.com/opendinsos/ppks/internal/ppks"
)

type interventionFormData struct {
	Person     *ppks.Beneficiary
	Case       *ppks.Case
	Form       interventionForm
	Errors     map[string]string
	Types      []option
	Kecamatans []option
	Edit       bool
	ID         string
	Conflict   *ppks.Intervention // the record as it is now, after an etag conflict
	Counted    map[string]bool
}

func (interventionFormData) wide() bool { return false }

// interventionPage reads what the intervention forms show around their fields.
func (h *Handler) interventionPage(r *http.Request, f interventionForm) (*interventionFormData, error) {
	ctx := r.Context()
	st := stateOf(ctx)
	b, err := h.svc.GetBeneficiary(ctx, r.PathValue("b"))
	if err != nil {
		return nil, err
	}
	c, err := h.svc.GetCase(ctx, b.ID, r.PathValue("c"))
	if err != nil {
		return nil, err
	}
	d := &interventionFormData{Person: b, Case: c, Form: f, Counted: map[string]bool{}}
	year := h.svc.Today().Year
	if date, ok := parseISODate(f.DeliveredOn); ok && date.Year > 0 {
		year = date.Year
	}
	for _, t := range h.svc.Catalog.InterventionTypes {
		label := t.Name
		if h.svc.Catalog.Counts(year, t.Code) {
			label += " (terhitung IKU)"
			d.Counted[t.Code] = true
		}
		d.Types = append(d.Types, option{Value: t.Code, Label: label, Selected: t.Code == f.Type})
	}
	d.Kecamatans = append([]option{{Value: "", Label: "Sama dengan kecamatan penerima", Selected: f.Kecamatan == ""}},
		h.kecamatanOptions(st.p, f.Kecamatan, "")...)
	return d, nil
}

func (h *Handler) newInterventionPage(w http.ResponseWriter, r *http.Request) {
	f := interventionForm{RID: newRequestID(), DeliveredOn: isoDate(h.svc.Today()), Quantity: "1"}
	d, err := h.interventionPage(r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "intervention_form", "Catat intervensi", d)
}

func (h *Handler) createIntervention(w http.ResponseWriter, r *http.Request) {
	f := readInterventionForm(r)
	iv, errs := f.intervention(r)
	b, c := r.PathValue("b"), r.PathValue("c")
	var err error
	if len(errs) == 0 {
		_, err = h.svc.CreateIntervention(r.Context(), requestKey(r, "CreateIntervention"), b, c, "", iv)
		if err == nil {
			redirect(w, r, Prefix+"/penerima/"+b, "Intervensi "+interventionName(h.svc.Catalog, iv.InterventionType)+" sudah dicatat dan menunggu verifikasi.")
			return
		}
		if fieldErrors(err) == nil {
			h.fail(w, r, err)
			return
		}
	}
	d, derr := h.interventionPage(r, f)
	if derr != nil {
		h.fail(w, r, derr)
		return
	}
	d.Errors = mergeErrors(errs, err)
	h.render(w, r, http.StatusUnprocessableEntity, "intervention_form", "Catat intervensi", d)
}

func (h *Handler) editInterventionPage(w http.ResponseWriter, r *http.Request) {
	iv, err := h.svc.GetIntervention(r.Context(), r.PathValue("b"), r.PathValue("c"), r.PathValue("i"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.interventionPage(r, interventionFormOf(iv))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Edit, d.ID = true, iv.ID
	h.render(w, r, http.StatusOK, "intervention_form", "Koreksi intervensi", d)
}

func (h *Handler) updateIntervention(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := readInterventionForm(r)
	iv, errs := f.intervention(r)
	b, c, id := r.PathValue("b"), r.PathValue("c"), r.PathValue("i")
	var err error
	if len(errs) == 0 {
		iv.BeneficiaryID, iv.CaseID, iv.ID = b, c, id
		paths := []string{"intervention_type", "delivered_on", "kecamatan_code", "quantity", "unit", "notes"}
		_, err = h.svc.UpdateIntervention(ctx, ppks.RequestKey{}, iv, paths, f.Etag)
		if err == nil {
			redirect(w, r, Prefix+"/penerima/"+b, "Intervensi sudah dikoreksi; bila jenis, tanggal, kecamatan atau jumlah berubah, intervensi menunggu verifikasi ulang.")
			return
		}
		if fieldErrors(err) == nil && ppks.KindOf(err) != ppks.KindAborted {
			h.fail(w, r, err)
			return
		}
	}
	d, derr := h.interventionPage(r, f)
	if derr != nil {
		h.fail(w, r, derr)
		return
	}
	d.Edit, d.ID = true, id
	d.Errors = mergeErrors(errs, err)
	status := http.StatusUnprocessableEntity
	if ppks.KindOf(err) == ppks.KindAborted {
		// Someone changed the record since the form was opened: show it as it is now, and
		// let the user send their correction again against that version.
		cur, gerr := h.svc.GetIntervention(ctx, b, c, id)
		if gerr != nil {
			h.fail(w, r, gerr)
			return
		}
		d.Conflict, d.Form.Etag, status = cur, cur.Etag(), http.StatusConflict
	}
	h.render(w, r, status, "intervention_form", "Koreksi intervensi", d)
}

func (h *Handler) voidIntervention(w http.ResponseWriter, r *http.Request) {
	b, c, id := r.PathValue("b"), r.PathValue("c"), r.PathValue("i")
	_, err := h.svc.VoidIntervention(r.Context(), ppks.RequestKey{}, b, c, id, r.PostFormValue("reason"))
	if fe := fieldErrors(err); fe != nil {
		redirect(w, r, Prefix+"/penerima/"+b+"#i-"+id, "Intervensi belum dibatalkan: "+fieldLabel("reason")+" "+fe["reason"])
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/penerima/"+b, "Intervensi dibatalkan; catatannya tetap disimpan dan tidak lagi dihitung.")
}
