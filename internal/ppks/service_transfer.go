package ppks

import (
	"context"
	"strconv"
	"strings"
)

// CreateTransfer asks for the person holding nik to be moved to the kecamatan to, with a
// reason. A worker asks for their own kecamatan; the NIK must be registered, outside it.
func (s *Service) CreateTransfer(ctx context.Context, key RequestKey, id, nik, to, reason string) (*Transfer, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, err
	}
	key, reason, vs := reasonedRequest(key, reason)
	checkRequestID(&vs, key.ID, true)
	t := Transfer{ID: s.newID(&vs, "transfer_id", strings.ToLower(id)), NIK: strings.TrimSpace(nik),
		ToKecamatan: strings.TrimSpace(to), Reason: reason}
	if t.NIK == "" {
		vs.required("transfer.nik")
	} else if _, err := ParseNIK(t.NIK); err != nil {
		if err := vs.merge(withPrefix(err, "transfer.")); err != nil {
			return nil, err
		}
	}
	if t.ToKecamatan == "" {
		vs.required("transfer.to_kecamatan_code")
	} else if _, ok := s.Catalog.KecamatanByCode(t.ToKecamatan); !ok {
		vs.add("transfer.to_kecamatan_code", "UNKNOWN_KECAMATAN", "not a kecamatan of this region", "Kecamatan tidak dikenal di wilayah ini.")
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	if !p.InScope(t.ToKecamatan) {
		return nil, PermissionDenied() // a worker asks for their own kecamatan only
	}
	op := s.op(ctx, "CreateTransfer", key)
	op.Audit.Resource = t.Name()
	var created *Transfer
	var holder *Beneficiary // who holds the NIK, once found
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		holders, err := tx.ListBeneficiaries(ctx, BeneficiaryFilter{NIK: t.NIK}, PageRequest{Limit: 2})
		if err != nil {
			return err
		}
		if len(holders) != 1 {
			return FailedPrecondition("NIK_NOT_REGISTERED", "no person holds this NIK: register them as a new person",
				"NIK ini belum terdaftar: daftarkan sebagai penerima baru.")
		}
		b := holders[0]
		holder = b
		if b.KecamatanCode == t.ToKecamatan {
			return FailedPrecondition("ALREADY_IN_KECAMATAN", "the person is already registered in this kecamatan",
				"Orang ini sudah terdaftar di kecamatan tersebut.")
		}
		pending, err := tx.ListTransfers(ctx, TransferFilter{BeneficiaryID: b.ID, State: TransferPending}, PageRequest{Limit: 1})
		if err != nil {
			return err
		}
		if len(pending) > 0 {
			return &Error{Kind: KindAlreadyExists, Reason: "TRANSFER_PENDING",
				Message:   "a transfer request for this person waits for a supervisor",
				Localized: "Permintaan pindah untuk orang ini sedang menunggu keputusan supervisor."}
		}
		t.BeneficiaryID, t.FromKecamatan = b.ID, b.KecamatanCode
		t.State, t.RequestedBy, t.CreateTime = TransferPending, p.Username, s.now()
		op.Audit.Summary = "requested transfer of " + b.Name() + " to " + t.ToKecamatan
		if err := tx.InsertTransfer(ctx, &t); err != nil {
			return err
		}
		created = &t
		return nil
	})
	if err != nil && holder != nil && !p.InScope(holder.KecamatanCode) {
		// Refused, the answer still told the worker that a person outside their area holds
		// the NIK (a request for them waits): a lookup beyond their scope, audited as one.
		if aerr := s.appendAudit(ctx, &AuditEntry{
			Time: s.now(), Username: p.Username, Role: p.Role, Method: "TransferLookup", Action: AuditRead,
			Resource: "beneficiaries", Records: []string{holder.Name()},
			Summary: "a transfer request found the NIK outside the caller's area, and was refused",
		}); aerr != nil {
			return nil, aerr
		}
	}
	if err != nil {
		return nil, err
	}
	if replayed != "" {
		if created, err = s.replayedTransfer(ctx, p, replayed); err != nil {
			return nil, err
		}
	}
	noteReplay(ctx, replayed)
	return presentTransfer(p, created), nil
}

// GetTransfer returns a transfer request: a worker reads their own.
func (s *Service) GetTransfer(ctx context.Context, id string) (*Transfer, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.transfer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return presentTransfer(p, t), nil
}

// replayedTransfer reads the request a replayed write produced, for its caller.
func (s *Service) replayedTransfer(ctx context.Context, p *Principal, name string) (*Transfer, error) {
	ids, err := nameIDs(name, "transfers")
	if err != nil {
		return nil, err
	}
	return s.transfer(ctx, p, ids[0])
}

// transfer reads a request the caller may read (unpresented).
func (s *Service) transfer(ctx context.Context, p *Principal, id string) (*Transfer, error) {
	t, err := s.Store.GetTransfer(ctx, id)
	if err != nil {
		return nil, hidden(p, err)
	}
	if p.Scoped() && t.RequestedBy != p.Username {
		return nil, PermissionDenied()
	}
	return t, nil
}

var transferFilterFields = map[string]string{"state": "="}

// ListTransfers lists transfer requests: a supervisor's queue (filter state = PENDING),
// or a worker's own requests.
func (s *Service) ListTransfers(ctx context.Context, size int32, token, filter string) ([]*Transfer, string, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, "", err
	}
	conds, ferr := ParseFilter(filter)
	var f TransferFilter
	if ferr == nil {
		var m map[string]string
		if m, ferr = filterFields(conds, transferFilterFields); ferr == nil {
			switch strings.TrimPrefix(m["state"], "TRANSFER_STATE_") {
			case "":
			case "PENDING":
				f.State = TransferPending
			case "APPROVED":
				f.State = TransferApproved
			case "REJECTED":
				f.State = TransferRejected
			default:
				ferr = invalid("filter", "INVALID_FILTER", "filter: state is PENDING, APPROVED or REJECTED",
					"Filter tidak valid: state bernilai PENDING, APPROVED atau REJECTED.")
			}
		}
	}
	pageScope := "transfers|" + filter
	pg, perr := page(size, token, pageScope)
	if err := joinInvalid(ferr, perr); err != nil {
		return nil, "", err
	}
	if p.Scoped() {
		f.RequestedBy = p.Username
	}
	list, next, err := listPage(pg, pageScope, func(pg PageRequest) ([]*Transfer, error) { return s.Store.ListTransfers(ctx, f, pg) },
		func(t *Transfer) string { return t.ID })
	if err != nil {
		return nil, "", err
	}
	for i, t := range list {
		list[i] = presentTransfer(p, t)
	}
	return list, next, nil
}

// ApproveTransfer moves the person to the requested kecamatan (a change of their record,
// kept in its history with the request's reason); a supervisor decides.
func (s *Service) ApproveTransfer(ctx context.Context, key RequestKey, id string) (*Transfer, error) {
	return s.decideTransfer(ctx, key, "ApproveTransfer", id, TransferApproved, "")
}

// RejectTransfer refuses a transfer request with a reason.
func (s *Service) RejectTransfer(ctx context.Context, key RequestKey, id, reason string) (*Transfer, error) {
	return s.decideTransfer(ctx, key, "RejectTransfer", id, TransferRejected, reason)
}

func (s *Service) decideTransfer(ctx context.Context, key RequestKey, method, id string, to TransferState, reason string) (*Transfer, error) {
	p, err := requireRole(ctx, Supervisors...)
	if err != nil {
		return nil, err
	}
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	if to == TransferRejected {
		reason = cleanLongText(reason)
		checkReason(&vs, reason)
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	op := s.op(ctx, method, key)
	var out *Transfer
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		t, err := tx.GetTransfer(ctx, id)
		if err != nil {
			return err
		}
		b, err := tx.GetBeneficiary(ctx, t.BeneficiaryID)
		if err != nil {
			return err
		}
		out = t
		if t.State != TransferPending {
			return FailedPrecondition("TRANSFER_DECIDED", "the request was already decided", "Permintaan ini sudah diputuskan.")
		}
		now := s.now()
		t.State, t.DecidedBy, t.DecisionNote, t.DecideTime = to, p.Username, reason, now
		verb := "rejected"
		if to == TransferApproved {
			verb = "approved"
		}
		op.Audit.Summary = verb + " transfer of " + b.Name() + " to " + t.ToKecamatan
		op.Audit.Resource = t.Name()
		if err := tx.UpdateTransfer(ctx, t); err != nil {
			return err
		}
		if to != TransferApproved || b.KecamatanCode == t.ToKecamatan {
			return nil
		}
		before := b.fieldsOf()
		b.KecamatanCode, b.UpdateTime = t.ToKecamatan, now
		op.record(b.ID, b.Name(), append(diff(beneficiaryHistoryFields, before, b.fieldsOf()),
			FieldChange{Field: "transfer", New: t.Name() + " (" + strconv.Quote(t.Reason) + ")"}))
		return tx.UpdateBeneficiary(ctx, b)
	})
	if err != nil {
		return nil, err
	}
	if replayed != "" {
		if out, err = s.replayedTransfer(ctx, p, replayed); err != nil {
			return nil, err
		}
	}
	return presentTransfer(p, out), nil
}
