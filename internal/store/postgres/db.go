// Package postgres keeps the records of the service in a PostgreSQL database, for
// deployments of several ppksd processes behind one database. It implements the same
// ppks.Store as the SQLite store and passes the same conformance suite; all its SQL
// lives here, one file per aggregate, and its schema is built by the numbered
// migrations embedded from migrations/.
//
// Every write is one SERIALIZABLE transaction (write.go): whatever rule the domain checks
// through its Tx holds at commit, as it does on SQLite's single writer, however many
// processes write at once.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/opendinsos/ppks/internal/ppks"
)

// DB is the PostgreSQL store: a pool of connections shared by reads and writes.
type DB struct {
	queries // the reads outside a write, on the pool (readPool)
	pool    *pgxpool.Pool
	opts    options
	stats   stats // retries, compactions: for metrics (metrics.go)

	closeOnce sync.Once
	stop      chan struct{} // closed by Close: the compactor ends
	stopped   chan struct{}
}

var _ ppks.Store = (*DB)(nil)

// IsDSN reports whether a database setting names a PostgreSQL database (a postgres:// or
// postgresql:// URL) rather than a SQLite file.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns a DSN without its password, for logs.
func Redact(dsn string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "postgres://(unparsable)"
	}
	if strings.HasPrefix(cfg.Host, "/") {
		return fmt.Sprintf("postgres://%s@/%s?host=%s", cfg.User, cfg.Database, cfg.Host)
	}
	return fmt.Sprintf("postgres://%s@%s/%s", cfg.User, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), cfg.Database)
}

// Open connects to the database of dsn (a postgres:// URL or key=value string, with any
// of libpq's parameters: sslmode, sslrootcert, sslcert, sslkey, connect_timeout...; and
// the PG* environment variables pgx honours, such as PGPASSWORD or PGPASSFILE), brings its
// schema up to date, and starts the compactor of the maintained counts.
func Open(ctx context.Context, dsn string, opts ...Option) (_ *DB, err error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := checkTransport(cfg.ConnConfig, o.insecureRemote, o.logger); err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redact(dsn), err)
	}
	if o.maxConns > 0 {
		cfg.MaxConns = int32(o.maxConns)
	}
	rp := cfg.ConnConfig.RuntimeParams
	if _, set := rp["application_name"]; !set {
		rp["application_name"] = "ppksd"
	}
	if o.statementTimeout > 0 {
		rp["statement_timeout"] = strconv.FormatInt(o.statementTimeout.Milliseconds(), 10)
	}
	// A transaction left open by a stopped process (SIGSTOP, a hung host) holds its locks;
	// the server ends it after a minute rather than forever.
	if _, set := rp["idle_in_transaction_session_timeout"]; !set {
		rp["idle_in_transaction_session_timeout"] = "60000"
	}
	db := &DB{opts: o, stop: make(chan struct{}), stopped: make(chan struct{})}
	db.queries = queries{read: db.readPool}
	if db.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redact(dsn), err)
	}
	defer func() {
		if err != nil {
			close(db.stopped)
			db.pool.Close()
		}
	}()
	if err := db.pool.Ping(ctx); err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redact(dsn), err)
	}
	if err := db.migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate database %s: %w", Redact(dsn), err)
	}
	go db.compactor()
	return db, nil
}

// checkTransport refuses a connection that could carry personal data and passwords
// across a network in clear text without the operator asking for it: to a host that is
// neither a Unix socket nor loopback, sslmode must be require, verify-ca or verify-full.
// libpq's default, prefer (and allow), silently falls back to plain text; an explicit
// sslmode=disable is the operator's decision (a trusted network), logged as a warning.
// Every host of the setting (host=a,b) is checked.
func checkTransport(cfg *pgx.ConnConfig, allow bool, log *slog.Logger) error {
	local := func(host string) bool {
		if strings.HasPrefix(host, "/") || host == "localhost" {
			return true
		}
		ip := net.ParseIP(host)
		return ip != nil && ip.IsLoopback()
	}
	type modes struct{ tls, plain bool }
	hosts := map[string]*modes{}
	var order []string
	note := func(host string, tls bool) {
		m := hosts[host]
		if m == nil {
			m = &modes{}
			hosts[host] = m
			order = append(order, host)
		}
		if tls {
			m.tls = true
		} else {
			m.plain = true
		}
	}
	note(cfg.Host, cfg.TLSConfig != nil)
	for _, f := range cfg.Fallbacks {
		note(f.Host, f.TLSConfig != nil)
	}
	for _, host := range order {
		m := hosts[host]
		switch {
		case local(host) || !m.plain: // a socket, loopback; or require, verify-ca, verify-full
		case !m.tls: // disable
			if log != nil {
				log.Warn("the database connection is not encrypted (sslmode=disable)", "host", host)
			}
		case !allow:
			return fmt.Errorf("host %s is not local and sslmode may fall back to plain text: "+
				"use sslmode=verify-full (with sslrootcert=CA.pem) or require, or sslmode=disable on a trusted network", host)
		}
	}
	return nil
}

// Ping checks that the database answers: what readiness means for the service.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var one int
	if err := db.pool.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	return nil
}

// Pool returns the connection pool, for its statistics (metrics.go) and for tools that
// load the database in bulk (ppksctl migrate).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close stops the compactor, folds the deltas left (so that a stopped service leaves the
// counts in one table) and closes the pool.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() {
		close(db.stop)
		<-db.stopped
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err = db.compact(ctx)
		db.pool.Close()
	})
	return err
}

// querier is what a read or a write runs its statements on: the pool, a read
// transaction, or a write's transaction (through the recorder of its failures, write.go).
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// queries are the reads of the store, each run by read: on the pool (one snapshot per
// call) for the DB, in the write's own transaction for a txn. single says the read is
// one statement, which needs no transaction of its own to see one snapshot.
type queries struct {
	read func(ctx context.Context, op string, single bool, fn func(q querier) error) error
}

// readPool runs fn on the pool: a single statement as it is, several in one REPEATABLE
// READ, READ ONLY transaction (one snapshot for the whole call). It refuses a read made
// from inside a write's function through the Store rather than its Tx.
func (db *DB) readPool(ctx context.Context, op string, single bool, fn func(querier) error) (err error) {
	if inWrite(ctx) {
		return errNestedCall(op)
	}
	if db.opts.observer != nil {
		defer db.observe(op, false, time.Now(), &err)
	}
	if single {
		return mapErr(ctx, op, fn(db.pool))
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return mapErr(ctx, op, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(tx); err != nil {
		return mapErr(ctx, op, err)
	}
	return mapErr(ctx, op, tx.Commit(ctx))
}

// observe reports an operation that started at start and ended with *err.
func (db *DB) observe(op string, write bool, start time.Time, err *error) {
	db.opts.observer.StoreOp(op, write, time.Since(start), *err)
}

// SQLSTATEs the store tells apart.
const (
	codeSerialization = "40001" // serialization_failure: run the write again
	codeDeadlock      = "40P01" // deadlock_detected: run the write again
	codeUnique        = "23505" // unique_violation
	codeDiskFull      = "53100" // disk_full
	codeTooMany       = "53300" // too_many_connections
	codeReadOnly      = "25006" // read_only_sql_transaction: a standby, or a read-only server
	codeCanceled      = "57014" // query_canceled: the statement timeout
	codeAdminShutdown = "57P01" // the server is shutting down
	codeCannotConnect = "57P03" // cannot_connect_now: starting up
	codeYearLocked    = "PPKYL" // interventions_year_locked (migrations/0001_init.sql)
)

// pgCode returns the SQLSTATE of a server error, "" for any other error.
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// constraintOf returns the constraint a server error names, "" when none.
func constraintOf(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.ConstraintName
	}
	return ""
}

// callbackError carries an error returned by a caller's function through the store's
// helpers, which return it as it is.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }
func (e *callbackError) Unwrap() error { return e.err }

func callback(err error) error {
	if err == nil {
		return nil
	}
	return &callbackError{err}
}

// mapErr turns err into an error of the domain: callback and domain errors unchanged,
// the context's errors unchanged, server errors by SQLSTATE, anything else Internal.
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
		return fmt.Errorf("%s: %w", op, cerr)
	}
	switch pgCode(err) {
	case codeDiskFull:
		return &ppks.Error{
			Kind: ppks.KindResourceExhausted, Reason: "STORAGE_FULL",
			Message:   "the database storage is full",
			Localized: "Penyimpanan basis data penuh; hubungi administrator.",
			Err:       fmt.Errorf("%s: %w", op, err),
		}
	case codeSerialization, codeDeadlock:
		return errContention(op, err)
	case codeTooMany, codeAdminShutdown, codeCannotConnect:
		return unavailable(op, err)
	case codeReadOnly:
		return &ppks.Error{
			Kind: ppks.KindUnavailable, Reason: "DATABASE_READ_ONLY",
			Message:   "the database cannot be written to; retry later",
			Localized: "Basis data tidak dapat ditulis; coba lagi beberapa saat lagi.",
			Err:       fmt.Errorf("%s: %w", op, err),
		}
	case codeCanceled:
		return &ppks.Error{
			Kind: ppks.KindUnavailable, Reason: "DATABASE_TIMEOUT",
			Message:   "the database took too long to answer; retry later",
			Localized: "Basis data terlalu lama menjawab; coba lagi beberapa saat lagi.",
			Err:       fmt.Errorf("%s: %w", op, err),
		}
	}
	if pgconn.SafeToRetry(err) || isConnError(err) {
		return unavailable(op, err)
	}
	return ppks.Internal(op, err)
}

// isConnError reports an error of reaching the server (refused, reset, gone).
func isConnError(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, net.ErrClosed)
}

func unavailable(op string, err error) *ppks.Error {
	return &ppks.Error{
		Kind: ppks.KindUnavailable, Reason: "DATABASE_UNAVAILABLE",
		Message:   "the database cannot be reached; retry later",
		Localized: "Basis data tidak dapat dihubungi; coba lagi beberapa saat lagi.",
		Err:       fmt.Errorf("%s: %w", op, err),
	}
}

// errContention is a write that kept conflicting with concurrent ones after every retry.
func errContention(op string, err error) *ppks.Error {
	return &ppks.Error{
		Kind: ppks.KindUnavailable, Reason: "DATABASE_BUSY",
		Message:   "the database is busy with conflicting writes; retry later",
		Localized: "Basis data sedang sibuk; coba lagi beberapa saat lagi.",
		Err:       fmt.Errorf("%s: %w", op, err),
	}
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

// invalidPageToken refuses a PageRequest.After that is not a key of the list.
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

// changedSince checks that a conditional UPDATE of the record named name changed its row:
// none changed means the record is no longer at the revision the write read (or is gone).
func changedSince(tag pgconn.CommandTag, name string) error {
	if tag.RowsAffected() != 1 {
		return &ppks.Error{Kind: ppks.KindAborted, Reason: "CONCURRENT_CHANGE",
			Message:   name + " changed since it was read; read it again and retry",
			Localized: "Data sudah diubah oleh pengguna lain; muat ulang lalu coba lagi."}
	}
	return nil
}

// deleted checks that a DELETE of the record named name removed it: NotFound otherwise.
func deleted(tag pgconn.CommandTag, name string) error {
	if tag.RowsAffected() == 0 {
		return ppks.NotFound(name)
	}
	return nil
}

// queryRows runs a query and scans every row.
func queryRows[T any](ctx context.Context, q querier, query string, args []any, scan func(pgx.Row) (T, error)) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
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

// where collects the conditions of a query, numbering the arguments ($1, $2...).
// Conditions are constant SQL written here; values are always bound as arguments.
type where struct {
	conds []string
	args  []any
}

// arg binds v and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// add adds a condition; each ? in cond is replaced by the placeholder of the next arg.
func (w *where) add(cond string, args ...any) {
	var b strings.Builder
	i := 0
	for _, r := range cond {
		if r == '?' {
			b.WriteString(w.arg(args[i]))
			i++
			continue
		}
		b.WriteRune(r)
	}
	w.conds = append(w.conds, b.String())
}

// area restricts col (a person's kecamatan) to the area: nothing for the whole
// kabupaten, no row for an empty area.
func (w *where) area(col string, a ppks.Area) {
	switch {
	case a.Whole():
	case a.Empty():
		w.conds = append(w.conds, "false")
	default:
		w.conds = append(w.conds, col+" = ANY("+w.arg([]string(a))+")")
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

// escapeLike escapes the LIKE wildcards of s for "LIKE $n ESCAPE '\'".
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// utc reads a stored time in UTC, as the domain keeps times.
func utc(t time.Time) time.Time { return t.UTC() }

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// fromNullTime reads a time stored by nullTime.
func fromNullTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nullString stores "" as NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func fromNullString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// strings stores a list, '{}' for none.
func stringList(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// fromStringList reads a stored list, nil when empty (as the domain keeps none).
func fromStringList(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	return ss
}

// nullInt stores a nil *int as NULL.
func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

func fromNullInt(v *int64) *int {
	if v == nil {
		return nil
	}
	n := int(*v)
	return &n
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
func parseDate(v *string) (ppks.Date, error) {
	if v == nil {
		return ppks.Date{}, nil
	}
	s := *v
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
