package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
)

func (s caseServer) CreateIntervention(ctx context.Context, req *ppksv1.CreateInterventionRequest) (*ppksv1.CreateInterventionResponse, error) {
	bid, cid, err := caseIDs(req.GetParent(), "parent", false)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_CreateIntervention_FullMethodName, req.GetRequestId(), req)
	iv, err := s.svc.CreateIntervention(ctx, key, bid, cid, req.GetInterventionId(), interventionFromProto(req.GetIntervention()))
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.CreateInterventionResponse{Intervention: interventionToProto(iv)}, nil
}

func (s caseServer) GetIntervention(ctx context.Context, req *ppksv1.GetInterventionRequest) (*ppksv1.GetInterventionResponse, error) {
	bid, cid, id, err := interventionIDs(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	iv, err := s.svc.GetIntervention(ctx, bid, cid, id)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetInterventionResponse{Intervention: interventionToProto(iv)}, nil
}

func (s caseServer) ListInterventions(ctx context.Context, req *ppksv1.ListInterventionsRequest) (*ppksv1.ListInterventionsResponse, error) {
	bid, cid, err := caseIDs(req.GetParent(), "parent", true)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	list, next, err := s.svc.ListInterventions(ctx, bid, cid, req.GetPageSize(), req.GetPageToken(), req.GetFilter())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListInterventionsResponse{NextPageToken: next}
	for _, iv := range list {
		out.Interventions = append(out.Interventions, interventionToProto(iv))
	}
	if req.GetPageToken() == "" {
		n, err := s.svc.CountInterventions(ctx, bid, cid, req.GetFilter())
		if err != nil {
			return nil, s.status(ctx, err)
		}
		out.TotalSize = int32(n)
	}
	return out, nil
}

func (s caseServer) VoidIntervention(ctx context.Context, req *ppksv1.VoidInterventionRequest) (*ppksv1.VoidInterventionResponse, error) {
	bid, cid, id, err := interventionIDs(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_VoidIntervention_FullMethodName, req.GetRequestId(), req)
	iv, err := s.svc.VoidIntervention(ctx, key, bid, cid, id, req.GetReason())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.VoidInterventionResponse{Intervention: interventionToProto(iv)}, nil
}
