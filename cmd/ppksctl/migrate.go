package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/postgres"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

func migrateCommand(fs *flag.FlagSet) action {
	from := fs.String("from", "", "the SQLite database file to move (default: --db)")
	to := fs.String("to", "", "the empty PostgreSQL database to move it to, postgres://... (required)")
	refDir := fs.String("reference-dir", "", "directory whose CSV files replace the embedded reference data (env PPKS_REFERENCE_DIR)")
	tz := fs.String("timezone", "Asia/Makassar", "the office's time zone (env PPKS_TIMEZONE)")
	return func(ctx context.Context, e *env) error {
		m := &migration{from: *from, to: *to, refDir: *refDir, tz: *tz, e: e}
		if m.from == "" {
			m.from = e.db
		}
		if m.refDir == "" {
			m.refDir = e.getenv("PPKS_REFERENCE_DIR")
		}
		if v := e.getenv("PPKS_TIMEZONE"); v != "" && *tz == "Asia/Makassar" {
			m.tz = v
		}
		return m.run(ppks.WithPrincipal(ctx, ppks.SystemPrincipal))
	}
}

// migration moves a SQLite database into an empty PostgreSQL one and proves the move:
// the same rows in every table, the counts recounted on the target equal to the source's
// maintained ones for every year, and every locked year's signed snapshot and hash the
// same and still verifying.
type migration struct {
	from, to, refDir, tz string
	e                    *env
	start                time.Time
}

// phase tells on stderr that a phase starts, and returns what tells its end.
func (m *migration) phase(format string, args ...any) func() {
	start := time.Now()
	fmt.Fprintf(m.e.stderr, format+"\n", args...)
	return func() { fmt.Fprintf(m.e.stderr, "  done in %s\n", time.Since(start).Round(time.Millisecond)) }
}

func (m *migration) run(ctx context.Context) error {
	m.start = time.Now()
	switch {
	case m.to == "":
		return usageError{errors.New("migrate: --to postgres://... is required")}
	case !postgres.IsDSN(m.to):
		return usageError{fmt.Errorf("migrate: --to must be a PostgreSQL URL (postgres://...), not %q", m.to)}
	case postgres.IsDSN(m.from):
		return usageError{errors.New("migrate: --from is the SQLite database file to move")}
	}
	if _, err := os.Stat(m.from); err != nil {
		return fmt.Errorf("migrate: the source: %w", err)
	}
	target, err := postgres.Open(ctx, m.to)
	if err != nil {
		return err
	}
	defer target.Close()
	// Refused before the source is touched, and again inside the import's transaction.
	if held, err := target.Holdings(ctx); err != nil {
		return err
	} else if delete(held, "count_rules"); len(held) > 0 {
		return m.notEmpty(held)
	}

	// The source as ppksd would open it: its schema up to date and its counts kept with
	// the counting rules of this reference data.
	end := m.phase("opening the source %s", m.from)
	source, err := compose.OpenStore(ctx, compose.DBConfig{DB: m.from}, nil, nil)
	if err != nil {
		return err
	}
	svc, err := compose.NewService(source, m.refDir, m.tz)
	if err != nil {
		source.Close()
		return err
	}
	if err := source.Close(); err != nil {
		return err
	}
	snap, err := sqlite.OpenSnapshot(ctx, m.from)
	if err != nil {
		return err
	}
	defer snap.Close()
	end()

	end = m.phase("copying %s to %s, in one transaction", m.from, postgres.Redact(m.to))
	err = target.Import(ctx, snapshotSource{snap}, func(table string, done, total int64) {
		switch {
		case done == 0:
			fmt.Fprintf(m.e.stderr, "  %s: %d rows\n", table, total)
		case done < total:
			fmt.Fprintf(m.e.stderr, "  %s: %d of %d rows (%.0f %%, %s)\n", table, done, total,
				100*float64(done)/float64(total), time.Since(m.start).Round(time.Second))
		}
	})
	if errors.Is(err, postgres.ErrNotEmpty) {
		return fmt.Errorf("migrate: %w; nothing was written", err)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w; nothing was written (the copy is one transaction)", err)
	}
	end()

	end = m.phase("rebuilding the maintained counts on the target from the copied rows")
	if err := target.RebuildCounts(ctx); err != nil {
		return m.checkFailed(fmt.Errorf("rebuild counts: %w", err))
	}
	end()
	end = m.phase("checking the target against the source")
	if err := m.verify(ctx, svc.Catalog, snap, target); err != nil {
		return m.checkFailed(err)
	}
	end()
	fmt.Fprintf(m.e.stdout, "moved %s to %s and checked it: the same rows, counts and signed years (%s)\n",
		m.from, postgres.Redact(m.to), time.Since(m.start).Round(time.Millisecond))
	return nil
}

// notEmpty refuses a target that holds records.
func (m *migration) notEmpty(held map[string]int64) error {
	var parts []string
	for _, t := range postgres.ImportedTables() {
		if n, ok := held[t]; ok {
			parts = append(parts, fmt.Sprintf("%s %d", t, n))
		}
	}
	return fmt.Errorf("migrate: %s already holds records (%v): migrate moves a database into an empty one only, "+
		"and wrote nothing", postgres.Redact(m.to), parts)
}

// checkFailed reports a check that failed after the copy committed.
func (m *migration) checkFailed(err error) error {
	return fmt.Errorf("migrate: the rows were copied, but the check failed: %w\n"+
		"Do not use the target: drop it, create it empty again and run migrate again", err)
}

// verify compares the target with the source's snapshot and prints what it compared.
func (m *migration) verify(ctx context.Context, cat *ppks.Catalog, snap *sqlite.Snapshot, target *postgres.DB) error {
	out := m.e.stdout
	var problems []error

	// Every table's rows, and the maintained pairs.
	tables := append(postgres.ImportedTables(), "count_pairs")
	got, err := target.RowCounts(ctx, tables)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-20s %12s %12s\n", "table", "source rows", "target rows")
	for _, t := range tables {
		if !slices.Contains(snap.Tables(), t) {
			continue
		}
		want, err := snap.Count(ctx, t)
		if err != nil {
			return err
		}
		status := "same"
		if got[t] != want {
			status = "DIFFERENT"
			problems = append(problems, fmt.Errorf("%s: %d rows in the source, %d in the target", t, want, got[t]))
		}
		fmt.Fprintf(out, "%-20s %12d %12d %s\n", t, want, got[t], status)
	}

	// Every year: the target's recount of its rows equals the source's maintained counts,
	// and the target's maintained counts equal its recount.
	years, err := snap.CountYears(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-6s %-40s %-40s\n", "year", "source maintained (figure/units/unique)", "target recount")
	for _, y := range years {
		src, err := snap.DetailedCounts(ctx, y)
		if err != nil {
			return err
		}
		facts, err := target.CountFacts(ctx, y)
		if err != nil {
			return err
		}
		recount := ppks.CountsFromFacts(cat, y, facts)
		maintained, err := target.DetailedCounts(ctx, y)
		if err != nil {
			return err
		}
		status := "same"
		if !src.Equal(recount) {
			status = "DIFFERENT"
			problems = append(problems, fmt.Errorf("%d: the target's recount differs from the source's counts:\n%s", y, cmp.Diff(src, recount)))
		}
		if !maintained.Equal(recount) {
			status = "DIFFERENT"
			problems = append(problems, fmt.Errorf("%d: the target's maintained counts differ from its recount", y))
		}
		fmt.Fprintf(out, "%-6d %-40s %-40s %s\n", y, summary(cat, y, src), summary(cat, y, recount), status)
	}

	// The verification queue: what waits, per kecamatan, type and worker.
	srcQueue, err := snap.CountPending(ctx, "", "")
	if err != nil {
		return err
	}
	dstQueue, err := target.CountPending(ctx, "", "")
	if err != nil {
		return err
	}
	waiting := func(cs []ppks.PendingCount) (map[ppks.PendingCount]bool, int) {
		out, n := map[ppks.PendingCount]bool{}, 0
		for _, c := range cs {
			out[c] = true
			n += c.N
		}
		return out, n
	}
	src, srcN := waiting(srcQueue)
	dst, dstN := waiting(dstQueue)
	status := "same"
	if !maps.Equal(src, dst) {
		status = "DIFFERENT"
		problems = append(problems, fmt.Errorf("the verification queue: %d waiting in the source, %d in the target", srcN, dstN))
	}
	fmt.Fprintf(out, "waiting for verification: %d in the source, %d in the target %s\n", srcN, dstN, status)

	// Every locked year: the same snapshot bytes and hash, and the hash still its bytes'.
	rows, err := snap.Rows(ctx, "year_locks", []string{"year"})
	if err != nil {
		return err
	}
	var locked []int
	for rows.Next() {
		locked = append(locked, int(rows.Values()[0].(int64)))
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for _, y := range locked {
		want, err := snap.GetYearLock(ctx, y)
		if err != nil {
			return err
		}
		l, err := target.GetYearLock(ctx, y)
		if err != nil {
			problems = append(problems, fmt.Errorf("lock of %d: %w", y, err))
			continue
		}
		sum := sha256.Sum256(l.Snapshot)
		verifies := hex.EncodeToString(sum[:]) == l.Hash
		status := "same, verifies"
		if l.Hash != want.Hash || string(l.Snapshot) != string(want.Snapshot) || !verifies || !l.LockTime.Equal(want.LockTime) {
			status = "DIFFERENT"
			problems = append(problems, fmt.Errorf("lock of %d: hash %s in the source, %s in the target (verifies: %v)", y, want.Hash, l.Hash, verifies))
		}
		fmt.Fprintf(out, "locked %d: content hash %s %s\n", y, l.Hash, status)
	}
	return errors.Join(problems...)
}

// snapshotSource is a sqlite.Snapshot as the source of postgres.Import.
type snapshotSource struct{ *sqlite.Snapshot }

func (s snapshotSource) Rows(ctx context.Context, table string, cols []string) (postgres.SourceRows, error) {
	rows, err := s.Snapshot.Rows(ctx, table, cols)
	if err != nil {
		return nil, err
	}
	return rows, nil
}
