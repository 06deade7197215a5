package server

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/opendinsos/ppks/internal/ppks"
)

// FuzzResourceNames feeds any string to every resource-name parser: each returns ids
// that rebuild the name exactly, or an InvalidArgument naming the field, never a panic.
func FuzzResourceNames(f *testing.F) {
	for _, s := range []string{
		"beneficiaries/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
		"beneficiaries/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/cases/-",
		"beneficiaries/-/cases/-/interventions/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
		"indicators/penurunan-ppks/years/2024",
		"indicators/penurunan-ppks/targets/0000",
		"users/petugas.sombaopu/tokens/abc",
		"beneficiaries//cases/",
		"/",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		invalid := func(err error) {
			t.Helper()
			var e *ppks.Error
			if !errors.As(err, &e) || e.Kind != ppks.KindInvalid || len(e.Violations) != 1 || e.Violations[0].Field != "name" {
				t.Fatalf("%q: error %#v, want one violation of name", name, err)
			}
		}
		rebuild := func(ids []string, wild bool, collections ...string) {
			t.Helper()
			parts := make([]string, 0, 2*len(collections))
			for i, c := range collections {
				id := ids[i]
				if id == "" && wild {
					id = wildcard
				}
				if id != wildcard && !ppks.IsUUID(id) {
					t.Fatalf("%q: id %q is not a UUID", name, id)
				}
				parts = append(parts, c, id)
			}
			if got := strings.Join(parts, "/"); got != name {
				t.Fatalf("%q parsed to ids %q, which rebuild %q", name, ids, got)
			}
		}
		for _, cs := range [][]string{{"beneficiaries"}, {"beneficiaries", "cases"}, {"beneficiaries", "cases", "interventions"}} {
			for _, wild := range []bool{false, true} {
				ids, err := segments(name, "name", wild, cs...)
				if err != nil {
					invalid(err)
					continue
				}
				rebuild(ids, wild, cs...)
			}
			ids, err := rawSegments(name, "name", cs...)
			if err != nil {
				invalid(err)
				continue
			}
			for _, id := range ids {
				if id == "" || strings.Contains(id, "/") {
					t.Fatalf("%q: raw id %q", name, id)
				}
			}
		}
		for _, coll := range []string{"years", "targets"} {
			ind, year, err := indicatorYear(name, "name", coll)
			if err != nil {
				invalid(err)
				continue
			}
			seg, ok := strings.CutPrefix(name, "indicators/"+ind+"/"+coll+"/")
			if n, err := strconv.Atoi(seg); !ok || err != nil || n != year || len(seg) != 4 {
				t.Fatalf("%q parsed to %q %d", name, ind, year)
			}
		}
		if ind, err := indicatorParent(name, "name"); err != nil {
			invalid(err)
		} else if "indicators/"+ind != name {
			t.Fatalf("%q parsed to indicator %q", name, ind)
		}
	})
}
