package ppks

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Free text (names, addresses, notes, reasons, descriptions) is kept as its writer typed
// it, in any script, with its combining marks and punctuation; what is refused is what
// hides or rewrites text for the next reader: control characters (NUL, ESC sequences of a
// terminal, C1 controls), bidirectional overrides and isolates (U+202E turns a name
// around on screen and in Excel), invisible formatting characters, line separators and
// noncharacters. Multi-line fields (notes, reasons) keep line breaks and tabs.

// textFault returns the first character of s that free text may not hold, and whether
// there is one; invalid UTF-8 is one.
func textFault(s string, multiline bool) (rune, bool) {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return r, true
			}
		}
		if !allowedRune(r, multiline) {
			return r, true
		}
	}
	return 0, false
}

// allowedRune reports whether free text may hold r.
func allowedRune(r rune, multiline bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return multiline
	case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r):
		return false
	case unicode.Is(unicode.Cf, r):
		// Formatting characters are invisible; a few carry meaning in their scripts.
		switch r {
		case '\u00AD', // soft hyphen
			'\u200C', '\u200D': // zero-width (non-)joiner: Persian, Indic scripts, emoji
			return true
		}
		return false
	case r&0xFFFE == 0xFFFE || (r >= 0xFDD0 && r <= 0xFDEF): // noncharacters
		return false
	}
	return true
}

// checkText checks a single-line free-text field: at most max characters, and no
// character textFault refuses.
func checkText(vs *violations, field, s string, max int) { checkTextOf(vs, field, s, max, false) }

// checkLongText is checkText for a multi-line field (notes, reasons).
func checkLongText(vs *violations, field, s string, max int) { checkTextOf(vs, field, s, max, true) }

func checkTextOf(vs *violations, field, s string, max int, multiline bool) {
	if n := utf8.RuneCountInString(s); n > max {
		vs.add(field, "TOO_LONG", "at most "+strconv.Itoa(max)+" characters", "Paling banyak "+strconv.Itoa(max)+" karakter.")
	}
	if r, bad := textFault(s, multiline); bad {
		vs.add(field, "INVALID_CHARACTER",
			"must not contain control, invisible or text-direction characters (found "+strconv.QuoteRuneToASCII(r)+")",
			"Tidak boleh berisi karakter kendali, karakter tak terlihat, atau pengubah arah teks ("+strconv.QuoteRuneToASCII(r)+").")
	}
}

// cleanLongText trims a multi-line field and writes its line breaks as "\n" (a browser
// sends a textarea's as "\r\n").
func cleanLongText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
