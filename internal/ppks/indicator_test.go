package ppks

import (
	"fmt"
	"math/big"
	"testing"
)

// testCatalog is a small catalog: three types count in 2024 (ALAT_BANTU served nobody),
// SANDANG and FASILITASI_ADMINDUK do not; from 2025 SANDANG counts too.
func testCatalog() *Catalog {
	c := &Catalog{
		PpksTypes: []PpksType{
			{Code: "ANAK_TELANTAR", Number: 2, Name: "Anak Telantar"},
			{Code: "LANSIA_TELANTAR", Number: 8, Name: "Lanjut Usia Telantar"},
			{Code: "ODHA", Number: 16, Name: "Orang dengan HIV/AIDS"},
		},
		InterventionTypes: []InterventionType{
			{Code: "PERMAKANAN", Name: "Penyediaan Permakanan"},
			{Code: "SANDANG", Name: "Penyediaan Sandang"},
			{Code: "ALAT_BANTU", Name: "Penyediaan Alat Bantu"},
			{Code: "RUJUKAN", Name: "Pemberian Layanan Rujukan"},
			{Code: "FASILITASI_ADMINDUK", Name: "Fasilitasi Pembuatan NIK"},
		},
		Kabupaten: Region{Code: "73.06", Name: "Kabupaten Gowa", Level: LevelKabupaten},
		Kecamatan: []Region{
			{Code: "73.06.01", Name: "Bontonompo", Level: LevelKecamatan, ParentCode: "73.06"},
			{Code: "73.06.08", Name: "Somba Opu", Level: LevelKecamatan, ParentCode: "73.06"},
		},
		Counting: []CountingRule{
			{FromYear: 2025, Types: map[string]bool{"PERMAKANAN": true, "ALAT_BANTU": true, "RUJUKAN": true, "SANDANG": true}},
			{FromYear: 2024, Types: map[string]bool{"PERMAKANAN": true, "ALAT_BANTU": true, "RUJUKAN": true}},
		},
	}
	c.Index()
	return c
}

func fact(typ, person string, month int, kec, ppks string) CountFact {
	return CountFact{InterventionType: typ, BeneficiaryID: person, FirstDelivered: Date{2024, month, 10}, KecamatanCode: kec, PpksType: ppks}
}

func intp(n int) *int { return &n }

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("bad rational " + s)
	}
	return r
}

func sumPersons(list []Count) int {
	n := 0
	for _, c := range list {
		n += c.Persons
	}
	return n
}

func countsOf(list []Count) map[string]int {
	m := map[string]int{}
	for _, c := range list {
		m[c.Key] = c.Persons
	}
	return m
}

func sameCounts(got []Count, want map[string]int) bool {
	if len(got) != len(want) {
		return false
	}
	for _, c := range got {
		if n, ok := want[c.Key]; !ok || n != c.Persons {
			return false
		}
	}
	return true
}

func TestComputeIndicator(t *testing.T) {
	cat := testCatalog()
	facts := []CountFact{
		// A person served with two counted types counts in both (rule 3), once in the
		// unduplicated figure.
		fact("PERMAKANAN", "p1", 1, "73.06.08", "LANSIA_TELANTAR"),
		fact("RUJUKAN", "p1", 3, "73.06.08", "LANSIA_TELANTAR"),
		fact("PERMAKANAN", "p2", 3, "73.06.01", "ANAK_TELANTAR"),
		// Types that do not count in 2024: served, shown apart, not in the total.
		fact("SANDANG", "p3", 2, "73.06.01", "ANAK_TELANTAR"),
		fact("SANDANG", "p1", 2, "73.06.08", "LANSIA_TELANTAR"),
		fact("FASILITASI_ADMINDUK", "p5", 5, "73.06.01", "ODHA"),
		// A kecamatan no longer in the region set still counts and still shows.
		fact("RUJUKAN", "p4", 12, "73.06.99", "ANAK_TELANTAR"),
	}
	got := ComputeIndicator(DefaultIndicator(), cat, 2024, facts, nil)

	if got.Year != 2024 || got.Total != 4 || got.UniquePersons != 3 {
		t.Errorf("year %d total %d unique %d, want 2024, 4, 3", got.Year, got.Total, got.UniquePersons)
	}
	// Counted types in catalog order, zeros included.
	wantTypes := []Count{
		{Key: "PERMAKANAN", Name: "Penyediaan Permakanan", Persons: 2, Counted: true},
		{Key: "ALAT_BANTU", Name: "Penyediaan Alat Bantu", Persons: 0, Counted: true},
		{Key: "RUJUKAN", Name: "Pemberian Layanan Rujukan", Persons: 2, Counted: true},
	}
	if fmt.Sprint(got.ByType) != fmt.Sprint(wantTypes) {
		t.Errorf("ByType = %+v, want %+v", got.ByType, wantTypes)
	}
	wantOther := []Count{
		{Key: "SANDANG", Name: "Penyediaan Sandang", Persons: 2},
		{Key: "FASILITASI_ADMINDUK", Name: "Fasilitasi Pembuatan NIK", Persons: 1},
	}
	if fmt.Sprint(got.OtherServices) != fmt.Sprint(wantOther) {
		t.Errorf("OtherServices = %+v, want %+v", got.OtherServices, wantOther)
	}
	if want := map[string]int{"ANAK_TELANTAR": 2, "LANSIA_TELANTAR": 2}; !sameCounts(got.ByPpksType, want) {
		t.Errorf("ByPpksType = %+v, want %v", got.ByPpksType, want)
	}
	if want := map[string]int{"73.06.01": 1, "73.06.08": 2, "73.06.99": 1}; !sameCounts(got.ByKecamatan, want) {
		t.Errorf("ByKecamatan = %+v, want %v", got.ByKecamatan, want)
	}
	if len(got.ByMonth) != 12 {
		t.Fatalf("ByMonth has %d entries, want 12", len(got.ByMonth))
	}
	if got.ByMonth[0].Key != "1" || got.ByMonth[0].Name != "Januari" || got.ByMonth[11].Key != "12" || got.ByMonth[11].Name != "Desember" {
		t.Errorf("ByMonth labels: first %+v, last %+v", got.ByMonth[0], got.ByMonth[11])
	}
	if want := map[string]int{"1": 1, "2": 0, "3": 2, "4": 0, "5": 0, "6": 0, "7": 0, "8": 0, "9": 0, "10": 0, "11": 0, "12": 1}; fmt.Sprint(countsOf(got.ByMonth)) != fmt.Sprint(want) {
		t.Errorf("ByMonth = %+v, want %v", got.ByMonth, want)
	}
	for name, list := range map[string][]Count{"ByType": got.ByType, "ByPpksType": got.ByPpksType, "ByKecamatan": got.ByKecamatan, "ByMonth": got.ByMonth} {
		if n := sumPersons(list); n != got.Total {
			t.Errorf("%s sums to %d, total is %d", name, n, got.Total)
		}
	}
	if got.Achievement != nil || got.Rating != "" || got.Target != nil {
		t.Errorf("without a target: achievement %v rating %q target %v", got.Achievement, got.Rating, got.Target)
	}

	// The same facts in 2025, when SANDANG counts (rule 5: counting is data, by year).
	got25 := ComputeIndicator(DefaultIndicator(), cat, 2025, facts, nil)
	if got25.Total != 6 || got25.UniquePersons != 4 {
		t.Errorf("2025: total %d unique %d, want 6 and 4", got25.Total, got25.UniquePersons)
	}
}

// Facts are already one per (type, person): two facts of one person are two types.
func TestComputeIndicatorOnePersonTwoTypes(t *testing.T) {
	facts := []CountFact{
		fact("PERMAKANAN", "p1", 4, "73.06.08", "LANSIA_TELANTAR"),
		fact("RUJUKAN", "p1", 4, "73.06.08", "LANSIA_TELANTAR"),
	}
	got := ComputeIndicator(DefaultIndicator(), testCatalog(), 2024, facts, nil)
	if got.Total != 2 || got.UniquePersons != 1 {
		t.Errorf("total %d unique %d, want 2 and 1", got.Total, got.UniquePersons)
	}
	if got.ByMonth[3].Persons != 2 {
		t.Errorf("April = %d, want 2", got.ByMonth[3].Persons)
	}
}

func TestComputeIndicatorEmpty(t *testing.T) {
	got := ComputeIndicator(DefaultIndicator(), testCatalog(), 2024, nil, &Target{Value: intp(580)})
	if got.Total != 0 || got.UniquePersons != 0 || len(got.ByMonth) != 12 || len(got.ByType) != 3 || len(got.OtherServices) != 0 {
		t.Errorf("no facts: %+v", got)
	}
	if got.Achievement == nil || got.Achievement.Sign() != 0 || got.Rating != "Tidak Berhasil" {
		t.Errorf("no facts, target 580: achievement %v rating %q", got.Achievement, got.Rating)
	}
}

// The 2024 figure of the report: 653 against a target of 580.
func TestComputeIndicator2024(t *testing.T) {
	var facts []CountFact
	for i := 0; i < 653; i++ {
		facts = append(facts, fact("PERMAKANAN", fmt.Sprintf("p%d", i), 1+i%12, "73.06.08", "LANSIA_TELANTAR"))
	}
	target := &Target{Indicator: IndicatorID, Year: 2024, Value: intp(580), Renstra: intp(580)}
	got := ComputeIndicator(DefaultIndicator(), testCatalog(), 2024, facts, target)
	if got.Total != 653 || *got.Target != 580 || *got.Renstra != 580 {
		t.Fatalf("total %d target %v renstra %v", got.Total, got.Target, got.Renstra)
	}
	if want := big.NewRat(65300, 580); got.Achievement.Cmp(want) != 0 {
		t.Errorf("achievement %v, want exactly %v", got.Achievement, want)
	}
	if r := RoundHalfUp(got.Achievement, 2); r.Cmp(rat("112.59")) != 0 {
		t.Errorf("rounded achievement %s, want 112.59", r.FloatString(2))
	}
	if got.Rating != "Sangat Berhasil" {
		t.Errorf("rating %q, want Sangat Berhasil", got.Rating)
	}
}

func TestComputeIndicatorTargets(t *testing.T) {
	facts := []CountFact{fact("PERMAKANAN", "p1", 1, "73.06.08", "ODHA")}
	for _, tc := range []struct {
		name   string
		target *Target
	}{
		{"no target record", nil},
		{"no PK value", &Target{Renstra: intp(600)}},
		{"zero target", &Target{Value: intp(0)}},
	} {
		got := ComputeIndicator(DefaultIndicator(), testCatalog(), 2024, facts, tc.target)
		if got.Achievement != nil || got.Rating != "" {
			t.Errorf("%s: achievement %v rating %q, want none", tc.name, got.Achievement, got.Rating)
		}
	}
}

func TestAchievementAndRating(t *testing.T) {
	tests := []struct {
		realisasi, target int
		lower             bool
		exact, rounded    string
		rating            string
	}{
		{653, 580, false, "65300/580", "112.59", "Sangat Berhasil"},
		{1, 3, false, "100/3", "33.33", "Tidak Berhasil"},
		{110, 100, false, "110", "110.00", "Sangat Berhasil"},
		// Rounds to 110.00 but is below 110: the exact value decides.
		{109999, 100000, false, "109.999", "110.00", "Berhasil"},
		{90, 100, false, "90", "90.00", "Berhasil"},
		{89999, 100000, false, "89.999", "90.00", "Cukup Berhasil"},
		{60, 100, false, "60", "60.00", "Cukup Berhasil"},
		{59, 100, false, "59", "59.00", "Tidak Berhasil"},
		{0, 580, false, "0", "0.00", "Tidak Berhasil"},
		// Lower is better: (2 - r/t) x 100.
		{50, 100, true, "150", "150.00", "Sangat Berhasil"},
		{100, 100, true, "100", "100.00", "Berhasil"},
		{250, 100, true, "-50", "-50.00", "Tidak Berhasil"},
		{1, 3, true, "500/3", "166.67", "Sangat Berhasil"},
	}
	for _, tc := range tests {
		a := Achievement(tc.realisasi, tc.target, tc.lower)
		if a.Cmp(rat(tc.exact)) != 0 {
			t.Errorf("Achievement(%d, %d, %v) = %v, want %s", tc.realisasi, tc.target, tc.lower, a, tc.exact)
		}
		if r := RoundHalfUp(a, 2); r.Cmp(rat(tc.rounded)) != 0 {
			t.Errorf("RoundHalfUp(%v, 2) = %s, want %s", a, r.FloatString(2), tc.rounded)
		}
		if got := Rate(a, DefaultBands()); got != tc.rating {
			t.Errorf("Rate(%s) = %q, want %q", a.FloatString(3), got, tc.rating)
		}
	}
}

func TestRateBandOrder(t *testing.T) {
	// Bands in any order; the highest reached wins.
	bands := DefaultBands()
	reversed := []RatingBand{bands[3], bands[2], bands[1], bands[0]}
	mixed := []RatingBand{bands[1], bands[3], bands[0], bands[2]}
	for _, v := range []string{"0", "59.99", "60", "89.5", "90", "109.999", "110", "112.59", "1000", "-5"} {
		want := Rate(rat(v), bands)
		if got := Rate(rat(v), reversed); got != want {
			t.Errorf("Rate(%s) reversed bands = %q, want %q", v, got, want)
		}
		if got := Rate(rat(v), mixed); got != want {
			t.Errorf("Rate(%s) mixed bands = %q, want %q", v, got, want)
		}
	}
	// Without a floor band, a capaian below every band has no predikat.
	if got := Rate(rat("50"), bands[:3]); got != "" {
		t.Errorf("Rate(50) without a floor = %q, want empty", got)
	}
	// Another office's bands, with a fractional minimum.
	other := []RatingBand{{MinPercent: rat("100"), Label: "Sangat Baik"}, {MinPercent: rat("90.5"), Label: "Baik"}, {Label: "Kurang"}}
	for v, want := range map[string]string{"100": "Sangat Baik", "90.5": "Baik", "90.49": "Kurang"} {
		if got := Rate(rat(v), other); got != want {
			t.Errorf("Rate(%s) with other bands = %q, want %q", v, got, want)
		}
	}
}

func TestRoundHalfUp(t *testing.T) {
	tests := []struct {
		in       string
		decimals int
		want     string
	}{
		{"112.585", 2, "112.59"},
		{"112.5849", 2, "112.58"},
		{"0.005", 2, "0.01"},
		{"0.0049", 2, "0"},
		{"1.005", 2, "1.01"},
		{"-0.005", 2, "-0.01"},
		{"-1.005", 2, "-1.01"},
		{"-0.0049", 2, "0"},
		{"-1.234", 2, "-1.23"},
		{"-1.235", 2, "-1.24"},
		{"2.5", 0, "3"},
		{"-2.5", 0, "-3"},
		{"1/3", 2, "0.33"},
		{"2/3", 2, "0.67"},
		{"-2/3", 2, "-0.67"},
		{"110", 2, "110"},
		{"0", 2, "0"},
		{"93.925", 2, "93.93"},
	}
	for _, tc := range tests {
		in := rat(tc.in)
		before := new(big.Rat).Set(in)
		got := RoundHalfUp(in, tc.decimals)
		if got.Cmp(rat(tc.want)) != 0 {
			t.Errorf("RoundHalfUp(%s, %d) = %s, want %s", tc.in, tc.decimals, got.RatString(), tc.want)
		}
		if in.Cmp(before) != 0 {
			t.Errorf("RoundHalfUp(%s) changed its argument to %s", tc.in, in.RatString())
		}
	}
}
