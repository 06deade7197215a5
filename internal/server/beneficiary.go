package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
)

// caseServer serves people, cases and interventions (CaseService).
type caseServer struct {
	ppksv1.UnimplementedCaseServiceServer
	*Server
}

func (s caseServer) CreateBeneficiary(ctx context.Context, req *ppksv1.CreateBeneficiaryRequest) (*ppksv1.CreateBeneficiaryResponse, error) {
	key := requestKey(ppksv1.CaseService_CreateBeneficiary_FullMethodName, req.GetRequestId(), req)
	b, err := s.svc.CreateBeneficiary(ctx, key, req.GetBeneficiaryId(), beneficiaryFromProto(req.GetBeneficiary()))
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.CreateBeneficiaryResponse{Beneficiary: beneficiaryToProto(b)}, nil
}

func (s caseServer) GetBeneficiary(ctx context.Context, req *ppksv1.GetBeneficiaryRequest) (*ppksv1.GetBeneficiaryResponse, error) {
	id, err := beneficiaryID(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	b, err := s.svc.GetBeneficiary(ctx, id)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetBeneficiaryResponse{Beneficiary: beneficiaryToProto(b)}, nil
}

func (s caseServer) ListBeneficiaries(ctx context.Context, req *ppksv1.ListBeneficiariesRequest) (*ppksv1.ListBeneficiariesResponse, error) {
	list, next, err := s.svc.ListBeneficiaries(ctx, req.GetPageSize(), req.GetPageToken(), req.GetFilter())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListBeneficiariesResponse{NextPageToken: next}
	for _, b := range list {
		out.Beneficiaries = append(out.Beneficiaries, beneficiaryToProto(b))
	}
	if req.GetPageToken() == "" {
		n, err := s.svc.CountBeneficiaries(ctx, req.GetFilter())
		if err != nil {
			return nil, s.status(ctx, err)
		}
		out.TotalSize = int32(n)
	}
	return out, nil
}

func (s caseServer) UpdateBeneficiary(ctx context.Context, req *ppksv1.UpdateBeneficiaryRequest) (*ppksv1.UpdateBeneficiaryResponse, error) {
	patch := req.GetBeneficiary()
	id, err := beneficiaryID(patch.GetName(), "beneficiary.name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	b := beneficiaryFromProto(patch)
	b.ID = id
	paths := maskPaths(req.GetUpdateMask(), patch)
	updated, err := s.svc.UpdateBeneficiary(ctx, requestKey(ppksv1.CaseService_UpdateBeneficiary_FullMethodName, "", req), b, paths, patch.GetEtag())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.UpdateBeneficiaryResponse{Beneficiary: beneficiaryToProto(updated)}, nil
}
