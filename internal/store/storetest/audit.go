package storetest

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

func testWriteAudit(t *testing.T, f *fixture) {
	// Every write appends its Op's entry, with the name of what it wrote and an id; a
	// write without an entry appends none.
	var ops []ppks.Op
	wrote := func(what string, op ppks.Op, err error, resource string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if op.Audit == nil {
			return
		}
		if op.Audit.Resource != resource {
			t.Errorf("%s: audit Resource = %q, want %q", what, op.Audit.Resource, resource)
		}
		if n := len(ops); n > 0 && op.Audit.ID <= ops[n-1].Audit.ID {
			t.Errorf("%s: audit ID %d, want more than the previous %d", what, op.Audit.ID, ops[n-1].Audit.ID)
		}
		ops = append(ops, op)
	}

	op := newOp("CreateBeneficiary", "1")
	b, err := f.w().CreateBeneficiary(op, newPerson())
	wrote("CreateBeneficiary", op, err, "beneficiaries/"+b.ID)
	op = newOp("UpdateBeneficiary", "2")
	_, err = f.w().UpdateBeneficiary(op, b.ID, func(b *ppks.Beneficiary) error { b.Desa = "Pallangga"; return nil })
	wrote("UpdateBeneficiary", op, err, "beneficiaries/"+b.ID)

	op = newOp("CreateCase", "3")
	c, err := f.w().CreateCase(op, b.ID, func(b *ppks.Beneficiary) (*ppks.Case, error) {
		c := newCase()
		c.BeneficiaryID = b.ID
		return c, nil
	})
	wrote("CreateCase", op, err, "beneficiaries/"+b.ID+"/cases/"+c.ID)
	op = newOp("CloseCase", "4")
	_, err = f.w().UpdateCase(op, b.ID, c.ID, func(c *ppks.Case) error { c.State = ppks.CaseClosed; return nil })
	wrote("UpdateCase", op, err, "beneficiaries/"+b.ID+"/cases/"+c.ID)

	op = newOp("CreateIntervention", "5")
	iv, err := f.w().CreateIntervention(op, b.ID, c.ID, func(b *ppks.Beneficiary, c *ppks.Case) (*ppks.Intervention, error) {
		iv := newIntervention()
		iv.BeneficiaryID, iv.CaseID = b.ID, c.ID
		return iv, nil
	})
	wrote("CreateIntervention", op, err, "beneficiaries/"+b.ID+"/cases/"+c.ID+"/interventions/"+iv.ID)
	op = newOp("VoidIntervention", "6")
	_, err = f.w().UpdateIntervention(op, b.ID, c.ID, iv.ID, func(iv *ppks.Intervention) error {
		iv.State, iv.VoidReason, iv.VoidTime = ppks.InterventionVoided, "ganda", baseTime
		return nil
	})
	wrote("UpdateIntervention", op, err, "beneficiaries/"+b.ID+"/cases/"+c.ID+"/interventions/"+iv.ID)

	op = newOp("UpdateTarget", "7")
	_, err = f.w().UpsertTarget(op, ppks.IndicatorID, 2024, func(tg *ppks.Target, _ bool) error {
		v := 100
		tg.Value = &v
		return nil
	})
	wrote("UpsertTarget", op, err, "indicators/penurunan-ppks/targets/2024")

	op = newOp("CreateUser", "8")
	u, err := f.w().CreateUser(op, newUser())
	wrote("CreateUser", op, err, "users/"+u.Username)
	op = newOp("UpdateUser", "9")
	_, err = f.w().UpdateUser(op, u.Username, func(u *ppks.User) error { u.DisplayName = "Nur H."; return nil })
	wrote("UpdateUser", op, err, "users/"+u.Username)

	op = newOp("CreateToken", "10")
	tok, err := f.w().CreateToken(op, newToken(u.Username))
	wrote("CreateToken", op, err, "users/"+u.Username+"/tokens/"+tok.ID)
	op = newOp("RevokeToken", "11")
	_, err = f.w().UpdateToken(op, u.Username, tok.ID, func(t *ppks.Token) error { t.RevokeTime = baseTime; return nil })
	wrote("UpdateToken", op, err, "users/"+u.Username+"/tokens/"+tok.ID)

	// An entry naming its resource keeps it.
	op = newOp("CreateBeneficiary", "12")
	op.Audit.Resource = "beneficiaries"
	_, err = f.w().CreateBeneficiary(op, newPerson())
	wrote("CreateBeneficiary naming its resource", op, err, "beneficiaries")

	// Writes without an entry, with or without a request id.
	_, err = f.w().CreateBeneficiary(ppks.Op{}, newPerson())
	wrote("CreateBeneficiary without audit", ppks.Op{}, err, "")
	// A request key needs the entry that names what a retry is answered from.
	_, err = f.w().UpdateBeneficiary(ppks.Op{Key: newKey("UpdateBeneficiary", "13")}, b.ID, func(b *ppks.Beneficiary) error {
		b.Desa = "tidak tersimpan"
		return nil
	})
	wantErr(t, err, ppks.KindInternal, "")
	if got, _ := f.s.GetBeneficiary(f.ctx, b.ID); got.Desa == "tidak tersimpan" {
		t.Error("a keyed write without its audit entry was stored")
	}
	_, err = f.w().UpsertTarget(ppks.Op{}, ppks.IndicatorID, 2025, func(*ppks.Target, bool) error { return nil })
	wrote("UpsertTarget without audit", ppks.Op{}, err, "")

	var want []*ppks.AuditEntry
	for _, op := range slices.Backward(ops) {
		want = append(want, op.Audit)
	}
	if diff := cmp.Diff(want, f.audit(t, ppks.AuditFilter{})); diff != "" {
		t.Errorf("audit log, newest first (-want +got):\n%s", diff)
	}
	// The entry is the Op's: every field stored as given.
	first := ops[0].Audit
	if first.Username != auditor || first.Role != ppks.RoleWorker || first.Method != "CreateBeneficiary" ||
		first.Action != ppks.AuditWrite || first.RequestID != ops[0].Key.ID || !first.Time.Equal(baseTime) {
		t.Errorf("first entry = %+v, want the fields of its Op", first)
	}
}

func testReplayAddsNoAudit(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	c := f.openCase(t, b, nil)
	iv := f.deliver(t, c, nil)
	u := f.user(t, nil)
	tok := f.token(t, u, nil)

	// Each write twice with the same request id: the retry is a request of its own, with
	// an entry of its own, which the store must not append.
	retry := func(op ppks.Op) ppks.Op {
		op.Audit = newAudit(op.Key.Method, op.Key.ID)
		return op
	}
	type write struct {
		name string
		do   func(op ppks.Op) error
	}
	writes := []write{
		{"CreateBeneficiary", func(op ppks.Op) error { _, err := f.w().CreateBeneficiary(op, newPerson()); return err }},
		{"UpdateBeneficiary", func(op ppks.Op) error {
			_, err := f.w().UpdateBeneficiary(op, b.ID, func(b *ppks.Beneficiary) error { b.Desa += "x"; return nil })
			return err
		}},
		{"CreateCase", func(op ppks.Op) error {
			_, err := f.w().CreateCase(op, b.ID, func(b *ppks.Beneficiary) (*ppks.Case, error) {
				c := newCase()
				c.BeneficiaryID = b.ID
				return c, nil
			})
			return err
		}},
		{"UpdateCase", func(op ppks.Op) error {
			_, err := f.w().UpdateCase(op, b.ID, c.ID, func(c *ppks.Case) error { c.CloseNote += "x"; return nil })
			return err
		}},
		{"CreateIntervention", func(op ppks.Op) error {
			_, err := f.w().CreateIntervention(op, b.ID, c.ID, func(b *ppks.Beneficiary, c *ppks.Case) (*ppks.Intervention, error) {
				iv := newIntervention()
				iv.BeneficiaryID, iv.CaseID = b.ID, c.ID
				return iv, nil
			})
			return err
		}},
		{"UpdateIntervention", func(op ppks.Op) error {
			_, err := f.w().UpdateIntervention(op, b.ID, c.ID, iv.ID, func(iv *ppks.Intervention) error { iv.Notes += "x"; return nil })
			return err
		}},
		{"UpsertTarget", func(op ppks.Op) error {
			_, err := f.w().UpsertTarget(op, ppks.IndicatorID, 2024, func(tg *ppks.Target, exists bool) error {
				if exists {
					t.Error("UpsertTarget replay called update")
				}
				return nil
			})
			return err
		}},
		{"CreateUser", func(op ppks.Op) error { _, err := f.w().CreateUser(op, newUser()); return err }},
		{"UpdateUser", func(op ppks.Op) error {
			_, err := f.w().UpdateUser(op, u.Username, func(u *ppks.User) error { u.DisplayName += "x"; return nil })
			return err
		}},
		{"CreateToken", func(op ppks.Op) error { _, err := f.w().CreateToken(op, newToken(u.Username)); return err }},
		{"UpdateToken", func(op ppks.Op) error {
			_, err := f.w().UpdateToken(op, u.Username, tok.ID, func(t *ppks.Token) error { t.Description += "x"; return nil })
			return err
		}},
	}
	for _, w := range writes {
		first := newOp(w.name, "p")
		if err := w.do(first); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		before := f.audit(t, ppks.AuditFilter{})
		again := retry(first)
		if err := w.do(again); err != nil {
			t.Fatalf("%s replay: %v", w.name, err)
		}
		if again.Audit.ID != 0 {
			t.Errorf("%s replay: entry appended as %d; want none", w.name, again.Audit.ID)
		}
		// A reused id with another payload is refused, and appends nothing either.
		reused := retry(first)
		reused.Key.Fingerprint = "other"
		if err := w.do(reused); ppks.KindOf(err) != ppks.KindFailedPrecondition {
			t.Errorf("%s with a reused request id: err %v, want FailedPrecondition", w.name, err)
		}
		if diff := cmp.Diff(before, f.audit(t, ppks.AuditFilter{})); diff != "" {
			t.Errorf("%s: audit log after replays (-before +after):\n%s", w.name, diff)
		}
		var ids []int64
		for _, e := range f.audit(t, ppks.AuditFilter{Method: w.name}) {
			if e.RequestID == first.Key.ID {
				ids = append(ids, e.ID)
			}
		}
		if !cmp.Equal(ids, []int64{first.Audit.ID}) {
			t.Errorf("%s: entries of the request %v, want only the first one's, %d", w.name, ids, first.Audit.ID)
		}
	}
}

func testFailedWriteAddsNoAudit(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	c := f.openCase(t, b, nil)
	iv := f.deliver(t, c, nil)
	u := f.user(t, nil)
	tok := f.token(t, u, nil)
	other := f.person(t, nil)
	before := f.audit(t, ppks.AuditFilter{})

	fails := []struct {
		name string
		do   func(op ppks.Op) error
	}{
		{"CreateCase callback", func(op ppks.Op) error {
			_, err := f.w().CreateCase(op, b.ID, func(*ppks.Beneficiary) (*ppks.Case, error) { return nil, errBoom })
			return err
		}},
		{"CreateIntervention callback", func(op ppks.Op) error {
			_, err := f.w().CreateIntervention(op, b.ID, c.ID, func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error) {
				return nil, errBoom
			})
			return err
		}},
		{"UpdateBeneficiary callback", func(op ppks.Op) error {
			_, err := f.w().UpdateBeneficiary(op, b.ID, func(b *ppks.Beneficiary) error { b.FullName = "X"; return errBoom })
			return err
		}},
		{"UpdateCase callback", func(op ppks.Op) error {
			_, err := f.w().UpdateCase(op, b.ID, c.ID, func(c *ppks.Case) error { c.State = ppks.CaseClosed; return errBoom })
			return err
		}},
		{"UpdateIntervention callback", func(op ppks.Op) error {
			_, err := f.w().UpdateIntervention(op, b.ID, c.ID, iv.ID, func(iv *ppks.Intervention) error {
				iv.State = ppks.InterventionVoided
				return errBoom
			})
			return err
		}},
		{"UpsertTarget callback", func(op ppks.Op) error {
			_, err := f.w().UpsertTarget(op, ppks.IndicatorID, 2024, func(tg *ppks.Target, _ bool) error {
				v := 1
				tg.Value = &v
				return errBoom
			})
			return err
		}},
		{"UpdateUser callback", func(op ppks.Op) error {
			_, err := f.w().UpdateUser(op, u.Username, func(u *ppks.User) error { u.Disabled = true; return errBoom })
			return err
		}},
		{"UpdateToken callback", func(op ppks.Op) error {
			_, err := f.w().UpdateToken(op, u.Username, tok.ID, func(t *ppks.Token) error { t.RevokeTime = baseTime; return errBoom })
			return err
		}},
		// Failures of the store itself roll the entry back too.
		{"CreateBeneficiary duplicate NIK", func(op ppks.Op) error {
			dup := newPerson()
			dup.NIK = b.NIK
			_, err := f.w().CreateBeneficiary(op, dup)
			return err
		}},
		{"UpdateBeneficiary duplicate NIK", func(op ppks.Op) error {
			_, err := f.w().UpdateBeneficiary(op, other.ID, func(o *ppks.Beneficiary) error { o.NIK = b.NIK; return nil })
			return err
		}},
		{"CreateUser duplicate username", func(op ppks.Op) error {
			dup := newUser()
			dup.Username = u.Username
			_, err := f.w().CreateUser(op, dup)
			return err
		}},
		{"CreateToken unknown user", func(op ppks.Op) error {
			_, err := f.w().CreateToken(op, newToken("nobody"))
			return err
		}},
		{"CreateToken duplicate hash", func(op ppks.Op) error {
			dup := newToken(u.Username)
			dup.Hash = tok.Hash
			_, err := f.w().CreateToken(op, dup)
			return err
		}},
		{"UpdateCase missing", func(op ppks.Op) error {
			_, err := f.w().UpdateCase(op, b.ID, newID(), func(*ppks.Case) error { return nil })
			return err
		}},
	}
	for _, tt := range fails {
		op := newOp(tt.name, "p")
		if err := tt.do(op); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
		if op.Audit.ID != 0 {
			t.Errorf("%s: entry given ID %d, want none", tt.name, op.Audit.ID)
		}
	}
	if diff := cmp.Diff(before, f.audit(t, ppks.AuditFilter{})); diff != "" {
		t.Errorf("audit log after failed writes (-before +after):\n%s", diff)
	}

	// Nothing else was written either.
	if got, err := f.s.GetBeneficiary(f.ctx, b.ID); err != nil || !cmp.Equal(b, got) {
		t.Errorf("person after failed writes = %+v, %v; want %+v", got, err, b)
	}
	if got, err := f.s.GetBeneficiary(f.ctx, other.ID); err != nil || !cmp.Equal(other, got) {
		t.Errorf("other person after failed writes = %+v, %v; want %+v", got, err, other)
	}
	if got := f.cases(t, ppks.CaseFilter{}); !cmp.Equal(got, []string{c.ID}) {
		t.Errorf("cases after failed writes = %v, want [%s]", got, c.ID)
	}
	if got, err := f.s.GetCase(f.ctx, b.ID, c.ID); err != nil || !cmp.Equal(c, got) {
		t.Errorf("case after failed writes = %+v, %v; want %+v", got, err, c)
	}
	if got := f.interventions(t, ppks.InterventionFilter{}); !cmp.Equal(got, []string{iv.ID}) {
		t.Errorf("interventions after failed writes = %v, want [%s]", got, iv.ID)
	}
	if got, err := f.s.GetIntervention(f.ctx, b.ID, c.ID, iv.ID); err != nil || !cmp.Equal(iv, got) {
		t.Errorf("intervention after failed writes = %+v, %v; want %+v", got, err, iv)
	}
	if _, err := f.s.GetTarget(f.ctx, ppks.IndicatorID, 2024); ppks.KindOf(err) != ppks.KindNotFound {
		t.Errorf("target after failed upsert: err %v, want NotFound", err)
	}
	if got, err := f.s.GetUser(f.ctx, u.Username); err != nil || !cmp.Equal(u, got) {
		t.Errorf("user after failed writes = %+v, %v; want %+v", got, err, u)
	}
	if got, err := f.s.ListTokens(f.ctx, u.Username, all); err != nil || !cmp.Equal([]*ppks.Token{tok}, got) {
		t.Errorf("tokens after failed writes = %+v, %v; want [%+v]", got, err, tok)
	}
}

func testListAudit(t *testing.T, f *fixture) {
	at := func(minutes int) time.Time { return baseTime.Add(time.Duration(minutes) * time.Minute) }
	p1, p2 := "beneficiaries/"+newID(), "beneficiaries/"+newID()
	entries := []*ppks.AuditEntry{
		{Time: at(0), Username: "ani", Role: ppks.RoleWorker, Method: "CreateBeneficiary", Action: ppks.AuditWrite,
			Resource: p1, RequestID: newID(), Summary: "created"},
		{Time: at(1), Username: "ani", Role: ppks.RoleWorker, Method: "GetBeneficiary", Action: ppks.AuditRead,
			Resource: p1},
		// A list read names the collection and the records it returned, in its order.
		{Time: at(2), Username: "budi", Role: ppks.RoleSupervisor, Method: "ListBeneficiaries", Action: ppks.AuditRead,
			Resource: "beneficiaries", Records: []string{p2, p1}},
		{Time: at(3), Username: "budi", Role: ppks.RoleSupervisor, Method: "UpdateBeneficiary", Action: ppks.AuditWrite,
			Resource: p2, RequestID: newID(), Summary: "updated full_name"},
		{Time: at(4), Username: "citra", Role: ppks.RoleAdmin, Method: "CreateUser", Action: ppks.AuditWrite,
			Resource: "users/dewi", Summary: "created user: role WORKER"},
		{Time: at(4), Username: "ani", Role: ppks.RoleWorker, Method: "ListBeneficiaries", Action: ppks.AuditRead,
			Resource: "beneficiaries", Records: []string{p1}},
	}
	var lastID int64
	for i, e := range entries {
		if err := f.w().AppendAudit(e); err != nil {
			t.Fatalf("AppendAudit %d: %v", i, err)
		}
		if e.ID <= lastID {
			t.Errorf("entry %d: ID %d, want more than %d", i, e.ID, lastID)
		}
		lastID = e.ID
	}
	// The stored entries are the ones appended: every field, records in order.
	newestFirst := slices.Clone(entries)
	slices.Reverse(newestFirst)
	if diff := cmp.Diff(newestFirst, f.audit(t, ppks.AuditFilter{})); diff != "" {
		t.Errorf("ListAudit (-want +got):\n%s", diff)
	}

	e := func(is ...int) []string {
		ids := []string{}
		for _, i := range slices.Backward(is) {
			ids = append(ids, auditID(entries[i]))
		}
		return ids
	}
	tests := []struct {
		name string
		f    ppks.AuditFilter
		want []string
	}{
		{"everything", ppks.AuditFilter{}, e(0, 1, 2, 3, 4, 5)},
		{"username", ppks.AuditFilter{Username: "ani"}, e(0, 1, 5)},
		{"unknown username", ppks.AuditFilter{Username: "nobody"}, e()},
		{"method", ppks.AuditFilter{Method: "ListBeneficiaries"}, e(2, 5)},
		{"writes", ppks.AuditFilter{Action: ppks.AuditWrite}, e(0, 3, 4)},
		{"reads", ppks.AuditFilter{Action: ppks.AuditRead}, e(1, 2, 5)},
		{"resource or record", ppks.AuditFilter{Resource: p1}, e(0, 1, 2, 5)},
		{"resource or record 2", ppks.AuditFilter{Resource: p2}, e(2, 3)},
		{"collection", ppks.AuditFilter{Resource: "beneficiaries"}, e(2, 5)},
		{"resource is not a prefix", ppks.AuditFilter{Resource: "users"}, e()},
		{"after is inclusive", ppks.AuditFilter{After: at(3)}, e(3, 4, 5)},
		{"before is exclusive", ppks.AuditFilter{Before: at(3)}, e(0, 1, 2)},
		{"between", ppks.AuditFilter{After: at(1), Before: at(4)}, e(1, 2, 3)},
		{"same instant", ppks.AuditFilter{After: at(4), Before: at(4).Add(time.Microsecond)}, e(4, 5)},
		{"empty range", ppks.AuditFilter{After: at(2), Before: at(2)}, e()},
		{"all together", ppks.AuditFilter{Username: "ani", Method: "ListBeneficiaries", Action: ppks.AuditRead,
			Resource: p1, After: at(4), Before: at(5)}, e(5)},
		{"all together, one off", ppks.AuditFilter{Username: "ani", Method: "ListBeneficiaries", Action: ppks.AuditRead,
			Resource: p2, After: at(4), Before: at(5)}, e()},
	}
	for _, tt := range tests {
		if got := keys(f.audit(t, tt.f), auditID); !cmp.Equal(tt.want, got) {
			t.Errorf("%s: ListAudit(%+v) = %v, want %v", tt.name, tt.f, got, tt.want)
		}
	}

	_, err := f.s.ListAudit(f.ctx, ppks.AuditFilter{}, ppks.PageRequest{After: "not-an-id", Limit: 2})
	wantErr(t, err, ppks.KindInvalid, "")
}

func testAuditPaging(t *testing.T, f *fixture) {
	// Entries appended by writes and on their own, interleaved: pages run newest first,
	// each after the id of the last entry of the page before.
	var every, ani []string
	for i := range 9 {
		var e *ppks.AuditEntry
		if i%2 == 0 {
			op := audited("CreateBeneficiary")
			if _, err := f.w().CreateBeneficiary(op, newPerson()); err != nil {
				t.Fatalf("CreateBeneficiary: %v", err)
			}
			e = op.Audit
		} else {
			e = &ppks.AuditEntry{Time: baseTime, Username: "ani", Role: ppks.RoleWorker, Method: "GetBeneficiary",
				Action: ppks.AuditRead, Resource: "beneficiaries/x"}
			if err := f.w().AppendAudit(e); err != nil {
				t.Fatalf("AppendAudit: %v", err)
			}
			ani = append(ani, auditID(e))
		}
		if e.ID == 0 {
			t.Fatalf("entry %d has no ID", i)
		}
		every = append(every, auditID(e))
	}
	slices.Reverse(every)
	slices.Reverse(ani)
	checkPaging(t, "audit", func(p ppks.PageRequest) ([]*ppks.AuditEntry, error) {
		return f.s.ListAudit(f.ctx, ppks.AuditFilter{}, p)
	}, auditID, every)
	checkPaging(t, "audit of a user", func(p ppks.PageRequest) ([]*ppks.AuditEntry, error) {
		return f.s.ListAudit(f.ctx, ppks.AuditFilter{Username: "ani"}, p)
	}, auditID, ani)
}

// auditID is the key of an entry in a list: its id in decimal.
func auditID(e *ppks.AuditEntry) string { return strconv.FormatInt(e.ID, 10) }
