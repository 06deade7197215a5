package ppks

import (
	"maps"
	"slices"
	"sort"
	"strings"
)

// titles are honorifics and degrees that come and go between records of one person
// ("Hj. Siti Aminah, S.Pd" and "Siti Aminah"). Daeng is not among them: in Makassar it is
// part of the name people are known by.
var titles = map[string]bool{
	"h": true, "hj": true, "haji": true, "hajjah": true, "kh": true, "ust": true, "ustadz": true, "ustazah": true,
	"dr": true, "drs": true, "dra": true, "ir": true, "prof": true, "s": true, "sos": true, "pd": true, "spd": true,
	"se": true, "sh": true, "st": true, "sag": true, "skm": true, "amd": true, "mm": true, "msi": true, "mpd": true,
	"bapak": true, "pak": true, "ibu": true, "bu": true, "tn": true, "ny": true, "nn": true, "sdr": true, "sdri": true,
	"alm": true, "almarhum": true, "almarhumah": true,
}

// variants maps spellings of one name part to one form.
var variants = map[string]string{
	"siti": "siti", "sitti": "siti", "sity": "siti", "st": "siti",
	"muhammad": "muhammad", "muhamad": "muhammad", "mohammad": "muhammad", "mohamad": "muhammad",
	"muhammat": "muhammad", "moh": "muhammad", "moch": "muhammad", "mochammad": "muhammad", "muh": "muhammad",
	"muhd": "muhammad", "md": "muhammad", "mhd": "muhammad", "m": "muhammad",
	"abd": "abdul", "abdul": "abdul", "abdoel": "abdul",
	"dg": "daeng", "daeng": "daeng",
	"nur": "nur", "noer": "nur",
}

// oldSpellingPairs turns pre-1972 spellings into the current ones (Soekarno, Djamal,
// Tjahja): old, new, old, new...
var oldSpellingPairs = []string{"oe", "u", "dj", "j", "tj", "c", "sj", "sy", "nj", "ny", "ch", "kh"}

var oldSpellings = strings.NewReplacer(oldSpellingPairs...)

// NameFolding is what MatchKey folds names with, for a client that must fold them the
// same way without the service (the offline pages' duplicate warning and search).
type NameFolding struct {
	Titles       []string          `json:"titles"`       // name parts dropped
	Variants     map[string]string `json:"variants"`     // a part's spelling to its one form
	OldSpellings []string          `json:"oldSpellings"` // replaced in a part left: old, new, ...
}

// NameFoldingRules returns MatchKey's rules. After the replacements, MatchKey collapses
// doubled letters.
func NameFoldingRules() NameFolding {
	return NameFolding{Titles: slices.Sorted(maps.Keys(titles)), Variants: maps.Clone(variants),
		OldSpellings: slices.Clone(oldSpellingPairs)}
}

// MatchKey folds a name for matching records of one person: normalised, without titles,
// with common spelling variants and old spellings unified and doubled letters collapsed.
func MatchKey(name string) string {
	var parts []string
	for _, t := range strings.Fields(NormalizeName(name)) {
		if titles[t] {
			continue
		}
		if v, ok := variants[t]; ok {
			t = v
		} else {
			t = collapse(oldSpellings.Replace(t))
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

// collapse removes doubled letters ("hasanuddin" -> "hasanudin").
func collapse(s string) string {
	var b strings.Builder
	var last rune
	for _, r := range s {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// NameSimilarity scores two names from 0 (unrelated) to 1 (the same after folding). Parts
// are matched one to one (order does not matter); a name that is the other's parts minus
// some (a single name, a dropped family name) still scores well.
func NameSimilarity(a, b string) float64 {
	ka, kb := strings.Fields(MatchKey(a)), strings.Fields(MatchKey(b))
	if len(ka) == 0 || len(kb) == 0 {
		return 0
	}
	if len(ka) > len(kb) {
		ka, kb = kb, ka
	}
	used := make([]bool, len(kb))
	var sum float64
	for _, x := range ka {
		best, at := 0.0, -1
		for j, y := range kb {
			if used[j] {
				continue
			}
			if s := jaroWinkler(x, y); s > best {
				best, at = s, j
			}
		}
		if at >= 0 && best >= 0.85 {
			used[at] = true
			sum += best
		}
	}
	// Matched parts over the shorter name, discounted a little for parts the longer one
	// has in addition.
	cover := sum / float64(len(ka))
	extra := float64(len(kb)-len(ka)) / float64(len(kb))
	return cover * (1 - 0.25*extra)
}

// jaroWinkler is the Jaro-Winkler similarity of two strings (0..1).
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	ra, rb := []rune(a), []rune(b)
	window := max(len(ra), len(rb))/2 - 1
	window = max(window, 0)
	ma, mb := make([]bool, len(ra)), make([]bool, len(rb))
	matches := 0
	for i := range ra {
		for j := max(0, i-window); j < min(len(rb), i+window+1); j++ {
			if !mb[j] && ra[i] == rb[j] {
				ma[i], mb[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, k := 0, 0
	for i := range ra {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if ra[i] != rb[k] {
			transpositions++
		}
		k++
	}
	m := float64(matches)
	jaro := (m/float64(len(ra)) + m/float64(len(rb)) + (m-float64(transpositions)/2)/m) / 3
	prefix := 0
	for prefix < min(4, len(ra), len(rb)) && ra[prefix] == rb[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

// Candidate is a record that may be the same person, with its score (0..100) and why.
type Candidate struct {
	Beneficiary *Beneficiary
	Score       int
	Reasons     []string // e.g. "NAME", "BIRTH_DATE", "KK_NUMBER"
}

// candidateThreshold is the score from which a record is shown as a likely duplicate.
const candidateThreshold = 60

// ScoreDuplicate scores how likely two records describe one person. Two different NIKs
// are two people, whatever else agrees.
func ScoreDuplicate(a, b *Beneficiary) (int, []string) {
	if a.NIK != "" && b.NIK != "" {
		if a.NIK == b.NIK {
			return 100, []string{"NIK"}
		}
		return 0, nil
	}
	var reasons []string
	name := NameSimilarity(a.FullName, b.FullName)
	score := name * 50
	if name >= 0.85 {
		reasons = append(reasons, "NAME")
	}
	da, db := a.BirthDate, b.BirthDate
	switch {
	case da.Complete() && da == db:
		score += 25
		reasons = append(reasons, "BIRTH_DATE")
	case da.Year > 0 && da.Year == db.Year:
		score += 15
		reasons = append(reasons, "BIRTH_YEAR")
	case da.Year > 0 && db.Year > 0 && (da.Year-db.Year == 1 || db.Year-da.Year == 1):
		score += 8
	case da.Year == 0 || db.Year == 0:
		score += 5 // unknown: neither for nor against
	}
	switch {
	case a.Sex == b.Sex:
		score += 5
	case a.Sex != SexUnspecified && b.Sex != SexUnspecified:
		score -= 30
	}
	if a.KecamatanCode == b.KecamatanCode {
		score += 10
		reasons = append(reasons, "KECAMATAN")
	}
	if a.KK != "" && a.KK == b.KK {
		score += 15
		reasons = append(reasons, "KK_NUMBER")
	}
	return min(100, max(0, int(score+0.5))), reasons
}

// rankCandidates scores the records against b and keeps the likely ones, best first.
func rankCandidates(b *Beneficiary, records []*Beneficiary, limit int) []Candidate {
	var out []Candidate
	for _, r := range records {
		if r.ID == b.ID || r.MergedInto != "" {
			continue
		}
		if score, reasons := ScoreDuplicate(b, r); score >= candidateThreshold {
			out = append(out, Candidate{Beneficiary: r, Score: score, Reasons: reasons})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Beneficiary.ID < out[j].Beneficiary.ID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return slices.Clip(out)
}
