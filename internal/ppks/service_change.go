package ppks

import "context"

// prepareUpdate starts a correction of a person, a case or an intervention by a caller
// who reads people: the request id checked, the etag of the copy it was made against
// required (a correction without one would overwrite blindly whatever changed since: how
// offline edits get lost), and the update mask resolved against the updatable fields.
func prepareUpdate(ctx context.Context, key RequestKey, paths, allowed []string, etag string) (*Principal, RequestKey, []string, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, key, nil, err
	}
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	if etag == "" {
		vs.add("etag", "REQUIRED", "send the etag of the record as last read: a correction without one could overwrite a change made since",
			"Wajib diisi: kirim etag data yang terakhir dibaca, agar koreksi tidak menimpa perubahan orang lain.")
	}
	paths, err = checkMask(paths, allowed)
	if err := vs.merge(err); err != nil {
		return nil, key, nil, err
	}
	return p, key, paths, vs.err()
}

// changeCase runs one change of a case for the caller in one write: the person must be
// theirs to touch; change sees the case as its transaction does; the fields it changed
// become the case's history and the audit summary.
func (s *Service) changeCase(ctx context.Context, p *Principal, key RequestKey, method, beneficiaryID, caseID string,
	change func(ctx context.Context, tx Tx, c *Case) error) (*Case, error) {
	op := s.op(ctx, method, key)
	var out *Case
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		b, err := readPerson(ctx, tx, p, beneficiaryID)
		if err != nil {
			return err
		}
		c, err := tx.GetCase(ctx, b.ID, caseID)
		if err != nil {
			return err
		}
		before := c.fieldsOf()
		if err := change(ctx, tx, c); err != nil {
			return err
		}
		fields := diff(caseHistoryFields, before, c.fieldsOf())
		op.Audit.Summary, op.Audit.Resource = changed(method, fieldNames(fields)), c.Name()
		op.record(c.ID, c.Name(), fields)
		c.UpdateTime = s.now()
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return nil, hidden(p, err)
	}
	noteReplay(ctx, replayed)
	if replayed != "" {
		return s.replayedCase(ctx, p, replayed)
	}
	return out, nil
}

// changeIntervention is changeCase for an intervention. A worker changes only what they
// recorded; a locked year takes no change (lock.go), neither the one the intervention was
// dated in nor the one a correction moves it to.
func (s *Service) changeIntervention(ctx context.Context, p *Principal, key RequestKey, method, beneficiaryID, caseID, id string,
	change func(ctx context.Context, tx Tx, iv *Intervention) error) (*Intervention, error) {
	op := s.op(ctx, method, key)
	var out *Intervention
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		b, err := readPerson(ctx, tx, p, beneficiaryID)
		if err != nil {
			return err
		}
		iv, err := tx.GetIntervention(ctx, b.ID, caseID, id)
		if err != nil {
			return err
		}
		if p.Role == RoleWorker && iv.Worker != p.Username {
			return PermissionDenied()
		}
		before := iv.fieldsOf()
		lockYear := iv.DeliveredOn.Year
		if err := change(ctx, tx, iv); err != nil {
			return err
		}
		if err := s.checkYearsOpen(ctx, tx, lockYear, iv.DeliveredOn.Year); err != nil {
			return err
		}
		fields := diff(interventionHistoryFields, before, iv.fieldsOf())
		op.Audit.Summary, op.Audit.Resource = changed(method, fieldNames(fields)), iv.Name()
		op.record(iv.ID, iv.Name(), fields)
		iv.UpdateTime = s.now()
		if err := tx.UpdateIntervention(ctx, iv); err != nil {
			return err
		}
		out = iv
		return nil
	})
	if err != nil {
		return nil, hidden(p, err)
	}
	noteReplay(ctx, replayed)
	if replayed != "" {
		return s.replayedIntervention(ctx, p, replayed)
	}
	return out, nil
}
