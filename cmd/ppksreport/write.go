package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/xuri/excelize/v2"
)

// Number formats of the workbook. Excel shows separators in the reader's locale; the
// [$-421] tag marks the cells as Indonesian (id-ID).
const (
	fmtCount   = `[$-421]#,##0`
	fmtRupiah  = `[$-421]"Rp "#,##0`
	fmtPercent = `[$-421]0.00"%"`
)

// writeMarkdown writes the tables as one Markdown document.
func writeMarkdown(path string, r *ppksv1.Report, ts []table) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# LKjIP %d — %s\n\n", r.GetYear(), r.GetDefinition().GetIndicatorDisplayName())
	b.WriteString(status(r) + "\n")
	for _, t := range ts {
		fmt.Fprintf(&b, "\n## %s. %s\n\n", t.sheet, t.title)
		b.WriteString("| " + strings.Join(t.columns, " | ") + " |\n|")
		for _, c := range t.columns {
			_ = c
			b.WriteString(" --- |")
		}
		b.WriteString("\n")
		for _, row := range t.rows {
			cells := make([]string, len(row))
			for i, c := range row {
				cells[i] = strings.ReplaceAll(c.display(), "|", `\|`)
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
		for _, n := range t.notes {
			b.WriteString("\n" + n + "\n")
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// status says whether the figures are signed, and how to check them.
func status(r *ppksv1.Report) string {
	if r.GetState() == ppksv1.ReportState_REPORT_STATE_SIGNED {
		return fmt.Sprintf("Laporan yang ditandatangani (tahun dikunci oleh %s). Hash isi (SHA-256): `%s`.\n",
			r.GetLockedBy(), r.GetContentHash())
	}
	return "Angka sementara: dihitung dari data saat ini (tahun belum dikunci).\n"
}

// writeCSV writes one table per file, plain numbers.
func writeCSV(dir, prefix string, ts []table) error {
	for _, t := range ts {
		f, err := os.Create(filepath.Join(dir, prefix+t.id+".csv"))
		if err != nil {
			return err
		}
		w := csv.NewWriter(f)
		_ = w.Write(t.columns)
		for _, row := range t.rows {
			rec := make([]string, len(row))
			for i, c := range row {
				rec[i] = c.raw()
			}
			_ = w.Write(rec)
		}
		w.Flush()
		if err := w.Error(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// writeXLSX writes the workbook: one sheet per table, title, headings, then the rows,
// numbers as numbers with their format.
func writeXLSX(path string, r *ppksv1.Report, ts []table) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	styles := map[kind]int{}
	for k, code := range map[kind]string{count: fmtCount, rupiah: fmtRupiah, percent: fmtPercent} {
		code := code
		if styles[k], err = f.NewStyle(&excelize.Style{CustomNumFmt: &code}); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, t := range ts {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(t.sheet); err != nil {
			return err
		}
		set := func(col, row int, v any) error {
			name, err := excelize.CoordinatesToCellName(col, row)
			if err != nil {
				return err
			}
			return f.SetCellValue(t.sheet, name, v)
		}
		if err := set(1, 1, t.sheet+". "+t.title); err != nil {
			return err
		}
		if err := f.SetCellStyle(t.sheet, "A1", "A1", bold); err != nil {
			return err
		}
		for c, h := range t.columns {
			if err := set(c+1, headerRow, h); err != nil {
				return err
			}
		}
		last, _ := excelize.CoordinatesToCellName(len(t.columns), headerRow)
		if err := f.SetCellStyle(t.sheet, "A3", last, bold); err != nil {
			return err
		}
		for ri, row := range t.rows {
			for ci, c := range row {
				name, _ := excelize.CoordinatesToCellName(ci+1, headerRow+1+ri)
				switch {
				case c.empty:
					continue
				case c.kind == text:
					err = f.SetCellValue(t.sheet, name, c.text)
				case c.kind == percent:
					err = f.SetCellFloat(t.sheet, name, c.num, 2, 64)
				default:
					err = f.SetCellInt(t.sheet, name, int64(c.num))
				}
				if err != nil {
					return err
				}
				if c.kind != text {
					if err := f.SetCellStyle(t.sheet, name, name, styles[c.kind]); err != nil {
						return err
					}
				}
			}
		}
		notes := append([]string{strings.TrimSpace(status(r))}, t.notes...)
		for ni, n := range notes {
			if err := set(1, headerRow+len(t.rows)+2+ni, n); err != nil {
				return err
			}
		}
		if err := f.SetColWidth(t.sheet, "A", "B", 40); err != nil {
			return err
		}
	}
	return f.SaveAs(path)
}

// headerRow is the row of the column headings (the title is in row 1).
const headerRow = 3
