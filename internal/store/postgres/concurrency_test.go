package postgres_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/postgres"
)

// Tests of what several processes on one database must get right, each process played by
// a store of its own (its own pool of connections) on the same database.

// stores opens n stores on one new database.
func stores(t *testing.T, n int, opts ...postgres.Option) []*postgres.DB {
	t.Helper()
	dsn := postgres.NewTestDSN(t)
	var out []*postgres.DB
	for range n {
		db, err := postgres.Open(t.Context(), dsn, opts...)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		out = append(out, db)
	}
	return out
}

// services builds the domain service over each store, with the embedded reference data.
func services(t *testing.T, dbs []*postgres.DB) []*ppks.Service {
	t.Helper()
	var out []*ppks.Service
	for _, db := range dbs {
		svc, err := compose.NewService(db, "", "Asia/Makassar")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, svc)
	}
	return out
}

var (
	supervisor = &ppks.Principal{Username: "kabid", Role: ppks.RoleSupervisor}
	admin      = &ppks.Principal{Username: "admin", Role: ppks.RoleAdmin}
)

func key(method string) ppks.RequestKey {
	return ppks.RequestKey{ID: uuid.NewString(), Method: method, Fingerprint: method}
}

// people registers n people with an open case each, through svc.
func people(t *testing.T, svc *ppks.Service, n int, kk func(i int) string) (persons, cases []string) {
	t.Helper()
	ctx := ppks.WithPrincipal(t.Context(), supervisor)
	for i := range n {
		b, err := svc.CreateBeneficiary(ctx, key("CreateBeneficiary"), "", ppks.Beneficiary{
			FullName: fmt.Sprintf("Orang %d", i), Sex: ppks.SexFemale, KecamatanCode: "73.06.08", KK: kk(i),
			BirthDate: ppks.Date{Year: 1950}})
		if err != nil {
			t.Fatalf("CreateBeneficiary: %v", err)
		}
		c, err := svc.CreateCase(ctx, key("CreateCase"), b.ID, "", ppks.Case{PpksType: "LANSIA_TELANTAR",
			OpenedOn: ppks.Date{Year: 2023, Month: 1, Day: 1}})
		if err != nil {
			t.Fatalf("CreateCase: %v", err)
		}
		persons, cases = append(persons, b.ID), append(cases, c.ID)
	}
	return persons, cases
}

// The same request sent at once through both processes, and again, is one write: every
// answer names the same intervention, and one audit entry records it.
func TestSameRequestThroughTwoProcesses(t *testing.T) {
	dbs := stores(t, 2)
	svcs := services(t, dbs)
	persons, cases := people(t, svcs[0], 1, func(int) string { return "" })
	ctx := ppks.WithPrincipal(t.Context(), supervisor)
	for round := range 10 {
		k := key("CreateIntervention")
		var wg sync.WaitGroup
		names := make(chan string, 8)
		for i := range 8 {
			wg.Go(func() {
				iv, err := svcs[i%2].CreateIntervention(ctx, k, persons[0], cases[0], "", ppks.Intervention{
					InterventionType: "PERMAKANAN", DeliveredOn: ppks.Date{Year: 2024, Month: 2, Day: 1 + round}, Quantity: 1})
				if err != nil {
					t.Errorf("round %d: CreateIntervention: %v", round, err)
					return
				}
				names <- iv.Name()
			})
		}
		wg.Wait()
		close(names)
		first := ""
		for n := range names {
			if first == "" {
				first = n
			} else if n != first {
				t.Errorf("round %d: answered %s and %s", round, first, n)
			}
		}
	}
	list, err := dbs[1].ListInterventions(t.Context(), ppks.InterventionFilter{}, ppks.PageRequest{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 10 {
		t.Errorf("%d interventions stored, want 10", len(list))
	}
	entries, err := dbs[0].ListAudit(t.Context(), ppks.AuditFilter{Method: "CreateIntervention"}, ppks.PageRequest{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 10 {
		t.Errorf("%d CreateIntervention audit entries, want 10", len(entries))
	}
}

// Writers in two processes recording, correcting, voiding and verifying the
// interventions of the same few people (two of them one family) at once: the maintained
// counts equal a recount of the raw rows afterwards, every year.
func TestCountsExactUnderConcurrentWriters(t *testing.T) {
	dbs := stores(t, 2)
	svcs := services(t, dbs)
	// Two people share a family card: the family service counts their family once.
	persons, cases := people(t, svcs[0], 6, func(i int) string {
		if i < 2 {
			return "7306080101010001"
		}
		return ""
	})
	ctx := ppks.WithPrincipal(t.Context(), supervisor)
	types := []string{"PERMAKANAN", "ALAT_BANTU", "RUJUKAN", "BIMBINGAN_SOSIAL_KELUARGA", "SANDANG"}
	var (
		mu      sync.Mutex
		created []*ppks.Intervention
		writes  atomic.Int64
	)
	deadline := time.Now().Add(4 * time.Second)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			svc := svcs[w%2]
			for time.Now().Before(deadline) && !t.Failed() {
				p := rng.IntN(len(persons))
				mu.Lock()
				var pick *ppks.Intervention
				if len(created) > 0 && rng.IntN(3) == 0 {
					pick = created[rng.IntN(len(created))]
				}
				mu.Unlock()
				var err error
				switch {
				case pick == nil:
					var iv *ppks.Intervention
					iv, err = svc.CreateIntervention(ctx, key("CreateIntervention"), persons[p], cases[p], "", ppks.Intervention{
						InterventionType: types[rng.IntN(len(types))],
						DeliveredOn:      ppks.Date{Year: 2023 + rng.IntN(2), Month: 1 + rng.IntN(12), Day: 1 + rng.IntN(28)}, Quantity: 1})
					if err == nil {
						mu.Lock()
						created = append(created, iv)
						mu.Unlock()
					}
				default:
					cur, gerr := svc.Store.GetIntervention(ctx, pick.BeneficiaryID, pick.CaseID, pick.ID)
					if gerr != nil {
						t.Errorf("GetIntervention: %v", gerr)
						return
					}
					switch rng.IntN(3) {
					case 0:
						_, err = svc.UpdateIntervention(ctx, key("UpdateIntervention"), ppks.Intervention{
							BeneficiaryID: cur.BeneficiaryID, CaseID: cur.CaseID, ID: cur.ID,
							InterventionType: types[rng.IntN(len(types))],
							DeliveredOn:      ppks.Date{Year: 2023 + rng.IntN(2), Month: 1 + rng.IntN(12), Day: 1 + rng.IntN(28)}},
							[]string{"intervention_type", "delivered_on"}, cur.Etag())
					case 1:
						_, err = svc.VerifyIntervention(ctx, key("VerifyIntervention"), cur.BeneficiaryID, cur.CaseID, cur.ID)
					case 2:
						_, err = svc.VoidIntervention(ctx, key("VoidIntervention"), cur.BeneficiaryID, cur.CaseID, cur.ID, "salah catat")
					}
				}
				switch ppks.KindOf(err) {
				case 0:
					writes.Add(1)
				case ppks.KindAborted, ppks.KindFailedPrecondition: // a stale etag; already voided or verified
				default:
					t.Errorf("write: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	var ser, dead, uniq int64
	for _, db := range dbs {
		s, d, u := db.Retries()
		ser, dead, uniq = ser+s, dead+d, uniq+u
	}
	t.Logf("%d writes; retried: %d serialization failures, %d deadlocks, %d concurrent keys", writes.Load(), ser, dead, uniq)
	checkCounts(t, svcs[1])
	if _, err := postgres.Compact(dbs[0], t.Context()); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, svcs[0])
}

// checkCounts fails t unless every year's maintained counts equal a recount.
func checkCounts(t *testing.T, svc *ppks.Service) {
	t.Helper()
	diffs, err := svc.VerifyCounts(ppks.WithPrincipal(t.Context(), admin))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("%d: maintained counts differ from the recount (-recount +maintained):\n%s", d.Year, cmp.Diff(d.Recount, d.Maintained))
	}
}

// Issue 11's race, across processes: clients record first deliveries dated 2024 through
// two processes while an administrator locks 2024 through one of them. Every write
// acknowledged is in the signed snapshot (or was refused: YEAR_LOCKED); none is committed
// and missing, and the live figures equal the signed ones with no amendment open.
func TestLockRaceAcrossProcesses(t *testing.T) {
	for round := range 4 {
		dbs := stores(t, 2)
		svcs := services(t, dbs)
		const clients, each = 8, 6
		persons, cases := people(t, svcs[0], clients*each, func(int) string { return "" })
		ctx := ppks.WithPrincipal(t.Context(), supervisor)
		var (
			mu      sync.Mutex
			acked   []string // persons whose delivery was acknowledged
			refused atomic.Int64
			start   = make(chan struct{})
			wg      sync.WaitGroup
		)
		for c := range clients {
			wg.Go(func() {
				<-start
				for i := range each {
					p := c*each + i
					_, err := svcs[(c+i)%2].CreateIntervention(ctx, key("CreateIntervention"), persons[p], cases[p], "",
						ppks.Intervention{InterventionType: "PERMAKANAN", DeliveredOn: ppks.Date{Year: 2024, Month: 6, Day: 1}, Quantity: 1})
					switch {
					case err == nil:
						mu.Lock()
						acked = append(acked, persons[p])
						mu.Unlock()
					case ppks.KindOf(err) == ppks.KindFailedPrecondition:
						refused.Add(1)
					default:
						t.Errorf("CreateIntervention: %v", err)
					}
				}
			})
		}
		actx := ppks.WithPrincipal(t.Context(), admin)
		close(start)
		time.Sleep(time.Duration(rand.IntN(40)) * time.Millisecond)
		report, _, err := svcs[round%2].LockReport(actx, key("LockReport"), 2024)
		if err != nil {
			t.Fatalf("LockReport: %v", err)
		}
		wg.Wait()
		signed := map[string]bool{}
		for _, f := range report.Facts {
			if f.InterventionType == "PERMAKANAN" {
				signed[f.BeneficiaryID] = true
			}
		}
		for _, p := range acked {
			if !signed[p] {
				t.Errorf("round %d: the delivery to %s was acknowledged and is not in the signed snapshot", round, p)
			}
		}
		if len(signed) != len(acked) {
			t.Errorf("round %d: %d persons signed, %d deliveries acknowledged", round, len(signed), len(acked))
		}
		changes, err := svcs[1-round%2].GetReportChanges(actx, 2024)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes.Figures) != 0 || changes.Unamended != 0 {
			t.Errorf("round %d: live figures differ from the signed ones: %+v, %d unamended", round, changes.Figures, changes.Unamended)
		}
		t.Logf("round %d: %d acknowledged before the lock, %d refused after it", round, len(acked), refused.Load())
	}
}
