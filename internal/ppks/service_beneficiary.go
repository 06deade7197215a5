package ppks

import (
	"context"
	"strings"
)

// CreateBeneficiary registers a person.
func (s *Service) CreateBeneficiary(ctx context.Context, key RequestKey, id string, b Beneficiary) (*Beneficiary, error) {
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, true)
	b.ID = s.newID(&vs, "beneficiary_id", strings.ToLower(id))
	b.normalize()
	if err := vs.merge(b.validate(s.Catalog, s.today(), "beneficiary.")); err != nil {
		return nil, err
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	b.CreateTime = s.now()
	b.UpdateTime = b.CreateTime
	b.Revision = 1
	return s.Store.CreateBeneficiary(ctx, key, &b)
}

// GetBeneficiary returns a person.
func (s *Service) GetBeneficiary(ctx context.Context, id string) (*Beneficiary, error) {
	return s.Store.GetBeneficiary(ctx, id)
}

var beneficiaryFilterFields = map[string]string{
	"kecamatan_code": "=", "ppks_type": "=", "nik": "=", "full_name": ":",
}

// ParseBeneficiaryFilter turns a filter string into a typed filter.
func ParseBeneficiaryFilter(filter string) (BeneficiaryFilter, error) {
	conds, err := ParseFilter(filter)
	if err != nil {
		return BeneficiaryFilter{}, err
	}
	m, err := filterFields(conds, beneficiaryFilterFields)
	if err != nil {
		return BeneficiaryFilter{}, err
	}
	return BeneficiaryFilter{
		KecamatanCode: m["kecamatan_code"],
		PpksType:      m["ppks_type"],
		NIK:           m["nik"],
		NameContains:  NormalizeName(m["full_name"]),
	}, nil
}

// ListBeneficiaries lists people matching filter, restricted to scope (kecamatan codes;
// nil for all), one page at a time.
func (s *Service) ListBeneficiaries(ctx context.Context, scope []string, size int32, token, filter string) ([]*Beneficiary, string, error) {
	f, ferr := ParseBeneficiaryFilter(filter)
	p, perr := page(size, token, "beneficiaries|"+filter)
	if err := joinInvalid(ferr, perr); err != nil {
		return nil, "", err
	}
	f.KecamatanIn = scope
	return listPage(p, "beneficiaries|"+filter,
		func(p PageRequest) ([]*Beneficiary, error) { return s.Store.ListBeneficiaries(ctx, f, p) },
		func(b *Beneficiary) string { return b.ID })
}

// UpdateBeneficiary changes the fields of a person named by paths (update_mask) to those
// of patch, refusing a stale etag.
func (s *Service) UpdateBeneficiary(ctx context.Context, key RequestKey, patch Beneficiary, paths []string, etag string) (*Beneficiary, error) {
	key = NormalizeKey(key)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	paths, err := checkMask(paths, beneficiaryFields)
	if err := vs.merge(err); err != nil {
		return nil, err
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	today := s.today()
	return s.Store.UpdateBeneficiary(ctx, key, patch.ID, func(b *Beneficiary) error {
		if err := checkEtag(etag, b.Etag()); err != nil {
			return err
		}
		for _, p := range paths {
			switch p {
			case "nik":
				b.NIK = patch.NIK
			case "full_name":
				b.FullName = patch.FullName
			case "sex":
				b.Sex = patch.Sex
			case "birth_date":
				b.BirthDate = patch.BirthDate
			case "kecamatan_code":
				b.KecamatanCode = patch.KecamatanCode
			case "desa":
				b.Desa = patch.Desa
			case "address":
				b.Address = patch.Address
			}
		}
		b.normalize()
		if err := b.validate(s.Catalog, today, "beneficiary."); err != nil {
			return err
		}
		b.UpdateTime = s.now()
		return nil
	})
}

// joinInvalid merges invalid-argument errors into one, so a caller sees every problem.
func joinInvalid(errs ...error) error {
	var vs violations
	for _, err := range errs {
		if err := vs.merge(err); err != nil {
			return err
		}
	}
	return vs.err()
}
