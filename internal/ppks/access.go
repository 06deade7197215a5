package ppks

import (
	"context"
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
	if !p.ReadsPeople() {
		return nil, PermissionDenied()
	}
	b, err := s.Store.GetBeneficiary(ctx, id)
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
