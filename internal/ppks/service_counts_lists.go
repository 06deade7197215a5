package ppks

import "context"

// The totals of the lists (AIP-132 total_size): how many records the list would show
// under its filter, over every page, in the caller's area ("120 penerima"). A number of
// records is no personal data: not audited.

// CountBeneficiaries counts the people ListBeneficiaries would list.
func (s *Service) CountBeneficiaries(ctx context.Context, filter string) (int, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return 0, err
	}
	f, err := ParseBeneficiaryFilter(filter)
	if err != nil {
		return 0, err
	}
	if f.Area = p.Area(); f.Area.Empty() {
		return 0, nil
	}
	return s.Store.CountBeneficiaries(ctx, f)
}

// CountCases counts the cases ListCases would list.
func (s *Service) CountCases(ctx context.Context, beneficiaryID, filter string) (int, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return 0, err
	}
	f, err := ParseCaseFilter(filter)
	if err != nil {
		return 0, err
	}
	f.BeneficiaryID = beneficiaryID
	var none bool
	if f.Area, none, err = s.listArea(ctx, p, beneficiaryID); err != nil || none {
		return 0, err
	}
	return s.Store.CountCases(ctx, f)
}

// CountInterventions counts the interventions ListInterventions would list.
func (s *Service) CountInterventions(ctx context.Context, beneficiaryID, caseID, filter string) (int, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return 0, err
	}
	f, err := ParseInterventionFilter(filter)
	if err != nil {
		return 0, err
	}
	f.BeneficiaryID, f.CaseID = beneficiaryID, caseID
	var none bool
	if f.Area, none, err = s.listArea(ctx, p, beneficiaryID); err != nil || none {
		return 0, err
	}
	return s.Store.CountInterventions(ctx, f)
}

// listArea is the area a list or count of cases or interventions reads, the same for
// both: one person's records when beneficiaryID is given (readable when the person is),
// the caller's area otherwise; none says that nothing can match (an empty area).
func (s *Service) listArea(ctx context.Context, p *Principal, beneficiaryID string) (area Area, none bool, err error) {
	if beneficiaryID != "" {
		if _, err := s.person(ctx, p, beneficiaryID); err != nil {
			return nil, false, err
		}
		return p.Area(), false, nil
	}
	return p.Area(), p.Area().Empty(), nil
}
