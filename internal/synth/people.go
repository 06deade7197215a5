package synth

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/opendinsos/ppks/internal/ppks"
)

var (
	givenFemale = []string{"Siti", "Nur", "Sitti", "Hasnah", "Rahmawati", "Fatimah", "Hadijah", "Nurhayati",
		"Suriani", "Andi Tenri", "Hasma", "Jumiati", "Rosmini", "Kasmawati", "Sri", "Halimah"}
	givenMale = []string{"Muhammad", "Abdul", "Ahmad", "Andi", "Syamsul", "Baharuddin", "Muhammad Ikbal",
		"Jamaluddin", "Rahman", "Daeng", "Arifin", "Hamzah", "Syahrir", "Ismail", "Amiruddin", "Burhanuddin"}
	family = []string{"Daeng Ngalle", "Rahim", "Basri", "Sulaiman", "Tahir", "Hamid", "Kadir", "Latif",
		"Bakri", "Salam", "Mappiasse", "Nompo", "Tika", "Sila", "Rani", "Bella"}
)

// identities hands out NIK and KK numbers that are structurally valid (ppks.ParseNIK)
// and unique: the serial of a NIK counts up per region and birth date, as the civil
// registry's does; KK numbers count up per kecamatan.
type identities struct {
	nikSerial map[uint64]uint16 // region+DDMMYY as a number -> last serial
	kkSerial  map[string]int
}

func newIdentities() *identities {
	return &identities{nikSerial: map[uint64]uint16{}, kkSerial: map[string]int{}}
}

// nik returns a new NIK for a person of the kecamatan, or "" when its region and birth
// date have used every serial.
func (ids *identities) nik(kec string, birth ppks.Date, female bool) string {
	day := birth.Day
	if female {
		day += 40
	}
	prefix := fmt.Sprintf("%s%02d%02d%02d", digits(kec), day, birth.Month, birth.Year%100)
	key, _ := strconv.ParseUint(prefix, 10, 64)
	n := ids.nikSerial[key] + 1
	if n > 9999 {
		return ""
	}
	ids.nikSerial[key] = n
	return fmt.Sprintf("%s%04d", prefix, n)
}

// kk returns a new family card number issued in the kecamatan.
func (ids *identities) kk(kec string) string {
	ids.kkSerial[kec]++
	return fmt.Sprintf("%s%010d", digits(kec), ids.kkSerial[kec])
}

// name returns a plausible full name.
func name(rng *rand.Rand, female bool) string {
	given := givenMale
	if female {
		given = givenFemale
	}
	return given[rng.IntN(len(given))] + " " + family[rng.IntN(len(family))]
}

// birthDate returns a birth date fitting the PPKS category: elderly for the lansia,
// children for the child categories, adults otherwise.
func birthDate(rng *rand.Rand, ppksType string, year int) ppks.Date {
	age := 20 + rng.IntN(40)
	switch {
	case ppksType == "LANSIA_TELANTAR":
		age = 60 + rng.IntN(30)
	case len(ppksType) > 5 && ppksType[:5] == "ANAK_":
		age = 1 + rng.IntN(16)
	}
	return ppks.Date{Year: year - age, Month: 1 + rng.IntN(12), Day: 1 + rng.IntN(28)}
}
