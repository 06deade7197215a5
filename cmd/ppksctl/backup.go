package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// backup copies the database at db to the new file out (sqlite.Backup: VACUUM INTO, safe
// beside a running service).
func backup(ctx context.Context, db, out string, stdout io.Writer) error {
	if out == "" {
		return errors.New("backup: --out is required")
	}
	if err := sqlite.Backup(ctx, db, out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", db, out)
	return nil
}
