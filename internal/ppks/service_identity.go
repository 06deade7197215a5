package ppks

import (
	"context"
	"slices"
)

// Limits of duplicate search: how many records are scored, and how many shown.
const (
	candidatePool  = 5000
	candidateLimit = 20
)

// FindDuplicates lists the records that are likely the same person as b (a person about
// to be registered, or an existing record when b.ID is set), scored, best first, among
// those the caller may see.
func (s *Service) FindDuplicates(ctx context.Context, b Beneficiary) ([]Candidate, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, err
	}
	if b.ID != "" {
		existing, err := s.person(ctx, p, b.ID)
		if err != nil {
			return nil, err
		}
		b = *existing
	} else {
		b.normalize()
		if err := b.validate(s.Catalog, s.today(), "beneficiary."); err != nil {
			return nil, err
		}
	}
	pool, err := s.Store.DuplicateCandidates(ctx, &b, candidatePool)
	if err != nil {
		return nil, err
	}
	var visible []*Beneficiary
	for _, r := range pool {
		if p.InScope(r.KecamatanCode) {
			visible = append(visible, r)
		}
	}
	out := rankCandidates(&b, visible, candidateLimit)
	if len(out) > 0 {
		records := make([]string, len(out))
		for i, c := range out {
			records[i] = c.Beneficiary.Name()
		}
		if err := s.auditRead(ctx, "FindDuplicates", "beneficiaries", records); err != nil {
			return nil, err
		}
	}
	for i := range out {
		out[i].Beneficiary = present(p, out[i].Beneficiary)
	}
	return out, nil
}

// MergeBeneficiaries merges the duplicate record into the survivor: the duplicate's cases
// and interventions move to the survivor, the survivor's empty fields take the duplicate's
// values, and the duplicate becomes a pointer to the survivor (reads of its name return
// the survivor). Both records' histories keep the merge, and the person counts once.
func (s *Service) MergeBeneficiaries(ctx context.Context, key RequestKey, survivorID, duplicateID, reason string) (*Beneficiary, error) {
	p, err := requireRole(ctx, Supervisors...)
	if err != nil {
		return nil, err
	}
	key, reason, vs := reasonedRequest(key, reason)
	if survivorID == duplicateID {
		vs.add("duplicate", "SAME_RECORD", "a record cannot be merged into itself", "Data tidak dapat digabung dengan dirinya sendiri.")
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	op := s.op(ctx, "MergeBeneficiaries", key)
	var merged *Beneficiary
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		sv, err := tx.GetBeneficiary(ctx, survivorID)
		if err != nil {
			return err
		}
		// Read apart from sv even when both ids resolve to one record: refused below.
		dup, err := tx.GetBeneficiary(ctx, duplicateID)
		if err != nil {
			return err
		}
		if sv.ID == dup.ID || dup.MergedInto != "" {
			return FailedPrecondition("ALREADY_MERGED", "the records are already one", "Kedua data sudah digabung.")
		}
		if sv.NIK != "" && dup.NIK != "" && sv.NIK != dup.NIK {
			return FailedPrecondition("NIK_CONFLICT", "the records have different NIKs: they are two people",
				"Kedua data memiliki NIK berbeda: keduanya orang yang berbeda.")
		}
		cases, err := casesOf(ctx, tx, dup.ID)
		if err != nil {
			return err
		}
		interventions, err := interventionsOf(ctx, tx, dup.ID, "")
		if err != nil {
			return err
		}
		// A merge moves the figures of every year either person was counted in (the
		// duplicate's pairs join the survivor's; a KK number taken over moves family
		// counts): each such year must take writes (lock.go).
		survivorServed, err := interventionsOf(ctx, tx, sv.ID, "")
		if err != nil {
			return err
		}
		if err := s.checkCountedYearsOpen(ctx, tx, append(slices.Clip(interventions), survivorServed...)); err != nil {
			return err
		}
		svBefore, dupBefore := sv.fieldsOf(), dup.fieldsOf()
		fill(&sv.NIK, dup.NIK)
		fill(&sv.KK, dup.KK)
		fill(&sv.Desa, dup.Desa)
		fill(&sv.Address, dup.Address)
		if !sv.BirthDate.Complete() && (dup.BirthDate.Complete() || sv.BirthDate.IsZero()) {
			sv.BirthDate = dup.BirthDate
		}
		dup.MergedInto, dup.NIK = sv.ID, ""
		now := s.now()
		sv.UpdateTime, dup.UpdateTime = now, now
		merge := FieldChange{Field: "merge_reason", New: reason}
		op.record(sv.ID, sv.Name(), append(diff(beneficiaryHistoryFields, svBefore, sv.fieldsOf()),
			FieldChange{Field: "merged_from", New: dup.ID}, merge))
		op.record(dup.ID, dup.Name(), append(diff(beneficiaryHistoryFields, dupBefore, dup.fieldsOf()), merge))
		for _, c := range cases {
			before := c.fieldsOf()
			c.BeneficiaryID, c.UpdateTime = sv.ID, now
			op.record(c.ID, c.Name(), diff(caseHistoryFields, before, c.fieldsOf()))
		}
		for _, iv := range interventions {
			before := iv.fieldsOf()
			iv.BeneficiaryID, iv.UpdateTime = sv.ID, now
			op.record(iv.ID, iv.Name(), diff(interventionHistoryFields, before, iv.fieldsOf()))
		}
		op.Audit.Summary, op.Audit.Resource = "merged "+dup.Name()+" into "+sv.Name(), sv.Name()
		if err := tx.MergeBeneficiaries(ctx, sv, dup); err != nil {
			return err
		}
		merged = sv
		return nil
	})
	if err != nil {
		return nil, err
	}
	if replayed != "" {
		if merged, err = s.replayedPerson(ctx, p, replayed); err != nil {
			return nil, err
		}
	}
	return present(p, merged), nil
}

// casesOf reads every case of a person.
func casesOf(ctx context.Context, tx RecordReader, beneficiaryID string) ([]*Case, error) {
	return allPages(func(pg PageRequest) ([]*Case, error) {
		return tx.ListCases(ctx, CaseFilter{BeneficiaryID: beneficiaryID}, pg)
	},
		func(c *Case) string { return c.ID })
}

func fill(dst *string, src string) {
	if *dst == "" {
		*dst = src
	}
}
