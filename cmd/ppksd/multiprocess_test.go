package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/pgtest"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/testkit"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// twoWays sends a request through one of the two processes and, while it gets no answer
// (the process died under it, or is restarting), sends the same request, with the same
// request id, through the other one: a retry a load balancer would make.
func twoWays(t *testing.T, ctx context.Context, first int, what string, call func(ctx context.Context, via int) error, ok ...string) (string, bool) {
	for try := 0; ctx.Err() == nil; try++ {
		if try == 1 {
			mpRetries.Add(1)
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := call(cctx, (first+try)%2)
		cancel()
		switch status.Code(err) {
		case codes.OK:
			return "", true
		case codes.Unavailable, codes.DeadlineExceeded, codes.Canceled:
			time.Sleep(10 * time.Millisecond)
			continue
		}
		r := reason(err)
		for _, want := range ok {
			if r == want {
				return r, false
			}
		}
		t.Errorf("%s: %v", what, err)
		return r, false
	}
	return "", false
}

// reason is the ErrorInfo reason of a status error.
func reason(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}

var mpRetries atomic.Int64

// TestTwoProcessesOnePostgres runs two real ppksd processes on one PostgreSQL database.
// Clients write to the same people and cases through both, sending each retry of a
// request without an answer through the other process; one process or the other is
// killed with SIGKILL mid-load and restarted, six times; an administrator locks 2023
// through one of them in the middle. Afterwards: every acknowledged write is stored
// once and none twice, the maintained counts equal a recount, the indicator equals a
// recount from the acknowledged writes, and the signed 2023 holds every delivery
// acknowledged in 2023, with nothing changed since outside an amendment.
func TestTwoProcessesOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs for about a minute")
	}
	dsn := pgtest.Require(t).NewDatabase(t, "")
	tokens := testkit.Tokens(t, dsn, testkit.Supervisor, testkit.Admin)
	supToken, adminToken := tokens[0], tokens[1]
	dir := t.TempDir()
	bin := buildDaemon(t)
	var ds [2]*child
	for i := range ds {
		logs, err := os.Create(filepath.Join(dir, fmt.Sprintf("ppksd-%d.log", i)))
		if err != nil {
			t.Fatal(err)
		}
		defer logs.Close()
		ds[i] = &child{t: t, bin: bin, db: dsn, grpcAddr: freeAddr(t), httpAddr: freeAddr(t), logs: logs}
		ds[i].start()
	}
	var cases [2]ppksv1.CaseServiceClient
	var adminReports [2]ppksv1.ReportServiceClient
	for i, d := range ds {
		conn, err := grpc.NewClient(d.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(bearer(supToken)))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		cases[i] = ppksv1.NewCaseServiceClient(conn)
		aconn, err := grpc.NewClient(d.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(bearer(adminToken)))
		if err != nil {
			t.Fatal(err)
		}
		defer aconn.Close()
		adminReports[i] = ppksv1.NewReportServiceClient(aconn)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()

	// People and cases every client writes to, through both processes.
	const shared = 12
	var people, kases []string
	for i := range shared {
		var person, kase string
		twoWays(t, ctx, i, "CreateBeneficiary", func(ctx context.Context, via int) error {
			r, err := cases[via].CreateBeneficiary(ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: crashRequestID(99, 1, i),
				Beneficiary: &ppksv1.Beneficiary{FullName: fmt.Sprintf("Bersama %d", i), Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: "73.06.08"}})
			person = r.GetBeneficiary().GetName()
			return err
		})
		twoWays(t, ctx, i+1, "CreateCase", func(ctx context.Context, via int) error {
			r, err := cases[via].CreateCase(ctx, &ppksv1.CreateCaseRequest{Parent: person, RequestId: crashRequestID(99, 2, i),
				Case: &ppksv1.Case{PpksType: "LANSIA_TELANTAR", OpenedOn: &date.Date{Year: 2023, Month: 1, Day: 1}}})
			kase = r.GetCase().GetName()
			return err
		})
		people, kases = append(people, person), append(kases, kase)
	}
	if t.Failed() {
		return
	}

	const clients = 6
	types := []string{"PERMAKANAN", "ALAT_BANTU", "RUJUKAN", "SANDANG", "BIMBINGAN_SOSIAL_KELUARGA"}
	type ack struct {
		name string
		year int32
	}
	var (
		mu       sync.Mutex
		acked    = map[string]ack{} // intervention tag -> what was acknowledged
		verified atomic.Int64
		refused  atomic.Int64 // dated in 2023 after the lock
		stopping atomic.Bool
		wg       sync.WaitGroup
	)
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			var mine []string // this client's acknowledged interventions
			for seq := 0; seq < 100000 && !stopping.Load() && ctx.Err() == nil; seq++ {
				if seq%7 == 6 && len(mine) > 0 { // a supervisor's verification of one of them
					name := mine[rng.IntN(len(mine))]
					if _, ok := twoWays(t, ctx, c+seq, "VerifyIntervention", func(ctx context.Context, via int) error {
						_, err := cases[via].VerifyIntervention(ctx, &ppksv1.VerifyInterventionRequest{Name: name, RequestId: crashRequestID(c, 4, seq)})
						return err
					}, "YEAR_LOCKED", "NOT_PENDING"); ok {
						verified.Add(1)
					}
					continue
				}
				p := rng.IntN(shared)
				year := int32(2023 + rng.IntN(2))
				tag := fmt.Sprintf("mp %d/%d", c, seq)
				// The request, fixed before it is sent: a retry repeats it exactly.
				req := &ppksv1.CreateInterventionRequest{Parent: kases[p], RequestId: crashRequestID(c, 3, seq),
					Intervention: &ppksv1.Intervention{InterventionType: types[rng.IntN(len(types))],
						DeliveredOn: &date.Date{Year: year, Month: int32(1 + rng.IntN(12)), Day: int32(1 + rng.IntN(28))},
						Quantity:    1, Notes: tag}}
				var name string
				why, ok := twoWays(t, ctx, c+seq, "CreateIntervention "+tag, func(ctx context.Context, via int) error {
					r, err := cases[via].CreateIntervention(ctx, req)
					name = r.GetIntervention().GetName()
					return err
				}, "YEAR_LOCKED")
				switch {
				case ok:
					mu.Lock()
					if prev, dup := acked[tag]; dup && prev.name != name {
						t.Errorf("%s acknowledged as %s and as %s", tag, prev.name, name)
					}
					acked[tag] = ack{name, year}
					mu.Unlock()
					mine = append(mine, name)
				case why == "YEAR_LOCKED" && year == 2023:
					refused.Add(1)
				case why == "YEAR_LOCKED":
					t.Errorf("%s, dated %d, refused: the year is locked", tag, year)
				}
			}
		})
	}

	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("kill schedule seed %d", seed)
	const kills = 6
	var lockHash string
	for k := range kills {
		time.Sleep(time.Duration(400+rng.IntN(1200)) * time.Millisecond)
		d := ds[k%2]
		d.kill()
		if k == kills/2 { // the lock, while one process is down
			twoWays(t, ctx, k, "LockReport", func(ctx context.Context, via int) error {
				r, err := adminReports[via].LockReport(ctx, &ppksv1.LockReportRequest{Name: "reports/2023", RequestId: crashRequestID(98, 5, 0)})
				lockHash = r.GetReport().GetContentHash()
				return err
			})
		}
		d.start()
	}
	time.Sleep(500 * time.Millisecond)
	stopping.Store(true)
	wg.Wait()
	for _, d := range ds {
		d.stop()
	}
	if t.Failed() {
		return
	}

	// The database itself, through a store of the test's own.
	store, err := compose.OpenStore(t.Context(), compose.DBConfig{DB: dsn}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	adm := ppks.WithPrincipal(t.Context(), &ppks.Principal{Username: "admin", Role: ppks.RoleAdmin})
	stored := map[string][]string{} // tag -> names
	var all []*ppks.Intervention
	for p := (ppks.PageRequest{Limit: ppks.MaxPageSize}); ; {
		list, err := store.ListInterventions(t.Context(), ppks.InterventionFilter{}, p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, list...)
		if len(list) < p.Limit {
			break
		}
		p.After = list[len(list)-1].ID
	}
	for _, iv := range all {
		stored[iv.Notes] = append(stored[iv.Notes], iv.Name())
	}
	for tag, a := range acked {
		if names := stored[tag]; len(names) != 1 || names[0] != a.name {
			t.Errorf("%s acknowledged as %s, stored as %q", tag, a.name, names)
		}
	}
	if len(all) != len(acked) {
		t.Errorf("%d interventions stored, %d acknowledged", len(all), len(acked))
	}
	if diffs, err := svc.VerifyCounts(adm); err != nil || len(diffs) > 0 {
		t.Errorf("maintained counts against a recount: %v, %d years differ", err, len(diffs))
	}

	// The signed 2023: every acknowledged 2023 delivery was acknowledged before the lock
	// and is in it, nothing changed since outside an amendment.
	changes, err := svc.GetReportChanges(adm, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if changes.Lock.Hash != lockHash || lockHash == "" {
		t.Errorf("lock hash %q, LockReport answered %q", changes.Lock.Hash, lockHash)
	}
	if len(changes.Figures) != 0 || changes.Unamended != 0 {
		t.Errorf("2023 changed since it was signed: %+v, %d unamended", changes.Figures, changes.Unamended)
	}
	signed, _, err := svc.GetReport(adm, 2023, ppks.ViewSigned)
	if err != nil {
		t.Fatal(err)
	}
	facts := map[string]bool{}
	for _, f := range signed.Facts {
		facts[f.InterventionType+" "+f.BeneficiaryID] = true
	}
	byName := map[string]*ppks.Intervention{}
	for _, iv := range all {
		byName[iv.Name()] = iv
	}
	in2023 := 0
	for tag, a := range acked {
		iv := byName[a.name]
		if a.year != 2023 || iv == nil || !iv.Counts() {
			continue
		}
		in2023++
		if !facts[iv.InterventionType+" "+iv.BeneficiaryID] {
			t.Errorf("%s (%s, 2023) acknowledged and not in the signed 2023", tag, a.name)
		}
	}
	t.Logf("%d kills; %d requests retried through the other process; %d interventions acknowledged and stored once "+
		"(%d in the signed 2023), %d dated 2023 refused after the lock, %d verifications", kills, mpRetries.Load(),
		len(acked), in2023, refused.Load(), verified.Load())
}
