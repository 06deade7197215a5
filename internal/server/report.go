package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
)

// reportServer serves the LKjIP reports, their inputs and the year locks (ReportService).
type reportServer struct {
	ppksv1.UnimplementedReportServiceServer
	*Server
}

func (s reportServer) GetReport(ctx context.Context, req *ppksv1.GetReportRequest) (*ppksv1.GetReportResponse, error) {
	year, _, err := reportName(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	view := reportView(req.GetView())
	r, lock, err := s.svc.GetReport(ctx, year, view)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetReportResponse{Report: reportToProto(r, lock, lock != nil && view != ppks.ViewLive)}, nil
}

func (s reportServer) LockReport(ctx context.Context, req *ppksv1.LockReportRequest) (*ppksv1.LockReportResponse, error) {
	year, _, err := reportName(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.ReportService_LockReport_FullMethodName, req.GetRequestId(), req)
	r, lock, err := s.svc.LockReport(ctx, key, year)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.LockReportResponse{Report: reportToProto(r, lock, true)}, nil
}

func (s reportServer) GetReportChanges(ctx context.Context, req *ppksv1.GetReportChangesRequest) (*ppksv1.GetReportChangesResponse, error) {
	year, err := reportChangesName(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	c, err := s.svc.GetReportChanges(ctx, year)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetReportChangesResponse{ReportChanges: reportChangesToProto(c, s.Server)}, nil
}

func (s reportServer) ListFigurePersons(ctx context.Context, req *ppksv1.ListFigurePersonsRequest) (*ppksv1.ListFigurePersonsResponse, error) {
	year, _, err := reportName(req.GetParent(), "parent")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	list, next, total, err := s.svc.ListFigurePersons(ctx, year, req.GetFigure(), reportView(req.GetView()), req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListFigurePersonsResponse{NextPageToken: next, TotalSize: int32(total)}
	for _, p := range list {
		out.FigurePersons = append(out.FigurePersons, &ppksv1.FigurePerson{
			Beneficiary: "beneficiaries/" + p.BeneficiaryID, Nik: p.NIK, FullName: p.FullName, KecamatanCode: p.KecamatanCode,
			InterventionType: p.InterventionType, FirstDeliveredOn: dateToProto(p.FirstDelivered), PpksType: p.PpksType,
		})
	}
	return out, nil
}

// ExportInterventions streams the CSV: each message one page of records, without the
// last line end (the REST gateway writes a newline after each message).
func (s reportServer) ExportInterventions(req *ppksv1.ExportInterventionsRequest, stream grpc.ServerStreamingServer[httpbody.HttpBody]) error {
	ctx := stream.Context()
	year, _, err := reportName(req.GetParent(), "parent")
	if err != nil {
		return s.status(ctx, err)
	}
	err = s.svc.ExportInterventions(ctx, year, func(records [][]string) error {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		for _, rec := range records {
			neutralise(rec)
		}
		if err := w.WriteAll(records); err != nil {
			return err
		}
		return stream.Send(&httpbody.HttpBody{ContentType: "text/csv; charset=utf-8", Data: bytes.TrimSuffix(buf.Bytes(), []byte("\n"))})
	})
	return s.status(ctx, err)
}

func (s reportServer) GetBudgetLine(ctx context.Context, req *ppksv1.GetBudgetLineRequest) (*ppksv1.GetBudgetLineResponse, error) {
	year, ids, err := reportName(req.GetName(), "name", "budgetLines")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	l, err := s.svc.GetBudgetLine(ctx, year, ids[0])
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetBudgetLineResponse{BudgetLine: budgetLineToProto(l)}, nil
}

func (s reportServer) ListBudgetLines(ctx context.Context, req *ppksv1.ListBudgetLinesRequest) (*ppksv1.ListBudgetLinesResponse, error) {
	year, _, err := reportName(req.GetParent(), "parent")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	list, next, err := s.svc.ListBudgetLines(ctx, year, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListBudgetLinesResponse{NextPageToken: next}
	for _, l := range list {
		out.BudgetLines = append(out.BudgetLines, budgetLineToProto(l))
	}
	return out, nil
}

func (s reportServer) UpdateBudgetLine(ctx context.Context, req *ppksv1.UpdateBudgetLineRequest) (*ppksv1.UpdateBudgetLineResponse, error) {
	p := req.GetBudgetLine()
	year, ids, err := reportName(p.GetName(), "budget_line.name", "budgetLines")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	patch := ppks.BudgetLine{Year: year, Code: ids[0], DisplayName: p.GetDisplayName(), Pagu: p.GetPagu(),
		Realisasi: p.GetRealisasi(), PerformanceAgreement: p.GetPerformanceAgreement()}
	paths := maskPaths(req.GetUpdateMask(), p)
	l, err := s.svc.UpdateBudgetLine(ctx, patch, paths, req.GetAllowMissing())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.UpdateBudgetLineResponse{BudgetLine: budgetLineToProto(l)}, nil
}

func (s reportServer) DeleteBudgetLine(ctx context.Context, req *ppksv1.DeleteBudgetLineRequest) (*ppksv1.DeleteBudgetLineResponse, error) {
	year, ids, err := reportName(req.GetName(), "name", "budgetLines")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	if err := s.svc.DeleteBudgetLine(ctx, year, ids[0]); err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.DeleteBudgetLineResponse{}, nil
}

func (s reportServer) GetProgramIndicator(ctx context.Context, req *ppksv1.GetProgramIndicatorRequest) (*ppksv1.GetProgramIndicatorResponse, error) {
	year, ids, err := reportName(req.GetName(), "name", "programIndicators")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	p, err := s.svc.GetProgramIndicator(ctx, year, ids[0])
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetProgramIndicatorResponse{ProgramIndicator: programIndicatorToProto(p)}, nil
}

func (s reportServer) ListProgramIndicators(ctx context.Context, req *ppksv1.ListProgramIndicatorsRequest) (*ppksv1.ListProgramIndicatorsResponse, error) {
	year, _, err := reportName(req.GetParent(), "parent")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	list, next, err := s.svc.ListProgramIndicators(ctx, year, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListProgramIndicatorsResponse{NextPageToken: next}
	for _, p := range list {
		out.ProgramIndicators = append(out.ProgramIndicators, programIndicatorToProto(p))
	}
	return out, nil
}

func (s reportServer) UpdateProgramIndicator(ctx context.Context, req *ppksv1.UpdateProgramIndicatorRequest) (*ppksv1.UpdateProgramIndicatorResponse, error) {
	p := req.GetProgramIndicator()
	year, ids, err := reportName(p.GetName(), "program_indicator.name", "programIndicators")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	patch := ppks.ProgramIndicator{Year: year, ID: ids[0], DisplayName: p.GetDisplayName(), ProgramCode: p.GetProgramCode(),
		InterventionTypes: p.GetInterventionTypes(), Population: int(p.GetPopulation()), Position: int(p.GetPosition())}
	paths := maskPaths(req.GetUpdateMask(), p)
	pi, err := s.svc.UpdateProgramIndicator(ctx, patch, p.GetTargetPercent(), paths, req.GetAllowMissing())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.UpdateProgramIndicatorResponse{ProgramIndicator: programIndicatorToProto(pi)}, nil
}

func (s reportServer) DeleteProgramIndicator(ctx context.Context, req *ppksv1.DeleteProgramIndicatorRequest) (*ppksv1.DeleteProgramIndicatorResponse, error) {
	year, ids, err := reportName(req.GetName(), "name", "programIndicators")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	if err := s.svc.DeleteProgramIndicator(ctx, year, ids[0]); err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.DeleteProgramIndicatorResponse{}, nil
}

func (s reportServer) GetStrategicPlan(ctx context.Context, req *ppksv1.GetStrategicPlanRequest) (*ppksv1.GetStrategicPlanResponse, error) {
	ind, err := strategicPlanName(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	p, err := s.svc.GetStrategicPlan(ctx, ind)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetStrategicPlanResponse{StrategicPlan: strategicPlanToProto(p)}, nil
}

func (s reportServer) UpdateStrategicPlan(ctx context.Context, req *ppksv1.UpdateStrategicPlanRequest) (*ppksv1.UpdateStrategicPlanResponse, error) {
	p := req.GetStrategicPlan()
	ind, err := strategicPlanName(p.GetName(), "strategic_plan.name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	patch := ppks.StrategicPlan{Indicator: ind, StartYear: int(p.GetStartYear()), EndYear: int(p.GetEndYear()),
		BaselineYear: int(p.GetBaselineYear()), Baseline: intPtr(p.Baseline)}
	paths := maskPaths(req.GetUpdateMask(), p)
	out, err := s.svc.UpdateStrategicPlan(ctx, patch, paths)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.UpdateStrategicPlanResponse{StrategicPlan: strategicPlanToProto(out)}, nil
}

func (s reportServer) CreateAmendment(ctx context.Context, req *ppksv1.CreateAmendmentRequest) (*ppksv1.CreateAmendmentResponse, error) {
	year, _, err := reportName(req.GetParent(), "parent")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.ReportService_CreateAmendment_FullMethodName, req.GetRequestId(), req)
	var expire time.Time
	if t := req.GetAmendment().GetExpireTime(); t != nil {
		expire = t.AsTime()
	}
	a, err := s.svc.CreateAmendment(ctx, key, year, req.GetAmendment().GetReason(), expire)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.CreateAmendmentResponse{Amendment: amendmentToProto(a, s.Server)}, nil
}

func (s reportServer) GetAmendment(ctx context.Context, req *ppksv1.GetAmendmentRequest) (*ppksv1.GetAmendmentResponse, error) {
	year, ids, err := reportName(req.GetName(), "name", "amendments")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	a, err := s.svc.GetAmendment(ctx, year, ids[0])
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetAmendmentResponse{Amendment: amendmentToProto(a, s.Server)}, nil
}

func (s reportServer) ListAmendments(ctx context.Context, req *ppksv1.ListAmendmentsRequest) (*ppksv1.ListAmendmentsResponse, error) {
	year, _, err := reportName(req.GetParent(), "parent")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	list, next, err := s.svc.ListAmendments(ctx, year, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListAmendmentsResponse{NextPageToken: next}
	for _, a := range list {
		out.Amendments = append(out.Amendments, amendmentToProto(a, s.Server))
	}
	return out, nil
}

func (s reportServer) CloseAmendment(ctx context.Context, req *ppksv1.CloseAmendmentRequest) (*ppksv1.CloseAmendmentResponse, error) {
	year, ids, err := reportName(req.GetName(), "name", "amendments")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.ReportService_CloseAmendment_FullMethodName, req.GetRequestId(), req)
	a, err := s.svc.CloseAmendment(ctx, key, year, ids[0])
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.CloseAmendmentResponse{Amendment: amendmentToProto(a, s.Server)}, nil
}
