package synth

import (
	"fmt"
	"math/rand/v2"

	"github.com/opendinsos/ppks/internal/ppks"
)

// kabupaten is a kabupaten the generated people live in, with its kecamatan codes.
type kabupaten struct {
	code      string
	kecamatan []string
	weight    int // relative population
}

// regions returns n kabupaten: the catalog's own first, with its real kecamatan, then
// synthetic ones with plausible codes: the other kabupaten/kota numbers of the catalog's
// province (Sulawesi Selatan: 73.01 to 73.26 and the kota 73.71 to 73.73), then those of
// the following provinces, each with 8 to 20 kecamatan numbered from 01. The service's
// catalog does not know the synthetic kecamatan: new writes there are refused, but the
// generated rows count and show in the breakdowns like any other (by code).
func regions(cat *ppks.Catalog, n int, rng *rand.Rand) []kabupaten {
	own := kabupaten{code: cat.Kabupaten.Code, weight: 3}
	for _, k := range cat.Kecamatan {
		own.kecamatan = append(own.kecamatan, k.Code)
	}
	out := []kabupaten{own}
	province := 73
	if len(own.code) >= 2 {
		fmt.Sscanf(own.code[:2], "%d", &province)
	}
	for p := province; len(out) < n; p++ {
		for _, k := range kabupatenNumbers() {
			code := fmt.Sprintf("%02d.%02d", p, k)
			if code == own.code {
				continue
			}
			kb := kabupaten{code: code, weight: 1 + rng.IntN(3)}
			for c, n := 1, 8+rng.IntN(13); c <= n; c++ {
				kb.kecamatan = append(kb.kecamatan, fmt.Sprintf("%s.%02d", code, c))
			}
			out = append(out, kb)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// kabupatenNumbers are the numbers of kabupaten (01..26) and kota (71..73) in a province.
func kabupatenNumbers() []int {
	var out []int
	for k := 1; k <= 26; k++ {
		out = append(out, k)
	}
	return append(out, 71, 72, 73)
}

// digits returns a region code without its dots: "73.06.08" -> "730608".
func digits(code string) string {
	b := make([]byte, 0, len(code))
	for i := 0; i < len(code); i++ {
		if code[i] != '.' {
			b = append(b, code[i])
		}
	}
	return string(b)
}
