package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// The holes an outside security test found (issue 10), each tested through gRPC and the
// gateway where both apply.

// errorInfo returns the ErrorInfo reason of a gRPC status and whether it names a
// resource.
func errorInfo(err error) (reason string, names bool) {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason(), info.GetMetadata()["resource"] != ""
		}
	}
	return "", false
}

// jsonReason returns the ErrorInfo reason of a gateway error body.
func jsonReason(body map[string]any) string {
	details, _ := body["details"].([]any)
	for _, d := range details {
		if m, _ := d.(map[string]any); m["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" {
			r, _ := m["reason"].(string)
			return r
		}
	}
	return ""
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func interventionNames(r *ppksv1.ListInterventionsResponse) []string {
	var out []string
	for _, iv := range r.GetInterventions() {
		out = append(out, iv.GetName())
	}
	return out
}

// Point 1: a record belongs to the area of its person, wherever it was delivered, in every
// list, filter, timeline, history and export.
func TestRecordsBelongToTheirPersonsArea(t *testing.T) {
	e := newEnv(t)
	// A person of the other kecamatan served in the worker's own, and the other way round.
	foreign := e.person(otherKec, "")
	foreignCase := e.openCase(foreign.GetName(), "LANSIA_TELANTAR")
	foreignIv, err := e.cases.CreateIntervention(e.ctx, &ppksv1.CreateInterventionRequest{Parent: foreignCase.GetName(), RequestId: e.newUUID(),
		Intervention: &ppksv1.Intervention{InterventionType: "RUJUKAN", DeliveredOn: day(2024, 3, 4), KecamatanCode: ownKec, Notes: "catatan rahasia"}})
	if err != nil {
		t.Fatal(err)
	}
	own := e.person(ownKec, "")
	ownCase := e.openCase(own.GetName(), "LANSIA_TELANTAR")
	ownIv, err := e.cases.CreateIntervention(e.ctx, &ppksv1.CreateInterventionRequest{Parent: ownCase.GetName(), RequestId: e.newUUID(),
		Intervention: &ppksv1.Intervention{InterventionType: "RUJUKAN", DeliveredOn: day(2024, 3, 5), KecamatanCode: otherKec}})
	if err != nil {
		t.Fatal(err)
	}
	worker := e.users["petugas"]
	all := "beneficiaries/-/cases/-"

	for _, tt := range []struct {
		filter string
		want   []string
	}{
		{"", []string{ownIv.GetIntervention().GetName()}},
		{`kecamatan_code = "` + ownKec + `"`, []string{ownIv.GetIntervention().GetName()}},
		{`kecamatan_code = "` + otherKec + `"`, nil},
		{`delivered_kecamatan_code = "` + ownKec + `"`, nil},
		{`delivered_kecamatan_code = "` + otherKec + `"`, []string{ownIv.GetIntervention().GetName()}},
		{"verification = PENDING", []string{ownIv.GetIntervention().GetName()}},
		{"year = 2024 AND intervention_type = RUJUKAN", []string{ownIv.GetIntervention().GetName()}},
	} {
		got, err := worker.cases.ListInterventions(e.ctx, &ppksv1.ListInterventionsRequest{Parent: all, Filter: tt.filter})
		if err != nil {
			t.Fatalf("ListInterventions(%q): %v", tt.filter, err)
		}
		if names := interventionNames(got); !slices.Equal(names, tt.want) {
			t.Errorf("worker's interventions with filter %q = %v, want %v", tt.filter, names, tt.want)
		}
	}
	// Through the gateway: the foreign record is nowhere in the answer.
	code, body := e.doAs(worker.token, "GET", "/v1/"+all+"/interventions", nil)
	if text := mustJSON(t, body); code != 200 || strings.Contains(text, foreign.GetName()) || strings.Contains(text, "catatan rahasia") ||
		!strings.Contains(text, ownIv.GetIntervention().GetName()) {
		t.Errorf("REST list of the worker: HTTP %d %s", code, text)
	}
	if code, _ := e.doAs(worker.token, "GET", "/v1/"+foreignIv.GetIntervention().GetName(), nil); code != 403 {
		t.Errorf("GET of the foreign intervention: HTTP %d, want 403", code)
	}
	// Cases likewise.
	cases, err := worker.cases.ListCases(e.ctx, &ppksv1.ListCasesRequest{Parent: "beneficiaries/-"})
	if err != nil || len(cases.GetCases()) != 1 || cases.GetCases()[0].GetName() != ownCase.GetName() {
		t.Errorf("worker's cases = %v, %v; want only %s", cases, err, ownCase.GetName())
	}
	// The audit entries of the worker's reads never name the foreign record.
	for _, a := range e.auditEntries(`username = "petugas" AND action = READ`) {
		if slices.Contains(a.GetRecords(), foreignIv.GetIntervention().GetName()) {
			t.Errorf("audit entry %s names a record outside the worker's area", a.GetName())
		}
	}
	// The worker's own person's record delivered elsewhere is theirs: in the timeline and
	// its history, and correctable.
	tl, err := worker.cases.GetTimeline(e.ctx, &ppksv1.GetTimelineRequest{Name: own.GetName()})
	if err != nil || len(tl.GetEvents()) != 2 {
		t.Errorf("timeline of the worker's person = %v, %v; want the case and the intervention", tl, err)
	}
	if _, err := worker.cases.ListChanges(e.ctx, &ppksv1.ListChangesRequest{Parent: ownIv.GetIntervention().GetName()}); err != nil {
		t.Errorf("history of the worker's intervention delivered elsewhere: %v", err)
	}
	// The other kecamatan's worker sees the mirror image.
	other, err := e.users["petugas.lain"].cases.ListInterventions(e.ctx, &ppksv1.ListInterventionsRequest{Parent: all})
	if names := interventionNames(other); err != nil || !slices.Equal(names, []string{foreignIv.GetIntervention().GetName()}) {
		t.Errorf("other worker's interventions = %v, %v", names, err)
	}
	// The supervisor's export has both, each with the person it belongs to.
	code, raw := e.doRaw(e.users["kabid"].token, "GET", "/v1/reports/2024/interventions:export")
	if code != 200 || !strings.Contains(raw, foreignIv.GetIntervention().GetName()) || !strings.Contains(raw, ownIv.GetIntervention().GetName()) {
		t.Errorf("supervisor export: HTTP %d\n%s", code, raw)
	}
}

// Point 2: registering a NIK held in another kecamatan tells the worker only that the
// person is known elsewhere, is audited, and leads to a transfer request; a client-chosen
// id taken in another area is refused as a GET of it is.
func TestPersonKnownElsewhere(t *testing.T) {
	e := newEnv(t)
	const nik = "7306014512850007"
	held, err := e.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(),
		Beneficiary: &ppksv1.Beneficiary{Nik: nik, FullName: "Daeng Sanga", Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: otherKec, Address: "Jl. Lama"}})
	if err != nil {
		t.Fatal(err)
	}
	holder := held.GetBeneficiary()
	worker := e.users["petugas"]
	newcomer := &ppksv1.Beneficiary{Nik: nik, FullName: "Daeng Sanga", Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: ownKec}
	leaks := func(text string) bool {
		id := strings.TrimPrefix(holder.GetName(), "beneficiaries/")
		return strings.Contains(text, id) || strings.Contains(text, otherKec) || strings.Contains(text, "Jl. Lama")
	}

	_, err = worker.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(), Beneficiary: newcomer})
	wantCode(t, err, codes.AlreadyExists)
	if reason, names := errorInfo(err); reason != "NIK_REGISTERED_ELSEWHERE" || names || leaks(fmt.Sprint(status.Convert(err).Proto())) {
		t.Errorf("gRPC answer %v: want NIK_REGISTERED_ELSEWHERE naming nothing", status.Convert(err).Proto())
	}
	code, body := e.doAs(worker.token, "POST", "/v1/beneficiaries?requestId="+e.newUUID(), map[string]any{
		"nik": nik, "fullName": "Daeng Sanga", "sex": "SEX_FEMALE", "kecamatanCode": ownKec})
	if code != 409 || jsonReason(body) != "NIK_REGISTERED_ELSEWHERE" || leaks(mustJSON(t, body)) ||
		!slices.Contains(jsonFieldViolations(body), "beneficiary.nik") {
		t.Errorf("REST answer HTTP %d %v", code, body)
	}
	// The same through a sync batch and through a correction of a NIK.
	batch, err := worker.cases.BatchSync(e.ctx, &ppksv1.BatchSyncRequest{Items: []*ppksv1.SyncItem{{Request: &ppksv1.SyncItem_CreateBeneficiary{
		CreateBeneficiary: &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(), Beneficiary: newcomer}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := batch.GetResults()[0]; r.GetStatus() != ppksv1.SyncStatus_SYNC_STATUS_FAILED ||
		codes.Code(r.GetError().GetCode()) != codes.AlreadyExists || leaks(fmt.Sprint(r)) {
		t.Errorf("batch item = %v", r)
	}
	mine := e.person(ownKec, "")
	_, err = worker.cases.UpdateBeneficiary(e.ctx, &ppksv1.UpdateBeneficiaryRequest{
		Beneficiary: &ppksv1.Beneficiary{Name: mine.GetName(), Nik: nik, Etag: mine.GetEtag()},
		UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"nik"}}})
	if reason, names := errorInfo(err); status.Code(err) != codes.AlreadyExists || reason != "NIK_REGISTERED_ELSEWHERE" || names {
		t.Errorf("PATCH of a NIK held elsewhere: %v", err)
	}
	// Every such lookup is in the audit log, with the record it found.
	lookups := e.auditEntries(`username = "petugas" AND method = "NIKRegisteredElsewhere"`)
	if len(lookups) != 4 || !slices.Contains(lookups[0].GetRecords(), holder.GetName()) {
		t.Errorf("audited lookups beyond the area = %v, want 4 naming %s", lookups, holder.GetName())
	}
	// Within the worker's own area the answer names the record (theirs to read).
	_, err = worker.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(),
		Beneficiary: &ppksv1.Beneficiary{Nik: "7306084512850009", FullName: "Baru", Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: ownKec}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = worker.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(),
		Beneficiary: &ppksv1.Beneficiary{Nik: "7306084512850009", FullName: "Baru", Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: ownKec}})
	if reason, names := errorInfo(err); reason != "NIK_EXISTS" || !names {
		t.Errorf("NIK of the worker's own area: %v", err)
	}

	// A client-chosen id taken in another area: refused as a GET of it is.
	id := strings.TrimPrefix(holder.GetName(), "beneficiaries/")
	_, err = worker.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(), BeneficiaryId: id,
		Beneficiary: &ppksv1.Beneficiary{FullName: "Orang Lain", Sex: ppksv1.Sex_SEX_MALE, KecamatanCode: ownKec}})
	wantCode(t, err, codes.PermissionDenied)
	_, err = worker.cases.GetBeneficiary(e.ctx, &ppksv1.GetBeneficiaryRequest{Name: holder.GetName()})
	wantCode(t, err, codes.PermissionDenied)
	_, err = worker.cases.CreateCase(e.ctx, &ppksv1.CreateCaseRequest{Parent: mine.GetName(), RequestId: e.newUUID(),
		CaseId: strings.TrimPrefix(e.openCase(holder.GetName(), "LANSIA_TELANTAR").GetName(), holder.GetName()+"/cases/"),
		Case:   &ppksv1.Case{PpksType: "LANSIA_TELANTAR"}})
	wantCode(t, err, codes.PermissionDenied)

	// The way forward: a transfer request, decided by a supervisor.
	tr, err := worker.cases.CreateTransfer(e.ctx, &ppksv1.CreateTransferRequest{RequestId: e.newUUID(),
		Transfer: &ppksv1.Transfer{Nik: nik, ToKecamatanCode: ownKec, Reason: "Pindah ke rumah anaknya"}})
	if err != nil {
		t.Fatal(err)
	}
	pending := tr.GetTransfer()
	if pending.GetState() != ppksv1.TransferState_TRANSFER_STATE_PENDING || pending.GetBeneficiary() != "" ||
		pending.GetFromKecamatanCode() != "" || pending.GetNik() == nik || leaks(fmt.Sprint(pending)) {
		t.Errorf("the worker's pending request shows %v", pending)
	}
	_, err = e.users["petugas.lain"].cases.GetTransfer(e.ctx, &ppksv1.GetTransferRequest{Name: pending.GetName()})
	wantCode(t, err, codes.PermissionDenied)
	_, err = worker.cases.ApproveTransfer(e.ctx, &ppksv1.ApproveTransferRequest{Name: pending.GetName()})
	wantCode(t, err, codes.PermissionDenied)
	_, err = worker.cases.CreateTransfer(e.ctx, &ppksv1.CreateTransferRequest{RequestId: e.newUUID(),
		Transfer: &ppksv1.Transfer{Nik: nik, ToKecamatanCode: ownKec, Reason: "Sekali lagi"}})
	wantCode(t, err, codes.AlreadyExists)
	// That refusal told the worker that someone outside their area holds the NIK: audited.
	if got := e.auditEntries(`method = "TransferLookup" AND username = "petugas"`); len(got) != 1 ||
		!slices.Contains(got[0].GetRecords(), holder.GetName()) {
		t.Errorf("the refused request's lookup in the audit log: %v; want one entry naming %s", got, holder.GetName())
	}
	_, err = worker.cases.CreateTransfer(e.ctx, &ppksv1.CreateTransferRequest{RequestId: e.newUUID(),
		Transfer: &ppksv1.Transfer{Nik: "7306014512850099", ToKecamatanCode: ownKec, Reason: "Pindah"}})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = worker.cases.CreateTransfer(e.ctx, &ppksv1.CreateTransferRequest{RequestId: e.newUUID(),
		Transfer: &ppksv1.Transfer{Nik: nik, ToKecamatanCode: otherKec, Reason: "Pindah"}})
	wantCode(t, err, codes.PermissionDenied)

	queue, err := e.cases.ListTransfers(e.ctx, &ppksv1.ListTransfersRequest{Filter: "state = PENDING"})
	if err != nil || len(queue.GetTransfers()) != 1 || queue.GetTransfers()[0].GetBeneficiary() != holder.GetName() {
		t.Fatalf("supervisor's queue = %v, %v", queue, err)
	}
	code, body = e.doAs(e.users["kabid"].token, "POST", "/v1/"+pending.GetName()+":approve", map[string]any{})
	if code != 200 || body["state"] != "TRANSFER_STATE_APPROVED" {
		t.Fatalf("approve: HTTP %d %v", code, body)
	}
	moved, err := worker.cases.GetBeneficiary(e.ctx, &ppksv1.GetBeneficiaryRequest{Name: holder.GetName()})
	if err != nil || moved.GetBeneficiary().GetKecamatanCode() != ownKec {
		t.Fatalf("the worker reads the transferred person: %v, %v", moved, err)
	}
	if got, _ := worker.cases.GetTransfer(e.ctx, &ppksv1.GetTransferRequest{Name: pending.GetName()}); got.GetTransfer().GetBeneficiary() != holder.GetName() {
		t.Errorf("the approved request does not show the worker their person: %v", got)
	}
	h, err := worker.cases.ListChanges(e.ctx, &ppksv1.ListChangesRequest{Parent: holder.GetName()})
	if err != nil || len(h.GetChanges()) == 0 || h.GetChanges()[len(h.GetChanges())-1].GetMethod() != "ApproveTransfer" {
		t.Errorf("the person's history = %v, %v; want the transfer last", h, err)
	}
	_, err = e.users["petugas.lain"].cases.GetBeneficiary(e.ctx, &ppksv1.GetBeneficiaryRequest{Name: holder.GetName()})
	wantCode(t, err, codes.PermissionDenied)
	// A rejection needs a reason, and moves nobody.
	again, err := e.users["petugas.lain"].cases.CreateTransfer(e.ctx, &ppksv1.CreateTransferRequest{RequestId: e.newUUID(),
		Transfer: &ppksv1.Transfer{Nik: nik, ToKecamatanCode: otherKec, Reason: "Kembali"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.cases.RejectTransfer(e.ctx, &ppksv1.RejectTransferRequest{Name: again.GetTransfer().GetName()})
	wantCode(t, err, codes.InvalidArgument)
	if r, err := e.cases.RejectTransfer(e.ctx, &ppksv1.RejectTransferRequest{Name: again.GetTransfer().GetName(), Reason: "Masih tinggal di Somba Opu"}); err != nil ||
		r.GetTransfer().GetState() != ppksv1.TransferState_TRANSFER_STATE_REJECTED {
		t.Fatalf("reject: %v, %v", r, err)
	}
	if still, _ := worker.cases.GetBeneficiary(e.ctx, &ppksv1.GetBeneficiaryRequest{Name: holder.GetName()}); still.GetBeneficiary().GetKecamatanCode() != ownKec {
		t.Errorf("a rejected request moved the person")
	}
}

// Point 3: a request id is its sender's. Another user sending the identical request with
// the same id gets the answer their own request deserves (every check runs), never the
// first sender's record: for every field-work write with a request id, and in a batch.
func TestRequestIDsArePerUser(t *testing.T) {
	e := newEnv(t)
	build := requests(e)
	owner, other := e.users["petugas"], e.users["petugas.lain"]
	tried := 0
	for _, m := range apiMethods(t) {
		method := fullName(m)
		req, ok := build[method]
		if !ok || (m.Input().Fields().ByName("request_id") == nil && m.Name() != "BatchSync") || expected(method, ppks.RoleWorker, true) != allow {
			continue // updates carry an etag, not a request id; a batch's items carry theirs
		}
		t.Run(string(m.Name()), func(t *testing.T) {
			msg := req(ownKec)
			if rid := msg.ProtoReflect().Descriptor().Fields().ByName("request_id"); rid != nil && msg.ProtoReflect().Get(rid).String() == "" {
				msg.ProtoReflect().Set(rid, protoreflect.ValueOfString(e.newUUID()))
			}
			first, err := e.invoke(m, owner.token, msg)
			if err != nil {
				t.Fatalf("the owner's request: %v", err)
			}
			replay, err := e.invoke(m, other.token, proto.Clone(msg))
			if string(m.Name()) != "BatchSync" {
				if status.Code(err) != codes.PermissionDenied {
					t.Fatalf("another user's identical request: %v %v, want PermissionDenied (first answer %v)", replay, err, first)
				}
				return
			}
			// A replayed sync id names the same items, in the owner's area: each is refused.
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range replay.(*ppksv1.BatchSyncResponse).GetResults() {
				if codes.Code(r.GetError().GetCode()) != codes.PermissionDenied || r.GetName() != "" {
					t.Errorf("replayed batch item %d = %v, want PermissionDenied naming nothing", r.GetIndex(), r)
				}
			}
		})
		tried++
	}
	if tried < 8 {
		t.Fatalf("only %d writes with a request id tried", tried)
	}
	// A user of the whole kabupaten sending a worker's request id makes a request of
	// their own, audited under their name.
	reqID := e.newUUID()
	c := e.openCase(e.person(ownKec, "").GetName(), "LANSIA_TELANTAR")
	create := &ppksv1.CreateInterventionRequest{Parent: c.GetName(), RequestId: reqID,
		Intervention: &ppksv1.Intervention{InterventionType: "PERMAKANAN", DeliveredOn: day(2024, 5, 6)}}
	a, err := owner.cases.CreateIntervention(e.ctx, create)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.users["kabid"].cases.CreateIntervention(e.ctx, create)
	if err != nil || b.GetIntervention().GetName() == a.GetIntervention().GetName() || b.GetIntervention().GetWorker() != "kabid" {
		t.Fatalf("the supervisor's request with the worker's id = %v, %v; want a record of its own", b, err)
	}
	if n := len(e.auditEntries(`username = "kabid" AND method = "CreateIntervention"`)); n != 1 {
		t.Errorf("%d audit entries of the supervisor's create, want 1", n)
	}
}

// Point 4: a locked year changes only through an open amendment, whatever the path:
// merges, PPKS category and KK number changes, budget lines, programme indicators,
// targets and the Renstra period.
func TestLockedYearRefusesEveryPath(t *testing.T) {
	e := newEnv(t)
	sys := ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal)
	first, second := e.person(ownKec, ""), e.person(ownKec, "")
	firstCase := e.openCase(first.GetName(), "LANSIA_TELANTAR")
	e.deliver(firstCase.GetName(), "PERMAKANAN", 2024, 3, 1)
	e.deliver(e.openCase(second.GetName(), "LANSIA_TELANTAR").GetName(), "PERMAKANAN", 2024, 4, 1)
	admin, planner := e.users["admin"], e.users["perencana"]
	if _, err := e.svc.UpdateBudgetLine(sys, ppks.BudgetLine{Year: 2024, Code: "1.06.04.2.01", DisplayName: "Rehabilitasi",
		Pagu: 100, Realisasi: 90, PerformanceAgreement: true}, []string{"display_name", "pagu", "realisasi", "performance_agreement"}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateTarget(sys, ppks.Target{Indicator: "penurunan-ppks", Year: 2024, Value: ptr(580)}, []string{"value"}, true); err != nil {
		t.Fatal(err)
	}
	if code, body := e.doAs(admin.token, "POST", "/v1/reports/2024:lock?requestId="+e.newUUID(), map[string]any{}); code != 200 {
		t.Fatalf("lock: HTTP %d %v", code, body)
	}
	locked := func(what string, err error) {
		t.Helper()
		if reason, _ := errorInfo(err); status.Code(err) != codes.FailedPrecondition || reason != "YEAR_LOCKED" {
			t.Errorf("%s in a locked year: %v, want FailedPrecondition YEAR_LOCKED", what, err)
		}
	}
	merge := &ppksv1.MergeBeneficiariesRequest{Name: first.GetName(), Duplicate: second.GetName(), Reason: "Orang yang sama"}
	_, err := e.cases.MergeBeneficiaries(e.ctx, merge)
	locked("a merge", err)
	_, err = e.cases.UpdateCase(e.ctx, &ppksv1.UpdateCaseRequest{Case: &ppksv1.Case{Name: firstCase.GetName(), PpksType: "ODHA", Etag: e.etag(firstCase.GetName())}})
	locked("a PPKS category change", err)
	_, err = e.cases.UpdateBeneficiary(e.ctx, &ppksv1.UpdateBeneficiaryRequest{
		Beneficiary: &ppksv1.Beneficiary{Name: first.GetName(), KkNumber: "7306081234560001", Etag: e.etag(first.GetName())},
		UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"kk_number"}}})
	locked("a KK number change", err)
	// What moves no figure still goes through: an address, a category change of a case
	// with no 2024 service.
	if _, err := e.cases.UpdateBeneficiary(e.ctx, &ppksv1.UpdateBeneficiaryRequest{
		Beneficiary: &ppksv1.Beneficiary{Name: first.GetName(), Address: "Jl. Baru", Etag: e.etag(first.GetName())},
		UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"address"}}}); err != nil {
		t.Errorf("an address change in a locked year: %v", err)
	}
	unserved := e.openCase(first.GetName(), "LANSIA_TELANTAR")
	if _, err := e.cases.UpdateCase(e.ctx, &ppksv1.UpdateCaseRequest{Case: &ppksv1.Case{Name: unserved.GetName(), PpksType: "ODHA", Etag: unserved.GetEtag()}}); err != nil {
		t.Errorf("a category change of a case with no service: %v", err)
	}
	rs := ppksv1.NewReportServiceClient(e.conn)
	as := func(u *user) grpc.CallOption { return grpc.PerRPCCredentials(bearerCreds(u.token)) }
	_, err = rs.UpdateBudgetLine(e.ctx, &ppksv1.UpdateBudgetLineRequest{BudgetLine: &ppksv1.BudgetLine{
		Name: "reports/2024/budgetLines/1.06.04.2.01", Realisasi: 95}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"realisasi"}}}, as(planner))
	locked("a budget line", err)
	_, err = rs.UpdateProgramIndicator(e.ctx, &ppksv1.UpdateProgramIndicatorRequest{AllowMissing: true, ProgramIndicator: &ppksv1.ProgramIndicator{
		Name: "reports/2024/programIndicators/rehab", DisplayName: "Persentase PPKS", ProgramCode: "1.06.04",
		InterventionTypes: []string{"PERMAKANAN"}, Population: 100, TargetPercent: "10"}}, as(planner))
	locked("a programme indicator", err)
	_, err = admin.ind.UpdateTarget(e.ctx, &ppksv1.UpdateTargetRequest{Target: &ppksv1.Target{Name: "indicators/penurunan-ppks/targets/2024", Value: proto.Int32(600)}})
	locked("a target", err)
	_, err = rs.UpdateStrategicPlan(e.ctx, &ppksv1.UpdateStrategicPlanRequest{StrategicPlan: &ppksv1.StrategicPlan{
		Name: "indicators/penurunan-ppks/strategicPlan", StartYear: 2021, EndYear: 2026, BaselineYear: 2020}}, as(planner))
	locked("a Renstra period spanning the year", err)
	// Over REST the refusal is 400 with its reason.
	if code, body := e.doAs(e.users["kabid"].token, "POST", "/v1/"+first.GetName()+":merge", map[string]any{
		"duplicate": second.GetName(), "reason": "Orang yang sama"}); code != 400 || jsonReason(body) != "YEAR_LOCKED" {
		t.Errorf("REST merge in a locked year: HTTP %d %v", code, body)
	}

	// Through an open amendment the merge goes in, and shows among the year's changes.
	if _, err := e.svc.CreateAmendment(sys, ppks.RequestKey{ID: e.newUUID()}, 2024, "Data ganda", testNow.Add(ppks.DefaultAmendmentTTL)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cases.MergeBeneficiaries(e.ctx, merge); err != nil {
		t.Fatalf("a merge under an amendment: %v", err)
	}
	changes, err := rs.GetReportChanges(e.ctx, &ppksv1.GetReportChangesRequest{Name: "reports/2024/changes"}, as(planner))
	if err != nil {
		t.Fatal(err)
	}
	if rc := changes.GetReportChanges(); len(rc.GetFigureChanges()) == 0 || rc.GetUnamendedChanges() != 0 || len(rc.GetAmendments()) != 1 {
		t.Errorf("changes since the lock after a merge under an amendment: %v", rc)
	}
}

// doRaw sends a GET through the gateway as a user and returns the status and body.
func (e *env) doRaw(token, method, path string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, method, e.url+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// Lists say how many records their filter selects in the caller's area (issue 15), on
// their first page, through gRPC and REST.
func TestListsGiveTheirTotal(t *testing.T) {
	e := newEnv(t)
	for range 3 {
		e.deliver(e.openCase(e.person(ownKec, "").GetName(), "LANSIA_TELANTAR").GetName(), "PERMAKANAN", 2024, 2, 3)
	}
	e.person(otherKec, "")
	worker := e.users["petugas"]
	first, err := worker.cases.ListBeneficiaries(e.ctx, &ppksv1.ListBeneficiariesRequest{PageSize: 2})
	if err != nil || first.GetTotalSize() != 3 || len(first.GetBeneficiaries()) != 2 {
		t.Fatalf("the worker's first page of people: total %d, %d people, %v; want 3 in all, 2 shown", first.GetTotalSize(), len(first.GetBeneficiaries()), err)
	}
	second, err := worker.cases.ListBeneficiaries(e.ctx, &ppksv1.ListBeneficiariesRequest{PageSize: 2, PageToken: first.GetNextPageToken()})
	if err != nil || second.GetTotalSize() != 0 || len(second.GetBeneficiaries()) != 1 {
		t.Fatalf("second page: total %d, %d people, %v", second.GetTotalSize(), len(second.GetBeneficiaries()), err)
	}
	if all, err := e.cases.ListBeneficiaries(e.ctx, &ppksv1.ListBeneficiariesRequest{}); err != nil || all.GetTotalSize() != 4 {
		t.Errorf("the supervisor's total = %d, %v; want 4", all.GetTotalSize(), err)
	}
	if cs, err := worker.cases.ListCases(e.ctx, &ppksv1.ListCasesRequest{Parent: "beneficiaries/-", Filter: "state = OPEN"}); err != nil || cs.GetTotalSize() != 3 {
		t.Errorf("cases total = %d, %v; want 3", cs.GetTotalSize(), err)
	}
	code, body := e.doAs(worker.token, "GET", "/v1/beneficiaries/-/cases/-/interventions?filter=year%3D2024&pageSize=1", nil)
	if code != 200 || body["totalSize"] != float64(3) {
		t.Errorf("REST interventions: HTTP %d, totalSize %v; want 3", code, body["totalSize"])
	}
}
