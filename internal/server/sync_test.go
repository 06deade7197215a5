package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
)

// offlineBatch is what a phone captured offline: n people, each with a case and two
// permakanan deliveries, all with client-chosen ids referring to each other.
func (e *env) offlineBatch(n int) *ppksv1.BatchSyncRequest {
	req := &ppksv1.BatchSyncRequest{}
	for i := range n {
		pid, cid := e.newUUID(), e.newUUID()
		person := "beneficiaries/" + pid
		req.Items = append(req.Items,
			&ppksv1.SyncItem{Request: &ppksv1.SyncItem_CreateBeneficiary{CreateBeneficiary: &ppksv1.CreateBeneficiaryRequest{
				RequestId: e.newUUID(), BeneficiaryId: pid,
				Beneficiary: &ppksv1.Beneficiary{FullName: fmt.Sprintf("Lansia %d", i), Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: ownKec}}}},
			&ppksv1.SyncItem{Request: &ppksv1.SyncItem_CreateCase{CreateCase: &ppksv1.CreateCaseRequest{
				Parent: person, RequestId: e.newUUID(), CaseId: cid,
				Case: &ppksv1.Case{PpksType: "LANSIA_TELANTAR", OpenedOn: day(2024, 1, 2)}}}},
		)
		for m := 1; m <= 2; m++ {
			req.Items = append(req.Items, &ppksv1.SyncItem{Request: &ppksv1.SyncItem_CreateIntervention{CreateIntervention: &ppksv1.CreateInterventionRequest{
				Parent: person + "/cases/" + cid, RequestId: e.newUUID(), InterventionId: e.newUUID(),
				Intervention: &ppksv1.Intervention{InterventionType: "PERMAKANAN", DeliveredOn: day(2024, m, 5)}}}})
		}
	}
	return req
}

func statuses(r *ppksv1.BatchSyncResponse) map[ppksv1.SyncStatus]int {
	out := map[ppksv1.SyncStatus]int{}
	for _, x := range r.GetResults() {
		out[x.GetStatus()]++
	}
	return out
}

// countAll counts the records the API lists.
func (e *env) countAll() (people, cases, interventions int) {
	e.t.Helper()
	ppl, err1 := e.cases.ListBeneficiaries(e.ctx, &ppksv1.ListBeneficiariesRequest{PageSize: 1000})
	cs, err2 := e.cases.ListCases(e.ctx, &ppksv1.ListCasesRequest{Parent: "beneficiaries/-", PageSize: 1000})
	ivs, err3 := e.cases.ListInterventions(e.ctx, &ppksv1.ListInterventionsRequest{Parent: "beneficiaries/-/cases/-", PageSize: 1000})
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			e.t.Fatal(err)
		}
	}
	return len(ppl.GetBeneficiaries()), len(cs.GetCases()), len(ivs.GetInterventions())
}

// A batch replayed three times, and one whose answer was lost mid-way and was sent again:
// the records exist once, and the indicator does not move.
func TestBatchSyncReplays(t *testing.T) {
	e := newEnv(t)
	worker := e.users["petugas"]
	batch := e.offlineBatch(20) // 80 items
	first, err := worker.cases.BatchSync(e.ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if got := statuses(first); got[ppksv1.SyncStatus_SYNC_STATUS_CREATED] != 80 {
		t.Fatalf("first send: %v", got)
	}
	want := e.indicator(2024)
	for range 3 {
		again, err := worker.cases.BatchSync(e.ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if got := statuses(again); got[ppksv1.SyncStatus_SYNC_STATUS_ALREADY_EXISTED] != 80 {
			t.Fatalf("replay: %v", got)
		}
		for i, r := range again.GetResults() {
			if r.GetName() != first.GetResults()[i].GetName() {
				t.Fatalf("replay item %d names %s, first %s", i, r.GetName(), first.GetResults()[i].GetName())
			}
		}
	}
	if p, c, i := e.countAll(); p != 20 || c != 20 || i != 40 {
		t.Fatalf("after replays: %d people, %d cases, %d interventions; want 20, 20, 40", p, c, i)
	}
	if got := e.indicator(2024); got.GetTotal() != want.GetTotal() || got.GetTotal() != 20 {
		t.Fatalf("indicator moved: %d, then %d", want.GetTotal(), got.GetTotal())
	}

	// A second phone's batch: the connection drops after part of it was applied (the
	// server applied the first 30 items), then the whole batch is sent again.
	lost := e.offlineBatch(10) // 40 items
	partial := &ppksv1.BatchSyncRequest{Items: lost.GetItems()[:30]}
	if _, err := worker.cases.BatchSync(e.ctx, partial); err != nil {
		t.Fatal(err)
	}
	// And a send whose deadline expires while the server works.
	ctx, cancel := context.WithTimeout(e.ctx, time.Millisecond)
	_, _ = worker.cases.BatchSync(ctx, lost)
	cancel()
	resent, err := worker.cases.BatchSync(e.ctx, lost)
	if err != nil {
		t.Fatal(err)
	}
	got := statuses(resent)
	if got[ppksv1.SyncStatus_SYNC_STATUS_FAILED] != 0 || got[ppksv1.SyncStatus_SYNC_STATUS_ALREADY_EXISTED] < 30 ||
		got[ppksv1.SyncStatus_SYNC_STATUS_CREATED]+got[ppksv1.SyncStatus_SYNC_STATUS_ALREADY_EXISTED] != 40 {
		t.Fatalf("resent batch: %v", got)
	}
	if p, c, i := e.countAll(); p != 30 || c != 30 || i != 60 {
		t.Fatalf("after the resend: %d people, %d cases, %d interventions; want 30, 30, 60", p, c, i)
	}
	if got := e.indicator(2024).GetTotal(); got != 30 {
		t.Fatalf("indicator after the resend: %d, want 30", got)
	}
}

// One bad item never blocks the others; its error is the single method's.
func TestBatchSyncItemErrors(t *testing.T) {
	e := newEnv(t)
	batch := e.offlineBatch(2)
	bad := proto.Clone(batch.GetItems()[0]).(*ppksv1.SyncItem)
	bad.GetCreateBeneficiary().RequestId = e.newUUID()
	bad.GetCreateBeneficiary().BeneficiaryId = e.newUUID()
	bad.GetCreateBeneficiary().Beneficiary.Nik = "123"
	// The bad person first, then a case under them (fails: no such person), then the rest.
	orphan := &ppksv1.SyncItem{Request: &ppksv1.SyncItem_CreateCase{CreateCase: &ppksv1.CreateCaseRequest{
		Parent: "beneficiaries/" + bad.GetCreateBeneficiary().GetBeneficiaryId(), RequestId: e.newUUID(),
		Case: &ppksv1.Case{PpksType: "LANSIA_TELANTAR"}}}}
	batch.Items = append([]*ppksv1.SyncItem{bad, orphan}, batch.Items...)
	r, err := e.users["petugas"].cases.BatchSync(e.ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if r.GetResults()[0].GetStatus() != ppksv1.SyncStatus_SYNC_STATUS_FAILED || codes.Code(r.GetResults()[0].GetError().GetCode()) != codes.InvalidArgument {
		t.Fatalf("bad item: %v", r.GetResults()[0])
	}
	// For a worker an unknown person is PermissionDenied, as any id outside their area.
	if codes.Code(r.GetResults()[1].GetError().GetCode()) != codes.PermissionDenied {
		t.Fatalf("orphan item: %v", r.GetResults()[1])
	}
	if got := statuses(r); got[ppksv1.SyncStatus_SYNC_STATUS_CREATED] != 8 {
		t.Fatalf("the good items: %v", got)
	}
	// Too large a batch is refused whole.
	big := e.offlineBatch(126) // 504 items
	_, err = e.users["petugas"].cases.BatchSync(e.ctx, big)
	wantCode(t, err, codes.InvalidArgument)
	// Over REST too.
	code, body := e.doAs(e.users["petugas"].token, "POST", "/v1/beneficiaries:batchSync", map[string]any{"items": []any{
		map[string]any{"createBeneficiary": map[string]any{"requestId": e.newUUID(), "beneficiary": map[string]any{
			"fullName": "Lewat REST", "sex": "SEX_MALE", "kecamatanCode": ownKec}}},
	}})
	if code != 200 || body["results"].([]any)[0].(map[string]any)["status"] != "SYNC_STATUS_CREATED" {
		t.Fatalf("REST batch: %d %v", code, body)
	}
}
