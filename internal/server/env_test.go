package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/server"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// testNow is the clock of the tests: 15 June 2025, 10:00 WITA.
var testNow = time.Date(2025, 6, 15, 10, 0, 0, 0, time.FixedZone("WITA", 8*3600))

// env is a running service: a real SQLite file, real gRPC over loopback and the real
// gateway over HTTP, with one signed-in user per role.
type env struct {
	t     *testing.T
	ctx   context.Context
	svc   *ppks.Service
	srv   *server.Server
	conn  *grpc.ClientConn // no credentials: each call says who it is
	url   string
	users map[string]*user // by username
	// Clients of the supervisor (field work, kabupaten-wide) and the administrator
	// (targets), for tests about something other than access.
	cases ppksv1.CaseServiceClient
	ind   ppksv1.IndicatorServiceClient
	ref   ppksv1.ReferenceServiceClient
	admin ppksv1.AdminServiceClient
}

// user is a signed-in user of the tests and their clients.
type user struct {
	name   string
	role   ppks.Role
	token  string
	cases  ppksv1.CaseServiceClient
	ind    ppksv1.IndicatorServiceClient
	ref    ppksv1.ReferenceServiceClient
	admin  ppksv1.AdminServiceClient
	system context.Context // a context acting as this user directly on the domain service
}

// Users of the tests. The workers serve Somba Opu (own) and Bontonompo (other).
const (
	ownKec   = "73.06.08"
	otherKec = "73.06.01"
)

var testUsers = []struct {
	name string
	role ppks.Role
	kec  []string
}{
	{"admin", ppks.RoleAdmin, nil},
	{"kabid", ppks.RoleSupervisor, nil},
	{"perencana", ppks.RolePlanner, nil},
	{"petugas", ppks.RoleWorker, []string{ownKec}},
	{"petugas.lain", ppks.RoleWorker, []string{otherKec}},
}

// bearerCreds sends a bearer token with every call.
type bearerCreds string

func (b bearerCreds) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

func (bearerCreds) RequireTransportSecurity() bool { return false }

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := t.Context()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ppks.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return testNow }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(svc, log)
	gs := grpc.NewServer(srv.ServerOptions(nil)...)
	srv.Register(gs)
	go gs.Serve(lis)
	t.Cleanup(gs.Stop)

	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	gw, err := srv.NewGateway(ctx, conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(server.HTTPHandler(log, nil, gw))
	t.Cleanup(hs.Close)
	e := &env{t: t, ctx: ctx, svc: svc, srv: srv, url: hs.URL, conn: conn, users: map[string]*user{}}
	sys := ppks.WithPrincipal(ctx, ppks.SystemPrincipal)
	for _, tu := range testUsers {
		if _, err := svc.CreateUser(sys, ppks.RequestKey{}, ppks.User{Username: tu.name, DisplayName: tu.name, Role: tu.role, Kecamatan: tu.kec}); err != nil {
			t.Fatal(err)
		}
		_, secret, err := svc.CreateToken(sys, ppks.RequestKey{}, tu.name, "tests", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		uc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(bearerCreds(secret)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { uc.Close() })
		e.users[tu.name] = &user{
			name: tu.name, role: tu.role, token: secret,
			cases: ppksv1.NewCaseServiceClient(uc), ind: ppksv1.NewIndicatorServiceClient(uc),
			ref: ppksv1.NewReferenceServiceClient(uc), admin: ppksv1.NewAdminServiceClient(uc),
			system: ppks.WithPrincipal(ctx, &ppks.Principal{Username: tu.name, Role: tu.role, Kecamatan: tu.kec}),
		}
	}
	e.cases, e.ref = e.users["kabid"].cases, e.users["kabid"].ref
	e.ind, e.admin = e.users["admin"].ind, e.users["admin"].admin
	return e
}

// do sends a JSON request through the gateway as the supervisor (the administrator for
// targets) and decodes the JSON answer.
func (e *env) do(method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	as := "kabid"
	if strings.Contains(path, "/targets") && method != "GET" {
		as = "admin"
	}
	return e.doAs(e.users[as].token, method, path, body)
}

// doAs sends a JSON request with a bearer token ("" for none).
func (e *env) doAs(token, method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = bytes.NewBufferString(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(e.ctx, method, e.url+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			e.t.Fatalf("%s %s: not JSON (%d): %s", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode, out
}

// newUUID returns a fresh request id.
func (e *env) newUUID() string { return e.svc.NewID() }

// person registers a person through gRPC.
func (e *env) person(kec string, nik string) *ppksv1.Beneficiary {
	e.t.Helper()
	b, err := e.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{
		RequestId: e.newUUID(),
		Beneficiary: &ppksv1.Beneficiary{
			FullName: "Hasnah Daeng Tompo", Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: kec, Nik: nik,
		},
	})
	if err != nil {
		e.t.Fatalf("create person: %v", err)
	}
	return b.GetBeneficiary()
}

// openCase opens a case through gRPC.
func (e *env) openCase(person, ppksType string) *ppksv1.Case {
	e.t.Helper()
	c, err := e.cases.CreateCase(e.ctx, &ppksv1.CreateCaseRequest{
		Parent: person, RequestId: e.newUUID(),
		Case: &ppksv1.Case{PpksType: ppksType, OpenedOn: day(2023, 1, 1)},
	})
	if err != nil {
		e.t.Fatalf("open case: %v", err)
	}
	return c.GetCase()
}

// deliver records an intervention through gRPC.
func (e *env) deliver(caseName, ivType string, y, m, d int) *ppksv1.Intervention {
	e.t.Helper()
	iv, err := e.cases.CreateIntervention(e.ctx, &ppksv1.CreateInterventionRequest{
		Parent: caseName, RequestId: e.newUUID(),
		Intervention: &ppksv1.Intervention{InterventionType: ivType, DeliveredOn: day(y, m, d)},
	})
	if err != nil {
		e.t.Fatalf("deliver %s: %v", ivType, err)
	}
	return iv.GetIntervention()
}

// indicator reads a year's indicator through gRPC.
func (e *env) indicator(year int) *ppksv1.IndicatorYear {
	e.t.Helper()
	y, err := e.ind.GetIndicatorYear(e.ctx, &ppksv1.GetIndicatorYearRequest{Name: "indicators/penurunan-ppks/years/" + itoa(year)})
	if err != nil {
		e.t.Fatalf("indicator %d: %v", year, err)
	}
	return y.GetIndicatorYear()
}

// typeCount returns the persons of one intervention type in an indicator.
func typeCount(y *ppksv1.IndicatorYear, ivType string) int32 {
	for _, c := range append(y.GetByInterventionType(), y.GetOtherServices()...) {
		if c.GetInterventionType() == ivType {
			return c.GetPersons()
		}
	}
	return 0
}

// fieldViolations returns the fields named by a gRPC status's BadRequest.
func fieldViolations(err error) []string {
	var out []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, v.GetField())
			}
		}
	}
	return out
}

// jsonFieldViolations returns the fields named by the BadRequest of a gateway error body.
func jsonFieldViolations(body map[string]any) []string {
	var out []string
	details, _ := body["details"].([]any)
	for _, d := range details {
		m, _ := d.(map[string]any)
		if m["@type"] != "type.googleapis.com/google.rpc.BadRequest" {
			continue
		}
		vs, _ := m["fieldViolations"].([]any)
		for _, v := range vs {
			out = append(out, v.(map[string]any)["field"].(string))
		}
	}
	return out
}

func wantCode(t *testing.T, err error, code codes.Code) {
	t.Helper()
	if got := status.Code(err); got != code {
		t.Fatalf("code = %v, want %v (%v)", got, code, err)
	}
}

// etag reads the current etag of a person, a case or an intervention (as the supervisor),
// for a correction, which must send it.
func (e *env) etag(name string) string {
	e.t.Helper()
	var (
		etag string
		err  error
	)
	switch strings.Count(name, "/") {
	case 1:
		var b *ppksv1.GetBeneficiaryResponse
		b, err = e.cases.GetBeneficiary(e.ctx, &ppksv1.GetBeneficiaryRequest{Name: name})
		etag = b.GetBeneficiary().GetEtag()
	case 3:
		var c *ppksv1.GetCaseResponse
		c, err = e.cases.GetCase(e.ctx, &ppksv1.GetCaseRequest{Name: name})
		etag = c.GetCase().GetEtag()
	default:
		var iv *ppksv1.GetInterventionResponse
		iv, err = e.cases.GetIntervention(e.ctx, &ppksv1.GetInterventionRequest{Name: name})
		etag = iv.GetIntervention().GetEtag()
	}
	if err != nil {
		e.t.Fatalf("read the etag of %s: %v", name, err)
	}
	return etag
}
