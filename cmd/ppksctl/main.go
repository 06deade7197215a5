// Command ppksctl administers a PPKS database directly, without a running server:
//
//	ppksctl load-scenario [--db data/ppks.db]   load the 2024 Gowa reference scenario
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/opendinsos/ppks/internal/app"
	"github.com/opendinsos/ppks/internal/scenario"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ppksctl:", err)
		os.Exit(1)
	}
}

const usage = `usage: ppksctl <command> [flags]

commands:
  load-scenario   load the 2024 reference scenario (Dinas Sosial Kabupaten Gowa)
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("ppksctl "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", envOr(getenv, "PPKS_DB", "data/ppks.db"), "SQLite database file (env PPKS_DB)")
	refDir := fs.String("reference-dir", getenv("PPKS_REFERENCE_DIR"), "directory whose CSV files replace the embedded reference data")
	tz := fs.String("timezone", envOr(getenv, "PPKS_TIMEZONE", "Asia/Makassar"), "the office's time zone")
	switch cmd {
	case "load-scenario":
		if err := fs.Parse(args); err != nil {
			return err
		}
		store, err := sqlite.Open(ctx, *dbPath)
		if err != nil {
			return fmt.Errorf("open database: %w", err)
		}
		defer store.Close()
		svc, err := app.NewService(store, *refDir, *tz)
		if err != nil {
			return err
		}
		sum, err := scenario.Load(ctx, svc)
		if err != nil {
			return fmt.Errorf("load scenario: %w", err)
		}
		fmt.Fprintf(stdout, "loaded the %d scenario into %s: %d people, %d cases, %d interventions (%d voided)\n",
			scenario.Year, *dbPath, sum.Beneficiaries, sum.Cases, sum.Interventions, sum.Voided)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}
