package storetest

import (
	"crypto/sha256"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

// The web application's additions (issue 12): passwords, sessions, the verification
// queue and its maintained counts, and the maintained facts of one kecamatan.
var webTests = []struct {
	name string
	fn   func(t *testing.T, f *fixture)
}{
	{"Passwords", testPasswords},
	{"Sessions", testSessions},
	{"DeleteEndedSessions", testDeleteEndedSessions},
	{"PendingQueue", testPendingQueue},
	{"PendingCountsFollowWrites", testPendingCountsFollowWrites},
	{"KecamatanFacts", testKecamatanFacts},
	{"GetBeneficiaries", testGetBeneficiaries},
}

func testGetBeneficiaries(t *testing.T, f *fixture) {
	a := f.person(t, nil)
	b := f.person(t, func(b *ppks.Beneficiary) { b.NIK = newNIK(); b.FullName = "Baso Dg. Sese" })
	got, err := f.s.GetBeneficiaries(f.ctx, []string{b.ID, a.ID, newID()})
	if err != nil {
		t.Fatalf("GetBeneficiaries: %v", err)
	}
	slices.SortFunc(got, func(x, y *ppks.Beneficiary) int { return compare(x.ID, y.ID) })
	if diff := cmp.Diff([]*ppks.Beneficiary{a, b}, got); diff != "" {
		t.Errorf("GetBeneficiaries (-want +got):\n%s", diff)
	}
	if got, err := f.s.GetBeneficiaries(f.ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("GetBeneficiaries(none) = %v, %v", got, err)
	}
}

func newSession(username string, at time.Time) *ppks.Session {
	id := newID()
	h := sha256.Sum256([]byte("session secret " + id))
	return &ppks.Session{ID: id, Username: username, Hash: h[:], CreateTime: at, LastSeen: at,
		ExpireTime: at.Add(12 * time.Hour), Address: "127.0.0.1", UserAgent: "Mozilla/5.0 (Android)"}
}

func (f *fixture) session(t *testing.T, username string, at time.Time) *ppks.Session {
	t.Helper()
	got, err := f.w().CreateSession(audited("SignIn"), newSession(username, at))
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return got
}

func testPasswords(t *testing.T, f *fixture) {
	u := f.user(t, nil)
	_, err := f.s.GetPassword(f.ctx, u.Username)
	wantErr(t, err, ppks.KindNotFound, "")

	pw := &ppks.Password{Username: u.Username, Hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", SetTime: baseTime, SetBy: "admin"}
	if err := f.w().SetPassword(audited("SetPassword"), pw, ""); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	got, err := f.s.GetPassword(f.ctx, u.Username)
	if err != nil {
		t.Fatalf("GetPassword: %v", err)
	}
	if diff := cmp.Diff(pw, got); diff != "" {
		t.Errorf("GetPassword (-want +got):\n%s", diff)
	}

	// Setting it again replaces it and ends every session but the one kept.
	keep := f.session(t, u.Username, baseTime)
	other := f.session(t, u.Username, baseTime)
	pw2 := &ppks.Password{Username: u.Username, Hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaDI", SetTime: baseTime.Add(time.Hour), SetBy: u.Username}
	if err := f.w().SetPassword(audited("ChangePassword"), pw2, keep.ID); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if got, _ := f.s.GetPassword(f.ctx, u.Username); got == nil || got.Hash != pw2.Hash || got.SetBy != u.Username {
		t.Errorf("GetPassword after change = %+v, want %+v", got, pw2)
	}
	if s, _, err := f.s.SessionByHash(f.ctx, keep.Hash); err != nil || !s.RevokeTime.IsZero() {
		t.Errorf("kept session = %+v, %v; want unrevoked", s, err)
	}
	if s, _, err := f.s.SessionByHash(f.ctx, other.Hash); err != nil || !s.RevokeTime.Equal(pw2.SetTime) {
		t.Errorf("other session = %+v, %v; want revoked at %v", s, err, pw2.SetTime)
	}
	// An administrator's reset ends them all.
	if err := f.w().SetPassword(audited("SetPassword"), pw, ""); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if s, _, _ := f.s.SessionByHash(f.ctx, keep.Hash); s == nil || s.RevokeTime.IsZero() {
		t.Errorf("session after reset = %+v, want revoked", s)
	}

	// No such user: nothing stored.
	err = f.w().SetPassword(audited("SetPassword"), &ppks.Password{Username: "nobody.here", Hash: pw.Hash, SetTime: baseTime}, "")
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.s.GetPassword(f.ctx, "nobody.here")
	wantErr(t, err, ppks.KindNotFound, "")

	// The writes are in the audit log, under the user.
	if got := f.audit(t, ppks.AuditFilter{Resource: u.Name(), Method: "SetPassword"}); len(got) != 2 {
		t.Errorf("SetPassword audit entries = %d, want 2", len(got))
	}
}

func testSessions(t *testing.T, f *fixture) {
	u := f.user(t, nil)
	want := newSession(u.Username, baseTime)
	got, err := f.w().CreateSession(audited("SignIn"), want)
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CreateSession (-want +got):\n%s", diff)
	}
	s, usr, err := f.s.SessionByHash(f.ctx, want.Hash)
	if err != nil {
		t.Fatalf("SessionByHash: %v", err)
	}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("SessionByHash (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(u, usr); diff != "" {
		t.Errorf("SessionByHash user (-want +got):\n%s", diff)
	}
	other := sha256.Sum256([]byte("no such secret"))
	_, _, err = f.s.SessionByHash(f.ctx, other[:])
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.w().CreateSession(audited("SignIn"), newSession("nobody.here", baseTime))
	wantErr(t, err, ppks.KindNotFound, "")
	dup := newSession(u.Username, baseTime)
	dup.Hash = want.Hash
	_, err = f.w().CreateSession(audited("SignIn"), dup)
	wantErr(t, err, ppks.KindAlreadyExists, "")

	// Touch moves last_seen forward only.
	later := baseTime.Add(10 * time.Minute)
	if err := f.w().TouchSession(want.ID, later); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}
	if err := f.w().TouchSession(want.ID, baseTime); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}
	if s, _, _ := f.s.SessionByHash(f.ctx, want.Hash); s == nil || !s.LastSeen.Equal(later) {
		t.Errorf("LastSeen = %v, want %v", s.LastSeen, later)
	}

	// Lists: unrevoked, seen since, newest first.
	second := f.session(t, u.Username, baseTime.Add(time.Minute))
	stale := f.session(t, u.Username, baseTime.Add(-time.Hour))
	list, err := f.s.ListSessions(f.ctx, u.Username, baseTime)
	if err != nil {
		t.Fatalf("ListSessions: %v", err)
	}
	if ids := keys(list, func(s *ppks.Session) string { return s.ID }); !slices.Equal(ids, []string{second.ID, want.ID}) {
		t.Errorf("ListSessions = %v, want [%s %s] (not %s, last seen before)", ids, second.ID, want.ID, stale.ID)
	}

	// Revoke one, then every other.
	if err := f.w().RevokeSession(audited("SignOut"), u.Username, want.ID, later); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	if err := f.w().RevokeSession(audited("SignOut"), u.Username, want.ID, later.Add(time.Hour)); err != nil {
		t.Fatalf("RevokeSession again: %v", err)
	}
	if s, _, _ := f.s.SessionByHash(f.ctx, want.Hash); s == nil || !s.RevokeTime.Equal(later) {
		t.Errorf("RevokeTime = %v, want the first revocation %v", s.RevokeTime, later)
	}
	err = f.w().RevokeSession(audited("SignOut"), "someone.else", second.ID, later)
	wantErr(t, err, ppks.KindNotFound, "")
	n, err := f.w().RevokeSessions(audited("EndSessions"), u.Username, later)
	if err != nil || n != 2 {
		t.Errorf("RevokeSessions = %d, %v; want 2 (second and stale)", n, err)
	}
	if list, err := f.s.ListSessions(f.ctx, u.Username, time.Time{}); err != nil || len(list) != 0 {
		t.Errorf("ListSessions after revoking all = %d sessions, %v; want none", len(list), err)
	}
	if got := f.audit(t, ppks.AuditFilter{Method: "SignOut"}); len(got) != 2 {
		t.Errorf("SignOut audit entries = %d, want 2", len(got))
	}
}

// pending builds a pending intervention in c.
func pending(mod func(*ppks.Intervention)) func(*ppks.Intervention) {
	return func(iv *ppks.Intervention) {
		iv.Verification = ppks.VerificationPending
		if mod != nil {
			mod(iv)
		}
	}
}

func testPendingQueue(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	c := f.openCase(t, b, nil)
	d := func(y, m, day int) ppks.Date { return ppks.Date{Year: y, Month: m, Day: day} }
	late := f.deliver(t, c, pending(func(iv *ppks.Intervention) { iv.DeliveredOn = d(2024, 5, 2) }))
	early := f.deliver(t, c, pending(func(iv *ppks.Intervention) { iv.DeliveredOn = d(2024, 2, 1); iv.Worker = "petugas.b" }))
	same := f.deliver(t, c, pending(func(iv *ppks.Intervention) {
		iv.DeliveredOn = d(2024, 5, 2)
		iv.KecamatanCode, iv.InterventionType = kecB, alatBantu
	}))
	f.deliver(t, c, func(iv *ppks.Intervention) { iv.Verification = ppks.VerificationVerified })
	voided := f.deliver(t, c, pending(nil))
	f.update(t, voided, func(iv *ppks.Intervention) { iv.State = ppks.InterventionVoided })

	list := func(flt ppks.PendingFilter, p ppks.PageRequest) []string {
		t.Helper()
		got, err := f.s.ListPending(f.ctx, flt, p)
		if err != nil {
			t.Fatalf("ListPending(%+v): %v", flt, err)
		}
		return keys(got, func(iv *ppks.Intervention) string { return iv.ID })
	}
	// Oldest delivery first, then id; verified and voided left out.
	firstTwo := sorted(late.ID, same.ID)
	if got, want := list(ppks.PendingFilter{}, all), append([]string{early.ID}, firstTwo...); !slices.Equal(got, want) {
		t.Errorf("ListPending = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		flt  ppks.PendingFilter
		want []string
	}{
		{ppks.PendingFilter{KecamatanCode: kecB}, []string{same.ID}},
		{ppks.PendingFilter{InterventionType: permakanan}, []string{early.ID, late.ID}},
		{ppks.PendingFilter{Worker: "petugas.b"}, []string{early.ID}},
		{ppks.PendingFilter{From: ppks.Date{Year: 2024, Month: 3}}, firstTwo},
		{ppks.PendingFilter{To: ppks.Date{Year: 2024, Month: 4}}, []string{early.ID}},
		{ppks.PendingFilter{From: ppks.Date{Year: 2024, Month: 2}, To: ppks.Date{Year: 2024, Month: 2}}, []string{early.ID}},
	} {
		if got := list(tc.flt, all); !slices.Equal(got, tc.want) {
			t.Errorf("ListPending(%+v) = %v, want %v", tc.flt, got, tc.want)
		}
	}
	// Paging: After is the last item's "date|id".
	page1 := list(ppks.PendingFilter{}, ppks.PageRequest{Limit: 2})
	page2 := list(ppks.PendingFilter{}, ppks.PageRequest{Limit: 2, After: "2024-05-02|" + page1[1]})
	if !slices.Equal(append(page1, page2...), append([]string{early.ID}, firstTwo...)) || len(page2) != 1 {
		t.Errorf("pages = %v + %v", page1, page2)
	}
	_, err := f.s.ListPending(f.ctx, ppks.PendingFilter{}, ppks.PageRequest{After: "no separator"})
	wantErr(t, err, ppks.KindInvalid, "")

	// Counts: per kecamatan, type and worker, over the months.
	counts, err := f.s.CountPending(f.ctx, "", "")
	if err != nil {
		t.Fatalf("CountPending: %v", err)
	}
	wantCounts := []ppks.PendingCount{
		{KecamatanCode: kecA, InterventionType: permakanan, Worker: "Bu Nur", N: 1},
		{KecamatanCode: kecA, InterventionType: permakanan, Worker: "petugas.b", N: 1},
		{KecamatanCode: kecB, InterventionType: alatBantu, Worker: "Bu Nur", N: 1},
	}
	sortCounts(counts)
	if diff := cmp.Diff(wantCounts, counts); diff != "" {
		t.Errorf("CountPending (-want +got):\n%s", diff)
	}
	if counts, _ := f.s.CountPending(f.ctx, "2024-03", "2024-12"); sum(counts) != 2 {
		t.Errorf("CountPending(2024-03..2024-12) = %v, want 2 in all", counts)
	}
	if counts, _ := f.s.CountPending(f.ctx, "", "2024-02"); sum(counts) != 1 {
		t.Errorf("CountPending(..2024-02) = %v, want 1", counts)
	}
}

func sortCounts(cs []ppks.PendingCount) {
	slices.SortFunc(cs, func(a, b ppks.PendingCount) int {
		if a.KecamatanCode != b.KecamatanCode {
			return compare(a.KecamatanCode, b.KecamatanCode)
		}
		if a.InterventionType != b.InterventionType {
			return compare(a.InterventionType, b.InterventionType)
		}
		return compare(a.Worker, b.Worker)
	})
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sum(cs []ppks.PendingCount) int {
	n := 0
	for _, c := range cs {
		n += c.N
	}
	return n
}

// testPendingCountsFollowWrites: after random creates, verifications, rejections, voids
// and corrections, the maintained counts equal a count of what ListPending returns.
func testPendingCountsFollowWrites(t *testing.T, f *fixture) {
	rng := rand.New(rand.NewPCG(12, 2024))
	kecs := []string{kecA, kecB, kecC}
	types := []string{permakanan, alatBantu, bimbingan}
	workers := []string{"petugas.a", "petugas.b"}
	var ivs []*ppks.Intervention
	var cases []*ppks.Case
	for range 4 {
		cases = append(cases, f.openCase(t, f.person(t, func(b *ppks.Beneficiary) { b.NIK = newNIK() }), nil))
	}
	for step := range 120 {
		switch r := rng.IntN(10); {
		case r < 5 || len(ivs) == 0:
			ivs = append(ivs, f.deliver(t, cases[rng.IntN(len(cases))], pending(func(iv *ppks.Intervention) {
				iv.KecamatanCode, iv.InterventionType = kecs[rng.IntN(3)], types[rng.IntN(3)]
				iv.Worker = workers[rng.IntN(2)]
				iv.DeliveredOn = ppks.Date{Year: 2024 + rng.IntN(2), Month: 1 + rng.IntN(12), Day: 1 + rng.IntN(28)}
			})))
		default:
			i := rng.IntN(len(ivs))
			ivs[i] = f.update(t, ivs[i], func(iv *ppks.Intervention) {
				switch rng.IntN(5) {
				case 0:
					iv.Verification = ppks.VerificationVerified
				case 1:
					iv.Verification = ppks.VerificationRejected
				case 2:
					iv.State = ppks.InterventionVoided
				case 3:
					iv.Verification = ppks.VerificationPending // a correction sends it back
					iv.DeliveredOn.Month = 1 + rng.IntN(12)
				default:
					iv.KecamatanCode, iv.InterventionType = kecs[rng.IntN(3)], types[rng.IntN(3)]
				}
			})
		}
		if step%20 != 19 {
			continue
		}
		listed, err := f.s.ListPending(f.ctx, ppks.PendingFilter{}, all)
		if err != nil {
			t.Fatalf("ListPending: %v", err)
		}
		want := map[ppks.PendingCount]int{}
		for _, iv := range listed {
			want[ppks.PendingCount{KecamatanCode: iv.KecamatanCode, InterventionType: iv.InterventionType, Worker: iv.Worker}]++
		}
		// Without months (the sums) and over every month (the monthly counts).
		for _, months := range [][2]string{{"", ""}, {"2000-01", "2100-12"}} {
			counts, err := f.s.CountPending(f.ctx, months[0], months[1])
			if err != nil {
				t.Fatalf("CountPending: %v", err)
			}
			got := map[ppks.PendingCount]int{}
			for _, c := range counts {
				n := c.N
				c.N = 0
				got[c] += n
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("step %d: CountPending%v differs from the queue (-queue +counts):\n%s", step, months, diff)
			}
		}
	}
}

func testKecamatanFacts(t *testing.T, f *fixture) {
	cat := countCatalog()
	f.setRules(t, cat)
	a := f.person(t, nil)
	b := f.person(t, func(b *ppks.Beneficiary) { b.NIK = newNIK(); b.KK = "7306010101240001" })
	ca, cb := f.openCase(t, a, nil), f.openCase(t, b, nil)
	f.deliver(t, ca, func(iv *ppks.Intervention) { iv.DeliveredOn = ppks.Date{Year: 2024, Month: 1, Day: 5} })
	f.deliver(t, ca, func(iv *ppks.Intervention) {
		iv.DeliveredOn = ppks.Date{Year: 2024, Month: 2, Day: 5}
		iv.KecamatanCode = kecB
	})
	f.deliver(t, cb, func(iv *ppks.Intervention) { iv.KecamatanCode = kecB; iv.InterventionType = alatBantu })
	f.deliver(t, cb, func(iv *ppks.Intervention) { iv.KecamatanCode = kecC; iv.InterventionType = graduasi })
	f.deliver(t, cb, func(iv *ppks.Intervention) { iv.KecamatanCode = kecC; iv.InterventionType = keluarga })
	f.deliver(t, ca, func(iv *ppks.Intervention) { iv.KecamatanCode = kecC; iv.InterventionType = keluarga })
	family := map[string]bool{}
	for _, typ := range familyTypes(cat) {
		family[typ] = true
	}
	// The family is part of a fact only for the types counted in families.
	norm := func(fs []ppks.CountFact) {
		for i := range fs {
			if !family[fs[i].InterventionType] {
				fs[i].FamilyKey = ""
			}
		}
	}
	all, err := f.s.CountFacts(f.ctx, 2024)
	if err != nil {
		t.Fatalf("CountFacts: %v", err)
	}
	for _, kec := range []string{kecA, kecB, kecC, "73.06.18"} {
		var want []ppks.CountFact
		for _, fact := range all {
			if fact.KecamatanCode == kec {
				want = append(want, fact)
			}
		}
		got, err := f.s.KecamatanFacts(f.ctx, 2024, kec)
		if err != nil {
			t.Fatalf("KecamatanFacts: %v", err)
		}
		sortFacts(want)
		sortFacts(got)
		norm(want)
		norm(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("KecamatanFacts(%s) differs from CountFacts (-want +got):\n%s", kec, diff)
		}
	}
}

// Sessions that ended before the cutoffs go (revoked, expired, or idle since), the user's
// only: a live one, one that ended after the cutoff, and another user's stay.
func testDeleteEndedSessions(t *testing.T, f *fixture) {
	u, other := f.user(t, nil), f.user(t, nil)
	cutoff := baseTime.Add(60 * 24 * time.Hour)
	old := cutoff.Add(-40 * 24 * time.Hour) // created and last seen here: expired 12 h later
	revoked := f.session(t, u.Username, cutoff.Add(-time.Hour))
	if err := f.w().RevokeSession(audited("SignOut"), u.Username, revoked.ID, cutoff.Add(-time.Minute)); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	expired := f.session(t, u.Username, old)
	idle := newSession(u.Username, cutoff.Add(-2*time.Hour))
	idle.ExpireTime = cutoff.Add(10 * time.Hour)
	if _, err := f.w().CreateSession(audited("SignIn"), idle); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	live := f.session(t, u.Username, cutoff.Add(-time.Minute))
	revokedLater := f.session(t, u.Username, cutoff.Add(-time.Minute))
	if err := f.w().RevokeSession(audited("SignOut"), u.Username, revokedLater.ID, cutoff.Add(time.Minute)); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	others := f.session(t, other.Username, old)

	n, err := f.w().DeleteEndedSessions(audited("SignIn"), u.Username, cutoff, cutoff.Add(-time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("DeleteEndedSessions = %d, %v; want 3 (revoked, expired, idle)", n, err)
	}
	for _, c := range []struct {
		s    *ppks.Session
		kept bool
	}{{revoked, false}, {expired, false}, {idle, false}, {live, true}, {revokedLater, true}, {others, true}} {
		_, _, err := f.s.SessionByHash(f.ctx, c.s.Hash)
		if kept := err == nil; kept != c.kept {
			t.Errorf("session created %v: kept = %v (%v), want %v", c.s.CreateTime, kept, err, c.kept)
		}
	}
	if n, err := f.w().DeleteEndedSessions(audited("SignIn"), u.Username, cutoff, cutoff.Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("DeleteEndedSessions again = %d, %v; want 0", n, err)
	}
}
