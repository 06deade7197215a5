package storetest

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/opendinsos/ppks/internal/ppks"
)

// change returns a change of a record by the write of op, as the service records one.
func change(op ppks.Op, id, name string, fields ...ppks.FieldChange) *ppks.Change {
	a := op.Audit
	return &ppks.Change{RecordID: id, Record: name, Time: a.Time, Username: a.Username, Method: a.Method,
		RequestID: a.RequestID, Fields: fields}
}

func (f *fixture) changes(t *testing.T, recordID string) []*ppks.Change {
	t.Helper()
	got, err := f.s.ListChanges(f.ctx, recordID, all)
	if err != nil {
		t.Fatalf("ListChanges(%s): %v", recordID, err)
	}
	return got
}

func testHistory(t *testing.T, f *fixture) {
	// A create's changes are appended with it.
	b := newPerson()
	op := newOp("CreateBeneficiary", "1")
	created := change(op, b.ID, b.Name(), ppks.FieldChange{Field: "full_name", New: b.FullName},
		ppks.FieldChange{Field: "nik", New: b.NIK})
	op.Audit.Changes = []*ppks.Change{created}
	if _, err := f.w().CreateBeneficiary(op, b); err != nil {
		t.Fatalf("CreateBeneficiary: %v", err)
	}
	if created.ID == 0 {
		t.Error("the stored change has no ID")
	}

	// Changes made inside the callback, as the service makes them, are appended too;
	// a write may change several records, each with its own history.
	op = newOp("UpdateBeneficiary", "2")
	var updated, other *ppks.Change
	if _, err := f.w().UpdateBeneficiary(op, b.ID, func(cur *ppks.Beneficiary) error {
		op.Audit.Changes = nil
		cur.Desa = "Pallangga"
		updated = change(op, cur.ID, cur.Name(), ppks.FieldChange{Field: "desa", Old: "Bontoala", New: "Pallangga"})
		other = change(op, "another-record", "beneficiaries/another-record", ppks.FieldChange{Field: "x", Old: "a", New: ""})
		op.Audit.Changes = []*ppks.Change{updated, other}
		return nil
	}); err != nil {
		t.Fatalf("UpdateBeneficiary: %v", err)
	}
	if !(created.ID < updated.ID && updated.ID < other.ID) {
		t.Errorf("change ids %d, %d, %d: want increasing", created.ID, updated.ID, other.ID)
	}
	// A change without fields is kept as one.
	op = newOp("UpdateBeneficiary", "3")
	empty := change(op, b.ID, b.Name())
	op.Audit.Changes = []*ppks.Change{empty}
	if _, err := f.w().UpdateBeneficiary(op, b.ID, func(*ppks.Beneficiary) error { return nil }); err != nil {
		t.Fatalf("UpdateBeneficiary: %v", err)
	}

	// A replay appends nothing, a failed write nothing.
	replay := op
	replay.Audit = newAudit(op.Key.Method, op.Key.ID)
	replay.Audit.Changes = []*ppks.Change{change(replay, b.ID, b.Name(), ppks.FieldChange{Field: "desa", New: "replayed"})}
	if _, err := f.w().UpdateBeneficiary(replay, b.ID, func(*ppks.Beneficiary) error {
		t.Error("replay called update")
		return nil
	}); err != nil {
		t.Fatalf("UpdateBeneficiary replay: %v", err)
	}
	failed := newOp("UpdateBeneficiary", "4")
	refused := ppks.FailedPrecondition("NO", "no", "tidak")
	if _, err := f.w().UpdateBeneficiary(failed, b.ID, func(cur *ppks.Beneficiary) error {
		failed.Audit.Changes = []*ppks.Change{change(failed, cur.ID, cur.Name(), ppks.FieldChange{Field: "desa", New: "failed"})}
		return refused
	}); ppks.KindOf(err) != ppks.KindFailedPrecondition {
		t.Fatalf("UpdateBeneficiary with a failing callback: err %v, want the callback's", err)
	}
	// A write failing after its callback (a NIK taken) appends nothing either.
	taken := f.person(t, nil)
	failed = newOp("UpdateBeneficiary", "5")
	if _, err := f.w().UpdateBeneficiary(failed, b.ID, func(cur *ppks.Beneficiary) error {
		cur.NIK = taken.NIK
		failed.Audit.Changes = []*ppks.Change{change(failed, cur.ID, cur.Name(), ppks.FieldChange{Field: "nik", New: taken.NIK})}
		return nil
	}); ppks.KindOf(err) != ppks.KindAlreadyExists {
		t.Fatalf("UpdateBeneficiary to a taken NIK: err %v, want AlreadyExists", err)
	}

	if diff := cmp.Diff([]*ppks.Change{created, updated, empty}, f.changes(t, b.ID), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ListChanges(%s) (-want +got):\n%s", b.ID, diff)
	}
	if diff := cmp.Diff([]*ppks.Change{other}, f.changes(t, "another-record")); diff != "" {
		t.Errorf("ListChanges(another-record) (-want +got):\n%s", diff)
	}
	if got := f.changes(t, newID()); len(got) != 0 {
		t.Errorf("ListChanges of a record without history = %+v, want none", got)
	}

	// Values are not part of the audit log's listing.
	for _, e := range f.audit(t, ppks.AuditFilter{}) {
		if len(e.Changes) != 0 {
			t.Errorf("ListAudit entry %d has %d changes, want none", e.ID, len(e.Changes))
		}
	}

	// Cases and interventions keep theirs by id.
	c := newCase()
	op = newOp("CreateCase", "6")
	caseChange := change(op, c.ID, "", ppks.FieldChange{Field: "state", New: "OPEN"})
	if _, err := f.w().CreateCase(op, b.ID, func(pb *ppks.Beneficiary) (*ppks.Case, error) {
		c.BeneficiaryID = pb.ID
		caseChange.Record = c.Name()
		op.Audit.Changes = []*ppks.Change{caseChange}
		return c, nil
	}); err != nil {
		t.Fatalf("CreateCase: %v", err)
	}
	iv := newIntervention()
	op = newOp("CreateIntervention", "7")
	ivChange := change(op, iv.ID, "", ppks.FieldChange{Field: "quantity", New: "30"})
	if _, err := f.w().CreateIntervention(op, b.ID, c.ID, func(pb *ppks.Beneficiary, pc *ppks.Case) (*ppks.Intervention, error) {
		iv.BeneficiaryID, iv.CaseID = pb.ID, pc.ID
		ivChange.Record = iv.Name()
		op.Audit.Changes = []*ppks.Change{ivChange}
		return iv, nil
	}); err != nil {
		t.Fatalf("CreateIntervention: %v", err)
	}
	op = newOp("VoidIntervention", "8")
	voided := change(op, iv.ID, iv.Name(), ppks.FieldChange{Field: "state", Old: "ACTIVE", New: "VOIDED"})
	op.Audit.Changes = []*ppks.Change{voided}
	if _, err := f.w().UpdateIntervention(op, b.ID, c.ID, iv.ID, func(cur *ppks.Intervention) error {
		cur.State = ppks.InterventionVoided
		return nil
	}); err != nil {
		t.Fatalf("UpdateIntervention: %v", err)
	}
	if diff := cmp.Diff([]*ppks.Change{caseChange}, f.changes(t, c.ID)); diff != "" {
		t.Errorf("ListChanges(case) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]*ppks.Change{ivChange, voided}, f.changes(t, iv.ID)); diff != "" {
		t.Errorf("ListChanges(intervention) (-want +got):\n%s", diff)
	}
}

func testHistoryPaging(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	var want []*ppks.Change
	for i := range 7 {
		op := newOp("UpdateBeneficiary", strconv.Itoa(i))
		ch := change(op, b.ID, b.Name(), ppks.FieldChange{Field: "desa", Old: strconv.Itoa(i), New: strconv.Itoa(i + 1)})
		op.Audit.Changes = []*ppks.Change{ch}
		if _, err := f.w().UpdateBeneficiary(op, b.ID, func(cur *ppks.Beneficiary) error {
			cur.Desa = strconv.Itoa(i + 1)
			return nil
		}); err != nil {
			t.Fatalf("UpdateBeneficiary %d: %v", i, err)
		}
		want = append(want, ch)
		// Another record's history in between changes nothing.
		f.person(t, nil)
	}
	var got []*ppks.Change
	p := ppks.PageRequest{Limit: 3}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		page, err := f.s.ListChanges(f.ctx, b.ID, p)
		if err != nil {
			t.Fatalf("ListChanges(%+v): %v", p, err)
		}
		if len(page) > p.Limit {
			t.Fatalf("page of %d changes, limit %d", len(page), p.Limit)
		}
		got = append(got, page...)
		if len(page) < p.Limit {
			break
		}
		p.After = strconv.FormatInt(page[len(page)-1].ID, 10)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paged history, oldest first (-want +got):\n%s", diff)
	}
	for _, after := range []string{"x", "1.5", "beneficiaries/" + b.ID} {
		_, err := f.s.ListChanges(f.ctx, b.ID, ppks.PageRequest{After: after, Limit: 3})
		wantErr(t, err, ppks.KindInvalid, "")
	}
}
