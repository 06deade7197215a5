package ppks

import (
	"context"
	"sort"
)

// DuplicatePair is two live records that are likely one person, with the score and what
// agrees (ScoreDuplicate's reasons).
type DuplicatePair struct {
	A, B    *Beneficiary
	Score   int
	Reasons []string
}

// pairScan is how many people of the kecamatan one page of the duplicate review checks.
const pairScan = 25

// DuplicatePairs reviews the people of a kecamatan for likely duplicates (SUPERVISOR,
// who merges them): each page checks the next people, by id, against every record that
// could be them, and returns the pairs found (each pair once). The token continues the
// scan; the scan is done when it comes back empty.
func (s *Service) DuplicatePairs(ctx context.Context, kecamatan, token string) ([]DuplicatePair, string, int, error) {
	p, err := requireRole(ctx, Supervisors...)
	if err != nil {
		return nil, "", 0, err
	}
	if _, ok := s.Catalog.KecamatanByCode(kecamatan); !ok {
		return nil, "", 0, invalid("kecamatan", "UNKNOWN_KECAMATAN", "not a kecamatan of this region", "Kecamatan tidak dikenal di wilayah ini.")
	}
	scope := "duplicatePairs|" + kecamatan
	pg, err := page(pairScan, token, scope)
	if err != nil {
		return nil, "", 0, err
	}
	people, next, err := listPage(pg, scope, func(pg PageRequest) ([]*Beneficiary, error) {
		return s.Store.ListBeneficiaries(ctx, BeneficiaryFilter{KecamatanCode: kecamatan}, pg)
	}, func(b *Beneficiary) string { return b.ID })
	if err != nil {
		return nil, "", 0, err
	}
	var out []DuplicatePair
	seen := map[string]bool{}
	var records []string
	for _, b := range people {
		pool, err := s.Store.DuplicateCandidates(ctx, b, candidatePool)
		if err != nil {
			return nil, "", 0, err
		}
		for _, c := range rankCandidates(b, pool, 5) {
			// A pair inside the kecamatan is found from both ends: keep it from the lower
			// id. One with a record elsewhere is found only from here.
			other := c.Beneficiary
			if other.KecamatanCode == kecamatan && other.ID < b.ID {
				continue
			}
			key := b.ID + "|" + other.ID
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, DuplicatePair{A: present(p, b), B: present(p, other), Score: c.Score, Reasons: c.Reasons})
			records = append(records, b.Name(), other.Name())
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(records) > 0 {
		if err := s.auditRead(ctx, "DuplicatePairs", "beneficiaries", records); err != nil {
			return nil, "", 0, err
		}
	}
	return out, next, len(people), nil
}
