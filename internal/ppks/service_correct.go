package ppks

import (
	"context"
	"time"
)

var interventionFields = []string{"intervention_type", "delivered_on", "kecamatan_code", "quantity", "unit", "notes"}

// UpdateIntervention corrects an intervention: the fields named by paths take the values
// of patch; a stale etag is refused. The count follows the record, so a corrected type or
// date moves it to the right type or year. A correction of what counts sends the record
// back to verification.
func (s *Service) UpdateIntervention(ctx context.Context, key RequestKey, patch Intervention, paths []string, etag string) (*Intervention, error) {
	return s.updateIntervention(ctx, key, patch, paths, etag, exactVersion(etag))
}

// updateIntervention is UpdateIntervention with the check of the version the correction
// was made against (conflict.go).
func (s *Service) updateIntervention(ctx context.Context, key RequestKey, patch Intervention, paths []string, etag string, check versionCheck) (*Intervention, error) {
	p, key, paths, err := prepareUpdate(ctx, key, paths, interventionFields, etag)
	if err != nil {
		return nil, err
	}
	today := s.today()
	return s.changeIntervention(ctx, p, key, "UpdateIntervention", patch.BeneficiaryID, patch.CaseID, patch.ID, func(ctx context.Context, tx Tx, iv *Intervention) error {
		c, err := tx.GetCase(ctx, iv.BeneficiaryID, iv.CaseID)
		if err != nil {
			return err
		}
		if iv.State == InterventionVoided {
			return FailedPrecondition("VOIDED", "a voided intervention cannot be corrected; record a new one", "Intervensi yang dibatalkan tidak dapat dikoreksi; catat yang baru.")
		}
		before := *iv
		for _, path := range paths {
			switch path {
			case "intervention_type":
				iv.InterventionType = patch.InterventionType
			case "delivered_on":
				iv.DeliveredOn = patch.DeliveredOn
			case "kecamatan_code":
				iv.KecamatanCode = patch.KecamatanCode
			case "quantity":
				iv.Quantity = patch.Quantity
			case "unit":
				iv.Unit = patch.Unit
			case "notes":
				iv.Notes = patch.Notes
			}
		}
		if iv.KecamatanCode == "" {
			iv.KecamatanCode = before.KecamatanCode
		}
		verr := iv.validateNew(s.Catalog, today) // normalizes the fields, then checks them
		if err := check(before.fieldsOf(), iv.fieldsOf(), before.Etag()); err != nil {
			return withRecord(err, func(ce *ConflictError) { ce.Intervention = &before })
		}
		if verr != nil {
			return verr
		}
		if iv.DeliveredOn.Compare(c.OpenedOn) < 0 {
			return invalid("intervention.delivered_on", "BEFORE_CASE_OPENED", "cannot be before the case was opened", "Tidak boleh sebelum tanggal kasus dibuka.")
		}
		if iv.InterventionType != before.InterventionType || iv.DeliveredOn != before.DeliveredOn ||
			iv.KecamatanCode != before.KecamatanCode || iv.Quantity != before.Quantity {
			iv.Verification, iv.VerifiedBy, iv.VerifyTime, iv.RejectReason = VerificationPending, "", time.Time{}, ""
		}
		return nil
	})
}

var caseFields = []string{"ppks_type", "opened_on", "assigned_worker"}

// UpdateCase corrects a case's PPKS category, opening date or assigned worker.
func (s *Service) UpdateCase(ctx context.Context, key RequestKey, patch Case, paths []string, etag string) (*Case, error) {
	return s.updateCase(ctx, key, patch, paths, etag, exactVersion(etag))
}

// updateCase is UpdateCase with the check of the version the correction was made
// against (conflict.go).
func (s *Service) updateCase(ctx context.Context, key RequestKey, patch Case, paths []string, etag string, check versionCheck) (*Case, error) {
	p, key, paths, err := prepareUpdate(ctx, key, paths, caseFields, etag)
	if err != nil {
		return nil, err
	}
	today := s.today()
	return s.changeCase(ctx, p, key, "UpdateCase", patch.BeneficiaryID, patch.ID, func(ctx context.Context, tx Tx, c *Case) error {
		before := *c
		ppksType := c.PpksType
		for _, path := range paths {
			switch path {
			case "ppks_type":
				c.PpksType = patch.PpksType
			case "opened_on":
				c.OpenedOn = patch.OpenedOn
			case "assigned_worker":
				c.AssignedWorker = patch.AssignedWorker
			}
		}
		verr := c.validateNew(s.Catalog, today) // normalizes the fields, then checks them
		if err := check(before.fieldsOf(), c.fieldsOf(), before.Etag()); err != nil {
			return withRecord(err, func(ce *ConflictError) { ce.Case = &before })
		}
		if verr != nil {
			return verr
		}
		if c.State == CaseClosed && c.ClosedOn.Compare(c.OpenedOn) < 0 {
			return invalid("case.opened_on", "AFTER_CLOSED", "cannot be after the case was closed", "Tidak boleh setelah tanggal kasus ditutup.")
		}
		if c.PpksType != ppksType {
			// A new PPKS category moves the case's interventions to it in the figures (by
			// PPKS category, SPM groups) of every year they count in: those years must
			// take writes.
			served, err := interventionsOf(ctx, tx, c.BeneficiaryID, c.ID)
			if err != nil {
				return err
			}
			return s.checkCountedYearsOpen(ctx, tx, served)
		}
		return nil
	})
}

// ReopenCase opens a closed case again, with a reason kept in its history.
func (s *Service) ReopenCase(ctx context.Context, key RequestKey, beneficiaryID, caseID, reason string) (*Case, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, err
	}
	key, reason, vs := reasonedRequest(key, reason)
	if err := vs.err(); err != nil {
		return nil, err
	}
	return s.changeCase(ctx, p, key, "ReopenCase", beneficiaryID, caseID, func(_ context.Context, _ Tx, c *Case) error {
		if c.State != CaseClosed {
			return FailedPrecondition("CASE_OPEN", "the case is open", "Kasus masih terbuka.")
		}
		c.State, c.Outcome, c.ClosedOn, c.CloseNote = CaseOpen, OutcomeNone, Date{}, "Dibuka kembali: "+reason
		return nil
	})
}

// reasonedRequest normalizes the key and the reason of a change that must say why (a
// void, a reopening, a merge) and collects what is wrong with either.
func reasonedRequest(key RequestKey, reason string) (RequestKey, string, violations) {
	key = NormalizeKey(key)
	reason = cleanLongText(reason)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	checkReason(&vs, reason)
	return key, reason, vs
}

// checkReason requires a reason of sane length.
func checkReason(vs *violations, reason string) {
	if reason == "" {
		vs.required("reason")
	} else {
		checkLongText(vs, "reason", reason, maxReasonLen)
	}
}
