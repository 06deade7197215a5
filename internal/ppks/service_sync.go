package ppks

import "context"

// MaxSyncItems bounds a sync batch: a day's offline work fits many times over.
const MaxSyncItems = 500

// SyncItem is one write of a batch sent by a field app after working offline. The
// transport sets exactly one of the records to create, with its request key, or Err when
// it could not read the item (a malformed name): the item then fails with Err.
type SyncItem struct {
	Key          RequestKey
	Err          error
	Beneficiary  *Beneficiary  // register this person (ID: the client's, may be empty)
	Case         *Case         // open this case for Case.BeneficiaryID (ID: the client's)
	Intervention *Intervention // record this in Intervention.BeneficiaryID / CaseID
}

// SyncStatus is what became of an item.
type SyncStatus int

// Sync statuses.
const (
	SyncCreated        SyncStatus = iota + 1 // written now
	SyncAlreadyExisted                       // a retry of a request already answered: nothing written
	SyncFailed                               // refused: Err says why
)

// SyncResult is the outcome of one item, in the batch's order.
type SyncResult struct {
	Status SyncStatus
	Name   string // the record created (or created before)
	Err    error
}

// Sync applies a batch in order, each item through the same path as its single create
// (same checks, same idempotency key), so an item retried alone later is recognised, and
// the other way round. One item's failure never stops the others; what was done before
// the caller gave up stays done.
func (s *Service) Sync(ctx context.Context, items []SyncItem) ([]SyncResult, error) {
	if _, err := readsPeople(ctx); err != nil {
		return nil, err
	}
	switch n := len(items); {
	case n == 0:
		return nil, invalid("items", "REQUIRED", "a batch needs items", "Kirim sedikitnya satu data.")
	case n > MaxSyncItems:
		return nil, invalid("items", "TOO_MANY", "at most 500 items a batch", "Paling banyak 500 data dalam satu kiriman.")
	}
	out := make([]SyncResult, 0, len(items))
	for _, item := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ictx, replayed := WithReplayNote(ctx)
		name, err := s.syncItem(ictx, item)
		r := SyncResult{Name: name, Status: SyncCreated}
		switch {
		case err != nil:
			r = SyncResult{Status: SyncFailed, Err: err}
		case *replayed:
			r.Status = SyncAlreadyExisted
		}
		out = append(out, r)
	}
	return out, nil
}

// syncItem runs one item and returns the name of the record it made.
func (s *Service) syncItem(ctx context.Context, item SyncItem) (string, error) {
	switch {
	case item.Err != nil:
		return "", item.Err
	case item.Beneficiary != nil:
		b, err := s.CreateBeneficiary(ctx, item.Key, item.Beneficiary.ID, *item.Beneficiary)
		if err != nil {
			return "", err
		}
		return b.Name(), nil
	case item.Case != nil:
		c, err := s.CreateCase(ctx, item.Key, item.Case.BeneficiaryID, item.Case.ID, *item.Case)
		if err != nil {
			return "", err
		}
		return c.Name(), nil
	case item.Intervention != nil:
		iv := item.Intervention
		created, err := s.CreateIntervention(ctx, item.Key, iv.BeneficiaryID, iv.CaseID, iv.ID, *iv)
		if err != nil {
			return "", err
		}
		return created.Name(), nil
	}
	return "", invalid("items.request", "REQUIRED", "an item needs a create request", "Setiap data harus berisi permintaan pembuatan.")
}
