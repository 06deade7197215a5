package ppks

import "strings"

// NIK is the parsed content of a Nomor Induk Kependudukan:
// province(2) kabupaten(2) kecamatan(2) DDMMYY(6, day + 40 for women) serial(4).
type NIK struct {
	Region     string // "PP.KK.CC", where the NIK was first issued
	BirthDay   int    // 1..31
	BirthMonth int    // 1..12
	BirthYY    int    // two-digit year, century unknown
	Female     bool
	Serial     string
}

// ParseNIK checks the structure of a NIK strictly and returns its parts. The embedded
// birth date is checked only loosely (day 1..31, month 1..12): real NIKs carry dates that
// disagree with the true birth date, and that is reported elsewhere as a warning.
func ParseNIK(s string) (NIK, error) {
	const field = "nik"
	if len(s) != 16 {
		return NIK{}, invalid(field, "NIK_LENGTH", "NIK must have exactly 16 digits", "NIK harus terdiri dari tepat 16 angka.")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return NIK{}, invalid(field, "NIK_NOT_DIGITS", "NIK must contain digits only", "NIK hanya boleh berisi angka.")
		}
	}
	num := func(i, j int) int {
		n := 0
		for _, c := range s[i:j] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	if num(0, 2) < 11 || num(2, 4) == 0 || num(4, 6) == 0 {
		return NIK{}, invalid(field, "NIK_REGION", "NIK region code is not valid", "Kode wilayah pada NIK tidak valid.")
	}
	day, month := num(6, 8), num(8, 10)
	female := day > 40
	if female {
		day -= 40
	}
	if day < 1 || day > 31 || month < 1 || month > 12 {
		return NIK{}, invalid(field, "NIK_BIRTH_DATE", "NIK birth date part is not a date", "Bagian tanggal lahir pada NIK tidak valid.")
	}
	if s[12:] == "0000" {
		return NIK{}, invalid(field, "NIK_SERIAL", "NIK serial number cannot be 0000", "Nomor urut NIK tidak boleh 0000.")
	}
	return NIK{
		Region:     s[0:2] + "." + s[2:4] + "." + s[4:6],
		BirthDay:   day,
		BirthMonth: month,
		BirthYY:    num(10, 12),
		Female:     female,
		Serial:     s[12:],
	}, nil
}

// MaskNIK hides the middle of a NIK, keeping the first 6 and last 4 digits.
func MaskNIK(s string) string {
	if len(s) != 16 {
		return strings.Repeat("*", len(s))
	}
	return s[:6] + "******" + s[12:]
}
