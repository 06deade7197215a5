package ppks

// Warning points at something odd in a record that is still accepted: a NIK whose
// embedded birth date or sex disagrees with the record, say. Real NIKs carry such
// disagreements, so they are shown for checking, never refused.
type Warning struct {
	Field     string
	Reason    string
	Message   string // English
	Localized string // Bahasa Indonesia
}

// Warnings compares the birth date and sex encoded in the NIK with the record's. The
// messages carry no digits of the NIK: they reach roles that see it masked.
func (b *Beneficiary) Warnings() []Warning {
	if b.NIK == "" {
		return nil
	}
	n, err := ParseNIK(b.NIK)
	if err != nil {
		return nil // a masked NIK, or one stored before a stricter rule: nothing to compare
	}
	var out []Warning
	d := b.BirthDate
	mismatch := (d.Year > 0 && d.Year%100 != n.BirthYY) ||
		(d.Month > 0 && d.Month != n.BirthMonth) ||
		(d.Day > 0 && d.Day != n.BirthDay)
	if mismatch {
		out = append(out, Warning{Field: "birth_date", Reason: "NIK_BIRTH_DATE_MISMATCH",
			Message:   "the birth date encoded in the NIK differs from the recorded birth date",
			Localized: "Tanggal lahir pada NIK berbeda dengan tanggal lahir yang tercatat; periksa kembali."})
	}
	if b.Sex != SexUnspecified && n.Female != (b.Sex == SexFemale) {
		out = append(out, Warning{Field: "sex", Reason: "NIK_SEX_MISMATCH",
			Message:   "the sex encoded in the NIK differs from the recorded sex",
			Localized: "Jenis kelamin pada NIK berbeda dengan yang tercatat; periksa kembali."})
	}
	return out
}

// checkKK checks a Nomor Kartu Keluarga: 16 digits, a region code like a NIK's, and a
// serial that is not 0000.
func checkKK(s string) error {
	const field = "kk_number"
	if len(s) != 16 {
		return invalid(field, "KK_LENGTH", "a KK number has exactly 16 digits", "Nomor KK harus terdiri dari tepat 16 angka.")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return invalid(field, "KK_NOT_DIGITS", "a KK number has digits only", "Nomor KK hanya boleh berisi angka.")
		}
	}
	if s[0:2] < "11" || s[2:4] == "00" || s[4:6] == "00" {
		return invalid(field, "KK_REGION", "the KK region code is not valid", "Kode wilayah pada nomor KK tidak valid.")
	}
	if s[12:] == "0000" {
		return invalid(field, "KK_SERIAL", "the KK serial cannot be 0000", "Nomor urut KK tidak boleh 0000.")
	}
	return nil
}
