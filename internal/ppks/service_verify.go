package ppks

import (
	"context"
	"strings"
)

// VerifyIntervention records a supervisor's check of a pending intervention.
func (s *Service) VerifyIntervention(ctx context.Context, key RequestKey, beneficiaryID, caseID, id string) (*Intervention, error) {
	return s.decide(ctx, key, "VerifyIntervention", beneficiaryID, caseID, id, VerificationVerified, "")
}

// RejectIntervention records a supervisor's refusal of a pending intervention, with a
// reason: it stops counting, and the worker may correct it, which sends it back to
// verification.
func (s *Service) RejectIntervention(ctx context.Context, key RequestKey, beneficiaryID, caseID, id, reason string) (*Intervention, error) {
	return s.decide(ctx, key, "RejectIntervention", beneficiaryID, caseID, id, VerificationRejected, cleanLongText(reason))
}

func (s *Service) decide(ctx context.Context, key RequestKey, method, beneficiaryID, caseID, id string, to VerificationState, reason string) (*Intervention, error) {
	p, err := requireRole(ctx, Supervisors...)
	if err != nil {
		return nil, err
	}
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	if to == VerificationRejected {
		checkReason(&vs, reason)
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	return s.changeIntervention(ctx, p, key, method, beneficiaryID, caseID, id, func(_ context.Context, _ Tx, iv *Intervention) error {
		switch {
		case iv.State == InterventionVoided:
			return FailedPrecondition("VOIDED", "the intervention is voided", "Intervensi sudah dibatalkan.")
		case iv.Verification != VerificationPending:
			return FailedPrecondition("NOT_PENDING", "the intervention was already "+strings.ToLower(verificationText(iv.Verification)),
				"Intervensi sudah diperiksa sebelumnya.")
		}
		iv.Verification, iv.VerifiedBy, iv.VerifyTime, iv.RejectReason = to, p.Username, s.now(), reason
		return nil
	})
}
