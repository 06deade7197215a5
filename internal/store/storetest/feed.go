package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

// The change feed (ppks.FeedReader): the log every record write appends to, read after a
// position for an area, and the snapshot of a kecamatan a first download starts from.
var feedTests = []struct {
	name string
	fn   func(t *testing.T, f *fixture)
}{
	{"FeedLog", testFeedLog},
	{"FeedSnapshot", testFeedSnapshot},
	{"FeedCommitsOutOfOrder", testFeedCommitsOutOfOrder},
	{"FeedUnderConcurrentWrites", testFeedUnderConcurrentWrites},
	{"FeedKey", testFeedKey},
}

// feedKey names a record of the feed.
func feedKey(r ppks.FeedRecord) string {
	switch {
	case r.Beneficiary != nil:
		return "b:" + r.Beneficiary.ID
	case r.Case != nil:
		return "c:" + r.Case.ID
	case r.Intervention != nil:
		return "i:" + r.Intervention.ID
	}
	return "?"
}

// readFeed reads the log of the area after pos in pages of size, until nothing more is
// ready, and returns the records read (in order, repeats kept) and the last position.
// A record is in a page at most once.
func (f *fixture) readFeed(t *testing.T, area ppks.Area, pos string, size int) ([]ppks.FeedRecord, string) {
	t.Helper()
	var out []ppks.FeedRecord
	for range 10_000 {
		page, err := f.s.ReadFeed(f.ctx, area, pos, size)
		if err != nil {
			t.Fatalf("ReadFeed(%v, %q, %d): %v", area, pos, size, err)
		}
		if len(page.Records) > size {
			t.Fatalf("ReadFeed(%d) returned %d records", size, len(page.Records))
		}
		seen := map[string]bool{}
		for _, r := range page.Records {
			if seen[feedKey(r)] {
				t.Fatalf("ReadFeed returned %s twice in a page", feedKey(r))
			}
			seen[feedKey(r)] = true
		}
		out = append(out, page.Records...)
		pos = page.Next
		if !page.More {
			return out, pos
		}
	}
	t.Fatal("ReadFeed never says it is done")
	return nil, ""
}

// waitFeed reads the log of the area from pos, again and again, until the latest state of
// the records read (by key) satisfies done, and returns that state and the position
// after what it read. A backend with concurrent writers may hold back an entry for a
// while (until every transaction older than it has ended: rule 2 of ppks.FeedReader), so
// what a test wrote shows in a later read, not necessarily in the first; once done, the
// position is after every write the test made before it.
func (f *fixture) waitFeed(t *testing.T, area ppks.Area, pos string, done func(map[string]ppks.FeedRecord) bool) (map[string]ppks.FeedRecord, string) {
	t.Helper()
	latest := map[string]ppks.FeedRecord{}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var recs []ppks.FeedRecord
		recs, pos = f.readFeed(t, area, pos, 100)
		for _, r := range recs {
			latest[feedKey(r)] = r
		}
		if done(latest) {
			return latest, pos
		}
		if time.Now().After(deadline) {
			t.Fatalf("the feed of %v never showed what was written: %v", area, slices.Sorted(maps.Keys(latest)))
		}
	}
}

// has is a waitFeed condition: the records of the keys are there.
func has(keys ...string) func(map[string]ppks.FeedRecord) bool {
	return func(m map[string]ppks.FeedRecord) bool {
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				return false
			}
		}
		return true
	}
}

// feedKeys lists the keys of records.
func feedKeys(recs []ppks.FeedRecord) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = feedKey(r)
	}
	return out
}

func (f *fixture) head(t *testing.T) string {
	t.Helper()
	h, err := f.s.FeedHead(f.ctx)
	if err != nil {
		t.Fatalf("FeedHead: %v", err)
	}
	return h
}

func testFeedLog(t *testing.T, f *fixture) {
	start := f.head(t)    // of an empty store: nothing before it
	a := f.person(t, nil) // kecA
	b := f.person(t, func(p *ppks.Beneficiary) { p.KecamatanCode = kecB })
	ca := f.openCase(t, a, nil)
	ia := f.deliver(t, ca, nil)
	areaA := ppks.Area{kecA}
	// The records of the area as they are; the other kecamatan's person never.
	got, pos := f.waitFeed(t, areaA, start, has("b:"+a.ID, "c:"+ca.ID, "i:"+ia.ID))
	if keys := slices.Sorted(maps.Keys(got)); !cmp.Equal(keys, sorted("b:"+a.ID, "c:"+ca.ID, "i:"+ia.ID)) {
		t.Fatalf("feed of kecamatan A = %v", keys)
	}
	if !cmp.Equal(got["b:"+a.ID].Beneficiary, a) || !cmp.Equal(got["c:"+ca.ID].Case, ca) || !cmp.Equal(got["i:"+ia.ID].Intervention, ia) {
		t.Errorf("the feed's records differ from the store's:\n%s", cmp.Diff([]any{a, ca, ia},
			[]any{got["b:"+a.ID].Beneficiary, got["c:"+ca.ID].Case, got["i:"+ia.ID].Intervention}))
	}
	if got, _ := f.waitFeed(t, ppks.Area{kecB}, start, has("b:"+b.ID)); len(got) != 1 {
		t.Errorf("feed of kecamatan B = %v", slices.Sorted(maps.Keys(got)))
	}
	if recs, _ := f.readFeed(t, ppks.Area{}, start, 100); len(recs) != 0 {
		t.Errorf("feed of an empty area = %v", feedKeys(recs))
	}
	// Pages of two for the whole kabupaten (every entry has ended by now): every record
	// once, in the order written, with More until the last page.
	page, err := f.s.ReadFeed(f.ctx, nil, start, 2)
	if err != nil || len(page.Records) != 2 || !page.More {
		t.Fatalf("first page of two: %v, %v", page, err)
	}
	rest, posAll := f.readFeed(t, nil, page.Next, 2)
	if got, want := feedKeys(append(page.Records, rest...)), []string{"b:" + a.ID, "b:" + b.ID, "c:" + ca.ID, "i:" + ia.ID}; !cmp.Equal(got, want) {
		t.Errorf("whole feed in pages of two = %v, want %v", got, want)
	}
	if recs, _ := f.readFeed(t, nil, posAll, 10); len(recs) != 0 {
		t.Errorf("after catching up: %v", feedKeys(recs))
	}

	// Two changes of one record: the record as it is now; what FeedHead returns comes
	// before a write made after it.
	head := f.head(t)
	for _, addr := range []string{"Jl. Satu", "Jl. Dua"} {
		if _, err := f.w().UpdateBeneficiary(audited("UpdateBeneficiary"), a.ID, func(p *ppks.Beneficiary) error {
			p.Address = addr
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	addressed := func(m map[string]ppks.FeedRecord) bool {
		r, ok := m["b:"+a.ID]
		return ok && r.Beneficiary.Address == "Jl. Dua"
	}
	got, pos = f.waitFeed(t, areaA, pos, addressed)
	if len(got) != 1 || got["b:"+a.ID].Beneficiary.Revision != 3 {
		t.Fatalf("after two corrections: %v", got)
	}
	f.waitFeed(t, areaA, head, addressed)

	// A failed write appends nothing.
	failed := errors.New("refused")
	ghost := newPerson()
	if _, err := f.s.Write(f.ctx, audited("CreateBeneficiary"), func(ctx context.Context, tx ppks.Tx) error {
		if err := tx.InsertBeneficiary(ctx, ghost); err != nil {
			return err
		}
		return failed
	}); !errors.Is(err, failed) {
		t.Fatalf("failed write: %v", err)
	}

	// A transfer moves the person with their case and intervention: both kecamatan's
	// feeds name all three, with the new kecamatan.
	if _, err := f.w().UpdateBeneficiary(audited("ApproveTransfer"), a.ID, func(p *ppks.Beneficiary) error {
		p.KecamatanCode = kecB
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	moved := func(m map[string]ppks.FeedRecord) bool {
		for _, k := range []string{"b:" + a.ID, "c:" + ca.ID, "i:" + ia.ID} {
			if r, ok := m[k]; !ok || kecOf(r) != kecB {
				return false
			}
		}
		return true
	}
	var next string
	for _, area := range []ppks.Area{areaA, {kecB}} {
		got, p := f.waitFeed(t, area, pos, moved)
		if keys := slices.Sorted(maps.Keys(got)); !cmp.Equal(keys, sorted("b:"+a.ID, "c:"+ca.ID, "i:"+ia.ID)) {
			t.Errorf("feed of %v after the transfer = %v (the rolled back write must not be there)", area, keys)
		}
		next = p
	}
	pos = next

	// A case's new PPKS category: its interventions carry it, and come with it.
	if _, err := f.w().UpdateCase(audited("UpdateCase"), a.ID, ca.ID, func(c *ppks.Case) error {
		c.PpksType = lansia
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, pos = f.waitFeed(t, ppks.Area{kecB}, pos, func(m map[string]ppks.FeedRecord) bool {
		r, ok := m["i:"+ia.ID]
		return ok && r.Intervention.PpksType == lansia
	})
	if keys := slices.Sorted(maps.Keys(got)); !cmp.Equal(keys, sorted("c:"+ca.ID, "i:"+ia.ID)) {
		t.Fatalf("after a new category: %v", keys)
	}

	// A merge: the duplicate (kecamatan A) comes as merged, naming its live survivor; its
	// case and intervention come with the survivor's kecamatan, in both feeds.
	sv := f.person(t, func(p *ppks.Beneficiary) { p.KecamatanCode, p.NIK = kecC, "" })
	dup := f.person(t, nil)
	cd := f.openCase(t, dup, nil)
	id1 := f.deliver(t, cd, nil)
	_, pos = f.waitFeed(t, nil, pos, has("i:"+id1.ID))
	f.merge(t, sv, dup)
	merged := func(m map[string]ppks.FeedRecord) bool {
		r, ok := m["i:"+id1.ID]
		return ok && r.Intervention.BeneficiaryID == sv.ID
	}
	got, _ = f.waitFeed(t, areaA, pos, merged)
	if keys := slices.Sorted(maps.Keys(got)); !cmp.Equal(keys, sorted("b:"+dup.ID, "c:"+cd.ID, "i:"+id1.ID)) {
		t.Fatalf("feed of A after the merge = %v", keys)
	}
	for _, r := range got {
		switch {
		case r.Beneficiary != nil:
			if r.Beneficiary.MergedInto != sv.ID || r.Survivor == nil || r.Survivor.ID != sv.ID {
				t.Errorf("the merged record: %+v, survivor %+v", r.Beneficiary, r.Survivor)
			}
		case r.Case != nil:
			if r.Case.BeneficiaryID != sv.ID || r.Case.PersonKecamatan != kecC {
				t.Errorf("the moved case: %+v", r.Case)
			}
		case r.Intervention != nil:
			if r.Intervention.BeneficiaryID != sv.ID || r.Intervention.PersonKecamatan != kecC {
				t.Errorf("the moved intervention: %+v", r.Intervention)
			}
		}
	}
	got, pos = f.waitFeed(t, ppks.Area{kecC}, pos, merged)
	if keys := slices.Sorted(maps.Keys(got)); !cmp.Equal(keys, sorted("b:"+sv.ID, "c:"+cd.ID, "i:"+id1.ID)) {
		t.Errorf("feed of C after the merge = %v", keys)
	}

	// A voided intervention comes as it is: voided.
	f.update(t, id1, func(iv *ppks.Intervention) { iv.State, iv.VoidReason = ppks.InterventionVoided, "dobel" })
	got, _ = f.waitFeed(t, ppks.Area{kecC}, pos, has("i:"+id1.ID))
	if len(got) != 1 || got["i:"+id1.ID].Intervention.State != ppks.InterventionVoided {
		t.Errorf("after a void: %v", got)
	}

	// A position the store never handed out.
	for _, pos := range []string{"not a position", "-1"} {
		_, err := f.s.ReadFeed(f.ctx, nil, pos, 10)
		wantErr(t, err, ppks.KindFailedPrecondition, "FEED_POSITION_UNKNOWN")
	}
}

// testFeedCommitsOutOfOrder: a write that took its place in the log first but commits
// after a later one (a transaction held open) is not skipped by a reader that read the
// later one in between. A store with one writer makes the later write wait (nothing to
// see in between); one with concurrent writers commits it first, and must then hold it
// back, or hand out a position that still comes before the first one's entries.
func testFeedCommitsOutOfOrder(t *testing.T, f *fixture) {
	start := f.head(t)
	first, second := newPerson(), newPerson()
	first.NIK, second.NIK = "", ""
	inside, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	firstDone, secondDone := make(chan error, 1), make(chan error, 1)
	go func() {
		_, err := f.s.Write(f.ctx, audited("CreateBeneficiary"), func(ctx context.Context, tx ppks.Tx) error {
			if err := tx.InsertBeneficiary(ctx, first); err != nil {
				return err
			}
			once.Do(func() { close(inside) })
			<-release
			return nil
		})
		firstDone <- err
	}()
	<-inside
	go func() {
		_, err := f.s.Write(f.ctx, audited("CreateBeneficiary"), func(ctx context.Context, tx ppks.Tx) error {
			return tx.InsertBeneficiary(ctx, second)
		})
		secondDone <- err
	}()
	mid, secondRead := start, false
	select {
	case err := <-secondDone: // concurrent writers: the second committed first
		if err != nil {
			t.Fatal(err)
		}
		secondDone = nil
		var recs []ppks.FeedRecord
		recs, mid = f.readFeed(t, nil, start, 1)
		for _, r := range recs {
			switch feedKey(r) {
			case "b:" + first.ID:
				t.Errorf("the feed shows a write that has not committed")
			case "b:" + second.ID:
				secondRead = true
			}
		}
	case <-time.After(time.Second): // one writer: the second waits for the first
	}
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	if secondDone != nil {
		if err := <-secondDone; err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"b:" + first.ID}
	if !secondRead {
		want = append(want, "b:"+second.ID)
	}
	f.waitFeed(t, nil, mid, has(want...))
}

// kecOf is the kecamatan of a feed record's person.
func kecOf(r ppks.FeedRecord) string {
	switch {
	case r.Beneficiary != nil:
		return r.Beneficiary.KecamatanCode
	case r.Case != nil:
		return r.Case.PersonKecamatan
	case r.Intervention != nil:
		return r.Intervention.PersonKecamatan
	}
	return ""
}

func testFeedSnapshot(t *testing.T, f *fixture) {
	var people, cases, ivs []string
	for i := range 5 {
		p := f.person(t, nil)
		people = append(people, "b:"+p.ID)
		for j := range i % 3 {
			c := f.openCase(t, p, nil)
			cases = append(cases, "c:"+c.ID)
			for k := range j + i%2 + 1 {
				iv := f.deliver(t, c, nil)
				switch k {
				case 1:
					iv = f.update(t, iv, func(iv *ppks.Intervention) { iv.State, iv.VoidReason = ppks.InterventionVoided, "dobel" })
				case 2:
					iv = f.update(t, iv, func(iv *ppks.Intervention) { iv.Verification, iv.RejectReason = ppks.VerificationRejected, "tidak sah" })
				}
				ivs = append(ivs, "i:"+iv.ID)
			}
		}
	}
	// Not in the snapshot: another kecamatan's person, a merged record (its case moves to
	// the survivor, who is in it).
	other := f.person(t, func(p *ppks.Beneficiary) { p.KecamatanCode = kecB })
	f.deliver(t, f.openCase(t, other, nil), nil)
	sv := f.person(t, func(p *ppks.Beneficiary) { p.NIK = "" })
	dup := f.person(t, nil)
	moved := f.openCase(t, dup, nil)
	f.merge(t, sv, dup)
	people = append(people, "b:"+sv.ID)
	cases = append(cases, "c:"+moved.ID)

	for _, size := range []int{1, 3, 1000} {
		var got []ppks.FeedRecord
		key := ""
		for range 1000 {
			page, err := f.s.ReadSnapshot(f.ctx, kecA, key, size)
			if err != nil {
				t.Fatalf("ReadSnapshot(%q, %d): %v", key, size, err)
			}
			if len(page.Records) > size {
				t.Fatalf("ReadSnapshot(%d) returned %d records", size, len(page.Records))
			}
			got = append(got, page.Records...)
			if key = page.Next; key == "" {
				break
			}
		}
		keys := feedKeys(got)
		// People first, then cases, then interventions; each set complete, each record once.
		n1, n2 := len(people), len(people)+len(cases)
		if len(keys) != n2+len(ivs) {
			t.Errorf("snapshot in pages of %d: %d records, want %d: %v", size, len(keys), n2+len(ivs), keys)
			continue
		}
		for part, want := range map[string][]string{"people": people, "cases": cases, "interventions": ivs} {
			from, to := map[string][2]int{"people": {0, n1}, "cases": {n1, n2}, "interventions": {n2, len(keys)}}[part][0],
				map[string][2]int{"people": {0, n1}, "cases": {n1, n2}, "interventions": {n2, len(keys)}}[part][1]
			if g := slices.Sorted(slices.Values(keys[from:to])); !cmp.Equal(g, slices.Sorted(slices.Values(want))) {
				t.Errorf("snapshot in pages of %d, %s: %v, want %v", size, part, g, want)
			}
		}
		for _, r := range got {
			if k := kecOf(r); k != kecA {
				t.Errorf("the snapshot of A holds %s of %s", feedKey(r), k)
			}
		}
	}
}

// replica is a client's copy of an area kept from the feed as the service keeps it: a
// record in view is stored as read, one that left the view (moved out of the area,
// merged, voided, rejected) is dropped: its tombstone.
type replica struct {
	area ppks.Area
	recs map[string]ppks.FeedRecord
}

func newReplica(area ppks.Area) *replica {
	return &replica{area: area, recs: map[string]ppks.FeedRecord{}}
}

// inView is what the service shows of a record: a live person of the area, a case or an
// intervention of such a person, an intervention that counts.
func (r *replica) inView(rec ppks.FeedRecord) bool {
	switch {
	case rec.Beneficiary != nil:
		return rec.Beneficiary.MergedInto == "" && r.area.Contains(rec.Beneficiary.KecamatanCode)
	case rec.Case != nil:
		return r.area.Contains(rec.Case.PersonKecamatan)
	case rec.Intervention != nil:
		return r.area.Contains(rec.Intervention.PersonKecamatan) && rec.Intervention.Counts()
	}
	return false
}

func (r *replica) apply(recs []ppks.FeedRecord) {
	for _, rec := range recs {
		if r.inView(rec) {
			rec.Survivor = nil
			r.recs[feedKey(rec)] = rec
		} else {
			delete(r.recs, feedKey(rec))
		}
	}
}

// download reads the area's snapshot into the replica and returns the position to read
// the log from.
func (f *fixture) download(t *testing.T, r *replica, size int) string {
	t.Helper()
	pos := f.head(t)
	for _, kec := range r.area {
		key := ""
		for {
			page, err := f.s.ReadSnapshot(f.ctx, kec, key, size)
			if err != nil {
				t.Fatalf("ReadSnapshot: %v", err)
			}
			r.apply(page.Records)
			if key = page.Next; key == "" {
				break
			}
		}
	}
	return pos
}

// truth is the area as the store's lists show it now.
func (f *fixture) truth(t *testing.T, area ppks.Area) map[string]ppks.FeedRecord {
	t.Helper()
	out := map[string]ppks.FeedRecord{}
	people, err := listAll(func(p ppks.PageRequest) ([]*ppks.Beneficiary, error) {
		return f.s.ListBeneficiaries(f.ctx, ppks.BeneficiaryFilter{Area: area}, p)
	}, func(b *ppks.Beneficiary) string { return b.ID })
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range people {
		out["b:"+b.ID] = ppks.FeedRecord{Beneficiary: b}
	}
	cases, err := listAll(func(p ppks.PageRequest) ([]*ppks.Case, error) {
		return f.s.ListCases(f.ctx, ppks.CaseFilter{Area: area}, p)
	}, func(c *ppks.Case) string { return c.ID })
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		out["c:"+c.ID] = ppks.FeedRecord{Case: c}
	}
	ivs, err := listAll(func(p ppks.PageRequest) ([]*ppks.Intervention, error) {
		return f.s.ListInterventions(f.ctx, ppks.InterventionFilter{Area: area, State: ppks.InterventionActive}, p)
	}, func(iv *ppks.Intervention) string { return iv.ID })
	if err != nil {
		t.Fatal(err)
	}
	for _, iv := range ivs {
		if iv.Counts() {
			out["i:"+iv.ID] = ppks.FeedRecord{Intervention: iv}
		}
	}
	return out
}

func listAll[T any](list func(ppks.PageRequest) ([]T, error), key func(T) string) ([]T, error) {
	var out []T
	p := ppks.PageRequest{Limit: ppks.MaxPageSize}
	for {
		page, err := list(p)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < p.Limit {
			return out, nil
		}
		p.After = key(page[len(page)-1])
	}
}

// testFeedUnderConcurrentWrites runs writers that create, correct, transfer, merge, void
// and reject while a reader downloads an area and then pulls the log in small pages in a
// loop. Some writes hold their transaction open a moment after their first write, so a
// backend with concurrent transactions commits them out of the order of their entries.
// When the writers are done and the reader has caught up, its replica is the area as the
// store lists it, exactly: every record in view as it is now, none that left it.
func testFeedUnderConcurrentWrites(t *testing.T, f *fixture) {
	const writers, opsEach = 4, 60
	area := ppks.Area{kecA, kecB}
	kecs := []string{kecA, kecB, kecC}

	var mu sync.Mutex // guards the ids the writers pick from
	var people, cases []string
	var ivs [][3]string // person, case, id
	for range 6 {
		p := f.person(t, func(b *ppks.Beneficiary) { b.KecamatanCode = kecs[len(people)%3] })
		c := f.openCase(t, p, nil)
		iv := f.deliver(t, c, nil)
		people, cases = append(people, p.ID), append(cases, p.ID+"/"+c.ID)
		ivs = append(ivs, [3]string{p.ID, c.ID, iv.ID})
	}
	pick := func(r *rand.Rand, list []string) string {
		mu.Lock()
		defer mu.Unlock()
		return list[r.IntN(len(list))]
	}
	pickIV := func(r *rand.Rand) [3]string {
		mu.Lock()
		defer mu.Unlock()
		return ivs[r.IntN(len(ivs))]
	}
	// hold keeps some transactions open after their first write.
	hold := func(r *rand.Rand) {
		if r.IntN(3) == 0 {
			time.Sleep(time.Duration(r.IntN(4000)) * time.Microsecond)
		}
	}

	ctx, stop := context.WithCancel(f.ctx)
	defer stop()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 14))
			wr := Writer{S: f.s, Ctx: ctx}
			for range opsEach {
				var err error
				switch op := r.IntN(10); op {
				case 0, 1: // a new person, a case and an intervention, in one write
					b := newPerson()
					b.KecamatanCode, b.NIK = kecs[r.IntN(3)], ""
					c, iv := newCase(), newIntervention()
					_, err = wr.write(audited("CreateBeneficiary"), b.Name(), func(ctx context.Context, tx ppks.Tx) error {
						if err := tx.InsertBeneficiary(ctx, b); err != nil {
							return err
						}
						hold(r)
						c.BeneficiaryID = b.ID
						if err := tx.InsertCase(ctx, c); err != nil {
							return err
						}
						iv.BeneficiaryID, iv.CaseID = b.ID, c.ID
						return tx.InsertIntervention(ctx, iv)
					})
					// Half of them are left alone from then on: a later change cannot make
					// up for an entry of theirs the reader skipped.
					if err == nil && op == 0 {
						mu.Lock()
						people, cases = append(people, b.ID), append(cases, b.ID+"/"+c.ID)
						ivs = append(ivs, [3]string{b.ID, c.ID, iv.ID})
						mu.Unlock()
					}
				case 2: // an intervention in an existing case
					bc := pick(r, cases)
					iv := newIntervention()
					_, err = wr.CreateIntervention(audited("CreateIntervention"), bc[:36], bc[37:],
						func(b *ppks.Beneficiary, c *ppks.Case) (*ppks.Intervention, error) {
							hold(r)
							return iv, nil
						})
					if err == nil {
						mu.Lock()
						ivs = append(ivs, [3]string{iv.BeneficiaryID, iv.CaseID, iv.ID})
						mu.Unlock()
					}
				case 3: // a correction of a person
					_, err = wr.UpdateBeneficiary(audited("UpdateBeneficiary"), pick(r, people), func(b *ppks.Beneficiary) error {
						b.Address = fmt.Sprintf("Jl. %d", r.IntN(1000))
						hold(r)
						return nil
					})
				case 4: // a transfer to another kecamatan, or back
					_, err = wr.UpdateBeneficiary(audited("ApproveTransfer"), pick(r, people), func(b *ppks.Beneficiary) error {
						b.KecamatanCode = kecs[r.IntN(3)]
						hold(r)
						return nil
					})
				case 5, 6: // a void, a rejection, or a correction sending it back to verification
					x := pickIV(r)
					_, err = wr.UpdateIntervention(audited("UpdateIntervention"), x[0], x[1], x[2], func(iv *ppks.Intervention) error {
						switch r.IntN(3) {
						case 0:
							iv.State, iv.VoidReason = ppks.InterventionVoided, "dobel"
						case 1:
							iv.Verification, iv.RejectReason = ppks.VerificationRejected, "tidak sah"
						default:
							iv.Verification, iv.RejectReason, iv.Quantity = ppks.VerificationPending, "", iv.Quantity+1
						}
						hold(r)
						return nil
					})
				case 7: // a case's new category
					bc := pick(r, cases)
					_, err = wr.UpdateCase(audited("UpdateCase"), bc[:36], bc[37:], func(c *ppks.Case) error {
						c.PpksType = []string{anak, lansia}[r.IntN(2)]
						return nil
					})
				case 8: // a merge of two people
					sv, dup := pick(r, people), pick(r, people)
					_, err = wr.MergeBeneficiaries(audited("MergeBeneficiaries"), sv, dup, mergeAll(baseTime, nil))
				default: // a write that fails after writing: nothing of it may show
					_, err = wr.write(audited("CreateBeneficiary"), "", func(ctx context.Context, tx ppks.Tx) error {
						if err := tx.InsertBeneficiary(ctx, newPerson()); err != nil {
							return err
						}
						hold(r)
						return errRolledBack
					})
				}
				switch k := ppks.KindOf(err); {
				case err == nil, errors.Is(err, errRolledBack), k == ppks.KindFailedPrecondition, k == ppks.KindAborted, k == ppks.KindNotFound:
					// merged already, one record merged into itself, a race lost: retried by
					// a real client, nothing written here
				default:
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		}()
	}

	// The reader: a download while the writers write, then pulls in small pages in a
	// loop until the writers are done and it has caught up.
	rep := newReplica(area)
	pos := f.download(t, rep, 5)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	pulls := 0
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		var recs []ppks.FeedRecord
		recs, pos = f.readFeed(t, area, pos, 2)
		rep.apply(recs)
		pulls++
	}
	if t.Failed() {
		return
	}
	// After the last commit: pulls until the replica is the area. A backend may hold an
	// entry back until every older transaction (of anyone, on a shared server) has
	// ended, never for ever: a skipped commit never comes, and the deadline fails it.
	want := f.truth(t, area)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var recs []ppks.FeedRecord
		recs, pos = f.readFeed(t, area, pos, 7)
		rep.apply(recs)
		pulls++
		diff := cmp.Diff(want, rep.recs)
		if diff == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d pulls the replica differs from the area (-store +replica):\n%s", pulls, diff)
		}
	}
	if len(want) < 20 {
		t.Errorf("the area holds %d records: the writers wrote too little to test anything", len(want))
	}
}

var errRolledBack = errors.New("storetest: rolled back on purpose")

// The recorder's FeedReader methods (recorder.go holds the others): delegated and
// recorded, for the suite's coverage check.

func (r *recorder) FeedHead(ctx context.Context) (string, error) {
	r.calls.called("Store.FeedHead")
	return r.s.FeedHead(ctx)
}

func (r *recorder) FeedKey(ctx context.Context) ([]byte, error) {
	r.calls.called("Store.FeedKey")
	return r.s.FeedKey(ctx)
}

func (r *recorder) ReadFeed(ctx context.Context, area ppks.Area, after string, limit int) (*ppks.FeedPage, error) {
	r.calls.called("Store.ReadFeed")
	return r.s.ReadFeed(ctx, area, after, limit)
}

func (r *recorder) ReadSnapshot(ctx context.Context, kecamatan, after string, limit int) (*ppks.FeedPage, error) {
	r.calls.called("Store.ReadSnapshot")
	return r.s.ReadSnapshot(ctx, kecamatan, after, limit)
}

// The cursors' key is the database's own: long enough, the same at every call (a cursor
// outlives the process that made it), and another database's is another.
func testFeedKey(t *testing.T, f *fixture) {
	key, err := f.s.FeedKey(f.ctx)
	if err != nil {
		t.Fatalf("FeedKey: %v", err)
	}
	if len(key) < 32 || bytes.Count(key, key[:1]) == len(key) {
		t.Fatalf("FeedKey = %x: want at least 32 random bytes", key)
	}
	again, err := f.s.FeedKey(f.ctx)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("FeedKey again = %x, %v; want %x", again, err, key)
	}
	other, err := f.open(t).FeedKey(f.ctx)
	if err != nil {
		t.Fatalf("FeedKey of another database: %v", err)
	}
	if bytes.Equal(other, key) {
		t.Fatalf("two databases have the same cursor key %x", key)
	}
}
