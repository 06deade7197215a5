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

// SyncAPI is the offline-sync methods of CaseService without gRPC around them, for
// another adapter over the same domain service (the web application's JSON endpoints,
// which carry the same protocol under the web session): the same mapping, the same
// errors. The caller puts the principal in the context, as the interceptors do.
type SyncAPI struct{ c caseServer }

// SyncAPI returns the sync methods of the server.
func (s *Server) SyncAPI() SyncAPI { return SyncAPI{caseServer{Server: s}} }

// SyncChanges is CaseService.SyncChanges.
func (a SyncAPI) SyncChanges(ctx context.Context, req *ppksv1.SyncChangesRequest) (*ppksv1.SyncChangesResponse, error) {
	return a.c.SyncChanges(ctx, req)
}

// BatchSync is CaseService.BatchSync.
func (a SyncAPI) BatchSync(ctx context.Context, req *ppksv1.BatchSyncRequest) (*ppksv1.BatchSyncResponse, error) {
	return a.c.BatchSync(ctx, req)
}

// FindDuplicates is CaseService.FindDuplicates.
func (a SyncAPI) FindDuplicates(ctx context.Context, req *ppksv1.FindDuplicatesRequest) (*ppksv1.FindDuplicatesResponse, error) {
	return a.c.FindDuplicates(ctx, req)
}

// Status maps a domain error to the status the API answers with.
func (a SyncAPI) Status(ctx context.Context, err error) error { return a.c.status(ctx, err) }
