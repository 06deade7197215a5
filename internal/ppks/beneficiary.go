package ppks

import (
	"strings"
	"time"
	"unicode"
)

// Sex as recorded on the identity card.
type Sex int

// Sexes.
const (
	SexUnspecified Sex = iota
	SexMale
	SexFemale
)

// Beneficiary is a person served by the office (penerima manfaat).
type Beneficiary struct {
	ID            string
	NIK           string // empty when the person has none (yet)
	FullName      string
	Sex           Sex
	BirthDate     Date // may be partial (year only) or zero
	KecamatanCode string
	Desa          string
	Address       string
	CreateTime    time.Time
	UpdateTime    time.Time
	Revision      int64  // incremented on every change; the etag is derived from it
	KK            string // Nomor Kartu Keluarga (family card), empty when unknown
	MergedInto    string // id of the record this one was merged into; empty for live records
}

// Name returns the resource name.
func (b *Beneficiary) Name() string { return "beneficiaries/" + b.ID }

// Etag returns the entity tag of the current revision.
func (b *Beneficiary) Etag() string { return etag(b.Revision) }

// Updatable fields of a beneficiary, as update_mask paths.
var beneficiaryFields = []string{"nik", "full_name", "sex", "birth_date", "kecamatan_code", "desa", "address", "kk_number"}

// Text limits, generous for real names and addresses, small enough to keep rows sane.
const (
	maxNameLen    = 200
	maxDesaLen    = 100
	maxAddressLen = 500
	maxNoteLen    = 2000
	maxReasonLen  = 500
	maxUnitLen    = 50
)

// NormalizeName folds a name for searching: lower case, single spaces, no punctuation.
func NormalizeName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// normalize trims the free-text fields.
func (b *Beneficiary) normalize() {
	b.NIK = strings.TrimSpace(b.NIK)
	b.KK = strings.TrimSpace(b.KK)
	b.FullName = strings.Join(strings.Fields(b.FullName), " ")
	b.KecamatanCode = strings.TrimSpace(b.KecamatanCode)
	b.Desa = strings.TrimSpace(b.Desa)
	b.Address = strings.TrimSpace(b.Address)
}

// validate checks every field and collects all violations, paths prefixed by prefix.
func (b *Beneficiary) validate(c *Catalog, today Date, prefix string) error {
	var vs violations
	if b.NIK != "" {
		if _, err := ParseNIK(b.NIK); err != nil {
			if err := vs.merge(withPrefix(err, prefix)); err != nil {
				return err
			}
		}
	}
	switch {
	case b.FullName == "":
		vs.required(prefix + "full_name")
	case NormalizeName(b.FullName) == "":
		vs.add(prefix+"full_name", "NO_LETTERS", "a name needs letters", "Nama harus berisi huruf.")
	default:
		checkText(&vs, prefix+"full_name", b.FullName, maxNameLen)
	}
	if b.Sex != SexMale && b.Sex != SexFemale {
		vs.required(prefix + "sex")
	}
	if !b.BirthDate.IsZero() {
		switch {
		case !b.BirthDate.Valid() || b.BirthDate.Year < 1900:
			vs.add(prefix+"birth_date", "INVALID_DATE", "not a valid date", "Tanggal tidak valid.")
		case b.BirthDate.After(today):
			vs.add(prefix+"birth_date", "FUTURE_DATE", "cannot be in the future", "Tidak boleh tanggal yang akan datang.")
		}
	}
	if b.KecamatanCode == "" {
		vs.required(prefix + "kecamatan_code")
	} else if _, ok := c.KecamatanByCode(b.KecamatanCode); !ok {
		vs.add(prefix+"kecamatan_code", "UNKNOWN_KECAMATAN", "not a kecamatan of this region", "Kecamatan tidak dikenal di wilayah ini.")
	}
	if b.KK != "" {
		if err := vs.merge(withPrefix(checkKK(b.KK), prefix)); err != nil {
			return err
		}
	}
	checkText(&vs, prefix+"desa", b.Desa, maxDesaLen)
	checkText(&vs, prefix+"address", b.Address, maxAddressLen)
	return vs.err()
}
