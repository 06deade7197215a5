package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database file src to the new file dst with
// VACUUM INTO. It reads one snapshot, so it runs beside a live service without stopping
// it: in WAL mode a reader blocks no writer, and writes committed after the snapshot
// began are simply not in the copy. The copy is compacted, needs no -wal file, and is
// created readable by its owner only, as the database is (it holds the same personal
// data). dst must not exist: a backup never overwrites.
func Backup(ctx context.Context, src, dst string) (err error) {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("backup: source: %w", err) // never create an empty source
	}
	absDst, err := filepath.Abs(dst)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// VACUUM INTO accepts an empty existing file and keeps its permissions.
	f, err := os.OpenFile(absDst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: create %s: %w", dst, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: create %s: %w", dst, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(absDst) // no half-written backup left to be mistaken for one
		}
	}()
	abs, err := filepath.Abs(src)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// Not the readers' DSN: query_only refuses VACUUM INTO, which writes (another file).
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: abs}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", src, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, absDst); err != nil {
		return fmt.Errorf("backup: VACUUM INTO: %w", err)
	}
	// VACUUM INTO does not sync its output: a backup reported done must be on disk.
	if err := syncFile(absDst); err != nil {
		return fmt.Errorf("backup: sync %s: %w", dst, err)
	}
	return nil
}

// syncFile syncs the file at path and its directory (where its name lives).
func syncFile(path string) error {
	for _, p := range []string{path, filepath.Dir(path)} {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		if err := errors.Join(f.Sync(), f.Close()); err != nil {
			return err
		}
	}
	return nil
}
