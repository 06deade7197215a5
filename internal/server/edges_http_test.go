package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// httpAnswer is an HTTP answer as a client sees it.
type httpAnswer struct {
	code   int
	header http.Header
	body   map[string]any
}

// send sends an HTTP request with a body (a string, or a reader of unknown length,
// which goes chunked) and a token ("" for none).
func (e *env) send(token, method, path string, body io.Reader) httpAnswer {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, method, e.url+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := httpAnswer{code: resp.StatusCode, header: resp.Header, body: map[string]any{}}
	if len(raw) > 0 && json.Unmarshal(raw, &a.body) != nil {
		e.t.Fatalf("%s %s: HTTP %d, not JSON: %.200s", method, path, resp.StatusCode, raw)
	}
	return a
}

// errorShape returns the ErrorInfo reason and the id-ID LocalizedMessage of an error
// body, failing the test when either is missing: every error a client reads, the
// gateway's own included, has the service's shape.
func errorShape(t *testing.T, a httpAnswer) (reason string) {
	t.Helper()
	details, _ := a.body["details"].([]any)
	var localized string
	for _, d := range details {
		m, _ := d.(map[string]any)
		switch m["@type"] {
		case "type.googleapis.com/google.rpc.ErrorInfo":
			reason, _ = m["reason"].(string)
		case "type.googleapis.com/google.rpc.LocalizedMessage":
			if m["locale"] == "id-ID" {
				localized, _ = m["message"].(string)
			}
		}
	}
	if reason == "" || localized == "" || a.body["code"] == nil || a.body["message"] == nil {
		t.Errorf("HTTP %d: error without the service's shape (code, message, ErrorInfo, id-ID LocalizedMessage): %v", a.code, a.body)
	}
	return reason
}

// Authentication comes first, then the body limit, then the gateway's own checks, each
// answered with the right status in the service's error shape.
func TestHTTPEdges(t *testing.T) {
	e := newEnv(t)
	kabid := e.users["kabid"].token

	// Without a valid token, 401 whatever the request: a malformed body, an unknown
	// route, a body over the limit (never read).
	for _, c := range []struct {
		token, method, path string
		body                io.Reader
	}{
		{"", "POST", "/v1/beneficiaries?requestId=x", strings.NewReader(`{"fullName": `)},
		{"ppks_unknown", "POST", "/v1/beneficiaries", strings.NewReader(`not json`)},
		{"", "GET", "/v1/nothing/here", nil},
		{"", "PUT", "/v1/beneficiaries", nil},
	} {
		a := e.send(c.token, c.method, c.path, c.body)
		if a.code != 401 || !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s %s without a valid token: HTTP %d, WWW-Authenticate %q; want 401, Bearer", c.method, c.path, a.code, a.header.Get("WWW-Authenticate"))
		}
		errorShape(t, a)
	}

	// A 50 MB body announced and never sent: answered at once, so it was never read.
	for _, framing := range []string{"Content-Length: 52428800", "Transfer-Encoding: chunked"} {
		if code := announceBody(t, e.url, framing); code != 401 {
			t.Errorf("a body announced with %s and never sent, without a token: HTTP %d, want 401", framing, code)
		}
	}

	// Signed in: the gateway's own errors in the service's shape.
	for _, c := range []struct {
		method, path, body string
		code               int
		reason             string
	}{
		{"POST", "/v1/beneficiaries?requestId=0193a000-0000-7000-8000-0000000000e1", `{"fullName": `, 400, "MALFORMED_REQUEST"},
		{"POST", "/v1/beneficiaries?requestId=0193a000-0000-7000-8000-0000000000e2", `{"fullNama": "Siti"}`, 400, "MALFORMED_REQUEST"},
		{"GET", "/v1/beneficiaries?pageSize=banyak", "", 400, "MALFORMED_REQUEST"},
		{"GET", "/v1/nothing/here", "", 404, "UNKNOWN_ROUTE"},
		{"PUT", "/v1/beneficiaries", `{}`, 405, "METHOD_NOT_ALLOWED"},
		{"DELETE", "/v1/beneficiaries", "", 405, "METHOD_NOT_ALLOWED"},
		{"DELETE", "/v1/beneficiaries/-/cases/-/interventions", "", 405, "METHOD_NOT_ALLOWED"},
	} {
		a := e.send(kabid, c.method, c.path, strings.NewReader(c.body))
		if a.code != c.code {
			t.Errorf("%s %s: HTTP %d, want %d: %v", c.method, c.path, a.code, c.code, a.body)
		}
		if got := errorShape(t, a); got != c.reason {
			t.Errorf("%s %s: reason %q, want %q", c.method, c.path, got, c.reason)
		}
	}
	// 405 says what the path takes.
	if a := e.send(kabid, "PUT", "/v1/beneficiaries", nil); a.header.Get("Allow") != "GET, POST" {
		t.Errorf("Allow of /v1/beneficiaries: %q, want GET, POST", a.header.Get("Allow"))
	}
	if a := e.send(kabid, "POST", "/v1/indicators/penurunan-ppks/targets/2024", nil); a.header.Get("Allow") != "GET, PATCH" {
		t.Errorf("Allow of a target: %q, want GET, PATCH", a.header.Get("Allow"))
	}

	// A body over the limit: 413, announced (never read) or found out while read
	// (chunked), and never as throttling.
	big := `{"fullName": "` + strings.Repeat("a", 5<<20) + `"}`
	for _, body := range []io.Reader{strings.NewReader(big), io.MultiReader(strings.NewReader(big))} {
		a := e.send(kabid, "POST", "/v1/beneficiaries?requestId=0193a000-0000-7000-8000-0000000000e3", body)
		if a.code != 413 || a.header.Get("Retry-After") != "" {
			t.Errorf("a 5 MiB body: HTTP %d, Retry-After %q; want 413 and none", a.code, a.header.Get("Retry-After"))
		}
		if got := errorShape(t, a); got != "REQUEST_TOO_LARGE" {
			t.Errorf("a 5 MiB body: reason %q", got)
		}
	}
	for _, body := range []io.Reader{strings.NewReader(`{"address": "` + strings.Repeat("a", 5<<20) + `", "etag": "x"}`)} {
		p := e.person(ownKec, "")
		if a := e.send(kabid, "PATCH", "/v1/"+p.GetName(), io.MultiReader(body)); a.code != 413 {
			t.Errorf("a 5 MiB PATCH body: HTTP %d, want 413", a.code)
		}
	}

	// The largest batch a client sends still fits: 500 interventions, every note and
	// unit at its limit.
	c := e.openCase(e.person(ownKec, "").GetName(), "LANSIA_TELANTAR")
	batch := &ppksv1.BatchSyncRequest{}
	for i := range 500 {
		batch.Items = append(batch.Items, &ppksv1.SyncItem{Request: &ppksv1.SyncItem_CreateIntervention{CreateIntervention: &ppksv1.CreateInterventionRequest{
			Parent: c.GetName(), RequestId: e.newUUID(), InterventionId: e.newUUID(),
			Intervention: &ppksv1.Intervention{InterventionType: "PERMAKANAN", DeliveredOn: day(2024, 1+i%12, 1+i%28), Quantity: 30,
				Unit: strings.Repeat("u", 50), Notes: strings.Repeat("Catatan lapangan. ", 120)[:2000]}}}})
	}
	raw, err := protojson.Marshal(batch)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a BatchSync of %d items at the field limits: %d bytes of JSON (limit %d)", len(batch.GetItems()), len(raw), 4<<20)
	a := e.send(kabid, "POST", "/v1/beneficiaries:batchSync", bytes.NewReader(raw))
	results, _ := a.body["results"].([]any)
	if a.code != 200 || len(results) != 500 {
		t.Fatalf("the largest batch: HTTP %d, %d results: %.300v", a.code, len(results), a.body)
	}
	for i, r := range results {
		if st := r.(map[string]any)["status"]; st != "SYNC_STATUS_CREATED" {
			t.Fatalf("item %d: %v", i, r)
		}
	}

	// Health and readiness need no token and say nothing of people.
	for _, path := range []string{"/healthz", "/readyz"} {
		if a := e.send("", "GET", path, nil); a.code != 200 || a.body["status"] != "SERVING" {
			t.Errorf("%s: HTTP %d %v", path, a.code, a.body)
		}
	}
	e.srv.ShuttingDown()
	a = e.send("", "GET", "/readyz", nil)
	if a.code != 503 || errorShape(t, a) != "SHUTTING_DOWN" {
		t.Errorf("/readyz while shutting down: HTTP %d %v", a.code, a.body)
	}
	if a := e.send("", "GET", "/healthz", nil); a.code != 200 {
		t.Errorf("/healthz while shutting down: HTTP %d", a.code)
	}
}

// Readiness reads the database: when it does not answer, 503 DATABASE_UNAVAILABLE.
func TestReadinessWithoutDatabase(t *testing.T) {
	e := newEnv(t)
	if err := e.svc.Store.(io.Closer).Close(); err != nil {
		t.Fatal(err)
	}
	a := e.send("", "GET", "/readyz", nil)
	if a.code != 503 || errorShape(t, a) != "DATABASE_UNAVAILABLE" {
		t.Errorf("/readyz without a database: HTTP %d %v", a.code, a.body)
	}
	if a := e.send("", "GET", "/healthz", nil); a.code != 200 {
		t.Errorf("/healthz without a database: HTTP %d", a.code)
	}
}

// announceBody sends the head of a POST without a token whose body never follows, over a
// raw connection, and returns the status of the answer; it fails the test when the
// server waits for the body instead of answering.
func announceBody(t *testing.T, base, framing string) int {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1/beneficiaries:batchSync HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n%s\r\n\r\n", u.Host, framing)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer before the body (%s): %v", framing, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
