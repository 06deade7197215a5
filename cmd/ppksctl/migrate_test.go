package main

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/pgtest"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/postgres"
)

func newKey(method string) ppks.RequestKey {
	return ppks.RequestKey{ID: uuid.NewString(), Method: method, Fingerprint: method}
}

// scenarioDatabase loads the 2024 scenario into a new SQLite file, signs 2024, and adds
// what the scenario lacks: a merge (a person pointing at a survivor registered after
// them), an amendment with a late record in the locked year, a user with a token. It
// returns the getenv of the file and the lock's hash.
func scenarioDatabase(t *testing.T) (func(string) string, string) {
	t.Helper()
	env, db := dbEnv(t)
	if _, _, err := ctl(t, env, "load-scenario"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ctl(t, env, "bootstrap-admin", "--username", "admin", "--display-name", "Admin"); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	store, err := compose.OpenStore(ctx, compose.DBConfig{DB: db}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	sup := ppks.WithPrincipal(ctx, &ppks.Principal{Username: "kabid", Role: ppks.RoleSupervisor})
	adm := ppks.WithPrincipal(ctx, &ppks.Principal{Username: "admin", Role: ppks.RoleAdmin})
	person := func(name string) *ppks.Beneficiary {
		b, err := svc.CreateBeneficiary(sup, newKey("CreateBeneficiary"), "", ppks.Beneficiary{FullName: name,
			Sex: ppks.SexMale, KecamatanCode: "73.06.08", BirthDate: ppks.Date{Year: 1960}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	dup, survivor := person("Baso Dg. Sese"), person("Baso Daeng Sese")
	if _, err := svc.MergeBeneficiaries(sup, newKey("MergeBeneficiaries"), survivor.ID, dup.ID, "Orang yang sama"); err != nil {
		t.Fatal(err)
	}
	_, lock, err := svc.LockReport(adm, newKey("LockReport"), 2024)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateAmendment(adm, newKey("CreateAmendment"), 2024, "Data terlambat", time.Time{}); err != nil {
		t.Fatal(err)
	}
	c, err := svc.CreateCase(sup, newKey("CreateCase"), survivor.ID, "", ppks.Case{PpksType: "LANSIA_TELANTAR",
		OpenedOn: ppks.Date{Year: 2024, Month: 1, Day: 2}})
	if err != nil {
		t.Fatal(err)
	}
	// SANDANG does not count in 2024: the live figure stays the signed one.
	if _, err := svc.CreateIntervention(sup, newKey("CreateIntervention"), survivor.ID, c.ID, "", ppks.Intervention{
		InterventionType: "SANDANG", DeliveredOn: ppks.Date{Year: 2024, Month: 12, Day: 20}, Quantity: 1}); err != nil {
		t.Fatal(err)
	}
	return env, lock.Hash
}

// The reference scenario's SQLite database moved to PostgreSQL: every row, the 2024
// figures (653 against 580, 112.59 %, Sangat Berhasil) live and signed, and the locked
// year's hash identical; a second run on the now non-empty target refuses and writes
// nothing.
func TestMigrateScenarioToPostgres(t *testing.T) {
	dsn := pgtest.Require(t).NewDatabase(t, "")
	env, hash := scenarioDatabase(t)
	out, errOut, err := ctl(t, env, "migrate", "--to", dsn)
	if err != nil {
		t.Fatalf("migrate: %v\n%s\n%s", err, out, errOut)
	}
	for _, want := range []string{"moved", "checked", "locked 2024: content hash " + hash + " same, verifies", "interventions"} {
		if !strings.Contains(out, want) {
			t.Errorf("migrate's output lacks %q:\n%s", want, out)
		}
	}
	t.Logf("migrate's output:\n%s", out)
	if strings.Contains(out, "DIFFERENT") {
		t.Errorf("migrate found differences:\n%s", out)
	}
	for _, want := range []string{"copying", "interventions: 3", "rebuilding the maintained counts", "done in"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("migrate's progress lacks %q:\n%s", want, errOut)
		}
	}

	ctx := t.Context()
	target, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	svc, err := compose.NewService(target, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	planner := ppks.WithPrincipal(ctx, &ppks.Principal{Username: "perencana", Role: ppks.RolePlanner})
	y, err := svc.IndicatorYear(planner, ppks.IndicatorID, 2024)
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, "live", y.Total, y.Target, y.Achievement, y.Rating)
	signed, lock, err := svc.GetReport(planner, 2024, ppks.ViewSigned)
	if err != nil {
		t.Fatal(err)
	}
	p := signed.Performance
	checkFigures(t, "signed", p.Realisasi, p.Target, p.Achievement, p.Rating)
	if lock.Hash != hash {
		t.Errorf("lock hash on the target %s, source %s", lock.Hash, hash)
	}
	// The merged person still reads as the survivor; the token still signs in.
	if n, err := target.CountAdmins(ctx); err != nil || n != 1 {
		t.Errorf("CountAdmins = %d, %v; want the bootstrapped administrator", n, err)
	}

	before, err := target.RowCounts(ctx, postgres.ImportedTables())
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = ctl(t, env, "migrate", "--to", dsn)
	if err == nil || !strings.Contains(err.Error(), "already holds records") || exitCode(err, &strings.Builder{}) == 0 {
		t.Errorf("second migrate: %v, want a refusal with a non-zero exit code", err)
	}
	after, err := target.RowCounts(ctx, postgres.ImportedTables())
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range before {
		if after[table] != n {
			t.Errorf("%s: %d rows before the second run, %d after", table, n, after[table])
		}
	}
}

func checkFigures(t *testing.T, view string, total int, target *int, achievement *big.Rat, rating string) {
	t.Helper()
	if total != 653 || target == nil || *target != 580 || achievement == nil || rating != "Sangat Berhasil" {
		t.Fatalf("%s 2024: total %d, target %v, rating %q; want 653, 580, Sangat Berhasil", view, total, target, rating)
	}
	if got := achievement.FloatString(2); got != "112.59" {
		t.Errorf("%s 2024: achievement %s, want 112.59", view, got)
	}
}
