// Package sqlite keeps the records of the service in a SQLite database file. All SQL of
// the service lives here, one file per aggregate; the schema is built by the numbered
// migrations embedded from migrations/.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DB is the SQLite store. Writes go through one connection (SQLite has one writer at a
// time; BEGIN IMMEDIATE takes the write lock up front so a transaction never fails to
// upgrade a read lock half way). Reads use a pool: in WAL mode they see a consistent
// snapshot while the writer works.
type DB struct {
	queries  // the reads, on the reader pool (readPool)
	writer   *sql.DB
	reader   *sql.DB
	group    *groupWriter // runs every write on the writer (group.go)
	observer Observer     // nil when not measured
}

var _ ppks.Store = (*DB)(nil)

// Pragmas of every connection, busy_timeout first so that the others wait for a lock
// instead of failing. synchronous(FULL): in WAL mode NORMAL does not sync the WAL on
// commit, so a power cut can lose the last acknowledged transactions; an intervention
// the service has acknowledged must survive that, and FULL syncs the WAL on every commit.
const pragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"

// dsn builds the modernc DSN of the file at the absolute path.
func dsn(path string, writer bool) string {
	s := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	if writer {
		return s + "&_txlock=immediate"
	}
	return s + "&_pragma=query_only(1)"
}

// Open opens the database file at path, creating it and its directory when missing, and
// brings its schema up to date.
func Open(ctx context.Context, path string, opts ...Option) (_ *DB, err error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" {
		return nil, errors.New("open database: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	// The file holds personal data: create it readable by the owner only (SQLite gives
	// the -wal and -shm files the same permissions).
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("create database file: %w", err)
	}

	db := &DB{observer: o.observer}
	db.queries = queries{read: db.readPool}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	if db.writer, err = sql.Open(driverName, dsn(abs, true)); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.writer.SetMaxOpenConns(1)
	db.writer.SetMaxIdleConns(1)
	db.writer.SetConnMaxLifetime(0)
	db.writer.SetConnMaxIdleTime(0)
	if err := db.writer.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}

	if db.reader, err = sql.Open(driverName, dsn(abs, false)); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	db.reader.SetMaxOpenConns(n)
	db.reader.SetMaxIdleConns(n)
	if err := db.reader.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	var onBatch func(int, time.Duration)
	if o.observer != nil {
		onBatch = o.observer.StoreBatch
	}
	opened, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.group = newGroupWriter(db.writer, o.maxBatch, onBatch, func() error { return fileMoved(abs, opened) })
	return db, nil
}

// fileMoved reports, as an Unavailable error, that the file at path is no longer the
// database file opened (opened): moved, deleted or replaced under the running service,
// say by a restore done with mv. SQLite in WAL mode goes on writing to the file it has
// open, so every write acknowledged after that would be lost with the orphaned file;
// writes are refused instead until the service is restarted on the right file. One stat
// per batch of writes.
func fileMoved(path string, opened os.FileInfo) error {
	now, err := os.Stat(path)
	if err == nil && os.SameFile(now, opened) {
		return nil
	}
	if err == nil {
		err = errors.New("another file has taken its place")
	}
	return &ppks.Error{
		Kind: ppks.KindUnavailable, Reason: "DATABASE_MOVED",
		Message:   "the database file was moved or replaced while the service ran; restart the service",
		Localized: "Berkas basis data dipindahkan atau diganti saat layanan berjalan; layanan perlu dimulai ulang oleh administrator.",
		Err:       fmt.Errorf("database file %s: %w", path, err),
	}
}

// Close waits for the writes already queued, then closes both handles.
func (db *DB) Close() error {
	if db.group != nil {
		db.group.close()
	}
	var errs []error
	if db.reader != nil {
		errs = append(errs, db.reader.Close())
	}
	if db.writer != nil {
		errs = append(errs, db.writer.Close())
	}
	return errors.Join(errs...)
}

// readPool runs fn in a read transaction on the reader pool: one snapshot for the whole
// call. It refuses a read made from inside a write's function through the Store rather
// than its Tx: that read would not see the write's transaction (write.go).
func (db *DB) readPool(ctx context.Context, op string, fn func(*sql.Tx) error) (err error) {
	if inWrite(ctx) {
		return errNestedCall(op)
	}
	if db.observer != nil {
		defer db.observe(op, false, time.Now(), &err)
	}
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return mapErr(ctx, op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return mapErr(ctx, op, err)
	}
	return mapErr(ctx, op, tx.Commit())
}

// write runs fn in a write transaction (BEGIN IMMEDIATE) on the writer: its changes are
// kept when fn succeeds and the COMMIT holding them is durable, and rolled back otherwise.
// The transaction may hold the writes of other concurrent callers (group commit,
// group.go), each in its own savepoint, so fn's failure never touches theirs. fn's
// statements take the ctx fn gets, which ctx's cancellation no longer interrupts.
func (db *DB) write(ctx context.Context, op string, fn func(context.Context, *sql.Tx) error) error {
	return db.submit(ctx, op, false, fn)
}

// writeLarge is write for a write that may change many pages or run long (a rebuild of
// the counts): its statements stay interruptible by ctx, and its statement journal stays
// out of memory (group.go).
func (db *DB) writeLarge(ctx context.Context, op string, fn func(context.Context, *sql.Tx) error) error {
	return db.submit(ctx, op, true, fn)
}

func (db *DB) submit(ctx context.Context, op string, large bool, fn func(context.Context, *sql.Tx) error) (err error) {
	if db.observer != nil {
		defer db.observe(op, true, time.Now(), &err)
	}
	return db.group.submit(ctx, op, large, fn) // errors mapped by the writer, callbacks' as they are
}

// observe reports an operation that started at start and ended with *err.
func (db *DB) observe(op string, write bool, start time.Time, err *error) {
	db.observer.StoreOp(op, write, time.Since(start), *err)
}

// callbackError carries an error returned by a caller's callback through the transaction
// helpers, which return it as it is.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }
func (e *callbackError) Unwrap() error { return e.err }

// callback marks err as the caller's own.
func callback(err error) error {
	if err == nil {
		return nil
	}
	return &callbackError{err}
}

// mapErr turns err into an error of the domain: callback and domain errors unchanged,
// the context's errors unchanged, SQLite errors by result code, anything else Internal.
func mapErr(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var cb *callbackError
	if errors.As(err, &cb) {
		return cb.err
	}
	var de *ppks.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%s: %w", op, cerr) // an interrupted statement reports the cancellation
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xFF {
		case sqlite3.SQLITE_FULL:
			return &ppks.Error{
				Kind: ppks.KindResourceExhausted, Reason: "STORAGE_FULL",
				Message:   "the database storage is full",
				Localized: "Penyimpanan basis data penuh; hubungi administrator.",
				Err:       fmt.Errorf("%s: %w", op, err),
			}
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &ppks.Error{
				Kind: ppks.KindUnavailable, Reason: "DATABASE_BUSY",
				Message:   "the database is busy; retry later",
				Localized: "Basis data sedang sibuk; coba lagi beberapa saat lagi.",
				Err:       fmt.Errorf("%s: %w", op, err),
			}
		case sqlite3.SQLITE_READONLY:
			return &ppks.Error{
				Kind: ppks.KindUnavailable, Reason: "DATABASE_READ_ONLY",
				Message:   "the database cannot be written to; retry later",
				Localized: "Basis data tidak dapat ditulis; coba lagi beberapa saat lagi.",
				Err:       fmt.Errorf("%s: %w", op, err),
			}
		}
	}
	return ppks.Internal(op, err)
}

// constraint returns the extended result code of a constraint violation, 0 for any
// other error.
func constraint(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xFF == sqlite3.SQLITE_CONSTRAINT {
		return se.Code()
	}
	return 0
}

// alreadyExists reports a client-chosen id that is taken.
func alreadyExists(name string) *ppks.Error {
	return &ppks.Error{
		Kind:      ppks.KindAlreadyExists,
		Reason:    "ALREADY_EXISTS",
		Message:   name + " already exists",
		Localized: "Data dengan ID tersebut sudah ada.",
		Resource:  name,
	}
}

// takenCase reports a case id in use, naming the case that holds it (perhaps another
// person's: the domain decides what the caller may learn of it).
func takenCase(ctx context.Context, tx *sql.Tx, id string, cause error) error {
	var owner string
	if err := tx.QueryRowContext(ctx, `SELECT beneficiary_id FROM cases WHERE id = ?`, id).Scan(&owner); err != nil {
		return errors.Join(cause, err)
	}
	return alreadyExists(ppks.CaseName(owner, id))
}

// takenIntervention is takenCase for an intervention id.
func takenIntervention(ctx context.Context, tx *sql.Tx, id string, cause error) error {
	var owner, caseID string
	if err := tx.QueryRowContext(ctx, `SELECT beneficiary_id, case_id FROM interventions WHERE id = ?`, id).Scan(&owner, &caseID); err != nil {
		return errors.Join(cause, err)
	}
	return alreadyExists(ppks.CaseName(owner, caseID) + "/interventions/" + id)
}

// invalidPageToken refuses a PageRequest.After that is not a key of the list: the domain
// checks its page tokens, so only a token made by hand gets here.
func invalidPageToken() *ppks.Error {
	return &ppks.Error{
		Kind: ppks.KindInvalid, Reason: "INVALID_ARGUMENT", Message: "invalid request",
		Localized: "Permintaan tidak valid; periksa isian yang ditandai.",
		Violations: []ppks.Violation{{
			Field: "page_token", Reason: "INVALID_PAGE_TOKEN", Message: "not a page token of this query",
			Localized: "Token halaman tidak valid untuk permintaan ini.",
		}},
	}
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// withExtra scans the columns a scan function knows, then extra ones after them.
func withExtra(s scanner, extra ...any) scanner { return extraScanner{s, extra} }

type extraScanner struct {
	s     scanner
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.s.Scan(append(dest, e.extra...)...) }

// queryRows runs a query and scans every row.
func queryRows[T any](ctx context.Context, tx *sql.Tx, query string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// where collects the conditions of a query. Conditions are constant SQL written here;
// values are always bound as arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in adds "col IN (?, ...)" for vals.
func (w *where) in(col string, vals []string) {
	marks := make([]string, len(vals))
	for i, v := range vals {
		marks[i] = "?"
		w.args = append(w.args, v)
	}
	w.conds = append(w.conds, col+" IN ("+strings.Join(marks, ", ")+")")
}

// area restricts col (a person's kecamatan) to the area: nothing for the whole
// kabupaten, no row for an empty area.
func (w *where) area(col string, a ppks.Area) {
	switch {
	case a.Whole():
	case a.Empty():
		w.add("0")
	default:
		w.in(col, a)
	}
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// limit returns the page size of p, ppks.DefaultPageSize when not set.
func limit(p ppks.PageRequest) int {
	if p.Limit <= 0 {
		return ppks.DefaultPageSize
	}
	return p.Limit
}

// escapeLike escapes the LIKE wildcards of s for "LIKE ? ESCAPE '\'".
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// micros stores a time as unix microseconds.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros reads a time stored by micros, in UTC.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullMicros stores the zero time as NULL.
func nullMicros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromNullMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

// nullString stores "" as NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dateText stores a date as YYYY-MM-DD text, which sorts; missing parts are 00 and the
// zero date is NULL.
func dateText(d ppks.Date) any {
	if d.IsZero() {
		return nil
	}
	return dateString(d)
}

// parseDate reads a date stored by dateText.
func parseDate(v sql.NullString) (ppks.Date, error) {
	if !v.Valid {
		return ppks.Date{}, nil
	}
	s := v.String
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return ppks.Date{}, fmt.Errorf("stored date %q is not YYYY-MM-DD", s)
	}
	y, err1 := strconv.Atoi(s[0:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:10])
	if err := errors.Join(err1, err2, err3); err != nil {
		return ppks.Date{}, fmt.Errorf("stored date %q: %w", s, err)
	}
	return ppks.Date{Year: y, Month: m, Day: d}, nil
}

// jsonStrings stores a list of strings as a JSON array, '[]' when empty.
func jsonStrings(ss []string) (string, error) {
	if len(ss) == 0 {
		return "[]", nil
	}
	buf, err := json.Marshal(ss)
	return string(buf), err
}

// fromJSONStrings reads a list stored by jsonStrings, nil when empty.
func fromJSONStrings(s string) ([]string, error) {
	var ss []string
	if err := json.Unmarshal([]byte(s), &ss); err != nil {
		return nil, fmt.Errorf("stored list %q: %w", s, err)
	}
	if len(ss) == 0 {
		return nil, nil
	}
	return ss, nil
}

// boolInt stores a bool as 0 or 1.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nullInt stores a nil *int as NULL.
func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

func fromNullInt(v sql.NullInt64) *int {
	if !v.Valid {
		return nil
	}
	n := int(v.Int64)
	return &n
}
