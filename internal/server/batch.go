package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/grpc/status"
)

// maxBatch bounds a sync batch: a day's offline work fits many times over.
const maxBatch = 500

// BatchSync applies each item through the same handler as its single create method (same
// checks, same idempotency key), so an item retried alone later is recognised, and the
// other way round.
func (s caseServer) BatchSync(ctx context.Context, req *ppksv1.BatchSyncRequest) (*ppksv1.BatchSyncResponse, error) {
	switch n := len(req.GetItems()); {
	case n == 0:
		return nil, s.status(ctx, ppks.Invalid("items", "REQUIRED", "a batch needs items", "Kirim sedikitnya satu data."))
	case n > maxBatch:
		return nil, s.status(ctx, ppks.Invalid("items", "TOO_MANY", "at most 500 items a batch", "Paling banyak 500 data dalam satu kiriman."))
	}
	out := &ppksv1.BatchSyncResponse{Results: make([]*ppksv1.SyncResult, 0, len(req.GetItems()))}
	for i, item := range req.GetItems() {
		if err := ctx.Err(); err != nil {
			return nil, s.status(ctx, err) // the client gave up: what was done stays done
		}
		ictx, replayed := ppks.WithReplayNote(ctx)
		name, err := s.syncItem(ictx, item)
		r := &ppksv1.SyncResult{Index: int32(i), Name: name}
		switch {
		case err != nil:
			r.Status, r.Error = ppksv1.SyncStatus_SYNC_STATUS_FAILED, status.Convert(err).Proto()
		case *replayed:
			r.Status = ppksv1.SyncStatus_SYNC_STATUS_ALREADY_EXISTED
		default:
			r.Status = ppksv1.SyncStatus_SYNC_STATUS_CREATED
		}
		out.Results = append(out.Results, r)
	}
	return out, nil
}

// syncItem runs one item and returns the name of the record it made.
func (s caseServer) syncItem(ctx context.Context, item *ppksv1.SyncItem) (string, error) {
	switch r := item.GetRequest().(type) {
	case *ppksv1.SyncItem_CreateBeneficiary:
		out, err := s.CreateBeneficiary(ctx, r.CreateBeneficiary)
		return out.GetBeneficiary().GetName(), err
	case *ppksv1.SyncItem_CreateCase:
		out, err := s.CreateCase(ctx, r.CreateCase)
		return out.GetCase().GetName(), err
	case *ppksv1.SyncItem_CreateIntervention:
		out, err := s.CreateIntervention(ctx, r.CreateIntervention)
		return out.GetIntervention().GetName(), err
	}
	return "", s.status(ctx, ppks.Invalid("items.request", "REQUIRED", "an item needs a create request", "Setiap data harus berisi permintaan pembuatan."))
}
