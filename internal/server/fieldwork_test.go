package server_test

import (
	"slices"
	"sync"
	"testing"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// Two clients correct one record from the same read: one wins, the other gets Aborted.
func TestConcurrentUpdatesWithOneEtag(t *testing.T) {
	e := newEnv(t)
	c := e.openCase(e.person(ownKec, "").GetName(), "LANSIA_TELANTAR")
	iv := e.deliver(c.GetName(), "PERMAKANAN", 2024, 3, 5)
	var wg sync.WaitGroup
	codesSeen := make([]codes.Code, 2)
	for i, notes := range []string{"Koreksi A", "Koreksi B"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.cases.UpdateIntervention(e.ctx, &ppksv1.UpdateInterventionRequest{
				Intervention: &ppksv1.Intervention{Name: iv.GetName(), Notes: notes, Etag: iv.GetEtag()},
			})
			codesSeen[i] = status.Code(err)
		}()
	}
	wg.Wait()
	slices.Sort(codesSeen)
	if codesSeen[0] != codes.OK || codesSeen[1] != codes.Aborted {
		t.Fatalf("codes %v, want one OK and one Aborted", codesSeen)
	}
	// Over REST a stale etag is 409.
	code, _ := e.do("PATCH", "/v1/"+iv.GetName(), map[string]any{"notes": "Koreksi C", "etag": iv.GetEtag()})
	if code != 409 {
		t.Fatalf("REST stale etag: %d, want 409", code)
	}
}

// Corrections of type and date move the count between types and years, and stay in the
// record's history; verification states show in the indicator; a rejected record leaves
// the figure.
func TestCorrectionsAndVerification(t *testing.T) {
	e := newEnv(t)
	c := e.openCase(e.person(ownKec, "").GetName(), "GELANDANGAN")
	iv := e.deliver(c.GetName(), "RUJUKAN", 2024, 12, 30)
	y := e.indicator(2024)
	if y.GetTotal() != 1 || y.GetTotalVerified() != 0 || y.GetPendingVerification() != 1 {
		t.Fatalf("before verification: %d / %d / %d", y.GetTotal(), y.GetTotalVerified(), y.GetPendingVerification())
	}
	if _, err := e.cases.VerifyIntervention(e.ctx, &ppksv1.VerifyInterventionRequest{Name: iv.GetName()}); err != nil {
		t.Fatal(err)
	}
	y = e.indicator(2024)
	if y.GetTotal() != 1 || y.GetTotalVerified() != 1 || y.GetPendingVerification() != 0 {
		t.Fatalf("after verification: %d / %d / %d", y.GetTotal(), y.GetTotalVerified(), y.GetPendingVerification())
	}
	// A worker cannot verify.
	_, err := e.users["petugas"].cases.VerifyIntervention(e.ctx, &ppksv1.VerifyInterventionRequest{Name: iv.GetName()})
	wantCode(t, err, codes.PermissionDenied)

	// The type corrected: the count moves from RUJUKAN to PENELUSURAN_KELUARGA, and the
	// record waits for verification again.
	fixed, err := e.cases.UpdateIntervention(e.ctx, &ppksv1.UpdateInterventionRequest{
		Intervention: &ppksv1.Intervention{Name: iv.GetName(), InterventionType: "PENELUSURAN_KELUARGA", Etag: e.etag(iv.GetName())},
		UpdateMask:   &fieldmaskpb.FieldMask{Paths: []string{"intervention_type"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if fixed.GetIntervention().GetVerification() != ppksv1.VerificationState_VERIFICATION_STATE_PENDING {
		t.Fatalf("a corrected record stays %v", fixed.GetIntervention().GetVerification())
	}
	y = e.indicator(2024)
	if typeCount(y, "RUJUKAN") != 0 || typeCount(y, "PENELUSURAN_KELUARGA") != 1 || y.GetPendingVerification() != 1 {
		t.Fatalf("after the type correction: %v", y.GetByInterventionType())
	}
	// The date corrected across the year boundary: the count moves to 2025.
	if _, err := e.cases.UpdateIntervention(e.ctx, &ppksv1.UpdateInterventionRequest{
		Intervention: &ppksv1.Intervention{Name: iv.GetName(), DeliveredOn: day(2025, 1, 2), Etag: e.etag(iv.GetName())},
	}); err != nil {
		t.Fatal(err)
	}
	if y24, y25 := e.indicator(2024), e.indicator(2025); y24.GetTotal() != 0 || y25.GetTotal() != 1 {
		t.Fatalf("after the date correction: 2024 %d, 2025 %d", y24.GetTotal(), y25.GetTotal())
	}
	// Rejected: it leaves the figure.
	if _, err := e.cases.RejectIntervention(e.ctx, &ppksv1.RejectInterventionRequest{Name: iv.GetName(), Reason: "Tanpa berita acara"}); err != nil {
		t.Fatal(err)
	}
	if got := e.indicator(2025).GetTotal(); got != 0 {
		t.Fatalf("a rejected intervention counts: %d", got)
	}
	// What waits for verification, for supervisors: by filter.
	e.deliver(c.GetName(), "RUJUKAN", 2024, 6, 1)
	pending, err := e.cases.ListInterventions(e.ctx, &ppksv1.ListInterventionsRequest{Parent: "beneficiaries/-/cases/-",
		Filter: `verification = PENDING AND kecamatan_code = "` + ownKec + `" AND intervention_type = "RUJUKAN"`})
	if err != nil || len(pending.GetInterventions()) != 1 {
		t.Fatalf("pending list: %v %v", pending, err)
	}

	// The history of the record: created, verified, corrected twice, rejected.
	h, err := e.cases.ListChanges(e.ctx, &ppksv1.ListChangesRequest{Parent: iv.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, ch := range h.GetChanges() {
		methods = append(methods, ch.GetMethod())
	}
	want := []string{"CreateIntervention", "VerifyIntervention", "UpdateIntervention", "UpdateIntervention", "RejectIntervention"}
	if !slices.Equal(methods, want) {
		t.Fatalf("history %v, want %v", methods, want)
	}
	typeChange := h.GetChanges()[2]
	if typeChange.GetUsername() != "kabid" || !slices.ContainsFunc(typeChange.GetFields(), func(f *ppksv1.FieldChange) bool {
		return f.GetField() == "intervention_type" && f.GetOldValue() == "RUJUKAN" && f.GetNewValue() == "PENELUSURAN_KELUARGA"
	}) {
		t.Fatalf("type change = %v", typeChange)
	}
}

// Merging two records of one person who each had a counted intervention of one type:
// the official figure drops by one for that type, the unduplicated by one.
func TestMergeCountsThePersonOnce(t *testing.T) {
	e := newEnv(t)
	a := e.person(ownKec, "7306084512850001")
	b, err := e.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(),
		Beneficiary: &ppksv1.Beneficiary{FullName: "Hj. Hasnah Dg. Tompo", Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: ownKec, Address: "Dusun 2"}})
	if err != nil {
		t.Fatal(err)
	}
	ca, cb := e.openCase(a.GetName(), "LANSIA_TELANTAR"), e.openCase(b.GetBeneficiary().GetName(), "LANSIA_TELANTAR")
	e.deliver(ca.GetName(), "PERMAKANAN", 2024, 2, 5)
	e.deliver(cb.GetName(), "PERMAKANAN", 2024, 3, 5)
	e.deliver(cb.GetName(), "RUJUKAN", 2024, 4, 5)
	before := e.indicator(2024)

	// The duplicate is offered as a likely match.
	d, err := e.cases.FindDuplicates(e.ctx, &ppksv1.FindDuplicatesRequest{Subject: &ppksv1.FindDuplicatesRequest_Name{Name: a.GetName()}})
	if err != nil || len(d.GetCandidates()) != 1 || d.GetCandidates()[0].GetBeneficiary().GetName() != b.GetBeneficiary().GetName() {
		t.Fatalf("duplicates: %v %v", d, err)
	}
	_, err = e.users["petugas"].cases.MergeBeneficiaries(e.ctx, &ppksv1.MergeBeneficiariesRequest{Name: a.GetName(), Duplicate: b.GetBeneficiary().GetName(), Reason: "Orang yang sama"})
	wantCode(t, err, codes.PermissionDenied)
	merged, err := e.cases.MergeBeneficiaries(e.ctx, &ppksv1.MergeBeneficiariesRequest{Name: a.GetName(), Duplicate: b.GetBeneficiary().GetName(), Reason: "Orang yang sama"})
	if err != nil {
		t.Fatal(err)
	}
	if merged.GetBeneficiary().GetAddress() != "Dusun 2" {
		t.Errorf("the survivor did not take the duplicate's address: %v", merged)
	}
	after := e.indicator(2024)
	if typeCount(after, "PERMAKANAN") != typeCount(before, "PERMAKANAN")-1 || after.GetTotal() != before.GetTotal()-1 ||
		after.GetUniquePersons() != before.GetUniquePersons()-1 || typeCount(after, "RUJUKAN") != 1 {
		t.Fatalf("before %d/%d permakanan %d, after %d/%d permakanan %d", before.GetTotal(), before.GetUniquePersons(),
			typeCount(before, "PERMAKANAN"), after.GetTotal(), after.GetUniquePersons(), typeCount(after, "PERMAKANAN"))
	}
	// The old name reads as the survivor; its case is reachable by its old name too.
	old, err := e.cases.GetBeneficiary(e.ctx, &ppksv1.GetBeneficiaryRequest{Name: b.GetBeneficiary().GetName()})
	if err != nil || old.GetBeneficiary().GetName() != a.GetName() {
		t.Fatalf("old name: %v %v", old, err)
	}
	if _, err := e.cases.GetCase(e.ctx, &ppksv1.GetCaseRequest{Name: cb.GetName()}); err != nil {
		t.Fatalf("the moved case by its old name: %v", err)
	}
	if p, _, _ := e.countAll(); p != 1 {
		t.Fatalf("%d people listed after the merge, want 1", p)
	}
	tl, err := e.cases.GetTimeline(e.ctx, &ppksv1.GetTimelineRequest{Name: a.GetName()})
	if err != nil || len(tl.GetEvents()) != 5 {
		t.Fatalf("timeline after the merge: %d events (%v)", len(tl.GetEvents()), err)
	}
	h, err := e.cases.ListChanges(e.ctx, &ppksv1.ListChangesRequest{Parent: a.GetName()})
	if err != nil || h.GetChanges()[len(h.GetChanges())-1].GetMethod() != "MergeBeneficiaries" {
		t.Fatalf("survivor history: %v %v", h, err)
	}
}

func TestIdentityRules(t *testing.T) {
	e := newEnv(t)
	first := e.person(ownKec, "7306084512850001")
	// A second record with the NIK is AlreadyExists, naming the existing record.
	_, err := e.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(),
		Beneficiary: &ppksv1.Beneficiary{FullName: "Siti", Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: ownKec, Nik: "7306084512850001"}})
	wantCode(t, err, codes.AlreadyExists)
	named := false
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetMetadata()["resource"] == first.GetName() {
			named = true
		}
	}
	if !named {
		t.Fatalf("the error does not name the existing record: %v", status.Convert(err).Details())
	}

	// A person registered without NIK gets one later; a NIK that disagrees with the
	// record is accepted with a warning.
	p := e.person(ownKec, "")
	got, err := e.cases.UpdateBeneficiary(e.ctx, &ppksv1.UpdateBeneficiaryRequest{
		Beneficiary: &ppksv1.Beneficiary{Name: p.GetName(), Nik: "7306080512850002", Etag: p.GetEtag()}, // male date, a female record
		UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"nik"}},
	})
	if err != nil || got.GetBeneficiary().GetNik() != "7306080512850002" {
		t.Fatalf("adding a NIK: %v %v", got, err)
	}
	if w := got.GetBeneficiary().GetWarnings(); len(w) != 1 || w[0].GetReason() != "NIK_SEX_MISMATCH" {
		t.Fatalf("warnings = %v", w)
	}

	// Before saving, a field app asks for likely matches of what it is about to register.
	d, err := e.users["petugas"].cases.FindDuplicates(e.ctx, &ppksv1.FindDuplicatesRequest{Subject: &ppksv1.FindDuplicatesRequest_Beneficiary{
		Beneficiary: &ppksv1.Beneficiary{FullName: "Hasnah Daeng Tompo", Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: ownKec}}})
	if err != nil || len(d.GetCandidates()) != 2 {
		t.Fatalf("candidates before saving: %v %v", d, err)
	}
	for _, c := range d.GetCandidates() {
		if n := c.GetBeneficiary().GetNik(); n != "" && n[6:12] != "******" {
			t.Errorf("a worker sees a candidate's full NIK: %s", n)
		}
	}
}

// A GRADUASI closes its case as graduated; a case reopens with a reason; a timeline
// orders everything by date.
func TestCaseLifecycle(t *testing.T) {
	e := newEnv(t)
	p := e.person(ownKec, "")
	c := e.openCase(p.GetName(), "FAKIR_MISKIN")
	e.deliver(c.GetName(), "AKSES_PENDIDIKAN_KESEHATAN", 2024, 3, 1)
	e.deliver(c.GetName(), "GRADUASI", 2024, 11, 20)
	got, err := e.cases.GetCase(e.ctx, &ppksv1.GetCaseRequest{Name: c.GetName()})
	if err != nil || got.GetCase().GetState() != ppksv1.CaseState_CASE_STATE_CLOSED ||
		got.GetCase().GetOutcome() != ppksv1.CaseOutcome_CASE_OUTCOME_GRADUATED || got.GetCase().GetClosedOn().GetMonth() != 11 {
		t.Fatalf("after graduasi: %v %v", got, err)
	}
	_, err = e.cases.ReopenCase(e.ctx, &ppksv1.ReopenCaseRequest{Name: c.GetName()})
	wantCode(t, err, codes.InvalidArgument)
	re, err := e.cases.ReopenCase(e.ctx, &ppksv1.ReopenCaseRequest{Name: c.GetName(), Reason: "Kembali miskin setelah bencana"})
	if err != nil || re.GetCase().GetState() != ppksv1.CaseState_CASE_STATE_OPEN {
		t.Fatalf("reopen: %v %v", re, err)
	}
	e.deliver(c.GetName(), "RUJUKAN", 2024, 12, 2)
	tl, err := e.cases.GetTimeline(e.ctx, &ppksv1.GetTimelineRequest{Name: p.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []ppksv1.TimelineEventKind
	for _, ev := range tl.GetEvents() {
		kinds = append(kinds, ev.GetKind())
	}
	want := []ppksv1.TimelineEventKind{ppksv1.TimelineEventKind_TIMELINE_EVENT_KIND_CASE_OPENED,
		ppksv1.TimelineEventKind_TIMELINE_EVENT_KIND_INTERVENTION, ppksv1.TimelineEventKind_TIMELINE_EVENT_KIND_INTERVENTION,
		ppksv1.TimelineEventKind_TIMELINE_EVENT_KIND_INTERVENTION}
	if !slices.Equal(kinds, want) {
		t.Fatalf("timeline kinds %v, want %v", kinds, want)
	}
	// Correcting the case's category is kept in its history.
	if _, err := e.cases.UpdateCase(e.ctx, &ppksv1.UpdateCaseRequest{Case: &ppksv1.Case{Name: c.GetName(), PpksType: "PEREMPUAN_RAWAN_SOSEK", Etag: e.etag(c.GetName())}}); err != nil {
		t.Fatal(err)
	}
	h, err := e.cases.ListChanges(e.ctx, &ppksv1.ListChangesRequest{Parent: c.GetName()})
	if err != nil || len(h.GetChanges()) != 4 { // opened, closed by graduasi, reopened, corrected
		t.Fatalf("case history: %v %v", h, err)
	}
}

// Family services count distinct families (KK numbers).
func TestFamilyCounting(t *testing.T) {
	e := newEnv(t)
	for i, kk := range []string{"7306080101240001", "7306080101240001", "7306080101240002", ""} {
		b, err := e.cases.CreateBeneficiary(e.ctx, &ppksv1.CreateBeneficiaryRequest{RequestId: e.newUUID(),
			Beneficiary: &ppksv1.Beneficiary{FullName: "Anak " + itoa(i), Sex: ppksv1.Sex_SEX_MALE, KecamatanCode: ownKec, KkNumber: kk}})
		if err != nil {
			t.Fatal(err)
		}
		c := e.openCase(b.GetBeneficiary().GetName(), "ANAK_TELANTAR")
		e.deliver(c.GetName(), "BIMBINGAN_SOSIAL_KELUARGA", 2024, 5, 1+i)
	}
	y := e.indicator(2024)
	if got := typeCount(y, "BIMBINGAN_SOSIAL_KELUARGA"); got != 3 {
		t.Fatalf("families = %d, want 3 (two siblings share a KK; a child without KK is a family of one)", got)
	}
	for _, c := range y.GetOtherServices() {
		if c.GetInterventionType() == "BIMBINGAN_SOSIAL_KELUARGA" && c.GetCountedUnit() != ppksv1.CountedUnit_COUNTED_UNIT_FAMILY {
			t.Errorf("unit = %v", c.GetCountedUnit())
		}
	}
}
