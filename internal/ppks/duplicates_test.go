package ppks

import "testing"

// Name variants common in Indonesian records: spelling variants, titles, single names.
func TestDuplicateScoring(t *testing.T) {
	base := Beneficiary{Sex: SexFemale, KecamatanCode: "73.06.08", BirthDate: Date{Year: 1958}}
	tests := []struct {
		a, b string
		same bool // should be offered as a likely duplicate
	}{
		{"Siti Aminah", "Sitti Aminah", true},
		{"Hj. Siti Aminah", "Siti Aminah", true},
		{"Siti Aminah, S.Pd", "Hj. Sitti Aminah", true},
		{"H. Muhammad Yusuf", "Muh. Yusuf", true},
		{"Moh. Yusuf", "Muhammad Yusuf", true},
		{"Abd. Rahman", "Abdul Rahman", true},
		{"Soekarno", "Sukarno", true},
		{"Djamaluddin", "Jamaludin", true},
		{"Daeng Ngalle", "Dg. Ngalle", true},
		{"Ngalle", "Daeng Ngalle", true},
		{"Nurhayati", "Nurhayati", true},
		{"Hasanuddin Lallo", "Hasanudin Lalo", true},
		{"Rosmini", "Rosmina", true},
		{"Siti Aminah", "Siti Rahmah", false},
		{"Andi Baso", "Baso Sanusi", false},
		{"Nurhayati", "Hadijah", false},
		{"Muhammad Yusuf", "Muhammad Arifin", false},
	}
	for _, tc := range tests {
		a, b := base, base
		a.FullName, b.FullName = tc.a, tc.b
		a.ID, b.ID = "a", "b"
		score, reasons := ScoreDuplicate(&a, &b)
		if got := score >= candidateThreshold; got != tc.same {
			t.Errorf("%q ~ %q: score %d (%v), want likely=%v", tc.a, tc.b, score, reasons, tc.same)
		}
	}
}

func TestDuplicateScoringOtherEvidence(t *testing.T) {
	a := Beneficiary{ID: "a", FullName: "Siti Aminah", Sex: SexFemale, KecamatanCode: "73.06.08", BirthDate: Date{Year: 1958, Month: 3, Day: 2}}
	check := func(name string, b Beneficiary, min, max int) {
		t.Helper()
		b.ID = "b"
		if s, r := ScoreDuplicate(&a, &b); s < min || s > max {
			t.Errorf("%s: score %d (%v), want %d..%d", name, s, r, min, max)
		}
	}
	same := a
	check("identical without NIK", same, 90, 100)
	otherSex := a
	otherSex.Sex = SexMale
	check("other sex", otherSex, 0, candidateThreshold-1)
	farYear := a
	farYear.BirthDate = Date{Year: 1990}
	farYear.KecamatanCode = "73.06.01"
	check("another generation elsewhere", farYear, 0, candidateThreshold-1)
	twoNIKs, withNIK := a, a
	twoNIKs.NIK, withNIK.NIK = "7306084203580001", "7306084203580002"
	b := twoNIKs
	if s, _ := ScoreDuplicate(&withNIK, &b); s != 0 {
		t.Errorf("two different NIKs scored %d, want 0: they are two people", s)
	}
	kk := a
	kk.FullName, kk.KK = "St. Aminah", "7306080101240001"
	a.KK = kk.KK
	check("same family card", kk, 90, 100)
}

func TestMatchKey(t *testing.T) {
	for in, want := range map[string]string{
		"Hj. SITTI Aminah, S.Pd":   "siti aminah",
		"Drs. H. Moh. Djamaluddin": "muhammad jamaludin",
		"Dg. Tompo":                "daeng tompo",
		"Soekarno":                 "sukarno",
	} {
		if got := MatchKey(in); got != want {
			t.Errorf("MatchKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNIKWarnings(t *testing.T) {
	b := Beneficiary{NIK: "7306084512850001", Sex: SexFemale, BirthDate: Date{Year: 1985, Month: 12, Day: 5}}
	if w := b.Warnings(); len(w) != 0 {
		t.Fatalf("matching NIK warned: %v", w)
	}
	b.BirthDate = Date{Year: 1986}
	b.Sex = SexMale
	w := b.Warnings()
	if len(w) != 2 || w[0].Reason != "NIK_BIRTH_DATE_MISMATCH" || w[1].Reason != "NIK_SEX_MISMATCH" {
		t.Fatalf("warnings = %v", w)
	}
}
