package lkjip

import (
	"io"
	"math/big"

	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/xuri/excelize/v2"
)

// Number formats of the workbook. Excel shows separators in the reader's locale; the
// [$-421] tag marks the cells as Indonesian (id-ID). A percentage is stored as a
// fraction (1.1259 for 112.59 %) under a percent format, so that a formula on it
// (a target times its capaian, say) gives the right number.
const (
	FormatCount   = `[$-421]#,##0`
	FormatRupiah  = `[$-421]"Rp "#,##0`
	FormatPercent = `[$-421]0.00%`
	FormatYear    = `0`
)

// HeaderRow is the row of a sheet's column headings (the title is in row 1).
const HeaderRow = 3

// WriteXLSX writes the workbook: one sheet per table, title, headings, then the rows,
// numbers as numbers with their format, then the notes. The rows down to the headings
// (and the row labels of a wide table) stay in view when scrolling. Text, whoever
// wrote it, is stored as a string: never a formula.
func WriteXLSX(w io.Writer, r *ppks.Report, st Status) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	styles := map[Kind]int{}
	for k, code := range map[Kind]string{Count: FormatCount, Rupiah: FormatRupiah, Percent: FormatPercent, Year: FormatYear} {
		if styles[k], err = f.NewStyle(&excelize.Style{CustomNumFmt: &code}); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, t := range Tables(r) {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.Sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(t.Sheet); err != nil {
			return err
		}
		if err := writeSheet(f, t, st, styles, bold); err != nil {
			return err
		}
	}
	_, err = f.WriteTo(w)
	return err
}

func writeSheet(f *excelize.File, t Table, st Status, styles map[Kind]int, bold int) error {
	set := func(col, row int, v string) error {
		name, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		return f.SetCellStr(t.Sheet, name, v)
	}
	if err := set(1, 1, t.Sheet+". "+t.Title); err != nil {
		return err
	}
	if err := f.SetCellStyle(t.Sheet, "A1", "A1", bold); err != nil {
		return err
	}
	for c, h := range t.Columns {
		if err := set(c+1, HeaderRow, h); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(t.Columns), HeaderRow)
	if err := f.SetCellStyle(t.Sheet, "A3", last, bold); err != nil {
		return err
	}
	for ri, row := range t.Rows {
		for ci, c := range row {
			if c.Empty {
				continue
			}
			name, _ := excelize.CoordinatesToCellName(ci+1, HeaderRow+1+ri)
			var err error
			switch c.Kind {
			case Text:
				err = f.SetCellStr(t.Sheet, name, c.Text)
			case Percent:
				// The value shown (rounded half up to two decimals of a percent) as a
				// fraction, in its shortest form: 1.1259.
				v, _ := new(big.Rat).Quo(c.rounded(), big.NewRat(100, 1)).Float64()
				err = f.SetCellFloat(t.Sheet, name, v, -1, 64)
			default:
				err = f.SetCellInt(t.Sheet, name, c.Number)
			}
			if err != nil {
				return err
			}
			if c.Kind != Text {
				if err := f.SetCellStyle(t.Sheet, name, name, styles[c.Kind]); err != nil {
					return err
				}
			}
		}
	}
	notes := append([]string{st.Line()}, t.Notes...)
	for ni, n := range notes {
		if err := set(1, HeaderRow+len(t.Rows)+2+ni, n); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(t.Sheet, "A", "B", 40); err != nil {
		return err
	}
	return freeze(f, t)
}

// freeze keeps the title and the headings (and, for a table with row labels, its first
// column) in view.
func freeze(f *excelize.File, t Table) error {
	panes := &excelize.Panes{Freeze: true, YSplit: HeaderRow, ActivePane: "bottomLeft"}
	if t.RowLabels {
		panes.XSplit, panes.ActivePane = 1, "bottomRight"
	}
	first, err := excelize.CoordinatesToCellName(panes.XSplit+1, HeaderRow+1)
	if err != nil {
		return err
	}
	panes.TopLeftCell = first
	panes.Selection = []excelize.Selection{{SQRef: first, ActiveCell: first, Pane: panes.ActivePane}}
	return f.SetPanes(t.Sheet, panes)
}
