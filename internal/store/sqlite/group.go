package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit. With synchronous=FULL every COMMIT waits for an fsync of the WAL, which
// costs about as much as the rest of a small write put together: one transaction per
// request caps durable writes at the disk's sync rate. So the writes of concurrent
// requests share transactions: one goroutine owns the writer connection, takes every
// request queued while the previous COMMIT was syncing, runs them one after the other
// inside one BEGIN IMMEDIATE, each in its own SAVEPOINT, then those queued meanwhile (up
// to maxBatch in all), and COMMITs once. A request whose function fails is rolled back
// to its savepoint, so the others of its batch keep their changes; each caller is
// answered only after the COMMIT that holds its change is on disk, so an acknowledged
// write still survives a power cut. There is no timer: a lone request commits at once,
// and batches grow only when requests arrive faster than the writer and the disk.
//
// The writer's time is what caps durable writes, so it does nothing it need not do:
//   - A request's statements run without its caller's cancellation. Once the writer has
//     taken a request it runs it to the end (a few milliseconds at most); a statement
//     watching a context costs the driver a goroutine and two calls into SQLite each, and
//     an interrupted INSERT would roll back the whole batch, the others' writes too.
//     Large writes (a rebuild of the counts) stay interruptible.
//   - SQLite copies every page a savepoint changes to its statement journal, which it
//     spills to a temporary file past 64 KiB: a write syscall per page, a fifth of the
//     writer's time. temp_store(MEMORY) keeps the journal in memory; it holds one
//     request's pages at a time (each RELEASE empties it) and plays no part in crash
//     recovery, which is the WAL's. A batch with a large write keeps the journal in a file,
//     where a rebuild's hundreds of megabytes of pages belong.

// DefaultMaxBatch bounds how many writes share one transaction: large enough to absorb
// a burst of concurrent requests, small enough that a batch's COMMIT stays short.
const DefaultMaxBatch = 128

// Request states: a request is queued until the writer takes it or its caller gives up
// (context done), whichever happens first.
const (
	reqQueued int32 = iota
	reqTaken
	reqAbandoned
)

// writeReq is one caller's write waiting for the writer.
type writeReq struct {
	ctx   context.Context
	op    string
	fn    func(context.Context, *sql.Tx) error
	large bool // may change many pages or run long (see above)
	state atomic.Int32
	done  chan error // buffered: the writer never blocks on a caller
}

func (r *writeReq) finish(err error) { r.done <- err }

// groupWriter runs the writes of every caller on the single writer connection.
type groupWriter struct {
	db       *sql.DB // the writer: one connection
	maxBatch int
	onBatch  func(size int, d time.Duration)

	mu      sync.RWMutex // held for reading while sending to queue, for writing to close it
	closed  bool
	queue   chan *writeReq
	stopped chan struct{}

	// check, when set, refuses a batch before it begins: the database file is no longer
	// the one opened (db.go, fileMoved).
	check func() error

	// The writer goroutine's own:
	memJournal bool      // temp_store(MEMORY) is set on the writer
	carry      *writeReq // a large write taken from the queue for the next batch (more)
}

func newGroupWriter(db *sql.DB, maxBatch int, onBatch func(int, time.Duration), check func() error) *groupWriter {
	if maxBatch < 1 {
		maxBatch = DefaultMaxBatch
	}
	g := &groupWriter{
		db: db, maxBatch: maxBatch, onBatch: onBatch, check: check,
		queue:   make(chan *writeReq, 4*maxBatch),
		stopped: make(chan struct{}),
	}
	go g.loop()
	return g
}

// errClosed is returned to writes submitted after Close.
var errClosed = errors.New("the database is closed")

// submit queues fn and waits for its outcome: fn's error through mapErr (a callback's
// as it returned it), or the error of the COMMIT that held its change, or ctx's error
// when ctx ended while fn was still queued (it then never runs). fn gets ctx without its
// cancellation, unless large (see above). Once the writer has taken fn, submit waits for
// it even when ctx ends: fn writes the caller's variables.
func (g *groupWriter) submit(ctx context.Context, op string, large bool, fn func(context.Context, *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &writeReq{ctx: ctx, op: op, fn: fn, large: large, done: make(chan error, 1)}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return mapErr(ctx, op, errClosed)
	}
	select {
	case g.queue <- r:
	case <-ctx.Done():
		g.mu.RUnlock()
		return ctx.Err()
	}
	g.mu.RUnlock()
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		if r.state.CompareAndSwap(reqQueued, reqAbandoned) {
			return ctx.Err()
		}
		return <-r.done
	}
}

// close stops accepting writes, lets the writer finish those queued and waits for it.
func (g *groupWriter) close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.queue)
	}
	g.mu.Unlock()
	<-g.stopped
}

func (g *groupWriter) loop() {
	defer close(g.stopped)
	batch := make([]*writeReq, 0, g.maxBatch)
	for {
		first := g.carry
		g.carry = nil
		if first == nil {
			r, ok := <-g.queue
			if !ok {
				return
			}
			first = r
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < g.maxBatch {
			select {
			case r, ok := <-g.queue:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		live := batch[:0]
		for _, r := range batch {
			if r.state.CompareAndSwap(reqQueued, reqTaken) {
				live = append(live, r)
			}
		}
		for len(live) > 0 {
			live = g.attempt(live)
		}
		clear(batch[:cap(batch)]) // drop the references to finished requests, late ones too
	}
}

// more adds to a running batch the requests queued since it began, up to maxBatch: they
// would otherwise wait for this batch's COMMIT and then for one of their own, and the
// COMMIT's sync, the largest part of a batch, is shared by more writes. A large write is
// left for the next batch when this one keeps its statement journal in memory.
func (g *groupWriter) more(reqs []*writeReq) []*writeReq {
	for len(reqs) < g.maxBatch && g.carry == nil {
		select {
		case r, ok := <-g.queue:
			if !ok {
				return reqs
			}
			if r.large && g.memJournal {
				g.carry = r // still queued: its caller may yet leave
				return reqs
			}
			if r.state.CompareAndSwap(reqQueued, reqTaken) {
				reqs = append(reqs, r)
			}
		default:
			return reqs
		}
	}
	return reqs
}

// attempt runs reqs in one transaction and answers each of them, except those it returns:
// SQLite rolls a whole transaction back on some errors of one statement (a full disk, an
// interrupted statement), and then the requests that had succeeded before in the same
// transaction lost their changes through no fault of theirs and run again in a new one.
// The request at fault is answered with its error, so each attempt answers at least one
// request and the retries end.
func (g *groupWriter) attempt(reqs []*writeReq) (retry []*writeReq) {
	// The writer's own statements must not be interrupted by one caller leaving: they
	// run without the callers' contexts.
	ctx := context.Background()
	start := time.Now()
	if g.check != nil {
		if err := g.check(); err != nil {
			for _, r := range reqs {
				r.finish(err)
			}
			return nil
		}
	}
	g.useMemoryJournal(!slices.ContainsFunc(reqs, func(r *writeReq) bool { return r.large }))
	tx, err := g.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (_txlock=immediate)
	if err != nil {
		for _, r := range reqs {
			r.finish(mapErr(r.ctx, r.op, err))
		}
		return nil
	}
	ok := make([]*writeReq, 0, len(reqs))
	for i := 0; ; i++ {
		if i == len(reqs) {
			if reqs = g.more(reqs); i == len(reqs) {
				break
			}
		}
		r := reqs[i]
		if err := r.ctx.Err(); err != nil {
			r.finish(err) // its caller left before its turn: it makes no change
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT w`); err != nil {
			// The transaction is unusable: fail what is left rather than loop on it.
			g.abort(tx)
			for _, r := range append(ok, reqs[i:]...) {
				r.finish(mapErr(r.ctx, r.op, err))
			}
			return nil
		}
		rctx := r.ctx
		if !r.large {
			rctx = context.WithoutCancel(rctx)
		}
		ferr := r.fn(rctx, tx)
		if ferr == nil {
			if _, err := tx.ExecContext(ctx, `RELEASE w`); err == nil {
				ok = append(ok, r)
				continue
			} else {
				ferr = err
			}
		}
		_, rerr := tx.ExecContext(ctx, `ROLLBACK TO w`)
		if rerr == nil {
			_, rerr = tx.ExecContext(ctx, `RELEASE w`)
		}
		r.finish(mapErr(r.ctx, r.op, ferr)) // a failed request changed nothing, committed or not
		if rerr != nil {
			// The savepoint is gone: SQLite rolled the whole transaction back.
			g.abort(tx)
			return append(ok, reqs[i+1:]...)
		}
	}
	if len(ok) == 0 {
		_ = tx.Rollback()
		return nil
	}
	err = tx.Commit()
	if err != nil {
		g.abort(nil)
	}
	if g.onBatch != nil {
		g.onBatch(len(ok), time.Since(start))
	}
	// Answered only now: the COMMIT returned, so with synchronous=FULL the WAL holding
	// these changes is on disk. A failed COMMIT fails every request of the batch.
	for _, r := range ok {
		r.finish(mapErr(r.ctx, r.op, err))
	}
	return nil
}

// useMemoryJournal sets where SQLite keeps the statement journal of the next batch (see
// above). A failure leaves it where it was, which costs time, not correctness; the next
// batch tries again.
func (g *groupWriter) useMemoryJournal(mem bool) {
	if g.memJournal == mem {
		return
	}
	q := `PRAGMA temp_store = FILE`
	if mem {
		q = `PRAGMA temp_store = MEMORY`
	}
	if _, err := g.db.ExecContext(context.Background(), q); err == nil {
		g.memJournal = mem
	}
}

// abort ends a transaction SQLite may already have rolled back (or, after a failed
// COMMIT, may have left open): a ROLLBACK on the connection itself makes sure the next
// BEGIN starts clean. Its error only says there was nothing to roll back.
func (g *groupWriter) abort(tx *sql.Tx) {
	if tx != nil {
		_ = tx.Rollback()
	}
	_, _ = g.db.ExecContext(context.Background(), `ROLLBACK`)
}
