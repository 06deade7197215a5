package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
)

// SyncChanges maps a page of the domain's feed.
func (s caseServer) SyncChanges(ctx context.Context, req *ppksv1.SyncChangesRequest) (*ppksv1.SyncChangesResponse, error) {
	page, err := s.svc.SyncChanges(ctx, req.GetCursor(), req.GetPageSize())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.SyncChangesResponse{RemovedKecamatanCodes: page.RemovedKecamatan, NextCursor: page.Cursor, HasMore: page.More}
	for _, t := range page.Tombstones {
		out.Tombstones = append(out.Tombstones, &ppksv1.SyncTombstone{Name: t.Name, Reason: ppksv1.TombstoneReason(t.Reason),
			Detail: t.Detail, MergedInto: t.MergedInto})
	}
	for _, b := range page.Beneficiaries {
		out.Beneficiaries = append(out.Beneficiaries, beneficiaryToProto(b))
	}
	for _, c := range page.Cases {
		out.Cases = append(out.Cases, caseToProto(c))
	}
	for _, iv := range page.Interventions {
		out.Interventions = append(out.Interventions, interventionToProto(iv))
	}
	return out, nil
}
