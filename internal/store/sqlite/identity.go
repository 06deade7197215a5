package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/opendinsos/ppks/internal/ppks"
)

// maxMergeChain bounds how many merged records a read follows to the survivor. A merge
// only ever points a live record at another live one, so chains have no cycles and grow
// by one with each merge of a survivor; the bound only stops a corrupted file.
const maxMergeChain = 64

// resolveID returns the id of the live record that the person id stands for: id itself
// for a live record, the end of its merged_into chain for a merged one. An id without a
// record is returned as it is, for the caller's lookup to report NotFound. Every read of
// a person, or of a case or intervention through its person, resolves here first.
func resolveID(ctx context.Context, tx *sql.Tx, id string) (string, error) {
	for range maxMergeChain {
		var next sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT merged_into FROM beneficiaries WHERE id = ?`, id).Scan(&next)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return id, nil
		case err != nil:
			return "", err
		case !next.Valid:
			return id, nil
		}
		id = next.String
	}
	return "", fmt.Errorf("beneficiary %s: more than %d merged records in a chain", id, maxMergeChain)
}

// DuplicateCandidates returns live records other than b that could be the same person:
// the same KK number, the same sex and kecamatan, or a match key containing the longest
// part of b's. When more than limit match, those sharing the KK number come first, then
// those sharing the name part, then by id.
func (db *DB) DuplicateCandidates(ctx context.Context, b *ppks.Beneficiary, limit int) ([]*ppks.Beneficiary, error) {
	if limit <= 0 {
		return nil, nil
	}
	var (
		match, rank []string
		args        []any
		rankArgs    []any
	)
	if b.KK != "" {
		match = append(match, "b.kk = ?")
		args = append(args, b.KK)
		rank = append(rank, "COALESCE(b.kk = ?, 0) DESC")
		rankArgs = append(rankArgs, b.KK)
	}
	match = append(match, "(b.sex = ? AND b.kecamatan_code = ?)")
	args = append(args, int(b.Sex), b.KecamatanCode)
	if part := longestPart(ppks.MatchKey(b.FullName)); utf8.RuneCountInString(part) >= 3 {
		pattern := "%" + escapeLike(part) + "%"
		match = append(match, `b.name_key LIKE ? ESCAPE '\'`)
		args = append(args, pattern)
		rank = append(rank, `(b.name_key LIKE ? ESCAPE '\') DESC`)
		rankArgs = append(rankArgs, pattern)
	}
	query := `SELECT ` + beneficiaryColumns + ` FROM beneficiaries b
		WHERE b.merged_into IS NULL AND b.id <> ? AND (` + strings.Join(match, " OR ") + `)
		ORDER BY ` + strings.Join(append(rank, "b.id"), ", ") + ` LIMIT ?`
	args = append(append(append([]any{b.ID}, args...), rankArgs...), limit)
	var out []*ppks.Beneficiary
	err := db.read(ctx, "duplicate candidates", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, query, args, scanBeneficiary)
		return err
	})
	return out, err
}

// longestPart returns the longest space-separated part of a match key (the first of
// equal length).
func longestPart(key string) string {
	var best string
	for _, p := range strings.Fields(key) {
		if utf8.RuneCountInString(p) > utf8.RuneCountInString(best) {
			best = p
		}
	}
	return best
}

// MergeBeneficiaries reads the survivor and the duplicate (each resolved to its live
// record), the duplicate's cases and interventions, lets merge change them, and stores
// them all with their revisions incremented: the duplicate becomes a pointer to the
// survivor, and its cases and interventions move to the survivor.
func (db *DB) MergeBeneficiaries(ctx context.Context, op ppks.Op, survivorID, duplicateID string,
	merge func(survivor, duplicate *ppks.Beneficiary, cases []*ppks.Case, interventions []*ppks.Intervention) error) (*ppks.Beneficiary, error) {
	var out *ppks.Beneficiary
	err := db.write(ctx, "merge beneficiaries", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayBeneficiary); done || err != nil {
			return err
		}
		sv, err := findLiveBeneficiary(ctx, tx, survivorID)
		if err != nil {
			return err
		}
		// Read apart from sv even when both ids resolve to one record: merge refuses that.
		dup, err := findLiveBeneficiary(ctx, tx, duplicateID)
		if err != nil {
			return err
		}
		cases, err := queryRows(ctx, tx, `SELECT `+caseColumns+caseFrom+` WHERE c.beneficiary_id = ? ORDER BY c.id`,
			[]any{dup.ID}, scanCase)
		if err != nil {
			return err
		}
		ivs, err := queryRows(ctx, tx, `SELECT `+interventionColumns+interventionFrom+`
			WHERE i.beneficiary_id = ? ORDER BY i.id`,
			[]any{dup.ID}, scanIntervention)
		if err != nil {
			return err
		}
		svID, svRev, dupID, dupRev := sv.ID, sv.Revision, dup.ID, dup.Revision
		pairKeys, err := mergePairs(ctx, tx, svID, dupID)
		if err != nil {
			return err
		}
		caseRevs, ivRevs := make([]int64, len(cases)), make([]int64, len(ivs))
		caseIDs, ivIDs := make([]string, len(cases)), make([]string, len(ivs))
		for i, c := range cases {
			caseIDs[i], caseRevs[i] = c.ID, c.Revision
		}
		for i, iv := range ivs {
			ivIDs[i], ivRevs[i] = iv.ID, iv.Revision
		}
		if err := callback(merge(sv, dup, cases, ivs)); err != nil {
			return err
		}
		if err := checkMerge(svID, dupID, dup, cases, ivs); err != nil {
			return err
		}
		sv.ID, sv.Revision, sv.MergedInto = svID, svRev+1, ""
		dup.ID, dup.Revision = dupID, dupRev+1

		// The duplicate first: a NIK the survivor takes over must be free (UNIQUE).
		res, err := tx.ExecContext(ctx, `UPDATE beneficiaries SET nik = ?, merged_into = ?, update_time = ?, revision = ?
			WHERE id = ? AND revision = ?`,
			nullString(dup.NIK), svID, micros(dup.UpdateTime), dup.Revision, dupID, dupRev)
		if err != nil {
			return beneficiaryConflict(ctx, tx, dup, err)
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if err := updateBeneficiary(ctx, tx, sv, svRev); err != nil {
			return err
		}
		if err := moveRecords(ctx, tx, svID, dupID, cases, caseIDs, caseRevs, ivs, ivIDs, ivRevs); err != nil {
			return err
		}
		if err := recountPairs(ctx, tx, pairKeys); err != nil { // counts_maintain.go
			return err
		}
		if err := recordOp(ctx, tx, op, sv.Name()); err != nil {
			return err
		}
		out, err = findBeneficiary(ctx, tx, svID)
		return err
	})
	return out, err
}

// checkMerge refuses a merge callback's result that the store cannot keep: one record
// merged into itself, a duplicate not pointing at the survivor, or a case or intervention
// left with (or moved to) another person.
func checkMerge(svID, dupID string, dup *ppks.Beneficiary, cases []*ppks.Case, ivs []*ppks.Intervention) error {
	if svID == dupID {
		return errors.New("merge: a record cannot be merged into itself")
	}
	if dup.MergedInto != svID {
		return fmt.Errorf("merge: the duplicate points at %q, not at the survivor %q", dup.MergedInto, svID)
	}
	for _, c := range cases {
		if c.BeneficiaryID != svID {
			return fmt.Errorf("merge: case %s not moved to the survivor", c.ID)
		}
	}
	for _, iv := range ivs {
		if iv.BeneficiaryID != svID {
			return fmt.Errorf("merge: intervention %s not moved to the survivor", iv.ID)
		}
	}
	return nil
}

// moveRecords stores the duplicate's cases and interventions as the survivor's. The
// composite foreign key interventions (beneficiary_id, case_id) -> cases (beneficiary_id,
// id) holds neither after moving a case first (its interventions point at the old pair)
// nor after moving an intervention first (the new pair does not exist yet), so the moves
// run with the key deferred, and the pairs of both people are checked before the key is
// immediate again. Turning defer_foreign_keys off forgets the violations counted while
// it was on: the check must come first. On error the write is rolled back to its
// savepoint, which restores the count.
func moveRecords(ctx context.Context, tx *sql.Tx, svID, dupID string,
	cases []*ppks.Case, caseIDs []string, caseRevs []int64,
	ivs []*ppks.Intervention, ivIDs []string, ivRevs []int64) (err error) {
	if len(cases) == 0 && len(ivs) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return err
	}
	defer func() {
		// The pragma lasts until the transaction ends, and the transaction may hold other
		// writes (group commit): switch it off whatever happened.
		if _, offErr := tx.ExecContext(context.WithoutCancel(ctx), `PRAGMA defer_foreign_keys = OFF`); offErr != nil && err == nil {
			err = offErr
		}
	}()
	for i, c := range cases {
		res, err := tx.ExecContext(ctx, `UPDATE cases SET beneficiary_id = ?, update_time = ?, revision = ?
			WHERE id = ? AND beneficiary_id = ? AND revision = ?`,
			svID, micros(c.UpdateTime), caseRevs[i]+1, caseIDs[i], dupID, caseRevs[i])
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
	}
	for i, iv := range ivs {
		res, err := tx.ExecContext(ctx, `UPDATE interventions SET beneficiary_id = ?, update_time = ?, revision = ?
			WHERE id = ? AND beneficiary_id = ? AND revision = ?`,
			svID, micros(iv.UpdateTime), ivRevs[i]+1, ivIDs[i], dupID, ivRevs[i])
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
	}
	// Every intervention pointing at a moved case was the duplicate's (the key held
	// before), so looking at both people's interventions finds every broken pair.
	var broken bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM interventions i
		WHERE i.beneficiary_id IN (?, ?)
		AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.beneficiary_id = i.beneficiary_id AND c.id = i.case_id))`,
		svID, dupID).Scan(&broken); err != nil {
		return err
	}
	if broken {
		return errors.New("merge: an intervention would be left without its case")
	}
	return nil
}
