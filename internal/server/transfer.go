package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
)

// Transfer requests: a worker asks for a person registered elsewhere to be moved to
// their kecamatan; a supervisor decides.

func (s caseServer) CreateTransfer(ctx context.Context, req *ppksv1.CreateTransferRequest) (*ppksv1.CreateTransferResponse, error) {
	key := requestKey(ppksv1.CaseService_CreateTransfer_FullMethodName, req.GetRequestId(), req)
	t := req.GetTransfer()
	out, err := s.svc.CreateTransfer(ctx, key, req.GetTransferId(), t.GetNik(), t.GetToKecamatanCode(), t.GetReason())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.CreateTransferResponse{Transfer: transferToProto(out)}, nil
}

func (s caseServer) GetTransfer(ctx context.Context, req *ppksv1.GetTransferRequest) (*ppksv1.GetTransferResponse, error) {
	ids, err := segments(req.GetName(), "name", false, "transfers")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out, err := s.svc.GetTransfer(ctx, ids[0])
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetTransferResponse{Transfer: transferToProto(out)}, nil
}

func (s caseServer) ListTransfers(ctx context.Context, req *ppksv1.ListTransfersRequest) (*ppksv1.ListTransfersResponse, error) {
	list, next, err := s.svc.ListTransfers(ctx, req.GetPageSize(), req.GetPageToken(), req.GetFilter())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListTransfersResponse{NextPageToken: next}
	for _, t := range list {
		out.Transfers = append(out.Transfers, transferToProto(t))
	}
	return out, nil
}

func (s caseServer) ApproveTransfer(ctx context.Context, req *ppksv1.ApproveTransferRequest) (*ppksv1.ApproveTransferResponse, error) {
	ids, err := segments(req.GetName(), "name", false, "transfers")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_ApproveTransfer_FullMethodName, req.GetRequestId(), req)
	out, err := s.svc.ApproveTransfer(ctx, key, ids[0])
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.ApproveTransferResponse{Transfer: transferToProto(out)}, nil
}

func (s caseServer) RejectTransfer(ctx context.Context, req *ppksv1.RejectTransferRequest) (*ppksv1.RejectTransferResponse, error) {
	ids, err := segments(req.GetName(), "name", false, "transfers")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_RejectTransfer_FullMethodName, req.GetRequestId(), req)
	out, err := s.svc.RejectTransfer(ctx, key, ids[0], req.GetReason())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.RejectTransferResponse{Transfer: transferToProto(out)}, nil
}

func transferToProto(t *ppks.Transfer) *ppksv1.Transfer {
	out := &ppksv1.Transfer{
		Name: t.Name(), Nik: t.NIK, ToKecamatanCode: t.ToKecamatan, Reason: t.Reason,
		State: ppksv1.TransferState(t.State), FromKecamatanCode: t.FromKecamatan,
		RequestedBy: t.RequestedBy, DecidedBy: t.DecidedBy, DecisionReason: t.DecisionNote,
		CreateTime: timeToProto(t.CreateTime), DecideTime: timeToProto(t.DecideTime),
	}
	if t.BeneficiaryID != "" {
		out.Beneficiary = "beneficiaries/" + t.BeneficiaryID
	}
	return out
}
