package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/opendinsos/ppks/internal/store/sqlite"
)

func backupCommand(fs *flag.FlagSet) action {
	out := fs.String("out", "", "the new file the copy is written to; it must not exist (required)")
	return func(ctx context.Context, e *env) error {
		return backup(ctx, e.db, *out, e.stdout)
	}
}

// backup copies the database at db to the new file out (sqlite.Backup: VACUUM INTO, safe
// beside a running service).
func backup(ctx context.Context, db, out string, stdout io.Writer) error {
	if out == "" {
		return usageError{errors.New("backup: --out is required")}
	}
	if err := sqlite.Backup(ctx, db, out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", db, out)
	return nil
}
