package web

import (
	"net/http"

	"github.com/opendinsos/ppks/internal/ppks"
)

// Permintaan pindah: a worker whose new person is registered in another kecamatan asks
// for them to be moved here (the register form leads here, with the NIK); a supervisor
// approves or rejects. The rules (who sees which request, what a worker may learn of the
// person) are the domain's (ppks/service_transfer.go).

type transfersData struct {
	Transfers  []*ppks.Transfer
	Supervisor bool
	Kecamatans []option // where a worker may ask to move a person
	Form       transferForm
	Errors     map[string]string
	RID        string
}

type transferForm struct{ NIK, To, Reason string }

func (transfersData) wide() bool { return true }

func (h *Handler) transfers(w http.ResponseWriter, r *http.Request) {
	h.showTransfers(w, r, http.StatusOK, transferForm{NIK: r.URL.Query().Get("nik")}, nil)
}

func (h *Handler) showTransfers(w http.ResponseWriter, r *http.Request, status int, form transferForm, errs map[string]string) {
	st := stateOf(r.Context())
	filter := ""
	if st.p.Role == ppks.RoleSupervisor {
		filter = "state = PENDING" // the supervisor's queue
	}
	list, _, err := h.svc.ListTransfers(r.Context(), 100, "", filter)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := transfersData{Transfers: list, Supervisor: st.p.Role == ppks.RoleSupervisor, Form: form, Errors: errs, RID: newRequestID()}
	if st.p.Scoped() {
		d.Kecamatans = h.kecamatanOptions(st.p, form.To, "")
	}
	h.render(w, r, status, "transfers", "Permintaan pindah", d)
}

func (h *Handler) createTransfer(w http.ResponseWriter, r *http.Request) {
	form := transferForm{NIK: r.PostFormValue("nik"), To: r.PostFormValue("to"), Reason: r.PostFormValue("reason")}
	_, err := h.svc.CreateTransfer(r.Context(), requestKey(r, "CreateTransfer"), "", form.NIK, form.To, form.Reason)
	if err != nil {
		if fe := fieldErrors(err); fe != nil {
			h.showTransfers(w, r, http.StatusUnprocessableEntity, form, fe)
			return
		}
		var e *ppks.Error
		if asError(err, &e) && (e.Kind == ppks.KindFailedPrecondition || e.Kind == ppks.KindAlreadyExists) {
			h.showTransfers(w, r, http.StatusConflict, form, map[string]string{"form": e.Localized})
			return
		}
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/pindah", "Permintaan pindah terkirim. Supervisor akan memeriksanya; setelah disetujui, data orang ini pindah ke wilayah Anda.")
}

func (h *Handler) approveTransfer(w http.ResponseWriter, r *http.Request) {
	if _, err := h.svc.ApproveTransfer(r.Context(), requestKey(r, "ApproveTransfer"), r.PathValue("t")); err != nil {
		h.decisionFailed(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/pindah", "Permintaan disetujui; data orang itu kini tercatat di kecamatan yang diminta.")
}

func (h *Handler) rejectTransfer(w http.ResponseWriter, r *http.Request) {
	if _, err := h.svc.RejectTransfer(r.Context(), requestKey(r, "RejectTransfer"), r.PathValue("t"), r.PostFormValue("reason")); err != nil {
		h.decisionFailed(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/pindah", "Permintaan ditolak; petugas melihat alasannya.")
}

func (h *Handler) decisionFailed(w http.ResponseWriter, r *http.Request, err error) {
	if fe := fieldErrors(err); fe != nil {
		h.showTransfers(w, r, http.StatusUnprocessableEntity, transferForm{}, map[string]string{"decision": fe["reason"]})
		return
	}
	var e *ppks.Error
	if asError(err, &e) && e.Kind == ppks.KindFailedPrecondition {
		h.showTransfers(w, r, http.StatusConflict, transferForm{}, map[string]string{"decision": e.Localized})
		return
	}
	h.fail(w, r, err)
}
