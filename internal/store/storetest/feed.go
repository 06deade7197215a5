package storetest

import (
	"context"
	"errors"
	"fmt"
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
	{"FeedUnderConcurrentWrites", testFeedUnderConcurrentWrites},
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
		out = append(out, page.Records...)
		pos = page.Next
		if !page.More {
			return out, pos
		}
	}
	t.Fatal("ReadFeed never says it is done")
	return nil, ""
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
	start := f.head(t)
	a := f.person(t, nil) // kecA
	b := f.person(t, func(p *ppks.Beneficiary) { p.KecamatanCode = kecB })
	ca := f.openCase(t, a, nil)
	ia := f.deliver(t, ca, nil)
	areaA := ppks.Area{kecA}
	// The records of the area, in the order written; the other kecamatan's person never.
	recs, posA := f.readFeed(t, areaA, start, 100)
	if got, want := feedKeys(recs), []string{"b:" + a.ID, "c:" + ca.ID, "i:" + ia.ID}; !cmp.Equal(got, want) {
		t.Fatalf("feed of kecamatan A = %v, want %v", got, want)
	}
	if !cmp.Equal(recs[0].Beneficiary, a) || !cmp.Equal(recs[1].Case, ca) || !cmp.Equal(recs[2].Intervention, ia) {
		t.Errorf("the feed's records differ from the store's:\n%s", cmp.Diff([]any{a, ca, ia},
			[]any{recs[0].Beneficiary, recs[1].Case, recs[2].Intervention}))
	}
	if recs, _ := f.readFeed(t, ppks.Area{kecB}, start, 100); !cmp.Equal(feedKeys(recs), []string{"b:" + b.ID}) {
		t.Errorf("feed of kecamatan B = %v", feedKeys(recs))
	}
	if recs, _ := f.readFeed(t, ppks.Area{}, start, 100); len(recs) != 0 {
		t.Errorf("feed of an empty area = %v", feedKeys(recs))
	}
	// Pages of two for the whole kabupaten: every record once, in order, with More until
	// the last page.
	page, err := f.s.ReadFeed(f.ctx, nil, start, 2)
	if err != nil || len(page.Records) != 2 || !page.More {
		t.Fatalf("first page of two: %v, %v", page, err)
	}
	rest, posAll := f.readFeed(t, nil, page.Next, 2)
	if got, want := feedKeys(append(page.Records, rest...)), []string{"b:" + a.ID, "b:" + b.ID, "c:" + ca.ID, "i:" + ia.ID}; !cmp.Equal(got, want) {
		t.Errorf("whole feed in pages of two = %v, want %v", got, want)
	}
	// Caught up: nothing after the last position, and FeedHead is not before it.
	if recs, _ := f.readFeed(t, nil, posAll, 10); len(recs) != 0 {
		t.Errorf("after catching up: %v", feedKeys(recs))
	}
	if recs, _ := f.readFeed(t, nil, f.head(t), 10); len(recs) != 0 {
		t.Errorf("after FeedHead: %v", feedKeys(recs))
	}

	// Two changes of one record since the position: the record once, as it is now.
	for _, addr := range []string{"Jl. Satu", "Jl. Dua"} {
		if _, err := f.w().UpdateBeneficiary(audited("UpdateBeneficiary"), a.ID, func(p *ppks.Beneficiary) error {
			p.Address = addr
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	recs, posA = f.readFeed(t, areaA, posA, 100)
	if len(recs) != 1 || recs[0].Beneficiary == nil || recs[0].Beneficiary.Address != "Jl. Dua" || recs[0].Beneficiary.Revision != 3 {
		t.Fatalf("after two corrections: %v", recs)
	}

	// A failed write appends nothing.
	failed := errors.New("refused")
	if _, err := f.s.Write(f.ctx, audited("CreateBeneficiary"), func(ctx context.Context, tx ppks.Tx) error {
		if err := tx.InsertBeneficiary(ctx, newPerson()); err != nil {
			return err
		}
		return failed
	}); !errors.Is(err, failed) {
		t.Fatalf("failed write: %v", err)
	}
	if recs, _ := f.readFeed(t, nil, f.head(t), 10); len(recs) != 0 {
		t.Errorf("a rolled back write is in the feed: %v", feedKeys(recs))
	}
	if recs, _ := f.readFeed(t, areaA, posA, 10); len(recs) != 0 {
		t.Errorf("a rolled back write is in the feed: %v", feedKeys(recs))
	}

	// A transfer moves the person with their case and intervention: both kecamatan's
	// feeds name all three, with the new kecamatan.
	posB := f.head(t)
	if _, err := f.w().UpdateBeneficiary(audited("ApproveTransfer"), a.ID, func(p *ppks.Beneficiary) error {
		p.KecamatanCode = kecB
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, area := range []ppks.Area{areaA, {kecB}} {
		recs, _ := f.readFeed(t, area, posB, 100)
		if got := slices.Sorted(slices.Values(feedKeys(recs))); !cmp.Equal(got, sorted("b:"+a.ID, "c:"+ca.ID, "i:"+ia.ID)) {
			t.Errorf("feed of %v after the transfer = %v", area, got)
			continue
		}
		for _, r := range recs {
			if k := kecOf(r); k != kecB {
				t.Errorf("after the transfer %s is in %s", feedKey(r), k)
			}
		}
	}
	posA = f.head(t)

	// A case's new PPKS category: its interventions carry it, and come with it.
	if _, err := f.w().UpdateCase(audited("UpdateCase"), a.ID, ca.ID, func(c *ppks.Case) error {
		c.PpksType = lansia
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	recs, posA = f.readFeed(t, ppks.Area{kecB}, posA, 100)
	if got := feedKeys(recs); !cmp.Equal(slices.Sorted(slices.Values(got)), sorted("c:"+ca.ID, "i:"+ia.ID)) {
		t.Fatalf("after a new category: %v", got)
	}
	for _, r := range recs {
		if r.Intervention != nil && r.Intervention.PpksType != lansia {
			t.Errorf("the intervention carries %q", r.Intervention.PpksType)
		}
	}

	// A merge: the duplicate (kecamatan A) comes as merged, naming its live survivor; its
	// case and intervention come with the survivor's kecamatan, in both feeds.
	sv := f.person(t, func(p *ppks.Beneficiary) { p.KecamatanCode, p.NIK = kecC, "" })
	dup := f.person(t, nil)
	cd := f.openCase(t, dup, nil)
	id1 := f.deliver(t, cd, nil)
	before := f.head(t)
	f.merge(t, sv, dup)
	recs, _ = f.readFeed(t, areaA, before, 100)
	if got := slices.Sorted(slices.Values(feedKeys(recs))); !cmp.Equal(got, sorted("b:"+dup.ID, "c:"+cd.ID, "i:"+id1.ID)) {
		t.Fatalf("feed of A after the merge = %v", got)
	}
	for _, r := range recs {
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
	recs, _ = f.readFeed(t, ppks.Area{kecC}, before, 100)
	if got := slices.Sorted(slices.Values(feedKeys(recs))); !cmp.Equal(got, sorted("b:"+sv.ID, "c:"+cd.ID, "i:"+id1.ID)) {
		t.Errorf("feed of C after the merge = %v", got)
	}

	// A voided intervention comes as it is: voided.
	before = f.head(t)
	f.update(t, id1, func(iv *ppks.Intervention) { iv.State, iv.VoidReason = ppks.InterventionVoided, "dobel" })
	recs, _ = f.readFeed(t, ppks.Area{kecC}, before, 100)
	if len(recs) != 1 || recs[0].Intervention == nil || recs[0].Intervention.State != ppks.InterventionVoided {
		t.Errorf("after a void: %v", recs)
	}

	// A position the store never handed out.
	for _, pos := range []string{"not a position", "-1"} {
		_, err := f.s.ReadFeed(f.ctx, nil, pos, 10)
		wantErr(t, err, ppks.KindFailedPrecondition, "FEED_POSITION_UNKNOWN")
	}
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
			time.Sleep(time.Duration(r.IntN(1500)) * time.Microsecond)
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
					if err == nil {
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
		recs, pos = f.readFeed(t, area, pos, 7)
		rep.apply(recs)
		pulls++
	}
	recs, _ := f.readFeed(t, area, pos, 7) // after the last commit
	rep.apply(recs)
	if t.Failed() {
		return
	}
	want := f.truth(t, area)
	if diff := cmp.Diff(want, rep.recs); diff != "" {
		t.Errorf("after %d pulls the replica differs from the area (-store +replica):\n%s", pulls, diff)
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

func (r *recorder) ReadFeed(ctx context.Context, area ppks.Area, after string, limit int) (*ppks.FeedPage, error) {
	r.calls.called("Store.ReadFeed")
	return r.s.ReadFeed(ctx, area, after, limit)
}

func (r *recorder) ReadSnapshot(ctx context.Context, kecamatan, after string, limit int) (*ppks.FeedPage, error) {
	r.calls.called("Store.ReadSnapshot")
	return r.s.ReadSnapshot(ctx, kecamatan, after, limit)
}
