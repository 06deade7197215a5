package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

var roles = []ppks.Role{ppks.RoleWorker, ppks.RoleSupervisor, ppks.RolePlanner, ppks.RoleAdmin}

type userForm struct {
	Username, DisplayName string
	Role                  ppks.Role
	Kecamatan             map[string]bool
	Disabled              bool
	Etag                  string
}

type usersData struct {
	Users      []*ppks.User
	Next       string
	Form       userForm
	Errors     map[string]string
	Roles      []option
	Kecamatans []ppks.Region
	RID        string
}

func (usersData) wide() bool { return true }

func (h *Handler) usersData(r *http.Request, form userForm, errs map[string]string) (*usersData, error) {
	list, next, err := h.svc.ListUsers(r.Context(), 100, r.URL.Query().Get("halaman"))
	if err != nil {
		return nil, err
	}
	d := &usersData{Users: list, Form: form, Errors: errs, Kecamatans: h.svc.Catalog.Kecamatan, RID: newRequestID()}
	if next != "" {
		d.Next = Prefix + "/pengguna?" + url.Values{"halaman": {next}}.Encode()
	}
	for _, ro := range roles {
		d.Roles = append(d.Roles, option{Value: strconv.Itoa(int(ro)), Label: roleLabel(ro), Selected: ro == form.Role})
	}
	return d, nil
}

func (h *Handler) users(w http.ResponseWriter, r *http.Request) {
	d, err := h.usersData(r, userForm{Role: ppks.RoleWorker}, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "users", "Pengguna", d)
}

func readUserForm(r *http.Request) userForm {
	role, _ := strconv.Atoi(r.PostFormValue("role"))
	f := userForm{Username: strings.TrimSpace(r.PostFormValue("username")), DisplayName: r.PostFormValue("display_name"),
		Role: ppks.Role(role), Kecamatan: map[string]bool{}, Disabled: r.PostFormValue("disabled") == "1", Etag: r.PostFormValue("etag")}
	for _, k := range r.PostForm["kecamatan_codes"] {
		f.Kecamatan[k] = true
	}
	return f
}

func (f userForm) codes(cat *ppks.Catalog) []string {
	var out []string
	for _, k := range cat.Kecamatan {
		if f.Kecamatan[k.Code] {
			out = append(out, k.Code)
		}
	}
	return out
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) {
	f := readUserForm(r)
	password := r.PostFormValue("password")
	u := ppks.User{Username: f.Username, DisplayName: f.DisplayName, Role: f.Role, Kecamatan: f.codes(h.svc.Catalog)}
	created, err := h.svc.CreateUser(r.Context(), requestKey(r, "CreateUser"), u)
	if err == nil && password != "" {
		err = h.svc.SetPassword(r.Context(), ppks.RequestKey{}, created.Username, password)
		if err != nil {
			// The user exists; the password goes on their page.
			redirect(w, r, Prefix+"/pengguna/"+created.Username, "Pengguna dibuat, tetapi kata sandi belum diatur: "+localizedOf(err))
			return
		}
	}
	if fe := fieldErrors(err); fe != nil || ppks.KindOf(err) == ppks.KindAlreadyExists {
		if fe == nil {
			fe = map[string]string{"username": localizedOf(err)}
		}
		d, derr := h.usersData(r, f, fe)
		if derr != nil {
			h.fail(w, r, derr)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "users", "Pengguna", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/pengguna/"+created.Username, "Pengguna "+created.Username+" dibuat.")
}

func localizedOf(err error) string {
	var e *ppks.Error
	if asError(err, &e) {
		msg := e.Localized
		for _, v := range e.Violations {
			msg += " " + v.Localized
		}
		return msg
	}
	return "Terjadi kesalahan pada server."
}

type userData struct {
	User        *ppks.User
	Form        userForm
	Errors      map[string]string
	Roles       []option
	Kecamatans  []ppks.Region
	Tokens      []*ppks.Token
	Sessions    []*ppks.Session
	HasPassword bool
	PasswordSet time.Time
	Secret      string // a new token's secret, shown once
	Now         time.Time
	RID         string
	Self        bool
}

func (userData) wide() bool { return true }

func (h *Handler) userData(r *http.Request, username string) (*userData, error) {
	ctx := r.Context()
	u, err := h.svc.GetUser(ctx, username)
	if err != nil {
		return nil, err
	}
	d := &userData{User: u, Kecamatans: h.svc.Catalog.Kecamatan, Now: h.svc.Now(), RID: newRequestID(),
		Self: u.Username == stateOf(ctx).p.Username,
		Form: userForm{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Kecamatan: map[string]bool{}, Disabled: u.Disabled, Etag: u.Etag()}}
	for _, k := range u.Kecamatan {
		d.Form.Kecamatan[k] = true
	}
	if d.Tokens, _, err = h.svc.ListTokens(ctx, username, ppks.MaxPageSize, ""); err != nil {
		return nil, err
	}
	if d.Sessions, err = h.svc.ListSessions(ctx, username); err != nil {
		return nil, err
	}
	if d.HasPassword, d.PasswordSet, err = h.svc.HasPassword(ctx, username); err != nil {
		return nil, err
	}
	for _, ro := range roles {
		d.Roles = append(d.Roles, option{Value: strconv.Itoa(int(ro)), Label: roleLabel(ro), Selected: ro == u.Role})
	}
	return d, nil
}

func (h *Handler) userPage(w http.ResponseWriter, r *http.Request) {
	d, err := h.userData(r, r.PathValue("u"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "user", "Pengguna "+d.User.Username, d)
}

func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("u")
	f := readUserForm(r)
	patch := ppks.User{Username: name, DisplayName: f.DisplayName, Role: f.Role, Kecamatan: f.codes(h.svc.Catalog), Disabled: f.Disabled}
	_, err := h.svc.UpdateUser(r.Context(), ppks.RequestKey{}, patch, []string{"display_name", "role", "kecamatan_codes", "disabled"}, f.Etag)
	if err != nil {
		d, derr := h.userData(r, name)
		if derr != nil {
			h.fail(w, r, derr)
			return
		}
		switch fe := fieldErrors(err); {
		case fe != nil:
			d.Form, d.Errors = f, fe
			d.Form.Username, d.Form.Etag = name, d.User.Etag()
		case ppks.KindOf(err) == ppks.KindAborted || ppks.KindOf(err) == ppks.KindFailedPrecondition:
			d.Errors = map[string]string{"form": localizedOf(err)}
		default:
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "user", "Pengguna "+name, d)
		return
	}
	msg := "Data pengguna disimpan."
	if f.Disabled {
		msg += " Pengguna nonaktif: sesi dan tokennya tidak lagi berlaku."
	}
	redirect(w, r, Prefix+"/pengguna/"+name, msg)
}

func (h *Handler) setPassword(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("u")
	err := h.svc.SetPassword(r.Context(), requestKey(r, "SetPassword"), name, r.PostFormValue("password"))
	if fe := fieldErrors(err); fe != nil {
		d, derr := h.userData(r, name)
		if derr != nil {
			h.fail(w, r, derr)
			return
		}
		d.Errors = map[string]string{"password": fe["password"]}
		h.render(w, r, http.StatusUnprocessableEntity, "user", "Pengguna "+name, d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/pengguna/"+name, "Kata sandi diatur; semua sesi web pengguna ini diakhiri. Sampaikan kata sandi secara langsung, jangan lewat pesan.")
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("u")
	var expire time.Time
	if days, ok := formInt(r, "days"); ok && days > 0 {
		expire = h.svc.Now().Add(time.Duration(days) * 24 * time.Hour)
	}
	_, secret, err := h.svc.CreateToken(r.Context(), requestKey(r, "CreateToken"), name, r.PostFormValue("description"), expire)
	if err != nil && fieldErrors(err) == nil {
		h.fail(w, r, err)
		return
	}
	d, derr := h.userData(r, name)
	if derr != nil {
		h.fail(w, r, derr)
		return
	}
	if err != nil {
		d.Errors = fieldErrors(err)
		h.render(w, r, http.StatusUnprocessableEntity, "user", "Pengguna "+name, d)
		return
	}
	// The secret is shown on this answer only (no redirect: it must not sit in a cookie).
	d.Secret = secret
	h.render(w, r, http.StatusOK, "user", "Pengguna "+name, d)
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("u")
	if _, err := h.svc.RevokeToken(r.Context(), ppks.RequestKey{}, name, r.PathValue("t")); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/pengguna/"+name, "Token dicabut dan tidak lagi berlaku.")
}

func (h *Handler) endSessions(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("u")
	n, err := h.svc.EndSessions(r.Context(), name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/pengguna/"+name, formatInt(int64(n))+" sesi diakhiri.")
}
