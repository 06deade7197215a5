// Package refdata loads the reference data the service runs with: PPKS categories,
// intervention types, the region set, which types count toward the indicator in which
// year, and the predikat bands.
//
// The defaults (Kabupaten Gowa, the 2024 counting rules, the bands of the 2024 LKjIP) are
// CSV files embedded in the binary. An office replaces any of them by putting a file of
// the same name in a directory given to Load: another kabupaten's regions.csv, another
// year's counting.csv.
package refdata

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

//go:embed data/*.csv
var embedded embed.FS

// The reference files, by name. A directory given to Load may hold any of them.
const (
	PpksTypesFile         = "ppks_types.csv"
	InterventionTypesFile = "intervention_types.csv"
	RegionsFile           = "regions.csv"
	CountingFile          = "counting.csv"
	RatingBandsFile       = "rating_bands.csv"
)

var fileNames = []string{PpksTypesFile, InterventionTypesFile, RegionsFile, CountingFile, RatingBandsFile}

// Error is a problem with one reference file.
type Error struct {
	File   string // file name, e.g. "regions.csv"
	Source string // where it was read from: "embedded" or the path of the override
	Line   int    // 1-based; 0 when the problem is with the file as a whole
	Msg    string
	Err    error // underlying cause, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "refdata: %s (%s)", e.File, e.Source)
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	b.WriteString(": " + e.Msg)
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Load returns the catalog and the rating bands. It reads the embedded files; when dir is
// not empty, each reference file present in dir replaces the embedded one. A dir that
// does not exist, or that holds a .csv file that is not a reference file (a misspelt
// name would otherwise be ignored without a word), is an error.
func Load(dir string) (*ppks.Catalog, []ppks.RatingBand, error) {
	files := map[string]*file{}
	for _, name := range fileNames {
		data, err := embedded.ReadFile("data/" + name)
		if err != nil {
			return nil, nil, fmt.Errorf("refdata: read embedded %s: %w", name, err)
		}
		files[name] = &file{name: name, source: "embedded", data: data}
	}
	if dir != "" {
		if err := readOverrides(dir, files); err != nil {
			return nil, nil, err
		}
	}
	return parseAll(files)
}

// parseAll parses the reference files, by name, into the catalog and the bands.
func parseAll(files map[string]*file) (*ppks.Catalog, []ppks.RatingBand, error) {
	cat := &ppks.Catalog{}
	var err error
	if cat.PpksTypes, err = parsePpksTypes(files[PpksTypesFile]); err != nil {
		return nil, nil, err
	}
	if cat.InterventionTypes, err = parseInterventionTypes(files[InterventionTypesFile]); err != nil {
		return nil, nil, err
	}
	if cat.Kabupaten, cat.Kecamatan, err = parseRegions(files[RegionsFile]); err != nil {
		return nil, nil, err
	}
	if cat.Counting, err = parseCounting(files[CountingFile], cat.InterventionTypes); err != nil {
		return nil, nil, err
	}
	bands, err := parseRatingBands(files[RatingBandsFile])
	if err != nil {
		return nil, nil, err
	}
	cat.Index()
	return cat, bands, nil
}

func readOverrides(dir string, files map[string]*file) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("refdata: read override directory: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		f, known := files[name]
		if !known {
			if strings.EqualFold(filepath.Ext(name), ".csv") {
				return fmt.Errorf("refdata: %s in %s is not a reference file (expected one of %s)",
					name, dir, strings.Join(fileNames, ", "))
			}
			continue
		}
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return &Error{File: name, Source: path, Msg: "cannot read", Err: err}
		}
		f.source, f.data = path, data
	}
	return nil
}

// file is one reference file and where it came from.
type file struct {
	name   string
	source string
	data   []byte
}

func (f *file) errorf(line int, format string, args ...any) error {
	return &Error{File: f.name, Source: f.source, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// row is one record of a file, fields by column name.
type row struct {
	line   int
	fields map[string]string
}

// read parses f as CSV whose header has exactly the given columns, in any order. Fields
// are trimmed of surrounding spaces; blank lines are skipped.
func (f *file) read(columns ...string) ([]row, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(f.data, []byte("\uFEFF"))))
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, f.errorf(0, "empty file: expected a header %s", strings.Join(columns, ","))
	}
	if err != nil {
		return nil, f.csvError(err)
	}
	index := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := index[h]; dup {
			return nil, f.errorf(1, "column %q appears twice", h)
		}
		index[h] = i
	}
	for _, c := range columns {
		if _, ok := index[c]; !ok {
			return nil, f.errorf(1, "missing column %q (expected columns %s)", c, strings.Join(columns, ","))
		}
	}
	if len(index) != len(columns) {
		for h := range index {
			if !contains(columns, h) {
				return nil, f.errorf(1, "unknown column %q (expected columns %s)", h, strings.Join(columns, ","))
			}
		}
	}
	var rows []row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, f.csvError(err)
		}
		line, _ := r.FieldPos(0)
		fields := make(map[string]string, len(columns))
		for _, c := range columns {
			fields[c] = strings.TrimSpace(rec[index[c]])
		}
		rows = append(rows, row{line: line, fields: fields})
	}
	if len(rows) == 0 {
		return nil, f.errorf(0, "no rows")
	}
	return rows, nil
}

func (f *file) csvError(err error) error {
	line := 0
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line = pe.Line
		err = pe.Err
	}
	return &Error{File: f.name, Source: f.source, Line: line, Msg: "malformed CSV", Err: err}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var (
	codePattern        = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	programPattern     = regexp.MustCompile(`^[0-9]\.[0-9]{2}\.[0-9]{2}$`)
	subKegiatanPattern = regexp.MustCompile(`^[0-9]\.[0-9]{2}\.[0-9]{2}\.[0-9]\.[0-9]{2}\.[0-9]{2}$`)
	kabupatenPattern   = regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}$`)
	kecamatanPattern   = regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$`)
)

// uniqueCodes remembers codes seen in a file and the line each was first seen on.
type uniqueCodes map[string]int

func (u uniqueCodes) check(f *file, r row, column, code string) error {
	if first, dup := u[code]; dup {
		return f.errorf(r.line, "%s %q already given on line %d", column, code, first)
	}
	u[code] = r.line
	return nil
}

func required(f *file, r row, columns ...string) error {
	for _, c := range columns {
		if r.fields[c] == "" {
			return f.errorf(r.line, "%s is empty", c)
		}
	}
	return nil
}

func parsePpksTypes(f *file) ([]ppks.PpksType, error) {
	rows, err := f.read("code", "number", "name_id", "abbreviation", "name_en", "spm_group")
	if err != nil {
		return nil, err
	}
	codes, numbers := uniqueCodes{}, uniqueCodes{}
	var out []ppks.PpksType
	for _, r := range rows {
		if err := required(f, r, "code", "number", "name_id", "abbreviation", "spm_group"); err != nil {
			return nil, err
		}
		t := ppks.PpksType{
			Code:         r.fields["code"],
			Name:         r.fields["name_id"],
			Abbreviation: r.fields["abbreviation"],
			SpmGroup:     r.fields["spm_group"],
		}
		if !codePattern.MatchString(t.Code) {
			return nil, f.errorf(r.line, "code %q is not UPPER_SNAKE_CASE", t.Code)
		}
		if !codePattern.MatchString(t.SpmGroup) {
			return nil, f.errorf(r.line, "spm_group %q is not UPPER_SNAKE_CASE (NONE for no group)", t.SpmGroup)
		}
		if t.Number, err = positiveInt(f, r, "number"); err != nil {
			return nil, err
		}
		if err := codes.check(f, r, "code", t.Code); err != nil {
			return nil, err
		}
		if err := numbers.check(f, r, "number", strconv.Itoa(t.Number)); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func parseInterventionTypes(f *file) ([]ppks.InterventionType, error) {
	rows, err := f.read("code", "name_id", "program_code", "sub_kegiatan_code", "counted_unit")
	if err != nil {
		return nil, err
	}
	codes := uniqueCodes{}
	var out []ppks.InterventionType
	for _, r := range rows {
		if err := required(f, r, "code", "name_id", "program_code", "sub_kegiatan_code", "counted_unit"); err != nil {
			return nil, err
		}
		t := ppks.InterventionType{
			Code:            r.fields["code"],
			Name:            r.fields["name_id"],
			ProgramCode:     r.fields["program_code"],
			SubKegiatanCode: r.fields["sub_kegiatan_code"],
		}
		switch {
		case !codePattern.MatchString(t.Code):
			return nil, f.errorf(r.line, "code %q is not UPPER_SNAKE_CASE", t.Code)
		case !programPattern.MatchString(t.ProgramCode):
			return nil, f.errorf(r.line, "program_code %q is not of the form 1.06.04", t.ProgramCode)
		case !subKegiatanPattern.MatchString(t.SubKegiatanCode):
			return nil, f.errorf(r.line, "sub_kegiatan_code %q is not of the form 1.06.04.2.01.01", t.SubKegiatanCode)
		case !strings.HasPrefix(t.SubKegiatanCode, t.ProgramCode+"."):
			return nil, f.errorf(r.line, "sub_kegiatan_code %q is not under program_code %q", t.SubKegiatanCode, t.ProgramCode)
		}
		switch u := r.fields["counted_unit"]; u {
		case "PERSON":
			t.Unit = ppks.UnitPerson
		case "FAMILY":
			t.Unit = ppks.UnitFamily
		default:
			return nil, f.errorf(r.line, "counted_unit %q is not PERSON or FAMILY", u)
		}
		if err := codes.check(f, r, "code", t.Code); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// parseRegions reads one kabupaten (or kota) row and its kecamatan. The kabupaten's desa
// and kelurahan counts may be left empty, and are then the sums over its kecamatan; when
// given they must equal those sums.
func parseRegions(f *file) (ppks.Region, []ppks.Region, error) {
	rows, err := f.read("code", "name", "level", "desa_count", "kelurahan_count")
	if err != nil {
		return ppks.Region{}, nil, err
	}
	codes := uniqueCodes{}
	var kab ppks.Region
	kabLine := 0
	var kabCounts *row
	var kec []ppks.Region
	var kecLines []int
	for _, r := range rows {
		if err := required(f, r, "code", "name", "level"); err != nil {
			return ppks.Region{}, nil, err
		}
		reg := ppks.Region{Code: r.fields["code"], Name: r.fields["name"]}
		if err := codes.check(f, r, "code", reg.Code); err != nil {
			return ppks.Region{}, nil, err
		}
		switch lvl := r.fields["level"]; lvl {
		case "KABUPATEN", "KOTA":
			if kabLine != 0 {
				return ppks.Region{}, nil, f.errorf(r.line, "second kabupaten/kota row (the first is on line %d): a region set holds exactly one", kabLine)
			}
			if !kabupatenPattern.MatchString(reg.Code) {
				return ppks.Region{}, nil, f.errorf(r.line, "kabupaten code %q is not of the form 73.06", reg.Code)
			}
			reg.Level = ppks.LevelKabupaten
			kab, kabLine = reg, r.line
			if r.fields["desa_count"] != "" || r.fields["kelurahan_count"] != "" {
				given := r
				kabCounts = &given
			}
		case "KECAMATAN":
			if !kecamatanPattern.MatchString(reg.Code) {
				return ppks.Region{}, nil, f.errorf(r.line, "kecamatan code %q is not of the form 73.06.08", reg.Code)
			}
			if err := required(f, r, "desa_count", "kelurahan_count"); err != nil {
				return ppks.Region{}, nil, err
			}
			reg.Level = ppks.LevelKecamatan
			if reg.DesaCount, err = countField(f, r, "desa_count"); err != nil {
				return ppks.Region{}, nil, err
			}
			if reg.KelurahanCount, err = countField(f, r, "kelurahan_count"); err != nil {
				return ppks.Region{}, nil, err
			}
			kec = append(kec, reg)
			kecLines = append(kecLines, r.line)
		default:
			return ppks.Region{}, nil, f.errorf(r.line, "level %q is not KABUPATEN, KOTA or KECAMATAN", lvl)
		}
	}
	if kabLine == 0 {
		return ppks.Region{}, nil, f.errorf(0, "no KABUPATEN (or KOTA) row: a region set holds exactly one")
	}
	if len(kec) == 0 {
		return ppks.Region{}, nil, f.errorf(0, "no KECAMATAN rows")
	}
	for i := range kec {
		if !strings.HasPrefix(kec[i].Code, kab.Code+".") {
			return ppks.Region{}, nil, f.errorf(kecLines[i], "kecamatan %s is not in kabupaten %s", kec[i].Code, kab.Code)
		}
		kec[i].ParentCode = kab.Code
		kab.DesaCount += kec[i].DesaCount
		kab.KelurahanCount += kec[i].KelurahanCount
	}
	if kabCounts != nil {
		for _, c := range []struct {
			column string
			sum    int
		}{{"desa_count", kab.DesaCount}, {"kelurahan_count", kab.KelurahanCount}} {
			n, err := countField(f, *kabCounts, c.column)
			if err != nil {
				return ppks.Region{}, nil, err
			}
			if n != c.sum {
				return ppks.Region{}, nil, f.errorf(kabLine, "%s %d of the kabupaten is not the sum over its kecamatan, %d", c.column, n, c.sum)
			}
		}
	}
	return kab, kec, nil
}

// parseCounting groups the rows by from_year into one rule per year: the full set of
// types that count from that year on.
func parseCounting(f *file, types []ppks.InterventionType) ([]ppks.CountingRule, error) {
	rows, err := f.read("from_year", "intervention_type")
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, t := range types {
		known[t.Code] = true
	}
	seen := uniqueCodes{}
	byYear := map[int]int{} // year -> index in out
	var out []ppks.CountingRule
	for _, r := range rows {
		if err := required(f, r, "from_year", "intervention_type"); err != nil {
			return nil, err
		}
		year, err := strconv.Atoi(r.fields["from_year"])
		if err != nil || year < 2000 || year > 9999 {
			return nil, f.errorf(r.line, "from_year %q is not a year from 2000 on", r.fields["from_year"])
		}
		code := r.fields["intervention_type"]
		if !known[code] {
			return nil, f.errorf(r.line, "intervention_type %q is not in %s", code, InterventionTypesFile)
		}
		if err := seen.check(f, r, "from_year,intervention_type", strconv.Itoa(year)+","+code); err != nil {
			return nil, err
		}
		i, ok := byYear[year]
		if !ok {
			i = len(out)
			byYear[year] = i
			out = append(out, ppks.CountingRule{FromYear: year, Types: map[string]bool{}})
		}
		out[i].Types[code] = true
	}
	return out, nil
}

// parseRatingBands reads the predikat bands. Minimums are exact decimals; the one band
// with an empty minimum is the floor every capaian reaches.
func parseRatingBands(f *file) ([]ppks.RatingBand, error) {
	rows, err := f.read("min_percent", "label")
	if err != nil {
		return nil, err
	}
	labels, mins := uniqueCodes{}, uniqueCodes{}
	floorLine := 0
	var out []ppks.RatingBand
	for _, r := range rows {
		if err := required(f, r, "label"); err != nil {
			return nil, err
		}
		b := ppks.RatingBand{Label: r.fields["label"]}
		if err := labels.check(f, r, "label", b.Label); err != nil {
			return nil, err
		}
		if s := r.fields["min_percent"]; s == "" {
			if floorLine != 0 {
				return nil, f.errorf(r.line, "second band without min_percent (the first is on line %d): only the floor band has none", floorLine)
			}
			floorLine = r.line
		} else {
			m, ok := new(big.Rat).SetString(s)
			if !ok {
				return nil, f.errorf(r.line, "min_percent %q is not a number", s)
			}
			if err := mins.check(f, r, "min_percent", m.RatString()); err != nil {
				return nil, err
			}
			b.MinPercent = m
		}
		out = append(out, b)
	}
	if floorLine == 0 {
		return nil, f.errorf(0, "no floor band (a row with an empty min_percent): every capaian needs a predikat")
	}
	return out, nil
}

func positiveInt(f *file, r row, column string) (int, error) {
	n, err := strconv.Atoi(r.fields[column])
	if err != nil || n < 1 {
		return 0, f.errorf(r.line, "%s %q is not a positive whole number", column, r.fields[column])
	}
	return n, nil
}

func countField(f *file, r row, column string) (int, error) {
	n, err := strconv.Atoi(r.fields[column])
	if err != nil || n < 0 {
		return 0, f.errorf(r.line, "%s %q is not a whole number of at least 0", column, r.fields[column])
	}
	return n, nil
}
