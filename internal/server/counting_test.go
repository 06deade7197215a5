package server_test

import (
	"testing"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
)

// Each counting rule of the brief, through real gRPC.
func TestCountingRules(t *testing.T) {
	t.Run("repeated interventions of one type count the person once", func(t *testing.T) {
		e := newEnv(t)
		c := e.openCase(e.person("73.06.08", "").GetName(), "LANSIA_TELANTAR")
		for m := 1; m <= 12; m++ {
			e.deliver(c.GetName(), "PERMAKANAN", 2024, m, 5)
		}
		y := e.indicator(2024)
		if y.GetTotal() != 1 || y.GetUniquePersons() != 1 || typeCount(y, "PERMAKANAN") != 1 {
			t.Fatalf("total %d unique %d permakanan %d, want 1 1 1", y.GetTotal(), y.GetUniquePersons(), typeCount(y, "PERMAKANAN"))
		}
		if got := y.GetByMonth()[0].GetPersons(); got != 1 {
			t.Errorf("January = %d, want the person attributed to the first delivery's month", got)
		}
	})

	t.Run("voided interventions never count", func(t *testing.T) {
		e := newEnv(t)
		c := e.openCase(e.person("73.06.08", "").GetName(), "GELANDANGAN")
		iv := e.deliver(c.GetName(), "RUJUKAN", 2024, 3, 1)
		if got := e.indicator(2024).GetTotal(); got != 1 {
			t.Fatalf("before void: total %d, want 1", got)
		}
		if _, err := e.cases.VoidIntervention(e.ctx, &ppksv1.VoidInterventionRequest{Name: iv.GetName(), Reason: "Salah input"}); err != nil {
			t.Fatal(err)
		}
		y := e.indicator(2024)
		if y.GetTotal() != 0 || y.GetUniquePersons() != 0 || typeCount(y, "RUJUKAN") != 0 {
			t.Fatalf("after void: total %d unique %d, want 0", y.GetTotal(), y.GetUniquePersons())
		}
		// A voided record is kept, never deleted.
		got, err := e.cases.GetIntervention(e.ctx, &ppksv1.GetInterventionRequest{Name: iv.GetName()})
		if err != nil || got.GetIntervention().GetState() != ppksv1.InterventionState_INTERVENTION_STATE_VOIDED || got.GetIntervention().GetVoidReason() != "Salah input" {
			t.Fatalf("voided record = %v, %v", got, err)
		}
	})

	t.Run("the delivery date's calendar year decides: 31 December vs 1 January", func(t *testing.T) {
		e := newEnv(t)
		a := e.openCase(e.person("73.06.01", "").GetName(), "FAKIR_MISKIN")
		b := e.openCase(e.person("73.06.02", "").GetName(), "FAKIR_MISKIN")
		e.deliver(a.GetName(), "GRADUASI", 2024, 12, 31)
		e.deliver(b.GetName(), "GRADUASI", 2025, 1, 1)
		y24, y25 := e.indicator(2024), e.indicator(2025)
		if y24.GetTotal() != 1 || y25.GetTotal() != 1 {
			t.Fatalf("2024 total %d, 2025 total %d; want 1 and 1", y24.GetTotal(), y25.GetTotal())
		}
		if y24.GetByMonth()[11].GetPersons() != 1 || y25.GetByMonth()[0].GetPersons() != 1 {
			t.Errorf("months: 2024 Dec %d, 2025 Jan %d", y24.GetByMonth()[11].GetPersons(), y25.GetByMonth()[0].GetPersons())
		}
	})

	t.Run("a non-counting type is shown but not counted", func(t *testing.T) {
		e := newEnv(t)
		c := e.openCase(e.person("73.06.08", "").GetName(), "ANAK_TELANTAR")
		e.deliver(c.GetName(), "SANDANG", 2024, 4, 1)
		e.deliver(c.GetName(), "FASILITASI_ADMINDUK", 2024, 4, 2)
		y := e.indicator(2024)
		if y.GetTotal() != 0 || y.GetUniquePersons() != 0 {
			t.Fatalf("total %d unique %d, want 0 0", y.GetTotal(), y.GetUniquePersons())
		}
		if typeCount(y, "SANDANG") != 1 || typeCount(y, "FASILITASI_ADMINDUK") != 1 {
			t.Errorf("other services not shown: %v", y.GetOtherServices())
		}
		for _, c := range y.GetByInterventionType() {
			if c.GetInterventionType() == "SANDANG" {
				t.Errorf("SANDANG listed among the counted types")
			}
		}
	})

	t.Run("one person with two types: official counts twice, unduplicated once", func(t *testing.T) {
		e := newEnv(t)
		p := e.person("73.06.05", "")
		c1 := e.openCase(p.GetName(), "LANSIA_TELANTAR")
		c2 := e.openCase(p.GetName(), "GELANDANGAN")
		e.deliver(c1.GetName(), "PERMAKANAN", 2024, 2, 5)
		e.deliver(c2.GetName(), "RUJUKAN", 2024, 6, 7)
		y := e.indicator(2024)
		if y.GetTotal() != 2 || y.GetUniquePersons() != 1 {
			t.Fatalf("total %d unique %d, want 2 and 1", y.GetTotal(), y.GetUniquePersons())
		}
		var ppksSum int32
		for _, c := range y.GetByPpksType() {
			ppksSum += c.GetPersons()
		}
		if ppksSum != 2 {
			t.Errorf("byPpksType sums to %d, want 2", ppksSum)
		}
	})

	t.Run("the kecamatan where delivered is recorded, defaulting to the person's", func(t *testing.T) {
		e := newEnv(t)
		c := e.openCase(e.person("73.06.08", "").GetName(), "LANSIA_TELANTAR")
		iv := e.deliver(c.GetName(), "PERMAKANAN", 2024, 2, 5)
		if iv.GetKecamatanCode() != "73.06.08" {
			t.Fatalf("kecamatan = %q, want the person's 73.06.08", iv.GetKecamatanCode())
		}
		y := e.indicator(2024)
		if len(y.GetByKecamatan()) != 1 || y.GetByKecamatan()[0].GetKecamatanCode() != "73.06.08" || y.GetByKecamatan()[0].GetDisplayName() != "Somba Opu" {
			t.Fatalf("byKecamatan = %v", y.GetByKecamatan())
		}
	})

	t.Run("a year without a target has figures and no capaian", func(t *testing.T) {
		e := newEnv(t)
		c := e.openCase(e.person("73.06.08", "").GetName(), "LANSIA_TELANTAR")
		e.deliver(c.GetName(), "PERMAKANAN", 2024, 2, 5)
		y := e.indicator(2024)
		if y.GetTotal() != 1 || y.Target != nil || y.AchievementPercent != nil || y.GetRating() != "" {
			t.Fatalf("got total %d target %v capaian %v rating %q", y.GetTotal(), y.Target, y.AchievementPercent, y.GetRating())
		}
		code, body := e.do("GET", "/v1/indicators/penurunan-ppks/years/2024", nil)
		if code != 200 || body["total"] != float64(1) {
			t.Fatalf("REST: %d %v", code, body)
		}
		if _, ok := body["achievementPercent"]; ok {
			t.Errorf("REST shows a capaian without a target: %v", body["achievementPercent"])
		}
	})
}
