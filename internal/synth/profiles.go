package synth

// profile is what a case of a PPKS category typically receives: how likely monthly
// PERMAKANAN is, which one-off services it gets, and how likely it ends in graduation.
type profile struct {
	weight   int // how common the category is among cases
	monthly  float64
	services []string
	graduate float64
}

// profiles by PPKS category; categories not listed get defaultProfile. The weights
// follow the shape of a kabupaten's caseload: mostly the poor, the elderly and people
// with disabilities.
var profiles = map[string]profile{
	"FAKIR_MISKIN": {weight: 30, monthly: 0.25, graduate: 0.08,
		services: []string{"SANDANG", "BIMBINGAN_SOSIAL_KELUARGA", "AKSES_PENDIDIKAN_KESEHATAN", "FASILITASI_ADMINDUK", "BIMBINGAN_FMSS"}},
	"LANSIA_TELANTAR": {weight: 20, monthly: 0.75,
		services: []string{"ALAT_BANTU", "BIMBINGAN_FMSS", "PERBEKALAN_KESEHATAN", "SANDANG"}},
	"PENYANDANG_DISABILITAS": {weight: 12, monthly: 0.55,
		services: []string{"ALAT_BANTU", "ALAT_BANTU", "BIMBINGAN_FMSS", "AKSES_PENDIDIKAN_KESEHATAN", "RUJUKAN"}},
	"ANAK_DISABILITAS": {weight: 3, monthly: 0.4,
		services: []string{"ALAT_BANTU", "AKSES_PENDIDIKAN_KESEHATAN", "BIMBINGAN_FMSS"}},
	"ANAK_TELANTAR": {weight: 6, monthly: 0.2,
		services: []string{"BIMBINGAN_FMSS", "AKSES_PENDIDIKAN_KESEHATAN", "PENELUSURAN_KELUARGA", "REUNIFIKASI_KELUARGA", "FASILITASI_ADMINDUK"}},
	"KORBAN_BENCANA_ALAM": {weight: 4,
		services: []string{"BENCANA_MAKANAN", "BENCANA_SANDANG", "BENCANA_PENAMPUNGAN", "BENCANA_PSIKOSOSIAL", "BENCANA_KELOMPOK_RENTAN"}},
	"KELUARGA_BERMASALAH_SOSPSI": {weight: 2,
		services: []string{"BIMBINGAN_SOSIAL_KELUARGA", "BIMBINGAN_FMSS", "RUJUKAN"}},
	"GELANDANGAN": {weight: 2,
		services: []string{"LAYANAN_KEDARURATAN", "PENELUSURAN_KELUARGA", "REUNIFIKASI_KELUARGA", "RUJUKAN"}},
}

var defaultProfile = profile{weight: 1, monthly: 0.05,
	services: []string{"BIMBINGAN_FMSS", "RUJUKAN", "LAYANAN_DATA_PENGADUAN", "LAYANAN_KEDARURATAN", "AKSES_PENDIDIKAN_KESEHATAN"}}

func profileOf(ppksType string) profile {
	if p, ok := profiles[ppksType]; ok {
		return p
	}
	return defaultProfile
}
