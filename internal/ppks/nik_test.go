package ppks

import (
	"errors"
	"strings"
	"testing"
)

// wantViolation fails unless err is an invalid-argument *Error whose only violation is
// reason on field.
func wantViolation(t *testing.T, err error, field, reason string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *ppks.Error", err, err)
	}
	if e.Kind != KindInvalid {
		t.Errorf("kind = %d, want KindInvalid", e.Kind)
	}
	if len(e.Violations) != 1 || e.Violations[0].Field != field || e.Violations[0].Reason != reason {
		t.Errorf("violations = %+v, want one %s on %s", e.Violations, reason, field)
	}
	for _, v := range e.Violations {
		if v.Message == "" || v.Localized == "" {
			t.Errorf("violation %+v lacks a message in English or Indonesian", v)
		}
	}
}

func TestParseNIK(t *testing.T) {
	tests := []struct {
		nik  string
		want NIK
	}{
		{"7306084512850001", NIK{Region: "73.06.08", BirthDay: 5, BirthMonth: 12, BirthYY: 85, Female: true, Serial: "0001"}},
		{"7306080512850001", NIK{Region: "73.06.08", BirthDay: 5, BirthMonth: 12, BirthYY: 85, Female: false, Serial: "0001"}},
		{"7306084101000002", NIK{Region: "73.06.08", BirthDay: 1, BirthMonth: 1, BirthYY: 0, Female: true, Serial: "0002"}},
		{"1101017112990123", NIK{Region: "11.01.01", BirthDay: 31, BirthMonth: 12, BirthYY: 99, Female: true, Serial: "0123"}},
		{"9471023101459999", NIK{Region: "94.71.02", BirthDay: 31, BirthMonth: 1, BirthYY: 45, Female: false, Serial: "9999"}},
		// Loose date check: 31 February passes, the mismatch is reported elsewhere.
		{"7306083102700010", NIK{Region: "73.06.08", BirthDay: 31, BirthMonth: 2, BirthYY: 70, Female: false, Serial: "0010"}},
	}
	for _, tc := range tests {
		got, err := ParseNIK(tc.nik)
		if err != nil {
			t.Errorf("ParseNIK(%s): %v", tc.nik, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseNIK(%s) = %+v, want %+v", tc.nik, got, tc.want)
		}
	}
}

func TestParseNIKInvalid(t *testing.T) {
	tests := []struct {
		name, nik, reason string
	}{
		{"empty", "", "NIK_LENGTH"},
		{"15 digits", "730608451285001", "NIK_LENGTH"},
		{"17 digits", "73060845128500012", "NIK_LENGTH"},
		{"grouped with spaces", "7306 0845 1285 0001", "NIK_LENGTH"},
		{"non-ASCII digit", "730608451285000\u0661", "NIK_LENGTH"}, // 17 bytes
		{"letter", "73060845128500A1", "NIK_NOT_DIGITS"},
		{"letter O for zero", "73O6084512850001", "NIK_NOT_DIGITS"},
		{"space inside", "730608451285 001", "NIK_NOT_DIGITS"},
		{"leading space", " 730608451285001", "NIK_NOT_DIGITS"},
		{"minus sign", "-730608451285001", "NIK_NOT_DIGITS"},
		{"province 00", "0006084512850001", "NIK_REGION"},
		{"province 10", "1006084512850001", "NIK_REGION"},
		{"kabupaten 00", "7300084512850001", "NIK_REGION"},
		{"kecamatan 00", "7306004512850001", "NIK_REGION"},
		{"day 00", "7306080012850001", "NIK_BIRTH_DATE"},
		{"day 32", "7306083212850001", "NIK_BIRTH_DATE"},
		{"day 40", "7306084012850001", "NIK_BIRTH_DATE"},
		{"day 72 (female 32)", "7306087212850001", "NIK_BIRTH_DATE"},
		{"day 99", "7306089912850001", "NIK_BIRTH_DATE"},
		{"month 00", "7306080500850001", "NIK_BIRTH_DATE"},
		{"month 13", "7306080513850001", "NIK_BIRTH_DATE"},
		{"serial 0000", "7306084512850000", "NIK_SERIAL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseNIK(tc.nik)
			if err == nil {
				t.Fatalf("ParseNIK(%q) succeeded", tc.nik)
			}
			wantViolation(t, err, "nik", tc.reason)
		})
	}
}

func TestMaskNIK(t *testing.T) {
	tests := []struct{ in, want string }{
		{"7306084512850001", "730608******0001"},
		{"1101017112990123", "110101******0123"},
		{"", ""},
		{"12345", "*****"}, // not a NIK: nothing shown
		{"73060845128500012", strings.Repeat("*", 17)},
	}
	for _, tc := range tests {
		if got := MaskNIK(tc.in); got != tc.want {
			t.Errorf("MaskNIK(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzParseNIK(f *testing.F) {
	for _, s := range []string{"7306084512850001", "7306080512850001", "7306087212850001", "7306084512850000", "", "730608451285000\u0661", "0000000000000000"} {
		f.Add(s)
	}
	reasons := map[string]bool{"NIK_LENGTH": true, "NIK_NOT_DIGITS": true, "NIK_REGION": true, "NIK_BIRTH_DATE": true, "NIK_SERIAL": true}
	f.Fuzz(func(t *testing.T, s string) {
		masked := MaskNIK(s)
		if len(masked) != len(s) {
			t.Fatalf("MaskNIK(%q) = %q changes the length", s, masked)
		}
		n, err := ParseNIK(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindInvalid || len(e.Violations) != 1 || e.Violations[0].Field != "nik" || !reasons[e.Violations[0].Reason] {
				t.Fatalf("ParseNIK(%q): unexpected error %#v", s, err)
			}
			return
		}
		if len(s) != 16 || strings.Trim(s, "0123456789") != "" {
			t.Fatalf("ParseNIK(%q) accepted a string that is not 16 digits", s)
		}
		if n.Region != s[0:2]+"."+s[2:4]+"."+s[4:6] || n.Serial != s[12:] || n.Serial == "0000" {
			t.Fatalf("ParseNIK(%q) = %+v: region or serial wrong", s, n)
		}
		if n.BirthDay < 1 || n.BirthDay > 31 || n.BirthMonth < 1 || n.BirthMonth > 12 || n.BirthYY < 0 || n.BirthYY > 99 {
			t.Fatalf("ParseNIK(%q) = %+v: birth date out of range", s, n)
		}
		if n.Female != (s[6] >= '4') {
			t.Fatalf("ParseNIK(%q) = %+v: sex does not follow the day", s, n)
		}
		if masked[:6] != s[:6] || masked[12:] != s[12:] || masked[6:12] != "******" {
			t.Fatalf("MaskNIK(%q) = %q", s, masked)
		}
	})
}
