package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// CreateBeneficiary stores b.
func (db *DB) CreateBeneficiary(ctx context.Context, op ppks.Op, b *ppks.Beneficiary) (*ppks.Beneficiary, error) {
	var out *ppks.Beneficiary
	err := db.write(ctx, "create beneficiary", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayBeneficiary); done || err != nil {
			return err
		}
		if err := insertBeneficiary(ctx, tx, b); err != nil {
			return err
		}
		if err := recordOp(ctx, tx, op, b.Name()); err != nil {
			return err
		}
		var err error
		out, err = findBeneficiary(ctx, tx, b.ID)
		return err
	})
	return out, err
}

// GetBeneficiary returns a person; the id of a merged record returns its survivor.
func (db *DB) GetBeneficiary(ctx context.Context, id string) (*ppks.Beneficiary, error) {
	var out *ppks.Beneficiary
	err := db.read(ctx, "get beneficiary", func(tx *sql.Tx) (err error) {
		out, err = findLiveBeneficiary(ctx, tx, id)
		return err
	})
	return out, err
}

// ListBeneficiaries lists the live people (merged records never) by id.
func (db *DB) ListBeneficiaries(ctx context.Context, f ppks.BeneficiaryFilter, p ppks.PageRequest) ([]*ppks.Beneficiary, error) {
	var w where
	w.add("b.merged_into IS NULL")
	if p.After != "" {
		w.add("b.id > ?", p.After)
	}
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
	query := `SELECT ` + beneficiaryColumns + ` FROM beneficiaries b` + w.String() + ` ORDER BY b.id LIMIT ?`
	var out []*ppks.Beneficiary
	err := db.read(ctx, "list beneficiaries", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, query, append(w.args, limit(p)), scanBeneficiary)
		return err
	})
	return out, err
}

// UpdateBeneficiary reads a person (the survivor, for the id of a merged record), lets
// update change it and stores it. It never changes merged_into: merges do.
func (db *DB) UpdateBeneficiary(ctx context.Context, op ppks.Op, id string, update func(*ppks.Beneficiary) error) (*ppks.Beneficiary, error) {
	var out *ppks.Beneficiary
	err := db.write(ctx, "update beneficiary", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayBeneficiary); done || err != nil {
			return err
		}
		b, err := findLiveBeneficiary(ctx, tx, id)
		if err != nil {
			return err
		}
		id, revision, merged, kk := b.ID, b.Revision, b.MergedInto, b.KK
		if err := callback(update(b)); err != nil {
			return err
		}
		b.ID, b.Revision, b.MergedInto = id, revision+1, merged
		if err := updateBeneficiary(ctx, tx, b, revision); err != nil {
			return err
		}
		if b.KK != kk { // the family the person's pairs count in
			keys, err := personPairs(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := recountPairs(ctx, tx, keys); err != nil {
				return err
			}
		}
		if err := recordOp(ctx, tx, op, b.Name()); err != nil {
			return err
		}
		out, err = findBeneficiary(ctx, tx, id)
		return err
	})
	return out, err
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

// replayBeneficiary reads the person a request answered before produced (its survivor,
// when it was merged since).
func replayBeneficiary(ctx context.Context, tx *sql.Tx, name string) (*ppks.Beneficiary, error) {
	ids, err := splitName(name, "beneficiaries")
	if err != nil {
		return nil, err
	}
	return findLiveBeneficiary(ctx, tx, ids[0])
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
// still at revision.
func updateBeneficiary(ctx context.Context, tx *sql.Tx, b *ppks.Beneficiary, revision int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE beneficiaries SET nik = ?, full_name = ?, name_norm = ?, name_key = ?,
		sex = ?, birth_year = ?, birth_month = ?, birth_day = ?, kecamatan_code = ?, desa = ?, address = ?, kk = ?,
		update_time = ?, revision = ?
		WHERE id = ? AND revision = ?`,
		nullString(b.NIK), b.FullName, ppks.NormalizeName(b.FullName), ppks.MatchKey(b.FullName),
		int(b.Sex), b.BirthDate.Year, b.BirthDate.Month, b.BirthDate.Day, b.KecamatanCode, b.Desa, b.Address,
		nullString(b.KK), micros(b.UpdateTime), b.Revision, b.ID, revision)
	if err != nil {
		return beneficiaryConflict(ctx, tx, b, err)
	}
	return oneRow(res)
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
		Kind:    ppks.KindAlreadyExists,
		Reason:  "NIK_EXISTS",
		Message: "a beneficiary with this NIK is already registered",
		Pesan:   "NIK sudah terdaftar.",
		Violations: []ppks.Violation{{
			Field: "beneficiary.nik", Reason: "NIK_EXISTS",
			Message: "already registered for another beneficiary",
			Pesan:   "NIK sudah terdaftar untuk penerima manfaat lain.",
		}},
		Resource: "beneficiaries/" + other,
	}
}

// oneRow checks that an UPDATE changed exactly one row.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return errors.New("update changed no row")
	}
	return nil
}
