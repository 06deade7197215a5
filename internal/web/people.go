package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

type peopleData struct {
	People     []*ppks.Beneficiary
	Query      string
	Kecamatan  string
	Kecamatans []option
	Next       string
	CanCreate  bool
	Searched   bool
	Total      int // over every page
}

func (peopleData) wide() bool { return true }

var digits16 = regexp.MustCompile(`^[0-9]{16}$`)

// kecamatanOptions are the kecamatan a user may choose: a worker's own, or all.
func (h *Handler) kecamatanOptions(p *ppks.Principal, chosen, all string) []option {
	var out []option
	if all != "" && !p.Scoped() {
		out = append(out, option{Value: "", Label: all, Selected: chosen == ""})
	}
	for _, k := range h.svc.Catalog.Kecamatan {
		if p.InScope(k.Code) {
			out = append(out, option{Value: k.Code, Label: k.Name, Selected: k.Code == chosen})
		}
	}
	return out
}

func (h *Handler) people(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r.Context())
	q := r.URL.Query()
	text, kec := strings.TrimSpace(q.Get("q")), q.Get("kecamatan")
	var conds []string
	switch {
	case digits16.MatchString(text):
		conds = append(conds, "nik = "+strconv.Quote(text))
	case text != "":
		conds = append(conds, "full_name : "+strconv.Quote(text))
	}
	if kec != "" {
		conds = append(conds, "kecamatan_code = "+strconv.Quote(kec))
	}
	filter := strings.Join(conds, " AND ")
	list, next, err := h.svc.ListBeneficiaries(r.Context(), 50, q.Get("halaman"), filter)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	total, err := h.svc.CountBeneficiaries(r.Context(), filter)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data := peopleData{People: list, Query: text, Kecamatan: kec, CanCreate: st.p.ReadsPeople(), Searched: filter != "",
		Kecamatans: h.kecamatanOptions(st.p, kec, "Semua kecamatan"), Total: total}
	if st.p.Scoped() && len(st.p.Kecamatan) > 1 {
		data.Kecamatans = append([]option{{Value: "", Label: "Semua kecamatan tugas saya", Selected: kec == ""}}, data.Kecamatans...)
	}
	if next != "" {
		v := url.Values{"halaman": {next}}
		if text != "" {
			v.Set("q", text)
		}
		if kec != "" {
			v.Set("kecamatan", kec)
		}
		data.Next = Prefix + "/penerima?" + v.Encode()
	}
	h.render(w, r, http.StatusOK, "people", "Penerima", data)
}

type personFormData struct {
	Form       personForm
	Errors     map[string]string
	Kecamatans []option
	Duplicates []ppks.Candidate
	Existing   string // the person with this NIK, when the NIK is taken
	Elsewhere  string // the NIK, when its person is registered outside the caller's area
	Edit       bool
	ID         string
	Conflict   bool
}

func (personFormData) wide() bool { return false }

func (h *Handler) newPersonPage(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r.Context())
	if !st.p.ReadsPeople() {
		h.fail(w, r, ppks.PermissionDenied())
		return
	}
	f := personForm{RID: newRequestID()}
	if len(st.p.Kecamatan) == 1 {
		f.Kecamatan = st.p.Kecamatan[0]
	}
	h.render(w, r, http.StatusOK, "person_form", "Daftarkan penerima", personFormData{Form: f,
		Kecamatans: h.kecamatanOptions(st.p, f.Kecamatan, "")})
}

func (h *Handler) createPerson(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r.Context())
	f := readPersonForm(r)
	b, errs := f.person()
	show := func(status int, d personFormData) {
		d.Form, d.Kecamatans = f, h.kecamatanOptions(st.p, f.Kecamatan, "")
		h.render(w, r, status, "person_form", "Daftarkan penerima", d)
	}
	if len(errs) > 0 {
		show(http.StatusUnprocessableEntity, personFormData{Errors: errs})
		return
	}
	// A person without NIK may be someone registered before: show the likely matches
	// first, and register only once the user says it is someone else.
	if b.NIK == "" && !f.Confirm {
		cands, err := h.svc.FindDuplicates(r.Context(), b)
		if fe := fieldErrors(err); fe != nil {
			show(http.StatusUnprocessableEntity, personFormData{Errors: fe})
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if len(cands) > 0 {
			show(http.StatusOK, personFormData{Duplicates: cands})
			return
		}
	}
	created, err := h.svc.CreateBeneficiary(r.Context(), requestKey(r, "CreateBeneficiary"), "", b)
	if err != nil {
		var e *ppks.Error
		if asError(err, &e) && e.Kind == ppks.KindAlreadyExists && strings.HasPrefix(e.Resource, "beneficiaries/") {
			show(http.StatusConflict, personFormData{Existing: strings.TrimPrefix(e.Resource, "beneficiaries/"),
				Errors: map[string]string{"nik": "NIK ini sudah terdaftar untuk orang lain; buka datanya di bawah."}})
			return
		}
		if asError(err, &e) && e.Reason == "NIK_REGISTERED_ELSEWHERE" {
			show(http.StatusConflict, personFormData{Elsewhere: b.NIK, Errors: fieldErrors(err)})
			return
		}
		if fe := fieldErrors(err); fe != nil {
			show(http.StatusUnprocessableEntity, personFormData{Errors: fe})
			return
		}
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/penerima/"+created.ID, "Penerima sudah terdaftar. Buka kasus untuk mencatat layanan.")
}

type personData struct {
	Person    *ppks.Beneficiary
	Events    []ppks.TimelineEvent
	Cases     []*ppks.Case
	Changes   []*ppks.Change
	PpksTypes []option
	Outcomes  []option
	Today     string
	RID       string
	CanWrite  bool
	CanVerify bool
	Username  string
	Open      int
	Warnings  []string
}

func (personData) wide() bool { return true }

func (h *Handler) person(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := stateOf(ctx)
	id := r.PathValue("b")
	b, events, err := h.svc.Timeline(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if b.ID != id { // a merged record: its survivor's page
		http.Redirect(w, r, Prefix+"/penerima/"+b.ID, http.StatusSeeOther)
		return
	}
	changes, _, err := h.svc.ListChanges(ctx, b.ID, "", "", ppks.MaxPageSize, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data := personData{Person: b, Events: events, Changes: changes, Today: isoDate(h.svc.Today()), RID: newRequestID(),
		CanWrite: st.p.ReadsPeople(), CanVerify: st.p.Role == ppks.RoleSupervisor, Username: st.p.Username}
	for _, e := range events {
		if e.Kind == ppks.EventCaseOpened {
			data.Cases = append(data.Cases, e.Case)
			if e.Case.State == ppks.CaseOpen {
				data.Open++
			}
		}
	}
	for _, t := range h.svc.Catalog.PpksTypes {
		data.PpksTypes = append(data.PpksTypes, option{Value: t.Code, Label: t.Name})
	}
	for _, o := range outcomes {
		data.Outcomes = append(data.Outcomes, option{Value: strconv.Itoa(int(o)), Label: outcomeLabel(o)})
	}
	h.render(w, r, http.StatusOK, "person", b.FullName, data)
}

func (h *Handler) editPersonPage(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r.Context())
	b, err := h.svc.GetBeneficiary(r.Context(), r.PathValue("b"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "person_form", "Koreksi data penerima", personFormData{Edit: true, ID: b.ID,
		Form: personFormOf(b, st.p.SeesFullNIK()), Kecamatans: h.kecamatanOptions(st.p, b.KecamatanCode, "")})
}

func (h *Handler) updatePerson(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := stateOf(ctx)
	id := r.PathValue("b")
	f := readPersonForm(r)
	f.MaskedNIK = r.PostFormValue("masked_nik")
	b, errs := f.person()
	show := func(status int, d personFormData) {
		d.Edit, d.ID, d.Form, d.Kecamatans = true, id, f, h.kecamatanOptions(st.p, f.Kecamatan, "")
		h.render(w, r, status, "person_form", "Koreksi data penerima", d)
	}
	if len(errs) > 0 {
		show(http.StatusUnprocessableEntity, personFormData{Errors: errs})
		return
	}
	paths := []string{"full_name", "sex", "birth_date", "kecamatan_code", "desa", "address", "kk_number"}
	// A masked NIK is never sent back: the field changes the NIK only when filled in.
	if f.NIK != "" || st.p.SeesFullNIK() {
		paths = append(paths, "nik")
	}
	b.ID = id
	_, err := h.svc.UpdateBeneficiary(ctx, ppks.RequestKey{}, b, paths, f.Etag)
	if ppks.KindOf(err) == ppks.KindAborted {
		cur, gerr := h.svc.GetBeneficiary(ctx, id)
		if gerr != nil {
			h.fail(w, r, gerr)
			return
		}
		f.Etag = cur.Etag()
		show(http.StatusConflict, personFormData{Conflict: true})
		return
	}
	if fe := fieldErrors(err); fe != nil {
		show(http.StatusUnprocessableEntity, personFormData{Errors: fe})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/penerima/"+id, "Data penerima sudah dikoreksi.")
}

func (h *Handler) createCase(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("b")
	opened, ok := parseISODate(r.PostFormValue("opened_on"))
	if !ok {
		redirect(w, r, Prefix+"/penerima/"+id, "Kasus belum dibuka: tanggal dibuka tidak valid.")
		return
	}
	c := ppks.Case{PpksType: r.PostFormValue("ppks_type"), OpenedOn: opened}
	created, err := h.svc.CreateCase(r.Context(), requestKey(r, "CreateCase"), id, "", c)
	if fe := fieldErrors(err); fe != nil {
		msg := "Kasus belum dibuka:"
		for k, v := range fe {
			msg += " " + fieldLabel(k) + ": " + v
		}
		redirect(w, r, Prefix+"/penerima/"+id, msg)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/penerima/"+id+"/kasus/"+created.ID+"/intervensi/baru", "Kasus "+ppksName(h.svc.Catalog, created.PpksType)+" dibuka. Catat intervensi yang diberikan.")
}

func (h *Handler) closeCase(w http.ResponseWriter, r *http.Request) {
	b, c := r.PathValue("b"), r.PathValue("c")
	outcome, _ := strconv.Atoi(r.PostFormValue("outcome"))
	closed, ok := parseISODate(r.PostFormValue("closed_on"))
	if !ok {
		redirect(w, r, Prefix+"/penerima/"+b, "Kasus belum ditutup: tanggal tidak valid.")
		return
	}
	_, err := h.svc.CloseCase(r.Context(), ppks.RequestKey{}, b, c, ppks.Outcome(outcome), closed, r.PostFormValue("note"))
	if fe := fieldErrors(err); fe != nil {
		msg := "Kasus belum ditutup:"
		for k, v := range fe {
			msg += " " + fieldLabel(k) + ": " + v
		}
		redirect(w, r, Prefix+"/penerima/"+b, msg)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/penerima/"+b, "Kasus sudah ditutup.")
}
