// Package synth generates realistic synthetic records at a chosen scale, for benchmarks
// and load tests: people with and without NIK and KK numbers across the kecamatan of
// several kabupaten, cases over the PPKS categories, and interventions over several
// years with the repetition of real caseloads (monthly permakanan), some voided, some
// corrected, in every verification state. The same configuration and seed always give
// the same records.
package synth

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// Config says how much to generate.
type Config struct {
	Interventions       int // exactly this many
	Kabupaten           int // the catalog's own, plus synthetic ones (regions.go)
	FirstYear, LastYear int // the years deliveries fall in
	Seed                uint64
}

// Summary counts what was generated.
type Summary struct {
	People, WithNIK, WithKK, Cases   int
	Interventions, Voided, Corrected int
	Verified, Rejected               int
	Kabupaten, Kecamatan, Years      int
	MonthlyPermakanan                int           // cases receiving permakanan month after month
	Load, Rebuild, Elapsed           time.Duration // generating and writing the rows; RebuildCounts
	InterventionsPerSecond           float64
}

// Generate writes the records into db (through sqlite.DB.BulkLoad, which then rebuilds
// the maintained counts). Load into a new database: the rows bypass the service.
func Generate(ctx context.Context, db *sqlite.DB, cat *ppks.Catalog, cfg Config) (Summary, error) {
	if cfg.Interventions < 1 || cfg.Kabupaten < 1 || cfg.FirstYear < 2000 || cfg.LastYear < cfg.FirstYear {
		return Summary{}, errors.New("synth: need interventions >= 1, kabupaten >= 1 and years from 2000 on")
	}
	g := newGenerator(cat, cfg)
	start := time.Now()
	err := db.BulkLoad(ctx, func(l *sqlite.Loader) error {
		for g.sum.Interventions < cfg.Interventions {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := g.person(l); err != nil {
				return err
			}
		}
		err := l.Flush()
		g.sum.Load = time.Since(start)
		return err
	})
	g.sum.Elapsed = time.Since(start)
	g.sum.Rebuild = g.sum.Elapsed - g.sum.Load
	g.sum.InterventionsPerSecond = float64(g.sum.Interventions) / g.sum.Elapsed.Seconds()
	if err != nil {
		return g.sum, fmt.Errorf("synth: %w", err)
	}
	return g.sum, nil
}

// generator holds the state of one run.
type generator struct {
	cfg     Config
	cat     *ppks.Catalog
	rng     *rand.Rand
	regions []kabupaten
	kabPick []int // index into regions, repeated by weight
	ppks    []string
	ids     *identities
	seq     uint64
	sum     Summary
	// The household being filled: people of one family share its KK and kecamatan.
	household struct{ kk, kec string }
}

func newGenerator(cat *ppks.Catalog, cfg Config) *generator {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	g := &generator{cfg: cfg, cat: cat, rng: rng, regions: regions(cat, cfg.Kabupaten, rng), ids: newIdentities()}
	for i, k := range g.regions {
		for range k.weight {
			g.kabPick = append(g.kabPick, i)
		}
		g.sum.Kecamatan += len(k.kecamatan)
	}
	for _, t := range cat.PpksTypes {
		for range profileOf(t.Code).weight {
			g.ppks = append(g.ppks, t.Code)
		}
	}
	g.sum.Kabupaten, g.sum.Years = len(g.regions), cfg.LastYear-cfg.FirstYear+1
	return g
}

// id returns a UUIDv7-shaped id; ids sort in the order they were made, as the service's
// time-ordered ones do, which also keeps the bulk inserts appending to their indexes.
func (g *generator) id() string {
	g.seq++
	ms := uint64(1_700_000_000_000) + g.seq
	a, b := g.rng.Uint64(), g.rng.Uint64()
	return fmt.Sprintf("%08x-%04x-7%03x-%04x-%012x", ms>>16, ms&0xffff, a&0xfff, 0x8000|(a>>12)&0x3fff, b&0xffffffffffff)
}

// person generates one person with their cases and interventions.
func (g *generator) person(l *sqlite.Loader) error {
	kab := g.regions[g.kabPick[g.rng.IntN(len(g.kabPick))]]
	kec := kab.kecamatan[g.rng.IntN(len(kab.kecamatan))]
	kk := ""
	switch r := g.rng.Float64(); {
	case r < 0.25 && g.household.kk != "": // another member of the last household
		kk, kec = g.household.kk, g.household.kec
	case r < 0.75:
		kk = g.ids.kk(kec)
		g.household.kk, g.household.kec = kk, kec
	default:
		g.household.kk = "" // no family card on record
	}
	ppksType := g.ppks[g.rng.IntN(len(g.ppks))]
	female := g.rng.IntN(2) == 0
	birth := birthDate(g.rng, ppksType, g.cfg.LastYear)
	first := g.date(g.cfg.FirstYear, g.cfg.LastYear)
	b := &ppks.Beneficiary{
		ID: g.id(), FullName: name(g.rng, female), Sex: ppks.SexMale, BirthDate: birth, KecamatanCode: kec,
		Desa: fmt.Sprintf("Desa %d", 1+g.rng.IntN(20)), Address: fmt.Sprintf("Dusun %d RT %03d", 1+g.rng.IntN(6), 1+g.rng.IntN(12)),
		KK: kk, Revision: 1,
	}
	if female {
		b.Sex = ppks.SexFemale
	}
	if g.rng.Float64() < 0.85 {
		b.NIK = g.ids.nik(kec, birth, female)
	}
	b.CreateTime = at(first, g.rng)
	b.UpdateTime = b.CreateTime
	g.sum.People++
	if b.NIK != "" {
		g.sum.WithNIK++
	}
	if kk != "" {
		g.sum.WithKK++
	}
	if err := l.Beneficiary(b); err != nil {
		return err
	}
	nCases := 1
	if g.rng.Float64() < 0.2 {
		nCases = 2
	}
	for i := range nCases {
		if i > 0 {
			ppksType = g.ppks[g.rng.IntN(len(g.ppks))]
		}
		if err := g.caseOf(l, b, kab, ppksType, first); err != nil {
			return err
		}
		if g.sum.Interventions >= g.cfg.Interventions {
			break
		}
	}
	return nil
}

// caseOf generates a case and its interventions: monthly permakanan for a run of
// months, a few one-off services, perhaps a graduation closing it.
func (g *generator) caseOf(l *sqlite.Loader, b *ppks.Beneficiary, kab kabupaten, ppksType string, start ppks.Date) error {
	p := profileOf(ppksType)
	c := &ppks.Case{
		ID: g.id(), BeneficiaryID: b.ID, PpksType: ppksType, OpenedOn: start, State: ppks.CaseOpen,
		AssignedWorker: "Pendamping " + b.KecamatanCode, Revision: 1,
		CreateTime: at(start, g.rng),
	}
	c.UpdateTime = c.CreateTime
	var deliveries []delivery
	if g.rng.Float64() < p.monthly {
		g.sum.MonthlyPermakanan++
		day := 1 + g.rng.IntN(10)
		for m := range 3 + g.rng.IntN(34) {
			d := addMonths(start, m)
			d.Day = day
			if d.Year > g.cfg.LastYear {
				break
			}
			deliveries = append(deliveries, delivery{"PERMAKANAN", d})
		}
	}
	for range 1 + g.rng.IntN(3) {
		d := addDays(start, g.rng.IntN(540))
		if d.Year <= g.cfg.LastYear {
			deliveries = append(deliveries, delivery{p.services[g.rng.IntN(len(p.services))], d})
		}
	}
	if p.graduate > 0 && g.rng.Float64() < p.graduate && len(deliveries) > 0 {
		last := deliveries[len(deliveries)-1].on
		deliveries = append(deliveries, delivery{ppks.GraduationType, last})
		c.State, c.Outcome, c.ClosedOn, c.CloseNote = ppks.CaseClosed, ppks.OutcomeGraduated, last, "Graduasi"
	}
	g.sum.Cases++
	if err := l.Case(c); err != nil {
		return err
	}
	for _, d := range deliveries {
		if g.sum.Interventions >= g.cfg.Interventions {
			return nil
		}
		if _, ok := g.cat.InterventionType(d.typ); !ok { // reference data without the type
			d.typ = g.cat.InterventionTypes[g.rng.IntN(len(g.cat.InterventionTypes))].Code
		}
		if err := l.Intervention(g.intervention(b, c, kab, d)); err != nil {
			return err
		}
	}
	return nil
}

type delivery struct {
	typ string
	on  ppks.Date
}

// intervention builds one delivery: mostly in the person's kecamatan, some voided or
// corrected, verified mostly in the years already closed.
func (g *generator) intervention(b *ppks.Beneficiary, c *ppks.Case, kab kabupaten, d delivery) *ppks.Intervention {
	kec := b.KecamatanCode
	if g.rng.Float64() < 0.05 {
		kec = kab.kecamatan[g.rng.IntN(len(kab.kecamatan))]
	}
	iv := &ppks.Intervention{
		ID: g.id(), BeneficiaryID: b.ID, CaseID: c.ID, InterventionType: d.typ, DeliveredOn: d.on,
		KecamatanCode: kec, Worker: c.AssignedWorker, Quantity: 1, Unit: "paket",
		State: ppks.InterventionActive, Verification: ppks.VerificationPending, Revision: 1,
		CreateTime: at(d.on, g.rng),
	}
	if d.typ == "PERMAKANAN" {
		iv.Quantity, iv.Unit = 30, "porsi"
	}
	iv.UpdateTime = iv.CreateTime
	verified, rejected := 0.85, 0.02
	if d.on.Year == g.cfg.LastYear {
		verified, rejected = 0.45, 0.01
	}
	switch r := g.rng.Float64(); {
	case r < rejected:
		iv.Verification, iv.RejectReason = ppks.VerificationRejected, "Tidak ada bukti penyerahan"
	case r < rejected+verified:
		iv.Verification = ppks.VerificationVerified
	}
	if iv.Verification != ppks.VerificationPending {
		iv.VerifiedBy, iv.VerifyTime = "supervisor", iv.CreateTime.Add(240*time.Hour)
		iv.UpdateTime = iv.VerifyTime
	}
	switch r := g.rng.Float64(); {
	case r < 0.02:
		iv.State, iv.VoidReason, iv.VoidTime = ppks.InterventionVoided, "Salah input", iv.CreateTime.Add(48*time.Hour)
		iv.UpdateTime = iv.VoidTime
		g.sum.Voided++
	case r < 0.035:
		iv.Revision, iv.Notes = 2, "Dikoreksi: tanggal penyerahan"
		iv.UpdateTime = iv.CreateTime.Add(72 * time.Hour)
		g.sum.Corrected++
	}
	switch iv.Verification {
	case ppks.VerificationVerified:
		g.sum.Verified++
	case ppks.VerificationRejected:
		g.sum.Rejected++
	}
	g.sum.Interventions++
	return iv
}

// date returns a random date in the years, before December so that monthly runs start
// with a month to go.
func (g *generator) date(first, last int) ppks.Date {
	return ppks.Date{Year: first + g.rng.IntN(last-first+1), Month: 1 + g.rng.IntN(11), Day: 1 + g.rng.IntN(28)}
}

// at returns a time of day on the date, in the office hours of UTC+8, as UTC.
func at(d ppks.Date, rng *rand.Rand) time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC).
		Add(time.Duration(60+rng.IntN(480)) * time.Minute).Truncate(time.Microsecond)
}

func addMonths(d ppks.Date, n int) ppks.Date {
	t := time.Date(d.Year, time.Month(d.Month)+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return ppks.Date{Year: t.Year(), Month: int(t.Month()), Day: d.Day}
}

func addDays(d ppks.Date, n int) ppks.Date {
	t := time.Date(d.Year, time.Month(d.Month), d.Day+n, 0, 0, 0, 0, time.UTC)
	return ppks.Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}
}
