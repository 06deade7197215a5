package server_test

import (
	"testing"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/scenario"
)

// brief2024 is the 2024 table of the brief: persons per counted intervention type.
var brief2024 = map[string]int{
	"GRADUASI": 200, "PERMAKANAN": 170, "ALAT_BANTU": 7, "BIMBINGAN_FMSS": 7,
	"AKSES_PENDIDIKAN_KESEHATAN": 193, "PENELUSURAN_KELUARGA": 15, "REUNIFIKASI_KELUARGA": 25, "RUJUKAN": 36,
}

// The reference scenario end to end: loaded into a temporary SQLite file, read through
// real gRPC and through real HTTP.
func TestReferenceScenario(t *testing.T) {
	e := newEnv(t)
	if _, err := scenario.Load(e.ctx, e.svc); err != nil {
		t.Fatal(err)
	}

	y := e.indicator(2024)
	if y.GetTotal() != 653 || y.GetTarget() != 580 || y.GetAchievementPercent() != 112.59 || y.GetRating() != "Sangat Berhasil" {
		t.Fatalf("gRPC: total %d target %d capaian %v rating %q types %v", y.GetTotal(), y.GetTarget(), y.GetAchievementPercent(), y.GetRating(), y.GetByInterventionType())
	}
	if len(y.GetByInterventionType()) != len(brief2024) {
		t.Errorf("%d counted types, want %d", len(y.GetByInterventionType()), len(brief2024))
	}
	for _, c := range y.GetByInterventionType() {
		if int(c.GetPersons()) != brief2024[c.GetInterventionType()] {
			t.Errorf("gRPC %s = %d, want %d", c.GetInterventionType(), c.GetPersons(), brief2024[c.GetInterventionType()])
		}
	}
	if typeCount(y, "BIMBINGAN_SOSIAL_KELUARGA") != 126 || typeCount(y, "FASILITASI_ADMINDUK") != 19 {
		t.Errorf("other services: %v", y.GetOtherServices())
	}
	// Supervisors checked the year up to November: December's records wait.
	if y.GetTotalVerified() <= 0 || y.GetPendingVerification() <= 0 || y.GetTotalVerified()+y.GetPendingVerification() != 653 {
		t.Errorf("verified %d + pending %d, want 653 with both parts present", y.GetTotalVerified(), y.GetPendingVerification())
	}
	if y.GetUniquePersons() >= y.GetTotal() {
		t.Errorf("unique %d should be below the official %d: some people are served by two types", y.GetUniquePersons(), y.GetTotal())
	}
	for name, list := range map[string][]int32{"byPpksType": persons(y.GetByPpksType()), "byKecamatan": persons(y.GetByKecamatan()), "byMonth": persons(y.GetByMonth())} {
		var sum int32
		for _, n := range list {
			sum += n
		}
		if sum != 653 {
			t.Errorf("%s sums to %d, want 653", name, sum)
		}
	}

	code, body := e.do("GET", "/v1/indicators/penurunan-ppks/years/2024", nil)
	if code != 200 {
		t.Fatalf("REST: HTTP %d %v", code, body)
	}
	if body["year"] != float64(2024) || body["total"] != float64(653) || body["target"] != float64(580) ||
		body["achievementPercent"] != 112.59 || body["rating"] != "Sangat Berhasil" {
		t.Fatalf("REST: %v", body)
	}
	for _, raw := range body["byInterventionType"].([]any) {
		c := raw.(map[string]any)
		if int(c["persons"].(float64)) != brief2024[c["interventionType"].(string)] {
			t.Errorf("REST %v = %v", c["interventionType"], c["persons"])
		}
	}
	if _, ok := body["uniquePersons"]; !ok {
		t.Error("REST answer lacks uniquePersons")
	}
	if months := body["byMonth"].([]any); len(months) != 12 {
		t.Errorf("REST byMonth has %d entries, want 12", len(months))
	}

	// Loading again replays the same requests: nothing new, same figure.
	if _, err := scenario.Load(e.ctx, e.svc); err != nil {
		t.Fatalf("second load: %v", err)
	}
	if got := e.indicator(2024).GetTotal(); got != 653 {
		t.Fatalf("after a second load: total %d, want 653", got)
	}

	// The targets the scenario sets, through REST.
	code, body = e.do("GET", "/v1/indicators/penurunan-ppks/targets", nil)
	if code != 200 || len(body["targets"].([]any)) != 4 {
		t.Fatalf("targets: %d %v", code, body)
	}
}

type counted interface{ GetPersons() int32 }

func persons[T counted](list []T) []int32 {
	out := make([]int32, len(list))
	for i, c := range list {
		out[i] = c.GetPersons()
	}
	return out
}

// The REST paths client apps are written against, end to end.
func TestRESTWalkthrough(t *testing.T) {
	e := newEnv(t)
	code, b := e.do("POST", "/v1/beneficiaries?requestId="+e.newUUID(), map[string]any{
		"nik": "7306084512850001", "fullName": "Siti Aminah", "sex": "SEX_FEMALE",
		"birthDate": map[string]any{"year": 1985, "month": 12, "day": 5}, "kecamatanCode": "73.06.08",
		"desa": "Kelurahan Tombolo", "address": "Jl. Poros Malino",
	})
	if code != 200 || b["nik"] != "7306084512850001" {
		t.Fatalf("create person: %d %v", code, b)
	}
	person := b["name"].(string)
	code, c := e.do("POST", "/v1/"+person+"/cases?requestId="+e.newUUID(), map[string]any{
		"ppksType": "LANSIA_TELANTAR", "openedOn": map[string]any{"year": 2024, "month": 1, "day": 2},
	})
	if code != 200 || c["state"] != "CASE_STATE_OPEN" {
		t.Fatalf("open case: %d %v", code, c)
	}
	kase := c["name"].(string)
	code, iv := e.do("POST", "/v1/"+kase+"/interventions?requestId="+e.newUUID(), map[string]any{
		"interventionType": "PERMAKANAN", "deliveredOn": map[string]any{"year": 2024, "month": 1, "day": 5},
		"quantity": 30, "unit": "porsi",
	})
	if code != 200 || iv["kecamatanCode"] != "73.06.08" || iv["quantity"] != float64(30) {
		t.Fatalf("record intervention: %d %v", code, iv)
	}
	for _, path := range []string{"/v1/" + person, "/v1/" + kase, "/v1/" + iv["name"].(string),
		"/v1/beneficiaries", "/v1/beneficiaries/-/cases", "/v1/beneficiaries/-/cases/-/interventions?filter=year%3D2024",
		"/v1/ppksTypes", "/v1/interventionTypes", "/v1/regions", "/openapi.json"} {
		if code, body := e.do("GET", path, nil); code != 200 {
			t.Errorf("GET %s: %d %v", path, code, body)
		}
	}
	code, upd := e.do("PATCH", "/v1/"+person, map[string]any{"address": "Jl. Baru No. 1", "etag": b["etag"]})
	if code != 200 || upd["address"] != "Jl. Baru No. 1" || upd["fullName"] != "Siti Aminah" {
		t.Fatalf("patch person: %d %v", code, upd)
	}
	code, _ = e.do("PATCH", "/v1/"+person, map[string]any{"address": "Jl. Lama", "etag": b["etag"]})
	if code != 409 {
		t.Fatalf("patch with a stale etag: HTTP %d, want 409", code)
	}
	code, tg := e.do("PATCH", "/v1/indicators/penurunan-ppks/targets/2024?allowMissing=true", map[string]any{"value": 580})
	if code != 200 || tg["value"] != float64(580) {
		t.Fatalf("set target: %d %v", code, tg)
	}
	code, y := e.do("GET", "/v1/indicators/penurunan-ppks/years/2024", nil)
	if code != 200 || y["total"] != float64(1) || y["target"] != float64(580) || y["rating"] != "Tidak Berhasil" {
		t.Fatalf("indicator: %d %v", code, y)
	}
	code, closed := e.do("POST", "/v1/"+kase+":close", map[string]any{"outcome": "CASE_OUTCOME_MOVED"})
	if code != 200 || closed["state"] != "CASE_STATE_CLOSED" {
		t.Fatalf("close: %d %v", code, closed)
	}
	code, v := e.do("POST", "/v1/"+iv["name"].(string)+":void", map[string]any{"reason": "Salah orang"})
	if code != 200 || v["state"] != "INTERVENTION_STATE_VOIDED" {
		t.Fatalf("void: %d %v", code, v)
	}
	ref, err := e.ref.ListRegions(e.ctx, &ppksv1.ListRegionsRequest{})
	if err != nil || len(ref.GetRegions()) != 19 {
		t.Fatalf("regions: %d %v", len(ref.GetRegions()), err)
	}
}
