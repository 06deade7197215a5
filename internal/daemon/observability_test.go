package daemon_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/daemon"
	"github.com/opendinsos/ppks/internal/testkit"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// syncBuffer is a log destination the server writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log lines written so far.
func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// requestLine finds the log line of the request with id, waiting briefly: the line is
// written after the answer leaves.
func requestLine(t *testing.T, logs *syncBuffer, id string) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, l := range logs.lines(t) {
			if l["msg"] == "request" && l["request_id"] == id {
				return l
			}
		}
	}
	t.Fatalf("no log line for request %s in:\n%s", id, logs.String())
	return nil
}

// lineOf finds the log line with msg of the request with id, waiting briefly.
func lineOf(t *testing.T, logs *syncBuffer, msg, id string) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, l := range logs.lines(t) {
			if l["msg"] == msg && l["request_id"] == id {
				return l
			}
		}
	}
	t.Fatalf("no %q log line for request %s in:\n%s", msg, id, logs.String())
	return nil
}

// Every request gets an id (the client's when it sent one), returned to it and written on
// the request's one log line with its method, code and user; /metrics, served without a
// token, counts requests by method, route template and code, and never shows an id, a
// name or a NIK.
func TestRequestIDsLogsAndMetrics(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ppks.db")
	token := testkit.Tokens(t, db, testkit.Supervisor)[0]
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan daemon.Addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- daemon.Run(ctx, daemon.Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", DBPath: db, TimeZone: "Asia/Makassar",
			Logger: slog.New(slog.NewJSONHandler(logs, nil))}, func(a daemon.Addrs) { ready <- a })
	}()
	var addrs daemon.Addrs
	select {
	case addrs = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	base := "http://" + addrs.HTTP

	// The start says how long opening the database took (a rebuild after an upgrade can
	// take minutes), before it serves.
	var startLines []string
	for _, l := range logs.lines(t) {
		msg, _ := l["msg"].(string)
		startLines = append(startLines, msg)
		if msg == "database ready" && (l["took"] == nil || l["db"] != db) {
			t.Errorf("database ready line without its time or file: %v", l)
		}
	}
	if i := slices.Index(startLines, "database ready"); i < 0 || i > slices.Index(startLines, "serving") ||
		slices.Index(startLines, "opening the database") > i {
		t.Errorf("start log lines %q: want opening, ready, serving in that order", startLines)
	}

	// REST, with the client's request id: a person with a NIK and a name, then read back.
	const nik, fullName = "7306084512850001", "Siti Aminah Daeng Ngai"
	req, _ := http.NewRequest("POST", base+"/v1/beneficiaries?requestId=0193a000-0000-7000-8000-00000000e001",
		strings.NewReader(`{"nik":"`+nik+`","fullName":"`+fullName+`","sex":"SEX_FEMALE","kecamatanCode":"73.06.08","birthDate":{"year":1985,"month":12,"day":5}}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Request-Id", "client-req-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") != "client-req-1" {
		t.Fatalf("create: %d, X-Request-Id %q", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}
	if got := resp.Header.Values("X-Request-Id"); len(got) != 1 {
		t.Errorf("X-Request-Id sent %d times: %q", len(got), got)
	}
	name, _ := created["name"].(string)
	l := requestLine(t, logs, "client-req-1")
	if _, ms := l["duration_ms"].(float64); l["method"] != "/ppks.v1.CaseService/CreateBeneficiary" || l["code"] != "OK" || l["user"] != "kabid" || !ms {
		t.Errorf("log line of the create: %v", l)
	}
	// The HTTP request has its own line, with the same id, its route template and status.
	if l := lineOf(t, logs, "http request", "client-req-1"); l["method"] != "POST" || l["route"] != "POST /v1/beneficiaries" ||
		l["status"] != float64(200) || l["user"] != "kabid" || l["duration_ms"] == nil {
		t.Errorf("HTTP log line of the create: %v", l)
	}

	// REST without an id: the service makes one and returns it.
	req, _ = http.NewRequest("GET", base+"/v1/"+name, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	made := resp.Header.Get("X-Request-Id")
	if resp.StatusCode != 200 || made == "" {
		t.Fatalf("get: %d, X-Request-Id %q", resp.StatusCode, made)
	}
	if l := requestLine(t, logs, made); l["method"] != "/ppks.v1.CaseService/GetBeneficiary" {
		t.Errorf("log line of the get: %v", l)
	}

	// gRPC: the id comes back in the header metadata.
	conn, err := grpc.NewClient(addrs.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var header metadata.MD
	signedIn := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+token)
	octx := metadata.AppendToOutgoingContext(signedIn, "x-request-id", "grpc-req-1")
	if _, err := ppksv1.NewAdminServiceClient(conn).GetCurrentUser(octx, &ppksv1.GetCurrentUserRequest{}, grpc.Header(&header)); err != nil {
		t.Fatal(err)
	}
	if got := header.Get("x-request-id"); len(got) != 1 || got[0] != "grpc-req-1" {
		t.Errorf("x-request-id header: %q", got)
	}
	if l := requestLine(t, logs, "grpc-req-1"); l["code"] != "OK" || l["user"] != "kabid" {
		t.Errorf("log line of the call: %v", l)
	}
	// A call without a token is refused before it starts (its message never read):
	// gRPC then sends no header metadata, and the id is in the log line.
	octx = metadata.AppendToOutgoingContext(t.Context(), "x-request-id", "grpc-req-2")
	_, err = ppksv1.NewAdminServiceClient(conn).GetCurrentUser(octx, &ppksv1.GetCurrentUserRequest{})
	if status.Code(err) != codes.Unauthenticated {
		t.Fatalf("without a token: %v", err)
	}
	if l := requestLine(t, logs, "grpc-req-2"); l["code"] != "Unauthenticated" || l["user"] != "" || l["method"] != "/ppks.v1.AdminService/GetCurrentUser" {
		t.Errorf("log line of the refused call: %v", l)
	}
	// A malformed id is replaced, not logged as sent.
	octx = metadata.AppendToOutgoingContext(signedIn, "x-request-id", "bad id\nwith a line break")
	_, _ = ppksv1.NewAdminServiceClient(conn).GetCurrentUser(octx, &ppksv1.GetCurrentUserRequest{}, grpc.Header(&header))
	if got := header.Get("x-request-id"); len(got) != 1 || strings.ContainsAny(got[0], " \n") {
		t.Errorf("x-request-id for a malformed id: %q", got)
	}
	if strings.Contains(logs.String(), "with a line break") {
		t.Errorf("the malformed id reached the log")
	}

	// Calls refused at the edges are in the log too: a message that does not decode, an
	// unknown method (its name, chosen by the client, logged as "unknown").
	var out []byte
	octx = metadata.AppendToOutgoingContext(signedIn, "x-request-id", "grpc-req-3")
	err = conn.Invoke(octx, ppksv1.AdminService_GetCurrentUser_FullMethodName, []byte{0x0a, 0xff}, &out, grpc.ForceCodecV2(rawCodec{}))
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("an undecodable message: %v", err)
	}
	if l := requestLine(t, logs, "grpc-req-3"); l["code"] != "InvalidArgument" || l["user"] != "kabid" {
		t.Errorf("log line of the undecodable message: %v", l)
	}
	octx = metadata.AppendToOutgoingContext(signedIn, "x-request-id", "grpc-req-4")
	err = conn.Invoke(octx, "/ppks.v1.AdminService/DropAllTables", []byte{}, &out, grpc.ForceCodecV2(rawCodec{}))
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("an unknown method: %v", err)
	}
	if l := requestLine(t, logs, "grpc-req-4"); l["code"] != "Unimplemented" || l["method"] != "unknown" {
		t.Errorf("log line of the unknown method: %v", l)
	}
	// Over HTTP: a refused token, a method the path does not take.
	for _, c := range []struct {
		token, method, id string
		status            float64
	}{{"", "POST", "http-req-5", 401}, {token, "PUT", "http-req-6", 405}} {
		req, _ := http.NewRequest(c.method, base+"/v1/beneficiaries", strings.NewReader("{"))
		req.Header.Set("X-Request-Id", c.id)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if l := lineOf(t, logs, "http request", c.id); l["status"] != c.status || l["method"] != c.method {
			t.Errorf("HTTP log line of %s: %v", c.id, l)
		}
	}

	// /metrics, without a token.
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	text := string(body)
	for _, want := range []string{
		`ppks_grpc_requests_total{code="OK",method="/ppks.v1.CaseService/CreateBeneficiary"} 1`,
		`ppks_grpc_requests_total{code="Unauthenticated",method="/ppks.v1.AdminService/GetCurrentUser"}`,
		`ppks_grpc_requests_total{code="Unimplemented",method="unknown"} 1`,
		`ppks_grpc_requests_total{code="InvalidArgument",method="/ppks.v1.AdminService/GetCurrentUser"} 1`,
		`ppks_http_requests_total{code="405",route="unmatched"} 1`,
		`ppks_grpc_request_duration_seconds_bucket{code="OK",method="/ppks.v1.CaseService/GetBeneficiary"`,
		`ppks_http_requests_total{code="200",route="POST /v1/beneficiaries"} 1`,
		`ppks_http_requests_total{code="200",route="GET /v1/{name=beneficiaries/*}"} 1`,
		`ppks_store_operation_duration_seconds_count{op="create beneficiary",outcome="ok"}`,
		`ppks_store_commit_batch_size_count`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, secret := range []string{nik, fullName, strings.TrimPrefix(name, "beneficiaries/"), "kabid", "client-req-1", "grpc-req-2", token, "DropAllTables"} {
		if secret != "" && strings.Contains(text, secret) {
			t.Errorf("/metrics shows %q", secret)
		}
	}
	// Neither do the logs show the personal data of a request.
	for _, secret := range []string{nik, fullName, token} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the logs show %q", secret)
		}
	}
}

// rawCodec sends bytes as they are, as a broken client may.
type rawCodec struct{}

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(v.([]byte))}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*v.(*[]byte) = data.Materialize()
	return nil
}

func (rawCodec) Name() string { return "proto" }
