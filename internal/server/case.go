package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
)

func (s caseServer) CreateCase(ctx context.Context, req *ppksv1.CreateCaseRequest) (*ppksv1.CreateCaseResponse, error) {
	bid, err := beneficiaryID(req.GetParent(), "parent")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_CreateCase_FullMethodName, req.GetRequestId(), req)
	c, err := s.svc.CreateCase(ctx, key, bid, req.GetCaseId(), caseFromProto(req.GetCase()))
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.CreateCaseResponse{Case: caseToProto(c)}, nil
}

func (s caseServer) GetCase(ctx context.Context, req *ppksv1.GetCaseRequest) (*ppksv1.GetCaseResponse, error) {
	bid, cid, err := caseIDs(req.GetName(), "name", false)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	c, err := s.svc.GetCase(ctx, bid, cid)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetCaseResponse{Case: caseToProto(c)}, nil
}

func (s caseServer) ListCases(ctx context.Context, req *ppksv1.ListCasesRequest) (*ppksv1.ListCasesResponse, error) {
	ids, err := segments(req.GetParent(), "parent", true, "beneficiaries")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	list, next, err := s.svc.ListCases(ctx, ids[0], req.GetPageSize(), req.GetPageToken(), req.GetFilter())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListCasesResponse{NextPageToken: next}
	for _, c := range list {
		out.Cases = append(out.Cases, caseToProto(c))
	}
	if req.GetPageToken() == "" {
		n, err := s.svc.CountCases(ctx, ids[0], req.GetFilter())
		if err != nil {
			return nil, s.status(ctx, err)
		}
		out.TotalSize = int32(n)
	}
	return out, nil
}

func (s caseServer) CloseCase(ctx context.Context, req *ppksv1.CloseCaseRequest) (*ppksv1.CloseCaseResponse, error) {
	bid, cid, err := caseIDs(req.GetName(), "name", false)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_CloseCase_FullMethodName, req.GetRequestId(), req)
	c, err := s.svc.CloseCase(ctx, key, bid, cid, ppks.Outcome(req.GetOutcome()), dateFromProto(req.GetClosedOn()), req.GetNote())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.CloseCaseResponse{Case: caseToProto(c)}, nil
}
