package storetest

import (
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/refdata"
)

// lockRaceRounds is how many years are locked while written to; lockRaceWriters how many
// writes race each lock.
const (
	lockRaceRounds  = 50
	lockRaceWriters = 20
)

// testLockRace: many concurrent first deliveries dated in a year while the year is
// locked, through the domain service. Every write must end either in the signed snapshot
// or refused (YEAR_LOCKED), never committed and missing from it: the lock computes its
// report through its own transaction, and every write checks the lock through its own
// (ppks.YearOpen). Afterwards the live figures equal the signed ones, and the changes
// report has nothing unexplained. One year per round, fifty rounds.
func testLockRace(t *testing.T, f *fixture) {
	cat, bands, err := refdata.Load("")
	if err != nil {
		t.Fatal(err)
	}
	def := ppks.DefaultIndicator()
	def.Bands = bands
	now := time.Date(2080, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := &ppks.Service{Store: f.s, Catalog: cat, Indicator: def, Location: time.UTC,
		Now: func() time.Time { return now }, NewID: newID}
	sys := ppks.WithPrincipal(f.ctx, ppks.SystemPrincipal)
	if err := svc.CountingRules(sys); err != nil {
		t.Fatal(err)
	}
	type served struct{ person, kase string }
	people := make([]served, lockRaceWriters)
	for i := range people {
		b, err := svc.CreateBeneficiary(sys, ppks.RequestKey{ID: newID()}, "", ppks.Beneficiary{
			FullName: "Daeng Lock", Sex: ppks.SexFemale, KecamatanCode: kecA, BirthDate: ppks.Date{Year: 1950}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := svc.CreateCase(sys, ppks.RequestKey{ID: newID()}, b.ID, "", ppks.Case{PpksType: lansia, OpenedOn: ppks.Date{Year: 2020, Month: 1, Day: 1}})
		if err != nil {
			t.Fatal(err)
		}
		people[i] = served{b.ID, c.ID}
	}
	for round := range lockRaceRounds {
		year := 2024 + round
		var (
			wg       sync.WaitGroup
			start    = make(chan struct{})
			mu       sync.Mutex
			accepted int
		)
		for _, p := range people {
			wg.Go(func() {
				<-start
				time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond) // spread around the lock
				_, err := svc.CreateIntervention(sys, ppks.RequestKey{ID: newID()}, p.person, p.kase, "",
					ppks.Intervention{InterventionType: permakanan, DeliveredOn: ppks.Date{Year: year, Month: 6, Day: 1}})
				mu.Lock()
				defer mu.Unlock()
				var refusal *ppks.Error
				switch {
				case err == nil:
					accepted++
				case errors.As(err, &refusal) && refusal.Reason == "YEAR_LOCKED":
					// refused: the lock came first
				default:
					t.Errorf("year %d: a write failed with %v, want accepted or YEAR_LOCKED", year, err)
				}
			})
		}
		wg.Go(func() {
			<-start
			time.Sleep(time.Duration(500+rand.IntN(1000)) * time.Microsecond) // land among the writes
			if _, _, err := svc.LockReport(sys, ppks.RequestKey{ID: newID()}, year); err != nil {
				t.Errorf("lock %d: %v", year, err)
			}
		})
		close(start)
		wg.Wait()
		if t.Failed() {
			return
		}
		signed, _, err := svc.GetReport(sys, year, ppks.ViewSigned)
		if err != nil {
			t.Fatal(err)
		}
		inSnapshot := 0
		for _, c := range signed.Performance.ByType {
			if c.Key == permakanan {
				inSnapshot = c.Persons
			}
		}
		if inSnapshot != accepted {
			t.Fatalf("year %d: %d writes accepted, %d in the signed snapshot", year, accepted, inSnapshot)
		}
		changes, err := svc.GetReportChanges(sys, year)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes.Figures) != 0 || changes.Unamended != 0 {
			t.Fatalf("year %d: the live figures left the signed ones with no amendment: %+v (unamended %d)", year, changes.Figures, changes.Unamended)
		}
	}
}
