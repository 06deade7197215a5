package ppks_test

import (
	"testing"

	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/scenario"
)

// The dashboard on the 2024 scenario: a kecamatan's view adds up to the kabupaten's, the
// supervisor sees every count and may drill down, the planner gets small cells hidden.
func TestDashboard(t *testing.T) {
	svc, _ := sessionService(t)
	ctx := t.Context()
	if _, err := scenario.Load(ctx, svc); err != nil {
		t.Fatal(err)
	}
	supervisor := ppks.WithPrincipal(ctx, &ppks.Principal{Username: "kabid", Role: ppks.RoleSupervisor})
	planner := ppks.WithPrincipal(ctx, &ppks.Principal{Username: "perencana", Role: ppks.RolePlanner})
	worker := ppks.WithPrincipal(ctx, &ppks.Principal{Username: "petugas", Role: ppks.RoleWorker, Kecamatan: []string{"73.06.08"}})
	if _, err := svc.Dashboard(worker, 2024, ""); ppks.KindOf(err) != ppks.KindPermissionDenied {
		t.Errorf("a worker's dashboard: %v", err)
	}
	if _, err := svc.Dashboard(supervisor, 2024, "99.99.99"); ppks.KindOf(err) != ppks.KindInvalid {
		t.Errorf("an unknown kecamatan: %v", err)
	}
	d, err := svc.Dashboard(supervisor, 2024, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Indicator.Total != 653 || d.Suppressed || !d.DrillDown || d.Indicator.Rating != "Sangat Berhasil" {
		t.Fatalf("supervisor's dashboard: total %d suppressed %v drill %v rating %q", d.Indicator.Total, d.Suppressed, d.DrillDown, d.Indicator.Rating)
	}
	sum := 0
	for _, k := range d.ByKecamatan {
		kd, err := svc.Dashboard(supervisor, 2024, k.Key)
		if err != nil {
			t.Fatal(err)
		}
		if kd.Indicator.Total != k.Persons {
			t.Errorf("kecamatan %s: its view counts %d, the kabupaten's bar %d", k.Key, kd.Indicator.Total, k.Persons)
		}
		months := 0
		for _, m := range kd.ByMonth {
			months += m.Persons
		}
		if months != kd.Indicator.Total || kd.Indicator.Target != nil {
			t.Errorf("kecamatan %s: months add up to %d of %d; target %v (the kabupaten's only)", k.Key, months, kd.Indicator.Total, kd.Indicator.Target)
		}
		sum += kd.Indicator.Total
	}
	if sum != 653 {
		t.Errorf("the kecamatan views add up to %d, want 653", sum)
	}

	p, err := svc.Dashboard(planner, 2024, "")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Suppressed || p.DrillDown || p.Indicator.Total != 653 {
		t.Fatalf("planner's dashboard: suppressed %v drill %v total %d", p.Suppressed, p.DrillDown, p.Indicator.Total)
	}
	hiddenSomewhere := false
	for _, k := range d.ByKecamatan {
		kd, err := svc.Dashboard(planner, 2024, k.Key)
		if err != nil {
			t.Fatal(err)
		}
		for _, figs := range [][]ppks.Figure{kd.ByType, kd.ByMonth, kd.ByPpksType} {
			for _, f := range figs {
				if !f.Hidden && f.Persons >= 1 && f.Persons <= kd.Threshold {
					t.Errorf("planner, kecamatan %s: %s shows %d", k.Key, f.Key, f.Persons)
				}
				if f.Hidden {
					hiddenSomewhere = true
					if f.Persons != 0 {
						t.Errorf("a hidden figure carries its value %d", f.Persons)
					}
				}
			}
		}
		if kd.DetailHidden && (kd.Indicator.UniquePersons != 0 || kd.Indicator.TotalVerified != 0) {
			t.Errorf("kecamatan %s: hidden details still carry values", k.Key)
		}
	}
	if !hiddenSomewhere {
		t.Error("no small cell hidden in any kecamatan of the scenario (ALAT_BANTU has 7 persons in all)")
	}
}
