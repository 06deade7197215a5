package ppks

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseFilter(t *testing.T) {
	tests := []struct {
		in   string
		want []Condition
	}{
		{"", nil},
		{"  \t\n", nil},
		{"state = OPEN", []Condition{{"state", "=", "OPEN"}}},
		{"state=OPEN", []Condition{{"state", "=", "OPEN"}}},
		{"kecamatan_code = 73.06.08", []Condition{{"kecamatan_code", "=", "73.06.08"}}},
		{"state = OPEN AND ppks_type = LANSIA_TELANTAR", []Condition{{"state", "=", "OPEN"}, {"ppks_type", "=", "LANSIA_TELANTAR"}}},
		{"state=OPEN\tAND\nppks_type=LANSIA_TELANTAR AND year = 2024", []Condition{{"state", "=", "OPEN"}, {"ppks_type", "=", "LANSIA_TELANTAR"}, {"year", "=", "2024"}}},
		{`full_name : "Daeng Nai"`, []Condition{{"full_name", ":", "Daeng Nai"}}},
		{`full_name:"Daeng \"Nai\" \\ Bau"`, []Condition{{"full_name", ":", `Daeng "Nai" \ Bau`}}},
		{`full_name : "a AND b = c"`, []Condition{{"full_name", ":", "a AND b = c"}}},
		{`nik = "7306084512850001" AND full_name : Sitti`, []Condition{{"nik", "=", "7306084512850001"}, {"full_name", ":", "Sitti"}}},
		{"person.kecamatan_code = 73.06.01", []Condition{{"person.kecamatan_code", "=", "73.06.01"}}},
		// Bare values with characters outside ASCII, some of whose UTF-8 bytes are 0xA0
		// or 0x85 (no-break space and next-line as Latin-1).
		{"full_name : Sàlim", []Condition{{"full_name", ":", "Sàlim"}}},
		{"full_name:Šarif AND state = OPEN", []Condition{{"full_name", ":", "Šarif"}, {"state", "=", "OPEN"}}},
	}
	for _, tc := range tests {
		got, err := ParseFilter(tc.in)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseFilter(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got, err := ParseFilter("x = " + strings.Repeat("a", maxFilterLen-4)); err != nil || len(got) != 1 {
		t.Errorf("filter of exactly %d bytes: %v, %v", maxFilterLen, got, err)
	}
}

func TestParseFilterInvalid(t *testing.T) {
	tests := []struct{ name, in string }{
		{"unterminated quote", `full_name : "Daeng`},
		{"unterminated quote after escape", `full_name : "Daeng\"`},
		{"bad escape", `full_name : "Daeng\q"`},
		{"missing value", "state ="},
		{"missing value, spaces after", "state =   "},
		{"missing value, quote expected", "state = :"},
		{"op twice", "state == OPEN"},
		{"missing op", "state OPEN"},
		{"missing field", "= OPEN"},
		{"field starting with a digit", "1state = OPEN"},
		{"value only", "OPEN"},
		{"OR instead of AND", "state = OPEN OR state = CLOSED"},
		{"lower-case and", "state = OPEN and ppks_type = ODHA"},
		{"no AND", "state = OPEN ppks_type = ODHA"},
		{"trailing AND", "state = OPEN AND"},
		{"leading AND", "AND state = OPEN"},
		{"NOT", "NOT state = OPEN"},
		{"parentheses", "(state = OPEN)"},
		{"unknown operator", "year != 2023"},
		{"value glued to quote", `full_name : Daeng"Nai"`},
		// A real no-break space separates like any space, so what follows must be AND.
		{"no-break space inside a bare value", "full_name : Daeng\u00a0Nai"},
		{"too long", "x = " + strings.Repeat("a", maxFilterLen-3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseFilter(tc.in)
			if err == nil {
				t.Fatalf("ParseFilter(%q) = %q, want an error", tc.in, got)
			}
			wantViolation(t, err, "filter", "INVALID_FILTER")
		})
	}
}

func TestParseBeneficiaryFilter(t *testing.T) {
	got, err := ParseBeneficiaryFilter(`kecamatan_code = 73.06.08 AND full_name : "  Sitti  Aminah! " AND nik = 7306084512850001 AND ppks_type = LANSIA_TELANTAR`)
	if err != nil {
		t.Fatal(err)
	}
	want := BeneficiaryFilter{KecamatanCode: "73.06.08", NameContains: "sitti aminah", NIK: "7306084512850001", PpksType: "LANSIA_TELANTAR"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got, err := ParseBeneficiaryFilter(""); err != nil || !reflect.DeepEqual(got, BeneficiaryFilter{}) {
		t.Errorf("empty filter: %+v, %v", got, err)
	}
}

func TestParseCaseFilter(t *testing.T) {
	tests := []struct {
		in   string
		want CaseFilter
	}{
		{"", CaseFilter{}},
		{"state = OPEN", CaseFilter{State: CaseOpen}},
		{"state = CASE_STATE_CLOSED AND ppks_type = ODHA AND kecamatan_code = 73.06.01", CaseFilter{State: CaseClosed, PpksType: "ODHA", KecamatanCode: "73.06.01"}},
	}
	for _, tc := range tests {
		got, err := ParseCaseFilter(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseCaseFilter(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseInterventionFilter(t *testing.T) {
	tests := []struct {
		in   string
		want InterventionFilter
	}{
		{"", InterventionFilter{}},
		{"year = 2024", InterventionFilter{Year: 2024}},
		{"year = 2000", InterventionFilter{Year: 2000}},
		{"state = VOIDED AND intervention_type = PERMAKANAN", InterventionFilter{State: InterventionVoided, InterventionType: "PERMAKANAN"}},
		{`state = "INTERVENTION_STATE_ACTIVE" AND kecamatan_code = 73.06.08`, InterventionFilter{State: InterventionActive, KecamatanCode: "73.06.08"}},
	}
	for _, tc := range tests {
		got, err := ParseInterventionFilter(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseInterventionFilter(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestTypedFilterInvalid(t *testing.T) {
	parsers := map[string]func(string) error{
		"beneficiary": func(s string) error { _, err := ParseBeneficiaryFilter(s); return err },
		"case":        func(s string) error { _, err := ParseCaseFilter(s); return err },
		"intervention": func(s string) error {
			_, err := ParseInterventionFilter(s)
			return err
		},
	}
	tests := []struct {
		parser, name, in, reason string
	}{
		{"beneficiary", "syntax error", "full_name :", "INVALID_FILTER"},
		{"beneficiary", "unknown field", "address : Sungguminasa", "UNKNOWN_FILTER_FIELD"},
		{"beneficiary", "field of another resource", "state = OPEN", "UNKNOWN_FILTER_FIELD"},
		{"beneficiary", "field names are case-sensitive", "NIK = 7306084512850001", "UNKNOWN_FILTER_FIELD"},
		{"beneficiary", "= where : is allowed", "full_name = Sitti", "INVALID_FILTER"},
		{"beneficiary", ": where = is allowed", "nik : 7306", "INVALID_FILTER"},
		{"beneficiary", "duplicate field", "kecamatan_code = 73.06.01 AND kecamatan_code = 73.06.02", "INVALID_FILTER"},
		{"case", "unknown field", "outcome = GRADUATED", "UNKNOWN_FILTER_FIELD"},
		{"case", "wrong op", "state : OPEN", "INVALID_FILTER"},
		{"case", "duplicate field", "state = OPEN AND state = CLOSED", "INVALID_FILTER"},
		{"case", "bad state", "state = SHUT", "INVALID_FILTER"},
		{"case", "state of interventions", "state = VOIDED", "INVALID_FILTER"},
		{"case", "lower-case state", "state = open", "INVALID_FILTER"},
		{"intervention", "unknown field", "worker = budi", "UNKNOWN_FILTER_FIELD"},
		{"intervention", "wrong op", "year : 2024", "INVALID_FILTER"},
		{"intervention", "ordering where = is allowed", "year > 2023", "INVALID_FILTER"},
		{"intervention", "duplicate field", "year = 2024 AND year = 2024", "INVALID_FILTER"},
		{"intervention", "year not a number", "year = 20x4", "INVALID_FILTER"},
		{"intervention", "year before 2000", "year = 1999", "INVALID_FILTER"},
		{"intervention", "year too large", "year = 10000", "INVALID_FILTER"},
		{"intervention", "negative year", "year = -2024", "INVALID_FILTER"},
		{"intervention", "bad state", "state = OPEN", "INVALID_FILTER"},
	}
	for _, tc := range tests {
		t.Run(tc.parser+"/"+tc.name, func(t *testing.T) {
			err := parsers[tc.parser](tc.in)
			if err == nil {
				t.Fatalf("%q accepted", tc.in)
			}
			wantViolation(t, err, "filter", tc.reason)
		})
	}
}

// formatFilter writes conditions back as a filter that ParseFilter reads the same.
func formatFilter(conds []Condition) string {
	parts := make([]string, len(conds))
	for i, c := range conds {
		parts[i] = c.Field + " " + c.Op + " " + strconv.Quote(c.Value)
	}
	return strings.Join(parts, " AND ")
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"state = OPEN AND ppks_type = LANSIA_TELANTAR",
		`full_name : "Daeng \"Nai\""`,
		"year<2024",
		`time >= "2025-01-01T00:00:00Z"`,
		"full_name : Sàlim",
		"year = 2024 AND intervention_type = PERMAKANAN",
		`x = "`,
		`full_name : "%"`,
		`full_name : "_"`,
		`full_name : "a%b_c\\"`,
		"full_name : \"\x00\"",
		"full_name : \"\u202eabc\"",
		"kecamatan_code = \"73.06.08\x1b[0m\"",
		"full_name : Siti\u2066",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		conds, err := ParseFilter(s)
		// The typed parsers must not panic either, whatever the conditions hold.
		if bf, err := ParseBeneficiaryFilter(s); err == nil && strings.Contains(s, "full_name") && bf.NameContains == "" {
			for _, c := range conds {
				if c.Field == "full_name" {
					t.Fatalf("ParseBeneficiaryFilter(%q): an empty name search, which would match everyone", s)
				}
			}
		}
		_, _ = ParseCaseFilter(s)
		_, _ = ParseInterventionFilter(s)
		if err != nil {
			if KindOf(err) != KindInvalid {
				t.Fatalf("ParseFilter(%q): error of kind %d", s, KindOf(err))
			}
			return
		}
		if len(s) > maxFilterLen {
			t.Fatalf("ParseFilter accepted %d bytes", len(s))
		}
		for _, c := range conds {
			if _, bad := textFault(c.Value, false); bad {
				t.Fatalf("ParseFilter(%q) = %q: a value holds a control, invisible or text-direction character", s, conds)
			}
			if c.Field == "" || !slices.Contains([]string{"=", ":", "<", "<=", ">", ">="}, c.Op) {
				t.Fatalf("ParseFilter(%q) = %q: empty field or unknown op", s, conds)
			}
			if field, rest := nextIdent(c.Field); field != c.Field || rest != "" {
				t.Fatalf("ParseFilter(%q) = %q: field %q is not an identifier", s, conds, c.Field)
			}
		}
		// Written back with every value quoted, the filter reads the same.
		again := formatFilter(conds)
		if len(again) > maxFilterLen {
			return
		}
		got, err := ParseFilter(again)
		if err != nil {
			t.Fatalf("ParseFilter(%q) (from %q): %v", again, s, err)
		}
		if !reflect.DeepEqual(got, conds) {
			t.Fatalf("round trip of %q: %q, then %q", s, conds, got)
		}
	})
}
