package sqlite

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/opendinsos/ppks/internal/ppks"
)

// bulkChunk is how many rows a bulk load writes per transaction: large enough that the
// COMMIT's sync is amortised over many rows, small enough to keep the WAL in bounds.
const bulkChunk = 20_000

// bulkCacheKiB is the writer's page cache during a bulk load (the default is 2 MiB): the
// unique NIK index takes keys in random order, and misses cost more than the memory.
const bulkCacheKiB = 64 << 10

// Loader adds records to the database in bulk, for the synthetic data generator and
// benchmarks: the rows are written as given, in large transactions of prepared inserts,
// without the domain's checks, request ids, audit entries or history. Add a person
// before their cases, and a case before its interventions.
type Loader struct {
	db     *DB
	ctx    context.Context
	people []*ppks.Beneficiary
	cases  []*ppks.Case
	ivs    []*ppks.Intervention
}

// BulkLoad calls fn with a Loader, writes what it added, and then rebuilds the
// maintained counts from the raw rows. What fn added before it failed stays written in
// part: load into a new database file.
func (db *DB) BulkLoad(ctx context.Context, fn func(*Loader) error) error {
	if err := db.write(ctx, "bulk load", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `PRAGMA cache_size = -`+strconv.Itoa(bulkCacheKiB))
		return err
	}); err != nil {
		return err
	}
	defer func() {
		// Back to SQLite's default; a failure only leaves the cache larger.
		_ = db.write(context.WithoutCancel(ctx), "bulk load", func(tx *sql.Tx) error {
			_, err := tx.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`)
			return err
		})
	}()
	l := &Loader{db: db, ctx: ctx}
	if err := fn(l); err != nil {
		return err
	}
	if err := l.Flush(); err != nil {
		return err
	}
	return db.RebuildCounts(ctx)
}

// Beneficiary adds a person.
func (l *Loader) Beneficiary(b *ppks.Beneficiary) error {
	l.people = append(l.people, b)
	return l.maybeFlush()
}

// Case adds a case.
func (l *Loader) Case(c *ppks.Case) error {
	l.cases = append(l.cases, c)
	return l.maybeFlush()
}

// Intervention adds an intervention.
func (l *Loader) Intervention(iv *ppks.Intervention) error {
	l.ivs = append(l.ivs, iv)
	return l.maybeFlush()
}

func (l *Loader) maybeFlush() error {
	if len(l.people)+len(l.cases)+len(l.ivs) < bulkChunk {
		return nil
	}
	return l.Flush()
}

// Flush writes the rows added since the last flush in one transaction: people first,
// then cases, then interventions, so that every foreign key finds its row. The loader
// flushes by itself as rows accumulate, and BulkLoad at the end.
func (l *Loader) Flush() error {
	err := l.db.write(l.ctx, "bulk load", func(tx *sql.Tx) error {
		ctx := l.ctx
		people, err := tx.PrepareContext(ctx, `INSERT INTO beneficiaries (id, nik, full_name, name_norm, name_key,
			sex, birth_year, birth_month, birth_day, kecamatan_code, desa, address, kk, merged_into,
			create_time, update_time, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer people.Close()
		for _, b := range l.people {
			if _, err := people.ExecContext(ctx, b.ID, nullString(b.NIK), b.FullName, ppks.NormalizeName(b.FullName),
				ppks.MatchKey(b.FullName), int(b.Sex), b.BirthDate.Year, b.BirthDate.Month, b.BirthDate.Day,
				b.KecamatanCode, b.Desa, b.Address, nullString(b.KK), nullString(b.MergedInto),
				micros(b.CreateTime), micros(b.UpdateTime), b.Revision); err != nil {
				return err
			}
		}
		cases, err := tx.PrepareContext(ctx, `INSERT INTO cases (id, beneficiary_id, ppks_type, opened_on, state,
			outcome, closed_on, close_note, assigned_worker, create_time, update_time, revision)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer cases.Close()
		for _, c := range l.cases {
			if _, err := cases.ExecContext(ctx, c.ID, c.BeneficiaryID, c.PpksType, dateText(c.OpenedOn), int(c.State),
				int(c.Outcome), dateText(c.ClosedOn), c.CloseNote, c.AssignedWorker,
				micros(c.CreateTime), micros(c.UpdateTime), c.Revision); err != nil {
				return err
			}
		}
		ivs, err := tx.PrepareContext(ctx, `INSERT INTO interventions (id, beneficiary_id, case_id,
			intervention_type, delivered_on, delivered_year, kecamatan_code, worker, quantity, unit, notes,
			state, void_reason, void_time, create_time, update_time, revision,
			verification, verified_by, verify_time, reject_reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ivs.Close()
		for _, iv := range l.ivs {
			if _, err := ivs.ExecContext(ctx, iv.ID, iv.BeneficiaryID, iv.CaseID,
				iv.InterventionType, dateText(iv.DeliveredOn), iv.DeliveredOn.Year, iv.KecamatanCode, iv.Worker,
				iv.Quantity, iv.Unit, iv.Notes,
				int(iv.State), iv.VoidReason, nullMicros(iv.VoidTime), micros(iv.CreateTime), micros(iv.UpdateTime),
				iv.Revision,
				int(iv.Verification), iv.VerifiedBy, nullMicros(iv.VerifyTime), iv.RejectReason); err != nil {
				return err
			}
		}
		return nil
	})
	clear(l.people)
	clear(l.cases)
	clear(l.ivs)
	l.people, l.cases, l.ivs = l.people[:0], l.cases[:0], l.ivs[:0]
	return err
}
