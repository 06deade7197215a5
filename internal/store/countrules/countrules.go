// Package countrules is the stored form of the counting rules the stores maintain the
// indicator's counts with (ppks.Store.SetCountingRules): one canonical text, the same in
// every backend, so that equal rules are equal text and ppksctl migrate can move it as it
// is. Pure Go; each store reads and writes the text in its own SQL.
package countrules

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/opendinsos/ppks/internal/ppks"
)

// None is the text of no rules: nothing counts, no type is counted in families.
const None = `{"rules":[],"family":[]}`

// Rules are the recorded rules: which types count in which year (for the unique persons)
// and which are counted in families.
type Rules struct {
	cat    *ppks.Catalog // only Counting is set: the domain's own rule lookup
	family map[string]bool
}

// Counts reports whether the type counts in the year.
func (r *Rules) Counts(year int, typ string) bool { return r.cat.Counts(year, typ) }

// Family reports whether the type is counted in families.
func (r *Rules) Family(typ string) bool { return r.family[typ] }

// FamilyTypes returns the types counted in families.
func (r *Rules) FamilyTypes() map[string]bool { return r.family }

// stored is the text's shape: canonical (sorted).
type stored struct {
	Rules  []rule   `json:"rules"`
	Family []string `json:"family"` // the intervention types counted in families
}

type rule struct {
	FromYear int      `json:"from_year"`
	Types    []string `json:"types"`
}

// Encode returns the canonical text of the rules.
func Encode(rules []ppks.CountingRule, family []string) (string, error) {
	out := stored{Rules: []rule{}, Family: slices.Compact(slices.Sorted(slices.Values(family)))}
	if out.Family == nil {
		out.Family = []string{}
	}
	for _, r := range rules {
		types := []string{}
		for t, ok := range r.Types {
			if ok {
				types = append(types, t)
			}
		}
		slices.Sort(types)
		out.Rules = append(out.Rules, rule{FromYear: r.FromYear, Types: types})
	}
	slices.SortStableFunc(out.Rules, func(a, b rule) int { return a.FromYear - b.FromYear })
	buf, err := json.Marshal(out)
	return string(buf), err
}

// Decode reads the stored text of the rules.
func Decode(raw string) (*Rules, error) {
	var in stored
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return nil, fmt.Errorf("stored counting rules: %w", err)
	}
	cat := &ppks.Catalog{}
	for _, r := range in.Rules {
		types := map[string]bool{}
		for _, t := range r.Types {
			types[t] = true
		}
		cat.Counting = append(cat.Counting, ppks.CountingRule{FromYear: r.FromYear, Types: types})
	}
	cat.Index()
	out := &Rules{cat: cat, family: map[string]bool{}}
	for _, t := range in.Family {
		out.family[t] = true
	}
	return out, nil
}

// cache keeps the last rules decoded: every write that changes counts reads the stored
// text (another process may have changed it) but decodes it only when it changed.
var cache struct {
	sync.Mutex
	raw   string
	rules *Rules
}

// Cached returns the rules of the stored text, decoded once for as long as the text
// stays the same.
func Cached(raw string) (*Rules, error) {
	cache.Lock()
	defer cache.Unlock()
	if cache.rules == nil || cache.raw != raw {
		r, err := Decode(raw)
		if err != nil {
			return nil, err
		}
		cache.raw, cache.rules = raw, r
	}
	return cache.rules, nil
}
