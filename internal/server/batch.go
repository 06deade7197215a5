package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/grpc/status"
)

// BatchSync maps a batch to the domain's Sync and its results back. Each item's request
// key is the one its single create method computes, so an item retried alone later is
// recognised, and the other way round.
func (s caseServer) BatchSync(ctx context.Context, req *ppksv1.BatchSyncRequest) (*ppksv1.BatchSyncResponse, error) {
	items := make([]ppks.SyncItem, len(req.GetItems()))
	for i, item := range req.GetItems() {
		items[i] = syncItemFromProto(item)
	}
	results, err := s.svc.Sync(ctx, items)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.BatchSyncResponse{Results: make([]*ppksv1.SyncResult, len(results))}
	for i, r := range results {
		pr := &ppksv1.SyncResult{Index: int32(i), Name: r.Name, Status: ppksv1.SyncStatus(r.Status)}
		if r.Err != nil {
			pr.Error = status.Convert(s.status(ctx, r.Err)).Proto()
		}
		out.Results[i] = pr
	}
	return out, nil
}

// syncItemFromProto reads one item as its single create method reads its request.
func syncItemFromProto(item *ppksv1.SyncItem) ppks.SyncItem {
	switch r := item.GetRequest().(type) {
	case *ppksv1.SyncItem_CreateBeneficiary:
		b := beneficiaryFromProto(r.CreateBeneficiary.GetBeneficiary())
		b.ID = r.CreateBeneficiary.GetBeneficiaryId()
		return ppks.SyncItem{Key: requestKey(ppksv1.CaseService_CreateBeneficiary_FullMethodName, r.CreateBeneficiary.GetRequestId(), r.CreateBeneficiary),
			Beneficiary: &b}
	case *ppksv1.SyncItem_CreateCase:
		key := requestKey(ppksv1.CaseService_CreateCase_FullMethodName, r.CreateCase.GetRequestId(), r.CreateCase)
		bid, err := beneficiaryID(r.CreateCase.GetParent(), "parent")
		if err != nil {
			return ppks.SyncItem{Key: key, Err: err}
		}
		c := caseFromProto(r.CreateCase.GetCase())
		c.BeneficiaryID, c.ID = bid, r.CreateCase.GetCaseId()
		return ppks.SyncItem{Key: key, Case: &c}
	case *ppksv1.SyncItem_CreateIntervention:
		key := requestKey(ppksv1.CaseService_CreateIntervention_FullMethodName, r.CreateIntervention.GetRequestId(), r.CreateIntervention)
		bid, cid, err := caseIDs(r.CreateIntervention.GetParent(), "parent", false)
		if err != nil {
			return ppks.SyncItem{Key: key, Err: err}
		}
		iv := interventionFromProto(r.CreateIntervention.GetIntervention())
		iv.BeneficiaryID, iv.CaseID, iv.ID = bid, cid, r.CreateIntervention.GetInterventionId()
		return ppks.SyncItem{Key: key, Intervention: &iv}
	}
	return ppks.SyncItem{} // no request: the domain names the missing field
}
