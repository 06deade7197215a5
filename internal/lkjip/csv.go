package lkjip

import (
	"encoding/csv"
	"io"

	"github.com/opendinsos/ppks/internal/csvsafe"
)

// WriteCSV writes one table as CSV: its headings, then its rows, numbers plain. Text
// (headings, names of programmes, budget lines, kecamatan: some of it typed by users) is
// neutralised against formula injection; numbers, which we write, are left as they are,
// negative ones included.
func WriteCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = csvsafe.Text(c)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, c := range row {
			rec[i] = c.Raw()
			if c.Kind == Text {
				rec[i] = csvsafe.Text(rec[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
