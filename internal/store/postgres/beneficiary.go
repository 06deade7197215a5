package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// GetBeneficiary returns a person; the id of a merged record returns its survivor.
func (q queries) GetBeneficiary(ctx context.Context, id string) (*ppks.Beneficiary, error) {
	var out *ppks.Beneficiary
	err := q.read(ctx, "get beneficiary", false, func(tx querier) (err error) {
		out, err = findLiveBeneficiary(ctx, tx, id)
		return err
	})
	return out, err
}

// ListBeneficiaries lists the live people (merged records never) by id.
func (q queries) ListBeneficiaries(ctx context.Context, f ppks.BeneficiaryFilter, p ppks.PageRequest) ([]*ppks.Beneficiary, error) {
	w := beneficiaryWhere(f)
	if p.After != "" {
		w.add("b.id > ?", p.After)
	}
	query := `SELECT ` + beneficiaryColumns + ` FROM beneficiaries b` + w.String() + ` ORDER BY b.id LIMIT ` + w.arg(limit(p))
	var out []*ppks.Beneficiary
	err := q.read(ctx, "list beneficiaries", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, query, w.args, scanBeneficiary)
		return err
	})
	return out, err
}

// CountBeneficiaries counts the live people ListBeneficiaries would list.
func (q queries) CountBeneficiaries(ctx context.Context, f ppks.BeneficiaryFilter) (int, error) {
	w := beneficiaryWhere(f)
	var n int
	err := q.read(ctx, "count beneficiaries", true, func(tx querier) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM beneficiaries b`+w.String(), w.args...).Scan(&n)
	})
	return n, err
}

// beneficiaryWhere is the condition of the people a filter selects.
func beneficiaryWhere(f ppks.BeneficiaryFilter) *where {
	w := &where{}
	w.add("b.merged_into IS NULL")
	w.area("b.kecamatan_code", f.Area)
	if f.KecamatanCode != "" {
		w.add("b.kecamatan_code = ?", f.KecamatanCode)
	}
	if f.PpksType != "" {
		w.add("EXISTS (SELECT 1 FROM cases c WHERE c.beneficiary_id = b.id AND c.ppks_type = ?)", f.PpksType)
	}
	if f.NIK != "" {
		w.add("b.nik = ?", f.NIK)
	}
	if f.NameContains != "" {
		w.add(`b.name_norm LIKE ? ESCAPE '\'`, "%"+escapeLike(f.NameContains)+"%")
	}
	return w
}

const beneficiaryColumns = `b.id, b.nik, b.full_name, b.sex, b.birth_year, b.birth_month, b.birth_day,
	b.kecamatan_code, b.desa, b.address, b.create_time, b.update_time, b.revision, b.kk, b.merged_into`

func scanBeneficiary(s pgx.Row) (*ppks.Beneficiary, error) {
	var (
		b               ppks.Beneficiary
		sex             int
		nik, kk, merged *string
	)
	if err := s.Scan(&b.ID, &nik, &b.FullName, &sex, &b.BirthDate.Year, &b.BirthDate.Month, &b.BirthDate.Day,
		&b.KecamatanCode, &b.Desa, &b.Address, &b.CreateTime, &b.UpdateTime, &b.Revision, &kk, &merged); err != nil {
		return nil, err
	}
	b.Sex = ppks.Sex(sex)
	b.NIK, b.KK, b.MergedInto = fromNullString(nik), fromNullString(kk), fromNullString(merged)
	b.CreateTime, b.UpdateTime = utc(b.CreateTime), utc(b.UpdateTime)
	return &b, nil
}

// findBeneficiary reads the record with the id, merged or not; NotFound when there is
// none.
func findBeneficiary(ctx context.Context, q querier, id string) (*ppks.Beneficiary, error) {
	b, err := scanBeneficiary(q.QueryRow(ctx, `SELECT `+beneficiaryColumns+` FROM beneficiaries b WHERE b.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ppks.NotFound("beneficiaries/" + id)
	}
	return b, err
}

// findLiveBeneficiary reads a person, following a merged record to its survivor;
// NotFound when there is none.
func findLiveBeneficiary(ctx context.Context, q querier, id string) (*ppks.Beneficiary, error) {
	for range maxMergeChain {
		b, err := findBeneficiary(ctx, q, id)
		if err != nil || b.MergedInto == "" {
			return b, err
		}
		id = b.MergedInto
	}
	return nil, fmt.Errorf("beneficiary %s: more than %d merged records in a chain", id, maxMergeChain)
}

// InsertBeneficiary stores a new person.
func (t *txn) InsertBeneficiary(ctx context.Context, b *ppks.Beneficiary) error {
	return mapErr(ctx, "insert beneficiary", insertBeneficiary(ctx, t.tx, b))
}

// insertBeneficiary inserts b unless its id or its NIK is taken, which it then explains.
// ON CONFLICT DO NOTHING keeps the transaction usable for the explanation; a key taken
// by a transaction this one cannot see fails it with a serialization failure, and the
// write runs again (write.go).
func insertBeneficiary(ctx context.Context, r *recorder, b *ppks.Beneficiary) error {
	tag, err := r.Exec(ctx, `INSERT INTO beneficiaries (id, nik, full_name, name_norm, name_key, sex,
		birth_year, birth_month, birth_day, kecamatan_code, desa, address, kk, merged_into,
		create_time, update_time, revision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
		ON CONFLICT DO NOTHING`,
		b.ID, nullString(b.NIK), b.FullName, ppks.NormalizeName(b.FullName), ppks.MatchKey(b.FullName), int(b.Sex),
		b.BirthDate.Year, b.BirthDate.Month, b.BirthDate.Day, b.KecamatanCode, b.Desa, b.Address,
		nullString(b.KK), nullString(b.MergedInto), b.CreateTime, b.UpdateTime, b.Revision)
	if err != nil || tag.RowsAffected() == 1 {
		return err
	}
	var id string
	var nik *string
	err = r.QueryRow(ctx, `SELECT id, nik FROM beneficiaries WHERE id = $1 OR nik = $2 ORDER BY id = $1 DESC LIMIT 1`,
		b.ID, nullString(b.NIK)).Scan(&id, &nik)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return r.retry(errors.New("insert beneficiary: a key taken by a concurrent write"))
	case err != nil:
		return err
	case id == b.ID:
		return alreadyExists(b.Name())
	}
	return nikExists(id)
}

// UpdateBeneficiary stores a person's fields, if the stored record is still at
// b.Revision, and the counts of the person's pairs when their KK number (their family)
// changed.
func (t *txn) UpdateBeneficiary(ctx context.Context, b *ppks.Beneficiary) error {
	return mapErr(ctx, "update beneficiary", func() error {
		var kk, nik *string
		if err := t.tx.QueryRow(ctx, `SELECT kk, nik FROM beneficiaries WHERE id = $1`, b.ID).Scan(&kk, &nik); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return ppks.NotFound(b.Name())
			}
			return err
		}
		if b.NIK != "" && b.NIK != fromNullString(nik) {
			if err := nikFree(ctx, t.tx, b); err != nil {
				return err
			}
		}
		if err := updateBeneficiary(ctx, t.tx, b, b.Revision); err != nil {
			return err
		}
		b.Revision++
		if b.KK == fromNullString(kk) {
			return nil
		}
		keys, err := personPairs(ctx, t.tx, b.ID) // the family the person's pairs count in
		if err != nil {
			return err
		}
		return recountPairs(ctx, t.tx, keys)
	}())
}

// nikFree refuses b's NIK when another person holds it: checked before the UPDATE, whose
// unique violation would abort the transaction before it could say who holds it.
func nikFree(ctx context.Context, q querier, b *ppks.Beneficiary) error {
	var other string
	err := q.QueryRow(ctx, `SELECT id FROM beneficiaries WHERE nik = $1 AND id <> $2`, b.NIK, b.ID).Scan(&other)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return nikExists(other)
}

// updateBeneficiary stores every field of b but merged_into, if the stored record is
// still at revision, with revision+1. A NIK taken meanwhile by a concurrent write (after
// nikFree saw it free) makes the write run again.
func updateBeneficiary(ctx context.Context, r *recorder, b *ppks.Beneficiary, revision int64) error {
	tag, err := r.Exec(ctx, `UPDATE beneficiaries SET nik = $1, full_name = $2, name_norm = $3, name_key = $4,
		sex = $5, birth_year = $6, birth_month = $7, birth_day = $8, kecamatan_code = $9, desa = $10, address = $11,
		kk = $12, update_time = $13, revision = $14
		WHERE id = $15 AND revision = $16`,
		nullString(b.NIK), b.FullName, ppks.NormalizeName(b.FullName), ppks.MatchKey(b.FullName),
		int(b.Sex), b.BirthDate.Year, b.BirthDate.Month, b.BirthDate.Day, b.KecamatanCode, b.Desa, b.Address,
		nullString(b.KK), b.UpdateTime, revision+1, b.ID, revision)
	if pgCode(err) == codeUnique && constraintOf(err) == "beneficiaries_nik_key" {
		return r.retry(err)
	}
	if err != nil {
		return err
	}
	return changedSince(tag, b.Name())
}

// nikExists reports a NIK already recorded for the person with id other.
func nikExists(other string) *ppks.Error {
	return &ppks.Error{
		Kind:      ppks.KindAlreadyExists,
		Reason:    "NIK_EXISTS",
		Message:   "a beneficiary with this NIK is already registered",
		Localized: "NIK sudah terdaftar.",
		Violations: []ppks.Violation{{
			Field: "beneficiary.nik", Reason: "NIK_EXISTS",
			Message:   "already registered for another beneficiary",
			Localized: "NIK sudah terdaftar untuk penerima manfaat lain.",
		}},
		Resource: "beneficiaries/" + other,
	}
}
