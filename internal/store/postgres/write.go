package postgres

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/opendinsos/ppks/internal/ppks"
)

// Writes. Every Write is one SERIALIZABLE transaction. The domain decides a write from
// what it reads through its Tx (a year is open, a NIK is free, a record is at the
// revision the client read, a person's first delivery of a type) and then writes; with
// several processes writing at once, only serializable isolation guarantees that what
// was read still holds at commit for every such rule, including those that read one
// thing and write another (the year lock against the snapshot of a lock being taken, the
// last administrator, a family counted once). PostgreSQL detects the conflicts (SSI) and
// fails one of the transactions with a serialization failure; the write then runs again
// from the start, fn included (the domain forgets what its earlier run recorded), in a
// new transaction that sees the other's commit. Deadlocks are retried the same way. The
// cost is the occasional retry, and no counter row may be updated by every write (those
// conflict always): the maintained counts append their differences instead (counts.go).
// REPEATABLE READ with explicit locks would also do for the year lock, but would leave
// every other read-then-write rule of the domain to be locked by hand, each of them a
// race to find later.

// txn is the Tx of one write: its transaction, through the recorder of its failures.
type txn struct {
	queries
	tx *recorder
}

var _ ppks.Tx = (*txn)(nil)

// inWriteKey marks the context a write's function runs with.
type inWriteKey struct{}

func inWrite(ctx context.Context) bool { return ctx.Value(inWriteKey{}) != nil }

// errNestedCall refuses a call of the Store made from inside a write's function: it
// would run outside the write's transaction, and could wait on it.
func errNestedCall(op string) error {
	return ppks.Internal(op, errors.New("called through the Store from inside a write: use the write's Tx"))
}

// errRetry marks a failed attempt of a write that runs again: a conflict with a
// concurrent transaction.
var errRetry = errors.New("conflict with a concurrent write")

// Write runs fn in a transaction after looking up op's request key, then records the key
// and the audit entry; it runs everything again when the transaction conflicts with a
// concurrent one (up to maxAttempts times, with a growing, jittered pause between).
func (db *DB) Write(ctx context.Context, op ppks.Op, fn func(context.Context, ppks.Tx) error) (replayed string, err error) {
	if inWrite(ctx) {
		return "", errNestedCall("write")
	}
	name := writeName(op)
	if db.opts.observer != nil {
		defer db.observe(name, true, time.Now(), &err)
	}
	return db.writeFrom(ctx, name, 1, op.Key, func(ctx context.Context, r *recorder) error {
		t := &txn{tx: r}
		t.queries = queries{read: func(ctx context.Context, op string, _ bool, fn func(querier) error) error {
			return mapErr(ctx, op, fn(r))
		}}
		if fn != nil {
			if err := fn(context.WithValue(ctx, inWriteKey{}, true), t); err != nil {
				return callback(err)
			}
		}
		if op.Key.ID != "" && (op.Audit == nil || op.Audit.Resource == "") {
			return errors.New("write: a request key without the resource it produced (op.Audit.Resource)")
		}
		resource := ""
		if op.Audit != nil {
			resource = op.Audit.Resource
		}
		recordOp(r, op, resource) // sent with the COMMIT
		return nil
	})
}

// write runs fn in a SERIALIZABLE transaction, and again in a new one while it fails for
// a conflict (see above). fn's own errors come back as they are.
func (db *DB) write(ctx context.Context, op string, fn func(context.Context, *recorder) error) error {
	_, err := db.writeFrom(ctx, op, 1, ppks.RequestKey{}, fn)
	return err
}

// writeAlone is write for a write that runs alone from its first attempt (a rebuild of
// the counts, which reads and writes every count).
func (db *DB) writeAlone(ctx context.Context, op string, fn func(context.Context, *recorder) error) error {
	_, err := db.writeFrom(ctx, op, aloneAfter+1, ppks.RequestKey{}, fn)
	return err
}

// writeFrom runs the attempts of a write from attempt first. When key has an id, each
// attempt first looks it up, and a request already answered is answered from its row:
// the name of the resource it produced, without running fn.
func (db *DB) writeFrom(ctx context.Context, op string, first int, key ppks.RequestKey, fn func(context.Context, *recorder) error) (string, error) {
	pause := time.Millisecond
	for attempt := first; ; attempt++ {
		alone := attempt > aloneAfter
		replayed, err := db.attempt(ctx, alone, key, fn)
		if !errors.Is(err, errRetry) {
			return replayed, mapErr(ctx, op, err)
		}
		db.stats.retried(err)
		if attempt-first+1 >= db.opts.maxAttempts {
			return "", errContention(op, err)
		}
		// Full jitter: writers that collided do not collide again in step.
		t := time.NewTimer(time.Duration(rand.Int64N(int64(pause)) + 1))
		select {
		case <-ctx.Done():
			t.Stop()
			return "", ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// aloneAfter is how many conflicts a write may lose before it runs alone. A write that
// reads much (a year lock computing the whole year's report) conflicts with nearly every
// write that commits while it runs, and would lose to them for as long as they come;
// alone, it waits for those under way, holds the next ones back for as long as it takes,
// and commits. Two losses are the occasional bad luck of an ordinary write.
const aloneAfter = 2

// attempt runs fn once in a new transaction and commits it; or, when key was answered
// before, returns the resource it produced. A conflict, wherever it surfaced (a
// statement of fn, whose error fn may have turned into another; or the COMMIT), is
// returned wrapped in errRetry. Round trips: one to begin (with the lookup), those of fn,
// one to commit (with what fn left for it: the request's key and audit entry).
func (db *DB) attempt(ctx context.Context, alone bool, key ppks.RequestKey, fn func(context.Context, *recorder) error) (replayed string, err error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return "", err
	}
	// A connection left inside a transaction (a failed ROLLBACK) is closed by Release,
	// never reused.
	defer conn.Release()
	replayed, err = begin(ctx, conn, alone, key)
	if err != nil || replayed != "" {
		rollback(ctx, conn) // whatever began (a ROLLBACK without a transaction only warns)
		if err != nil {
			return "", err
		}
		return replayed, nil
	}
	r := &recorder{conn: conn}
	defer func() {
		if err != nil {
			rollback(ctx, conn)
		}
	}()
	ferr := fn(ctx, r)
	if r.conflict != nil {
		// Whatever fn made of it: the transaction is aborted, and the write runs again.
		return "", errors.Join(errRetry, r.conflict)
	}
	if ferr != nil {
		return "", ferr
	}
	if err := r.commit(ctx); err != nil {
		if retryable(err) {
			return "", errors.Join(errRetry, err)
		}
		return "", err
	}
	return "", nil
}

// The statements that begin a write: SERIALIZABLE, with sequential scans discouraged,
// through the gate of writes. A sequential scan takes a predicate lock on the whole
// table, which then conflicts with every concurrent write to it: the write's statements
// are all built for an index, and on small tables (a new database) the planner would
// otherwise scan them whole, failing nearly every concurrent writer. The gate
// (migrations/0001_init.sql, write_gate) is shared by writes, or taken alone. Neither
// SET nor LOCK TABLE takes the transaction's snapshot, so a write held at the gate sees,
// once through, everything committed before.
var (
	beginStatements = []string{`BEGIN ISOLATION LEVEL SERIALIZABLE`, `SET LOCAL enable_seqscan = off`}
	gateShared      = `LOCK TABLE write_gate IN ROW SHARE MODE`
	gateAlone       = `LOCK TABLE write_gate IN EXCLUSIVE MODE`
)

// findRequestQuery looks a request key up (findRequest).
const findRequestQuery = `SELECT method, fingerprint, resource FROM requests WHERE username = $1 AND request_id = $2`

// begin sends, in one round trip (a pipeline), the lookup of key in a transaction of its
// own, then the statements that begin the write. The lookup runs outside the write's
// transaction: inside, it would take a predicate lock on the page of the key, and
// concurrent writes whose new keys share that page would fail each other. The key's
// uniqueness is what makes the same request sent twice at once one write: the second
// one's insert of the key fails (recordOp), and its next attempt finds the first's row.
// It returns the resource of a request found, or ppks.ErrRequestReused; the write's
// transaction is then open, for the caller to roll back.
func begin(ctx context.Context, conn *pgxpool.Conn, alone bool, key ppks.RequestKey) (string, error) {
	p := conn.Conn().PgConn().StartPipeline(ctx)
	lookup := key.ID != ""
	if lookup {
		p.SendQueryParams(findRequestQuery, [][]byte{[]byte(key.Username), []byte(key.ID)}, nil, nil, nil)
		p.SendPipelineSync()
	}
	gate := gateShared
	if alone {
		gate = gateAlone
	}
	for _, q := range append(beginStatements, gate) {
		p.SendQueryParams(q, nil, nil, nil, nil)
	}
	p.SendPipelineSync()
	if err := p.Flush(); err != nil {
		return "", err
	}
	var (
		found                       bool
		method, fingerprint, result string
		errs                        []error
	)
	for {
		res, err := p.GetResults()
		var pe *pgconn.PgError
		if err != nil && !errors.As(err, &pe) {
			_ = p.Close()
			return "", err // the connection failed: the pipeline is closed
		}
		if err != nil {
			errs = append(errs, err) // the server skips to the next sync point
			continue
		}
		switch r := res.(type) {
		case nil:
			errs = append(errs, p.Close())
			if err := errors.Join(errs...); err != nil {
				return "", err
			}
			switch {
			case !found:
				return "", nil
			case method != key.Method || fingerprint != key.Fingerprint:
				return "", ppks.ErrRequestReused()
			}
			return result, nil
		case *pgconn.ResultReader:
			for r.NextRow() {
				v := r.Values()
				found, method, fingerprint, result = true, string(v[0]), string(v[1]), string(v[2])
			}
			if _, err := r.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
}

// rollback ends a write's transaction; when it cannot, the connection is closed (by
// Release), never reused in the middle of one.
func rollback(ctx context.Context, conn *pgxpool.Conn) {
	_, _ = conn.Exec(context.WithoutCancel(ctx), `ROLLBACK`)
}

// retryable reports an error after which the whole write runs again: a serialization
// failure or a deadlock, or a unique violation of a key the write had looked up and not
// found (a concurrent write inserted it meanwhile: the same request sent twice at once,
// two first deliveries of one pair), which the next attempt finds.
func retryable(err error) bool {
	switch pgCode(err) {
	case codeSerialization, codeDeadlock:
		return true
	case codeUnique:
		switch constraintOf(err) {
		case "requests_pkey", "count_pairs_pkey":
			return true
		}
	}
	return false
}

// recorder runs a write's statements on its transaction's connection and notes the
// first conflict any of them met: fn may wrap or replace the error it got (a read whose
// NotFound it expects), but the transaction is aborted all the same and must run again.
// final is a statement to send with the COMMIT, in the same round trip.
type recorder struct {
	conn     *pgxpool.Conn
	conflict error
	final    *pgx.QueuedQuery
}

// note records err when it is a conflict, and returns it.
func (r *recorder) note(err error) error {
	if err != nil && r.conflict == nil && retryable(err) {
		r.conflict = err
	}
	return err
}

// retry marks the write for running again: a conflict the store found itself (a unique
// key taken by a transaction this one cannot see yet).
func (r *recorder) retry(cause error) error {
	if r.conflict == nil {
		r.conflict = cause
	}
	return errors.Join(errRetry, cause)
}

// atCommit leaves a statement to be sent with the COMMIT (its result read by scan).
func (r *recorder) atCommit(sql string, args []any, scan func(pgx.Row) error) {
	r.final = &pgx.QueuedQuery{SQL: sql, Arguments: args}
	r.final.QueryRow(scan)
}

// commit sends the final statement, if any, and COMMIT in one round trip. A COMMIT of a
// transaction that an error aborted answers ROLLBACK: that is a failure too.
func (r *recorder) commit(ctx context.Context) error {
	b := &pgx.Batch{}
	if r.final != nil {
		b.QueuedQueries = append(b.QueuedQueries, r.final)
	}
	b.Queue(`COMMIT`).Exec(func(tag pgconn.CommandTag) error {
		if tag.String() != "COMMIT" {
			return errors.New("commit: the transaction was rolled back")
		}
		return nil
	})
	return r.conn.SendBatch(ctx, b).Close()
}

func (r *recorder) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := r.conn.Exec(ctx, sql, args...)
	return tag, r.note(err)
}

func (r *recorder) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := r.conn.Query(ctx, sql, args...)
	if err != nil {
		return rows, r.note(err)
	}
	return &recordedRows{Rows: rows, r: r}, nil
}

func (r *recorder) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := r.Query(ctx, sql, args...)
	return &recordedRow{rows: rows, err: err}
}

// CopyFrom bulk-inserts rows (pgx's COPY).
func (r *recorder) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	n, err := r.conn.CopyFrom(ctx, table, cols, src)
	return n, r.note(err)
}

type recordedRows struct {
	pgx.Rows
	r *recorder
}

func (rr *recordedRows) Err() error { return rr.r.note(rr.Rows.Err()) }

func (rr *recordedRows) Scan(dest ...any) error { return rr.r.note(rr.Rows.Scan(dest...)) }

// recordedRow is pgx's QueryRow over recordedRows: the first row, or ErrNoRows.
type recordedRow struct {
	rows pgx.Rows
	err  error
}

func (rr *recordedRow) Scan(dest ...any) error {
	if rr.err != nil {
		return rr.err
	}
	defer rr.rows.Close()
	if !rr.rows.Next() {
		if err := rr.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := rr.rows.Scan(dest...); err != nil {
		return err
	}
	rr.rows.Close()
	return rr.rows.Err()
}

// writeName names a write for the store's metrics: its domain method in words ("create
// beneficiary"), or "append audit" for a read's entry.
func writeName(op ppks.Op) string {
	if op.Audit == nil || op.Audit.Method == "" {
		return "write"
	}
	if op.Audit.Action == ppks.AuditRead {
		return "append audit"
	}
	var b strings.Builder
	for i, r := range op.Audit.Method {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte(' ')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// exec runs a statement of a write, its errors mapped as every store error is.
func (t *txn) exec(ctx context.Context, op, query string, args ...any) (pgconn.CommandTag, error) {
	tag, err := t.tx.Exec(ctx, query, args...)
	return tag, mapErr(ctx, op, err)
}
