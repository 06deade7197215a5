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
	"time"

	"github.com/opendinsos/ppks/internal/app"
	"github.com/opendinsos/ppks/internal/ppks"
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
  bootstrap-admin --username U --display-name N
                  create the first administrator on a database that has none, and print
                  their token (shown once)
  create-user     --username U --display-name N --role WORKER|SUPERVISOR|PLANNER|ADMIN
                  [--kecamatan 73.06.08,73.06.01]
  create-token    --username U [--description D] [--ttl 720h]   print a new token (shown once)
  revoke-token    --username U --token-id ID
  set-password    --username U   set the user's password for the web application's sign-in,
                  read from standard input (one line; at least 10 characters); every web
                  session of the user ends
  load-scenario   load the 2024 reference scenario (Dinas Sosial Kabupaten Gowa)
  backup          --out FILE   write a consistent copy of the database to a new FILE, also
                  while the service runs (restore: stop the service, put FILE in place of --db)
  recount         [--repair]   recount the indicator from the raw rows and compare it, year by
                  year, with the counts the store maintains; fails on any difference, and
                  --repair then rebuilds the maintained counts

common flags: --db (env PPKS_DB, default data/ppks.db), --reference-dir, --timezone
`

// command is what a subcommand does once the database and service are open.
type command func(ctx context.Context, svc *ppks.Service, stdout io.Writer) error

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	name, args := args[0], args[1:]
	if name == "help" || name == "-h" || name == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	fs := flag.NewFlagSet("ppksctl "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", envOr(getenv, "PPKS_DB", "data/ppks.db"), "SQLite database file (env PPKS_DB)")
	refDir := fs.String("reference-dir", getenv("PPKS_REFERENCE_DIR"), "directory whose CSV files replace the embedded reference data")
	tz := fs.String("timezone", envOr(getenv, "PPKS_TIMEZONE", "Asia/Makassar"), "the office's time zone")
	username := fs.String("username", "", "username")
	display := fs.String("display-name", "", "the user's full name")
	role := fs.String("role", "", "WORKER, SUPERVISOR, PLANNER or ADMIN")
	kec := fs.String("kecamatan", "", "comma-separated kecamatan codes a worker serves")
	desc := fs.String("description", "", "what the token is for")
	ttl := fs.Duration("ttl", 0, "token lifetime (e.g. 720h); none when zero")
	tokenID := fs.String("token-id", "", "id of the token to revoke")
	out := fs.String("out", "", "file the backup is written to (must not exist)")
	repair := fs.Bool("repair", false, "recount: rebuild the maintained counts after reporting a difference")

	var cmd command
	switch name {
	case "bootstrap-admin":
		cmd = func(ctx context.Context, svc *ppks.Service, out io.Writer) error {
			u, secret, err := svc.BootstrapAdmin(ctx, *username, *display)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "created administrator %s\ntoken (shown once, keep it safe): %s\n", u.Name(), secret)
			return nil
		}
	case "create-user":
		cmd = func(ctx context.Context, svc *ppks.Service, out io.Writer) error {
			r, err := parseRole(*role)
			if err != nil {
				return err
			}
			var codes []string
			if *kec != "" {
				codes = strings.Split(*kec, ",")
			}
			u, err := svc.CreateUser(ctx, ppks.RequestKey{}, ppks.User{Username: *username, DisplayName: *display, Role: r, Kecamatan: codes})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "created %s (%s)\n", u.Name(), u.Role)
			return nil
		}
	case "create-token":
		cmd = func(ctx context.Context, svc *ppks.Service, out io.Writer) error {
			var expire time.Time
			if *ttl > 0 {
				expire = svc.Now().Add(*ttl)
			}
			t, secret, err := svc.CreateToken(ctx, ppks.RequestKey{}, *username, *desc, expire)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "created %s\ntoken (shown once, keep it safe): %s\n", t.Name(), secret)
			return nil
		}
	case "revoke-token":
		cmd = func(ctx context.Context, svc *ppks.Service, out io.Writer) error {
			t, err := svc.RevokeToken(ctx, ppks.RequestKey{}, *username, *tokenID)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "revoked %s\n", t.Name())
			return nil
		}
	case "set-password":
		cmd = func(ctx context.Context, svc *ppks.Service, out io.Writer) error {
			password, err := readPassword(stdin)
			if err != nil {
				return err
			}
			if err := svc.SetPassword(ctx, ppks.RequestKey{}, *username, password); err != nil {
				return err
			}
			fmt.Fprintf(out, "set the password of users/%s; their web sessions have ended\n", *username)
			return nil
		}
	case "backup": // works on the file itself, below: it must not open (and migrate) it
	case "recount":
		cmd = func(ctx context.Context, svc *ppks.Service, out io.Writer) error {
			return recount(*repair)(ctx, svc, out)
		}
	case "load-scenario":
		cmd = func(ctx context.Context, svc *ppks.Service, out io.Writer) error {
			sum, err := scenario.Load(ctx, svc)
			if err != nil {
				return fmt.Errorf("load scenario: %w", err)
			}
			fmt.Fprintf(out, "loaded the %d scenario into %s: %d people, %d cases, %d interventions (%d voided)\n",
				scenario.Year, *dbPath, sum.Beneficiaries, sum.Cases, sum.Interventions, sum.Voided)
			return nil
		}
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", name)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if name == "backup" {
		return backup(ctx, *dbPath, *out, stdout)
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
	// The CLI acts as the service itself: whoever can run it can read the database file.
	return cmd(ppks.WithPrincipal(ctx, ppks.SystemPrincipal), svc, stdout)
}

func parseRole(s string) (ppks.Role, error) {
	for _, r := range []ppks.Role{ppks.RoleWorker, ppks.RoleSupervisor, ppks.RolePlanner, ppks.RoleAdmin} {
		if strings.EqualFold(s, r.String()) {
			return r, nil
		}
	}
	return 0, fmt.Errorf("unknown role %q: WORKER, SUPERVISOR, PLANNER or ADMIN", s)
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}
