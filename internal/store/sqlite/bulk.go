package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// bulkChunk is how many rows a bulk load writes per transaction: large enough that the
// COMMIT's sync is amortised over many rows, small enough to keep the WAL in bounds.
const bulkChunk = 20_000

// bulkCacheKiB is the writer's page cache during a bulk load (SQLite's default: 2 MiB).
const bulkCacheKiB = 64 << 10

// Loader adds records to the database in bulk, for the synthetic data generator and
// benchmarks: the rows are written as given, in large transactions of prepared inserts,
// without the domain's checks, request ids, audit entries or history. Add a person
// before their cases, and a case before its interventions.
type Loader struct {
	db     *DB
	ctx    context.Context // BulkLoad's: a Loader lives only inside its call
	people []*ppks.Beneficiary
	cases  []*ppks.Case
	ivs    []*ppks.Intervention
}

// BulkLoad calls fn with a Loader, writes what it added, and then rebuilds the
// maintained counts from the raw rows. It is meant for a new database file that nothing
// else writes to meanwhile: the secondary indexes of the loaded tables are dropped and
// built again at the end (sorting once costs far less than inserting row by row), the
// foreign keys are not checked (the loaded rows are to be consistent by construction),
// and what fn added before it failed stays written.
func (db *DB) BulkLoad(ctx context.Context, fn func(*Loader) error) (err error) {
	// On the writer's one connection, between transactions.
	var cache, temp int
	if err := db.writer.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return mapErr(ctx, "bulk load", err)
	}
	if err := db.writer.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&temp); err != nil {
		return mapErr(ctx, "bulk load", err)
	}
	if _, err := db.writer.ExecContext(ctx, bulkPragmas); err != nil {
		return mapErr(ctx, "bulk load", err)
	}
	// As they were, at the end; foreign keys are on for every connection (pragmas).
	restored := `PRAGMA temp_store = ` + strconv.Itoa(temp) + `; PRAGMA foreign_keys = ON`
	defer func() {
		// A failure only leaves the cache larger.
		_, _ = db.writer.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = `+strconv.Itoa(cache))
	}()
	indexes, err := dropIndexes(ctx, db.writer)
	if err == nil {
		l := &Loader{db: db, ctx: ctx}
		if err = fn(l); err == nil {
			err = l.Flush()
		}
	} else {
		err = mapErr(ctx, "bulk load", err)
	}
	// The indexes are built by sorting, in temporary files rather than in memory.
	if _, perr := db.writer.ExecContext(context.WithoutCancel(ctx), restored); perr != nil && err == nil {
		err = mapErr(ctx, "bulk load", perr)
	}
	// Build the indexes again even after a failure: the schema must stay whole.
	for _, q := range indexes {
		if _, ierr := db.writer.ExecContext(context.WithoutCancel(ctx), q); ierr != nil && err == nil {
			err = mapErr(ctx, "bulk load", ierr)
		}
	}
	if err != nil {
		return err
	}
	return db.RebuildCounts(ctx)
}

// bulkTables are the tables a Loader writes.
var bulkTables = []any{"beneficiaries", "cases", "interventions"}

// dropIndexes drops the secondary indexes of the loaded tables (those of CREATE INDEX;
// the ones behind PRIMARY KEY and UNIQUE stay) and returns the statements that create
// them again, as the schema holds them.
func dropIndexes(ctx context.Context, w *sql.DB) ([]string, error) {
	rows, err := w.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (?, ?, ?) ORDER BY name`, bulkTables...)
	if err != nil {
		return nil, err
	}
	var names, creates []string
	for rows.Next() {
		var name, create string
		if err := rows.Scan(&name, &create); err != nil {
			rows.Close()
			return nil, err
		}
		names, creates = append(names, name), append(creates, create)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	for i, name := range names {
		if _, err := w.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return creates[:i], err // those dropped so far, to build again
		}
	}
	return creates, nil
}

// bulkPragmas speed a bulk load up. Every insert runs in a statement journal (the
// foreign keys and the year-lock triggers may have to undo it), which SQLite spills to
// a temporary file: temp_store(MEMORY) keeps it in memory. A larger page cache absorbs
// the unique NIK index taking keys in random order. (Neither temp_store nor
// foreign_keys can change inside a transaction: these run on the writer connection
// between transactions.)
var bulkPragmas = `PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -` + strconv.Itoa(bulkCacheKiB)

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
	err := l.db.writeAlone(l.ctx, "bulk load", func(tx *sql.Tx) error {
		ctx := l.ctx
		people := &multiInsert{tx: tx, head: `INSERT INTO beneficiaries (id, nik, full_name, name_norm, name_key,
			sex, birth_year, birth_month, birth_day, kecamatan_code, desa, address, kk, merged_into,
			create_time, update_time, revision) VALUES `, cols: 17}
		defer people.close()
		for _, b := range l.people {
			if err := people.add(ctx, b.ID, nullString(b.NIK), b.FullName, ppks.NormalizeName(b.FullName),
				ppks.MatchKey(b.FullName), int(b.Sex), b.BirthDate.Year, b.BirthDate.Month, b.BirthDate.Day,
				b.KecamatanCode, b.Desa, b.Address, nullString(b.KK), nullString(b.MergedInto),
				micros(b.CreateTime), micros(b.UpdateTime), b.Revision); err != nil {
				return err
			}
		}
		if err := people.flush(ctx); err != nil {
			return err
		}
		cases := &multiInsert{tx: tx, head: `INSERT INTO cases (id, beneficiary_id, ppks_type, opened_on, state,
			outcome, closed_on, close_note, assigned_worker, create_time, update_time, revision) VALUES `, cols: 12}
		defer cases.close()
		for _, c := range l.cases {
			if err := cases.add(ctx, c.ID, c.BeneficiaryID, c.PpksType, dateText(c.OpenedOn), int(c.State),
				int(c.Outcome), dateText(c.ClosedOn), c.CloseNote, c.AssignedWorker,
				micros(c.CreateTime), micros(c.UpdateTime), c.Revision); err != nil {
				return err
			}
		}
		if err := cases.flush(ctx); err != nil {
			return err
		}
		ivs := &multiInsert{tx: tx, head: `INSERT INTO interventions (id, beneficiary_id, case_id,
			intervention_type, delivered_on, delivered_year, kecamatan_code, worker, quantity, unit, notes,
			state, void_reason, void_time, create_time, update_time, revision,
			verification, verified_by, verify_time, reject_reason) VALUES `, cols: 21}
		defer ivs.close()
		for _, iv := range l.ivs {
			if err := ivs.add(ctx, iv.ID, iv.BeneficiaryID, iv.CaseID,
				iv.InterventionType, dateText(iv.DeliveredOn), iv.DeliveredOn.Year, iv.KecamatanCode, iv.Worker,
				iv.Quantity, iv.Unit, iv.Notes,
				int(iv.State), iv.VoidReason, nullMicros(iv.VoidTime), micros(iv.CreateTime), micros(iv.UpdateTime),
				iv.Revision,
				int(iv.Verification), iv.VerifiedBy, nullMicros(iv.VerifyTime), iv.RejectReason); err != nil {
				return err
			}
		}
		return ivs.flush(ctx)
	})
	clear(l.people)
	clear(l.cases)
	clear(l.ivs)
	l.people, l.cases, l.ivs = l.people[:0], l.cases[:0], l.ivs[:0]
	return err
}

// multiRows is how many rows one INSERT of a bulk load carries: the per-statement cost
// of database/sql and the driver is paid once for them.
const multiRows = 64

// multiInsert inserts rows multiRows at a time, with one prepared statement.
type multiInsert struct {
	tx   *sql.Tx
	head string // INSERT INTO t (columns) VALUES
	cols int
	args []any
	n    int
	full *sql.Stmt // of multiRows rows, prepared at first use
}

// values returns "(?, ?), (?, ?)" for n rows.
func (m *multiInsert) values(n int) string {
	row := "(" + strings.Repeat("?, ", m.cols-1) + "?)"
	return strings.Repeat(row+", ", n-1) + row
}

func (m *multiInsert) add(ctx context.Context, vals ...any) error {
	m.args = append(m.args, vals...)
	if m.n++; m.n < multiRows {
		return nil
	}
	if m.full == nil {
		var err error
		if m.full, err = m.tx.PrepareContext(ctx, m.head+m.values(multiRows)); err != nil {
			return err
		}
	}
	_, err := m.full.ExecContext(ctx, m.args...)
	m.args, m.n = m.args[:0], 0
	return err
}

// flush inserts the rows left.
func (m *multiInsert) flush(ctx context.Context) error {
	if m.n == 0 {
		return nil
	}
	_, err := m.tx.ExecContext(ctx, m.head+m.values(m.n), m.args...)
	m.args, m.n = m.args[:0], 0
	return err
}

func (m *multiInsert) close() {
	if m.full != nil {
		m.full.Close()
	}
}

// writeAlone runs fn in a transaction of its own on the writer connection, outside the
// group writer (whose transactions wait for the connection meanwhile): the group
// writer's savepoint around each write keeps the statement journals of its inserts from
// being truncated, and the journal of a 20,000-row write grows with every row (and is
// walked at every statement's end). Only for bulk loads.
func (db *DB) writeAlone(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil) // BEGIN IMMEDIATE
	if err != nil {
		return mapErr(ctx, op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return mapErr(ctx, op, err)
	}
	return mapErr(ctx, op, tx.Commit())
}
