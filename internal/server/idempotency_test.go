package server_test

import (
	"testing"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/google/go-cmp/cmp"
)

func TestIdempotentRetry(t *testing.T) {
	e := newEnv(t)
	c := e.openCase(e.person("73.06.08", "").GetName(), "LANSIA_TELANTAR")
	req := &ppksv1.CreateInterventionRequest{
		Parent: c.GetName(), RequestId: e.newUUID(),
		Intervention: &ppksv1.Intervention{InterventionType: "PERMAKANAN", DeliveredOn: day(2024, 5, 5)},
	}
	first, err := e.cases.CreateIntervention(e.ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.cases.CreateIntervention(e.ctx, req)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if diff := cmp.Diff(first, second, protocmp.Transform()); diff != "" {
		t.Fatalf("retry returned another result (-first +retry):\n%s", diff)
	}
	list, err := e.cases.ListInterventions(e.ctx, &ppksv1.ListInterventionsRequest{Parent: "beneficiaries/-/cases/-"})
	if err != nil || len(list.GetInterventions()) != 1 {
		t.Fatalf("after retry: %d interventions (%v), want 1", len(list.GetInterventions()), err)
	}

	// The same request id with another payload is refused and writes nothing.
	other := proto.Clone(req).(*ppksv1.CreateInterventionRequest)
	other.Intervention.DeliveredOn = day(2024, 6, 5)
	_, err = e.cases.CreateIntervention(e.ctx, other)
	wantCode(t, err, codes.FailedPrecondition)
	if f := fieldViolations(err); len(f) != 1 || f[0] != "request_id" {
		t.Errorf("violations = %v, want request_id", f)
	}
	list, _ = e.cases.ListInterventions(e.ctx, &ppksv1.ListInterventionsRequest{Parent: "beneficiaries/-/cases/-"})
	if len(list.GetInterventions()) != 1 {
		t.Fatalf("after reuse: %d interventions, want 1", len(list.GetInterventions()))
	}

	// Over REST: the request id is a query parameter, the body the resource itself.
	path := "/v1/beneficiaries?requestId=" + e.newUUID()
	body := map[string]any{"fullName": "Baso Dg. Sese", "sex": "SEX_MALE", "kecamatanCode": "73.06.01", "birthDate": map[string]any{"year": 1950}}
	code1, b1 := e.do("POST", path, body)
	code2, b2 := e.do("POST", path, body)
	if code1 != 200 || code2 != 200 || b1["name"] == nil || b1["name"] != b2["name"] {
		t.Fatalf("REST retry: %d %v / %d %v", code1, b1["name"], code2, b2["name"])
	}
	body["fullName"] = "Baso Daeng Sese"
	code3, _ := e.do("POST", path, body)
	if code3 != 400 {
		t.Fatalf("REST reuse with another payload: HTTP %d, want 400", code3)
	}
	ppl, _ := e.cases.ListBeneficiaries(e.ctx, &ppksv1.ListBeneficiariesRequest{Filter: `kecamatan_code = "73.06.01"`})
	if len(ppl.GetBeneficiaries()) != 1 {
		t.Fatalf("%d people in 73.06.01, want 1", len(ppl.GetBeneficiaries()))
	}
}
