package ppks

import (
	"context"
	"strings"
)

// CreateBeneficiary registers a person.
func (s *Service) CreateBeneficiary(ctx context.Context, key RequestKey, id string, b Beneficiary) (*Beneficiary, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, err
	}
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
	if !p.InScope(b.KecamatanCode) {
		return nil, PermissionDenied()
	}
	b.CreateTime = s.now()
	b.UpdateTime = b.CreateTime
	b.Revision = 1
	op := s.op(ctx, "CreateBeneficiary", key)
	op.Audit.Summary, op.Audit.Resource = changed("created", b.setFields()), b.Name()
	var created *Beneficiary
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		op.record(b.ID, b.Name(), createdFields(beneficiaryHistoryFields, b.fieldsOf()))
		if err := tx.InsertBeneficiary(ctx, &b); err != nil {
			return err
		}
		created = &b
		return nil
	})
	if err != nil {
		return nil, s.conflict(ctx, p, err)
	}
	if replayed != "" {
		if created, err = s.replayedPerson(ctx, p, replayed); err != nil {
			return nil, err
		}
	}
	noteReplay(ctx, replayed)
	return present(p, created), nil
}

// setFields names the fields of a person that hold a value.
func (b *Beneficiary) setFields() []string {
	var f []string
	for name, set := range map[string]bool{
		"nik": b.NIK != "", "full_name": b.FullName != "", "sex": b.Sex != SexUnspecified,
		"birth_date": !b.BirthDate.IsZero(), "kecamatan_code": b.KecamatanCode != "", "desa": b.Desa != "", "address": b.Address != "",
	} {
		if set {
			f = append(f, name)
		}
	}
	return f
}

// GetBeneficiary returns a person.
func (s *Service) GetBeneficiary(ctx context.Context, id string) (*Beneficiary, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	b, err := s.person(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := s.auditRead(ctx, "GetBeneficiary", b.Name(), []string{b.Name()}); err != nil {
		return nil, err
	}
	return present(p, b), nil
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
	f := BeneficiaryFilter{
		KecamatanCode: m["kecamatan_code"],
		PpksType:      m["ppks_type"],
		NIK:           m["nik"],
		NameContains:  NormalizeName(m["full_name"]),
	}
	if _, given := m["full_name"]; given && f.NameContains == "" {
		// Search folds punctuation away (NormalizeName): "%" or "_" would search for
		// nothing, and so match everyone.
		return BeneficiaryFilter{}, invalid("filter", "INVALID_FILTER", "filter: full_name needs letters or digits to search for",
			"Filter tidak valid: full_name harus berisi huruf atau angka yang dicari.")
	}
	return f, nil
}

// ListBeneficiaries lists the people matching filter that the caller may see, one page
// at a time.
func (s *Service) ListBeneficiaries(ctx context.Context, size int32, token, filter string) ([]*Beneficiary, string, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, "", err
	}
	f, ferr := ParseBeneficiaryFilter(filter)
	pageScope := "beneficiaries|" + filter
	pg, perr := page(size, token, pageScope)
	if err := joinInvalid(ferr, perr); err != nil {
		return nil, "", err
	}
	if f.Area = p.Area(); f.Area.Empty() {
		return nil, "", nil
	}
	list, next, err := listPage(pg, pageScope,
		func(pg PageRequest) ([]*Beneficiary, error) { return s.Store.ListBeneficiaries(ctx, f, pg) },
		func(b *Beneficiary) string { return b.ID })
	if err != nil {
		return nil, "", err
	}
	if err := inArea(p, list, func(b *Beneficiary) string { return b.KecamatanCode }); err != nil {
		return nil, "", err
	}
	if len(list) > 0 {
		if err := s.auditRead(ctx, "ListBeneficiaries", "beneficiaries", names(list)); err != nil {
			return nil, "", err
		}
	}
	for i, b := range list {
		list[i] = present(p, b)
	}
	return list, next, nil
}

// UpdateBeneficiary changes the fields of a person named by paths (update_mask) to those
// of patch, refusing a stale etag.
func (s *Service) UpdateBeneficiary(ctx context.Context, key RequestKey, patch Beneficiary, paths []string, etag string) (*Beneficiary, error) {
	return s.updateBeneficiary(ctx, key, patch, paths, etag, exactVersion(etag))
}

// updateBeneficiary is UpdateBeneficiary with the check of the version the correction
// was made against (conflict.go).
func (s *Service) updateBeneficiary(ctx context.Context, key RequestKey, patch Beneficiary, paths []string, etag string, check versionCheck) (*Beneficiary, error) {
	p, key, paths, err := prepareUpdate(ctx, key, paths, beneficiaryFields, etag)
	if err != nil {
		return nil, err
	}
	today := s.today()
	op := s.op(ctx, "UpdateBeneficiary", key)
	var updated *Beneficiary
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		b, err := tx.GetBeneficiary(ctx, patch.ID)
		if err != nil {
			return err
		}
		if b.MergedInto != "" {
			return errMerged()
		}
		if !p.InScope(b.KecamatanCode) {
			return PermissionDenied()
		}
		before := *b
		for _, path := range paths {
			switch path {
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
			case "kk_number":
				b.KK = patch.KK
			}
		}
		b.normalize()
		if err := check(before.fieldsOf(), b.fieldsOf(), before.Etag()); err != nil {
			return withRecord(err, func(ce *ConflictError) { ce.Beneficiary = &before })
		}
		if err := b.validate(s.Catalog, today, "beneficiary."); err != nil {
			return err
		}
		if !p.InScope(b.KecamatanCode) {
			return PermissionDenied() // a worker cannot move a person out of their area
		}
		if b.KK != before.KK {
			// A new KK number moves the person's family counts in every year they count
			// in: those years must take writes.
			served, err := interventionsOf(ctx, tx, b.ID, "")
			if err != nil {
				return err
			}
			if err := s.checkCountedYearsOpen(ctx, tx, served); err != nil {
				return err
			}
		}
		fields := diff(beneficiaryHistoryFields, before.fieldsOf(), b.fieldsOf())
		op.Audit.Summary, op.Audit.Resource = changed("updated", fieldNames(fields)), b.Name()
		op.record(b.ID, b.Name(), fields)
		b.UpdateTime = s.now()
		if err := tx.UpdateBeneficiary(ctx, b); err != nil {
			return err
		}
		updated = b
		return nil
	})
	if err != nil {
		return nil, s.conflict(ctx, p, hidden(p, err))
	}
	if replayed != "" {
		if updated, err = s.replayedPerson(ctx, p, replayed); err != nil {
			return nil, err
		}
	}
	noteReplay(ctx, replayed)
	return present(p, updated), nil
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
