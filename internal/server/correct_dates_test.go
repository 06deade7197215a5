package server_test

import (
	"testing"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// A date is corrected as a whole, over REST (where the gateway derives the mask from the
// body as one path per field of the date) and over gRPC (with the field or its
// sub-paths in the mask): an intervention's delivery date, moving its count to the right
// year; a person's birth date; a case's opening date.
func TestDateCorrections(t *testing.T) {
	e := newEnv(t)
	p := e.person(ownKec, "")
	c := e.openCase(p.GetName(), "LANSIA_TELANTAR")
	iv := e.deliver(c.GetName(), "PERMAKANAN", 2024, 12, 31)
	if n := typeCount(e.indicator(2024), "PERMAKANAN"); n != 1 {
		t.Fatalf("2024 PERMAKANAN before the correction: %d", n)
	}

	// REST: the delivery date moves to 2025.
	code, body := e.do("PATCH", "/v1/"+iv.GetName(), map[string]any{
		"deliveredOn": map[string]any{"year": 2025, "month": 1, "day": 2}, "etag": iv.GetEtag()})
	if code != 200 {
		t.Fatalf("REST correction of deliveredOn: HTTP %d %v", code, body)
	}
	if got := body["deliveredOn"]; !sameDate(got, 2025, 1, 2) {
		t.Errorf("deliveredOn after the correction: %v", got)
	}
	if a, b := typeCount(e.indicator(2024), "PERMAKANAN"), typeCount(e.indicator(2025), "PERMAKANAN"); a != 0 || b != 1 {
		t.Errorf("PERMAKANAN after moving to 2025: 2024 %d, 2025 %d; want 0 and 1", a, b)
	}

	// gRPC, with a mask of sub-paths (as a client that mirrors the gateway sends it), and
	// with the field itself: back to 2024, then another day.
	for _, mask := range [][]string{{"delivered_on.year", "delivered_on.month", "delivered_on.day"}, {"delivered_on"}} {
		cur, err := e.cases.GetIntervention(e.ctx, &ppksv1.GetInterventionRequest{Name: iv.GetName()})
		if err != nil {
			t.Fatal(err)
		}
		day := int32(len(mask)) // 3, then 1
		got, err := e.cases.UpdateIntervention(e.ctx, &ppksv1.UpdateInterventionRequest{
			Intervention: &ppksv1.Intervention{Name: iv.GetName(), DeliveredOn: &date.Date{Year: 2024, Month: 11, Day: day}, Etag: cur.GetIntervention().GetEtag()},
			UpdateMask:   &fieldmaskpb.FieldMask{Paths: mask},
		})
		if err != nil {
			t.Fatalf("gRPC correction with mask %v: %v", mask, err)
		}
		if d := got.GetIntervention().GetDeliveredOn(); d.GetYear() != 2024 || d.GetMonth() != 11 || d.GetDay() != day {
			t.Errorf("mask %v: deliveredOn %v", mask, d)
		}
	}
	if a, b := typeCount(e.indicator(2024), "PERMAKANAN"), typeCount(e.indicator(2025), "PERMAKANAN"); a != 1 || b != 0 {
		t.Errorf("PERMAKANAN after moving back: 2024 %d, 2025 %d; want 1 and 0", a, b)
	}

	// A person's birth date, a year alone (an estimated birth year) included.
	for _, bd := range []map[string]any{{"year": 1950, "month": 3, "day": 4}, {"year": 1948}} {
		code, body = e.do("PATCH", "/v1/"+p.GetName(), map[string]any{"birthDate": bd, "etag": e.etag(p.GetName())})
		if code != 200 {
			t.Fatalf("REST correction of birthDate %v: HTTP %d %v", bd, code, body)
		}
		got, _ := body["birthDate"].(map[string]any)
		if got["year"] != float64(bd["year"].(int)) || (bd["month"] == nil) != (got["month"] == nil || got["month"] == float64(0)) {
			t.Errorf("birthDate %v after the correction: %v", bd, got)
		}
	}

	// A case's opening date.
	code, body = e.do("PATCH", "/v1/"+c.GetName(), map[string]any{"openedOn": map[string]any{"year": 2022, "month": 6, "day": 1}, "etag": e.etag(c.GetName())})
	if code != 200 || !sameDate(body["openedOn"], 2022, 6, 1) {
		t.Fatalf("REST correction of openedOn: HTTP %d %v", code, body)
	}

	// A sub-path of a field that is not a message stays an error naming the path.
	code, body = e.do("PATCH", "/v1/"+iv.GetName()+"?updateMask=notes.text", map[string]any{"notes": "x", "etag": e.etag(iv.GetName())})
	if code != 400 {
		t.Errorf("mask notes.text: HTTP %d %v, want 400", code, body)
	}
}

func sameDate(v any, y, m, d int) bool {
	got, _ := v.(map[string]any)
	return got["year"] == float64(y) && got["month"] == float64(m) && got["day"] == float64(d)
}
