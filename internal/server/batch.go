package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// BatchSync maps a batch to the domain's Sync and its results back. Each item's request
// key is the one its single method computes, so an item retried alone later is
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
		pr := &ppksv1.SyncResult{Index: int32(i), Name: r.Name, Status: ppksv1.SyncStatus(r.Status), Action: ppksv1.SyncAction(r.Action)}
		if r.Err != nil {
			pr.Error = status.Convert(s.status(ctx, r.Err)).Proto()
		}
		for _, c := range r.Conflicts {
			fc := &ppksv1.FieldConflict{Field: c.Field, ServerValue: c.Server, ClientValue: c.Client}
			if c.BaseKnown {
				fc.BaseValue = proto.String(c.Base)
			}
			pr.Conflicts = append(pr.Conflicts, fc)
		}
		switch {
		case r.Beneficiary != nil:
			pr.Record = &ppksv1.SyncResult_Beneficiary{Beneficiary: beneficiaryToProto(r.Beneficiary)}
		case r.Case != nil:
			pr.Record = &ppksv1.SyncResult_Case{Case: caseToProto(r.Case)}
		case r.Intervention != nil:
			pr.Record = &ppksv1.SyncResult_Intervention{Intervention: interventionToProto(r.Intervention)}
		}
		out.Results[i] = pr
	}
	return out, nil
}

// syncItemFromProto reads one item as its single method reads its request.
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
	case *ppksv1.SyncItem_UpdateBeneficiary:
		u := r.UpdateBeneficiary
		key := requestKey(ppksv1.CaseService_UpdateBeneficiary_FullMethodName, u.GetRequestId(), u)
		patch, paths, err := beneficiaryPatch(u)
		c := &ppks.Correction{Beneficiary: &patch, Paths: paths, Etag: u.GetBeneficiary().GetEtag()}
		if base := item.GetBaseBeneficiary(); base != nil {
			b := beneficiaryFromProto(base)
			c.BaseBeneficiary = &b
		}
		return correctionItem(key, c, err, item, "base_beneficiary")
	case *ppksv1.SyncItem_UpdateCase:
		u := r.UpdateCase
		key := requestKey(ppksv1.CaseService_UpdateCase_FullMethodName, u.GetRequestId(), u)
		patch, paths, err := casePatch(u)
		c := &ppks.Correction{Case: &patch, Paths: paths, Etag: u.GetCase().GetEtag()}
		if base := item.GetBaseCase(); base != nil {
			b := caseFromProto(base)
			b.State, b.Outcome, b.ClosedOn, b.CloseNote = ppks.CaseState(base.GetState()), ppks.Outcome(base.GetOutcome()),
				dateFromProto(base.GetClosedOn()), base.GetCloseNote()
			c.BaseCase = &b
		}
		return correctionItem(key, c, err, item, "base_case")
	case *ppksv1.SyncItem_UpdateIntervention:
		u := r.UpdateIntervention
		key := requestKey(ppksv1.CaseService_UpdateIntervention_FullMethodName, u.GetRequestId(), u)
		patch, paths, err := interventionPatch(u)
		c := &ppks.Correction{Intervention: &patch, Paths: paths, Etag: u.GetIntervention().GetEtag()}
		if base := item.GetBaseIntervention(); base != nil {
			b := interventionFromProto(base)
			c.BaseIntervention = &b
		}
		return correctionItem(key, c, err, item, "base_intervention")
	}
	return ppks.SyncItem{} // no request: the domain names the missing field
}

// correctionItem completes a correction item: a name that did not read, or a base of
// another kind of record than the one corrected, fails the item.
func correctionItem(key ppks.RequestKey, c *ppks.Correction, err error, item *ppksv1.SyncItem, baseField string) ppks.SyncItem {
	if err != nil {
		return ppks.SyncItem{Key: key, Err: err}
	}
	if item.GetBase() != nil && (c.BaseBeneficiary == nil && c.BaseCase == nil && c.BaseIntervention == nil) {
		return ppks.SyncItem{Key: key, Err: ppks.Invalid("items."+baseField, "BASE_MISMATCH",
			"the base is of another kind of record than the one corrected", "Data dasar koreksi bukan jenis data yang dikoreksi.")}
	}
	return ppks.SyncItem{Key: key, Correction: c}
}
