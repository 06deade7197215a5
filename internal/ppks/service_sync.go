package ppks

import (
	"context"
	"errors"
)

// MaxSyncItems bounds a sync batch: a day's offline work fits many times over.
const MaxSyncItems = 500

// SyncItem is one write of a batch sent by a field app after working offline. The
// transport sets exactly one of the records to create, with its request key, or a
// Correction, or Err when it could not read the item (a malformed name): the item then
// fails with Err.
type SyncItem struct {
	Key          RequestKey
	Err          error
	Beneficiary  *Beneficiary  // register this person (ID: the client's, may be empty)
	Case         *Case         // open this case for Case.BeneficiaryID (ID: the client's)
	Intervention *Intervention // record this in Intervention.BeneficiaryID / CaseID
	Correction   *Correction   // correct a record
}

// Correction is a correction made offline: the fields named by Paths of one record (the
// one set of Beneficiary, Case and Intervention, with its ids) take the values sent. Etag
// is the version of the record it was made against. When the record changed since, the
// correction is applied only if none of its fields changed on the server in a way that
// differs from it (the rest of the change is kept), and otherwise comes back as a
// conflict, field by field: nothing is overwritten. Base is the record as the client had
// it at Etag (at least the fields of Paths), the one set of the three matching the
// record; without it any change since Etag is a conflict on every field that differs.
type Correction struct {
	Beneficiary      *Beneficiary
	Case             *Case
	Intervention     *Intervention
	Paths            []string
	Etag             string
	BaseBeneficiary  *Beneficiary
	BaseCase         *Case
	BaseIntervention *Intervention
}

// SyncStatus is what became of an item.
type SyncStatus int

// Sync statuses.
const (
	SyncCreated        SyncStatus = iota + 1 // written now
	SyncAlreadyExisted                       // a retry of a request already answered: nothing written
	SyncFailed                               // refused: Err says why
	SyncUpdated                              // a correction applied now
	SyncConflict                             // a correction not applied: the record changed since its base (Conflicts)
)

// SyncAction is what the client is to do with an item after its result.
type SyncAction int

// Sync actions.
const (
	SyncDone            SyncAction = iota + 1 // done: keep the record returned, drop the item
	SyncRetry                                 // a passing failure: send it again later, unchanged, with its request id
	SyncFix                                   // refused for what it says: the user must change it (Err's field violations)
	SyncResolveConflict                       // choose, field by field, between the server's values and the client's
	SyncDrop                                  // can never succeed (outside the caller's area, gone, merged): drop it and say why
)

// FieldConflict is one field of a correction that differs from the record on the server.
// Values are text as in a record's history (Change). Base is the value the correction was
// made against, when the client sent its base (BaseKnown).
type FieldConflict struct {
	Field          string
	Server, Client string
	Base           string
	BaseKnown      bool
}

// SyncResult is the outcome of one item, in the batch's order.
type SyncResult struct {
	Status    SyncStatus
	Action    SyncAction
	Name      string // the record created (or created before), corrected, or in conflict
	Err       error
	Conflicts []FieldConflict // for SyncConflict
	// The record as it is now, as the caller may see it: after the item, or the server's
	// version in a conflict (whose etag a resolution is made against). One at most is set.
	Beneficiary  *Beneficiary
	Case         *Case
	Intervention *Intervention
}

// Sync applies a batch in order, each item through the same path as its single method
// (same checks, same idempotency key), so an item retried alone later is recognised, and
// the other way round. One item's failure never stops the others, but for a passing
// failure (the database busy, a race lost): the items after it, which may depend on it,
// are not run and come back to be retried with it. What was done before the caller gave
// up stays done.
func (s *Service) Sync(ctx context.Context, items []SyncItem) ([]SyncResult, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, err
	}
	switch n := len(items); {
	case n == 0:
		return nil, invalid("items", "REQUIRED", "a batch needs items", "Kirim sedikitnya satu data.")
	case n > MaxSyncItems:
		return nil, invalid("items", "TOO_MANY", "at most 500 items a batch", "Paling banyak 500 data dalam satu kiriman.")
	}
	out := make([]SyncResult, 0, len(items))
	retryRest := false
	for _, item := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if retryRest {
			out = append(out, SyncResult{Status: SyncFailed, Action: SyncRetry, Err: errNotAttempted()})
			continue
		}
		ictx, replayed := WithReplayNote(ctx)
		r := s.syncItem(ictx, p, item)
		switch {
		case r.Err != nil:
			var ce *ConflictError
			if errors.As(r.Err, &ce) {
				r = SyncResult{Status: SyncConflict, Action: SyncResolveConflict, Name: r.Name, Conflicts: ce.Fields}
				r.Beneficiary, r.Case, r.Intervention = present(p, ce.Beneficiary), ce.Case, ce.Intervention
			} else {
				r = SyncResult{Status: SyncFailed, Action: syncAction(r.Err), Err: r.Err}
			}
		case *replayed:
			r.Status = SyncAlreadyExisted
		}
		if r.Action == 0 {
			r.Action = SyncDone
		}
		retryRest = r.Action == SyncRetry
		out = append(out, r)
	}
	return out, nil
}

// errNotAttempted answers the items after one that failed for a passing reason.
func errNotAttempted() error {
	return &Error{Kind: KindUnavailable, Reason: "NOT_ATTEMPTED",
		Message:   "not attempted: an earlier item of the batch failed for a passing reason; send it again with that one",
		Localized: "Belum diproses karena data sebelumnya gagal sementara; akan dikirim ulang bersamanya."}
}

// syncAction says what a client is to do with an item refused with err.
func syncAction(err error) SyncAction {
	var e *Error
	if !errors.As(err, &e) {
		return SyncRetry
	}
	switch e.Kind {
	case KindInvalid, KindAlreadyExists:
		return SyncFix
	case KindFailedPrecondition:
		switch e.Reason {
		case "REQUEST_ID_REUSED", "MERGED", "VOIDED":
			return SyncDrop
		}
		return SyncFix // a closed case, a locked year: the user decides
	case KindPermissionDenied, KindNotFound, KindUnauthenticated:
		return SyncDrop
	}
	return SyncRetry // unavailable, busy, a race lost, an internal error
}

// syncItem runs one item: its result with the record it wrote, or with Err.
func (s *Service) syncItem(ctx context.Context, p *Principal, item SyncItem) SyncResult {
	switch {
	case item.Err != nil:
		return SyncResult{Err: item.Err}
	case item.Beneficiary != nil:
		b, err := s.CreateBeneficiary(ctx, item.Key, item.Beneficiary.ID, *item.Beneficiary)
		if err != nil {
			return SyncResult{Err: err}
		}
		return SyncResult{Status: SyncCreated, Name: b.Name(), Beneficiary: b}
	case item.Case != nil:
		c, err := s.CreateCase(ctx, item.Key, item.Case.BeneficiaryID, item.Case.ID, *item.Case)
		if err != nil {
			return SyncResult{Err: err}
		}
		return SyncResult{Status: SyncCreated, Name: c.Name(), Case: c}
	case item.Intervention != nil:
		iv := item.Intervention
		created, err := s.CreateIntervention(ctx, item.Key, iv.BeneficiaryID, iv.CaseID, iv.ID, *iv)
		if err != nil {
			return SyncResult{Err: err}
		}
		return SyncResult{Status: SyncCreated, Name: created.Name(), Intervention: created}
	case item.Correction != nil:
		return s.syncCorrection(ctx, p, item.Key, item.Correction)
	}
	return SyncResult{Err: invalid("items.request", "REQUIRED", "an item needs a request", "Setiap data harus berisi permintaan.")}
}

// syncCorrection applies a correction made offline through the single update of its
// record, with the version check of offline work (conflict.go).
func (s *Service) syncCorrection(ctx context.Context, p *Principal, key RequestKey, c *Correction) SyncResult {
	if key.ID == "" {
		// Without one, a correction sent again after a lost answer could not be told
		// from a new one.
		return SyncResult{Err: invalid("request_id", "REQUIRED", "a correction sent in a batch needs a request id",
			"Wajib diisi: koreksi yang dikirim bersama harus punya request_id.")}
	}
	switch {
	case c.Beneficiary != nil:
		check := offlineVersion(p, c.Etag, fieldsOrNil(c.BaseBeneficiary))
		b, err := s.updateBeneficiary(ctx, key, *c.Beneficiary, c.Paths, c.Etag, check)
		if err != nil {
			return SyncResult{Name: c.Beneficiary.Name(), Err: err}
		}
		return SyncResult{Status: SyncUpdated, Name: b.Name(), Beneficiary: b}
	case c.Case != nil:
		check := offlineVersion(p, c.Etag, fieldsOrNil(c.BaseCase))
		cs, err := s.updateCase(ctx, key, *c.Case, c.Paths, c.Etag, check)
		if err != nil {
			return SyncResult{Name: c.Case.Name(), Err: err}
		}
		return SyncResult{Status: SyncUpdated, Name: cs.Name(), Case: cs}
	case c.Intervention != nil:
		check := offlineVersion(p, c.Etag, fieldsOrNil(c.BaseIntervention))
		iv, err := s.updateIntervention(ctx, key, *c.Intervention, c.Paths, c.Etag, check)
		if err != nil {
			return SyncResult{Name: c.Intervention.Name(), Err: err}
		}
		return SyncResult{Status: SyncUpdated, Name: iv.Name(), Intervention: iv}
	}
	return SyncResult{Err: invalid("items.request", "REQUIRED", "a correction needs its record", "Koreksi harus berisi datanya.")}
}
