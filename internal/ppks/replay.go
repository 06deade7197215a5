package ppks

import (
	"context"
	"strings"
)

// A retried request is answered from what its first run produced (Store.Write returns
// that resource's name): the record as it is now, read for the caller like any read.

// nameIDs returns the ids of a stored resource name made of the given collections:
// nameIDs("beneficiaries/b/cases/c", "beneficiaries", "cases") is ["b", "c"].
func nameIDs(name string, collections ...string) ([]string, error) {
	parts := strings.Split(name, "/")
	if len(parts) != 2*len(collections) {
		return nil, Internal("replay", errString("stored resource "+name+" is not a "+strings.Join(collections, "/")+" name"))
	}
	ids := make([]string, len(collections))
	for i, c := range collections {
		if parts[2*i] != c || parts[2*i+1] == "" {
			return nil, Internal("replay", errString("stored resource "+name+" is not a "+strings.Join(collections, "/")+" name"))
		}
		ids[i] = parts[2*i+1]
	}
	return ids, nil
}

// replayedPerson reads the person a replayed request produced, for its caller.
func (s *Service) replayedPerson(ctx context.Context, p *Principal, name string) (*Beneficiary, error) {
	ids, err := nameIDs(name, "beneficiaries")
	if err != nil {
		return nil, err
	}
	return s.person(ctx, p, ids[0])
}

// replayedCase reads the case a replayed request produced, for its caller.
func (s *Service) replayedCase(ctx context.Context, p *Principal, name string) (*Case, error) {
	ids, err := nameIDs(name, "beneficiaries", "cases")
	if err != nil {
		return nil, err
	}
	if _, err := s.person(ctx, p, ids[0]); err != nil {
		return nil, err
	}
	return s.Store.GetCase(ctx, ids[0], ids[1])
}

// replayedIntervention reads the intervention a replayed request produced, for its caller.
func (s *Service) replayedIntervention(ctx context.Context, p *Principal, name string) (*Intervention, error) {
	ids, err := nameIDs(name, "beneficiaries", "cases", "interventions")
	if err != nil {
		return nil, err
	}
	if _, err := s.person(ctx, p, ids[0]); err != nil {
		return nil, err
	}
	return s.Store.GetIntervention(ctx, ids[0], ids[1], ids[2])
}
