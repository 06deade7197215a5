package countrules

import (
	"testing"

	"github.com/opendinsos/ppks/internal/ppks"
)

// Equal rules are equal text whatever their order, and the text reads back as the rules.
func TestEncodeIsCanonicalAndDecodes(t *testing.T) {
	a := []ppks.CountingRule{{FromYear: 2025, Types: map[string]bool{"GRADUASI": true}},
		{FromYear: 2024, Types: map[string]bool{"PERMAKANAN": true, "ALAT_BANTU": true, "RUJUKAN": false}}}
	b := []ppks.CountingRule{a[1], a[0]}
	ta, err := Encode(a, []string{"BIMBINGAN_FMSS", "BIMBINGAN_FMSS"})
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := Encode(b, []string{"BIMBINGAN_FMSS"})
	if ta != tb {
		t.Fatalf("equal rules, different text:\n%s\n%s", ta, tb)
	}
	want := `{"rules":[{"from_year":2024,"types":["ALAT_BANTU","PERMAKANAN"]},{"from_year":2025,"types":["GRADUASI"]}],"family":["BIMBINGAN_FMSS"]}`
	if ta != want {
		t.Errorf("Encode = %s\nwant     %s", ta, want)
	}
	r, err := Cached(ta)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		year int
		typ  string
		want bool
	}{{2024, "PERMAKANAN", true}, {2024, "RUJUKAN", false}, {2024, "GRADUASI", false}, {2025, "GRADUASI", true}, {2025, "PERMAKANAN", false},
		{2023, "PERMAKANAN", true}, // the earliest rule holds for the years before it too (ppks.Catalog.Counts)
	} {
		if got := r.Counts(c.year, c.typ); got != c.want {
			t.Errorf("Counts(%d, %s) = %v, want %v", c.year, c.typ, got, c.want)
		}
	}
	if !r.Family("BIMBINGAN_FMSS") || r.Family("PERMAKANAN") {
		t.Errorf("Family: %v", r.FamilyTypes())
	}
	if none, err := Decode(None); err != nil || none.Counts(2024, "PERMAKANAN") || len(none.FamilyTypes()) != 0 {
		t.Errorf("None decodes to %+v, %v; want nothing counted", none, err)
	}
	if _, err := Decode("{"); err == nil {
		t.Error("broken text decoded")
	}
}
