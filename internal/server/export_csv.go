package server

import (
	"github.com/opendinsos/ppks/internal/csvsafe"
	"github.com/opendinsos/ppks/internal/ppks"
)

// exportNumbers are the columns of the export the service writes as numbers. Every
// other cell is text (names, units, and codes and ids, which never start like a
// formula) and is neutralised: a name such as =HYPERLINK(...) must not run when the
// office opens the file in a spreadsheet.
var exportNumbers = map[string]bool{"quantity": true}

// exportText says, per column of the export, whether it holds text.
var exportText = func() []bool {
	out := make([]bool, len(ppks.ExportHeader))
	for i, h := range ppks.ExportHeader {
		out[i] = !exportNumbers[h]
	}
	return out
}()

// neutralise makes the text cells of an export record safe to open in a spreadsheet.
func neutralise(rec []string) {
	for i := range rec {
		if i >= len(exportText) || exportText[i] {
			rec[i] = csvsafe.Text(rec[i])
		}
	}
}
