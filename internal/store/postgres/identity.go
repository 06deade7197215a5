package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// maxMergeChain bounds how many merged records a read follows to the survivor. A merge
// only ever points a live record at another live one, so chains have no cycles; the
// bound only stops a corrupted database.
const maxMergeChain = 64

// resolveID returns the id of the live record that the person id stands for: id itself
// for a live record, the end of its merged_into chain for a merged one. An id without a
// record is returned as it is, for the caller's lookup to report NotFound.
func resolveID(ctx context.Context, q querier, id string) (string, error) {
	for range maxMergeChain {
		var next *string
		err := q.QueryRow(ctx, `SELECT merged_into FROM beneficiaries WHERE id = $1`, id).Scan(&next)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return id, nil
		case err != nil:
			return "", err
		case next == nil:
			return id, nil
		}
		id = *next
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
		w           where
		match, rank []string
	)
	self := w.arg(b.ID)
	if b.KK != "" {
		kk := w.arg(b.KK)
		match = append(match, "b.kk = "+kk)
		rank = append(rank, "COALESCE(b.kk = "+kk+", false) DESC")
	}
	match = append(match, "(b.sex = "+w.arg(int(b.Sex))+" AND b.kecamatan_code = "+w.arg(b.KecamatanCode)+")")
	if part := longestPart(ppks.MatchKey(b.FullName)); utf8.RuneCountInString(part) >= 3 {
		pattern := w.arg("%" + escapeLike(part) + "%")
		match = append(match, `b.name_key LIKE `+pattern+` ESCAPE '\'`)
		rank = append(rank, `(b.name_key LIKE `+pattern+` ESCAPE '\') DESC`)
	}
	query := `SELECT ` + beneficiaryColumns + ` FROM beneficiaries b
		WHERE b.merged_into IS NULL AND b.id <> ` + self + ` AND (` + strings.Join(match, " OR ") + `)
		ORDER BY ` + strings.Join(append(rank, "b.id"), ", ") + ` LIMIT ` + w.arg(limit)
	var out []*ppks.Beneficiary
	err := q.read(ctx, "duplicate candidates", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, query, w.args, scanBeneficiary)
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
		if dup.NIK != "" {
			if err := nikFree(ctx, t.tx, dup); err != nil {
				return err
			}
		}
		tag, err := t.tx.Exec(ctx, `UPDATE beneficiaries SET nik = $1, merged_into = $2, update_time = $3, revision = $4
			WHERE id = $5 AND revision = $6 AND merged_into IS NULL`,
			nullString(dup.NIK), sv.ID, dup.UpdateTime, dup.Revision+1, dup.ID, dup.Revision)
		if pgCode(err) == codeUnique {
			return t.tx.retry(err)
		}
		if err != nil {
			return err
		}
		if err := changedSince(tag, dup.Name()); err != nil {
			return err
		}
		if sv.NIK != "" {
			if err := nikFree(ctx, t.tx, sv); err != nil {
				return err
			}
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
// (beneficiary_id, id) holds neither after moving the cases first nor after moving the
// interventions first, so it is deferred for the moves and checked right after them
// (SET CONSTRAINTS ... IMMEDIATE checks what was deferred), inside the write, where a
// violation is this write's error rather than its COMMIT's.
func moveRecords(ctx context.Context, q querier, svID, dupID string, when time.Time) error {
	if _, err := q.Exec(ctx, `SET CONSTRAINTS interventions_case_fkey DEFERRED`); err != nil {
		return err
	}
	for _, table := range []string{"cases", "interventions"} {
		if _, err := q.Exec(ctx, `UPDATE `+table+` SET beneficiary_id = $1, update_time = $2, revision = revision + 1
			WHERE beneficiary_id = $3`, svID, when, dupID); err != nil {
			return err
		}
	}
	_, err := q.Exec(ctx, `SET CONSTRAINTS interventions_case_fkey IMMEDIATE`)
	return err
}
