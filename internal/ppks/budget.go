package ppks

import (
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"
)

// BudgetLine is the pagu and realisasi of a kegiatan (or of a programme entered without
// kegiatan) in a year, in whole rupiah.
type BudgetLine struct {
	Year                 int
	Code                 string // kegiatan `1.06.06.2.01` or programme `1.06.01`
	DisplayName          string // uraian
	Pagu                 int64
	Realisasi            int64
	PerformanceAgreement bool // supports the Perjanjian Kinerja of the indicator
	UpdateTime           time.Time
}

// Name returns the resource name.
func (l *BudgetLine) Name() string { return ReportName(l.Year) + "/budgetLines/" + l.Code }

// ProgramCode returns the programme a line belongs to: the first three parts of its code.
func (l *BudgetLine) ProgramCode() string { return programOf(l.Code) }

func programOf(code string) string {
	parts := strings.SplitN(code, ".", 4)
	if len(parts) < 3 {
		return code
	}
	return strings.Join(parts[:3], ".")
}

// Budget line fields, as update_mask paths.
var budgetLineFields = []string{"display_name", "pagu", "realisasi", "performance_agreement"}

// budgetCodePattern matches a programme (`1.06.01`) or kegiatan (`1.06.06.2.01`) code of
// Permendagri 90/2019.
var budgetCodePattern = regexp.MustCompile(`^[1-9]\.[0-9]{2}\.[0-9]{2}(\.[0-9]\.[0-9]{2})?$`)

// maxRupiah bounds amounts: a kabupaten office's whole budget is far below a trillion.
const maxRupiah = 1_000_000_000_000_000

// programNames are the programmes of urusan sosial (1.06) in Permendagri 90/2019, as the
// LKjIP names them; another urusan's programmes show their code.
var programNames = map[string]string{
	"1.06.01": "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota",
	"1.06.02": "Program Pemberdayaan Sosial",
	"1.06.03": "Program Penanganan Warga Negara Migran Korban Tindak Kekerasan",
	"1.06.04": "Program Rehabilitasi Sosial",
	"1.06.05": "Program Perlindungan dan Jaminan Sosial",
	"1.06.06": "Program Penanganan Bencana",
	"1.06.07": "Program Pengelolaan Taman Makam Pahlawan",
}

// ProgramName returns the name of a programme code.
func ProgramName(code string) string {
	if n, ok := programNames[code]; ok {
		return n
	}
	return code
}

// checkBudgetCode validates the code of a budget line's name.
func checkBudgetCode(code, field string) error {
	if !budgetCodePattern.MatchString(code) {
		return invalid(field, "INVALID_BUDGET_CODE", "a programme (1.06.01) or kegiatan (1.06.06.2.01) code",
			"Kode program (1.06.01) atau kegiatan (1.06.06.2.01) tidak valid.")
	}
	return nil
}

// validate checks a line about to be stored.
func (l *BudgetLine) validate() error {
	var vs violations
	l.DisplayName = strings.Join(strings.Fields(l.DisplayName), " ")
	if l.DisplayName == "" {
		vs.required("budget_line.display_name")
	} else {
		checkText(&vs, "budget_line.display_name", l.DisplayName, maxNameLen*2)
	}
	if l.Pagu < 0 || l.Pagu > maxRupiah {
		vs.add("budget_line.pagu", "OUT_OF_RANGE", "whole rupiah, not negative", "Rupiah bulat, tidak negatif.")
	}
	if l.Realisasi < 0 || l.Realisasi > maxRupiah {
		vs.add("budget_line.realisasi", "OUT_OF_RANGE", "whole rupiah, not negative", "Rupiah bulat, tidak negatif.")
	}
	return vs.err()
}

// ComputeBudget builds Tabel 3.7 from the lines: programmes with their lines, totals,
// capaian anggaran, and the efficiency against the capaian kinerja (nil when either is
// missing). The programmes come as the LKjIP prints them: those of the perjanjian
// kinerja first (the ones serving the sasaran), then the others, each group in code
// order.
func ComputeBudget(lines []*BudgetLine, performance *big.Rat) BudgetTable {
	var out BudgetTable
	byProgram := map[string]int{}
	for _, l := range sortedLines(lines) {
		code := l.ProgramCode()
		i, ok := byProgram[code]
		if !ok {
			i = len(out.Programs)
			byProgram[code] = i
			out.Programs = append(out.Programs, BudgetProgram{Code: code, Name: ProgramName(code)})
		}
		p := &out.Programs[i]
		p.Lines = append(p.Lines, *l)
		p.Pagu += l.Pagu
		p.Realisasi += l.Realisasi
		p.PerformanceAgreement = p.PerformanceAgreement || l.PerformanceAgreement
		out.Pagu += l.Pagu
		out.Realisasi += l.Realisasi
		if l.PerformanceAgreement {
			out.PerformanceAgreementPagu += l.Pagu
			out.PerformanceAgreementRealisasi += l.Realisasi
		}
	}
	slices.SortStableFunc(out.Programs, func(a, b BudgetProgram) int {
		switch {
		case a.PerformanceAgreement == b.PerformanceAgreement:
			return 0
		case a.PerformanceAgreement:
			return -1
		}
		return 1
	})
	for i := range out.Programs {
		out.Programs[i].Achievement = percentOf(out.Programs[i].Realisasi, out.Programs[i].Pagu)
	}
	out.Achievement = percentOf(out.Realisasi, out.Pagu)
	if performance != nil && out.Achievement != nil {
		out.Efficiency = new(big.Rat).Sub(performance, out.Achievement)
	}
	return out
}

// sortedLines orders lines by code so that programmes come in code order and a
// programme's own line (without kegiatan) before its kegiatan.
func sortedLines(lines []*BudgetLine) []*BudgetLine {
	out := append([]*BudgetLine(nil), lines...)
	sortBy(out, func(l *BudgetLine) string { return l.Code })
	return out
}
