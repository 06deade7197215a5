package server

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
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

// ReadJSON decodes a request body as the gateway does: a body over MaxBodyBytes, or one
// that is not the message's JSON, is refused with the gateway's answer (WriteError).
func (SyncAPI) ReadJSON(w http.ResponseWriter, r *http.Request, m proto.Message) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
		return tooLarge(MaxBodyBytes).Err()
	}
	if err == nil {
		err = protojson.Unmarshal(body, m)
	}
	if err != nil {
		return status.Error(codes.InvalidArgument, "the request body cannot be decoded: "+err.Error())
	}
	return nil
}

// WriteError answers with a status error as the gateway does: its HTTP status and the
// google.rpc.Status as JSON, in the service's shape (an ErrorInfo reason and an
// Indonesian LocalizedMessage) also for errors that came without one.
func (SyncAPI) WriteError(w http.ResponseWriter, err error) {
	st := withEdgeDetails(status.Convert(err))
	code := runtime.HTTPStatusFromCode(st.Code())
	if reasonOf(st) == ReasonRequestTooLarge {
		code = http.StatusRequestEntityTooLarge
	}
	body, _ := protojson.MarshalOptions{EmitDefaultValues: true}.Marshal(st.Proto())
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}
