package ppks

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFreeText(t *testing.T) {
	for _, tt := range []struct {
		name      string
		s         string
		multiline bool
		ok        bool
	}{
		{"Latin", "Siti Aminah", false, true},
		{"titles and punctuation", "Hj. St. Nurhayati Dg. Ngai, S.Pd. (alm.) – \"Ibu\"", false, true},
		{"accents", "Bénédicte Nguyễn", false, true},
		{"combining marks", "Nguye\u0302\u0303n A\u0301", false, true},
		{"Lontara (Buginese)", "ᨅᨔ ᨕᨘᨁᨗ", false, true},
		{"Arabic", "محمد عبد الله", false, true},
		{"Devanagari with ZWJ/ZWNJ", "क्\u200Dष र\u200Cम", false, true},
		{"emoji with ZWJ", "👩\u200D👧", false, true},
		{"soft hyphen", "Bonto\u00ADnompo", false, true},
		{"note with lines and a tab", "baris satu\nbaris dua\tkolom", true, true},
		{"NUL", "Siti\x00Aminah", false, false},
		{"ESC sequence", "Siti \x1b[31mMerah", false, false},
		{"DEL", "Siti\x7f", false, false},
		{"C1 control", "Siti\u0085Aminah", false, false},
		{"right-to-left override", "Siti \u202Eanimaj", false, false},
		{"left-to-right isolate", "Siti \u2066x\u2069", false, false},
		{"Arabic letter mark", "x\u061Cy", false, false},
		{"LRM", "x\u200Ey", false, false},
		{"zero-width space", "Si\u200Bti", false, false},
		{"byte order mark", "\uFEFFSiti", false, false},
		{"line separator", "a\u2028b", true, false},
		{"newline in a name", "Siti\nAminah", false, false},
		{"noncharacter", "a\uFFFEb", false, false},
		{"invalid UTF-8", "Siti\xffAminah", false, false},
		{"tag character", "a\U000E0041b", false, false},
	} {
		_, bad := textFault(tt.s, tt.multiline)
		if bad == tt.ok {
			t.Errorf("%s: textFault(%q) = %v, want accepted %v", tt.name, tt.s, bad, tt.ok)
		}
	}
	var vs violations
	checkText(&vs, "f", strings.Repeat("é", 200), 200)
	if vs.err() != nil {
		t.Errorf("200 two-byte characters refused at a limit of 200 characters: %v", vs.err())
	}
	checkText(&vs, "f", strings.Repeat("é", 201), 200)
	if vs.err() == nil {
		t.Error("201 characters accepted at a limit of 200")
	}
}

// FuzzFreeText: whatever textFault accepts holds only characters a reader sees as they
// are: valid UTF-8, no control character (but a line break or tab in multi-line text),
// no text-direction or invisible formatting character.
func FuzzFreeText(f *testing.F) {
	for _, s := range []string{"Siti Aminah", "a\x00b", "\u202Eabc", "x\u2066y\u2069", "ᨅᨔ", "a\nb", "a\r\nb", "\xff", "%_\\"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		if _, bad := textFault(s, multiline); bad {
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("accepted invalid UTF-8 %q", s)
		}
		for _, r := range s {
			switch {
			case (r == '\n' || r == '\t') && multiline:
			case unicode.IsControl(r):
				t.Fatalf("accepted control %U in %q (multiline %v)", r, s, multiline)
			case unicode.Is(unicode.Bidi_Control, r):
				t.Fatalf("accepted text-direction control %U in %q", r, s)
			case unicode.Is(unicode.Cf, r) && r != '\u00AD' && r != '\u200C' && r != '\u200D':
				t.Fatalf("accepted formatting character %U in %q", r, s)
			}
		}
		// What cleanLongText makes of accepted text is accepted too.
		if _, bad := textFault(cleanLongText(s), multiline); bad {
			t.Fatalf("cleanLongText(%q) is refused", s)
		}
	})
}
