package lkjip

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// Table is one table of the report: a sheet of the workbook, a section of the Markdown,
// a CSV file, a table of the web page.
type Table struct {
	ID      string // file name part, e.g. "tabel-3-1"
	Sheet   string // sheet name and number, e.g. "Tabel 3.1"
	Title   string
	Columns []string
	Rows    [][]Cell
	Notes   []string
	// RowLabels: the first column names the rows (a table wider than a screen keeps it
	// in view: frozen in the workbook).
	RowLabels bool
}

// SuppressedMark stands for a suppressed count.
const SuppressedMark = "*"

// roundingNote says how the percentages were computed.
const roundingNote = "Persentase dihitung eksak lalu dibulatkan setengah ke atas ke 2 desimal; efisiensi = capaian kinerja − capaian anggaran (nilai eksak)."

// sources names where a year's realisasi comes from.
var sources = map[ppks.RealisasiSource]string{ppks.SourceHistorical: "Data historis", ppks.SourceRecorded: "Tercatat", ppks.SourceSigned: "Ditandatangani"}

// Tables lays out the LKjIP tables of a report, in the order the report prints them.
// It shows aggregates only, and never the count of a suppressed cell.
func Tables(r *ppks.Report) []Table {
	y := fmt.Sprint(r.Year)
	d, p, b := r.Definition, r.Performance, r.Budget
	var out []Table

	out = append(out, Table{ID: "tabel-3-1", Sheet: "Tabel 3.1", Title: "Target dan Realisasi Kinerja Tahun " + y,
		Columns: []string{"Sasaran Strategis", "Indikator Kinerja", "Target " + y, "Realisasi " + y, "Capaian " + y + " (%)", "Predikat"},
		Rows: [][]Cell{{txt(d.StrategicObjective), txt(d.IndicatorName), optCount(p.Target),
			num(p.Realisasi), pct(p.Achievement), txt(p.Rating)}},
		Notes: []string{fmt.Sprintf("Jiwa berbeda (tanpa hitung ganda): %d.", p.UniquePersons), roundingNote}})

	rincian := Table{ID: "rincian-3-1", Sheet: "Rincian 3.1", Title: "Rincian Realisasi per Jenis Intervensi Tahun " + y,
		Columns: []string{"No", "Jenis Intervensi", "Jiwa"}}
	for i, c := range p.ByType {
		rincian.Rows = append(rincian.Rows, []Cell{num(i + 1), txt(c.Name), num(c.Persons)})
	}
	rincian.Rows = append(rincian.Rows, []Cell{none(), txt("Jumlah"), num(p.Realisasi)})
	out = append(out, rincian)

	out = append(out, history(r.History), mediumTerm(d, r.History))

	t34 := Table{ID: "tabel-3-4", Sheet: "Tabel 3.4", Title: "Realisasi Kinerja dan Standar Pelayanan Minimal Tahun " + y,
		Columns: []string{"No", "Jenis Pelayanan Dasar", "Jiwa Terlayani"}}
	for i, g := range r.Spm {
		t34.Rows = append(t34.Rows, []Cell{num(i + 1), txt(g.Name), num(g.Persons)})
	}
	out = append(out, t34)

	out = append(out, Table{ID: "tabel-3-5", Sheet: "Tabel 3.5", Title: "Analisis Efisiensi Penggunaan Sumber Daya (Anggaran) Tahun " + y,
		Columns: []string{"Sasaran Strategis", "Indikator Kinerja", "Target", "Realisasi", "Capaian Kinerja (%)", "Pagu (Rp)", "Realisasi Anggaran (Rp)", "Capaian Anggaran (%)", "Efisiensi (%)"},
		Rows: [][]Cell{{txt(d.StrategicObjective), txt(d.IndicatorName), optCount(p.Target),
			num(p.Realisasi), pct(p.Achievement), rp(b.Pagu), rp(b.Realisasi), pct(b.Achievement), pct(b.Efficiency)}},
		Notes: []string{roundingNote, fmt.Sprintf("Anggaran Perjanjian Kinerja: Rp %s.", idInt(b.PerformanceAgreementPagu))}})

	t36 := Table{ID: "tabel-3-6", Sheet: "Tabel 3.6", Title: "Keberhasilan Pencapaian Perjanjian Kinerja Tahun " + y,
		Columns: []string{"Program", "Indikator Kinerja", "Target (%)", "Realisasi (%)", "Capaian (%)", "Jiwa Terjangkau", "Populasi PPKS Terdaftar"}}
	for _, pi := range r.Programs {
		t36.Rows = append(t36.Rows, []Cell{txt(strings.ToUpper(pi.ProgramName)), txt(pi.Name), pct(pi.Target),
			pct(pi.Realisasi), pct(pi.Achievement), num(pi.Reached), num(pi.Population)})
	}
	out = append(out, t36, budget(y, b), breakdown(y, r.Breakdown))
	return out
}

// history is Tabel 3.2: realisasi and capaian of the years of the Renstra period.
func history(h ppks.History) Table {
	t := Table{ID: "tabel-3-2", Sheet: "Tabel 3.2", Title: "Realisasi dan Capaian Kinerja per Tahun",
		Columns: []string{"Tahun", "Target (PK)", "Target Renstra", "Realisasi", "Sumber Realisasi", "Capaian (%)"}}
	if h.Baseline != nil {
		t.Rows = append(t.Rows, []Cell{txt(fmt.Sprintf("Data Awal (%d)", h.BaselineYear)), none(), none(), num(*h.Baseline),
			txt("Kondisi awal"), pct(nil)})
	}
	for _, hy := range h.Years {
		t.Rows = append(t.Rows, []Cell{year(hy.Year), optCount(hy.Target), optCount(hy.Renstra), optCount(hy.Realisasi),
			txt(sources[hy.Source]), pct(hy.Achievement)})
	}
	return t
}

// mediumTerm is Tabel 3.3: each year's realisasi against the Renstra's medium-term target.
func mediumTerm(d ppks.ReportDefinition, h ppks.History) Table {
	t := Table{ID: "tabel-3-3", Sheet: "Tabel 3.3", Title: "Realisasi Kinerja yang Mengacu pada Target Jangka Menengah Renstra",
		Columns: []string{"Tahun", "Target Jangka Menengah (" + fmt.Sprint(h.MediumTermYear) + ")", "Realisasi", "Capaian terhadap Target Jangka Menengah (%)"}}
	for _, hy := range h.Years {
		var ach *big.Rat
		if hy.Realisasi != nil && h.MediumTermTarget != nil && *h.MediumTermTarget > 0 {
			ach = ppks.Achievement(*hy.Realisasi, *h.MediumTermTarget, d.LowerIsBetter)
		}
		t.Rows = append(t.Rows, []Cell{year(hy.Year), optCount(h.MediumTermTarget), optCount(hy.Realisasi), pct(ach)})
	}
	return t
}

// budget is Tabel 3.7: each programme, then its kegiatan, then the total.
func budget(y string, b ppks.BudgetTable) Table {
	t := Table{ID: "tabel-3-7", Sheet: "Tabel 3.7", Title: "Realisasi Anggaran Dinas Sosial Tahun " + y,
		Columns: []string{"Kode", "Uraian", "Anggaran (Rp)", "Realisasi (Rp)", "%"}}
	for _, prog := range b.Programs {
		t.Rows = append(t.Rows, []Cell{txt(prog.Code), txt(prog.Name), rp(prog.Pagu), rp(prog.Realisasi), pct(prog.Achievement)})
		for _, l := range prog.Lines {
			if l.Code == prog.Code {
				continue // a programme entered without kegiatan
			}
			var a *big.Rat
			if l.Pagu > 0 {
				a = new(big.Rat).Mul(big.NewRat(l.Realisasi, l.Pagu), big.NewRat(100, 1))
			}
			t.Rows = append(t.Rows, []Cell{txt(l.Code), txt(l.DisplayName), rp(l.Pagu), rp(l.Realisasi), pct(a)})
		}
	}
	t.Rows = append(t.Rows, []Cell{none(), txt("Jumlah"), rp(b.Pagu), rp(b.Realisasi), pct(b.Achievement)})
	return t
}

// breakdown is the realisasi per kecamatan and counted type, small cells suppressed.
func breakdown(y string, bd ppks.Breakdown) Table {
	t := Table{ID: "sebaran-kecamatan", Sheet: "Sebaran Kecamatan", Title: "Realisasi per Kecamatan dan Jenis Intervensi Tahun " + y,
		Columns: []string{"Kecamatan"}, RowLabels: true, Notes: []string{fmt.Sprintf("%s: disembunyikan (jumlah 1 sampai %d, atau agar tidak dapat dihitung kembali dari jumlah baris dan kolom).", SuppressedMark, bd.Threshold)}}
	for _, c := range bd.Columns {
		t.Columns = append(t.Columns, c.Name)
	}
	t.Columns = append(t.Columns, "Jumlah")
	cellOf := func(c ppks.Cell) Cell {
		if c.Hidden {
			return txt(SuppressedMark)
		}
		return num(c.Value)
	}
	for _, row := range bd.Rows {
		cells := []Cell{txt(row.Name)}
		for _, c := range row.Cells {
			cells = append(cells, cellOf(c))
		}
		t.Rows = append(t.Rows, append(cells, cellOf(row.Total)))
	}
	totals := []Cell{txt("Jumlah")}
	for _, c := range bd.ColumnTotals {
		totals = append(totals, cellOf(c))
	}
	t.Rows = append(t.Rows, append(totals, cellOf(bd.Total)))
	return t
}
