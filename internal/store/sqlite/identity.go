package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
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
func (q queries) DuplicateCandidates(ctx context.Context, b *ppks.Beneficiary, limit int) ([]*ppks.Beneficiary, error) {
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
	err := q.read(ctx, "duplicate candidates", func(tx *sql.Tx) (err error) {
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

// MergeBeneficiaries stores a merge: the duplicate as a pointer to the survivor (its NIK
// released first, for the survivor to take over), the survivor's fields, both if still at
// their revisions, every case and intervention of the duplicate moved to the survivor,
// and the counts of both people's pairs.
func (t *txn) MergeBeneficiaries(ctx context.Context, sv, dup *ppks.Beneficiary) error {
	return mapErr(ctx, "merge beneficiaries", func() error {
		if sv.ID == dup.ID {
			return errors.New("merge: a record cannot be merged into itself")
		}
		if dup.MergedInto != sv.ID {
			return fmt.Errorf("merge: the duplicate points at %q, not at the survivor %q", dup.MergedInto, sv.ID)
		}
		pairKeys, err := mergePairs(ctx, t.tx, sv.ID, dup.ID)
		if err != nil {
			return err
		}
		// The duplicate first: a NIK the survivor takes over must be free (UNIQUE).
		res, err := t.tx.ExecContext(ctx, `UPDATE beneficiaries SET nik = ?, merged_into = ?, update_time = ?, revision = ?
			WHERE id = ? AND revision = ? AND merged_into IS NULL`,
			nullString(dup.NIK), sv.ID, micros(dup.UpdateTime), dup.Revision+1, dup.ID, dup.Revision)
		if err != nil {
			return beneficiaryConflict(ctx, t.tx, dup, err)
		}
		if err := changedSince(res, dup.Name()); err != nil {
			return err
		}
		if err := updateBeneficiary(ctx, t.tx, sv, sv.Revision); err != nil {
			return err
		}
		if err := moveRecords(ctx, t.tx, sv.ID, dup.ID, sv.UpdateTime); err != nil {
			return err
		}
		sv.Revision++
		dup.Revision++
		return recountPairs(ctx, t.tx, pairKeys) // counts_maintain.go
	}())
}

// moveRecords stores the duplicate's cases and interventions as the survivor's, changed
// at when. The composite foreign key interventions (beneficiary_id, case_id) -> cases
// (beneficiary_id, id) holds neither after moving the cases first (their interventions
// point at the old pair) nor after moving the interventions first (the new pair does not
// exist yet), so the moves run with the key deferred, and the pairs of both people are
// checked before the key is immediate again. Turning defer_foreign_keys off forgets the
// violations counted while it was on: the check must come first. On error the write is
// rolled back to its savepoint, which restores the count.
func moveRecords(ctx context.Context, tx *sql.Tx, svID, dupID string, when time.Time) (err error) {
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
	for _, table := range []string{"cases", "interventions"} {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET beneficiary_id = ?, update_time = ?, revision = revision + 1
			WHERE beneficiary_id = ?`, svID, micros(when), dupID); err != nil {
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
