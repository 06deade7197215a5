package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/storetest"
)

// batchCounter records the batches the writer committed.
type batchCounter struct {
	mu    sync.Mutex
	sizes []int
}

func (c *batchCounter) StoreOp(string, bool, time.Duration, error) {}
func (c *batchCounter) StoreBatch(n int, _ time.Duration) {
	c.mu.Lock()
	c.sizes = append(c.sizes, n)
	c.mu.Unlock()
}

func (c *batchCounter) max() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := 0
	for _, n := range c.sizes {
		m = max(m, n)
	}
	return m
}

var gseq atomic.Uint64

func gid() string { return fmt.Sprintf("0190b000-0000-7000-8000-%012d", gseq.Add(1)) }

func person(nik string) *ppks.Beneficiary {
	now := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	return &ppks.Beneficiary{ID: gid(), NIK: nik, FullName: "Siti", Sex: ppks.SexFemale,
		KecamatanCode: "73.06.01", CreateTime: now, UpdateTime: now, Revision: 1}
}

func writeOp(method string) ppks.Op {
	id := gid()
	return ppks.Op{Key: ppks.RequestKey{ID: id, Method: method, Fingerprint: "f"},
		Audit: &ppks.AuditEntry{Time: time.Now().UTC(), Username: "t", Role: ppks.RoleWorker, Method: method,
			Action: ppks.AuditWrite, RequestID: id}}
}

// Many concurrent writes share transactions; those that fail, in every way a write can
// fail, leave the others of their batch untouched, and every success is stored.
func TestGroupCommitFailuresStayAlone(t *testing.T) {
	counter := &batchCounter{}
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "ppks.db"), WithObserver(counter))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := t.Context()
	taken := person("7306010101800001")
	if _, err := (storetest.Writer{S: db, Ctx: ctx}).CreateBeneficiary(writeOp("CreateBeneficiary"), taken); err != nil {
		t.Fatal(err)
	}
	// A row of a few megabytes hits the page limit; the small ones fit under it. SQLite may
	// roll a whole transaction back on SQLITE_FULL: the batch's other writes then run again.
	var pages int
	if err := db.writer.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+1000)); err != nil {
		t.Fatal(err)
	}

	// The first write holds the writer until every other write is queued, so that they
	// share the next batch.
	const n = 120
	huge := strings.Repeat("x", 10_000_000)
	release := make(chan struct{})
	errBuild := errors.New("the callback's own error")
	type outcome struct {
		kind string
		id   string
		err  error
	}
	results := make([]outcome, n)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		_, err := (storetest.Writer{S: db, Ctx: ctx}).CreateCase(writeOp("CreateCase"), taken.ID, func(*ppks.Beneficiary) (*ppks.Case, error) {
			<-release
			return nil, errBuild
		})
		results[0] = outcome{kind: "callback", err: err}
	})
	for len(db.group.queue) > 0 || !writerBusy(db) {
		time.Sleep(time.Millisecond)
	}
	errLost := errors.New("rolled the whole transaction back")
	for i := 1; i < n; i++ {
		wg.Go(func() {
			if i == n/2 {
				// As SQLite does on some errors (an interrupted statement, an I/O error): the
				// writes before it in the batch lost their changes and must run again.
				err := db.group.submit(ctx, "test", false, func(ctx context.Context, tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, `ROLLBACK`); err != nil {
						return err
					}
					return callback(errLost)
				})
				results[i] = outcome{kind: "lost", err: err}
				return
			}
			b := person(fmt.Sprintf("7306%012d", 1000+i))
			kind := "ok"
			c := ctx
			switch i % 6 {
			case 1:
				kind, b.NIK = "duplicate", taken.NIK
			case 2:
				kind, b.Address = "full", huge
			case 3:
				kind, c = "canceled", canceled
			}
			_, err := (storetest.Writer{S: db, Ctx: c}).CreateBeneficiary(writeOp("CreateBeneficiary"), b)
			results[i] = outcome{kind: kind, id: b.ID, err: err}
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(db.group.queue) < n-1-n/6 && time.Now().Before(deadline) { // the canceled never queue
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()

	want := map[string]bool{taken.ID: true}
	for i, r := range results {
		switch r.kind {
		case "ok":
			if r.err != nil {
				t.Errorf("write %d: %v", i, r.err)
			}
			want[r.id] = true
		case "callback":
			if !errors.Is(r.err, errBuild) {
				t.Errorf("write %d: err %v, want the callback's error as it is", i, r.err)
			}
		case "duplicate":
			if ppks.KindOf(r.err) != ppks.KindAlreadyExists {
				t.Errorf("write %d: err %v, want AlreadyExists", i, r.err)
			}
		case "full":
			if ppks.KindOf(r.err) != ppks.KindResourceExhausted {
				t.Errorf("write %d: err %v, want ResourceExhausted", i, r.err)
			}
		case "lost":
			if !errors.Is(r.err, errLost) {
				t.Errorf("write %d: err %v, want its own error", i, r.err)
			}
		case "canceled":
			if !errors.Is(r.err, context.Canceled) {
				t.Errorf("write %d: err %v, want context.Canceled", i, r.err)
			}
		}
	}
	got, err := db.ListBeneficiaries(ctx, ppks.BeneficiaryFilter{}, ppks.PageRequest{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range got {
		if !want[b.ID] {
			t.Errorf("stored %s, whose write failed", b.ID)
		}
		delete(want, b.ID)
	}
	if len(want) != 0 {
		t.Errorf("%d acknowledged writes missing: %v", len(want), want)
	}
	if m := counter.max(); m < 2 {
		t.Errorf("largest batch %d: the queued writes did not share a transaction", m)
	}
	t.Logf("batches: %v", counter.sizes)
	var check string
	if err := db.writer.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
}

// A write whose caller leaves while it is queued never runs.
func TestGroupCommitAbandonedWriteNeverRuns(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	ctx := t.Context()
	b := person("")
	if _, err := (storetest.Writer{S: db, Ctx: ctx}).CreateBeneficiary(ppks.Op{}, b); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := (storetest.Writer{S: db, Ctx: ctx}).CreateCase(ppks.Op{}, b.ID, func(*ppks.Beneficiary) (*ppks.Case, error) {
			<-release
			return nil, errors.New("stop")
		})
		done <- err
	}()
	for len(db.group.queue) > 0 || !writerBusy(db) {
		time.Sleep(time.Millisecond)
	}
	qctx, cancel := context.WithCancel(ctx)
	ran := false
	queued := make(chan error, 1)
	go func() {
		queued <- db.group.submit(qctx, "test", false, func(context.Context, *sql.Tx) error { ran = true; return nil })
	}()
	for len(db.group.queue) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-queued; !errors.Is(err, context.Canceled) {
		t.Fatalf("abandoned write: %v", err)
	}
	close(release)
	<-done
	// Another write goes through the writer after it: the abandoned one was skipped.
	if _, err := (storetest.Writer{S: db, Ctx: ctx}).CreateBeneficiary(ppks.Op{}, person("")); err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Fatal("a write ran after its caller left")
	}
}

// Ordinary writes keep SQLite's statement journal in memory; a large write keeps it in a
// file, also when it is queued while an ordinary batch runs (it then waits for a batch of
// its own journal); the writes after it have it in memory again.
func TestGroupCommitJournalPlace(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	ctx := t.Context()
	const file, memory = 1, 2 // PRAGMA temp_store
	journal := func(ctx context.Context, tx *sql.Tx, into *int) error {
		return tx.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(into)
	}
	release := make(chan struct{})
	var first, large int
	errs := make(chan error, 2)
	go func() {
		errs <- db.write(ctx, "test", func(ctx context.Context, tx *sql.Tx) error {
			<-release
			return journal(ctx, tx, &first)
		})
	}()
	for len(db.group.queue) > 0 || !writerBusy(db) {
		time.Sleep(time.Millisecond)
	}
	go func() {
		errs <- db.writeLarge(ctx, "test", func(ctx context.Context, tx *sql.Tx) error { return journal(ctx, tx, &large) })
	}()
	for len(db.group.queue) == 0 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var after int
	if err := db.write(ctx, "test", func(ctx context.Context, tx *sql.Tx) error { return journal(ctx, tx, &after) }); err != nil {
		t.Fatal(err)
	}
	if first != memory || large != file || after != memory {
		t.Errorf("temp_store: ordinary %d, large %d, ordinary after %d; want %d, %d, %d", first, large, after, memory, file, memory)
	}
}

// Once the writer has taken a write, its caller leaving does not interrupt its
// statements (an interrupted INSERT would roll back the whole batch): it runs to the end
// and commits.
func TestGroupCommitTakenWriteRunsToTheEnd(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	ctx, cancel := context.WithCancel(t.Context())
	b := person("")
	err := db.write(ctx, "test", func(ctx context.Context, tx *sql.Tx) error {
		cancel() // the caller leaves while its write runs
		return insertBeneficiary(ctx, tx, b)
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("write: %v", err)
	}
	if _, err := db.GetBeneficiary(t.Context(), b.ID); err != nil {
		t.Fatalf("the write taken before its caller left was not stored: %v", err)
	}
}

// writerBusy reports whether the writer holds its connection (a batch is running).
func writerBusy(db *DB) bool { return db.writer.Stats().InUse > 0 }

// Writes after Close fail cleanly instead of hanging.
func TestGroupCommitAfterClose(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "ppks.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := (storetest.Writer{S: db, Ctx: t.Context()}).CreateBeneficiary(ppks.Op{}, person("")); ppks.KindOf(err) != ppks.KindInternal || err == nil {
		t.Fatalf("write after Close: %v", err)
	}
}

// BenchmarkConcurrentInterventionWrites records interventions from 50 concurrent callers
// (25 per core on the 2-core machines of the project), durably (synchronous=FULL), with
// group commit and with one transaction per write. Compare ns/op and the writes per
// commit:
//
//	go test -run '^$' -bench ConcurrentInterventionWrites -benchtime 3s ./internal/store/sqlite
func BenchmarkConcurrentInterventionWrites(b *testing.B) {
	for _, bc := range []struct {
		name     string
		maxBatch int
	}{{"group", DefaultMaxBatch}, {"one-tx-per-write", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			counter := &batchCounter{}
			db, err := Open(b.Context(), filepath.Join(b.TempDir(), "ppks.db"), WithMaxBatch(bc.maxBatch), WithObserver(counter))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ctx := b.Context()
			p := person("")
			if _, err := (storetest.Writer{S: db, Ctx: ctx}).CreateBeneficiary(ppks.Op{}, p); err != nil {
				b.Fatal(err)
			}
			now := time.Now().UTC()
			c, err := (storetest.Writer{S: db, Ctx: ctx}).CreateCase(ppks.Op{}, p.ID, func(*ppks.Beneficiary) (*ppks.Case, error) {
				return &ppks.Case{ID: gid(), PpksType: "LANSIA_TELANTAR", OpenedOn: ppks.Date{Year: 2024, Month: 1, Day: 1},
					State: ppks.CaseOpen, CreateTime: now, UpdateTime: now, Revision: 1}, nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.SetParallelism(25)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					_, err := (storetest.Writer{S: db, Ctx: ctx}).CreateIntervention(writeOp("CreateIntervention"), p.ID, c.ID,
						func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
							return &ppks.Intervention{ID: gid(), InterventionType: "PERMAKANAN",
								DeliveredOn: ppks.Date{Year: 2024, Month: 3, Day: 1}, KecamatanCode: "73.06.01",
								Worker: "t", Quantity: 30, Unit: "porsi", State: ppks.InterventionActive,
								CreateTime: now, UpdateTime: now, Revision: 1}, nil
						})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			counter.mu.Lock()
			if n := len(counter.sizes); n > 0 {
				b.ReportMetric(float64(b.N)/float64(n), "writes/commit")
			}
			counter.mu.Unlock()
		})
	}
}

// A database file moved, deleted or replaced under the running store takes no more
// writes (SQLite would go on writing to the orphaned file, and every write acknowledged
// after would be lost with it): Unavailable DATABASE_MOVED, nothing written; once the
// file is back, writes go through again.
func TestWritesRefusedWhenFileMoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ppks.db")
	db := open(t, path)
	ctx := t.Context()
	write := func(b *ppks.Beneficiary) error {
		return db.write(ctx, "test", func(ctx context.Context, tx *sql.Tx) error { return insertBeneficiary(ctx, tx, b) })
	}
	if err := write(person("")); err != nil {
		t.Fatal(err)
	}
	moved := path + ".moved"
	if err := os.Rename(path, moved); err != nil {
		t.Fatal(err)
	}
	refused := person("")
	err := write(refused)
	var de *ppks.Error
	if !errors.As(err, &de) || de.Kind != ppks.KindUnavailable || de.Reason != "DATABASE_MOVED" {
		t.Fatalf("write after the file moved: %v, want Unavailable DATABASE_MOVED", err)
	}
	// Another file in its place is no better.
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := write(person("")); !errors.As(err, &de) || de.Reason != "DATABASE_MOVED" {
		t.Fatalf("write with another file in its place: %v, want DATABASE_MOVED", err)
	}
	if err := os.Rename(moved, path); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetBeneficiary(ctx, refused.ID); ppks.KindOf(err) != ppks.KindNotFound {
		t.Errorf("the refused write was stored: %v", err)
	}
	if err := write(person("")); err != nil {
		t.Fatalf("write once the file is back: %v", err)
	}
}
