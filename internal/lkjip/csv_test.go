package lkjip_test

import (
	"bytes"
	"encoding/csv"
	"math/big"
	"slices"
	"testing"

	"github.com/opendinsos/ppks/internal/lkjip"
	"github.com/opendinsos/ppks/internal/ppks"
)

// Text a user typed (programme and budget line names, kecamatan names of a replaced
// regions.csv) comes out of every CSV neutralised against formula injection; numbers,
// negative ones included, stay numbers.
func TestCSVNeutralisesFormulas(t *testing.T) {
	evil := []string{`=HYPERLINK("http://contoh.test","klik")`, "+1+1", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"}
	r := &ppks.Report{Year: 2024, Definition: ppks.ReportDefinition{IndicatorName: evil[0], StrategicObjective: evil[1]}}
	r.Performance.Realisasi = 10
	r.Budget.Efficiency = big.NewRat(-525, 100) // capaian kinerja below capaian anggaran
	for i, name := range evil {
		r.Budget.Programs = append(r.Budget.Programs, ppks.BudgetProgram{Code: "1.06.0" + string(rune('1'+i)), Name: name, Pagu: 100, Realisasi: 50,
			Lines: []ppks.BudgetLine{{Code: "1.06.0" + string(rune('1'+i)) + ".2.01", DisplayName: name, Pagu: 100, Realisasi: 50}}})
		r.Programs = append(r.Programs, ppks.ProgramResult{ID: "p", Name: name, ProgramName: name})
		r.Breakdown.Rows = append(r.Breakdown.Rows, ppks.BreakdownRow{Code: "73.06.0" + string(rune('1'+i)), Name: name, Cells: []ppks.Cell{{Value: 4}}, Total: ppks.Cell{Value: 4}})
	}
	r.Breakdown.Columns = []ppks.Count{{Key: "X", Name: evil[2]}}
	r.Breakdown.ColumnTotals = []ppks.Cell{{Value: 24}}
	var cells []string
	for _, tb := range lkjip.Tables(r) {
		var b bytes.Buffer
		if err := lkjip.WriteCSV(&b, tb); err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", tb.ID, err)
		}
		for _, rec := range records {
			cells = append(cells, rec...)
		}
	}
	for _, c := range cells {
		if c != "" && slices.Contains([]byte("=+-@\t\r"), c[0]) && c != "-5.25" {
			t.Errorf("cell %q starts like a formula", c)
		}
	}
	for _, name := range evil {
		if !slices.Contains(cells, "'"+name) {
			t.Errorf("%q does not appear neutralised", name)
		}
	}
	if !slices.Contains(cells, "-5.25") {
		t.Errorf("the negative efficiency is not written as the number -5.25: %q", cells)
	}
}
