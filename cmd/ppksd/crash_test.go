package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/refdata"
	"github.com/opendinsos/ppks/internal/testkit"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// child is the real ppksd binary running as a child process.
type child struct {
	t        *testing.T
	bin, db  string
	grpcAddr string
	httpAddr string
	logs     *os.File
	cmd      *exec.Cmd
}

// freeAddr returns a loopback address with a port free right now. The daemon keeps the
// same addresses across restarts, so that clients reconnect by themselves.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func (d *child) start() {
	d.t.Helper()
	d.cmd = exec.Command(d.bin, "--grpc-addr", d.grpcAddr, "--http-addr", d.httpAddr, "--db", d.db, "--reflection=false")
	d.cmd.Stdout, d.cmd.Stderr = d.logs, d.logs
	if err := d.cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	conn, err := grpc.NewClient(d.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		d.t.Fatal(err)
	}
	defer conn.Close()
	health := healthpb.NewHealthClient(conn)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		h, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && h.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return
		}
	}
	d.t.Fatalf("ppksd did not become ready; its log is %s", d.logs.Name())
}

// kill ends the daemon with SIGKILL: no shutdown, no flush, whatever it was doing.
func (d *child) kill() {
	d.t.Helper()
	_ = d.cmd.Process.Signal(syscall.SIGKILL)
	_ = d.cmd.Wait()
}

// stop ends the daemon with SIGTERM and checks it exited cleanly.
func (d *child) stop() {
	d.t.Helper()
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.cmd.Wait(); err != nil {
		d.t.Errorf("ppksd after SIGTERM: %v", err)
	}
}

// buildDaemon builds this package's binary into a temporary directory.
func buildDaemon(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ppksd")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// acked is what the server acknowledged, by the client's tag.
type acked struct {
	mu      sync.Mutex
	people  map[string]string // tag -> name
	records map[string]string // intervention tag -> name
}

func (a *acked) add(m map[string]string, tag, name string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if prev, ok := m[tag]; ok && prev != name {
		panic(fmt.Sprintf("%s acknowledged as %s, then as %s", tag, prev, name))
	}
	m[tag] = name
}

// untilAcked repeats call, with the same request, until the server answers it: a write
// the client saw no answer to may or may not have happened, and the request id makes the
// retry safe either way.
func untilAcked(t *testing.T, ctx context.Context, what string, call func(context.Context) error) bool {
	for try := 0; ctx.Err() == nil; try++ {
		if try == 1 {
			crashRetries.Add(1)
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := call(cctx)
		cancel()
		switch status.Code(err) {
		case codes.OK:
			return true
		case codes.Unavailable, codes.DeadlineExceeded, codes.Canceled: // the server died under it
			time.Sleep(20 * time.Millisecond)
		default:
			t.Errorf("%s: %v", what, err)
			return false
		}
	}
	return false
}

// crashRetries counts the writes that needed more than one try.
var crashRetries atomic.Int64

// crashRequestID is the request id of a client's operation: fixed, so that a retry
// repeats it exactly.
func crashRequestID(client, kind, seq int) string {
	return fmt.Sprintf("0193c%03d-0000-7000-8%03d-%012d", client, kind, seq)
}

// TestCrashRecovery runs the real binary, drives concurrent writes with request ids
// from several clients, kills the server with SIGKILL at random moments (at least 10
// times) and restarts it, while the clients retry every write they saw no answer to.
// Afterwards every acknowledged write is stored exactly once, and the indicator equals
// a recount of the stored interventions. (SIGKILL loses what the process held, not what
// the kernel did: power loss is synchronous=FULL's job, see README.)
func TestCrashRecovery(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ppks.db")
	token := testkit.Tokens(t, db, testkit.Supervisor)[0]
	logs, err := os.Create(filepath.Join(dir, "ppksd.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	d := &child{t: t, bin: buildDaemon(t), db: db, grpcAddr: freeAddr(t), httpAddr: freeAddr(t), logs: logs}
	d.start()

	conn, err := grpc.NewClient(d.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(bearer(token)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := ppksv1.NewCaseServiceClient(conn)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	const clients = 6
	types := []string{"PERMAKANAN", "ALAT_BANTU", "SANDANG"}
	got := &acked{people: map[string]string{}, records: map[string]string{}}
	var stopping atomic.Bool
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			var caseName string
			for seq := 0; seq < 5000 && !stopping.Load(); seq++ {
				if seq%10 == 0 { // a new person and a case every ten interventions
					tag := fmt.Sprintf("%d/%d", c, seq)
					var person, kase string
					if !untilAcked(t, ctx, "CreateBeneficiary "+tag, func(ctx context.Context) error {
						r, err := client.CreateBeneficiary(ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: crashRequestID(c, 1, seq),
							Beneficiary: &ppksv1.Beneficiary{FullName: "Crash " + tag, Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: "73.06.08"}})
						person = r.GetBeneficiary().GetName()
						return err
					}) {
						return
					}
					got.add(got.people, tag, person)
					if !untilAcked(t, ctx, "CreateCase "+tag, func(ctx context.Context) error {
						r, err := client.CreateCase(ctx, &ppksv1.CreateCaseRequest{Parent: person, RequestId: crashRequestID(c, 2, seq),
							Case: &ppksv1.Case{PpksType: "LANSIA_TELANTAR", OpenedOn: &date.Date{Year: 2024, Month: 1, Day: 1}}})
						kase = r.GetCase().GetName()
						return err
					}) {
						return
					}
					caseName = kase
				}
				tag := fmt.Sprintf("crash %d/%d", c, seq)
				var name string
				if !untilAcked(t, ctx, "CreateIntervention "+tag, func(ctx context.Context) error {
					r, err := client.CreateIntervention(ctx, &ppksv1.CreateInterventionRequest{Parent: caseName, RequestId: crashRequestID(c, 3, seq),
						Intervention: &ppksv1.Intervention{InterventionType: types[seq%len(types)],
							DeliveredOn: &date.Date{Year: 2024, Month: int32(seq%12 + 1), Day: int32(seq%28 + 1)},
							Quantity:    1, Unit: "paket", Notes: tag}})
					name = r.GetIntervention().GetName()
					return err
				}) {
					return
				}
				got.add(got.records, tag, name)
			}
		})
	}

	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("kill schedule seed %d", seed)
	const kills = 12
	for range kills {
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		d.kill()
		d.start()
	}
	stopping.Store(true)
	wg.Wait()
	if t.Failed() {
		return
	}

	// Every acknowledged write, once: people by name, interventions by their tag.
	stored := map[string][]string{} // tag -> names
	var list []*ppksv1.Intervention
	for token := ""; ; {
		r, err := client.ListInterventions(ctx, &ppksv1.ListInterventionsRequest{Parent: "beneficiaries/-/cases/-", PageSize: 1000, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, r.GetInterventions()...)
		if token = r.GetNextPageToken(); token == "" {
			break
		}
	}
	for _, iv := range list {
		stored[iv.GetNotes()] = append(stored[iv.GetNotes()], iv.GetName())
	}
	for tag, name := range got.records {
		if names := stored[tag]; len(names) != 1 || names[0] != name {
			t.Errorf("%s acknowledged as %s, stored as %q", tag, name, names)
		}
	}
	if len(list) != len(got.records) {
		t.Errorf("%d interventions stored, %d acknowledged", len(list), len(got.records))
	}
	people := 0
	for token := ""; ; {
		r, err := client.ListBeneficiaries(ctx, &ppksv1.ListBeneficiariesRequest{PageSize: 1000, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		people += len(r.GetBeneficiaries())
		if token = r.GetNextPageToken(); token == "" {
			break
		}
	}
	if people != len(got.people) {
		t.Errorf("%d people stored, %d acknowledged", people, len(got.people))
	}

	// The indicator equals a recount of the stored interventions.
	cat, _, err := refdata.Load("")
	if err != nil {
		t.Fatal(err)
	}
	persons := map[string]map[string]bool{} // counted type -> people
	for _, iv := range list {
		if iv.GetDeliveredOn().GetYear() != 2024 || iv.GetState() != ppksv1.InterventionState_INTERVENTION_STATE_ACTIVE || !cat.Counts(2024, iv.GetInterventionType()) {
			continue
		}
		person := strings.Join(strings.Split(iv.GetName(), "/")[:2], "/")
		if persons[iv.GetInterventionType()] == nil {
			persons[iv.GetInterventionType()] = map[string]bool{}
		}
		persons[iv.GetInterventionType()][person] = true
	}
	recount := 0
	for _, ps := range persons {
		recount += len(ps)
	}
	ind, err := ppksv1.NewIndicatorServiceClient(conn).GetIndicatorYear(ctx, &ppksv1.GetIndicatorYearRequest{Name: "indicators/penurunan-ppks/years/2024"})
	if err != nil {
		t.Fatal(err)
	}
	if total := int(ind.GetIndicatorYear().GetTotal()); total != recount || recount == 0 {
		t.Errorf("indicator total %d, recount %d", total, recount)
	}
	for _, tc := range ind.GetIndicatorYear().GetByInterventionType() {
		if want := len(persons[tc.GetInterventionType()]); int(tc.GetPersons()) != want {
			t.Errorf("%s: indicator %d persons, recount %d", tc.GetInterventionType(), tc.GetPersons(), want)
		}
	}
	d.stop()

	raw, err := sql.Open("sqlite", "file:"+(&url.URL{Path: db}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q %v", check, err)
	}
	t.Logf("%d kills; %d writes retried; %d people and %d interventions acknowledged and stored once; indicator %d = recount",
		kills, crashRetries.Load(), len(got.people), len(got.records), recount)
}
