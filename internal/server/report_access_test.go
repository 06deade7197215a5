package server_test

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// The access matrix's requests for the ReportService, and its rule for them.

// sharedLockedYear is a year the matrix locks once per environment, for the requests
// about locked years; lockSerial hands out fresh years to lock (never 2024, which the
// other requests write to).
const sharedLockedYear = 2010

var (
	lockSerial   atomic.Int32
	budgetSerial atomic.Int32
)

// lockedYear locks the shared year when it is not yet, and closes its open amendment.
func (e *env) lockedYear() int {
	e.t.Helper()
	sys := ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal)
	if _, err := e.svc.Store.GetYearLock(e.ctx, sharedLockedYear); ppks.KindOf(err) == ppks.KindNotFound {
		if _, _, err := e.svc.LockReport(sys, ppks.RequestKey{}, sharedLockedYear); err != nil {
			e.t.Fatal(err)
		}
	}
	if a, err := e.svc.Store.OpenAmendment(e.ctx, sharedLockedYear, e.svc.Now()); err == nil {
		if _, err := e.svc.CloseAmendment(sys, ppks.RequestKey{}, sharedLockedYear, a.ID); err != nil {
			e.t.Fatal(err)
		}
	}
	return sharedLockedYear
}

// amendment opens an amendment of the shared locked year.
func (e *env) amendment() string {
	e.t.Helper()
	year := e.lockedYear()
	a, err := e.svc.CreateAmendment(ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal), ppks.RequestKey{ID: e.newUUID()}, year, "Data terlambat", testNow.Add(ppks.DefaultAmendmentTTL))
	if err != nil {
		e.t.Fatal(err)
	}
	return a.Name()
}

// budgetLine stores a budget line of 2023 and returns its name.
func (e *env) budgetLine() string {
	e.t.Helper()
	code := fmt.Sprintf("1.06.04.2.%02d", budgetSerial.Add(1)%100)
	l, err := e.svc.UpdateBudgetLine(ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal),
		ppks.BudgetLine{Year: 2023, Code: code, DisplayName: "Kegiatan", Pagu: 1000}, []string{"display_name", "pagu"}, true)
	if err != nil {
		e.t.Fatal(err)
	}
	return l.Name()
}

// programIndicator stores a programme indicator of 2023 and returns its name.
func (e *env) programIndicator() string {
	e.t.Helper()
	id := fmt.Sprintf("pi-%d", budgetSerial.Add(1))
	pi, err := e.svc.UpdateProgramIndicator(ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal),
		ppks.ProgramIndicator{Year: 2023, ID: id, DisplayName: "Persentase", ProgramCode: "1.06.04",
			InterventionTypes: []string{"PERMAKANAN"}, Population: 100}, "9",
		[]string{"display_name", "program_code", "intervention_types", "population", "target_percent"}, true)
	if err != nil {
		e.t.Fatal(err)
	}
	return pi.Name()
}

func (e *env) strategicPlan() string {
	e.t.Helper()
	p, err := e.svc.UpdateStrategicPlan(ppks.WithPrincipal(e.ctx, ppks.SystemPrincipal),
		ppks.StrategicPlan{Indicator: ppks.IndicatorID, StartYear: 2022, EndYear: 2026}, []string{"start_year", "end_year"})
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Name()
}

// reportRequests builds a valid request of each ReportService RPC.
func reportRequests(e *env) map[string]func(string) proto.Message {
	return map[string]func(string) proto.Message{
		ppksv1.ReportService_GetReport_FullMethodName: func(string) proto.Message {
			return &ppksv1.GetReportRequest{Name: "reports/2024"}
		},
		ppksv1.ReportService_LockReport_FullMethodName: func(string) proto.Message {
			return &ppksv1.LockReportRequest{Name: fmt.Sprintf("reports/%d", 2000+lockSerial.Add(1)%9), RequestId: e.newUUID()}
		},
		ppksv1.ReportService_GetReportChanges_FullMethodName: func(string) proto.Message {
			return &ppksv1.GetReportChangesRequest{Name: fmt.Sprintf("reports/%d/changes", e.lockedYear())}
		},
		ppksv1.ReportService_ListFigurePersons_FullMethodName: func(kec string) proto.Message {
			e.seed(kec)
			return &ppksv1.ListFigurePersonsRequest{Parent: "reports/2024", Figure: "realisasi"}
		},
		ppksv1.ReportService_ExportInterventions_FullMethodName: func(kec string) proto.Message {
			e.seed(kec)
			return &ppksv1.ExportInterventionsRequest{Parent: "reports/2024"}
		},
		ppksv1.ReportService_GetBudgetLine_FullMethodName: func(string) proto.Message {
			return &ppksv1.GetBudgetLineRequest{Name: e.budgetLine()}
		},
		ppksv1.ReportService_ListBudgetLines_FullMethodName: func(string) proto.Message {
			return &ppksv1.ListBudgetLinesRequest{Parent: "reports/2023"}
		},
		ppksv1.ReportService_UpdateBudgetLine_FullMethodName: func(string) proto.Message {
			return &ppksv1.UpdateBudgetLineRequest{AllowMissing: true, BudgetLine: &ppksv1.BudgetLine{
				Name: "reports/2023/budgetLines/1.06.02.2.03", DisplayName: "Pengembangan Potensi", Pagu: 84_000_000}}
		},
		ppksv1.ReportService_DeleteBudgetLine_FullMethodName: func(string) proto.Message {
			return &ppksv1.DeleteBudgetLineRequest{Name: e.budgetLine()}
		},
		ppksv1.ReportService_GetProgramIndicator_FullMethodName: func(string) proto.Message {
			return &ppksv1.GetProgramIndicatorRequest{Name: e.programIndicator()}
		},
		ppksv1.ReportService_ListProgramIndicators_FullMethodName: func(string) proto.Message {
			return &ppksv1.ListProgramIndicatorsRequest{Parent: "reports/2023"}
		},
		ppksv1.ReportService_UpdateProgramIndicator_FullMethodName: func(string) proto.Message {
			return &ppksv1.UpdateProgramIndicatorRequest{AllowMissing: true, ProgramIndicator: &ppksv1.ProgramIndicator{
				Name: "reports/2023/programIndicators/pangan", DisplayName: "Persentase PPKS yang memperoleh bantuan pangan",
				ProgramCode: "1.06.04", InterventionTypes: []string{"PERMAKANAN"}, Population: 1900, TargetPercent: "9"}}
		},
		ppksv1.ReportService_DeleteProgramIndicator_FullMethodName: func(string) proto.Message {
			return &ppksv1.DeleteProgramIndicatorRequest{Name: e.programIndicator()}
		},
		ppksv1.ReportService_GetStrategicPlan_FullMethodName: func(string) proto.Message {
			return &ppksv1.GetStrategicPlanRequest{Name: e.strategicPlan()}
		},
		ppksv1.ReportService_UpdateStrategicPlan_FullMethodName: func(string) proto.Message {
			return &ppksv1.UpdateStrategicPlanRequest{StrategicPlan: &ppksv1.StrategicPlan{
				Name: "indicators/penurunan-ppks/strategicPlan", StartYear: 2022, EndYear: 2026}}
		},
		ppksv1.ReportService_CreateAmendment_FullMethodName: func(string) proto.Message {
			return &ppksv1.CreateAmendmentRequest{Parent: fmt.Sprintf("reports/%d", e.lockedYear()), RequestId: e.newUUID(),
				Amendment: &ppksv1.Amendment{Reason: "Laporan terlambat dari kecamatan"}}
		},
		ppksv1.ReportService_GetAmendment_FullMethodName: func(string) proto.Message {
			return &ppksv1.GetAmendmentRequest{Name: e.amendment()}
		},
		ppksv1.ReportService_ListAmendments_FullMethodName: func(string) proto.Message {
			return &ppksv1.ListAmendmentsRequest{Parent: "reports/2024"}
		},
		ppksv1.ReportService_CloseAmendment_FullMethodName: func(string) proto.Message {
			return &ppksv1.CloseAmendmentRequest{Name: e.amendment()}
		},
	}
}

// reportExpected is the access rule of the reports, written from the issue.
func reportExpected(rpc string, role ppks.Role) outcome {
	in := func(roles ...ppks.Role) outcome {
		for _, r := range roles {
			if r == role {
				return allow
			}
		}
		return deny
	}
	switch rpc {
	case "ListFigurePersons":
		return in(ppks.RoleSupervisor)
	case "ExportInterventions":
		return in(ppks.RoleSupervisor) // rows per person: never an administrator's
	case "LockReport", "CreateAmendment", "CloseAmendment":
		return in(ppks.RoleAdmin)
	case "UpdateBudgetLine", "DeleteBudgetLine", "UpdateProgramIndicator", "DeleteProgramIndicator", "UpdateStrategicPlan":
		return in(ppks.RolePlanner, ppks.RoleAdmin)
	}
	return in(ppks.RoleSupervisor, ppks.RolePlanner, ppks.RoleAdmin)
}

// invokeStream calls a server-streaming RPC, reads it to the end and returns its first
// message (an empty one when it sent none).
func (e *env) invokeStream(m protoreflect.MethodDescriptor, token string, req proto.Message) (proto.Message, error) {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(m.Output().FullName())
	if err != nil {
		e.t.Fatal(err)
	}
	desc := &grpc.StreamDesc{StreamName: string(m.Name()), ServerStreams: true}
	st, err := e.conn.NewStream(e.ctx, desc, fullName(m), grpc.PerRPCCredentials(bearerCreds(token)))
	if err != nil {
		return nil, err
	}
	if err := st.SendMsg(req); err != nil {
		return nil, err
	}
	if err := st.CloseSend(); err != nil {
		return nil, err
	}
	var first proto.Message
	for {
		msg := mt.New().Interface()
		if err := st.RecvMsg(msg); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		if first == nil {
			first = msg
		}
	}
	if first == nil {
		first = mt.New().Interface()
	}
	return first, nil
}
