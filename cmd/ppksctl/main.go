// Command ppksctl administers a PPKS database directly, without a running server. Run it
// on the server machine, as the user the service runs as.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode is 0 for success and for help asked for, 2 for a command line that is wrong
// (the usage was printed), 1 for a command that failed.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "ppksctl:", err)
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// usageError is a command line ppksctl does not accept.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// command is a subcommand: its own flags and what it does with them.
type command struct {
	name    string
	args    string // its flags in short, for the list of commands
	summary string
	// file: the command works on the database file itself (backup), not through the
	// domain service, so it takes neither --reference-dir nor --timezone.
	file bool
	// define defines the command's flags on fs and returns its action, which reads them
	// once they are parsed.
	define func(fs *flag.FlagSet) action
}

// action is what a command does, once its flags are parsed and, unless it works on the
// file, the service is open.
type action func(ctx context.Context, e *env) error

// env is what an action works with.
type env struct {
	db             string
	getenv         func(string) string
	svc            *ppks.Service // nil for a command on the file
	stdout, stderr io.Writer
}

// commands are ppksctl's subcommands, in the order help lists them.
var commands = []command{
	{name: "bootstrap-admin", args: "--username U --display-name N", define: bootstrapAdmin,
		summary: "create the first administrator on a database that has none; print their token (shown once)"},
	{name: "create-user", args: "--username U --display-name N --role R [--kecamatan K,...]", define: createUser,
		summary: "add a user: WORKER (of the kecamatan given), SUPERVISOR, PLANNER or ADMIN"},
	{name: "create-token", args: "--username U [--description D] [--ttl 720h]", define: createToken,
		summary: "print a new token of the user (shown once)"},
	{name: "revoke-token", args: "--username U --token-id ID | --token-id users/U/tokens/ID", define: revokeToken,
		summary: "revoke a token; a running server stops taking it within 30 seconds"},
	{name: "set-password", args: "--username U  (the password on standard input)", define: setPassword,
		summary: "set the user's password for the web application's sign-in; every web session of the user ends"},
	{name: "load-scenario", define: loadScenario,
		summary: "load the 2024 reference scenario (Dinas Sosial Kabupaten Gowa); a second load writes nothing"},
	{name: "backup", args: "--out FILE", file: true, define: backupCommand,
		summary: "write a consistent copy of the database to a new FILE, also while the service runs"},
	{name: "recount", args: "[--repair]", define: recountCommand,
		summary: "compare the maintained counts with a recount of the raw rows; --repair rebuilds them"},
	{name: "migrate", args: "--from FILE --to postgres://...", file: true, define: migrateCommand,
		summary: "move a SQLite database into an empty PostgreSQL one, then check the move (rows, counts, signed years)"},
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: ppksctl <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %s\n      %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	}
	fmt.Fprintln(w, "\n`ppksctl help COMMAND` or `ppksctl COMMAND -h` lists a command's flags. Every command")
	fmt.Fprintln(w, "takes --db (env PPKS_DB, default data/ppks.db): a SQLite file or a PostgreSQL URL.")
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stderr)
		return usageError{errors.New("no command")}
	}
	name, args := args[0], args[1:]
	if name == "help" || name == "-h" || name == "--help" {
		if len(args) == 0 {
			printUsage(stdout)
			return nil
		}
		// help COMMAND: the command's own usage, as COMMAND -h prints it.
		name, args = args[0], []string{"-h"}
	}
	cmd := lookup(name)
	if cmd == nil {
		printUsage(stderr)
		return usageError{fmt.Errorf("unknown command %q", name)}
	}
	fs := flag.NewFlagSet("ppksctl "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once, by main; usage below
	e := &env{stdout: stdout, stderr: stderr, getenv: getenv}
	fs.StringVar(&e.db, "db", envOr(getenv, "PPKS_DB", "data/ppks.db"), "SQLite database file, or a PostgreSQL URL postgres://... (env PPKS_DB)")
	var refDir, tz *string
	if !cmd.file {
		refDir = fs.String("reference-dir", getenv("PPKS_REFERENCE_DIR"), "directory whose CSV files replace the embedded reference data (env PPKS_REFERENCE_DIR)")
		tz = fs.String("timezone", envOr(getenv, "PPKS_TIMEZONE", "Asia/Makassar"), "the office's time zone (env PPKS_TIMEZONE)")
	}
	act := cmd.define(fs)
	commandUsage := func(w io.Writer) {
		fmt.Fprintf(w, "usage: ppksctl %s %s\n\n%s\n\nflags:\n", cmd.name, cmd.args, cmd.summary)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			commandUsage(stdout)
			return err
		}
		commandUsage(stderr)
		return usageError{fmt.Errorf("%s: %w", cmd.name, err)}
	}
	if fs.NArg() > 0 {
		commandUsage(stderr)
		return usageError{fmt.Errorf("%s: unexpected argument %q", cmd.name, fs.Arg(0))}
	}
	if cmd.file {
		return act(ctx, e)
	}
	store, err := compose.OpenStore(ctx, compose.DBConfig{DB: e.db}, nil, nil)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer store.Close()
	if e.svc, err = compose.NewService(store, *refDir, *tz); err != nil {
		return err
	}
	// The CLI acts as the service itself: whoever can run it can read the database file.
	return act(ppks.WithPrincipal(ctx, ppks.SystemPrincipal), e)
}

// dbName names the database in messages: a PostgreSQL URL without its password.
func (e *env) dbName() string { return compose.DBConfig{DB: e.db}.String() }

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}
