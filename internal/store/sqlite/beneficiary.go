package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// GetBeneficiary returns a person; the id of a merged record returns its survivor.
func (q queries) GetBeneficiary(ctx context.Context, id string) (*ppks.Beneficiary, error) {
	var out *ppks.Beneficiary
	err := q.read(ctx, "get beneficiary", func(tx *sql.Tx) (err error) {
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
	query := `SELECT ` + beneficiaryColumns + ` FROM beneficiaries b` + w.String() + ` ORDER BY b.id LIMIT ?`
	var out []*ppks.Beneficiary
	err := q.read(ctx, "list beneficiaries", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, query, append(w.args, limit(p)), scanBeneficiary)
		return err
	})
	return out, err
}

// CountBeneficiaries counts the live people ListBeneficiaries would list.
func (q queries) CountBeneficiaries(ctx context.Context, f ppks.BeneficiaryFilter) (int, error) {
	w := beneficiaryWhere(f)
	var n int
	err := q.read(ctx, "count beneficiaries", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM beneficiaries b`+w.String(), w.args...).Scan(&n)
	})
	return n, err
}

// beneficiaryWhere is the condition of the people a filter selects.
func beneficiaryWhere(f ppks.BeneficiaryFilter) where {
	var w where
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

func scanBeneficiary(s scanner) (*ppks.Beneficiary, error) {
	var (
		b               ppks.Beneficiary
		nik, kk, merged sql.NullString
		ct, ut          int64
	)
	if err := s.Scan(&b.ID, &nik, &b.FullName, &b.Sex, &b.BirthDate.Year, &b.BirthDate.Month, &b.BirthDate.Day,
		&b.KecamatanCode, &b.Desa, &b.Address, &ct, &ut, &b.Revision, &kk, &merged); err != nil {
		return nil, err
	}
	b.NIK, b.KK, b.MergedInto = nik.String, kk.String, merged.String
	b.CreateTime, b.UpdateTime = fromMicros(ct), fromMicros(ut)
	return &b, nil
}

// findBeneficiary reads the record with the id, merged or not; NotFound when there is
// none.
func findBeneficiary(ctx context.Context, tx *sql.Tx, id string) (*ppks.Beneficiary, error) {
	b, err := scanBeneficiary(tx.QueryRowContext(ctx, `SELECT `+beneficiaryColumns+` FROM beneficiaries b WHERE b.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound("beneficiaries/" + id)
	}
	return b, err
}

// findLiveBeneficiary reads a person, following a merged record to its survivor;
// NotFound when there is none. It reads the record first and follows merged_into only
// when set (as resolveID does), so that the common case, a live record, is one query.
func findLiveBeneficiary(ctx context.Context, tx *sql.Tx, id string) (*ppks.Beneficiary, error) {
	for range maxMergeChain {
		b, err := findBeneficiary(ctx, tx, id)
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

// UpdateBeneficiary stores a person's fields, if the stored record is still at
// b.Revision, and the counts of the person's pairs when their KK number (their family)
// changed.
func (t *txn) UpdateBeneficiary(ctx context.Context, b *ppks.Beneficiary) error {
	return mapErr(ctx, "update beneficiary", func() error {
		var kk sql.NullString
		if err := t.tx.QueryRowContext(ctx, `SELECT kk FROM beneficiaries WHERE id = ?`, b.ID).Scan(&kk); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ppks.NotFound(b.Name())
			}
			return err
		}
		if err := updateBeneficiary(ctx, t.tx, b, b.Revision); err != nil {
			return err
		}
		b.Revision++
		if b.KK == kk.String {
			return nil
		}
		keys, err := personPairs(ctx, t.tx, b.ID) // the family the person's pairs count in
		if err != nil {
			return err
		}
		return recountPairs(ctx, t.tx, keys)
	}())
}

func insertBeneficiary(ctx context.Context, tx *sql.Tx, b *ppks.Beneficiary) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO beneficiaries (id, nik, full_name, name_norm, name_key, sex,
		birth_year, birth_month, birth_day, kecamatan_code, desa, address, kk, merged_into,
		create_time, update_time, revision)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.ID, nullString(b.NIK), b.FullName, ppks.NormalizeName(b.FullName), ppks.MatchKey(b.FullName), int(b.Sex),
		b.BirthDate.Year, b.BirthDate.Month, b.BirthDate.Day, b.KecamatanCode, b.Desa, b.Address,
		nullString(b.KK), nullString(b.MergedInto),
		micros(b.CreateTime), micros(b.UpdateTime), b.Revision)
	if err != nil {
		return beneficiaryConflict(ctx, tx, b, err)
	}
	return nil
}

// updateBeneficiary stores every field of b but merged_into, if the stored record is
// still at revision, with revision+1.
func updateBeneficiary(ctx context.Context, tx *sql.Tx, b *ppks.Beneficiary, revision int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE beneficiaries SET nik = ?, full_name = ?, name_norm = ?, name_key = ?,
		sex = ?, birth_year = ?, birth_month = ?, birth_day = ?, kecamatan_code = ?, desa = ?, address = ?, kk = ?,
		update_time = ?, revision = ?
		WHERE id = ? AND revision = ?`,
		nullString(b.NIK), b.FullName, ppks.NormalizeName(b.FullName), ppks.MatchKey(b.FullName),
		int(b.Sex), b.BirthDate.Year, b.BirthDate.Month, b.BirthDate.Day, b.KecamatanCode, b.Desa, b.Address,
		nullString(b.KK), micros(b.UpdateTime), revision+1, b.ID, revision)
	if err != nil {
		return beneficiaryConflict(ctx, tx, b, err)
	}
	return changedSince(res, b.Name())
}

// fillNameKeys computes the match key of every person stored before name_key existed:
// the Go step of migration 0003.
func fillNameKeys(ctx context.Context, tx *sql.Tx) error {
	type row struct{ id, name string }
	rows, err := queryRows(ctx, tx, `SELECT id, full_name FROM beneficiaries WHERE name_key = ''`, nil,
		func(s scanner) (r row, err error) { return r, s.Scan(&r.id, &r.name) })
	if err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `UPDATE beneficiaries SET name_key = ? WHERE id = ?`,
			ppks.MatchKey(r.name), r.id); err != nil {
			return err
		}
	}
	return nil
}

// beneficiaryConflict explains a constraint violation of writing b: its id is taken, or
// its NIK is another person's.
func beneficiaryConflict(ctx context.Context, tx *sql.Tx, b *ppks.Beneficiary, err error) error {
	switch constraint(err) {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return alreadyExists(b.Name())
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		var other string
		if qerr := tx.QueryRowContext(ctx, `SELECT id FROM beneficiaries WHERE nik = ?`, b.NIK).Scan(&other); qerr != nil {
			return errors.Join(err, qerr)
		}
		return nikExists(other)
	}
	return err
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

// changedSince checks that a conditional UPDATE of the record named name changed its row:
// none changed means the record is no longer at the revision the write read (or is gone).
func changedSince(res sql.Result, name string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return &ppks.Error{Kind: ppks.KindAborted, Reason: "CONCURRENT_CHANGE",
			Message:   name + " changed since it was read; read it again and retry",
			Localized: "Data sudah diubah oleh pengguna lain; muat ulang lalu coba lagi."}
	}
	return nil
}
