package server_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/server"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// outcome is what a role should get from an RPC.
type outcome int

const (
	allow outcome = iota
	deny
	empty       // allowed, and shows no personal record
	deniedItems // a batch answered, with every item PermissionDenied
)

func (o outcome) String() string { return [...]string{"allow", "deny", "empty", "deniedItems"}[o] }

// seeded are records of one kecamatan, recorded by that kecamatan's worker.
type seeded struct{ person, kase, intervention, nik, fullName string }

var seedSerial atomic.Int32

// seed records a person, an open case and an intervention in kec, as its worker.
func (e *env) seed(kec string) seeded {
	e.t.Helper()
	w := map[string]string{ownKec: "petugas", otherKec: "petugas.lain"}[kec]
	ctx := e.users[w].system
	n := seedSerial.Add(1)
	nik := fmt.Sprintf("%s%s0512850%03d", strings.ReplaceAll(kec, ".", ""), "", n)[:16]
	name := fmt.Sprintf("Rahasia Pribadi %d", n)
	b, err := e.svc.CreateBeneficiary(ctx, ppks.RequestKey{ID: e.newUUID()}, "", ppks.Beneficiary{NIK: nik, FullName: name, Sex: ppks.SexMale, KecamatanCode: kec, Address: "Jl. Rahasia"})
	if err != nil {
		e.t.Fatalf("seed person: %v", err)
	}
	c, err := e.svc.CreateCase(ctx, ppks.RequestKey{ID: e.newUUID()}, b.ID, "", ppks.Case{PpksType: "ODHA", OpenedOn: ppks.Date{Year: 2024, Month: 1, Day: 1}})
	if err != nil {
		e.t.Fatalf("seed case: %v", err)
	}
	iv, err := e.svc.CreateIntervention(ctx, ppks.RequestKey{ID: e.newUUID()}, b.ID, c.ID, "", ppks.Intervention{InterventionType: "RUJUKAN", DeliveredOn: ppks.Date{Year: 2024, Month: 2, Day: 3}})
	if err != nil {
		e.t.Fatalf("seed intervention: %v", err)
	}
	sys := ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal)
	full, _ := e.svc.GetBeneficiary(sys, b.ID)
	return seeded{person: b.Name(), kase: c.Name(), intervention: iv.Name(), nik: full.NIK, fullName: name}
}

// otherOf returns the other kecamatan of the tests.
func otherOf(kec string) string {
	if kec == ownKec {
		return otherKec
	}
	return ownKec
}

// transfer makes a pending request, by kec's worker, to move a person of the other
// kecamatan into kec.
func (e *env) transfer(kec string) *ppks.Transfer {
	e.t.Helper()
	w := map[string]string{ownKec: "petugas", otherKec: "petugas.lain"}[kec]
	t, err := e.svc.CreateTransfer(e.users[w].system, ppks.RequestKey{ID: e.newUUID()}, "", e.seed(otherOf(kec)).nik, kec, "Pindah rumah")
	if err != nil {
		e.t.Fatalf("transfer: %v", err)
	}
	return t
}

// requests builds, per RPC, a valid request touching the records of a kecamatan.
func requests(e *env) map[string]func(kec string) proto.Message {
	sys := ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal)
	return map[string]func(string) proto.Message{
		ppksv1.ReferenceService_ListPpksTypes_FullMethodName:         func(string) proto.Message { return &ppksv1.ListPpksTypesRequest{} },
		ppksv1.ReferenceService_ListInterventionTypes_FullMethodName: func(string) proto.Message { return &ppksv1.ListInterventionTypesRequest{Year: 2024} },
		ppksv1.ReferenceService_ListRegions_FullMethodName:           func(string) proto.Message { return &ppksv1.ListRegionsRequest{} },

		ppksv1.CaseService_CreateBeneficiary_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(), Beneficiary: &ppksv1.Beneficiary{FullName: "Orang Baru", Sex: ppksv1.Sex_SEX_MALE, KecamatanCode: kec}}
		},
		ppksv1.CaseService_GetBeneficiary_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.GetBeneficiaryRequest{Name: e.seed(kec).person}
		},
		ppksv1.CaseService_ListBeneficiaries_FullMethodName: func(kec string) proto.Message {
			e.seed(kec)
			return &ppksv1.ListBeneficiariesRequest{Filter: `kecamatan_code = "` + kec + `"`}
		},
		ppksv1.CaseService_UpdateBeneficiary_FullMethodName: func(kec string) proto.Message {
			name := e.seed(kec).person
			return &ppksv1.UpdateBeneficiaryRequest{Beneficiary: &ppksv1.Beneficiary{Name: name, Desa: "Desa Baru", Etag: e.etag(name)}}
		},
		ppksv1.CaseService_CreateCase_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.CreateCaseRequest{Parent: e.seed(kec).person, RequestId: e.newUUID(), Case: &ppksv1.Case{PpksType: "FAKIR_MISKIN"}}
		},
		ppksv1.CaseService_GetCase_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.GetCaseRequest{Name: e.seed(kec).kase}
		},
		ppksv1.CaseService_ListCases_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.ListCasesRequest{Parent: e.seed(kec).person}
		},
		ppksv1.CaseService_CloseCase_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.CloseCaseRequest{Name: e.seed(kec).kase, Outcome: ppksv1.CaseOutcome_CASE_OUTCOME_MOVED}
		},
		ppksv1.CaseService_CreateIntervention_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.CreateInterventionRequest{Parent: e.seed(kec).kase, RequestId: e.newUUID(),
				Intervention: &ppksv1.Intervention{InterventionType: "PERMAKANAN", DeliveredOn: day(2024, 5, 5)}}
		},
		ppksv1.CaseService_GetIntervention_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.GetInterventionRequest{Name: e.seed(kec).intervention}
		},
		ppksv1.CaseService_ListInterventions_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.ListInterventionsRequest{Parent: e.seed(kec).kase}
		},
		ppksv1.CaseService_VoidIntervention_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.VoidInterventionRequest{Name: e.seed(kec).intervention, Reason: "Salah input"}
		},
		ppksv1.CaseService_UpdateCase_FullMethodName: func(kec string) proto.Message {
			name := e.seed(kec).kase
			return &ppksv1.UpdateCaseRequest{Case: &ppksv1.Case{Name: name, AssignedWorker: "petugas", Etag: e.etag(name)}}
		},
		ppksv1.CaseService_ReopenCase_FullMethodName: func(kec string) proto.Message {
			s := e.seed(kec)
			bid, cid, _ := strings.Cut(strings.TrimPrefix(s.kase, "beneficiaries/"), "/cases/")
			if _, err := e.svc.CloseCase(sys, ppks.RequestKey{}, bid, cid, ppks.OutcomeMoved, ppks.Date{}, ""); err != nil {
				e.t.Fatal(err)
			}
			return &ppksv1.ReopenCaseRequest{Name: s.kase, Reason: "Kembali ke desa"}
		},
		ppksv1.CaseService_UpdateIntervention_FullMethodName: func(kec string) proto.Message {
			name := e.seed(kec).intervention
			return &ppksv1.UpdateInterventionRequest{Intervention: &ppksv1.Intervention{Name: name, Notes: "Koreksi", Etag: e.etag(name)}}
		},
		ppksv1.CaseService_VerifyIntervention_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.VerifyInterventionRequest{Name: e.seed(kec).intervention}
		},
		ppksv1.CaseService_RejectIntervention_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.RejectInterventionRequest{Name: e.seed(kec).intervention, Reason: "Tidak ada bukti"}
		},
		ppksv1.CaseService_BatchSync_FullMethodName: func(kec string) proto.Message {
			id := e.newUUID()
			return &ppksv1.BatchSyncRequest{Items: []*ppksv1.SyncItem{
				{Request: &ppksv1.SyncItem_CreateBeneficiary{CreateBeneficiary: &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(), BeneficiaryId: id,
					Beneficiary: &ppksv1.Beneficiary{FullName: "Orang Luring", Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: kec}}}},
			}}
		},
		ppksv1.CaseService_FindDuplicates_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.FindDuplicatesRequest{Subject: &ppksv1.FindDuplicatesRequest_Name{Name: e.seed(kec).person}}
		},
		ppksv1.CaseService_MergeBeneficiaries_FullMethodName: func(kec string) proto.Message {
			w := map[string]string{ownKec: "petugas", otherKec: "petugas.lain"}[kec]
			dup, err := e.svc.CreateBeneficiary(e.users[w].system, ppks.RequestKey{ID: e.newUUID()}, "",
				ppks.Beneficiary{FullName: "Rahasia Pribadi", Sex: ppks.SexMale, KecamatanCode: kec})
			if err != nil {
				e.t.Fatal(err)
			}
			return &ppksv1.MergeBeneficiariesRequest{Name: e.seed(kec).person, Duplicate: dup.Name(), Reason: "Orang yang sama"}
		},
		ppksv1.CaseService_GetTimeline_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.GetTimelineRequest{Name: e.seed(kec).person}
		},
		ppksv1.CaseService_ListChanges_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.ListChangesRequest{Parent: e.seed(kec).intervention}
		},
		// Transfers into kec of a person registered in the other kecamatan.
		ppksv1.CaseService_CreateTransfer_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.CreateTransferRequest{RequestId: e.newUUID(), Transfer: &ppksv1.Transfer{
				Nik: e.seed(otherOf(kec)).nik, ToKecamatanCode: kec, Reason: "Pindah rumah"}}
		},
		ppksv1.CaseService_GetTransfer_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.GetTransferRequest{Name: e.transfer(kec).Name()}
		},
		ppksv1.CaseService_ListTransfers_FullMethodName: func(kec string) proto.Message {
			e.transfer(kec)
			return &ppksv1.ListTransfersRequest{}
		},
		ppksv1.CaseService_ApproveTransfer_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.ApproveTransferRequest{Name: e.transfer(kec).Name()}
		},
		ppksv1.CaseService_RejectTransfer_FullMethodName: func(kec string) proto.Message {
			return &ppksv1.RejectTransferRequest{Name: e.transfer(kec).Name(), Reason: "Bukan orang yang sama"}
		},

		ppksv1.IndicatorService_GetIndicatorYear_FullMethodName: func(string) proto.Message {
			return &ppksv1.GetIndicatorYearRequest{Name: "indicators/penurunan-ppks/years/2024"}
		},
		ppksv1.IndicatorService_GetTarget_FullMethodName: func(string) proto.Message {
			return &ppksv1.GetTargetRequest{Name: "indicators/penurunan-ppks/targets/2024"}
		},
		ppksv1.IndicatorService_ListTargets_FullMethodName: func(string) proto.Message {
			return &ppksv1.ListTargetsRequest{Parent: "indicators/penurunan-ppks"}
		},
		ppksv1.IndicatorService_UpdateTarget_FullMethodName: func(string) proto.Message {
			return &ppksv1.UpdateTargetRequest{Target: &ppksv1.Target{Name: "indicators/penurunan-ppks/targets/2024", Value: proto.Int32(580)}}
		},

		ppksv1.AdminService_CreateUser_FullMethodName: func(string) proto.Message {
			return &ppksv1.CreateUserRequest{UserId: fmt.Sprintf("baru%d", seedSerial.Add(1)), User: &ppksv1.User{DisplayName: "Baru", Role: ppksv1.Role_ROLE_PLANNER}}
		},
		ppksv1.AdminService_GetUser_FullMethodName:        func(string) proto.Message { return &ppksv1.GetUserRequest{Name: "users/petugas"} },
		ppksv1.AdminService_GetCurrentUser_FullMethodName: func(string) proto.Message { return &ppksv1.GetCurrentUserRequest{} },
		ppksv1.AdminService_ListUsers_FullMethodName:      func(string) proto.Message { return &ppksv1.ListUsersRequest{} },
		ppksv1.AdminService_UpdateUser_FullMethodName: func(string) proto.Message {
			return &ppksv1.UpdateUserRequest{User: &ppksv1.User{Name: "users/perencana", DisplayName: "Perencana Baru"}}
		},
		ppksv1.AdminService_CreateToken_FullMethodName: func(string) proto.Message {
			return &ppksv1.CreateTokenRequest{Parent: "users/perencana", Token: &ppksv1.Token{Description: "baru"}}
		},
		ppksv1.AdminService_ListTokens_FullMethodName: func(string) proto.Message { return &ppksv1.ListTokensRequest{Parent: "users/perencana"} },
		ppksv1.AdminService_RevokeToken_FullMethodName: func(string) proto.Message {
			t, _, err := e.svc.CreateToken(sys, ppks.RequestKey{}, "perencana", "to revoke", time.Time{})
			if err != nil {
				e.t.Fatal(err)
			}
			return &ppksv1.RevokeTokenRequest{Name: t.Name()}
		},
		ppksv1.AdminService_ListAuditEntries_FullMethodName: func(string) proto.Message { return &ppksv1.ListAuditEntriesRequest{} },
		ppksv1.AdminService_SetPassword_FullMethodName: func(string) proto.Message {
			return &ppksv1.SetPasswordRequest{Name: "users/petugas", Password: "kata-sandi-baru-2024"}
		},

		// Reports (report_access_test.go).
		ppksv1.ReportService_GetReport_FullMethodName:              reportRequests(e)[ppksv1.ReportService_GetReport_FullMethodName],
		ppksv1.ReportService_LockReport_FullMethodName:             reportRequests(e)[ppksv1.ReportService_LockReport_FullMethodName],
		ppksv1.ReportService_GetReportChanges_FullMethodName:       reportRequests(e)[ppksv1.ReportService_GetReportChanges_FullMethodName],
		ppksv1.ReportService_ListFigurePersons_FullMethodName:      reportRequests(e)[ppksv1.ReportService_ListFigurePersons_FullMethodName],
		ppksv1.ReportService_ExportInterventions_FullMethodName:    reportRequests(e)[ppksv1.ReportService_ExportInterventions_FullMethodName],
		ppksv1.ReportService_GetBudgetLine_FullMethodName:          reportRequests(e)[ppksv1.ReportService_GetBudgetLine_FullMethodName],
		ppksv1.ReportService_ListBudgetLines_FullMethodName:        reportRequests(e)[ppksv1.ReportService_ListBudgetLines_FullMethodName],
		ppksv1.ReportService_UpdateBudgetLine_FullMethodName:       reportRequests(e)[ppksv1.ReportService_UpdateBudgetLine_FullMethodName],
		ppksv1.ReportService_DeleteBudgetLine_FullMethodName:       reportRequests(e)[ppksv1.ReportService_DeleteBudgetLine_FullMethodName],
		ppksv1.ReportService_GetProgramIndicator_FullMethodName:    reportRequests(e)[ppksv1.ReportService_GetProgramIndicator_FullMethodName],
		ppksv1.ReportService_ListProgramIndicators_FullMethodName:  reportRequests(e)[ppksv1.ReportService_ListProgramIndicators_FullMethodName],
		ppksv1.ReportService_UpdateProgramIndicator_FullMethodName: reportRequests(e)[ppksv1.ReportService_UpdateProgramIndicator_FullMethodName],
		ppksv1.ReportService_DeleteProgramIndicator_FullMethodName: reportRequests(e)[ppksv1.ReportService_DeleteProgramIndicator_FullMethodName],
		ppksv1.ReportService_GetStrategicPlan_FullMethodName:       reportRequests(e)[ppksv1.ReportService_GetStrategicPlan_FullMethodName],
		ppksv1.ReportService_UpdateStrategicPlan_FullMethodName:    reportRequests(e)[ppksv1.ReportService_UpdateStrategicPlan_FullMethodName],
		ppksv1.ReportService_CreateAmendment_FullMethodName:        reportRequests(e)[ppksv1.ReportService_CreateAmendment_FullMethodName],
		ppksv1.ReportService_GetAmendment_FullMethodName:           reportRequests(e)[ppksv1.ReportService_GetAmendment_FullMethodName],
		ppksv1.ReportService_ListAmendments_FullMethodName:         reportRequests(e)[ppksv1.ReportService_ListAmendments_FullMethodName],
		ppksv1.ReportService_CloseAmendment_FullMethodName:         reportRequests(e)[ppksv1.ReportService_CloseAmendment_FullMethodName],
	}
}

// expected is the access rule of the issue, written independently of server.Access.
func expected(method string, role ppks.Role, own bool) outcome {
	svc, rpc := splitMethod(method)
	switch {
	case svc == "ppks.v1.ReferenceService", rpc == "GetCurrentUser":
		return allow
	case rpc == "VerifyIntervention", rpc == "RejectIntervention", rpc == "MergeBeneficiaries",
		rpc == "ApproveTransfer", rpc == "RejectTransfer":
		if role == ppks.RoleSupervisor {
			return allow
		}
		return deny
	case rpc == "BatchSync" && role == ppks.RoleWorker && !own:
		return deniedItems // the batch runs; each item of another kecamatan is refused
	case svc == "ppks.v1.CaseService":
		switch {
		case role == ppks.RoleSupervisor, role == ppks.RoleWorker && own:
			return allow
		case role == ppks.RoleWorker && rpc == "ListBeneficiaries":
			return empty // the list works; it never shows people of another kecamatan
		case role == ppks.RoleWorker && rpc == "ListTransfers":
			return allow // the worker's own requests, whatever their kecamatan
		}
		return deny
	case svc == "ppks.v1.ReportService":
		return reportExpected(rpc, role)
	case rpc == "UpdateTarget", svc == "ppks.v1.AdminService":
		if role == ppks.RoleAdmin {
			return allow
		}
		return deny
	case svc == "ppks.v1.IndicatorService":
		if role == ppks.RoleWorker {
			return deny
		}
		return allow
	}
	return deny
}

func splitMethod(full string) (string, string) {
	svc, rpc, _ := strings.Cut(strings.TrimPrefix(full, "/"), "/")
	return svc, rpc
}

// apiMethods discovers every RPC of package ppks.v1 from the registered descriptors, so
// that an RPC added without an access rule fails the matrix.
func apiMethods(t *testing.T) []protoreflect.MethodDescriptor {
	var out []protoreflect.MethodDescriptor
	protoregistry.GlobalFiles.RangeFilesByPackage("ppks.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := 0; i < fd.Services().Len(); i++ {
			ms := fd.Services().Get(i).Methods()
			for j := 0; j < ms.Len(); j++ {
				out = append(out, ms.Get(j))
			}
		}
		return true
	})
	if len(out) < 25 {
		t.Fatalf("discovered only %d RPCs", len(out))
	}
	return out
}

func fullName(m protoreflect.MethodDescriptor) string {
	return "/" + string(m.Parent().FullName()) + "/" + string(m.Name())
}

// invoke calls an RPC by name as a user, returning the response.
func (e *env) invoke(m protoreflect.MethodDescriptor, token string, req proto.Message) (proto.Message, error) {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(m.Output().FullName())
	if err != nil {
		e.t.Fatal(err)
	}
	if m.IsStreamingServer() {
		return e.invokeStream(m, token, req)
	}
	resp := mt.New().Interface()
	err = e.conn.Invoke(e.ctx, fullName(m), req, resp, grpc.PerRPCCredentials(bearerCreds(token)))
	return resp, err
}

// personal reports the personal records a response shows: beneficiaries, cases or
// interventions, at any depth.
func personal(m proto.Message) int {
	n := 0
	var walk func(protoreflect.Message)
	walk = func(msg protoreflect.Message) {
		switch msg.Descriptor().Name() {
		case "Beneficiary", "Case", "Intervention":
			n++
		}
		msg.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch {
			case fd.IsList() && fd.Message() != nil:
				for i := 0; i < v.List().Len(); i++ {
					walk(v.List().Get(i).Message())
				}
			case fd.Message() != nil && !fd.IsMap():
				walk(v.Message())
			}
			return true
		})
	}
	walk(m.ProtoReflect())
	return n
}

// Every RPC x every role x {own kecamatan, other kecamatan}: the expected allow or deny.
func TestAccessMatrix(t *testing.T) {
	e := newEnv(t)
	sys := ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal)
	if _, err := e.svc.UpdateTarget(sys, ppks.Target{Indicator: "penurunan-ppks", Year: 2024, Value: ptr(580)}, []string{"value"}, true); err != nil {
		t.Fatal(err)
	}
	build := requests(e)
	for _, m := range apiMethods(t) {
		method := fullName(m)
		if _, ok := server.Access[method]; !ok {
			t.Errorf("%s has no access rule", method)
		}
		req, ok := build[method]
		if !ok {
			t.Errorf("%s has no request in the matrix", method)
			continue
		}
		for _, name := range []string{"petugas", "kabid", "perencana", "admin"} {
			u := e.users[name]
			for _, own := range []bool{true, false} {
				kec := otherKec
				if own {
					kec = ownKec
				}
				want := expected(method, u.role, own)
				t.Run(fmt.Sprintf("%s/%s/own=%v", m.Name(), u.role, own), func(t *testing.T) {
					resp, err := e.invoke(m, u.token, req(kec))
					switch want {
					case deny:
						if status.Code(err) != codes.PermissionDenied {
							t.Fatalf("got %v, want PermissionDenied", err)
						}
					case deniedItems:
						if err != nil {
							t.Fatalf("got %v, want the batch answered", err)
						}
						for _, r := range resp.(*ppksv1.BatchSyncResponse).GetResults() {
							if codes.Code(r.GetError().GetCode()) != codes.PermissionDenied {
								t.Fatalf("item %d: %v, want PermissionDenied", r.GetIndex(), r)
							}
						}
					case allow, empty:
						if err != nil {
							t.Fatalf("got %v, want allowed", err)
						}
						if want == empty && personal(resp) != 0 {
							t.Fatalf("a list shows %d records of another kecamatan", personal(resp))
						}
						if want == allow && listsPeople[string(m.Name())] && personal(resp) == 0 {
							t.Fatalf("an allowed list is empty")
						}
					}
				})
			}
		}
	}
}

func ptr(n int) *int { return &n }

// listsPeople are the lists whose allowed answers must show the seeded records.
var listsPeople = map[string]bool{"ListBeneficiaries": true, "ListCases": true, "ListInterventions": true}

// A PLANNER's answers hold figures only: no name or NIK anywhere in any message.
func TestPlannerSeesNoPersonalData(t *testing.T) {
	e := newEnv(t)
	own, other := e.seed(ownKec), e.seed(otherKec)
	if _, err := e.svc.UpdateTarget(ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal), ppks.Target{Indicator: "penurunan-ppks", Year: 2024, Value: ptr(580)}, []string{"value"}, true); err != nil {
		t.Fatal(err)
	}
	secrets := []string{own.fullName, own.nik, other.fullName, other.nik, "Jl. Rahasia"}
	build := requests(e)
	planner := e.users["perencana"]
	checked := 0
	for _, m := range apiMethods(t) {
		method := fullName(m)
		resp, err := e.invoke(m, planner.token, build[method](ownKec))
		if err != nil {
			if status.Code(err) != codes.PermissionDenied {
				t.Errorf("%s: %v", method, err)
			}
			continue
		}
		checked++
		text := fmt.Sprint(resp)
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s shows %q to a planner", method, s)
			}
		}
		if n := personal(resp); n > 0 {
			t.Errorf("%s shows %d personal records to a planner", method, n)
		}
		var walk func(protoreflect.Message)
		walk = func(msg protoreflect.Message) {
			msg.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
				switch name := fd.Name(); {
				case name == "nik" || name == "full_name" || name == "address":
					t.Errorf("%s: field %s reaches a planner", method, fd.FullName())
				case fd.IsList() && fd.Message() != nil:
					for i := 0; i < v.List().Len(); i++ {
						walk(v.List().Get(i).Message())
					}
				case fd.Message() != nil && !fd.IsMap():
					walk(v.Message())
				}
				return true
			})
		}
		walk(resp.ProtoReflect())
	}
	if checked < 6 {
		t.Fatalf("only %d RPCs answered a planner", checked)
	}
}

// Without a valid token every RPC is Unauthenticated, the same whatever the cause.
func TestUnauthenticated(t *testing.T) {
	e := newEnv(t)
	sys := ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal)
	revoked, revokedSecret, _ := e.svc.CreateToken(sys, ppks.RequestKey{}, "kabid", "", time.Time{})
	if _, err := e.svc.RevokeToken(sys, ppks.RequestKey{}, "kabid", revoked.ID); err != nil {
		t.Fatal(err)
	}
	_, expiring, _ := e.svc.CreateToken(sys, ppks.RequestKey{}, "kabid", "", testNow.Add(time.Hour))
	if _, err := e.svc.CreateUser(sys, ppks.RequestKey{}, ppks.User{Username: "pensiun", DisplayName: "Pensiun", Role: ppks.RoleSupervisor}); err != nil {
		t.Fatal(err)
	}
	_, disabledSecret, _ := e.svc.CreateToken(sys, ppks.RequestKey{}, "pensiun", "", time.Time{})
	if _, err := e.svc.UpdateUser(sys, ppks.RequestKey{}, ppks.User{Username: "pensiun", Disabled: true}, []string{"disabled"}, ""); err != nil {
		t.Fatal(err)
	}
	now := e.svc.Now
	e.svc.Now = func() time.Time { return testNow.Add(2 * time.Hour) }
	defer func() { e.svc.Now = now }()

	cases := map[string]string{
		"no token": "", "garbage": "xyz", "unknown": "ppks_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"revoked": revokedSecret, "expired": expiring, "disabled user": disabledSecret,
	}
	var first *status.Status
	m := apiMethods(t)
	for name, token := range cases {
		for _, method := range m {
			req := requests(e)[fullName(method)](ownKec)
			_, err := e.invoke(method, token, req)
			st := status.Convert(err)
			if st.Code() != codes.Unauthenticated {
				t.Fatalf("%s, %s: %v, want Unauthenticated", name, method.Name(), err)
			}
			if first == nil {
				first = st
			} else if !proto.Equal(first.Proto(), st.Proto()) {
				t.Fatalf("%s: the error differs from another cause's, so it hints at why:\n%v\n%v", name, first.Proto(), st.Proto())
			}
		}
		code, body := e.doAs(token, "GET", "/v1/beneficiaries", nil)
		if code != 401 || body["code"] != float64(codes.Unauthenticated) {
			t.Errorf("REST %s: %d %v", name, code, body)
		}
	}
	// Health and the OpenAPI document need no token.
	if code, _ := e.doAs("", "GET", "/openapi.json", nil); code != 200 {
		t.Errorf("/openapi.json without a token: %d", code)
	}
}

// A token used a moment ago stops working the moment it is revoked or its user disabled,
// although authentications are cached.
func TestRevocationIsImmediate(t *testing.T) {
	e := newEnv(t)
	sys := ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal)
	tok, secret, err := e.svc.CreateToken(sys, ppks.RequestKey{}, "perencana", "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	call := func() error {
		_, err := ppksv1.NewReferenceServiceClient(e.conn).ListRegions(e.ctx, &ppksv1.ListRegionsRequest{}, grpc.PerRPCCredentials(bearerCreds(secret)))
		return err
	}
	if err := call(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.RevokeToken(e.ctx, &ppksv1.RevokeTokenRequest{Name: tok.Name()}); err != nil {
		t.Fatal(err)
	}
	if err := call(); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("after revocation: %v", err)
	}
	_, secret, _ = e.svc.CreateToken(sys, ppks.RequestKey{}, "perencana", "", time.Time{})
	if err := call(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.UpdateUser(e.ctx, &ppksv1.UpdateUserRequest{User: &ppksv1.User{Name: "users/perencana", Disabled: true}}); err != nil {
		t.Fatal(err)
	}
	if err := call(); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("after disabling the user: %v", err)
	}
}
