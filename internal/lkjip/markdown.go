package lkjip

import (
	"fmt"
	"io"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// WriteMarkdown writes the report's tables as one Markdown document.
func WriteMarkdown(w io.Writer, r *ppks.Report, st Status) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# LKjIP %d — %s\n\n", r.Year, r.Definition.IndicatorName)
	b.WriteString(st.Line() + "\n\n")
	for _, t := range Tables(r) {
		fmt.Fprintf(&b, "\n## %s. %s\n\n", t.Sheet, t.Title)
		b.WriteString("| " + strings.Join(t.Columns, " | ") + " |\n|")
		b.WriteString(strings.Repeat(" --- |", len(t.Columns)))
		b.WriteString("\n")
		for _, row := range t.Rows {
			cells := make([]string, len(row))
			for i, c := range row {
				cells[i] = strings.ReplaceAll(c.Display(), "|", `\|`)
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
		for _, n := range t.Notes {
			b.WriteString("\n" + n + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
