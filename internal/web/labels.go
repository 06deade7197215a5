package web

import (
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// The domain's words for codes, as the pages show them.

func ppksName(c *ppks.Catalog, code string) string {
	if t, ok := c.PpksType(code); ok {
		return t.Name
	}
	return code
}

func interventionName(c *ppks.Catalog, code string) string {
	if t, ok := c.InterventionType(code); ok {
		return t.Name
	}
	return code
}

func kecamatanName(c *ppks.Catalog, code string) string {
	if r, ok := c.KecamatanByCode(code); ok {
		return r.Name
	}
	return code
}

func sexLabel(s ppks.Sex) string {
	switch s {
	case ppks.SexMale:
		return "Laki-laki"
	case ppks.SexFemale:
		return "Perempuan"
	}
	return "–"
}

func roleLabel(r ppks.Role) string {
	switch r {
	case ppks.RoleWorker:
		return "Petugas lapangan"
	case ppks.RoleSupervisor:
		return "Kepala bidang (supervisor)"
	case ppks.RolePlanner:
		return "Perencanaan dan pelaporan"
	case ppks.RoleAdmin:
		return "Administrator"
	}
	return "–"
}

func verificationLabel(v ppks.VerificationState) string {
	switch v {
	case ppks.VerificationPending:
		return "Menunggu verifikasi"
	case ppks.VerificationVerified:
		return "Terverifikasi"
	case ppks.VerificationRejected:
		return "Ditolak"
	}
	return "–"
}

func transferStateLabel(s ppks.TransferState) string {
	switch s {
	case ppks.TransferPending:
		return "Menunggu supervisor"
	case ppks.TransferApproved:
		return "Disetujui"
	case ppks.TransferRejected:
		return "Ditolak"
	}
	return "–"
}

func outcomeLabel(o ppks.Outcome) string {
	switch o {
	case ppks.OutcomeGraduated:
		return "Graduasi"
	case ppks.OutcomeReunified:
		return "Kembali ke keluarga"
	case ppks.OutcomeReferred:
		return "Dirujuk"
	case ppks.OutcomeMoved:
		return "Pindah"
	case ppks.OutcomeDeceased:
		return "Meninggal dunia"
	case ppks.OutcomeOther:
		return "Lainnya"
	}
	return "–"
}

// outcomes are the choices of closing a case.
var outcomes = []ppks.Outcome{ppks.OutcomeGraduated, ppks.OutcomeReunified, ppks.OutcomeReferred,
	ppks.OutcomeMoved, ppks.OutcomeDeceased, ppks.OutcomeOther}

// fieldLabels name the fields of requests and of record history.
var fieldLabels = map[string]string{
	"nik": "NIK", "full_name": "Nama lengkap", "sex": "Jenis kelamin", "birth_date": "Tanggal lahir",
	"kecamatan_code": "Kecamatan", "desa": "Desa/kelurahan", "address": "Alamat", "kk_number": "Nomor KK",
	"merged_into": "Digabung ke", "merged_from": "Digabung dari", "merge_reason": "Alasan penggabungan",
	"beneficiary": "Penerima", "ppks_type": "Jenis PPKS", "opened_on": "Tanggal dibuka", "state": "Status",
	"outcome": "Hasil", "closed_on": "Tanggal ditutup", "close_note": "Catatan penutupan",
	"assigned_worker": "Petugas pendamping", "intervention_type": "Jenis intervensi",
	"delivered_on": "Tanggal diberikan", "quantity": "Jumlah", "unit": "Satuan", "notes": "Catatan",
	"void_reason": "Alasan pembatalan", "verification": "Verifikasi", "reject_reason": "Alasan penolakan",
	"reason": "Alasan", "password": "Kata sandi", "new_password": "Kata sandi baru",
	"current_password": "Kata sandi saat ini", "username": "Nama pengguna", "display_name": "Nama tampilan",
	"role": "Peran", "kecamatan_codes": "Kecamatan tugas", "request_id": "ID permintaan", "filter": "Filter",
	"page_token": "Halaman", "description": "Keterangan", "expire_time": "Berlaku sampai", "from": "Dari bulan",
	"to": "Sampai bulan", "duplicate": "Data duplikat", "name": "Nama", "kecamatan": "Kecamatan", "year": "Tahun",
	"note": "Catatan", "figure": "Angka", "etag": "Versi data",
}

func fieldLabel(path string) string {
	f := path
	if i := strings.LastIndexByte(f, '.'); i >= 0 {
		f = f[i+1:]
	}
	if l, ok := fieldLabels[f]; ok {
		return l
	}
	return f
}

// reasonLabel names what agrees between two records of one person.
func reasonLabel(r string) string {
	switch r {
	case "NIK":
		return "NIK sama"
	case "NAME":
		return "Nama mirip"
	case "BIRTH_DATE":
		return "Tanggal lahir sama"
	case "BIRTH_YEAR":
		return "Tahun lahir sama"
	case "KECAMATAN":
		return "Kecamatan sama"
	case "KK_NUMBER":
		return "Nomor KK sama"
	}
	return r
}

// historyValue shows a value of a record's history in words: names for codes, dates in
// Indonesian; other values as recorded.
func historyValue(c *ppks.Catalog, field, v string) string {
	if v == "" {
		return v
	}
	switch field {
	case "intervention_type":
		return interventionName(c, v)
	case "ppks_type":
		return ppksName(c, v)
	case "kecamatan_code":
		return kecamatanName(c, v)
	case "birth_date", "delivered_on", "opened_on", "closed_on":
		if d, ok := parseISODate(v); ok && !d.IsZero() {
			return formatDate(d)
		}
	case "sex":
		if s, ok := map[string]string{"MALE": "Laki-laki", "FEMALE": "Perempuan"}[v]; ok {
			return s
		}
	case "state":
		if s, ok := map[string]string{"ACTIVE": "aktif", "VOIDED": "dibatalkan", "OPEN": "terbuka", "CLOSED": "ditutup"}[v]; ok {
			return s
		}
	case "verification":
		if s, ok := map[string]string{"PENDING": "menunggu verifikasi", "VERIFIED": "terverifikasi", "REJECTED": "ditolak"}[v]; ok {
			return s
		}
	case "outcome":
		if s, ok := map[string]string{"GRADUATED": "graduasi", "REUNIFIED": "kembali ke keluarga", "REFERRED": "dirujuk",
			"MOVED": "pindah", "DECEASED": "meninggal dunia", "OTHER": "lainnya"}[v]; ok {
			return s
		}
	}
	return v
}

// methodLabel names the operation of a change in the history.
func methodLabel(m string) string {
	if l, ok := map[string]string{
		"CreateBeneficiary": "didaftarkan", "UpdateBeneficiary": "dikoreksi", "MergeBeneficiaries": "digabung",
		"CreateCase": "kasus dibuka", "UpdateCase": "kasus dikoreksi", "CloseCase": "kasus ditutup", "ReopenCase": "kasus dibuka kembali",
		"CreateIntervention": "dicatat", "UpdateIntervention": "dikoreksi", "VoidIntervention": "dibatalkan",
		"VerifyIntervention": "diverifikasi", "RejectIntervention": "ditolak",
	}[m]; ok {
		return l
	}
	return m
}
