package ppks

import (
	"context"
	"errors"
	"slices"
	"strings"
)

// hidden turns a missing record into PermissionDenied for a scoped caller: a worker asking
// for an id outside their area learns nothing of whether it exists.
func hidden(p *Principal, err error) error {
	if p.Scoped() && KindOf(err) == KindNotFound {
		return PermissionDenied()
	}
	return err
}

// person reads a person for the caller, checking that they may read people at all and
// this one in particular.
func (s *Service) person(ctx context.Context, p *Principal, id string) (*Beneficiary, error) {
	return readPerson(ctx, s.Store, p, id)
}

// readPerson is person through a reader: a write's transaction, say.
func readPerson(ctx context.Context, r RecordReader, p *Principal, id string) (*Beneficiary, error) {
	if !p.ReadsPeople() {
		return nil, PermissionDenied()
	}
	b, err := r.GetBeneficiary(ctx, id)
	if err != nil {
		return nil, hidden(p, err)
	}
	if !p.InScope(b.KecamatanCode) {
		return nil, PermissionDenied()
	}
	return b, nil
}

// readsPeople returns the caller when they may read personal records.
func readsPeople(ctx context.Context) (*Principal, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if !p.ReadsPeople() {
		return nil, PermissionDenied()
	}
	return p, nil
}

// present returns what the caller may see of a person: the NIK masked unless their work
// needs it in full.
func present(p *Principal, b *Beneficiary) *Beneficiary {
	if b == nil || b.NIK == "" || p.SeesFullNIK() {
		return b
	}
	c := *b
	c.NIK = MaskNIK(b.NIK)
	return &c
}

// names returns the resource names of records, for the audit log.
func names[T interface{ Name() string }](list []T) []string {
	out := make([]string, len(list))
	for i, r := range list {
		out[i] = r.Name()
	}
	return out
}

// changed lists the fields of a summary, for the audit log: names only, never values.
func changed(verb string, fields []string) string {
	if len(fields) == 0 {
		return verb
	}
	return verb + ": " + strings.Join(slices.Compact(slices.Sorted(slices.Values(fields))), ", ")
}

// requireRole returns the caller when their role is one of roles (the system always is).
func requireRole(ctx context.Context, roles ...Role) (*Principal, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if p.Role != RoleSystem && !slices.Contains(roles, p.Role) {
		return nil, PermissionDenied()
	}
	return p, nil
}

// conflict turns a store's AlreadyExists, which names the existing record, into what the
// caller may learn of it. Within the caller's area the record is theirs to read: the
// answer names it. Outside it, a worker is told no more than their work needs:
//   - a NIK held by a person of another kecamatan: that the person is already known, not
//     who or where (NIK_REGISTERED_ELSEWHERE), with the way forward (a transfer request,
//     transfer.go); the lookup beyond the worker's area is audited with the record;
//   - a client-chosen id taken outside the area: PermissionDenied, as a GET of it.
func (s *Service) conflict(ctx context.Context, p *Principal, err error) error {
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindAlreadyExists || e.Resource == "" || p.Area().Whole() {
		return err
	}
	personID, _, _ := strings.Cut(strings.TrimPrefix(e.Resource, "beneficiaries/"), "/")
	holder, gerr := s.Store.GetBeneficiary(ctx, personID)
	if gerr != nil {
		return gerr
	}
	if p.InScope(holder.KecamatanCode) {
		return err
	}
	if e.Reason != "NIK_EXISTS" {
		return PermissionDenied()
	}
	if aerr := s.appendAudit(ctx, &AuditEntry{
		Time: s.now(), Username: p.Username, Role: p.Role, Method: "NIKRegisteredElsewhere", Action: AuditRead,
		Resource: "beneficiaries", Records: []string{holder.Name()},
		Summary: "a NIK sent was found outside the caller's area",
	}); aerr != nil {
		return aerr
	}
	return ErrNIKRegisteredElsewhere()
}

// ErrNIKRegisteredElsewhere tells a worker that the NIK they sent belongs to a person
// registered outside their area, and what to do: ask for a transfer.
func ErrNIKRegisteredElsewhere() *Error {
	return &Error{
		Kind:    KindAlreadyExists,
		Reason:  "NIK_REGISTERED_ELSEWHERE",
		Message: "a person with this NIK is already registered outside your area; ask for a transfer to your kecamatan (POST /v1/transfers)",
		Localized: "Orang dengan NIK ini sudah terdaftar di luar wilayah Anda. Jika ia kini tinggal di wilayah Anda, " +
			"ajukan permintaan pindah dengan NIK ini; supervisor akan memeriksa dan memindahkan datanya.",
		Violations: []Violation{{
			Field: "beneficiary.nik", Reason: "NIK_REGISTERED_ELSEWHERE",
			Message:   "already registered outside your area",
			Localized: "Sudah terdaftar di luar wilayah Anda; ajukan permintaan pindah.",
		}},
	}
}
