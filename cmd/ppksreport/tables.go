package main

import (
	"fmt"
	"strings"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
)

// kind is how a cell's number is shown.
type kind int

const (
	text    kind = iota
	count        // whole persons
	rupiah       // whole rupiah
	percent      // percent points, two decimals
)

// cell is one value of a table: text, or a number of a kind. Empty marks no value.
type cell struct {
	kind  kind
	text  string
	num   float64
	empty bool
}

func txt(s string) cell { return cell{kind: text, text: s} }
func num(n int64) cell  { return cell{kind: count, num: float64(n)} }
func rp(n int64) cell   { return cell{kind: rupiah, num: float64(n)} }
func none() cell        { return cell{kind: text, empty: true} }
func optCount(present bool, n int32) cell {
	if !present {
		return none()
	}
	return num(int64(n))
}

func pct(p *ppksv1.Percentage) cell {
	if p == nil {
		return cell{kind: percent, empty: true}
	}
	return cell{kind: percent, num: p.GetValue()}
}

// table is one table of the report: a sheet of the workbook, a section of the Markdown,
// a CSV file.
type table struct {
	id      string // file name part, e.g. "tabel-3-1"
	sheet   string // sheet name, e.g. "Tabel 3.1"
	title   string
	columns []string
	rows    [][]cell
	notes   []string
}

// suppressedMark stands for a suppressed count.
const suppressedMark = "*"

// tables builds the LKjIP tables of a report, headings in Bahasa Indonesia as the report
// prints them.
func tables(r *ppksv1.Report) []table {
	y := fmt.Sprint(r.GetYear())
	d, p, b := r.GetDefinition(), r.GetPerformance(), r.GetBudget()
	rounding := "Persentase dihitung eksak lalu dibulatkan setengah ke atas ke 2 desimal; efisiensi = capaian kinerja − capaian anggaran (nilai eksak)."
	var out []table

	out = append(out, table{id: "tabel-3-1", sheet: "Tabel 3.1", title: "Target dan Realisasi Kinerja Tahun " + y,
		columns: []string{"Sasaran Strategis", "Indikator Kinerja", "Target " + y, "Realisasi " + y, "Capaian " + y + " (%)", "Predikat"},
		rows: [][]cell{{txt(d.GetStrategicObjective()), txt(d.GetIndicatorDisplayName()), optCount(p.Target != nil, p.GetTarget()),
			num(int64(p.GetRealisasi())), pct(p.GetAchievement()), txt(p.GetRating())}},
		notes: []string{fmt.Sprintf("Jiwa berbeda (tanpa hitung ganda): %d.", p.GetUniquePersons()), rounding}})

	rincian := table{id: "rincian-3-1", sheet: "Rincian 3.1", title: "Rincian Realisasi per Jenis Intervensi Tahun " + y,
		columns: []string{"No", "Jenis Intervensi", "Jiwa"}}
	for i, c := range p.GetByInterventionType() {
		rincian.rows = append(rincian.rows, []cell{num(int64(i + 1)), txt(c.GetDisplayName()), num(int64(c.GetPersons()))})
	}
	rincian.rows = append(rincian.rows, []cell{none(), txt("Jumlah"), num(int64(p.GetRealisasi()))})
	out = append(out, rincian)

	h := r.GetHistory()
	t32 := table{id: "tabel-3-2", sheet: "Tabel 3.2", title: "Realisasi dan Capaian Kinerja per Tahun",
		columns: []string{"Tahun", "Target (PK)", "Target Renstra", "Realisasi", "Sumber Realisasi", "Capaian (%)"}}
	if h.Baseline != nil {
		t32.rows = append(t32.rows, []cell{txt(fmt.Sprintf("Data Awal (%d)", h.GetBaselineYear())), none(), none(), num(int64(h.GetBaseline())), txt("Kondisi awal"), cell{kind: percent, empty: true}})
	}
	sources := map[ppksv1.RealisasiSource]string{ppksv1.RealisasiSource_REALISASI_SOURCE_HISTORICAL: "Data historis",
		ppksv1.RealisasiSource_REALISASI_SOURCE_RECORDED: "Tercatat", ppksv1.RealisasiSource_REALISASI_SOURCE_SIGNED: "Ditandatangani"}
	for _, hy := range h.GetYears() {
		t32.rows = append(t32.rows, []cell{txt(fmt.Sprint(hy.GetYear())), optCount(hy.Target != nil, hy.GetTarget()),
			optCount(hy.RenstraTarget != nil, hy.GetRenstraTarget()), optCount(hy.Realisasi != nil, hy.GetRealisasi()),
			txt(sources[hy.GetSource()]), pct(hy.GetAchievement())})
	}
	out = append(out, t32)

	t33 := table{id: "tabel-3-3", sheet: "Tabel 3.3", title: "Realisasi Kinerja yang Mengacu pada Target Jangka Menengah Renstra",
		columns: []string{"Tahun", "Target Jangka Menengah (" + fmt.Sprint(h.GetMediumTermYear()) + ")", "Realisasi", "Capaian terhadap Target Jangka Menengah (%)"}}
	for _, hy := range h.GetYears() {
		var ach cell = cell{kind: percent, empty: true}
		if hy.Realisasi != nil && h.MediumTermTarget != nil && h.GetMediumTermTarget() > 0 {
			ach = cell{kind: percent, num: roundHalfUp(float64(hy.GetRealisasi()) * 100 / float64(h.GetMediumTermTarget()))}
		}
		t33.rows = append(t33.rows, []cell{txt(fmt.Sprint(hy.GetYear())), optCount(h.MediumTermTarget != nil, h.GetMediumTermTarget()),
			optCount(hy.Realisasi != nil, hy.GetRealisasi()), ach})
	}
	out = append(out, t33)

	t34 := table{id: "tabel-3-4", sheet: "Tabel 3.4", title: "Realisasi Kinerja dan Standar Pelayanan Minimal Tahun " + y,
		columns: []string{"No", "Jenis Pelayanan Dasar", "Jiwa Terlayani"}}
	for i, g := range r.GetSpmServices() {
		t34.rows = append(t34.rows, []cell{num(int64(i + 1)), txt(g.GetDisplayName()), num(int64(g.GetPersons()))})
	}
	out = append(out, t34)

	out = append(out, table{id: "tabel-3-5", sheet: "Tabel 3.5", title: "Analisis Efisiensi Penggunaan Sumber Daya (Anggaran) Tahun " + y,
		columns: []string{"Sasaran Strategis", "Indikator Kinerja", "Target", "Realisasi", "Capaian Kinerja (%)", "Pagu (Rp)", "Realisasi Anggaran (Rp)", "Capaian Anggaran (%)", "Efisiensi (%)"},
		rows: [][]cell{{txt(d.GetStrategicObjective()), txt(d.GetIndicatorDisplayName()), optCount(p.Target != nil, p.GetTarget()),
			num(int64(p.GetRealisasi())), pct(p.GetAchievement()), rp(b.GetPagu()), rp(b.GetRealisasi()), pct(b.GetAchievement()), pct(b.GetEfficiency())}},
		notes: []string{rounding, fmt.Sprintf("Anggaran Perjanjian Kinerja: Rp %s.", idInt(b.GetPerformanceAgreementPagu()))}})

	t36 := table{id: "tabel-3-6", sheet: "Tabel 3.6", title: "Keberhasilan Pencapaian Perjanjian Kinerja Tahun " + y,
		columns: []string{"Program", "Indikator Kinerja", "Target (%)", "Realisasi (%)", "Capaian (%)", "Jiwa Terjangkau", "Populasi PPKS Terdaftar"}}
	for _, pi := range r.GetProgramIndicators() {
		t36.rows = append(t36.rows, []cell{txt(strings.ToUpper(pi.GetProgramDisplayName())), txt(pi.GetDisplayName()), pct(pi.GetTarget()),
			pct(pi.GetRealisasi()), pct(pi.GetAchievement()), num(int64(pi.GetPersonsReached())), num(int64(pi.GetPopulation()))})
	}
	out = append(out, t36)

	t37 := table{id: "tabel-3-7", sheet: "Tabel 3.7", title: "Realisasi Anggaran Dinas Sosial Tahun " + y,
		columns: []string{"Kode", "Uraian", "Anggaran (Rp)", "Realisasi (Rp)", "%"}}
	for _, prog := range b.GetPrograms() {
		t37.rows = append(t37.rows, []cell{txt(prog.GetProgramCode()), txt(prog.GetDisplayName()), rp(prog.GetPagu()), rp(prog.GetRealisasi()), pct(prog.GetAchievement())})
		for _, l := range prog.GetLines() {
			code := l.GetName()[strings.LastIndex(l.GetName(), "/")+1:]
			if code == prog.GetProgramCode() {
				continue // a programme entered without kegiatan
			}
			var a cell = cell{kind: percent, empty: true}
			if l.GetPagu() > 0 {
				a = cell{kind: percent, num: roundHalfUp(float64(l.GetRealisasi()) * 100 / float64(l.GetPagu()))}
			}
			t37.rows = append(t37.rows, []cell{txt(code), txt(l.GetDisplayName()), rp(l.GetPagu()), rp(l.GetRealisasi()), a})
		}
	}
	t37.rows = append(t37.rows, []cell{none(), txt("Jumlah"), rp(b.GetPagu()), rp(b.GetRealisasi()), pct(b.GetAchievement())})
	out = append(out, t37)

	bd := r.GetKecamatanBreakdown()
	tk := table{id: "sebaran-kecamatan", sheet: "Sebaran Kecamatan", title: "Realisasi per Kecamatan dan Jenis Intervensi Tahun " + y,
		columns: []string{"Kecamatan"}, notes: []string{fmt.Sprintf("%s: disembunyikan (jumlah 1 sampai %d, atau agar tidak dapat dihitung kembali dari jumlah baris dan kolom).", suppressedMark, bd.GetThreshold())}}
	for _, c := range bd.GetColumns() {
		tk.columns = append(tk.columns, c.GetDisplayName())
	}
	tk.columns = append(tk.columns, "Jumlah")
	cellOf := func(c *ppksv1.Cell) cell {
		if c.GetSuppressed() {
			return txt(suppressedMark)
		}
		return num(int64(c.GetPersons()))
	}
	for _, row := range bd.GetRows() {
		cells := []cell{txt(row.GetDisplayName())}
		for _, c := range row.GetCells() {
			cells = append(cells, cellOf(c))
		}
		tk.rows = append(tk.rows, append(cells, cellOf(row.GetTotal())))
	}
	totals := []cell{txt("Jumlah")}
	for _, c := range bd.GetColumnTotals() {
		totals = append(totals, cellOf(c))
	}
	tk.rows = append(tk.rows, append(totals, cellOf(bd.GetTotal())))
	out = append(out, tk)
	return out
}
