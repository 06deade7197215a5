package scenario

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"

	"github.com/opendinsos/ppks/internal/ppks"
)

var (
	maleNames   = []string{"Andi", "Muhammad", "Abdul", "Ahmad", "Syamsul", "Baharuddin", "Usman", "Rahman", "Jufri", "Hasan", "Arifin", "Daeng Ngalle", "Amir", "Sudirman", "Kamaruddin", "Ilham", "Rizal", "Fajar"}
	femaleNames = []string{"Siti", "Nurhayati", "Hasnah", "Sitti Aminah", "Rosmini", "Hadijah", "Nurlina", "Suriani", "Jumiati", "Kasmawati", "Rahmawati", "Fatimah", "Nuraeni", "Ramlah", "Sakinah", "Indah", "Putri", "Wahyuni"}
	familyNames = []string{"Daeng Tompo", "Dg. Sese", "Lallo", "Rapi", "Sanusi", "Mappiasse", "Tika", "Baso", "Nompo", "Sila", "Lewa", "Kulle", "Bunga", "Beta", "Tutu", "Situju"}
	desaNames   = []string{"Desa Bontolangkasa", "Kelurahan Tombolo", "Desa Pabentengang", "Kelurahan Sungguminasa", "Desa Manjalling", "Desa Tanakaraeng"}
	workerNames = []string{"Nurul Hikmah, S.Sos", "Muh. Asri", "Andi Irma", "Sulfikar", "Rini Andriani", "Hamzah"}
)

// namer makes plausible, deterministic people for the scenario.
type namer struct {
	rng    *rand.Rand
	serial int
}

func newNamer(rng *rand.Rand) *namer { return &namer{rng: rng} }

func (n *namer) person(k ppks.Region, g group, p int) ppks.Beneficiary {
	sex := ppks.SexMale
	first := maleNames
	if n.rng.IntN(2) == 0 {
		sex, first = ppks.SexFemale, femaleNames
	}
	year := g.birth[0] + n.rng.IntN(g.birth[1]-g.birth[0]+1)
	month := 1 + n.rng.IntN(12)
	day := 1 + n.rng.IntN(ppks.DaysIn(year, month))
	b := ppks.Beneficiary{
		FullName:      first[n.rng.IntN(len(first))] + " " + familyNames[n.rng.IntN(len(familyNames))],
		Sex:           sex,
		BirthDate:     ppks.Date{Year: year, Month: month, Day: day},
		KecamatanCode: k.Code,
		Desa:          desaNames[n.rng.IntN(len(desaNames))],
		Address:       fmt.Sprintf("Dusun %d, RT %02d/RW %02d", 1+n.rng.IntN(5), 1+n.rng.IntN(9), 1+n.rng.IntN(5)),
	}
	if n.rng.IntN(100) < g.withNIK {
		n.serial++
		dd := day
		if sex == ppks.SexFemale {
			dd += 40
		}
		// "73.06.08" -> "730608", then DDMMYY and a serial unique within the scenario.
		region := k.Code[0:2] + k.Code[3:5] + k.Code[6:8]
		b.NIK = fmt.Sprintf("%s%02d%02d%02d%04d", region, dd, month, year%100, n.serial)
	} else if n.rng.IntN(3) == 0 {
		// Many people served know only their approximate year of birth.
		b.BirthDate = ppks.Date{Year: year}
	}
	return b
}

func (n *namer) worker(rng *rand.Rand) string { return workerNames[rng.IntN(len(workerNames))] }

// ids derives stable ids and request ids from positions in the scenario, so that a
// second load is a replay of the first.
type ids struct{}

func newIDs() ids { return ids{} }

func (ids) uuid(parts ...any) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%q", parts)))
	sum[6] = sum[6]&0x0f | 0x80 // version 8: custom
	sum[8] = sum[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

func (i ids) id(kind string, gi, p, n int) string {
	return i.uuid("ppks-scenario-2024-id", kind, gi, p, n)
}

// key derives a request key; its fingerprint covers the payload, so two different records
// given the same position by mistake fail loudly instead of replaying each other.
func (i ids) key(kind string, gi, p, n int, payload any) ppks.RequestKey {
	sum := sha256.Sum256(fmt.Appendf(nil, "%+v", payload))
	return ppks.RequestKey{ID: i.uuid("ppks-scenario-2024-request", kind, gi, p, n), Method: "scenario/" + kind, Fingerprint: fmt.Sprintf("%x", sum)}
}
