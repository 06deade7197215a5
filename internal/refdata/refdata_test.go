package refdata

import (
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/opendinsos/ppks/internal/ppks"
)

func TestLoadEmbedded(t *testing.T) {
	cat, bands, err := Load("")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	if got := len(cat.PpksTypes); got != 26 {
		t.Errorf("PPKS types: got %d, want 26", got)
	}
	for i, pt := range cat.PpksTypes {
		if pt.Number != i+1 {
			t.Errorf("PPKS type %d (%s): number %d, want %d", i, pt.Code, pt.Number, i+1)
		}
	}
	if pt, ok := cat.PpksType("LANSIA_TELANTAR"); !ok || pt.Name != "Lanjut Usia Telantar" || pt.Abbreviation != "LUT" || pt.SpmGroup != "LANSIA_TELANTAR" {
		t.Errorf("PpksType(LANSIA_TELANTAR) = %+v, %v", pt, ok)
	}

	if got := len(cat.InterventionTypes); got != 19 {
		t.Errorf("intervention types: got %d, want 19", got)
	}
	for _, want := range []ppks.InterventionType{
		{Code: "GRADUASI", Name: "Graduasi (keluar dari DTKS karena meningkat kesejahteraannya)", ProgramCode: "1.06.05", SubKegiatanCode: "1.06.05.2.02.02", Unit: ppks.UnitPerson},
		{Code: "BIMBINGAN_FMSS", Name: "Pemberian Bimbingan Fisik, Mental, Spiritual, dan Sosial", ProgramCode: "1.06.04", SubKegiatanCode: "1.06.04.2.01.05", Unit: ppks.UnitPerson},
		{Code: "BIMBINGAN_SOSIAL_KELUARGA", Name: "Pemberian Bimbingan Sosial kepada Keluarga", ProgramCode: "1.06.04", SubKegiatanCode: "1.06.04.2.01.06", Unit: ppks.UnitFamily},
		{Code: "BENCANA_PSIKOSOSIAL", Name: "Pelayanan Dukungan Psikososial (korban bencana)", ProgramCode: "1.06.06", SubKegiatanCode: "1.06.06.2.01.05", Unit: ppks.UnitPerson},
	} {
		if got, ok := cat.InterventionType(want.Code); !ok || got != want {
			t.Errorf("InterventionType(%s) = %+v, %v; want %+v", want.Code, got, ok, want)
		}
	}

	wantKab := ppks.Region{Code: "73.06", Name: "Kabupaten Gowa", Level: ppks.LevelKabupaten, DesaCount: 121, KelurahanCount: 46}
	if cat.Kabupaten != wantKab {
		t.Errorf("Kabupaten = %+v, want %+v", cat.Kabupaten, wantKab)
	}
	if got := len(cat.Kecamatan); got != 18 {
		t.Errorf("kecamatan: got %d, want 18", got)
	}
	total := 0
	for _, k := range cat.Kecamatan {
		if k.ParentCode != "73.06" || k.Level != ppks.LevelKecamatan {
			t.Errorf("kecamatan %s: parent %q level %d", k.Code, k.ParentCode, k.Level)
		}
		total += k.DesaCount + k.KelurahanCount
	}
	if total != 167 {
		t.Errorf("desa + kelurahan: got %d, want 167", total)
	}
	wantSO := ppks.Region{Code: "73.06.08", Name: "Somba Opu", Level: ppks.LevelKecamatan, ParentCode: "73.06", DesaCount: 0, KelurahanCount: 14}
	if got, ok := cat.KecamatanByCode("73.06.08"); !ok || got != wantSO {
		t.Errorf("KecamatanByCode(73.06.08) = %+v, %v; want %+v", got, ok, wantSO)
	}

	counted2024 := map[string]bool{
		"GRADUASI": true, "PERMAKANAN": true, "ALAT_BANTU": true, "BIMBINGAN_FMSS": true,
		"AKSES_PENDIDIKAN_KESEHATAN": true, "PENELUSURAN_KELUARGA": true,
		"REUNIFIKASI_KELUARGA": true, "RUJUKAN": true,
	}
	for _, it := range cat.InterventionTypes {
		if got := cat.Counts(2024, it.Code); got != counted2024[it.Code] {
			t.Errorf("Counts(2024, %s) = %v, want %v", it.Code, got, counted2024[it.Code])
		}
	}
	for _, code := range []string{"SANDANG", "BIMBINGAN_SOSIAL_KELUARGA", "FASILITASI_ADMINDUK", "BENCANA_MAKANAN", "BENCANA_SANDANG", "BENCANA_PENAMPUNGAN", "BENCANA_KELOMPOK_RENTAN", "BENCANA_PSIKOSOSIAL"} {
		if cat.Counts(2024, code) {
			t.Errorf("Counts(2024, %s) = true, want false", code)
		}
	}

	want := ppks.DefaultBands()
	if len(bands) != len(want) {
		t.Fatalf("bands: got %d, want %d", len(bands), len(want))
	}
	for i := range want {
		if !sameBand(bands[i], want[i]) {
			t.Errorf("band %d = %s %v, want %s %v", i, bands[i].Label, bands[i].MinPercent, want[i].Label, want[i].MinPercent)
		}
	}
	// The loaded bands rate the 2024 figure as the report does.
	if got := ppks.Rate(ppks.Achievement(653, 580, false), bands); got != "Sangat Berhasil" {
		t.Errorf("rating of 653/580 = %q", got)
	}
}

func sameBand(a, b ppks.RatingBand) bool {
	if a.Label != b.Label || (a.MinPercent == nil) != (b.MinPercent == nil) {
		return false
	}
	return a.MinPercent == nil || a.MinPercent.Cmp(b.MinPercent) == 0
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadOverride(t *testing.T) {
	// Another office's files: a kabupaten of two kecamatan (counts made up for the test),
	// a 2025 rule that adds SANDANG, and bands with a fractional minimum, saved by a
	// spreadsheet (byte-order mark, CRLF line ends, columns in another order).
	dir := writeFiles(t, map[string]string{
		RegionsFile: "code,name,level,desa_count,kelurahan_count\n" +
			"73.05,Kabupaten Takalar,KABUPATEN,,\n" +
			"73.05.01,Mangarabombang,KECAMATAN,11,1\n" +
			"73.05.02,Mappakasunggu,KECAMATAN,5,3\n",
		CountingFile: "from_year,intervention_type\n" +
			"2024,GRADUASI\n2024,PERMAKANAN\n" +
			"2025,GRADUASI\n2025,PERMAKANAN\n2025,SANDANG\n",
		RatingBandsFile: "\uFEFFlabel,min_percent\r\n\"Sangat Baik\",100\r\nBaik,90.5\r\nKurang,\r\n",
		"README.txt":    "not a reference file; ignored\n",
	})
	cat, bands, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	wantKab := ppks.Region{Code: "73.05", Name: "Kabupaten Takalar", Level: ppks.LevelKabupaten, DesaCount: 16, KelurahanCount: 4}
	if cat.Kabupaten != wantKab {
		t.Errorf("Kabupaten = %+v, want %+v", cat.Kabupaten, wantKab)
	}
	if len(cat.Kecamatan) != 2 {
		t.Errorf("kecamatan: got %d, want 2", len(cat.Kecamatan))
	}
	if _, ok := cat.KecamatanByCode("73.06.08"); ok {
		t.Error("a Gowa kecamatan is still known after the region set was replaced")
	}
	if k, ok := cat.KecamatanByCode("73.05.02"); !ok || k.ParentCode != "73.05" {
		t.Errorf("KecamatanByCode(73.05.02) = %+v, %v", k, ok)
	}
	// Files not in dir keep their embedded content.
	if len(cat.PpksTypes) != 26 || len(cat.InterventionTypes) != 19 {
		t.Errorf("embedded files not used: %d PPKS types, %d intervention types", len(cat.PpksTypes), len(cat.InterventionTypes))
	}
	for _, tc := range []struct {
		year int
		code string
		want bool
	}{
		{2023, "PERMAKANAN", true}, // before the first rule: the first rule
		{2024, "PERMAKANAN", true},
		{2024, "SANDANG", false},
		{2024, "RUJUKAN", false},
		{2025, "SANDANG", true},
		{2030, "SANDANG", true}, // the latest rule goes on
	} {
		if got := cat.Counts(tc.year, tc.code); got != tc.want {
			t.Errorf("Counts(%d, %s) = %v, want %v", tc.year, tc.code, got, tc.want)
		}
	}
	want := []ppks.RatingBand{
		{MinPercent: big.NewRat(100, 1), Label: "Sangat Baik"},
		{MinPercent: big.NewRat(181, 2), Label: "Baik"},
		{Label: "Kurang"},
	}
	if len(bands) != len(want) {
		t.Fatalf("bands: got %d, want %d", len(bands), len(want))
	}
	for i := range want {
		if !sameBand(bands[i], want[i]) {
			t.Errorf("band %d = %s %v, want %s %v", i, bands[i].Label, bands[i].MinPercent, want[i].Label, want[i].MinPercent)
		}
	}
	if got := ppks.Rate(big.NewRat(9049, 100), bands); got != "Kurang" {
		t.Errorf("Rate(90.49) = %q, want Kurang", got)
	}
	if got := ppks.Rate(big.NewRat(181, 2), bands); got != "Baik" {
		t.Errorf("Rate(90.5) = %q, want Baik", got)
	}
}

func TestLoadBrokenFiles(t *testing.T) {
	const (
		ppksHeader   = "code,number,name_id,abbreviation,name_en,spm_group\n"
		ivHeader     = "code,name_id,program_code,sub_kegiatan_code,counted_unit\n"
		regionHeader = "code,name,level,desa_count,kelurahan_count\n"
		kab          = "73.06,Kabupaten Gowa,KABUPATEN,,\n"
		kec          = "73.06.01,Bontonompo,KECAMATAN,11,3\n"
	)
	tests := []struct {
		name     string
		file     string
		content  string
		wantLine int // 0: the file as a whole
	}{
		{"empty file", RegionsFile, "", 0},
		{"header only", RegionsFile, regionHeader, 0},
		{"missing column", PpksTypesFile, "code,name_id,abbreviation,name_en,spm_group\nA,A,A,A,NONE\n", 1},
		{"unknown column", InterventionTypesFile, "code,name_id,program_code,sub_kegiatan_code,counted_unit,seed_2024_persons\nX,X,1.06.04,1.06.04.2.01.01,PERSON,3\n", 1},
		{"column twice", CountingFile, "from_year,intervention_type,from_year\n2024,GRADUASI,2024\n", 1},
		{"unterminated quote", PpksTypesFile, ppksHeader + "A,1,\"Anak,A,a,NONE\n", 2},
		{"wrong number of fields", RegionsFile, regionHeader + kab + "73.06.01,Bontonompo,KECAMATAN,11\n", 3},
		{"ppks duplicate code", PpksTypesFile, ppksHeader + "A,1,Satu,S,one,NONE\nA,2,Dua,D,two,NONE\n", 3},
		{"ppks duplicate number", PpksTypesFile, ppksHeader + "A,1,Satu,S,one,NONE\nB,01,Dua,D,two,NONE\n", 3},
		{"ppks number not a number", PpksTypesFile, ppksHeader + "A,satu,Satu,S,one,NONE\n", 2},
		{"ppks number zero", PpksTypesFile, ppksHeader + "A,0,Satu,S,one,NONE\n", 2},
		{"ppks empty name", PpksTypesFile, ppksHeader + "A,1,,S,one,NONE\n", 2},
		{"ppks lower-case code", PpksTypesFile, ppksHeader + "anak,1,Anak,S,one,NONE\n", 2},
		{"intervention duplicate code", InterventionTypesFile, ivHeader + "X,Satu,1.06.04,1.06.04.2.01.01,PERSON\nX,Dua,1.06.04,1.06.04.2.01.02,PERSON\n", 3},
		{"intervention unknown unit", InterventionTypesFile, ivHeader + "X,Satu,1.06.04,1.06.04.2.01.01,HOUSEHOLD\n", 2},
		{"intervention bad program code", InterventionTypesFile, ivHeader + "X,Satu,1.6.4,1.06.04.2.01.01,PERSON\n", 2},
		{"intervention sub-kegiatan of another program", InterventionTypesFile, ivHeader + "X,Satu,1.06.05,1.06.04.2.01.01,PERSON\n", 2},
		{"regions no kabupaten", RegionsFile, regionHeader + kec, 0},
		{"regions two kabupaten", RegionsFile, regionHeader + kab + kec + "73.05,Kabupaten Takalar,KABUPATEN,,\n", 4},
		{"regions no kecamatan", RegionsFile, regionHeader + kab, 0},
		{"regions kecamatan of another kabupaten", RegionsFile, regionHeader + kab + kec + "73.05.01,Mangarabombang,KECAMATAN,11,1\n", 4},
		{"regions prefix without dot", RegionsFile, regionHeader + "73.0,Kabupaten X,KABUPATEN,,\n" + kec, 2},
		{"regions duplicate code", RegionsFile, regionHeader + kab + kec + "73.06.01,Bajeng,KECAMATAN,10,4\n", 4},
		{"regions unknown level", RegionsFile, regionHeader + kab + kec + "73.06.01.2001,Tamallayang,DESA,,\n", 4},
		{"regions count not a number", RegionsFile, regionHeader + kab + "73.06.01,Bontonompo,KECAMATAN,sebelas,3\n", 3},
		{"regions negative count", RegionsFile, regionHeader + kab + "73.06.01,Bontonompo,KECAMATAN,11,-3\n", 3},
		{"regions missing count", RegionsFile, regionHeader + kab + "73.06.01,Bontonompo,KECAMATAN,,3\n", 3},
		{"regions kabupaten count not the sum", RegionsFile, regionHeader + "73.06,Kabupaten Gowa,KABUPATEN,12,3\n" + kec, 2},
		{"regions empty name", RegionsFile, regionHeader + kab + "73.06.01,,KECAMATAN,11,3\n", 3},
		{"counting unknown type", CountingFile, "from_year,intervention_type\n2024,GRADUASI\n2024,BANSOS\n", 3},
		{"counting bad year", CountingFile, "from_year,intervention_type\n2024a,GRADUASI\n", 2},
		{"counting year too early", CountingFile, "from_year,intervention_type\n1999,GRADUASI\n", 2},
		{"counting duplicate row", CountingFile, "from_year,intervention_type\n2024,GRADUASI\n2024,RUJUKAN\n2024,GRADUASI\n", 4},
		{"bands empty label", RatingBandsFile, "min_percent,label\n110,Sangat Berhasil\n90,\n,Tidak Berhasil\n", 3},
		{"bands bad number", RatingBandsFile, "min_percent,label\nsembilan puluh,Berhasil\n,Tidak Berhasil\n", 2},
		{"bands percent sign", RatingBandsFile, "min_percent,label\n90%,Berhasil\n,Tidak Berhasil\n", 2},
		{"bands duplicate label", RatingBandsFile, "min_percent,label\n90,Berhasil\n60,Berhasil\n,Tidak Berhasil\n", 3},
		{"bands duplicate minimum", RatingBandsFile, "min_percent,label\n90,Berhasil\n90.0,Baik\n,Tidak Berhasil\n", 3},
		{"bands two floors", RatingBandsFile, "min_percent,label\n90,Berhasil\n,Cukup\n,Tidak Berhasil\n", 4},
		{"bands no floor", RatingBandsFile, "min_percent,label\n110,Sangat Berhasil\n90,Berhasil\n", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{tc.file: tc.content})
			cat, bands, err := Load(dir)
			if err == nil {
				t.Fatalf("Load succeeded (%d kecamatan, %d bands), want an error", len(cat.Kecamatan), len(bands))
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is a %T, want *refdata.Error", err, err)
			}
			if e.File != tc.file || e.Line != tc.wantLine || e.Source != filepath.Join(dir, tc.file) {
				t.Errorf("error at %s (%s) line %d, want %s line %d: %v", e.File, e.Source, e.Line, tc.file, tc.wantLine, err)
			}
		})
	}
}

// A replaced intervention_types.csv that drops a type the (embedded) counting rules
// name is caught, and the error points at the counting rule.
func TestLoadCrossFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		InterventionTypesFile: "code,name_id,program_code,sub_kegiatan_code,counted_unit\n" +
			"GRADUASI,Graduasi,1.06.05,1.06.05.2.02.02,PERSON\n",
	})
	_, _, err := Load(dir)
	var e *Error
	if !errors.As(err, &e) || e.File != CountingFile || e.Source != "embedded" || e.Line != 3 {
		t.Fatalf("Load: %v; want an error in the embedded %s, line 3", err, CountingFile)
	}
}

func TestLoadDirectory(t *testing.T) {
	if _, _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("Load of a missing directory succeeded")
	}
	// A misspelt file name would silently leave the embedded data in force.
	dir := writeFiles(t, map[string]string{"region.csv": "code,name,level,desa_count,kelurahan_count\n"})
	if _, _, err := Load(dir); err == nil {
		t.Error("Load with an unknown .csv file succeeded")
	}
	// An empty directory changes nothing.
	if cat, _, err := Load(t.TempDir()); err != nil || cat.Kabupaten.Code != "73.06" {
		t.Errorf("Load(empty dir) = %v, %v", cat, err)
	}
}
