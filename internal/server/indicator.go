package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
)

// indicatorServer serves the indicator and its targets (IndicatorService).
type indicatorServer struct {
	ppksv1.UnimplementedIndicatorServiceServer
	*Server
}

func (s indicatorServer) GetIndicatorYear(ctx context.Context, req *ppksv1.GetIndicatorYearRequest) (*ppksv1.GetIndicatorYearResponse, error) {
	ind, year, err := indicatorYear(req.GetName(), "name", "years")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	y, err := s.svc.IndicatorYear(ctx, ind, year)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetIndicatorYearResponse{IndicatorYear: indicatorYearToProto(y)}, nil
}

func (s indicatorServer) GetTarget(ctx context.Context, req *ppksv1.GetTargetRequest) (*ppksv1.GetTargetResponse, error) {
	ind, year, err := indicatorYear(req.GetName(), "name", "targets")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	t, err := s.svc.GetTarget(ctx, ind, year)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetTargetResponse{Target: targetToProto(t)}, nil
}

func (s indicatorServer) ListTargets(ctx context.Context, req *ppksv1.ListTargetsRequest) (*ppksv1.ListTargetsResponse, error) {
	ind, err := indicatorParent(req.GetParent(), "parent")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	list, next, err := s.svc.ListTargets(ctx, ind, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListTargetsResponse{NextPageToken: next}
	for _, t := range list {
		out.Targets = append(out.Targets, targetToProto(t))
	}
	return out, nil
}

func (s indicatorServer) UpdateTarget(ctx context.Context, req *ppksv1.UpdateTargetRequest) (*ppksv1.UpdateTargetResponse, error) {
	p := req.GetTarget()
	ind, year, err := indicatorYear(p.GetName(), "target.name", "targets")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	patch := ppks.Target{Indicator: ind, Year: year, Value: intPtr(p.Value), Renstra: intPtr(p.RenstraValue), Historical: intPtr(p.HistoricalValue)}
	paths := maskPaths(req.GetUpdateMask(), p)
	t, err := s.svc.UpdateTarget(ctx, patch, paths, req.GetAllowMissing())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.UpdateTargetResponse{Target: targetToProto(t)}, nil
}
