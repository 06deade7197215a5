package server_test

import (
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// replica is a field app's copy of its area, kept from SyncChanges as the protocol says
// (README, "Offline field apps"): by record id.
type replica struct {
	people        map[string]*ppksv1.Beneficiary
	cases         map[string]*ppksv1.Case
	interventions map[string]*ppksv1.Intervention
	cursor        string
	tombstones    []*ppksv1.SyncTombstone // every tombstone received
	removed       []string                // every kecamatan removed
}

func newReplica() *replica {
	return &replica{people: map[string]*ppksv1.Beneficiary{}, cases: map[string]*ppksv1.Case{}, interventions: map[string]*ppksv1.Intervention{}}
}

// lastID is the last segment of a resource name.
func lastID(name string) string { return name[strings.LastIndexByte(name, '/')+1:] }

// personOf is the person segment of a case's or an intervention's name.
func personOf(name string) string { return strings.Split(name, "/")[1] }

// apply applies one answer: the removed kecamatan (with their people's records), the
// tombstones, then the records.
func (r *replica) apply(resp *ppksv1.SyncChangesResponse) {
	gone := map[string]bool{}
	for _, k := range resp.GetRemovedKecamatanCodes() {
		r.removed = append(r.removed, k)
		for id, b := range r.people {
			if b.GetKecamatanCode() == k {
				gone[id] = true
				delete(r.people, id)
			}
		}
	}
	for id, c := range r.cases {
		if gone[personOf(c.GetName())] {
			delete(r.cases, id)
		}
	}
	for id, iv := range r.interventions {
		if gone[personOf(iv.GetName())] {
			delete(r.interventions, id)
		}
	}
	for _, t := range resp.GetTombstones() {
		r.tombstones = append(r.tombstones, t)
		id := lastID(t.GetName())
		switch strings.Count(t.GetName(), "/") {
		case 1:
			delete(r.people, id)
		case 3:
			delete(r.cases, id)
		case 5:
			delete(r.interventions, id)
		}
	}
	for _, b := range resp.GetBeneficiaries() {
		r.people[lastID(b.GetName())] = b
	}
	for _, c := range resp.GetCases() {
		r.cases[lastID(c.GetName())] = c
	}
	for _, iv := range resp.GetInterventions() {
		r.interventions[lastID(iv.GetName())] = iv
	}
	r.cursor = resp.GetNextCursor()
}

// pull asks until nothing more is ready and returns the round trips it took.
func (r *replica) pull(t *testing.T, e *env, u *user, size int32) int {
	t.Helper()
	for n := 1; n < 1000; n++ {
		resp, err := u.cases.SyncChanges(e.ctx, &ppksv1.SyncChangesRequest{Cursor: r.cursor, PageSize: size})
		if err != nil {
			t.Fatalf("SyncChanges as %s: %v", u.name, err)
		}
		if got := len(resp.GetBeneficiaries()) + len(resp.GetCases()) + len(resp.GetInterventions()) + len(resp.GetTombstones()); got > int(size) {
			t.Fatalf("a page of %d holds %d records", size, got)
		}
		r.apply(resp)
		if !resp.GetHasMore() {
			return n
		}
	}
	t.Fatal("the feed never says it is done")
	return 0
}

// view is what the user may list: their area's people, cases, and interventions that
// count (the feed leaves out voided and rejected ones).
func (e *env) view(t *testing.T, u *user) *replica {
	t.Helper()
	v := newReplica()
	people, err := u.cases.ListBeneficiaries(e.ctx, &ppksv1.ListBeneficiariesRequest{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range people.GetBeneficiaries() {
		v.people[lastID(b.GetName())] = b
	}
	cases, err := u.cases.ListCases(e.ctx, &ppksv1.ListCasesRequest{Parent: "beneficiaries/-", PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases.GetCases() {
		v.cases[lastID(c.GetName())] = c
	}
	ivs, err := u.cases.ListInterventions(e.ctx, &ppksv1.ListInterventionsRequest{Parent: "beneficiaries/-/cases/-", PageSize: 1000,
		Filter: "state = ACTIVE"})
	if err != nil {
		t.Fatal(err)
	}
	for _, iv := range ivs.GetInterventions() {
		if iv.GetVerification() != ppksv1.VerificationState_VERIFICATION_STATE_REJECTED {
			v.interventions[lastID(iv.GetName())] = iv
		}
	}
	return v
}

// sameAs fails unless the replica holds exactly the records of want.
func (r *replica) sameAs(t *testing.T, want *replica, when string) {
	t.Helper()
	for what, d := range map[string]string{
		"people":        cmp.Diff(want.people, r.people, protocmp.Transform()),
		"cases":         cmp.Diff(want.cases, r.cases, protocmp.Transform()),
		"interventions": cmp.Diff(want.interventions, r.interventions, protocmp.Transform()),
	} {
		if d != "" {
			t.Errorf("%s: the replica's %s differ from the user's lists (-lists +replica):\n%s", when, what, d)
		}
	}
}

func (r *replica) tombstone(name string) *ppksv1.SyncTombstone {
	for i := len(r.tombstones) - 1; i >= 0; i-- {
		if lastID(r.tombstones[i].GetName()) == lastID(name) {
			return r.tombstones[i]
		}
	}
	return nil
}

var maskedNIK = regexp.MustCompile(`^[0-9]{6}\*{6}[0-9]{4}$`)

// seedWithoutNIK is seed for a person registered without NIK.
func (e *env) seedWithoutNIK(kec string) seeded {
	e.t.Helper()
	w := map[string]string{ownKec: "petugas", otherKec: "petugas.lain"}[kec]
	ctx := e.users[w].system
	b, err := e.svc.CreateBeneficiary(ctx, ppks.RequestKey{ID: e.newUUID()}, "", ppks.Beneficiary{FullName: "Tanpa NIK", Sex: ppks.SexMale, KecamatanCode: kec})
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := e.svc.CreateCase(ctx, ppks.RequestKey{ID: e.newUUID()}, b.ID, "", ppks.Case{PpksType: "GELANDANGAN", OpenedOn: ppks.Date{Year: 2024, Month: 1, Day: 1}})
	if err != nil {
		e.t.Fatal(err)
	}
	iv, err := e.svc.CreateIntervention(ctx, ppks.RequestKey{ID: e.newUUID()}, b.ID, c.ID, "", ppks.Intervention{InterventionType: "RUJUKAN", DeliveredOn: ppks.Date{Year: 2024, Month: 2, Day: 3}})
	if err != nil {
		e.t.Fatal(err)
	}
	return seeded{person: b.Name(), kase: c.Name(), intervention: iv.Name(), fullName: b.FullName}
}

// The feed through gRPC: a worker's first download in pages, then incremental pulls
// after a supervisor's corrections, voids, rejections, merges and transfers, and after
// the worker's kecamatan changed; the replica equals what the worker may list every
// time, NIKs masked, with the tombstones the protocol promises; the records sent are in
// the audit log.
func TestSyncFeed(t *testing.T) {
	e := newEnv(t)
	worker, kabid := e.users["petugas"], e.users["kabid"]
	// own[1] and own[3] have no NIK: they are merged into others below.
	own := []seeded{e.seed(ownKec), e.seedWithoutNIK(ownKec), e.seed(ownKec), e.seedWithoutNIK(ownKec)}
	other := []seeded{e.seed(otherKec), e.seed(otherKec)}

	// The first download, in pages of three records.
	r := newReplica()
	if rounds := r.pull(t, e, worker, 3); rounds < 4 {
		t.Errorf("a download of 12 records in pages of 3 took %d round trips", rounds)
	}
	r.sameAs(t, e.view(t, worker), "after the first download")
	if len(r.people) != 4 || len(r.cases) != 4 || len(r.interventions) != 4 {
		t.Fatalf("downloaded %d people, %d cases, %d interventions; want 4 of each", len(r.people), len(r.cases), len(r.interventions))
	}
	for _, b := range r.people {
		if (b.GetNik() != "" && !maskedNIK.MatchString(b.GetNik())) || b.GetKecamatanCode() != ownKec {
			t.Errorf("downloaded %s of %s with NIK %q", b.GetName(), b.GetKecamatanCode(), b.GetNik())
		}
	}
	reads := e.auditEntries(`method = "SyncChanges" AND username = "petugas"`)
	var audited []string
	for _, a := range reads {
		audited = append(audited, a.GetRecords()...)
	}
	for _, s := range own {
		for _, name := range []string{s.person, s.kase, s.intervention} {
			if !slices.Contains(audited, name) {
				t.Errorf("%s was sent to the worker without an audit entry naming it", name)
			}
		}
	}

	// Nothing changed: one round trip, nothing in it.
	before := len(r.tombstones)
	if n := r.pull(t, e, worker, 500); n != 1 || len(r.tombstones) != before {
		t.Errorf("an idle pull: %d round trips", n)
	}

	// The supervisor's work of a day.
	addr := "Jl. Baru No. 7"
	if _, err := kabid.cases.UpdateBeneficiary(e.ctx, &ppksv1.UpdateBeneficiaryRequest{
		Beneficiary: &ppksv1.Beneficiary{Name: own[0].person, Address: addr, Etag: e.etag(own[0].person)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := kabid.cases.VoidIntervention(e.ctx, &ppksv1.VoidInterventionRequest{Name: own[0].intervention, Reason: "Tercatat dua kali"}); err != nil {
		t.Fatal(err)
	}
	if _, err := kabid.cases.RejectIntervention(e.ctx, &ppksv1.RejectInterventionRequest{Name: own[1].intervention, Reason: "Tanpa berita acara"}); err != nil {
		t.Fatal(err)
	}
	// own[1] merged into own[2] (both in the area); own[3] merged into a person of the
	// other kecamatan (out of sight).
	if _, err := kabid.cases.MergeBeneficiaries(e.ctx, &ppksv1.MergeBeneficiariesRequest{Name: own[2].person, Duplicate: own[1].person, Reason: "Orang yang sama"}); err != nil {
		t.Fatal(err)
	}
	if _, err := kabid.cases.MergeBeneficiaries(e.ctx, &ppksv1.MergeBeneficiariesRequest{Name: other[0].person, Duplicate: own[3].person, Reason: "Orang yang sama"}); err != nil {
		t.Fatal(err)
	}
	// other[1] moves into the worker's kecamatan (a transfer the worker asked for).
	tr, err := worker.cases.CreateTransfer(e.ctx, &ppksv1.CreateTransferRequest{RequestId: e.newUUID(),
		Transfer: &ppksv1.Transfer{Nik: other[1].nik, ToKecamatanCode: ownKec, Reason: "Pindah ke rumah anaknya"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kabid.cases.ApproveTransfer(e.ctx, &ppksv1.ApproveTransferRequest{Name: tr.GetTransfer().GetName()}); err != nil {
		t.Fatal(err)
	}

	if n := r.pull(t, e, worker, 500); n != 1 {
		t.Errorf("the incremental pull took %d round trips", n)
	}
	r.sameAs(t, e.view(t, worker), "after the supervisor's changes")
	if got := r.people[lastID(own[0].person)].GetAddress(); got != addr {
		t.Errorf("the corrected address in the replica: %q", got)
	}
	for _, want := range []struct {
		name   string
		reason ppksv1.TombstoneReason
		detail string
		into   string
	}{
		{own[0].intervention, ppksv1.TombstoneReason_TOMBSTONE_REASON_VOIDED, "Tercatat dua kali", ""},
		{own[1].person, ppksv1.TombstoneReason_TOMBSTONE_REASON_MERGED, "", own[2].person},
		{own[3].person, ppksv1.TombstoneReason_TOMBSTONE_REASON_MERGED, "", ""}, // the survivor is not the worker's to see
		{own[3].kase, ppksv1.TombstoneReason_TOMBSTONE_REASON_MOVED, "", ""},
		{own[3].intervention, ppksv1.TombstoneReason_TOMBSTONE_REASON_MOVED, "", ""},
	} {
		ts := r.tombstone(want.name)
		if ts == nil || ts.GetReason() != want.reason || ts.GetDetail() != want.detail || ts.GetMergedInto() != want.into {
			t.Errorf("tombstone of %s = %v, want %v %q into %q", want.name, ts, want.reason, want.detail, want.into)
		}
	}
	// The rejected intervention moved to the survivor with its case: its tombstone says
	// why, under the name the worker may read.
	if ts := r.tombstone(own[1].intervention); ts == nil || ts.GetReason() != ppksv1.TombstoneReason_TOMBSTONE_REASON_REJECTED ||
		ts.GetDetail() != "Tanpa berita acara" || !strings.HasPrefix(ts.GetName(), own[2].person+"/cases/") {
		t.Errorf("tombstone of the rejected intervention = %v", ts)
	}
	// A tombstone of a record that left for another kecamatan names no parent.
	if ts := r.tombstone(own[3].kase); ts != nil && !strings.HasPrefix(ts.GetName(), "beneficiaries/-/cases/") {
		t.Errorf("the moved case's tombstone names %s", ts.GetName())
	}
	for _, id := range []string{lastID(other[1].person), lastID(other[1].kase), lastID(other[1].intervention)} {
		if r.people[id] == nil && r.cases[id] == nil && r.interventions[id] == nil {
			t.Errorf("the person transferred in (%s) is not in the replica with their records", id)
		}
	}
	for _, ts := range r.tombstones {
		for _, s := range other {
			if strings.Contains(ts.GetName(), lastID(s.person)) || strings.Contains(ts.GetMergedInto(), lastID(s.person)) {
				t.Errorf("a tombstone names a person of another kecamatan: %v", ts)
			}
		}
	}

	// The worker moves out of the transferred person's way: a transfer out of the area.
	if _, err := kabid.cases.UpdateBeneficiary(e.ctx, &ppksv1.UpdateBeneficiaryRequest{Beneficiary: &ppksv1.Beneficiary{
		Name: own[2].person, KecamatanCode: otherKec, Etag: e.etag(own[2].person)}}); err != nil {
		t.Fatal(err)
	}
	r.pull(t, e, worker, 500)
	r.sameAs(t, e.view(t, worker), "after a person moved out")
	if ts := r.tombstone(own[2].person); ts.GetReason() != ppksv1.TombstoneReason_TOMBSTONE_REASON_MOVED {
		t.Errorf("the person who moved out: %v", ts)
	}

	// The worker's scope changes: a second kecamatan, downloaded on the next pulls...
	setKecamatan := func(codes ...string) {
		t.Helper()
		if _, err := e.admin.UpdateUser(e.ctx, &ppksv1.UpdateUserRequest{User: &ppksv1.User{Name: "users/petugas", KecamatanCodes: codes},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"kecamatan_codes"}}}); err != nil {
			t.Fatal(err)
		}
	}
	setKecamatan(ownKec, otherKec)
	if n := r.pull(t, e, worker, 4); n < 2 {
		t.Errorf("the new kecamatan came in %d round trips", n)
	}
	r.sameAs(t, e.view(t, worker), "after a kecamatan was added")
	if r.people[lastID(other[0].person)] == nil {
		t.Errorf("the new kecamatan's people are not in the replica")
	}
	// ...and the first one taken away: its people go, with their records.
	setKecamatan(otherKec)
	r.pull(t, e, worker, 500)
	if !slices.Contains(r.removed, ownKec) {
		t.Errorf("the kecamatan taken away was not removed: %v", r.removed)
	}
	r.sameAs(t, e.view(t, worker), "after a kecamatan was taken away")

	// A cursor is its user's; a planner has no feed.
	_, err = e.users["petugas.lain"].cases.SyncChanges(e.ctx, &ppksv1.SyncChangesRequest{Cursor: r.cursor})
	wantCode(t, err, codes.InvalidArgument)
	if got := fieldViolations(err); !slices.Contains(got, "cursor") {
		t.Errorf("another user's cursor: violations %v", got)
	}
	_, err = worker.cases.SyncChanges(e.ctx, &ppksv1.SyncChangesRequest{Cursor: r.cursor + "x"})
	wantCode(t, err, codes.InvalidArgument)
	_, err = worker.cases.SyncChanges(e.ctx, &ppksv1.SyncChangesRequest{PageSize: 1001})
	wantCode(t, err, codes.InvalidArgument)
	_, err = e.users["perencana"].cases.SyncChanges(e.ctx, &ppksv1.SyncChangesRequest{})
	wantCode(t, err, codes.PermissionDenied)
}

// A cursor cannot be made by hand, nor carried to another database: it is authenticated
// with the database's own key. A cursor made with a key anyone can read (the code's, as
// before) from the log's start would list the ids of every record that ever left the
// area; it is refused like any other, and so is a real cursor of another database.
func TestSyncCursorIsTheDatabases(t *testing.T) {
	e, elsewhere := newEnv(t), newEnv(t)
	worker := e.users["petugas"]
	e.seed(ownKec)
	r := newReplica()
	r.pull(t, e, worker, 500)
	if r.cursor == "" {
		t.Fatal("no cursor after a download")
	}
	payload := []byte(`{"v":1,"u":"petugas","a":["` + ownKec + `"],"p":"0"}`)
	forged := func(key string, n int) string {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte("petugas\x00"))
		m.Write(payload)
		return base64.RawURLEncoding.EncodeToString(append(slices.Clone(payload), m.Sum(nil)[:n]...))
	}
	for what, cursor := range map[string]string{
		"made with the code's old key":      forged("ppks sync cursor v1", 12),
		"made with a guessed key":           forged("ppks sync cursor v1", 16),
		"a real cursor of another database": r.cursor,
	} {
		client := worker
		if what == "a real cursor of another database" {
			client = elsewhere.users["petugas"]
		}
		_, err := client.cases.SyncChanges(e.ctx, &ppksv1.SyncChangesRequest{Cursor: cursor})
		wantCode(t, err, codes.InvalidArgument)
		if got := fieldViolations(err); !slices.Contains(got, "cursor") {
			t.Errorf("%s: violations %v", what, got)
		}
	}
	// The real one still works where it was made.
	if _, err := worker.cases.SyncChanges(e.ctx, &ppksv1.SyncChangesRequest{Cursor: r.cursor}); err != nil {
		t.Errorf("the cursor of this database: %v", err)
	}
}

// The feed over REST: the same pages as JSON, the cursor through the query string.
func TestSyncFeedREST(t *testing.T) {
	e := newEnv(t)
	worker := e.users["petugas"]
	s := e.seed(ownKec)
	e.seed(otherKec)
	get := func(cursor string) map[string]any {
		t.Helper()
		status, body := e.doAs(worker.token, "GET", "/v1/beneficiaries:syncChanges?pageSize=2&cursor="+url.QueryEscape(cursor), nil)
		if status != 200 {
			t.Fatalf("GET syncChanges: %d %v", status, body)
		}
		return body
	}
	var people, cases, ivs []any
	cursor := ""
	for range 10 {
		body := get(cursor)
		people = append(people, list(body, "beneficiaries")...)
		cases = append(cases, list(body, "cases")...)
		ivs = append(ivs, list(body, "interventions")...)
		cursor, _ = body["nextCursor"].(string)
		if cursor == "" {
			t.Fatalf("no nextCursor: %v", body)
		}
		if more, _ := body["hasMore"].(bool); !more {
			break
		}
	}
	if len(people) != 1 || len(cases) != 1 || len(ivs) != 1 {
		t.Fatalf("REST download: %d people, %d cases, %d interventions", len(people), len(cases), len(ivs))
	}
	p := people[0].(map[string]any)
	if p["name"] != s.person || !maskedNIK.MatchString(p["nik"].(string)) {
		t.Errorf("REST person = %v", p)
	}
	if _, err := e.users["kabid"].cases.VoidIntervention(e.ctx, &ppksv1.VoidInterventionRequest{Name: s.intervention, Reason: "Salah orang"}); err != nil {
		t.Fatal(err)
	}
	body := get(cursor)
	ts := list(body, "tombstones")
	if len(ts) != 1 {
		t.Fatalf("after a void: %v", body)
	}
	if m := ts[0].(map[string]any); m["name"] != s.intervention || m["reason"] != "TOMBSTONE_REASON_VOIDED" || m["detail"] != "Salah orang" {
		t.Errorf("REST tombstone = %v", m)
	}
	// Gzipped for a client that accepts it (net/http's client asks by itself and hides it).
	req, _ := http.NewRequestWithContext(e.ctx, "GET", e.url+"/v1/beneficiaries:syncChanges", nil)
	req.Header.Set("Authorization", "Bearer "+worker.token)
	req.Header.Set("Accept-Encoding", "gzip")
	raw, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Body.Close()
	zr, err := gzip.NewReader(raw.Body)
	if err != nil || raw.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("with Accept-Encoding: gzip: %v, %v", raw.Header, err)
	}
	var first map[string]any
	if err := json.NewDecoder(zr).Decode(&first); err != nil || len(list(first, "beneficiaries")) != 1 {
		t.Errorf("the gzipped page: %v, %v", first, err)
	}
	if status, body := e.doAs(worker.token, "GET", "/v1/beneficiaries:syncChanges?cursor=bukan-kursor", nil); status != 400 ||
		!slices.Contains(jsonFieldViolations(body), "cursor") {
		t.Errorf("a bad cursor over REST: %d %v", status, body)
	}
}

func list(body map[string]any, key string) []any {
	l, _ := body[key].([]any)
	return l
}

// An offline correction against an old etag after a supervisor's change of the same
// fields comes back, per item, as a conflict with the server's, the client's and the
// base values; nothing is overwritten and the batch's other items go through. A
// correction of other fields than those changed since is applied on top; a resolution
// against the current etag is applied; replays change nothing. Through gRPC.
func TestOfflineCorrectionConflicts(t *testing.T) {
	e := newEnv(t)
	worker, kabid := e.users["petugas"], e.users["kabid"]
	s := e.seed(ownKec)
	r := newReplica()
	r.pull(t, e, worker, 500)
	base := proto.Clone(r.people[lastID(s.person)]).(*ppksv1.Beneficiary) // the phone's copy
	baseIV := proto.Clone(r.interventions[lastID(s.intervention)]).(*ppksv1.Intervention)

	// Meanwhile, in the office: the address and the desa corrected, the intervention's
	// quantity corrected and then verified.
	if _, err := kabid.cases.UpdateBeneficiary(e.ctx, &ppksv1.UpdateBeneficiaryRequest{Beneficiary: &ppksv1.Beneficiary{
		Name: s.person, Address: "Jl. Kantor 1", Desa: "Desa Kantor", Etag: base.GetEtag()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := kabid.cases.UpdateIntervention(e.ctx, &ppksv1.UpdateInterventionRequest{Intervention: &ppksv1.Intervention{
		Name: s.intervention, Quantity: 3, Etag: baseIV.GetEtag()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := kabid.cases.VerifyIntervention(e.ctx, &ppksv1.VerifyInterventionRequest{Name: s.intervention}); err != nil {
		t.Fatal(err)
	}
	office, err := kabid.cases.GetBeneficiary(e.ctx, &ppksv1.GetBeneficiaryRequest{Name: s.person})
	if err != nil {
		t.Fatal(err)
	}

	// On the phone, against the old copy: the address (conflicting), the KK number
	// (untouched in the office), the quantity (conflicting), the notes (untouched), and a
	// new person.
	correction := &ppksv1.SyncItem{
		Request: &ppksv1.SyncItem_UpdateBeneficiary{UpdateBeneficiary: &ppksv1.UpdateBeneficiaryRequest{RequestId: e.newUUID(),
			Beneficiary: &ppksv1.Beneficiary{Name: s.person, Address: "Jl. Lapangan 9", KkNumber: "7306080101240001", Etag: base.GetEtag()},
			UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"address", "kk_number"}}}},
		Base: &ppksv1.SyncItem_BaseBeneficiary{BaseBeneficiary: base},
	}
	kkOnly := &ppksv1.SyncItem{
		Request: &ppksv1.SyncItem_UpdateBeneficiary{UpdateBeneficiary: &ppksv1.UpdateBeneficiaryRequest{RequestId: e.newUUID(),
			Beneficiary: &ppksv1.Beneficiary{Name: s.person, KkNumber: "7306080101240001", Etag: base.GetEtag()},
			UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"kk_number"}}}},
		Base: &ppksv1.SyncItem_BaseBeneficiary{BaseBeneficiary: base},
	}
	quantity := &ppksv1.SyncItem{
		Request: &ppksv1.SyncItem_UpdateIntervention{UpdateIntervention: &ppksv1.UpdateInterventionRequest{RequestId: e.newUUID(),
			Intervention: &ppksv1.Intervention{Name: s.intervention, Quantity: 5, Etag: baseIV.GetEtag()},
			UpdateMask:   &fieldmaskpb.FieldMask{Paths: []string{"quantity"}}}},
		Base: &ppksv1.SyncItem_BaseIntervention{BaseIntervention: baseIV},
	}
	notes := &ppksv1.SyncItem{
		Request: &ppksv1.SyncItem_UpdateIntervention{UpdateIntervention: &ppksv1.UpdateInterventionRequest{RequestId: e.newUUID(),
			Intervention: &ppksv1.Intervention{Name: s.intervention, Notes: "Diantar ke rumah", Etag: baseIV.GetEtag()},
			UpdateMask:   &fieldmaskpb.FieldMask{Paths: []string{"notes"}}}},
		Base: &ppksv1.SyncItem_BaseIntervention{BaseIntervention: baseIV},
	}
	noBase := &ppksv1.SyncItem{Request: &ppksv1.SyncItem_UpdateBeneficiary{UpdateBeneficiary: &ppksv1.UpdateBeneficiaryRequest{RequestId: e.newUUID(),
		Beneficiary: &ppksv1.Beneficiary{Name: s.person, Desa: "Desa Lapangan", Etag: base.GetEtag()},
		UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"desa"}}}}}
	newPerson := &ppksv1.SyncItem{Request: &ppksv1.SyncItem_CreateBeneficiary{CreateBeneficiary: &ppksv1.CreateBeneficiaryRequest{
		RequestId: e.newUUID(), Beneficiary: &ppksv1.Beneficiary{FullName: "Baso Lapangan", Sex: ppksv1.Sex_SEX_MALE, KecamatanCode: ownKec}}}}
	outside := &ppksv1.SyncItem{Request: &ppksv1.SyncItem_UpdateBeneficiary{UpdateBeneficiary: &ppksv1.UpdateBeneficiaryRequest{RequestId: e.newUUID(),
		Beneficiary: &ppksv1.Beneficiary{Name: e.seed(otherKec).person, Address: "x", Etag: base.GetEtag()}}}}
	batch := &ppksv1.BatchSyncRequest{Items: []*ppksv1.SyncItem{correction, quantity, newPerson, noBase, outside}}
	resp, err := worker.cases.BatchSync(e.ctx, batch)
	if err != nil {
		t.Fatalf("the batch failed as a whole: %v", err)
	}
	res := resp.GetResults()
	want := []struct {
		status ppksv1.SyncStatus
		action ppksv1.SyncAction
	}{
		{ppksv1.SyncStatus_SYNC_STATUS_CONFLICT, ppksv1.SyncAction_SYNC_ACTION_RESOLVE_CONFLICT},
		{ppksv1.SyncStatus_SYNC_STATUS_CONFLICT, ppksv1.SyncAction_SYNC_ACTION_RESOLVE_CONFLICT},
		{ppksv1.SyncStatus_SYNC_STATUS_CREATED, ppksv1.SyncAction_SYNC_ACTION_DONE},
		{ppksv1.SyncStatus_SYNC_STATUS_CONFLICT, ppksv1.SyncAction_SYNC_ACTION_RESOLVE_CONFLICT},
		{ppksv1.SyncStatus_SYNC_STATUS_FAILED, ppksv1.SyncAction_SYNC_ACTION_DROP},
	}
	for i, w := range want {
		if res[i].GetStatus() != w.status || res[i].GetAction() != w.action {
			t.Errorf("item %d: %v / %v, want %v / %v (%v)", i, res[i].GetStatus(), res[i].GetAction(), w.status, w.action, res[i])
		}
	}
	// The person's conflict: the address only (the KK number changed on the phone alone,
	// and is listed with its base so the resolution screen can keep it).
	type fc struct{ Field, Server, Client, Base string }
	conflicts := func(r *ppksv1.SyncResult) []fc {
		var out []fc
		for _, c := range r.GetConflicts() {
			b := "<none>"
			if c.BaseValue != nil {
				b = c.GetBaseValue()
			}
			out = append(out, fc{c.GetField(), c.GetServerValue(), c.GetClientValue(), b})
		}
		return out
	}
	if got, want := conflicts(res[0]), []fc{{"address", "Jl. Kantor 1", "Jl. Lapangan 9", "Jl. Rahasia"}, {"kk_number", "", "7306080101240001", ""}}; !cmp.Equal(got, want) {
		t.Errorf("the person's conflict = %+v, want %+v", got, want)
	}
	if got := res[0].GetBeneficiary(); got.GetEtag() != office.GetBeneficiary().GetEtag() || got.GetAddress() != "Jl. Kantor 1" || !maskedNIK.MatchString(got.GetNik()) {
		t.Errorf("the conflict's record = %v, want the office's version (NIK masked)", got)
	}
	if got, want := conflicts(res[1]), []fc{{"quantity", "3", "5", "1"}}; !cmp.Equal(got, want) {
		t.Errorf("the intervention's conflict = %+v, want %+v", got, want)
	}
	if got, want := conflicts(res[3]), []fc{{"desa", "Desa Kantor", "Desa Lapangan", "<none>"}}; !cmp.Equal(got, want) {
		t.Errorf("the conflict without a base = %+v, want %+v", got, want)
	}
	// Nothing was overwritten.
	now, err := kabid.cases.GetBeneficiary(e.ctx, &ppksv1.GetBeneficiaryRequest{Name: s.person})
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(now.GetBeneficiary(), office.GetBeneficiary()) {
		t.Errorf("the conflicting batch changed the person:\n%s", cmp.Diff(office, now, protocmp.Transform()))
	}

	// Corrections of fields the office did not touch are applied on top of its change.
	resp, err = worker.cases.BatchSync(e.ctx, &ppksv1.BatchSyncRequest{Items: []*ppksv1.SyncItem{kkOnly, notes}})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range resp.GetResults() {
		if r.GetStatus() != ppksv1.SyncStatus_SYNC_STATUS_UPDATED || r.GetAction() != ppksv1.SyncAction_SYNC_ACTION_DONE {
			t.Errorf("non-conflicting correction %d: %v", i, r)
		}
	}
	if b := resp.GetResults()[0].GetBeneficiary(); b.GetKkNumber() != "7306080101240001" || b.GetAddress() != "Jl. Kantor 1" || b.GetDesa() != "Desa Kantor" {
		t.Errorf("after the KK correction: %v", b)
	}
	if iv := resp.GetResults()[1].GetIntervention(); iv.GetNotes() != "Diantar ke rumah" || iv.GetQuantity() != 3 ||
		iv.GetVerification() != ppksv1.VerificationState_VERIFICATION_STATE_VERIFIED {
		t.Errorf("after the notes correction: %v (the quantity and the verification must stay)", iv)
	}

	// The user resolves the address conflict keeping the phone's value: a correction
	// against the etag of the record the conflict returned... which changed again with the
	// KK number: a conflict again, with nothing lost. Against the current one: applied.
	resolve := func(etag string, baseRec *ppksv1.Beneficiary) *ppksv1.SyncResult {
		t.Helper()
		resp, err := worker.cases.BatchSync(e.ctx, &ppksv1.BatchSyncRequest{Items: []*ppksv1.SyncItem{{
			Request: &ppksv1.SyncItem_UpdateBeneficiary{UpdateBeneficiary: &ppksv1.UpdateBeneficiaryRequest{RequestId: e.newUUID(),
				Beneficiary: &ppksv1.Beneficiary{Name: s.person, Address: "Jl. Lapangan 9", Etag: etag},
				UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"address"}}}},
			Base: &ppksv1.SyncItem_BaseBeneficiary{BaseBeneficiary: baseRec}}}})
		if err != nil {
			t.Fatal(err)
		}
		return resp.GetResults()[0]
	}
	current := resp.GetResults()[0].GetBeneficiary()
	if got := resolve(current.GetEtag(), current); got.GetStatus() != ppksv1.SyncStatus_SYNC_STATUS_UPDATED || got.GetBeneficiary().GetAddress() != "Jl. Lapangan 9" {
		t.Errorf("the resolution: %v", got)
	}

	// The first batch sent again (a lost answer): the conflicts again, the person created
	// once.
	again, err := worker.cases.BatchSync(e.ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if st := again.GetResults()[2].GetStatus(); st != ppksv1.SyncStatus_SYNC_STATUS_ALREADY_EXISTED {
		t.Errorf("the new person sent again: %v", st)
	}
	// The applied corrections sent again: already done, nothing written.
	history := func() int {
		t.Helper()
		h, err := kabid.cases.ListChanges(e.ctx, &ppksv1.ListChangesRequest{Parent: s.person, PageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return len(h.GetChanges())
	}
	n := history()
	replay, err := worker.cases.BatchSync(e.ctx, &ppksv1.BatchSyncRequest{Items: []*ppksv1.SyncItem{kkOnly, notes}})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range replay.GetResults() {
		if r.GetStatus() != ppksv1.SyncStatus_SYNC_STATUS_ALREADY_EXISTED || r.GetAction() != ppksv1.SyncAction_SYNC_ACTION_DONE {
			t.Errorf("replayed correction %d: %v", i, r)
		}
	}
	if history() != n {
		t.Errorf("a replayed correction wrote history")
	}

	// A correction in a batch needs its request id and its etag.
	resp, err = worker.cases.BatchSync(e.ctx, &ppksv1.BatchSyncRequest{Items: []*ppksv1.SyncItem{
		{Request: &ppksv1.SyncItem_UpdateBeneficiary{UpdateBeneficiary: &ppksv1.UpdateBeneficiaryRequest{
			Beneficiary: &ppksv1.Beneficiary{Name: s.person, Address: "x", Etag: current.GetEtag()}}}},
		{Request: &ppksv1.SyncItem_UpdateBeneficiary{UpdateBeneficiary: &ppksv1.UpdateBeneficiaryRequest{RequestId: e.newUUID(),
			Beneficiary: &ppksv1.Beneficiary{Name: s.person, Address: "x"}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for i, field := range []string{"request_id", "etag"} {
		r := resp.GetResults()[i]
		if r.GetAction() != ppksv1.SyncAction_SYNC_ACTION_FIX || codes.Code(r.GetError().GetCode()) != codes.InvalidArgument ||
			!strings.Contains(prototext.Format(r.GetError()), field) {
			t.Errorf("item %d without %s: %v", i, field, r)
		}
	}
}

// The same conflict through the REST gateway's JSON.
func TestOfflineCorrectionConflictsREST(t *testing.T) {
	e := newEnv(t)
	worker := e.users["petugas"]
	s := e.seed(ownKec)
	_, person := e.doAs(worker.token, "GET", "/v1/"+s.person, nil)
	if status, body := e.do("PATCH", "/v1/"+s.person, map[string]any{"address": "Jl. Kantor 2", "etag": person["etag"]}); status != 200 {
		t.Fatalf("the supervisor's correction: %d %v", status, body)
	}
	status, body := e.doAs(worker.token, "POST", "/v1/beneficiaries:batchSync", map[string]any{"items": []any{map[string]any{
		"updateBeneficiary": map[string]any{"requestId": e.newUUID(), "updateMask": "address",
			"beneficiary": map[string]any{"name": s.person, "address": "Jl. Lapangan 3", "etag": person["etag"]}},
		"baseBeneficiary": person,
	}}})
	if status != 200 {
		t.Fatalf("batchSync: %d %v", status, body)
	}
	r := list(body, "results")[0].(map[string]any)
	if r["status"] != "SYNC_STATUS_CONFLICT" || r["action"] != "SYNC_ACTION_RESOLVE_CONFLICT" {
		t.Fatalf("result = %v", r)
	}
	c := list(r, "conflicts")
	want := map[string]any{"field": "address", "serverValue": "Jl. Kantor 2", "clientValue": "Jl. Lapangan 3", "baseValue": "Jl. Rahasia"}
	if len(c) != 1 || !cmp.Equal(c[0], want) {
		t.Errorf("conflicts = %v, want [%v]", c, want)
	}
	if b, _ := r["beneficiary"].(map[string]any); b["address"] != "Jl. Kantor 2" {
		t.Errorf("the server's record in the result: %v", r["beneficiary"])
	}
	_, now := e.doAs(worker.token, "GET", "/v1/"+s.person, nil)
	if now["address"] != "Jl. Kantor 2" {
		t.Errorf("the address is %v: overwritten", now["address"])
	}
}
