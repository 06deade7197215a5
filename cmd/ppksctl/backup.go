package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/opendinsos/ppks/internal/store/postgres"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// backupTick is how often backup reports how much of the copy is written.
var backupTick = 2 * time.Second

func backupCommand(fs *flag.FlagSet) action {
	out := fs.String("out", "", "the new file the copy is written to; it must not exist (required)")
	return func(ctx context.Context, e *env) error {
		return backup(ctx, e.db, *out, e.stdout, e.stderr)
	}
}

// backup copies the database at db to the new file out (sqlite.Backup: VACUUM INTO, safe
// beside a running service), telling on stderr how far the copy has come while it runs.
func backup(ctx context.Context, db, out string, stdout, stderr io.Writer) error {
	if out == "" {
		return usageError{errors.New("backup: --out is required")}
	}
	if postgres.IsDSN(db) {
		return usageError{errors.New("backup copies a SQLite database file; back PostgreSQL up with its own tools " +
			"(pg_dump, or base backups with WAL archiving: see README)")}
	}
	start := time.Now()
	size := fileSize(db) + fileSize(db+"-wal")
	fmt.Fprintf(stderr, "backing up %s (%s with its write-ahead log) to %s\n", db, mib(size), out)
	done := make(chan struct{})
	reported := make(chan struct{})
	go func() { // VACUUM INTO writes the copy in place: its size is the progress
		defer close(reported)
		tick := time.NewTicker(backupTick)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				fmt.Fprintf(stderr, "  %s written (%s)\n", mib(fileSize(out)), time.Since(start).Round(time.Second))
			}
		}
	}()
	err := sqlite.Backup(ctx, db, out)
	close(done)
	<-reported
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%s in %s)\n", db, out, mib(fileSize(out)), time.Since(start).Round(time.Millisecond))
	return nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
