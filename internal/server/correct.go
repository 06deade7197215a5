package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
)

func (s caseServer) UpdateCase(ctx context.Context, req *ppksv1.UpdateCaseRequest) (*ppksv1.UpdateCaseResponse, error) {
	p := req.GetCase()
	bid, cid, err := caseIDs(p.GetName(), "case.name", false)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	patch := caseFromProto(p)
	patch.BeneficiaryID, patch.ID = bid, cid
	paths := maskPaths(req.GetUpdateMask(), p)
	c, err := s.svc.UpdateCase(ctx, requestKey(ppksv1.CaseService_UpdateCase_FullMethodName, "", req), patch, paths, p.GetEtag())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.UpdateCaseResponse{Case: caseToProto(c)}, nil
}

func (s caseServer) ReopenCase(ctx context.Context, req *ppksv1.ReopenCaseRequest) (*ppksv1.ReopenCaseResponse, error) {
	bid, cid, err := caseIDs(req.GetName(), "name", false)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_ReopenCase_FullMethodName, req.GetRequestId(), req)
	c, err := s.svc.ReopenCase(ctx, key, bid, cid, req.GetReason())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.ReopenCaseResponse{Case: caseToProto(c)}, nil
}

func (s caseServer) UpdateIntervention(ctx context.Context, req *ppksv1.UpdateInterventionRequest) (*ppksv1.UpdateInterventionResponse, error) {
	p := req.GetIntervention()
	bid, cid, id, err := interventionIDs(p.GetName(), "intervention.name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	patch := interventionFromProto(p)
	patch.BeneficiaryID, patch.CaseID, patch.ID = bid, cid, id
	paths := maskPaths(req.GetUpdateMask(), p)
	iv, err := s.svc.UpdateIntervention(ctx, requestKey(ppksv1.CaseService_UpdateIntervention_FullMethodName, "", req), patch, paths, p.GetEtag())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.UpdateInterventionResponse{Intervention: interventionToProto(iv)}, nil
}

func (s caseServer) VerifyIntervention(ctx context.Context, req *ppksv1.VerifyInterventionRequest) (*ppksv1.VerifyInterventionResponse, error) {
	bid, cid, id, err := interventionIDs(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_VerifyIntervention_FullMethodName, req.GetRequestId(), req)
	iv, err := s.svc.VerifyIntervention(ctx, key, bid, cid, id)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.VerifyInterventionResponse{Intervention: interventionToProto(iv)}, nil
}

func (s caseServer) RejectIntervention(ctx context.Context, req *ppksv1.RejectInterventionRequest) (*ppksv1.RejectInterventionResponse, error) {
	bid, cid, id, err := interventionIDs(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_RejectIntervention_FullMethodName, req.GetRequestId(), req)
	iv, err := s.svc.RejectIntervention(ctx, key, bid, cid, id, req.GetReason())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.RejectInterventionResponse{Intervention: interventionToProto(iv)}, nil
}
