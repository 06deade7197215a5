package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/opendinsos/ppks/gen/openapi"
	_ "github.com/opendinsos/ppks/gen/ppks/v1" // registers the services' descriptors
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/scenario"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"github.com/opendinsos/ppks/internal/testkit"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// swaggerDoc is the part of an OpenAPI v2 document the tests read.
type swaggerDoc struct {
	Info struct {
		Title, Version string
	}
	SecurityDefinitions map[string]struct {
		Type, In, Name string
	}
	Security    []map[string][]string
	Paths       map[string]map[string]swaggerOp
	Definitions map[string]json.RawMessage
}

type swaggerOp struct {
	OperationID string `json:"operationId"`
	Security    *[]map[string][]string
	Parameters  []struct{ Name, In string }
}

func readDoc(t *testing.T, data []byte) swaggerDoc {
	t.Helper()
	var doc swaggerDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

var braces = regexp.MustCompile(`\{[^}]*\}`)

// The document names the API and its version, says every operation needs the bearer
// token, has one real path for each route of the gateway (no {name_3}), with every path
// parameter declared, and every definition it holds is used.
func TestOpenAPIDocument(t *testing.T) {
	doc := readDoc(t, openapi.JSON)
	if doc.Info.Title != "PPKS case service API" || doc.Info.Version != "v1" {
		t.Errorf("info = %+v, want the service's title and version v1", doc.Info)
	}
	if b := doc.SecurityDefinitions["bearer"]; b.Type != "apiKey" || b.In != "header" || b.Name != "Authorization" {
		t.Errorf("bearer security definition = %+v", b)
	}
	if len(doc.Security) != 1 || doc.Security[0]["bearer"] == nil {
		t.Errorf("document-wide security = %v, want bearer", doc.Security)
	}

	// The routes the gateway serves, from the protos' google.api.http rules, with every
	// variable as {}: the document has each once, and nothing else.
	want := gatewayRoutes(t)
	var got []string
	for path, ops := range doc.Paths {
		if strings.Contains(path, "{name") || strings.Contains(path, "{parent") || strings.Contains(path, ".") {
			t.Errorf("path %s is not a real path", path)
		}
		declared := map[string]bool{}
		for method, op := range ops {
			got = append(got, strings.ToUpper(method)+" "+braces.ReplaceAllString(path, "{}"))
			if op.Security != nil {
				t.Errorf("%s %s overrides the bearer requirement: %v", method, path, *op.Security)
			}
			for _, p := range op.Parameters {
				if p.In == "path" {
					declared[p.Name] = true
					if !strings.Contains(path, "{"+p.Name+"}") {
						t.Errorf("%s %s: path parameter %s is not in the path", method, path, p.Name)
					}
				}
			}
			for _, v := range braces.FindAllString(path, -1) {
				if name := strings.Trim(v, "{}"); !declared[name] {
					t.Errorf("%s %s: %s is not declared", method, path, name)
				}
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("operations of the document:\n%s\nroutes of the gateway:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, p := range []string{"/v1/indicators/penurunan-ppks/years/{year}", "/v1/beneficiaries/{beneficiary}/cases/{case}/interventions/{intervention}:void"} {
		if doc.Paths[p] == nil {
			t.Errorf("no path %s", p)
		}
	}

	// Every reference resolves, and every definition is referenced.
	refs := regexp.MustCompile(`"#/definitions/([^"]+)"`).FindAllSubmatch(openapi.JSON, -1)
	used := map[string]bool{}
	for _, r := range refs {
		used[string(r[1])] = true
		if doc.Definitions[string(r[1])] == nil {
			t.Errorf("reference to a missing definition %s", r[1])
		}
	}
	for name := range doc.Definitions {
		if !used[name] {
			t.Errorf("definition %s is not used", name)
		}
	}
}

// gatewayRoutes returns "METHOD /path" of every HTTP rule of the ppks.v1 services, each
// variable (and each * of a variable's pattern) written {}.
func gatewayRoutes(t *testing.T) []string {
	t.Helper()
	variable := regexp.MustCompile(`\{[^}=]*(=([^}]*))?\}`)
	var routes []string
	add := func(rule *annotations.HttpRule) {
		var method, tmpl string
		switch p := rule.GetPattern().(type) {
		case *annotations.HttpRule_Get:
			method, tmpl = "GET", p.Get
		case *annotations.HttpRule_Post:
			method, tmpl = "POST", p.Post
		case *annotations.HttpRule_Patch:
			method, tmpl = "PATCH", p.Patch
		case *annotations.HttpRule_Delete:
			method, tmpl = "DELETE", p.Delete
		case *annotations.HttpRule_Put:
			method, tmpl = "PUT", p.Put
		default:
			t.Fatalf("HTTP rule %v", rule)
		}
		path := variable.ReplaceAllStringFunc(tmpl, func(v string) string {
			m := variable.FindStringSubmatch(v)
			if m[1] == "" {
				return "{}"
			}
			return strings.ReplaceAll(m[2], "*", "{}")
		})
		routes = append(routes, method+" "+path)
	}
	protoregistry.GlobalFiles.RangeFilesByPackage("ppks.v1", func(f protoreflect.FileDescriptor) bool {
		for i := range f.Services().Len() {
			methods := f.Services().Get(i).Methods()
			for j := range methods.Len() {
				rule, ok := proto.GetExtension(methods.Get(j).Options(), annotations.E_Http).(*annotations.HttpRule)
				if !ok || rule == nil {
					continue
				}
				add(rule)
				for _, more := range rule.GetAdditionalBindings() {
					add(more)
				}
			}
		}
		return true
	})
	if len(routes) < 40 {
		t.Fatalf("only %d routes found in the protos", len(routes))
	}
	return routes
}

// A client that go-swagger generates from the document the service serves reads the 2024
// indicator of the reference scenario. The client module (testdata/openapiclient) pins
// go-swagger as a tool, at the version scripts/gen.sh validates with; generating and
// building take a minute on a cold cache, so -short skips it.
func TestGeneratedClient(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and builds a client with go-swagger: skipped under -short")
	}
	module := readFile(t, "testdata/openapiclient/go.mod")
	pinned := regexp.MustCompile(`(?m)^GO_SWAGGER_VERSION=(\S+)$`).FindStringSubmatch(readFile(t, "../../scripts/gen.sh"))
	if pinned == nil || !strings.Contains(module, "github.com/go-swagger/go-swagger "+pinned[1]+" ") {
		t.Fatalf("testdata/openapiclient/go.mod does not require go-swagger at scripts/gen.sh's version %v", pinned)
	}

	dbPath := filepath.Join(t.TempDir(), "ppks.db")
	loadScenario(t, dbPath)
	token := testkit.Tokens(t, dbPath, testkit.Supervisor)[0]
	addrs, stop := start(t, dbPath)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()

	dir := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum", "main.go"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(readFile(t, "testdata/openapiclient/"+f)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.Get("http://" + addrs.HTTP + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	served, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /openapi.json: %d %v", resp.StatusCode, err)
	}
	docPath := filepath.Join(dir, "ppks.swagger.json")
	if err := os.WriteFile(docPath, served, 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd(t, dir, "tool", "swagger", "generate", "client", "--quiet", "-f", docPath, "-t", dir, "-A", "ppks")
	goCmd(t, dir, "build", "-o", "openapiclient", ".")

	run := exec.CommandContext(t.Context(), filepath.Join(dir, "openapiclient"), addrs.HTTP, "2024")
	run.Env = append(os.Environ(), "PPKS_TOKEN="+token)
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("generated client: %v\n%s", err, out)
	}
	want := "name=indicators/penurunan-ppks/years/2024 total=653 target=580 achievement=112.59 rating=Sangat Berhasil\n"
	if string(out) != want {
		t.Errorf("generated client printed\n%s want\n%s", out, want)
	}

	// Without the token the client gets the service's refusal, as the document's default
	// response (google.rpc.Status).
	run = exec.CommandContext(t.Context(), filepath.Join(dir, "openapiclient"), addrs.HTTP, "2024")
	run.Env = append(os.Environ(), "PPKS_TOKEN=")
	if out, err := run.CombinedOutput(); err == nil || !strings.Contains(string(out), "[401]") {
		t.Errorf("generated client without a token: %v\n%s", err, out)
	}
}

// goCmd runs the go command in dir, in its own module (no workspace, no flags of ours).
func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// loadScenario loads the 2024 reference scenario into the database file, as ppksctl
// load-scenario does.
func loadScenario(t *testing.T, dbPath string) {
	t.Helper()
	store, err := sqlite.Open(t.Context(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scenario.Load(ppks.WithPrincipal(t.Context(), ppks.SystemPrincipal), svc); err != nil {
		t.Fatal(err)
	}
}
