package ppks

import (
	"context"
	"strconv"
	"strings"
)

// CreateIntervention records an intervention delivered within an open case.
func (s *Service) CreateIntervention(ctx context.Context, key RequestKey, beneficiaryID, caseID, id string, iv Intervention) (*Intervention, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, err
	}
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, true)
	iv.ID = s.newID(&vs, "intervention_id", strings.ToLower(id))
	if err := vs.merge(iv.validateNew(s.Catalog, s.today())); err != nil {
		return nil, err
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	// The recorded worker is whoever is signed in, never a name the client chose.
	iv.Worker = p.Username
	op := s.op(ctx, "CreateIntervention", key)
	op.Audit.Summary = "recorded intervention: " + iv.InterventionType + " " + iv.DeliveredOn.String()
	var created *Intervention
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		b, err := readPerson(ctx, tx, p, beneficiaryID)
		if err != nil {
			return err
		}
		c, err := tx.GetCase(ctx, b.ID, caseID)
		if err != nil {
			return err
		}
		if c.State != CaseOpen {
			return FailedPrecondition("CASE_CLOSED", "the case is closed; interventions can only be recorded in an open case",
				"Kasus sudah ditutup; intervensi hanya dapat dicatat pada kasus yang terbuka.")
		}
		if iv.DeliveredOn.Compare(c.OpenedOn) < 0 {
			return invalid("intervention.delivered_on", "BEFORE_CASE_OPENED", "cannot be before the case was opened",
				"Tidak boleh sebelum tanggal kasus dibuka.")
		}
		if err := s.checkYearOpen(ctx, tx, iv.DeliveredOn.Year); err != nil {
			return err
		}
		iv.BeneficiaryID, iv.CaseID, iv.PpksType, iv.PersonKecamatan = b.ID, c.ID, c.PpksType, b.KecamatanCode
		if iv.KecamatanCode == "" {
			iv.KecamatanCode = b.KecamatanCode
		}
		iv.State = InterventionActive
		iv.CreateTime = s.now()
		iv.UpdateTime = iv.CreateTime
		iv.Revision = 1
		iv.Verification = VerificationPending
		op.Audit.Resource = iv.Name()
		op.record(iv.ID, iv.Name(), createdFields(interventionHistoryFields, iv.fieldsOf()))
		if err := tx.InsertIntervention(ctx, &iv); err != nil {
			return err
		}
		if iv.InterventionType == GraduationType {
			// Graduasi is decided in the village meeting: the case ends with it.
			before := c.fieldsOf()
			c.State, c.Outcome, c.ClosedOn, c.CloseNote = CaseClosed, OutcomeGraduated, iv.DeliveredOn, "Graduasi"
			c.UpdateTime = iv.CreateTime
			op.record(c.ID, c.Name(), diff(caseHistoryFields, before, c.fieldsOf()))
			if err := tx.UpdateCase(ctx, c); err != nil {
				return err
			}
		}
		created = &iv
		return nil
	})
	if err != nil {
		return nil, s.conflict(ctx, p, hidden(p, err))
	}
	if replayed != "" {
		if created, err = s.replayedIntervention(ctx, p, replayed); err != nil {
			return nil, err
		}
	}
	noteReplay(ctx, replayed)
	return created, nil
}

// GetIntervention returns an intervention.
func (s *Service) GetIntervention(ctx context.Context, beneficiaryID, caseID, id string) (*Intervention, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.person(ctx, p, beneficiaryID); err != nil {
		return nil, err
	}
	iv, err := s.Store.GetIntervention(ctx, beneficiaryID, caseID, id)
	if err != nil {
		return nil, hidden(p, err)
	}
	if err := s.auditRead(ctx, "GetIntervention", iv.Name(), []string{iv.Name()}); err != nil {
		return nil, err
	}
	return iv, nil
}

var interventionFilterFields = map[string]string{
	"year": "=", "intervention_type": "=", "kecamatan_code": "=", "delivered_kecamatan_code": "=",
	"state": "=", "verification": "=",
}

// ParseInterventionFilter turns a filter string into a typed filter.
func ParseInterventionFilter(filter string) (InterventionFilter, error) {
	conds, err := ParseFilter(filter)
	if err != nil {
		return InterventionFilter{}, err
	}
	m, err := filterFields(conds, interventionFilterFields)
	if err != nil {
		return InterventionFilter{}, err
	}
	// kecamatan_code is the person's, as everywhere (scope.go); where it was delivered is
	// delivered_kecamatan_code.
	f := InterventionFilter{InterventionType: m["intervention_type"], KecamatanCode: m["kecamatan_code"],
		DeliveredIn: m["delivered_kecamatan_code"]}
	if y := m["year"]; y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < earliestEventYear || n > 9999 {
			return InterventionFilter{}, invalid("filter", "INVALID_FILTER", "filter: year is a number from 2000 on", "Filter tidak valid: year berupa tahun mulai 2000.")
		}
		f.Year = n
	}
	switch m["state"] {
	case "":
	case "ACTIVE", "INTERVENTION_STATE_ACTIVE":
		f.State = InterventionActive
	case "VOIDED", "INTERVENTION_STATE_VOIDED":
		f.State = InterventionVoided
	default:
		return InterventionFilter{}, invalid("filter", "INVALID_FILTER", "filter: state is ACTIVE or VOIDED", "Filter tidak valid: state bernilai ACTIVE atau VOIDED.")
	}
	switch strings.TrimPrefix(m["verification"], "VERIFICATION_STATE_") {
	case "":
	case "PENDING":
		f.Verification = VerificationPending
		if f.State == 0 {
			// What waits for verification: a voided record waits for nothing.
			f.State = InterventionActive
		}
	case "VERIFIED":
		f.Verification = VerificationVerified
	case "REJECTED":
		f.Verification = VerificationRejected
	default:
		return InterventionFilter{}, invalid("filter", "INVALID_FILTER", "filter: verification is PENDING, VERIFIED or REJECTED",
			"Filter tidak valid: verification bernilai PENDING, VERIFIED atau REJECTED.")
	}
	return f, nil
}

// ListInterventions lists interventions; empty ids stand for every person or case.
func (s *Service) ListInterventions(ctx context.Context, beneficiaryID, caseID string, size int32, token, filter string) ([]*Intervention, string, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, "", err
	}
	f, ferr := ParseInterventionFilter(filter)
	pageScope := "interventions|" + beneficiaryID + "|" + caseID + "|" + filter
	pg, perr := page(size, token, pageScope)
	if err := joinInvalid(ferr, perr); err != nil {
		return nil, "", err
	}
	f.BeneficiaryID, f.CaseID = beneficiaryID, caseID
	var none bool
	if f.Area, none, err = s.listArea(ctx, p, beneficiaryID); err != nil || none {
		return nil, "", err
	}
	list, next, err := listPage(pg, pageScope, func(pg PageRequest) ([]*Intervention, error) { return s.Store.ListInterventions(ctx, f, pg) },
		func(iv *Intervention) string { return iv.ID })
	if err != nil {
		return nil, "", err
	}
	if err := inArea(p, list, func(iv *Intervention) string { return iv.PersonKecamatan }); err != nil {
		return nil, "", err
	}
	if len(list) > 0 {
		if err := s.auditRead(ctx, "ListInterventions", "beneficiaries/-/cases/-/interventions", names(list)); err != nil {
			return nil, "", err
		}
	}
	return list, next, nil
}

// VoidIntervention voids an intervention with a reason: it is kept and stops counting.
func (s *Service) VoidIntervention(ctx context.Context, key RequestKey, beneficiaryID, caseID, id, reason string) (*Intervention, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, err
	}
	key, reason, vs := reasonedRequest(key, reason)
	if err := vs.err(); err != nil {
		return nil, err
	}
	return s.changeIntervention(ctx, p, key, "VoidIntervention", beneficiaryID, caseID, id, func(_ context.Context, _ Tx, iv *Intervention) error {
		if iv.State == InterventionVoided {
			return FailedPrecondition("ALREADY_VOIDED", "the intervention is already voided", "Intervensi sudah dibatalkan.")
		}
		iv.State, iv.VoidReason = InterventionVoided, reason
		iv.VoidTime = s.now()
		return nil
	})
}
