package server_test

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// fixture is the state every invalid request runs against.
type fixture struct {
	person, openCase, closedCase, intervention string
	etag                                       string
}

func newFixture(e *env) fixture {
	p := e.person("73.06.08", "7306084512850001")
	open := e.openCase(p.GetName(), "LANSIA_TELANTAR")
	closed := e.openCase(p.GetName(), "GELANDANGAN")
	if _, err := e.cases.CloseCase(e.ctx, &ppksv1.CloseCaseRequest{Name: closed.GetName(), Outcome: ppksv1.CaseOutcome_CASE_OUTCOME_REUNIFIED}); err != nil {
		e.t.Fatal(err)
	}
	iv := e.deliver(open.GetName(), "PERMAKANAN", 2024, 3, 5)
	if _, err := e.ind.UpdateTarget(e.ctx, &ppksv1.UpdateTargetRequest{
		Target: &ppksv1.Target{Name: "indicators/penurunan-ppks/targets/2024", Value: proto.Int32(580)}, AllowMissing: true,
	}); err != nil {
		e.t.Fatal(err)
	}
	return fixture{person: p.GetName(), openCase: open.GetName(), closedCase: closed.GetName(), intervention: iv.GetName(), etag: p.GetEtag()}
}

// snapshot reads everything the API can list, to prove a refused request wrote nothing
// (reads add READ entries to the audit log; only WRITE entries are compared).
func (e *env) snapshot() []proto.Message {
	e.t.Helper()
	ctx := e.ctx
	ppl, err1 := e.cases.ListBeneficiaries(ctx, &ppksv1.ListBeneficiariesRequest{PageSize: 1000})
	cs, err2 := e.cases.ListCases(ctx, &ppksv1.ListCasesRequest{Parent: "beneficiaries/-", PageSize: 1000})
	ivs, err3 := e.cases.ListInterventions(ctx, &ppksv1.ListInterventionsRequest{Parent: "beneficiaries/-/cases/-", PageSize: 1000})
	ts, err4 := e.ind.ListTargets(ctx, &ppksv1.ListTargetsRequest{Parent: "indicators/penurunan-ppks"})
	// The audit log's writes: a refused request must not claim a change.
	audit, err5 := e.admin.ListAuditEntries(ctx, &ppksv1.ListAuditEntriesRequest{Filter: "action = WRITE", PageSize: 1000})
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			e.t.Fatal(err)
		}
	}
	return []proto.Message{ppl, cs, ivs, ts, audit}
}

type invalidCase struct {
	name     string
	grpc     func(ctx context.Context, e *env, f fixture) error
	method   string
	path     func(e *env, f fixture) string
	body     func(f fixture) any
	code     codes.Code
	field    string // the violated field; "" when the error names none
	httpCode int
}

func personBody(mod func(m map[string]any)) func(fixture) any {
	return func(fixture) any {
		m := map[string]any{"fullName": "Andi Baso", "sex": "SEX_MALE", "kecamatanCode": "73.06.02"}
		mod(m)
		return m
	}
}

func personProto(mod func(b *ppksv1.Beneficiary)) *ppksv1.Beneficiary {
	b := &ppksv1.Beneficiary{FullName: "Andi Baso", Sex: ppksv1.Sex_SEX_MALE, KecamatanCode: "73.06.02"}
	mod(b)
	return b
}

func createPerson(mod func(b *ppksv1.Beneficiary)) func(context.Context, *env, fixture) error {
	return func(ctx context.Context, e *env, _ fixture) error {
		_, err := e.cases.CreateBeneficiary(ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(), Beneficiary: personProto(mod)})
		return err
	}
}

func postPerson(e *env, _ fixture) string { return "/v1/beneficiaries?requestId=" + e.newUUID() }

func createIntervention(caseOf func(fixture) string, iv *ppksv1.Intervention) func(context.Context, *env, fixture) error {
	return func(ctx context.Context, e *env, f fixture) error {
		_, err := e.cases.CreateIntervention(ctx, &ppksv1.CreateInterventionRequest{Parent: caseOf(f), RequestId: e.newUUID(), Intervention: iv})
		return err
	}
}

func postIntervention(caseOf func(fixture) string) func(*env, fixture) string {
	return func(e *env, f fixture) string { return "/v1/" + caseOf(f) + "/interventions?requestId=" + e.newUUID() }
}

func jsonDate(d *date.Date) map[string]any {
	return map[string]any{"year": d.GetYear(), "month": d.GetMonth(), "day": d.GetDay()}
}

func openCaseOf(f fixture) string   { return f.openCase }
func closedCaseOf(f fixture) string { return f.closedCase }
func missingCaseOf(f fixture) string {
	return f.person + "/cases/0190a5b2-0000-7000-8000-000000000000"
}

func listPeople(req *ppksv1.ListBeneficiariesRequest) func(context.Context, *env, fixture) error {
	return func(ctx context.Context, e *env, _ fixture) error {
		_, err := e.cases.ListBeneficiaries(ctx, req)
		return err
	}
}

func fixed(path string) func(*env, fixture) string { return func(*env, fixture) string { return path } }

func invalidCases() []invalidCase {
	iv := func(mod func(*ppksv1.Intervention)) *ppksv1.Intervention {
		x := &ppksv1.Intervention{InterventionType: "PERMAKANAN", DeliveredOn: day(2024, 4, 5)}
		mod(x)
		return x
	}
	ivBody := func(mod func(m map[string]any)) func(fixture) any {
		return func(fixture) any {
			m := map[string]any{"interventionType": "PERMAKANAN", "deliveredOn": jsonDate(day(2024, 4, 5))}
			mod(m)
			return m
		}
	}
	const bad = codes.InvalidArgument
	person := func(name, field string, mod func(*ppksv1.Beneficiary), jmod func(map[string]any)) invalidCase {
		return invalidCase{name: name, grpc: createPerson(mod), method: "POST", path: postPerson, body: personBody(jmod), code: bad, field: field, httpCode: 400}
	}
	interv := func(name string, code codes.Code, field string, httpCode int, caseOf func(fixture) string, mod func(*ppksv1.Intervention), jmod func(map[string]any)) invalidCase {
		return invalidCase{name: name, grpc: createIntervention(caseOf, iv(mod)), method: "POST", path: postIntervention(caseOf), body: ivBody(jmod), code: code, field: field, httpCode: httpCode}
	}
	return []invalidCase{
		person("NIK of 15 digits", "beneficiary.nik", func(b *ppksv1.Beneficiary) { b.Nik = "730608451285000" }, func(m map[string]any) { m["nik"] = "730608451285000" }),
		person("NIK of 17 digits", "beneficiary.nik", func(b *ppksv1.Beneficiary) { b.Nik = "73060845128500011" }, func(m map[string]any) { m["nik"] = "73060845128500011" }),
		person("NIK with letters", "beneficiary.nik", func(b *ppksv1.Beneficiary) { b.Nik = "73060845128500O1" }, func(m map[string]any) { m["nik"] = "73060845128500O1" }),
		person("NIK serial 0000", "beneficiary.nik", func(b *ppksv1.Beneficiary) { b.Nik = "7306084512850000" }, func(m map[string]any) { m["nik"] = "7306084512850000" }),
		person("NIK region 00", "beneficiary.nik", func(b *ppksv1.Beneficiary) { b.Nik = "7300084512850001" }, func(m map[string]any) { m["nik"] = "7300084512850001" }),
		person("NIK birth month 13", "beneficiary.nik", func(b *ppksv1.Beneficiary) { b.Nik = "7306084513850001" }, func(m map[string]any) { m["nik"] = "7306084513850001" }),
		person("missing full name", "beneficiary.full_name", func(b *ppksv1.Beneficiary) { b.FullName = "  " }, func(m map[string]any) { delete(m, "fullName") }),
		person("missing sex", "beneficiary.sex", func(b *ppksv1.Beneficiary) { b.Sex = 0 }, func(m map[string]any) { delete(m, "sex") }),
		person("missing kecamatan", "beneficiary.kecamatan_code", func(b *ppksv1.Beneficiary) { b.KecamatanCode = "" }, func(m map[string]any) { delete(m, "kecamatanCode") }),
		person("unknown kecamatan", "beneficiary.kecamatan_code", func(b *ppksv1.Beneficiary) { b.KecamatanCode = "73.71.01" }, func(m map[string]any) { m["kecamatanCode"] = "73.71.01" }),
		person("impossible birth date 30 February", "beneficiary.birth_date", func(b *ppksv1.Beneficiary) { b.BirthDate = day(1990, 2, 30) }, func(m map[string]any) { m["birthDate"] = jsonDate(day(1990, 2, 30)) }),
		person("birth day without month", "beneficiary.birth_date", func(b *ppksv1.Beneficiary) { b.BirthDate = day(1990, 0, 12) }, func(m map[string]any) { m["birthDate"] = map[string]any{"year": 1990, "day": 12} }),
		person("birth date in the future", "beneficiary.birth_date", func(b *ppksv1.Beneficiary) { b.BirthDate = day(2030, 1, 1) }, func(m map[string]any) { m["birthDate"] = jsonDate(day(2030, 1, 1)) }),
		{name: "missing request id", grpc: func(ctx context.Context, e *env, _ fixture) error {
			_, err := e.cases.CreateBeneficiary(ctx, &ppksv1.CreateBeneficiaryRequest{Beneficiary: personProto(func(*ppksv1.Beneficiary) {})})
			return err
		}, method: "POST", path: fixed("/v1/beneficiaries"), body: personBody(func(map[string]any) {}), code: bad, field: "request_id", httpCode: 400},
		{name: "request id not a UUID", grpc: func(ctx context.Context, e *env, _ fixture) error {
			_, err := e.cases.CreateBeneficiary(ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: "retry-1", Beneficiary: personProto(func(*ppksv1.Beneficiary) {})})
			return err
		}, method: "POST", path: fixed("/v1/beneficiaries?requestId=retry-1"), body: personBody(func(map[string]any) {}), code: bad, field: "request_id", httpCode: 400},
		{name: "client id not a UUID", grpc: func(ctx context.Context, e *env, _ fixture) error {
			_, err := e.cases.CreateBeneficiary(ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(), BeneficiaryId: "orang-1", Beneficiary: personProto(func(*ppksv1.Beneficiary) {})})
			return err
		}, method: "POST", path: func(e *env, _ fixture) string {
			return "/v1/beneficiaries?beneficiaryId=orang-1&requestId=" + e.newUUID()
		}, body: personBody(func(map[string]any) {}), code: bad, field: "beneficiary_id", httpCode: 400},
		{name: "NIK already registered", grpc: createPerson(func(b *ppksv1.Beneficiary) { b.Nik = "7306084512850001" }),
			method: "POST", path: postPerson, body: personBody(func(m map[string]any) { m["nik"] = "7306084512850001" }), code: codes.AlreadyExists, field: "beneficiary.nik", httpCode: 409},
		{name: "malformed person name", grpc: func(ctx context.Context, e *env, _ fixture) error {
			_, err := e.cases.GetBeneficiary(ctx, &ppksv1.GetBeneficiaryRequest{Name: "beneficiaries/budi"})
			return err
		}, method: "GET", path: fixed("/v1/beneficiaries/budi"), code: bad, field: "name", httpCode: 400},
		{name: "unknown PPKS type", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.CreateCase(ctx, &ppksv1.CreateCaseRequest{Parent: f.person, RequestId: e.newUUID(), Case: &ppksv1.Case{PpksType: "LANSIA"}})
			return err
		}, method: "POST", path: func(e *env, f fixture) string { return "/v1/" + f.person + "/cases?requestId=" + e.newUUID() },
			body: func(fixture) any { return map[string]any{"ppksType": "LANSIA"} }, code: bad, field: "case.ppks_type", httpCode: 400},
		{name: "missing PPKS type", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.CreateCase(ctx, &ppksv1.CreateCaseRequest{Parent: f.person, RequestId: e.newUUID(), Case: &ppksv1.Case{}})
			return err
		}, method: "POST", path: func(e *env, f fixture) string { return "/v1/" + f.person + "/cases?requestId=" + e.newUUID() },
			body: func(fixture) any { return map[string]any{} }, code: bad, field: "case.ppks_type", httpCode: 400},
		{name: "case opened in the future", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.CreateCase(ctx, &ppksv1.CreateCaseRequest{Parent: f.person, RequestId: e.newUUID(), Case: &ppksv1.Case{PpksType: "PENGEMIS", OpenedOn: day(2025, 6, 16)}})
			return err
		}, method: "POST", path: func(e *env, f fixture) string { return "/v1/" + f.person + "/cases?requestId=" + e.newUUID() },
			body: func(fixture) any {
				return map[string]any{"ppksType": "PENGEMIS", "openedOn": jsonDate(day(2025, 6, 16))}
			}, code: bad, field: "case.opened_on", httpCode: 400},
		{name: "case for an unknown person", grpc: func(ctx context.Context, e *env, _ fixture) error {
			_, err := e.cases.CreateCase(ctx, &ppksv1.CreateCaseRequest{Parent: "beneficiaries/0190a5b2-0000-7000-8000-000000000001", RequestId: e.newUUID(), Case: &ppksv1.Case{PpksType: "PENGEMIS"}})
			return err
		}, method: "POST", path: func(e *env, _ fixture) string {
			return "/v1/beneficiaries/0190a5b2-0000-7000-8000-000000000001/cases?requestId=" + e.newUUID()
		}, body: func(fixture) any { return map[string]any{"ppksType": "PENGEMIS"} }, code: codes.NotFound, httpCode: 404},
		interv("unknown intervention type", bad, "intervention.intervention_type", 400, openCaseOf, func(x *ppksv1.Intervention) { x.InterventionType = "BANSOS" }, func(m map[string]any) { m["interventionType"] = "BANSOS" }),
		interv("missing delivery date", bad, "intervention.delivered_on", 400, openCaseOf, func(x *ppksv1.Intervention) { x.DeliveredOn = nil }, func(m map[string]any) { delete(m, "deliveredOn") }),
		interv("delivery date in the future", bad, "intervention.delivered_on", 400, openCaseOf, func(x *ppksv1.Intervention) { x.DeliveredOn = day(2025, 6, 16) }, func(m map[string]any) { m["deliveredOn"] = jsonDate(day(2025, 6, 16)) }),
		interv("impossible delivery date", bad, "intervention.delivered_on", 400, openCaseOf, func(x *ppksv1.Intervention) { x.DeliveredOn = day(2024, 13, 1) }, func(m map[string]any) { m["deliveredOn"] = jsonDate(day(2024, 13, 1)) }),
		interv("delivery date without a day", bad, "intervention.delivered_on", 400, openCaseOf, func(x *ppksv1.Intervention) { x.DeliveredOn = day(2024, 4, 0) }, func(m map[string]any) { m["deliveredOn"] = map[string]any{"year": 2024, "month": 4} }),
		interv("delivered before the case was opened", bad, "intervention.delivered_on", 400, openCaseOf, func(x *ppksv1.Intervention) { x.DeliveredOn = day(2022, 12, 31) }, func(m map[string]any) { m["deliveredOn"] = jsonDate(day(2022, 12, 31)) }),
		interv("negative quantity", bad, "intervention.quantity", 400, openCaseOf, func(x *ppksv1.Intervention) { x.Quantity = -3 }, func(m map[string]any) { m["quantity"] = -3 }),
		interv("unknown kecamatan of delivery", bad, "intervention.kecamatan_code", 400, openCaseOf, func(x *ppksv1.Intervention) { x.KecamatanCode = "73.06.99" }, func(m map[string]any) { m["kecamatanCode"] = "73.06.99" }),
		interv("intervention on a closed case", codes.FailedPrecondition, "", 400, closedCaseOf, func(*ppksv1.Intervention) {}, func(map[string]any) {}),
		interv("intervention on an unknown case", codes.NotFound, "", 404, missingCaseOf, func(*ppksv1.Intervention) {}, func(map[string]any) {}),
		{name: "page size negative", grpc: listPeople(&ppksv1.ListBeneficiariesRequest{PageSize: -1}), method: "GET", path: fixed("/v1/beneficiaries?pageSize=-1"), code: bad, field: "page_size", httpCode: 400},
		{name: "page size over 1000", grpc: listPeople(&ppksv1.ListBeneficiariesRequest{PageSize: 1001}), method: "GET", path: fixed("/v1/beneficiaries?pageSize=1001"), code: bad, field: "page_size", httpCode: 400},
		{name: "malformed page token", grpc: listPeople(&ppksv1.ListBeneficiariesRequest{PageToken: "not-a-token!"}), method: "GET", path: fixed("/v1/beneficiaries?pageToken=not-a-token!"), code: bad, field: "page_token", httpCode: 400},
		{name: "page token of another filter", grpc: func(ctx context.Context, e *env, _ fixture) error {
			tok := e.pageToken()
			_, err := e.cases.ListBeneficiaries(ctx, &ppksv1.ListBeneficiariesRequest{PageToken: tok, Filter: `kecamatan_code = "73.06.08"`})
			return err
		}, method: "GET", path: func(e *env, _ fixture) string {
			return "/v1/beneficiaries?filter=" + url.QueryEscape(`kecamatan_code = "73.06.08"`) + "&pageToken=" + e.pageToken()
		}, code: bad, field: "page_token", httpCode: 400},
		{name: "filter on an unknown field", grpc: listPeople(&ppksv1.ListBeneficiariesRequest{Filter: `agama = "islam"`}), method: "GET", path: fixed("/v1/beneficiaries?filter=" + url.QueryEscape(`agama = "islam"`)), code: bad, field: "filter", httpCode: 400},
		{name: "malformed filter", grpc: listPeople(&ppksv1.ListBeneficiariesRequest{Filter: `nik = "7306`}), method: "GET", path: fixed("/v1/beneficiaries?filter=" + url.QueryEscape(`nik = "7306`)), code: bad, field: "filter", httpCode: 400},
		{name: "void without a reason", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.VoidIntervention(ctx, &ppksv1.VoidInterventionRequest{Name: f.intervention, Reason: " "})
			return err
		}, method: "POST", path: func(_ *env, f fixture) string { return "/v1/" + f.intervention + ":void" }, body: func(fixture) any { return map[string]any{} }, code: bad, field: "reason", httpCode: 400},
		{name: "close without an outcome", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.CloseCase(ctx, &ppksv1.CloseCaseRequest{Name: f.openCase})
			return err
		}, method: "POST", path: func(_ *env, f fixture) string { return "/v1/" + f.openCase + ":close" }, body: func(fixture) any { return map[string]any{} }, code: bad, field: "outcome", httpCode: 400},
		{name: "close a closed case", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.CloseCase(ctx, &ppksv1.CloseCaseRequest{Name: f.closedCase, Outcome: ppksv1.CaseOutcome_CASE_OUTCOME_MOVED})
			return err
		}, method: "POST", path: func(_ *env, f fixture) string { return "/v1/" + f.closedCase + ":close" }, body: func(fixture) any { return map[string]any{"outcome": "CASE_OUTCOME_MOVED"} }, code: codes.FailedPrecondition, httpCode: 400},
		{name: "update a field that cannot change", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.UpdateBeneficiary(ctx, &ppksv1.UpdateBeneficiaryRequest{Beneficiary: &ppksv1.Beneficiary{Name: f.person}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"religion"}}})
			return err
		}, method: "PATCH", path: func(_ *env, f fixture) string { return "/v1/" + f.person + "?updateMask=religion" }, body: func(fixture) any { return map[string]any{} }, code: bad, field: "update_mask", httpCode: 400},
		{name: "update with a stale etag", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.UpdateBeneficiary(ctx, &ppksv1.UpdateBeneficiaryRequest{Beneficiary: &ppksv1.Beneficiary{Name: f.person, Desa: "Tombolo", Etag: `"r0"`}})
			return err
		}, method: "PATCH", path: func(_ *env, f fixture) string { return "/v1/" + f.person }, body: func(fixture) any { return map[string]any{"desa": "Tombolo", "etag": `"r0"`} }, code: codes.Aborted, httpCode: 409},
		// Free text with characters that hide or rewrite it (issue 10, point 8).
		person("NUL in a name", "beneficiary.full_name", func(b *ppksv1.Beneficiary) { b.FullName = "Andi\x00Baso" }, func(m map[string]any) { m["fullName"] = "Andi\x00Baso" }),
		person("ESC sequence in a name", "beneficiary.full_name", func(b *ppksv1.Beneficiary) { b.FullName = "Andi \x1b[2J Baso" }, func(m map[string]any) { m["fullName"] = "Andi \x1b[2J Baso" }),
		person("right-to-left override in a name", "beneficiary.full_name", func(b *ppksv1.Beneficiary) { b.FullName = "Andi \u202eosaB" }, func(m map[string]any) { m["fullName"] = "Andi \u202eosaB" }),
		person("isolate in an address", "beneficiary.address", func(b *ppksv1.Beneficiary) { b.Address = "Jl. \u2067Poros\u2069" }, func(m map[string]any) { m["address"] = "Jl. \u2067Poros\u2069" }),
		person("control character in a desa", "beneficiary.desa", func(b *ppksv1.Beneficiary) { b.Desa = "Tombolo\x07" }, func(m map[string]any) { m["desa"] = "Tombolo\x07" }),
		interv("bidirectional override in notes", bad, "intervention.notes", 400, openCaseOf, func(x *ppksv1.Intervention) { x.Notes = "diantar \u202e" }, func(m map[string]any) { m["notes"] = "diantar \u202e" }),
		interv("NUL in a unit", bad, "intervention.unit", 400, openCaseOf, func(x *ppksv1.Intervention) { x.Unit = "porsi\x00" }, func(m map[string]any) { m["unit"] = "porsi\x00" }),
		{name: "void reason with an escape sequence", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.VoidIntervention(ctx, &ppksv1.VoidInterventionRequest{Name: f.intervention, Reason: "ganda\x1b]0;x\x07"})
			return err
		}, method: "POST", path: func(_ *env, f fixture) string { return "/v1/" + f.intervention + ":void" }, body: func(fixture) any { return map[string]any{"reason": "ganda\x1b]0;x\x07"} }, code: bad, field: "reason", httpCode: 400},
		// A name search for wildcards alone (point 10) or for control characters.
		{name: "name search for %", grpc: listPeople(&ppksv1.ListBeneficiariesRequest{Filter: `full_name : "%"`}), method: "GET", path: fixed("/v1/beneficiaries?filter=" + url.QueryEscape(`full_name : "%"`)), code: bad, field: "filter", httpCode: 400},
		{name: "name search for _", grpc: listPeople(&ppksv1.ListBeneficiariesRequest{Filter: `full_name : "_"`}), method: "GET", path: fixed("/v1/beneficiaries?filter=" + url.QueryEscape(`full_name : "_"`)), code: bad, field: "filter", httpCode: 400},
		{name: "filter value with a control character", grpc: listPeople(&ppksv1.ListBeneficiariesRequest{Filter: "full_name : \"a\x00\""}), method: "GET", path: fixed("/v1/beneficiaries?filter=" + url.QueryEscape("full_name : \"a\x00\"")), code: bad, field: "filter", httpCode: 400},
		// A correction must say which version it was made against.
		{name: "person corrected without an etag", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.UpdateBeneficiary(ctx, &ppksv1.UpdateBeneficiaryRequest{Beneficiary: &ppksv1.Beneficiary{Name: f.person, Desa: "Tombolo"}})
			return err
		}, method: "PATCH", path: func(_ *env, f fixture) string { return "/v1/" + f.person }, body: func(fixture) any { return map[string]any{"desa": "Tombolo"} }, code: bad, field: "etag", httpCode: 400},
		{name: "case corrected without an etag", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.UpdateCase(ctx, &ppksv1.UpdateCaseRequest{Case: &ppksv1.Case{Name: f.openCase, AssignedWorker: "Bu Nur"}})
			return err
		}, method: "PATCH", path: func(_ *env, f fixture) string { return "/v1/" + f.openCase }, body: func(fixture) any { return map[string]any{"assignedWorker": "Bu Nur"} }, code: bad, field: "etag", httpCode: 400},
		{name: "intervention corrected without an etag", grpc: func(ctx context.Context, e *env, f fixture) error {
			_, err := e.cases.UpdateIntervention(ctx, &ppksv1.UpdateInterventionRequest{Intervention: &ppksv1.Intervention{Name: f.intervention, Notes: "koreksi"}})
			return err
		}, method: "PATCH", path: func(_ *env, f fixture) string { return "/v1/" + f.intervention }, body: func(fixture) any { return map[string]any{"notes": "koreksi"} }, code: bad, field: "etag", httpCode: 400},
		{name: "target of zero", grpc: func(ctx context.Context, e *env, _ fixture) error {
			_, err := e.ind.UpdateTarget(ctx, &ppksv1.UpdateTargetRequest{Target: &ppksv1.Target{Name: "indicators/penurunan-ppks/targets/2024", Value: proto.Int32(0)}})
			return err
		}, method: "PATCH", path: fixed("/v1/indicators/penurunan-ppks/targets/2024"), body: func(fixture) any { return map[string]any{"value": 0} }, code: bad, field: "target.value", httpCode: 400},
		{name: "target of a missing year without allow_missing", grpc: func(ctx context.Context, e *env, _ fixture) error {
			_, err := e.ind.UpdateTarget(ctx, &ppksv1.UpdateTargetRequest{Target: &ppksv1.Target{Name: "indicators/penurunan-ppks/targets/2027", Value: proto.Int32(620)}})
			return err
		}, method: "PATCH", path: fixed("/v1/indicators/penurunan-ppks/targets/2027"), body: func(fixture) any { return map[string]any{"value": 620} }, code: codes.NotFound, httpCode: 404},
		{name: "unknown indicator", grpc: func(ctx context.Context, e *env, _ fixture) error {
			_, err := e.ind.GetIndicatorYear(ctx, &ppksv1.GetIndicatorYearRequest{Name: "indicators/kemiskinan/years/2024"})
			return err
		}, method: "GET", path: fixed("/v1/indicators/kemiskinan/years/2024"), code: codes.NotFound, httpCode: 404},
		{name: "indicator year out of range", grpc: func(ctx context.Context, e *env, _ fixture) error {
			_, err := e.ind.GetIndicatorYear(ctx, &ppksv1.GetIndicatorYearRequest{Name: "indicators/penurunan-ppks/years/1999"})
			return err
		}, method: "GET", path: fixed("/v1/indicators/penurunan-ppks/years/1999"), code: bad, field: "name", httpCode: 400},
	}
}

// pageToken returns a valid token of the unfiltered people list.
func (e *env) pageToken() string {
	e.t.Helper()
	r, err := e.cases.ListBeneficiaries(e.ctx, &ppksv1.ListBeneficiariesRequest{PageSize: 1})
	if err != nil || r.GetNextPageToken() == "" {
		e.t.Fatalf("no page token: %v", err)
	}
	return r.GetNextPageToken()
}

// Every invalid request: the right gRPC code and field, the right HTTP status and field
// through the gateway, and nothing written either way.
func TestInvalidRequests(t *testing.T) {
	e := newEnv(t)
	f := newFixture(e)
	e.person("73.06.01", "") // a second person, so the people list has a second page
	cases := invalidCases()
	if len(cases) < 30 {
		t.Fatalf("only %d invalid requests in the table", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot()
			err := tc.grpc(e.ctx, e, f)
			wantCode(t, err, tc.code)
			if fields := fieldViolations(err); tc.field != "" && !slices.Contains(fields, tc.field) {
				t.Errorf("gRPC violations = %v, want %s", fields, tc.field)
			}
			var body any
			if tc.body != nil {
				body = tc.body(f)
			}
			status, out := e.do(tc.method, tc.path(e, f), body)
			if status != tc.httpCode {
				t.Errorf("HTTP %d, want %d: %v", status, tc.httpCode, out)
			}
			if out["code"] != float64(tc.code) {
				t.Errorf("HTTP body code = %v, want %d", out["code"], tc.code)
			}
			if fields := jsonFieldViolations(out); tc.field != "" && !slices.Contains(fields, tc.field) {
				t.Errorf("HTTP violations = %v, want %s", fields, tc.field)
			}
			if diff := cmp.Diff(before, e.snapshot(), protocmp.Transform()); diff != "" {
				t.Errorf("a refused request changed the data:\n%s", diff)
			}
		})
	}
}
