package ppks

import "context"

// prepareUpdate starts an update by a caller who reads people: the request id checked
// and the update mask resolved against the updatable fields.
func prepareUpdate(ctx context.Context, key RequestKey, paths, allowed []string) (*Principal, RequestKey, []string, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, key, nil, err
	}
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	paths, err = checkMask(paths, allowed)
	if err := vs.merge(err); err != nil {
		return nil, key, nil, err
	}
	return p, key, paths, vs.err()
}

// changeCase runs one change of a case for the caller: the person must be theirs to
// touch; change runs inside the store's transaction; the fields it changed become the
// case's history and the audit summary.
func (s *Service) changeCase(ctx context.Context, p *Principal, key RequestKey, method, beneficiaryID, caseID string, change func(*Case) error) (*Case, error) {
	if _, err := s.person(ctx, p, beneficiaryID); err != nil {
		return nil, err
	}
	op := s.op(ctx, method, key)
	out, err := s.Store.UpdateCase(ctx, op, beneficiaryID, caseID, func(c *Case) error {
		op.resetChanges()
		before := c.fieldsOf()
		if err := change(c); err != nil {
			return err
		}
		fields := diff(caseHistoryFields, before, c.fieldsOf())
		op.Audit.Summary = changed(method, fieldNames(fields))
		op.record(c.ID, c.Name(), fields)
		c.UpdateTime = s.now()
		return nil
	})
	return out, hidden(p, err)
}

// changeIntervention is changeCase for an intervention. A worker changes only what they
// recorded.
func (s *Service) changeIntervention(ctx context.Context, p *Principal, key RequestKey, method, beneficiaryID, caseID, id string, change func(*Intervention) error) (*Intervention, error) {
	if _, err := s.person(ctx, p, beneficiaryID); err != nil {
		return nil, err
	}
	op := s.op(ctx, method, key)
	out, err := s.Store.UpdateIntervention(ctx, op, beneficiaryID, caseID, id, func(iv *Intervention) error {
		op.resetChanges()
		if p.Role == RoleWorker && iv.Worker != p.Username {
			return PermissionDenied()
		}
		before := iv.fieldsOf()
		lockYear := iv.DeliveredOn.Year // a locked year takes no change (lock.go)
		if err := change(iv); err != nil {
			return err
		}
		if err := s.checkYearsOpen(ctx, lockYear, iv.DeliveredOn.Year); err != nil {
			return err
		}
		fields := diff(interventionHistoryFields, before, iv.fieldsOf())
		op.Audit.Summary = changed(method, fieldNames(fields))
		op.record(iv.ID, iv.Name(), fields)
		iv.UpdateTime = s.now()
		return nil
	})
	if err != nil {
		return nil, hidden(p, err)
	}
	noteReplay(ctx, op)
	return out, nil
}
