package ppks

import (
	"context"
	"errors"
	"slices"
)

// Page sizes of the feed: records (and tombstones) per answer.
const (
	DefaultSyncPageSize = 500
	MaxSyncPageSize     = MaxPageSize
)

// TombstoneReason says why a record left the caller's view.
type TombstoneReason int

// Tombstone reasons.
const (
	TombstoneVoided   TombstoneReason = iota + 1 // an intervention voided (kept on the server, never counted)
	TombstoneRejected                            // an intervention rejected by a supervisor (correctable online)
	TombstoneMerged                              // a person merged into another record
	TombstoneMoved                               // its person lives outside the caller's area now
)

// Tombstone tells a client to drop a record from its replica.
type Tombstone struct {
	Kind RecordKind
	ID   string
	// Name is the record's name: in full when the caller may still read it (a voided or
	// rejected intervention), with "-" for the parents they may no longer see otherwise
	// ("beneficiaries/-/cases/{id}").
	Name   string
	Reason TombstoneReason
	Detail string // the reason given for a void or a rejection
	// MergedInto names the surviving record of a merge, when the caller may read it.
	MergedInto string
}

// SyncPage is one answer of the feed. A client applies it in this order, in one local
// transaction with the new cursor: drop every record of the people of RemovedKecamatan,
// drop the tombstones' records, then store the records (insert or replace by id).
type SyncPage struct {
	// RemovedKecamatan left the caller's area since the cursor (their scope changed), or
	// the whole replica is to be dropped for a fresh download (a cursor the log no longer
	// knows): every record of the people who live there is to be dropped.
	RemovedKecamatan []string
	Tombstones       []Tombstone
	Beneficiaries    []*Beneficiary
	Cases            []*Case
	Interventions    []*Intervention
	Cursor           string // to send next time
	More             bool   // more is ready now: ask again at once with Cursor
}

// size counts the records and tombstones of a page.
func (p *SyncPage) size() int {
	return len(p.Tombstones) + len(p.Beneficiaries) + len(p.Cases) + len(p.Interventions)
}

// errInvalidCursor refuses a cursor that is not one the feed gave this user.
func errInvalidCursor() error {
	return invalid("cursor", "INVALID_CURSOR", "not a sync cursor of this user: send none for a new download",
		"Kursor sinkronisasi tidak valid untuk pengguna ini; unduh ulang data wilayah tanpa kursor.")
}

// SyncChanges is the feed of the caller's area. Without a cursor it starts a first
// download: every person of the area with their cases and interventions, in pages, and
// then what changed meanwhile. With the cursor of the previous answer it returns what
// was written since: the records created or changed in the area (their state now), and
// tombstones for those that left it (voided, rejected, merged, moved out). A cursor made
// for another area (the user's kecamatan changed) drops the kecamatan no longer theirs
// and downloads the new ones. What a GET would refuse never appears: records are those
// of the caller's area now, NIKs masked as for any read, and the records returned are in
// the audit log.
func (s *Service) SyncChanges(ctx context.Context, cursor string, size int32) (*SyncPage, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, err
	}
	var vs violations
	switch {
	case size < 0:
		vs.add("page_size", "OUT_OF_RANGE", "must not be negative", "Tidak boleh negatif.")
	case size > MaxSyncPageSize:
		vs.add("page_size", "OUT_OF_RANGE", "at most 1000", "Paling banyak 1000.")
	}
	n := int(size)
	if n == 0 {
		n = DefaultSyncPageSize
	}
	key, err := s.cursorKeys.get(ctx, s.Store)
	if err != nil {
		return nil, err
	}
	var cur *syncCursor
	if cursor != "" {
		var ok bool
		if cur, ok = decodeCursor(key, cursor, p.Username); !ok {
			_ = vs.merge(errInvalidCursor())
		}
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	area := p.Area()
	page := &SyncPage{}
	if cur == nil {
		if cur, err = s.newCursor(ctx, p, area); err != nil {
			return nil, err
		}
	} else if !cur.sameArea(area) {
		s.rescope(cur, area, page)
	}
	if len(cur.Snapshot) > 0 {
		err = s.snapshotPage(ctx, p, cur, n, page)
	} else {
		err = s.changesPage(ctx, p, area, cur, n, page)
		if e := (*Error)(nil); errors.As(err, &e) && e.Reason == "FEED_POSITION_UNKNOWN" {
			// The log does not know the cursor (a database restored from an older
			// backup): the replica is dropped and downloaded again.
			// What rescope found gone from the area is dropped as well.
			page = &SyncPage{RemovedKecamatan: append(page.RemovedKecamatan, s.areaOf(area.Whole(), area)...)}
			if cur, err = s.newCursor(ctx, p, area); err == nil {
				err = s.snapshotPage(ctx, p, cur, n, page)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	var records []string
	records = append(records, names(page.Beneficiaries)...)
	records = append(records, names(page.Cases)...)
	records = append(records, names(page.Interventions)...)
	if len(records) > 0 {
		if err := s.auditRead(ctx, "SyncChanges", "beneficiaries", records); err != nil {
			return nil, err
		}
	}
	for i, b := range page.Beneficiaries {
		page.Beneficiaries[i] = present(p, b)
	}
	page.Cursor = cur.encode(key)
	return page, nil
}

// newCursor starts a download of the area: its kecamatan to read as they are now, then
// the change log from its head at this moment.
func (s *Service) newCursor(ctx context.Context, p *Principal, area Area) (*syncCursor, error) {
	head, err := s.Store.FeedHead(ctx)
	if err != nil {
		return nil, err
	}
	c := &syncCursor{V: 1, User: p.Username, Pos: head, Snapshot: s.areaOf(area.Whole(), area)}
	c.setArea(area)
	return c, nil
}

// rescope moves a cursor made for another area to the caller's area now: the kecamatan
// that left it are dropped by the client (page.RemovedKecamatan) and those that joined it
// are downloaded, while the log is read on from where the cursor stood, now for the new
// area (a record that moved from a dropped kecamatan into the area comes back with it).
func (s *Service) rescope(c *syncCursor, area Area, page *SyncPage) {
	before := s.areaOf(c.Whole, c.Area)
	now := s.areaOf(area.Whole(), area)
	var added []string
	for _, k := range before {
		if !slices.Contains(now, k) {
			page.RemovedKecamatan = append(page.RemovedKecamatan, k)
		}
	}
	for _, k := range now {
		if !slices.Contains(before, k) {
			added = append(added, k)
		}
	}
	var snapshot []string
	key := ""
	for i, k := range c.Snapshot {
		if slices.Contains(now, k) {
			if i == 0 {
				key = c.Key
			}
			snapshot = append(snapshot, k)
		}
	}
	c.Snapshot, c.Key = append(snapshot, added...), key
	c.setArea(area)
}

// snapshotPage fills a page from the download under way: the records of the cursor's
// kecamatan as they are now. It ends the page at the end of the download, so that no
// record is in a page twice: the change log is read from the next page on.
func (s *Service) snapshotPage(ctx context.Context, p *Principal, c *syncCursor, n int, page *SyncPage) error {
	for len(c.Snapshot) > 0 && page.size() < n {
		fp, err := s.Store.ReadSnapshot(ctx, c.Snapshot[0], c.Key, n-page.size())
		if err != nil {
			return err
		}
		for _, r := range fp.Records {
			if err := s.addRecord(p, r, page, true); err != nil {
				return err
			}
		}
		if c.Key = fp.Next; fp.Next == "" || len(fp.Records) == 0 {
			c.Snapshot, c.Key = c.Snapshot[1:], ""
		}
	}
	page.More = true // at least the changes made during the download
	return nil
}

// changesPage fills a page from the change log after the cursor's position.
func (s *Service) changesPage(ctx context.Context, p *Principal, area Area, c *syncCursor, n int, page *SyncPage) error {
	if area.Empty() {
		return nil
	}
	fp, err := s.Store.ReadFeed(ctx, area, c.Pos, n)
	if err != nil {
		return err
	}
	for _, r := range fp.Records {
		if err := s.addRecord(p, r, page, false); err != nil {
			return err
		}
	}
	c.Pos, page.More = fp.Next, fp.More
	return nil
}

// addRecord puts a record of the store on the page as what the caller may see of it: the
// record, or the tombstone of a record that left their view. A download only adds what
// is in view (there is nothing to drop yet) and fails closed on a record outside the
// kecamatan it asked for.
func (s *Service) addRecord(p *Principal, r FeedRecord, page *SyncPage, download bool) error {
	var t Tombstone
	switch {
	case r.Beneficiary != nil:
		b := r.Beneficiary
		t = Tombstone{Kind: RecordBeneficiary, ID: b.ID, Name: b.Name()}
		switch {
		case b.MergedInto != "":
			t.Reason = TombstoneMerged
			if r.Survivor != nil && r.Survivor.MergedInto == "" && p.InScope(r.Survivor.KecamatanCode) {
				t.MergedInto = r.Survivor.Name()
			}
		case !p.InScope(b.KecamatanCode):
			t.Reason = TombstoneMoved
		default:
			page.Beneficiaries = append(page.Beneficiaries, b)
			return nil
		}
	case r.Case != nil:
		c := r.Case
		if p.InScope(c.PersonKecamatan) {
			page.Cases = append(page.Cases, c)
			return nil
		}
		t = Tombstone{Kind: RecordCase, ID: c.ID, Name: CaseName("-", c.ID), Reason: TombstoneMoved}
	case r.Intervention != nil:
		iv := r.Intervention
		t = Tombstone{Kind: RecordIntervention, ID: iv.ID, Name: iv.Name()}
		switch {
		case !p.InScope(iv.PersonKecamatan):
			t.Name, t.Reason = CaseName("-", "-")+"/interventions/"+iv.ID, TombstoneMoved
		case iv.State == InterventionVoided:
			t.Reason, t.Detail = TombstoneVoided, iv.VoidReason
		case iv.Verification == VerificationRejected:
			t.Reason, t.Detail = TombstoneRejected, iv.RejectReason
		default:
			page.Interventions = append(page.Interventions, iv)
			return nil
		}
	default:
		return Internal("feed", errString("store returned an empty feed record"))
	}
	if !download {
		page.Tombstones = append(page.Tombstones, t)
		return nil
	}
	if t.Reason == TombstoneMoved || t.Reason == TombstoneMerged {
		return errOutsideArea(t.Name)
	}
	return nil // a voided or rejected intervention: not sent in a download
}
