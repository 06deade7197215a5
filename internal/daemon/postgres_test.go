package daemon_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/daemon"
	"github.com/opendinsos/ppks/internal/pgtest"
	"github.com/opendinsos/ppks/internal/testkit"
)

// A PostgreSQL cluster for the tests of the service on PostgreSQL (skipped without
// PostgreSQL, unless CI).
func TestMain(m *testing.M) { pgtest.Main(m, pgtest.Options{}) }

// The service on PostgreSQL, chosen by the URL: a write through REST is stored, /metrics
// shows the pool's figures with the size asked for, the log names the database without
// its password, and /readyz is ready while the database answers and not once it is gone.
func TestRunOnPostgres(t *testing.T) {
	cluster := pgtest.Require(t)
	dsn := cluster.NewDatabase(t, "")
	withPassword := strings.Replace(dsn, "postgres@", "postgres:s3cret@", 1) // trust auth ignores it
	token := testkit.Tokens(t, withPassword, testkit.Supervisor)[0]

	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan daemon.Addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- daemon.Run(ctx, daemon.Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", DBPath: withPassword,
			DBMaxConns: 5, TimeZone: "Asia/Makassar", Logger: slog.New(slog.NewJSONHandler(logs, nil))},
			func(a daemon.Addrs) { ready <- a })
	}()
	var addrs daemon.Addrs
	select {
	case addrs = <-ready:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the service did not start")
	}
	dropped := false
	defer func() {
		cancel()
		if err := <-done; err != nil && !dropped { // closing folds the counts: not without the database
			t.Errorf("Run: %v", err)
		}
	}()
	call := func(method, path, body string) (int, string) {
		req, err := http.NewRequest(method, "http://"+addrs.HTTP+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := call("POST", "/v1/beneficiaries?requestId=0193f000-0000-7000-8000-00000000a001",
		`{"fullName":"Siti","sex":"SEX_FEMALE","kecamatanCode":"73.06.08","birthDate":{"year":1950}}`)
	if code != http.StatusOK || !strings.Contains(body, `"name":"beneficiaries/`) {
		t.Fatalf("create: %d %s", code, body)
	}
	code, metrics := call("GET", "/metrics", "")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{"ppks_db_pool_max_connections 5", "ppks_db_pool_acquires_total", "ppks_db_pool_idle_connections",
		`ppks_db_write_retries_total{cause="serialization_failure"}`, `ppks_store_operation_duration_seconds_count{op="create beneficiary",outcome="ok"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Errorf("the log shows the database password:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "postgres://postgres@/") {
		t.Errorf("the log does not name the database:\n%s", logs.String())
	}

	if code, body := call("GET", "/readyz", ""); code != http.StatusOK {
		t.Errorf("/readyz with the database up: %d %s", code, body)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := cluster.Admin(t.Context(), `DROP DATABASE "`+strings.TrimPrefix(u.Path, "/")+`" WITH (FORCE)`); err != nil {
		t.Fatal(err)
	}
	dropped = true
	if code, body := call("GET", "/readyz", ""); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database gone: %d %s, want 503", code, body)
	}
	if code, _ := call("GET", "/healthz", ""); code != http.StatusOK {
		t.Errorf("/healthz with the database gone: %d, want 200 (the process still serves)", code)
	}
}
