package storetest

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/opendinsos/ppks/internal/ppks"
)

func testTargets(t *testing.T, f *fixture) {
	_, err := f.s.GetTarget(f.ctx, ppks.IndicatorID, 2025)
	wantErr(t, err, ppks.KindNotFound, "")

	// Not there: the callback sees a fresh target, and may refuse to create it.
	_, err = f.w().UpsertTarget(ppks.Op{}, ppks.IndicatorID, 2025, func(tg *ppks.Target, exists bool) error {
		if exists {
			t.Error("exists = true for a year without targets")
		}
		if diff := cmp.Diff(&ppks.Target{Indicator: ppks.IndicatorID, Year: 2025}, tg); diff != "" {
			t.Errorf("fresh target (-want +got):\n%s", diff)
		}
		return ppks.NotFound(tg.Name())
	})
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.s.GetTarget(f.ctx, ppks.IndicatorID, 2025)
	wantErr(t, err, ppks.KindNotFound, "")

	value, renstra, historical := 1200, 1500, 0
	want := &ppks.Target{Indicator: ppks.IndicatorID, Year: 2025, Value: &value, Renstra: &renstra, UpdateTime: baseTime}
	got, err := f.w().UpsertTarget(ppks.Op{}, ppks.IndicatorID, 2025, func(tg *ppks.Target, exists bool) error {
		if exists {
			t.Error("exists = true for a year without targets")
		}
		tg.Value, tg.Renstra, tg.UpdateTime = &value, &renstra, baseTime
		return nil
	})
	if err != nil {
		t.Fatalf("UpsertTarget create: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("UpsertTarget create (-want +got):\n%s", diff)
	}
	if got, err := f.s.GetTarget(f.ctx, ppks.IndicatorID, 2025); err != nil || !cmp.Equal(want, got) {
		t.Errorf("GetTarget = %+v, %v; want %+v", got, err, want)
	}

	// There: the callback sees the stored values; a nil value clears one, zero is kept.
	later := baseTime.Add(3600e9)
	want2 := &ppks.Target{Indicator: ppks.IndicatorID, Year: 2025, Renstra: &renstra, Historical: &historical, UpdateTime: later}
	got, err = f.w().UpsertTarget(ppks.Op{}, ppks.IndicatorID, 2025, func(tg *ppks.Target, exists bool) error {
		if !exists {
			t.Error("exists = false for a year with targets")
		}
		if diff := cmp.Diff(want, tg); diff != "" {
			t.Errorf("stored target given to update (-want +got):\n%s", diff)
		}
		tg.Value, tg.Historical, tg.UpdateTime = nil, &historical, later
		return nil
	})
	if err != nil {
		t.Fatalf("UpsertTarget update: %v", err)
	}
	if diff := cmp.Diff(want2, got); diff != "" {
		t.Errorf("UpsertTarget update (-want +got):\n%s", diff)
	}
	if got, err := f.s.GetTarget(f.ctx, ppks.IndicatorID, 2025); err != nil || !cmp.Equal(want2, got) {
		t.Errorf("GetTarget = %+v, %v; want %+v", got, err, want2)
	}

	// Other indicators and years are separate.
	if _, err := f.s.GetTarget(f.ctx, "other", 2025); ppks.KindOf(err) != ppks.KindNotFound {
		t.Errorf("GetTarget of another indicator: err %v, want NotFound", err)
	}
	if _, err := f.s.GetTarget(f.ctx, ppks.IndicatorID, 2024); ppks.KindOf(err) != ppks.KindNotFound {
		t.Errorf("GetTarget of another year: err %v, want NotFound", err)
	}
	list, err := f.s.ListTargets(f.ctx, ppks.IndicatorID, all)
	if err != nil || len(list) != 1 || !cmp.Equal(want2, list[0]) {
		t.Errorf("ListTargets = %+v, %v; want [%+v]", list, err, want2)
	}

	// A retried upsert returns the targets as they are and calls nothing.
	op := newOp("UpdateTarget", "p")
	first, err := f.w().UpsertTarget(op, ppks.IndicatorID, 2026, func(tg *ppks.Target, _ bool) error {
		tg.Value, tg.UpdateTime = &value, baseTime
		return nil
	})
	if err != nil {
		t.Fatalf("UpsertTarget: %v", err)
	}
	again, err := f.w().UpsertTarget(op, ppks.IndicatorID, 2026, func(*ppks.Target, bool) error {
		t.Error("replayed UpsertTarget called update")
		return nil
	})
	if err != nil {
		t.Fatalf("UpsertTarget replay: %v", err)
	}
	if diff := cmp.Diff(first, again); diff != "" || again == nil {
		t.Errorf("replayed UpsertTarget (-first +replay):\n%s", diff)
	}
}

func testCountFacts(t *testing.T, f *fixture) {
	d := func(y, m, day int) ppks.Date { return ppks.Date{Year: y, Month: m, Day: day} }
	deliver := func(c *ppks.Case, typ string, on ppks.Date, kec string, voided bool) *ppks.Intervention {
		return f.deliver(t, c, func(iv *ppks.Intervention) {
			iv.InterventionType, iv.DeliveredOn, iv.KecamatanCode = typ, on, kec
			if voided {
				iv.State, iv.VoidReason, iv.VoidTime = ppks.InterventionVoided, "salah", baseTime
			}
		})
	}

	// Siti: PERMAKANAN three times in 2024, once voided (the earliest). The first active
	// delivery is in her lansia case in kecamatan B, recorded after a later one in A.
	siti := f.person(t, nil)
	sitiAnak := f.openCase(t, siti, func(c *ppks.Case) { c.PpksType = anak })
	sitiLansia := f.openCase(t, siti, func(c *ppks.Case) { c.PpksType = lansia })
	deliver(sitiAnak, permakanan, d(2024, 1, 15), kecA, true)
	deliver(sitiAnak, permakanan, d(2024, 3, 10), kecA, false)
	deliver(sitiLansia, permakanan, d(2024, 2, 1), kecB, false)
	deliver(sitiAnak, permakanan, d(2024, 11, 30), kecC, false)
	// ... and ALAT_BANTU once: a second fact for her.
	deliver(sitiAnak, alatBantu, d(2024, 5, 5), kecA, false)

	// Ahmad: GRADUASI on 31 Dec 2023 and 1 Jan 2025: nothing in 2024.
	ahmad := f.person(t, func(b *ppks.Beneficiary) { b.KecamatanCode = kecB })
	ahmadCase := f.openCase(t, ahmad, nil)
	deliver(ahmadCase, graduasi, d(2023, 12, 31), kecB, false)
	deliver(ahmadCase, graduasi, d(2025, 1, 1), kecB, false)

	// Nur: only a voided intervention in 2024.
	nur := f.person(t, nil)
	nurCase := f.openCase(t, nur, nil)
	deliver(nurCase, alatBantu, d(2024, 4, 4), kecA, true)

	// Budi: two deliveries on the same day: the one with the lower id is first, whatever
	// the order they were recorded in.
	budi := f.person(t, func(b *ppks.Beneficiary) { b.KecamatanCode = kecC })
	budiCase := f.openCase(t, budi, func(c *ppks.Case) { c.PpksType = lansia })
	low, high := newID(), newID()
	for _, p := range []struct{ id, kec string }{{high, kecA}, {low, kecC}} {
		f.deliver(t, budiCase, func(iv *ppks.Intervention) {
			iv.ID, iv.InterventionType, iv.DeliveredOn, iv.KecamatanCode = p.id, bimbingan, d(2024, 7, 7), p.kec
		})
	}

	tests := []struct {
		year int
		want []ppks.CountFact
	}{
		{2024, []ppks.CountFact{
			{InterventionType: permakanan, BeneficiaryID: siti.ID, FirstDelivered: d(2024, 2, 1), KecamatanCode: kecB, PpksType: lansia, FamilyKey: "person:" + siti.ID},
			{InterventionType: alatBantu, BeneficiaryID: siti.ID, FirstDelivered: d(2024, 5, 5), KecamatanCode: kecA, PpksType: anak, FamilyKey: "person:" + siti.ID},
			{InterventionType: bimbingan, BeneficiaryID: budi.ID, FirstDelivered: d(2024, 7, 7), KecamatanCode: kecC, PpksType: lansia, FamilyKey: "person:" + budi.ID},
		}},
		{2023, []ppks.CountFact{
			{InterventionType: graduasi, BeneficiaryID: ahmad.ID, FirstDelivered: d(2023, 12, 31), KecamatanCode: kecB, PpksType: anak, FamilyKey: "person:" + ahmad.ID},
		}},
		{2025, []ppks.CountFact{
			{InterventionType: graduasi, BeneficiaryID: ahmad.ID, FirstDelivered: d(2025, 1, 1), KecamatanCode: kecB, PpksType: anak, FamilyKey: "person:" + ahmad.ID},
		}},
		{2022, nil},
	}
	for _, tt := range tests {
		got, err := f.s.CountFacts(f.ctx, tt.year)
		if err != nil {
			t.Fatalf("CountFacts(%d): %v", tt.year, err)
		}
		sortFacts(got)
		sortFacts(tt.want)
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("CountFacts(%d) (-want +got):\n%s", tt.year, diff)
		}
	}

	// Voiding the first delivery moves the fact to the next one.
	first, err := f.s.ListInterventions(f.ctx, ppks.InterventionFilter{CaseID: sitiLansia.ID}, all)
	if err != nil || len(first) != 1 {
		t.Fatalf("ListInterventions = %v, %v", first, err)
	}
	if _, err := f.w().UpdateIntervention(ppks.Op{}, siti.ID, sitiLansia.ID, first[0].ID, func(iv *ppks.Intervention) error {
		iv.State, iv.VoidReason, iv.VoidTime = ppks.InterventionVoided, "ganda", baseTime
		return nil
	}); err != nil {
		t.Fatalf("UpdateIntervention: %v", err)
	}
	got, err := f.s.CountFacts(f.ctx, 2024)
	if err != nil {
		t.Fatalf("CountFacts: %v", err)
	}
	want := ppks.CountFact{InterventionType: permakanan, BeneficiaryID: siti.ID, FirstDelivered: d(2024, 3, 10), KecamatanCode: kecA, PpksType: anak, FamilyKey: "person:" + siti.ID}
	found := false
	for _, fct := range got {
		if fct.InterventionType == permakanan && fct.BeneficiaryID == siti.ID {
			found = true
			if diff := cmp.Diff(want, fct); diff != "" {
				t.Errorf("fact after voiding the first delivery (-want +got):\n%s", diff)
			}
		}
	}
	if !found || len(got) != 3 {
		t.Errorf("CountFacts(2024) after voiding = %+v, want 3 facts including %+v", got, want)
	}
}

func sortFacts(fs []ppks.CountFact) {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].InterventionType != fs[j].InterventionType {
			return fs[i].InterventionType < fs[j].InterventionType
		}
		return fs[i].BeneficiaryID < fs[j].BeneficiaryID
	})
}

func testConcurrentCreates(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	c := f.openCase(t, b, nil)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n+5)
	for i := range n {
		wg.Go(func() {
			op := newOp("CreateIntervention", fmt.Sprint(i))
			_, err := f.w().CreateIntervention(op, b.ID, c.ID, func(b *ppks.Beneficiary, c *ppks.Case) (*ppks.Intervention, error) {
				iv := newIntervention()
				iv.BeneficiaryID, iv.CaseID = b.ID, c.ID
				return iv, nil
			})
			if err != nil {
				errs <- fmt.Errorf("goroutine %d: %w", i, err)
			}
		})
	}
	// The same request sent five times at once is stored once.
	same := newOp("CreateIntervention", "same")
	results := make(chan string, 5)
	for range 5 {
		wg.Go(func() {
			op := same // each retry is a request of its own, with its own audit entry
			op.Audit = newAudit("CreateIntervention", same.Key.ID)
			iv, err := f.w().CreateIntervention(op, b.ID, c.ID, func(b *ppks.Beneficiary, c *ppks.Case) (*ppks.Intervention, error) {
				iv := newIntervention()
				iv.BeneficiaryID, iv.CaseID = b.ID, c.ID
				return iv, nil
			})
			if err != nil {
				errs <- fmt.Errorf("same key: %w", err)
				return
			}
			results <- iv.ID
		})
	}
	wg.Wait()
	close(errs)
	close(results)
	for err := range errs {
		t.Error(err)
	}
	var ids []string
	for id := range results {
		ids = append(ids, id)
	}
	for _, id := range ids {
		if id != ids[0] {
			t.Errorf("same request answered with %v, want one id", ids)
			break
		}
	}
	if got := f.interventions(t, ppks.InterventionFilter{}); len(got) != n+1 {
		t.Errorf("%d interventions stored, want %d", len(got), n+1)
	}
	// One audit entry per intervention stored: the retries that were answered from the
	// first request appended none.
	entries := f.audit(t, ppks.AuditFilter{Method: "CreateIntervention"})
	if len(entries) != n+1 {
		t.Errorf("%d CreateIntervention audit entries, want %d", len(entries), n+1)
	}
	sameEntries := 0
	for _, e := range entries {
		if e.RequestID == same.Key.ID {
			sameEntries++
		}
	}
	if sameEntries != 1 {
		t.Errorf("%d audit entries of the request sent five times, want 1", sameEntries)
	}
}
