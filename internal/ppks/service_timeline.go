package ppks

import (
	"context"
	"sort"
)

// TimelineKind is what happened at a point of a person's timeline.
type TimelineKind int

// Timeline events.
const (
	EventCaseOpened TimelineKind = iota + 1
	EventIntervention
	EventCaseClosed
)

// TimelineEvent is one dated event of a person's timeline.
type TimelineEvent struct {
	Date         Date
	Kind         TimelineKind
	Case         *Case
	Intervention *Intervention // for EventIntervention
}

// maxTimeline bounds a timeline: no person is served more often than this.
const maxTimeline = 10000

// Timeline returns a person's cases and interventions in date order (cases opened before
// what was delivered on the same day, closed after it).
func (s *Service) Timeline(ctx context.Context, beneficiaryID string) (*Beneficiary, []TimelineEvent, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.person(ctx, p, beneficiaryID)
	if err != nil {
		return nil, nil, err
	}
	cases, err := s.Store.ListCases(ctx, CaseFilter{BeneficiaryID: b.ID}, PageRequest{Limit: maxTimeline})
	if err != nil {
		return nil, nil, err
	}
	ivs, err := s.Store.ListInterventions(ctx, InterventionFilter{BeneficiaryID: b.ID}, PageRequest{Limit: maxTimeline})
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]*Case{}
	var out []TimelineEvent
	for _, c := range cases {
		byID[c.ID] = c
		out = append(out, TimelineEvent{Date: c.OpenedOn, Kind: EventCaseOpened, Case: c})
		if c.State == CaseClosed {
			out = append(out, TimelineEvent{Date: c.ClosedOn, Kind: EventCaseClosed, Case: c})
		}
	}
	for _, iv := range ivs {
		out = append(out, TimelineEvent{Date: iv.DeliveredOn, Kind: EventIntervention, Case: byID[iv.CaseID], Intervention: iv})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if c := out[i].Date.Compare(out[j].Date); c != 0 {
			return c < 0
		}
		return out[i].Kind < out[j].Kind
	})
	records := []string{b.Name()}
	records = append(records, names(cases)...)
	records = append(records, names(ivs)...)
	if err := s.auditRead(ctx, "Timeline", b.Name(), records); err != nil {
		return nil, nil, err
	}
	return present(p, b), out, nil
}

// ListChanges returns the history of a record the caller may read: a person, or one of
// their cases (caseID set) or interventions (interventionID set too).
func (s *Service) ListChanges(ctx context.Context, beneficiaryID, caseID, interventionID string, size int32, token string) ([]*Change, string, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, "", err
	}
	b, err := s.person(ctx, p, beneficiaryID)
	if err != nil {
		return nil, "", err
	}
	// The record must be the person's: its id alone would let anyone read any history.
	recordID, recordName := b.ID, b.Name()
	switch {
	case interventionID != "":
		iv, err := s.Store.GetIntervention(ctx, beneficiaryID, caseID, interventionID)
		if err != nil {
			return nil, "", hidden(p, err)
		}
		recordID, recordName = iv.ID, iv.Name()
	case caseID != "":
		c, err := s.Store.GetCase(ctx, beneficiaryID, caseID)
		if err != nil {
			return nil, "", hidden(p, err)
		}
		recordID, recordName = c.ID, c.Name()
	case beneficiaryID != b.ID:
		recordID = beneficiaryID // the history of a merged record stays under its own id
	}
	scope := "changes|" + recordID
	pg, err := page(size, token, scope)
	if err != nil {
		return nil, "", err
	}
	list, next, err := listPage(pg, scope, func(pg PageRequest) ([]*Change, error) { return s.Store.ListChanges(ctx, recordID, pg) },
		func(c *Change) string { return itoa64(c.ID) })
	if err != nil {
		return nil, "", err
	}
	if len(list) > 0 {
		if err := s.auditRead(ctx, "ListChanges", recordName, []string{recordName}); err != nil {
			return nil, "", err
		}
	}
	if !p.SeesFullNIK() {
		for _, c := range list {
			for i, f := range c.Fields {
				if f.Field == "nik" {
					c.Fields[i].Old, c.Fields[i].New = maskOrEmpty(f.Old), maskOrEmpty(f.New)
				}
			}
		}
	}
	return list, next, nil
}

func maskOrEmpty(nik string) string {
	if nik == "" {
		return ""
	}
	return MaskNIK(nik)
}
