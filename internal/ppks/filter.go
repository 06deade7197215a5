package ppks

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Condition is one comparison of a filter: `field = value`, `field : value` (has), or an
// ordering (`<`, `<=`, `>`, `>=`) where a field allows one.
type Condition struct {
	Field string
	Op    string // "=", ":", "<", "<=", ">" or ">="
	Value string
}

// maxFilterLen bounds filters: real ones are a few conditions long.
const maxFilterLen = 1000

// ParseFilter parses the small AIP-160 subset the list methods accept: conditions joined
// by AND, each `field OP value`, values quoted ("...") or bare words.
// It never builds SQL: callers turn conditions into typed filters.
func ParseFilter(s string) ([]Condition, error) {
	bad := func(msg string) error {
		return invalid("filter", "INVALID_FILTER", "filter: "+msg, "Filter tidak valid: "+msg+".")
	}
	if len(s) > maxFilterLen {
		return nil, bad("too long")
	}
	var conds []Condition
	rest := strings.TrimSpace(s)
	for rest != "" {
		if len(conds) > 0 {
			word, after := nextWord(rest)
			if word != "AND" {
				return nil, bad("expected AND between conditions")
			}
			rest = strings.TrimSpace(after)
		}
		field, after := nextIdent(rest)
		if field == "" {
			return nil, bad("expected a field name")
		}
		rest = strings.TrimSpace(after)
		op := ""
		for _, o := range []string{">=", "<=", "=", ":", ">", "<"} {
			if strings.HasPrefix(rest, o) {
				op = o
				break
			}
		}
		if op == "" {
			return nil, bad("expected an operator (=, :, <, <=, >, >=) after " + field)
		}
		rest = strings.TrimSpace(rest[len(op):])
		value, after, err := nextValue(rest)
		if err != nil {
			return nil, bad(err.Error())
		}
		if _, bad := textFault(value, false); bad {
			return nil, invalid("filter", "INVALID_CHARACTER", "filter: a value holds a control, invisible or text-direction character",
				"Filter tidak valid: nilai berisi karakter kendali, karakter tak terlihat, atau pengubah arah teks.")
		}
		rest = strings.TrimSpace(after)
		conds = append(conds, Condition{Field: field, Op: op, Value: value})
	}
	return conds, nil
}

func nextWord(s string) (string, string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

func nextIdent(s string) (string, string) {
	i := 0
	for i < len(s) && (s[i] == '_' || s[i] == '.' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (i > 0 && s[i] >= '0' && s[i] <= '9')) {
		i++
	}
	return s[:i], s[i:]
}

type filterError string

func (e filterError) Error() string { return string(e) }

func nextValue(s string) (string, string, error) {
	if s == "" {
		return "", "", filterError("expected a value")
	}
	if s[0] == '"' {
		// A Go-style quoted string, so that \" and \\ work as users expect.
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return "", "", filterError("unterminated or malformed quoted value")
		}
		v, err := strconv.Unquote(q)
		if err != nil {
			return "", "", filterError("malformed quoted value")
		}
		return v, s[len(q):], nil
	}
	// Walk runes, not bytes: a byte of a multi-byte character (0xA0 in "à") must not be
	// taken for a space on its own.
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) || r == '"' || r == '=' || r == ':' || r == '<' || r == '>' {
			break
		}
		i += size
	}
	if i == 0 {
		return "", "", filterError("expected a value")
	}
	return s[:i], s[i:], nil
}

// filterFields turns conditions into a map of field to value, refusing unknown fields,
// operators other than the one each field allows, and repeated fields.
func filterFields(conds []Condition, allowed map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for _, c := range conds {
		op, ok := allowed[c.Field]
		if !ok {
			return nil, invalid("filter", "UNKNOWN_FILTER_FIELD", "filter: cannot filter on "+c.Field, "Filter tidak valid: tidak dapat menyaring berdasarkan "+c.Field+".")
		}
		if op != c.Op {
			return nil, invalid("filter", "INVALID_FILTER", "filter: "+c.Field+" takes "+op, "Filter tidak valid: "+c.Field+" memakai operator "+op+".")
		}
		if _, dup := out[c.Field]; dup {
			return nil, invalid("filter", "INVALID_FILTER", "filter: "+c.Field+" given twice", "Filter tidak valid: "+c.Field+" disebut dua kali.")
		}
		out[c.Field] = c.Value
	}
	return out, nil
}
