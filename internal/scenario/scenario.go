// Package scenario loads the 2024 reference scenario of Dinas Sosial Kabupaten Gowa: people,
// cases and interventions whose official figure per intervention type matches the 2024
// LKjIP (653 in all, against a target of 580), with people served by more than one type,
// monthly permakanan, non-counting services and voided records, so that a newcomer sees
// real numbers at once. The data is synthetic but deterministic: every load of a fresh
// database gives the same figures.
package scenario

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/opendinsos/ppks/internal/ppks"
)

// Year is the year of the scenario.
const Year = 2024

// group is a set of people of one PPKS category and the services each receives.
type group struct {
	ppksType string
	persons  int
	birth    [2]int // range of birth years
	withNIK  int    // percent of people registered with a NIK
	// services lists, per service, which people of the group (by index range) receive it.
	services []service
}

type service struct {
	interventionType string
	from, to         int // people [from, to) of the group
	monthly          bool
	unit             string
}

// Groups of the scenario. Persons per counted type: GRADUASI 200, PERMAKANAN 94+76=170,
// ALAT_BANTU 7, BIMBINGAN_FMSS 7, AKSES_PENDIDIKAN_KESEHATAN 193, PENELUSURAN_KELUARGA 15,
// REUNIFIKASI_KELUARGA 25, RUJUKAN 36: 653. People served by the SPM groups: anak telantar
// 276, lansia telantar 94, disabilitas 22, gelandangan dan pengemis 61, korban bencana 441.
var groups = []group{
	{ppksType: "FAKIR_MISKIN", persons: 200, birth: [2]int{1960, 1995}, withNIK: 95, services: []service{
		{interventionType: "GRADUASI", from: 0, to: 200, unit: "jiwa"},
	}},
	{ppksType: "LANSIA_TELANTAR", persons: 94, birth: [2]int{1935, 1964}, withNIK: 80, services: []service{
		{interventionType: "PERMAKANAN", from: 0, to: 94, monthly: true, unit: "paket"},
	}},
	{ppksType: "ANAK_TELANTAR", persons: 276, birth: [2]int{2007, 2020}, withNIK: 60, services: []service{
		{interventionType: "PERMAKANAN", from: 0, to: 76, monthly: true, unit: "paket"},
		{interventionType: "AKSES_PENDIDIKAN_KESEHATAN", from: 26, to: 219, unit: "kartu"}, // 50 also get permakanan
		{interventionType: "SANDANG", from: 219, to: 276, unit: "paket"},
		{interventionType: "FASILITASI_ADMINDUK", from: 219, to: 238, unit: "dokumen"},
		// Counted in families: people 0..47 are 24 pairs of siblings, 48..149 single
		// children of their own families: 126 families (keluarga).
		{interventionType: "BIMBINGAN_SOSIAL_KELUARGA", from: 0, to: 150, unit: "sesi"},
	}},
	{ppksType: "PENYANDANG_DISABILITAS", persons: 22, birth: [2]int{1950, 2005}, withNIK: 85, services: []service{
		{interventionType: "ALAT_BANTU", from: 0, to: 7, unit: "unit"},
		{interventionType: "BIMBINGAN_FMSS", from: 7, to: 14, unit: "sesi"},
		{interventionType: "SANDANG", from: 14, to: 22, unit: "paket"},
	}},
	{ppksType: "GELANDANGAN", persons: 61, birth: [2]int{1955, 2000}, withNIK: 20, services: []service{
		{interventionType: "PENELUSURAN_KELUARGA", from: 0, to: 15, unit: "kali"},
		{interventionType: "REUNIFIKASI_KELUARGA", from: 0, to: 25, unit: "kali"}, // the 15 traced are reunified too
		{interventionType: "RUJUKAN", from: 25, to: 61, unit: "kali"},
	}},
	{ppksType: "KORBAN_BENCANA_ALAM", persons: 441, birth: [2]int{1945, 2020}, withNIK: 70, services: []service{
		{interventionType: "BENCANA_MAKANAN", from: 0, to: 441, unit: "paket"},
	}},
}

// Targets of the scenario: the 2024 PK target, the Renstra targets and the 2023 realisasi
// recorded before the service existed.
var targets = []ppks.Target{
	{Year: 2023, Historical: ptr(563)},
	{Year: 2024, Value: ptr(580)},
	{Year: 2025, Renstra: ptr(600)},
	{Year: 2026, Renstra: ptr(615)},
}

func ptr(n int) *int { return &n }

// Summary says what a load holds, and how much of it this load wrote.
type Summary struct {
	Beneficiaries, Cases, Interventions, Voided, Verified int
	// Requests is how many requests with a request id the load sent (creates, verifications
	// and voids), Replayed how many of them an earlier load had already made: the store
	// answered those from its record and wrote nothing.
	Requests, Replayed int
}

// People is how many people the scenario registers.
var People = func() int {
	n := 0
	for _, g := range groups {
		n += g.persons
	}
	return n
}()

// familyCard gives the anak telantar served by family guidance their KK numbers: people
// 0..47 of the group are pairs of siblings, 48..149 children of their own families.
func familyCard(g group, p int) string {
	if g.ppksType != "ANAK_TELANTAR" || p >= 150 {
		return ""
	}
	family := p
	if p < 48 {
		family = p / 2
	}
	return fmt.Sprintf("7306%02d010124%04d", 1+family%18, family+1)
}

// Load writes the scenario through the domain service, so every record passes the same
// checks as one sent by a field app. Request ids derive from the scenario's own positions,
// so loading twice writes nothing new the second time.
func Load(ctx context.Context, svc *ppks.Service) (Summary, error) {
	return LoadReporting(ctx, svc, nil)
}

// LoadReporting is Load that calls progress, when not nil, with the summary so far after
// each person.
func LoadReporting(ctx context.Context, svc *ppks.Service, progress func(Summary)) (Summary, error) {
	ctx = ppks.WithPrincipal(ctx, ppks.SystemPrincipal)
	var sum Summary
	// noted returns the context of one request, and a function that counts it once it
	// succeeded, as a replay when the store answered it from an earlier load.
	noted := func() (context.Context, func()) {
		rctx, replayed := ppks.WithReplayNote(ctx)
		return rctx, func() {
			sum.Requests++
			if *replayed {
				sum.Replayed++
			}
		}
	}
	rng := rand.New(rand.NewPCG(2024, 73_06))
	ids := newIDs()
	names := newNamer(rng)
	kec := svc.Catalog.Kecamatan
	for gi, g := range groups {
		for p := 0; p < g.persons; p++ {
			k := kec[rng.IntN(len(kec))]
			b := names.person(k, g, p)
			b.KK = familyCard(g, p)
			rctx, done := noted()
			person, err := svc.CreateBeneficiary(rctx, ids.key("b", gi, p, 0, b), ids.id("b", gi, p, 0), b)
			if err != nil {
				return sum, fmt.Errorf("%s person %d: %w", g.ppksType, p, err)
			}
			done()
			sum.Beneficiaries++
			opened := ppks.Date{Year: Year - 1, Month: 12, Day: 1 + rng.IntN(31)}
			kase := ppks.Case{PpksType: g.ppksType, OpenedOn: opened, AssignedWorker: names.worker(rng)}
			rctx, done = noted()
			c, err := svc.CreateCase(rctx, ids.key("c", gi, p, 0, kase), person.ID, ids.id("c", gi, p, 0), kase)
			if err != nil {
				return sum, fmt.Errorf("%s case %d: %w", g.ppksType, p, err)
			}
			done()
			sum.Cases++
			for si, s := range g.services {
				if p < s.from || p >= s.to {
					continue
				}
				for _, d := range deliveries(rng, s, gi, p) {
					iv := ppks.Intervention{InterventionType: s.interventionType, DeliveredOn: d, Quantity: 1, Unit: s.unit}
					n := si*1000 + d.Month
					rctx, done := noted()
					rec, err := svc.CreateIntervention(rctx, ids.key("i", gi, p, n, iv), person.ID, c.ID, ids.id("i", gi, p, n), iv)
					if err != nil {
						return sum, fmt.Errorf("%s %s %d: %w", g.ppksType, s.interventionType, p, err)
					}
					done()
					sum.Interventions++
					// Supervisors have checked the year up to November; December waits.
					if d.Month < 12 && rec.Verification == ppks.VerificationPending {
						rctx, done := noted()
						if _, err := svc.VerifyIntervention(rctx, ids.key("y", gi, p, n, rec.ID), person.ID, c.ID, rec.ID); err != nil {
							return sum, fmt.Errorf("verify %s %d: %w", s.interventionType, p, err)
						}
						done()
						sum.Verified++
					}
				}
			}
			// Every tenth permakanan recipient got a record entered twice by mistake,
			// later voided: it must not change the figure.
			if g.services[0].interventionType == "PERMAKANAN" && p%10 == 0 {
				iv := ppks.Intervention{InterventionType: "PERMAKANAN", DeliveredOn: ppks.Date{Year: Year, Month: 3, Day: 5}, Quantity: 1, Unit: "paket"}
				rctx, done := noted()
				dup, err := svc.CreateIntervention(rctx, ids.key("d", gi, p, 0, iv), person.ID, c.ID, ids.id("d", gi, p, 0), iv)
				if err != nil {
					return sum, fmt.Errorf("duplicate %d: %w", p, err)
				}
				done()
				rctx, done = noted()
				if _, err := svc.VoidIntervention(rctx, ids.key("v", gi, p, 0, dup.ID), person.ID, c.ID, dup.ID, "Tercatat dua kali"); err != nil {
					return sum, fmt.Errorf("void %d: %w", p, err)
				}
				done()
				sum.Interventions++
				sum.Voided++
			}
			if progress != nil {
				progress(sum)
			}
		}
	}
	for _, t := range targets {
		t.Indicator = ppks.IndicatorID
		cur, err := svc.GetTarget(ctx, t.Indicator, t.Year)
		if err != nil && ppks.KindOf(err) != ppks.KindNotFound {
			return sum, fmt.Errorf("target %d: %w", t.Year, err)
		}
		if err == nil && same(cur.Value, t.Value) && same(cur.Renstra, t.Renstra) && same(cur.Historical, t.Historical) {
			continue // written by an earlier load
		}
		var paths []string
		if t.Value != nil {
			paths = append(paths, "value")
		}
		if t.Renstra != nil {
			paths = append(paths, "renstra_value")
		}
		if t.Historical != nil {
			paths = append(paths, "historical_value")
		}
		if _, err := svc.UpdateTarget(ctx, t, paths, true); err != nil {
			return sum, fmt.Errorf("target %d: %w", t.Year, err)
		}
	}
	if err := loadReportInputs(ctx, svc); err != nil { // budget.go: budget, programme indicators, Renstra
		return sum, err
	}
	return sum, nil
}

// deliveries returns the dates a person receives a service in the year: monthly on the
// fifth, or once on a day spread over the year (graduation decisions at the year's end,
// the last on 31 December, so the year boundary is part of the scenario).
func deliveries(rng *rand.Rand, s service, gi, p int) []ppks.Date {
	if s.monthly {
		out := make([]ppks.Date, 12)
		for m := range out {
			out[m] = ppks.Date{Year: Year, Month: m + 1, Day: 5}
		}
		return out
	}
	if s.interventionType == "GRADUASI" {
		return []ppks.Date{{Year: Year, Month: 12, Day: 10 + p%22}}
	}
	m := 1 + rng.IntN(12)
	return []ppks.Date{{Year: Year, Month: m, Day: 1 + rng.IntN(ppks.DaysIn(Year, m))}}
}
