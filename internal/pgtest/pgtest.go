// Package pgtest runs a throwaway PostgreSQL cluster for the tests of one test binary:
// Main starts it from the binaries on the machine (Debian's postgresql-15 by default)
// before the tests and stops it after them; each test takes a new database of its own.
//
// PostgreSQL refuses to run as root: run as root, the cluster runs as the unprivileged
// user postgres (Debian's package creates it; nobody otherwise), owning its data
// directory. It listens on a Unix socket in its own temporary directory only
// (listen_addresses is empty), so tests on one machine never meet each other's clusters.
//
// Without PostgreSQL the tests that need it skip, naming what is missing; with CI=true
// in the environment they fail instead, so that CI cannot pass without running them.
package pgtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options change the cluster Main starts.
type Options struct {
	// Durable keeps fsync and synchronous commits on, as in production: for benchmarks.
	// Tests run without them (a killed ppksd, not a killed PostgreSQL, is what they test),
	// which makes creating databases and committing several times faster.
	Durable bool
	// Settings are extra server settings (name -> value), e.g. max_connections.
	Settings map[string]string
}

// Cluster is a running PostgreSQL cluster.
type Cluster struct {
	dir    string // the cluster's temporary directory: data/, the socket, the log
	bin    string // the directory of initdb and postgres
	cred   *syscall.Credential
	cmd    *exec.Cmd
	exited chan struct{}

	mu        sync.Mutex
	templates map[string]error // template databases made, and how
	n         atomic.Int64     // databases created
}

var (
	shared  *Cluster
	missing error // why there is no cluster
)

// Main runs the tests of a package with a cluster: call it from TestMain. It starts the
// cluster when PostgreSQL is found (the tests that need it skip or, under CI=true, fail
// when not), runs the tests and stops the cluster.
func Main(m *testing.M, opts Options) {
	// Benchmarks measure durable commits, as in production, whatever opts say.
	flag.Parse()
	if b := flag.Lookup("test.bench"); b != nil && b.Value.String() != "" {
		opts.Durable = true
	}
	os.Exit(run(m, opts))
}

func run(m *testing.M, opts Options) int {
	c, err := Start(opts)
	if err != nil {
		missing = err
		fmt.Fprintf(os.Stderr, "pgtest: PostgreSQL TESTS SKIPPED: %v\n", err)
	} else {
		shared = c
		defer c.Stop()
	}
	return m.Run()
}

// Require returns the cluster of the test binary. Without one, it skips t with the
// reason, or fails it when CI=true: CI must run these tests.
func Require(t testing.TB) *Cluster {
	t.Helper()
	if shared != nil {
		return shared
	}
	why := missing
	if why == nil {
		why = errors.New("the test binary did not start a cluster (TestMain must call pgtest.Main)")
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("PostgreSQL is required under CI=true: %v", why)
	}
	t.Skipf("SKIPPED: needs PostgreSQL (apt-get install postgresql-15, or PPKS_PG_BIN=<dir of initdb and postgres>): %v", why)
	return nil
}

// binDir finds initdb and postgres: PPKS_PG_BIN, else Debian's newest
// /usr/lib/postgresql/N/bin, else the PATH.
func binDir() (string, error) {
	has := func(dir string) bool {
		for _, b := range []string{"initdb", "postgres"} {
			if st, err := os.Stat(filepath.Join(dir, b)); err != nil || st.IsDir() {
				return false
			}
		}
		return true
	}
	if d := os.Getenv("PPKS_PG_BIN"); d != "" {
		if !has(d) {
			return "", fmt.Errorf("PPKS_PG_BIN=%s holds no initdb and postgres", d)
		}
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil && has(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no initdb and postgres under /usr/lib/postgresql/*/bin or on the PATH")
}

// version reads N of /usr/lib/postgresql/N/bin.
func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// credential returns who the cluster runs as: nil (this process's user) unless this
// process is root, which PostgreSQL refuses.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 == nil && err2 == nil && uid != 0 {
			return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
		}
	}
	return nil, errors.New("running as root, and neither user postgres nor nobody exists to run PostgreSQL as")
}

// Start initialises a new cluster in a temporary directory and starts it.
func Start(opts Options) (_ *Cluster, err error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	// Short: a Unix socket's path is limited to about 100 bytes.
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin, cred: cred, templates: map[string]error{}, exited: make(chan struct{})}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	// ICU's en-US collation, not C: text ordered by the database's collation would then
	// differ from Go's byte order, which is what the store's COLLATE "C" keys must prevent.
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", c.data(), "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US", "--no-sync")
	if out, err := c.command(initdb).CombinedOutput(); err != nil {
		// An older server without ICU providers: the C locale, ordering as Go does.
		initdb = exec.Command(filepath.Join(bin, "initdb"), "-D", c.data(), "-U", "postgres", "--auth=trust",
			"--encoding=UTF8", "--locale=C", "--no-sync")
		_ = os.RemoveAll(c.data())
		if out2, err2 := c.command(initdb).CombinedOutput(); err2 != nil {
			return nil, fmt.Errorf("initdb: %v\n%s\n%s", err, out, out2)
		}
	}
	settings := map[string]string{
		"listen_addresses":        "",
		"unix_socket_directories": dir,
		"max_connections":         "300",
		"shared_buffers":          "64MB",
		// Every Write is SERIALIZABLE: room for the predicate locks of large ones (a lock
		// reads whole tables) before they are coarsened to relation locks.
		"max_pred_locks_per_transaction": "256",
		"log_min_messages":               "warning",
		"logging_collector":              "off",
	}
	if !opts.Durable {
		settings["fsync"] = "off"
		settings["synchronous_commit"] = "off"
		settings["full_page_writes"] = "off"
	}
	for k, v := range opts.Settings {
		settings[k] = v
	}
	args := []string{"-D", c.data()}
	for k, v := range settings {
		args = append(args, "-c", k+"="+v)
	}
	log, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return nil, err
	}
	defer log.Close()
	if cred != nil {
		_ = log.Chown(int(cred.Uid), int(cred.Gid))
	}
	c.cmd = c.command(exec.Command(filepath.Join(bin, "postgres"), args...))
	c.cmd.Stdout, c.cmd.Stderr = log, log
	// The server goes when the test binary goes, however it ends (a timeout's panic
	// skips Stop): no cluster outlives its tests.
	c.cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	go func() { _ = c.cmd.Wait(); close(c.exited) }()
	if err := c.waitReady(30 * time.Second); err != nil {
		buf, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
		return nil, fmt.Errorf("%w\n%s", err, buf)
	}
	return c, nil
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

// command runs cmd as the cluster's user.
func (c *Cluster) command(cmd *exec.Cmd) *exec.Cmd {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	return cmd
}

func (c *Cluster) waitReady(within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, c.DSN("postgres"))
		if err == nil {
			err = conn.Ping(ctx)
			conn.Close(ctx)
		}
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-c.exited:
			return errors.New("postgres exited at start")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not ready after %s: %w", within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop shuts the cluster down (fast: open sessions are ended) and removes its files.
func (c *Cluster) Stop() {
	if c.cmd != nil && c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.exited:
		case <-time.After(20 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
	}
	_ = os.RemoveAll(c.dir)
}

// Dir is the cluster's socket directory, its host in a DSN.
func (c *Cluster) Dir() string { return c.dir }

// DSN returns the connection string of a database of the cluster, in URL form (as
// ppksd's --db takes it).
func (c *Cluster) DSN(db string) string {
	return "postgres://postgres@/" + db + "?host=" + c.dir + "&sslmode=disable"
}

// Admin runs statements on the cluster's maintenance database (as its superuser): for a
// test that takes a database away.
func (c *Cluster) Admin(ctx context.Context, stmts ...string) error { return c.admin(ctx, stmts...) }

// admin runs statements on the maintenance database.
func (c *Cluster) admin(ctx context.Context, stmts ...string) error {
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// Template makes, once per name, a database set up by setup (given its DSN), to copy
// new databases from (NewDatabase): copying a migrated schema takes milliseconds, running
// the migrations again takes far longer. Later calls return the first call's outcome.
func (c *Cluster) Template(name string, setup func(dsn string) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err, done := c.templates[name]; done {
		return err
	}
	err := c.admin(context.Background(), "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	if err == nil {
		err = setup(c.DSN(name))
	}
	if err == nil {
		// No session may stay connected to a template while it is copied.
		err = c.admin(context.Background(), "ALTER DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
	}
	c.templates[name] = err
	return err
}

// NewDatabase creates a new database, a copy of template ("" for an empty one), and
// drops it when t ends. It returns the database's DSN.
func (c *Cluster) NewDatabase(t testing.TB, template string) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%s", c.n.Add(1), sanitize(t.Name()))
	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		stmt += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	c.mu.Lock() // a template is copied by one CREATE DATABASE at a time
	err := c.admin(context.Background(), stmt)
	c.mu.Unlock()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := c.admin(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return c.DSN(name)
}

// sanitize turns a test name into a short identifier part.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}
