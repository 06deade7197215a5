package daemon_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/daemon"
	"github.com/opendinsos/ppks/internal/testkit"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// smallFileSystem mounts a tmpfs of the given size (e.g. "4m") on a new directory, so
// that a test meets a real full or read-only disk. It needs root on Linux (CI runs as
// root); elsewhere the test is skipped.
func smallFileSystem(t *testing.T, size string) string {
	t.Helper()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root on Linux")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

func remount(t *testing.T, dir, mode string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+mode, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s: %v %s", mode, err, out)
	}
}

// startApp runs the service on the database file and returns its gRPC client connection
// (as the token's user) and a function that stops it (once, however often called).
func startApp(t *testing.T, db, token string) (*grpc.ClientConn, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan daemon.Addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- daemon.Run(ctx, daemon.Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", DBPath: db, TimeZone: "Asia/Makassar",
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, func(a daemon.Addrs) { ready <- a })
	}()
	var addrs daemon.Addrs
	select {
	case addrs = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("run: %v", err)
	}
	conn, err := grpc.NewClient(addrs.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(plainBearer(token)))
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	return conn, func() {
		once.Do(func() {
			conn.Close()
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
		})
	}
}

type plainBearer string

func (b plainBearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}
func (plainBearer) RequireTransportSecurity() bool { return false }

// integrityOK checks the database file with SQLite's own integrity check and returns the
// number of people stored.
func integrityOK(t *testing.T, path string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM beneficiaries`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func newPersonRequest(i int) *ppksv1.CreateBeneficiaryRequest {
	return &ppksv1.CreateBeneficiaryRequest{
		RequestId: fmt.Sprintf("0193a000-0000-7000-8000-%012d", i),
		Beneficiary: &ppksv1.Beneficiary{FullName: fmt.Sprintf("Orang %d", i), Sex: ppksv1.Sex_SEX_FEMALE,
			KecamatanCode: "73.06.01", Address: strings.Repeat("Jl. Poros Malino ", 29)},
	}
}

// fill writes a file until the file system has no space left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			return
		}
	}
}

// On a full disk writes fail with ResourceExhausted (STORAGE_FULL), figures still read, nothing
// acknowledged is lost, the file stays sound, and writes succeed again once space
// returns, without a restart.
func TestDiskFull(t *testing.T) {
	dir := smallFileSystem(t, "4m")
	db := filepath.Join(dir, "ppks.db")
	token := testkit.Tokens(t, db, testkit.Supervisor)[0]
	conn, stop := startApp(t, db, token)
	defer stop()
	client := ppksv1.NewCaseServiceClient(conn)
	ctx := t.Context()

	acked := map[string]string{} // request id -> name
	i := 0
	create := func() (*ppksv1.CreateBeneficiaryRequest, error) {
		i++
		req := newPersonRequest(i)
		resp, err := client.CreateBeneficiary(ctx, req)
		if err == nil {
			acked[req.RequestId] = resp.GetBeneficiary().GetName()
		}
		return req, err
	}
	for range 20 {
		if _, err := create(); err != nil {
			t.Fatalf("before the disk fills: %v", err)
		}
	}
	filler := filepath.Join(dir, "filler")
	fill(t, filler)

	var failed *ppksv1.CreateBeneficiaryRequest
	for range 2000 {
		req, err := create()
		if err == nil {
			continue // the WAL still had room
		}
		st := status.Convert(err)
		if st.Code() != codes.ResourceExhausted {
			t.Fatalf("write on a full disk: %v, want ResourceExhausted", err)
		}
		var reason string
		for _, d := range st.Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok {
				reason = info.GetReason()
			}
		}
		if reason != "STORAGE_FULL" {
			t.Errorf("ErrorInfo reason %q, want STORAGE_FULL", reason)
		}
		failed = req
		break
	}
	if failed == nil {
		t.Fatal("the disk never filled")
	}
	// Figures still read; a read of a person is refused too, since it cannot be audited.
	if _, err := ppksv1.NewIndicatorServiceClient(conn).GetIndicatorYear(ctx,
		&ppksv1.GetIndicatorYearRequest{Name: "indicators/penurunan-ppks/years/2024"}); err != nil {
		t.Fatalf("indicator on a full disk: %v", err)
	}
	for _, name := range acked {
		if _, err := client.GetBeneficiary(ctx, &ppksv1.GetBeneficiaryRequest{Name: name}); status.Code(err) != codes.ResourceExhausted {
			t.Fatalf("audited read on a full disk: %v, want ResourceExhausted", err)
		}
		break
	}

	// Space returns: the refused request goes through when retried, and so do new ones.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	resp, err := client.CreateBeneficiary(ctx, failed)
	if err != nil {
		t.Fatalf("retry once space returned: %v", err)
	}
	acked[failed.RequestId] = resp.GetBeneficiary().GetName()
	if _, err := create(); err != nil {
		t.Fatalf("a new write once space returned: %v", err)
	}
	for id, name := range acked {
		if _, err := client.GetBeneficiary(ctx, &ppksv1.GetBeneficiaryRequest{Name: name}); err != nil {
			t.Errorf("acknowledged %s (%s): %v", id, name, err)
		}
	}
	stop()
	if n := integrityOK(t, db); n != len(acked) {
		t.Errorf("%d people stored, %d acknowledged", n, len(acked))
	}
}

// A database on a read-only file system stops the service at start with the cause (not a
// hang, not a service that accepts writes it cannot keep); once the file system is
// writable again the service starts on the same data. (A file system that turns read-only
// under a running service keeps its open file writable on Linux; SQLite's read-only
// errors are mapped to Unavailable for the cases where it does report them.)
func TestReadOnlyDatabase(t *testing.T) {
	dir := smallFileSystem(t, "8m")
	db := filepath.Join(dir, "ppks.db")
	token := testkit.Tokens(t, db, testkit.Supervisor)[0]
	conn, stop := startApp(t, db, token)
	if _, err := ppksv1.NewCaseServiceClient(conn).CreateBeneficiary(t.Context(), newPersonRequest(1)); err != nil {
		t.Fatal(err)
	}
	stop()

	remount(t, dir, "ro")
	err := daemon.Run(t.Context(), daemon.Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", DBPath: db, TimeZone: "Asia/Makassar",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, func(daemon.Addrs) { t.Error("served a read-only database") })
	if !errors.Is(err, syscall.EROFS) {
		t.Fatalf("start on a read-only file system: %v, want EROFS", err)
	}

	remount(t, dir, "rw")
	conn, stop = startApp(t, db, token)
	defer stop()
	if _, err := ppksv1.NewCaseServiceClient(conn).CreateBeneficiary(t.Context(), newPersonRequest(2)); err != nil {
		t.Fatalf("write once writable again: %v", err)
	}
	stop()
	if n := integrityOK(t, db); n != 2 {
		t.Errorf("%d people stored, want 2", n)
	}
}
