package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/opendinsos/ppks/internal/ppks"
)

// Forms that create records carry a request id made when the form was shown, so that a
// form sent twice (a double click, a resend after a lost answer) creates one record: the
// second send is answered from the first (AIP-155), as the API's retries are.

func newRequestID() string { return uuid.Must(uuid.NewV7()).String() }

// requestKey is the idempotency key of a form: its request id and a fingerprint of its
// values, so that the same id with other values is refused.
func requestKey(r *http.Request, method string) ppks.RequestKey {
	var keys []string
	for k := range r.PostForm {
		if k != "csrf" && k != "rid" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k))
		for _, v := range r.PostForm[k] {
			h.Write([]byte{0})
			h.Write([]byte(v))
		}
		h.Write([]byte{1})
	}
	return ppks.RequestKey{ID: r.PostFormValue("rid"), Method: "web." + method, Fingerprint: hex.EncodeToString(h.Sum(nil))}
}

// formInt reads a whole number field; ok is false for text that is not one.
func formInt(r *http.Request, name string) (int, bool) {
	s := strings.TrimSpace(r.PostFormValue(name))
	if s == "" {
		return 0, true
	}
	s = strings.ReplaceAll(s, ".", "") // "1.000" as Indonesians write a thousand
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// personForm is the values of the person form, as typed.
type personForm struct {
	RID, NIK, FullName, Sex, BirthDate, BirthYear, Kecamatan, Desa, Address, KK, Etag string
	MaskedNIK                                                                         string // the stored NIK as the user may see it, when masked
	Confirm                                                                           bool   // register despite likely duplicates
}

func personFormOf(b *ppks.Beneficiary, seesFullNIK bool) personForm {
	f := personForm{FullName: b.FullName, Kecamatan: b.KecamatanCode, Desa: b.Desa, Address: b.Address, KK: b.KK, Etag: b.Etag()}
	if seesFullNIK {
		f.NIK = b.NIK
	} else {
		f.MaskedNIK = b.NIK
	}
	switch b.Sex {
	case ppks.SexMale:
		f.Sex = "L"
	case ppks.SexFemale:
		f.Sex = "P"
	}
	if b.BirthDate.Complete() {
		f.BirthDate = b.BirthDate.String()
	} else if b.BirthDate.Year > 0 {
		f.BirthYear = strconv.Itoa(b.BirthDate.Year)
	}
	return f
}

func readPersonForm(r *http.Request) personForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return personForm{RID: v("rid"), NIK: strings.ReplaceAll(v("nik"), " ", ""), FullName: v("full_name"), Sex: v("sex"),
		BirthDate: v("birth_date"), BirthYear: v("birth_year"), Kecamatan: v("kecamatan_code"), Desa: v("desa"),
		Address: v("address"), KK: strings.ReplaceAll(v("kk_number"), " ", ""), Etag: v("etag"), Confirm: v("yakin") == "1"}
}

// person turns the form into a person; errs holds what the form itself cannot read.
func (f personForm) person() (ppks.Beneficiary, map[string]string) {
	errs := map[string]string{}
	b := ppks.Beneficiary{NIK: f.NIK, FullName: f.FullName, KecamatanCode: f.Kecamatan, Desa: f.Desa, Address: f.Address, KK: f.KK}
	switch f.Sex {
	case "L":
		b.Sex = ppks.SexMale
	case "P":
		b.Sex = ppks.SexFemale
	}
	if d, ok := parseISODate(f.BirthDate); !ok {
		errs["birth_date"] = "Tanggal tidak valid."
	} else {
		b.BirthDate = d
	}
	if b.BirthDate.IsZero() && f.BirthYear != "" {
		y, err := strconv.Atoi(f.BirthYear)
		if err != nil {
			errs["birth_date"] = "Tahun lahir tidak valid."
		}
		b.BirthDate = ppks.Date{Year: y}
	}
	return b, errs
}

// interventionForm is the values of the intervention form, as typed.
type interventionForm struct {
	RID, Type, DeliveredOn, Quantity, Unit, Notes, Kecamatan, Etag string
}

func interventionFormOf(iv *ppks.Intervention) interventionForm {
	return interventionForm{Type: iv.InterventionType, DeliveredOn: isoDate(iv.DeliveredOn), Quantity: strconv.Itoa(iv.Quantity),
		Unit: iv.Unit, Notes: iv.Notes, Kecamatan: iv.KecamatanCode, Etag: iv.Etag()}
}

func readInterventionForm(r *http.Request) interventionForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return interventionForm{RID: v("rid"), Type: v("intervention_type"), DeliveredOn: v("delivered_on"), Quantity: v("quantity"),
		Unit: v("unit"), Notes: v("notes"), Kecamatan: v("kecamatan_code"), Etag: v("etag")}
}

func (f interventionForm) intervention(r *http.Request) (ppks.Intervention, map[string]string) {
	errs := map[string]string{}
	iv := ppks.Intervention{InterventionType: f.Type, Unit: f.Unit, Notes: f.Notes, KecamatanCode: f.Kecamatan}
	if d, ok := parseISODate(f.DeliveredOn); !ok || (!d.IsZero() && !d.Complete()) {
		errs["delivered_on"] = "Tanggal tidak valid."
	} else {
		iv.DeliveredOn = d
	}
	if n, ok := formInt(r, "quantity"); !ok {
		errs["quantity"] = "Harus berupa bilangan bulat."
	} else {
		iv.Quantity = n
	}
	return iv, errs
}

// merge adds the domain's field errors to the form's own.
func mergeErrors(form map[string]string, err error) map[string]string {
	out := map[string]string{}
	for k, v := range form {
		out[k] = v
	}
	for k, v := range fieldErrors(err) {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}
