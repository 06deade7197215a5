package server_test

import (
	"slices"
	"strings"
	"testing"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/grpc/codes"
)

// auditEntries lists the audit log (newest first) as the administrator.
func (e *env) auditEntries(filter string) []*ppksv1.AuditEntry {
	e.t.Helper()
	r, err := e.admin.ListAuditEntries(e.ctx, &ppksv1.ListAuditEntriesRequest{Filter: filter, PageSize: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return r.GetAuditEntries()
}

func TestAuditLog(t *testing.T) {
	e := newEnv(t)
	worker := e.users["petugas"]
	reqID := e.newUUID()
	created, err := worker.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: reqID,
		Beneficiary: &ppksv1.Beneficiary{FullName: "Sitti Aminah", Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: ownKec, Nik: "7306084512850001"}})
	if err != nil {
		t.Fatal(err)
	}
	person := created.GetBeneficiary().GetName()

	writes := e.auditEntries(`action = WRITE AND resource = "` + person + `"`)
	if len(writes) != 1 {
		t.Fatalf("%d write entries for the new person, want 1", len(writes))
	}
	w := writes[0]
	if w.GetUsername() != "petugas" || w.GetRole() != ppksv1.Role_ROLE_WORKER || w.GetMethod() != "CreateBeneficiary" ||
		w.GetRequestId() != reqID || w.GetTime() == nil || !strings.Contains(w.GetSummary(), "nik") {
		t.Fatalf("write entry = %v", w)
	}
	if strings.Contains(w.String(), "7306084512850001") || strings.Contains(w.String(), "Sitti") {
		t.Fatalf("the audit entry copies personal values: %v", w)
	}

	// A retry writes nothing, and so adds no entry.
	if _, err := worker.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: reqID,
		Beneficiary: &ppksv1.Beneficiary{FullName: "Sitti Aminah", Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: ownKec, Nik: "7306084512850001"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.auditEntries(`action = WRITE AND resource = "` + person + `"`)); n != 1 {
		t.Fatalf("after a retry: %d write entries, want 1", n)
	}

	// Reads of a person, and lists containing persons, are recorded with who and which.
	if _, err := e.cases.GetBeneficiary(e.ctx, &ppksv1.GetBeneficiaryRequest{Name: person}); err != nil {
		t.Fatal(err)
	}
	if _, err := worker.cases.ListBeneficiaries(e.ctx, &ppksv1.ListBeneficiariesRequest{}); err != nil {
		t.Fatal(err)
	}
	reads := e.auditEntries(`action = READ AND resource = "` + person + `"`)
	if len(reads) != 2 {
		t.Fatalf("%d read entries naming the person, want 2: %v", len(reads), reads)
	}
	if reads[0].GetUsername() != "petugas" || reads[0].GetMethod() != "ListBeneficiaries" || !slices.Contains(reads[0].GetRecords(), person) {
		t.Errorf("list read entry = %v", reads[0])
	}
	if reads[1].GetUsername() != "kabid" || reads[1].GetMethod() != "GetBeneficiary" {
		t.Errorf("get read entry = %v", reads[1])
	}

	// Failed writes leave no entry claiming success.
	before := len(e.auditEntries("action = WRITE"))
	kase, err := worker.cases.CreateCase(e.ctx, &ppksv1.CreateCaseRequest{Parent: person, RequestId: e.newUUID(), Case: &ppksv1.Case{PpksType: "PEREMPUAN_RAWAN_SOSEK"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := worker.cases.CloseCase(e.ctx, &ppksv1.CloseCaseRequest{Name: kase.GetCase().GetName(), Outcome: ppksv1.CaseOutcome_CASE_OUTCOME_MOVED}); err != nil {
		t.Fatal(err)
	}
	_, err = worker.cases.CreateIntervention(e.ctx, &ppksv1.CreateInterventionRequest{Parent: kase.GetCase().GetName(), RequestId: e.newUUID(),
		Intervention: &ppksv1.Intervention{InterventionType: "RUJUKAN", DeliveredOn: day(2025, 1, 2)}})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = worker.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(), Beneficiary: &ppksv1.Beneficiary{FullName: "X"}})
	wantCode(t, err, codes.InvalidArgument)
	_, err = worker.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(),
		Beneficiary: &ppksv1.Beneficiary{FullName: "Di Luar", Sex: ppksv1.Sex_SEX_MALE, KecamatanCode: otherKec}})
	wantCode(t, err, codes.PermissionDenied)
	after := e.auditEntries("action = WRITE")
	if len(after) != before+2 {
		t.Fatalf("%d new write entries, want 2 (the case opened and closed): %v", len(after)-before, after[:len(after)-before])
	}
	if after[0].GetMethod() != "CloseCase" || after[1].GetMethod() != "CreateCase" {
		t.Errorf("newest entries: %s, %s", after[0].GetMethod(), after[1].GetMethod())
	}

	// Filters and paging.
	if got := e.auditEntries(`username = "kabid" AND method = "GetBeneficiary"`); len(got) != 1 {
		t.Errorf("filtered by user and method: %d entries", len(got))
	}
	page, err := e.admin.ListAuditEntries(e.ctx, &ppksv1.ListAuditEntriesRequest{PageSize: 2})
	if err != nil || len(page.GetAuditEntries()) != 2 || page.GetNextPageToken() == "" {
		t.Fatalf("first page: %v %v", page, err)
	}
	next, err := e.admin.ListAuditEntries(e.ctx, &ppksv1.ListAuditEntriesRequest{PageSize: 2, PageToken: page.GetNextPageToken()})
	if err != nil || len(next.GetAuditEntries()) == 0 || next.GetAuditEntries()[0].GetName() == page.GetAuditEntries()[1].GetName() {
		t.Fatalf("second page: %v %v", next, err)
	}

	// Only an administrator reads the log.
	_, err = e.users["kabid"].admin.ListAuditEntries(e.ctx, &ppksv1.ListAuditEntriesRequest{})
	wantCode(t, err, codes.PermissionDenied)
}

// The API offers no way to change the audit log: its only method on audit entries lists
// them. (The database refuses UPDATE and DELETE on the table too; see the store tests.)
func TestAuditLogHasNoWriteMethod(t *testing.T) {
	for _, m := range apiMethods(t) {
		if strings.Contains(string(m.Name()), "Audit") && !strings.HasPrefix(string(m.Name()), "List") {
			t.Errorf("%s changes the audit log", m.FullName())
		}
		for _, msg := range []string{string(m.Input().Name()), string(m.Output().Name())} {
			if strings.Contains(msg, "Audit") && !strings.HasPrefix(msg, "ListAudit") {
				t.Errorf("%s carries audit entries in %s", m.FullName(), msg)
			}
		}
	}
}

// Over REST: 401 without a token, 403 for a role without access, NIK masked in JSON for
// those whose work does not need it, and a full-NIK filter that still works.
func TestRESTAccessAndMasking(t *testing.T) {
	e := newEnv(t)
	s := e.seed(ownKec)
	if code, body := e.doAs("", "GET", "/v1/"+s.person, nil); code != 401 || body["code"] != float64(codes.Unauthenticated) {
		t.Fatalf("no token: %d %v", code, body)
	}
	if code, body := e.doAs(e.users["perencana"].token, "GET", "/v1/"+s.person, nil); code != 403 {
		t.Fatalf("planner: %d %v", code, body)
	}
	if code, body := e.doAs(e.users["petugas.lain"].token, "GET", "/v1/"+s.person, nil); code != 403 {
		t.Fatalf("worker of another kecamatan: %d %v", code, body)
	}
	masked := s.nik[:6] + "******" + s.nik[12:]
	code, body := e.doAs(e.users["petugas"].token, "GET", "/v1/"+s.person, nil)
	if code != 200 || body["nik"] != masked {
		t.Fatalf("worker sees nik %v (HTTP %d), want %s", body["nik"], code, masked)
	}
	code, body = e.doAs(e.users["kabid"].token, "GET", "/v1/"+s.person, nil)
	if code != 200 || body["nik"] != s.nik {
		t.Fatalf("supervisor sees nik %v (HTTP %d), want the full %s", body["nik"], code, s.nik)
	}
	code, body = e.doAs(e.users["petugas"].token, "GET", "/v1/beneficiaries?filter=nik%3D%22"+s.nik+"%22", nil)
	list, _ := body["beneficiaries"].([]any)
	if code != 200 || len(list) != 1 || list[0].(map[string]any)["nik"] != masked {
		t.Fatalf("worker's NIK search: %d %v", code, body)
	}
	// The worker recorded as delivering an intervention is the signed-in user.
	code, iv := e.doAs(e.users["petugas"].token, "POST", "/v1/"+s.kase+"/interventions?requestId="+e.newUUID(),
		map[string]any{"interventionType": "PERMAKANAN", "deliveredOn": map[string]any{"year": 2024, "month": 6, "day": 1}})
	if code != 200 || iv["worker"] != "petugas" {
		t.Fatalf("recorded worker: %d %v", code, iv)
	}
}
