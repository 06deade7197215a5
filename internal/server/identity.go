package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
)

func candidatesToProto(cs []ppks.Candidate) []*ppksv1.DuplicateCandidate {
	var out []*ppksv1.DuplicateCandidate
	for _, c := range cs {
		out = append(out, &ppksv1.DuplicateCandidate{Beneficiary: beneficiaryToProto(c.Beneficiary), Score: int32(c.Score), Reasons: c.Reasons})
	}
	return out
}

func (s caseServer) FindDuplicates(ctx context.Context, req *ppksv1.FindDuplicatesRequest) (*ppksv1.FindDuplicatesResponse, error) {
	var subject ppks.Beneficiary
	switch {
	case req.GetName() != "":
		id, err := beneficiaryID(req.GetName(), "name")
		if err != nil {
			return nil, s.status(ctx, err)
		}
		subject.ID = id
	case req.GetBeneficiary() != nil:
		subject = beneficiaryFromProto(req.GetBeneficiary())
	default:
		return nil, s.status(ctx, ppks.Invalid("beneficiary", "REQUIRED", "give a beneficiary or a name", "Isi data orang atau nama sumber daya."))
	}
	cs, err := s.svc.FindDuplicates(ctx, subject)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.FindDuplicatesResponse{Candidates: candidatesToProto(cs)}, nil
}

func (s caseServer) MergeBeneficiaries(ctx context.Context, req *ppksv1.MergeBeneficiariesRequest) (*ppksv1.MergeBeneficiariesResponse, error) {
	survivor, err := beneficiaryID(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	dup, err := beneficiaryID(req.GetDuplicate(), "duplicate")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.CaseService_MergeBeneficiaries_FullMethodName, req.GetRequestId(), req)
	b, err := s.svc.MergeBeneficiaries(ctx, key, survivor, dup, req.GetReason())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.MergeBeneficiariesResponse{Beneficiary: beneficiaryToProto(b)}, nil
}

func (s caseServer) GetTimeline(ctx context.Context, req *ppksv1.GetTimelineRequest) (*ppksv1.GetTimelineResponse, error) {
	id, err := beneficiaryID(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	b, events, err := s.svc.Timeline(ctx, id)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.GetTimelineResponse{Beneficiary: beneficiaryToProto(b)}
	for _, ev := range events {
		e := &ppksv1.TimelineEvent{Date: dateToProto(ev.Date), Kind: ppksv1.TimelineEventKind(ev.Kind)}
		if ev.Case != nil {
			e.Case = caseToProto(ev.Case)
		}
		if ev.Intervention != nil {
			e.Intervention = interventionToProto(ev.Intervention)
		}
		out.Events = append(out.Events, e)
	}
	return out, nil
}

func (s caseServer) ListChanges(ctx context.Context, req *ppksv1.ListChangesRequest) (*ppksv1.ListChangesResponse, error) {
	var bid, cid, iid string
	var err error
	switch parent := req.GetParent(); len(splitSlash(parent)) {
	case 2:
		bid, err = beneficiaryID(parent, "parent")
	case 4:
		bid, cid, err = caseIDs(parent, "parent", false)
	default:
		bid, cid, iid, err = interventionIDs(parent, "parent")
	}
	if err != nil {
		return nil, s.status(ctx, err)
	}
	list, next, err := s.svc.ListChanges(ctx, bid, cid, iid, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListChangesResponse{NextPageToken: next}
	for _, c := range list {
		pc := &ppksv1.Change{Record: c.Record, Time: timeToProto(c.Time), Username: c.Username, Method: c.Method, RequestId: c.RequestID}
		for _, f := range c.Fields {
			pc.Fields = append(pc.Fields, &ppksv1.FieldChange{Field: f.Field, OldValue: f.Old, NewValue: f.New})
		}
		out.Changes = append(out.Changes, pc)
	}
	return out, nil
}
