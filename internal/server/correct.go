package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
)

func (s caseServer) UpdateCase(ctx context.Context, req *ppksv1.UpdateCaseRequest) (*ppksv1.UpdateCaseResponse, error) {
	patch, paths, err := casePatch(req)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_UpdateCase_FullMethodName, req.GetRequestId(), req)
	c, err := s.svc.UpdateCase(ctx, key, patch, paths, req.GetCase().GetEtag())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.UpdateCaseResponse{Case: caseToProto(c)}, nil
}

// casePatch reads an update of a case: the fields it sets, with the case's ids, and the
// paths of its mask.
func casePatch(req *ppksv1.UpdateCaseRequest) (ppks.Case, []string, error) {
	p := req.GetCase()
	bid, cid, err := caseIDs(p.GetName(), "case.name", false)
	if err != nil {
		return ppks.Case{}, nil, err
	}
	patch := caseFromProto(p)
	patch.BeneficiaryID, patch.ID = bid, cid
	return patch, maskPaths(req.GetUpdateMask(), p), nil
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
	patch, paths, err := interventionPatch(req)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_UpdateIntervention_FullMethodName, req.GetRequestId(), req)
	iv, err := s.svc.UpdateIntervention(ctx, key, patch, paths, req.GetIntervention().GetEtag())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.UpdateInterventionResponse{Intervention: interventionToProto(iv)}, nil
}

// interventionPatch reads an update of an intervention: the fields it sets, with its ids,
// and the paths of its mask.
func interventionPatch(req *ppksv1.UpdateInterventionRequest) (ppks.Intervention, []string, error) {
	p := req.GetIntervention()
	bid, cid, id, err := interventionIDs(p.GetName(), "intervention.name")
	if err != nil {
		return ppks.Intervention{}, nil, err
	}
	patch := interventionFromProto(p)
	patch.BeneficiaryID, patch.CaseID, patch.ID = bid, cid, id
	return patch, maskPaths(req.GetUpdateMask(), p), nil
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
