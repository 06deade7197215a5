package ppks

import "context"

// The change feed is the pull side of offline work: a field app downloads the people,
// cases and interventions of its user's area once, then asks for what changed since its
// last pull (Service.SyncChanges, service_feed.go). The store keeps what makes that
// possible: a change log written with every record write, and a snapshot read of a
// kecamatan for first downloads (FeedReader).

// RecordKind is the kind of a record of the feed.
type RecordKind int

// Record kinds.
const (
	RecordBeneficiary RecordKind = iota + 1
	RecordCase
	RecordIntervention
)

// FeedRecord is a record of the feed as the store holds it now: exactly one of
// Beneficiary, Case and Intervention is set.
type FeedRecord struct {
	// Beneficiary is the person's own row, not followed to a survivor: a merged record
	// has MergedInto set, and then Survivor is the live record at the end of its chain.
	Beneficiary *Beneficiary
	Survivor    *Beneficiary
	// Case and Intervention carry PersonKecamatan (and the intervention its case's
	// PpksType), as every read of them does. Voided and rejected interventions are
	// included: what the caller may see of them is the domain's to decide.
	Case         *Case
	Intervention *Intervention
}

// FeedPage is a page of the change log (ReadFeed) or of a snapshot (ReadSnapshot).
type FeedPage struct {
	Records []FeedRecord
	// Next is the position to read from next: for ReadFeed a position of the log, for
	// ReadSnapshot the key of the last record returned, "" when the kecamatan is done.
	Next string
	// More reports, for ReadFeed, that entries in the area are ready after Next.
	More bool
}

// FeedReader reads the change feed. It is part of the Store, outside any write.
//
// The contract every backend keeps (the conformance suite checks it under concurrent
// writers, storetest/feed.go):
//
//  1. The change log. Every write that inserts or updates a person, a case or an
//     intervention appends, in the same transaction (and so rolled back with it), one
//     entry per record it touched: the record's kind and id, and the kecamatan of the
//     record's person before the write ("" for a new record) and after it. A change of
//     a person's kecamatan (a transfer, a correction) appends an entry for each of the
//     person's cases and interventions too, which move with them; a merge's moved cases
//     and interventions get the entries of any update (before: the duplicate's
//     kecamatan, after: the survivor's). A new PPKS category of a case appends an entry
//     for each of its interventions, which carry it. Writes that change no record
//     (counts, audit, users) append nothing.
//  2. Positions. A position is an opaque string the store hands out (FeedHead,
//     FeedPage.Next); "" is the start of the log. A position stands for the set of
//     entries at or before it, and once handed out that set is final: no write that
//     commits later may add an entry to it. This is what makes a pull never skip a
//     commit. A store whose writes commit in the order of their sequence numbers (one
//     writer: SQLite) gets it by handing out committed sequence numbers. A store with
//     concurrent writers (PostgreSQL) must not hand out a position at or past an entry
//     of a transaction still in flight, since it may commit after a later one: store
//     pg_current_xact_id() (xid8) in each entry, order entries by (xid, sequence), and
//     read only entries whose xid is below pg_snapshot_xmin(pg_current_snapshot()) of
//     the reading transaction (every transaction below it has ended: committed or rolled
//     back); the position after the last entry read is its (xid, sequence), and after a
//     read that exhausted the final entries it is (xmin - 1, +inf).
//  3. ReadFeed(area, after, limit) reads, in position order, the final entries after
//     `after` whose kecamatan before or after is in area (every entry when area is
//     Whole, none when it is Empty), up to limit of them, and returns the current state
//     of every record they name, once per record, all read from one consistent snapshot
//     of the database. Next is the position after the last entry read; when fewer than
//     limit matched, it is the position after every final entry (so the entries skipped
//     outside area are not scanned again). More reports that matching final entries
//     remain after Next. A position the store did not hand out, malformed or beyond the
//     end of its log (a database restored from an older backup), is
//     ErrUnknownFeedPosition: the domain then restarts the client's download.
//  4. FeedHead returns a final position such that every write that commits after the
//     call has all its entries after it (a write committed before may be on either side:
//     a first download reads the records as they are after the call, then the log from
//     this position, so what is on both sides comes twice, never not at all). SQLite: the
//     last committed seq; PostgreSQL: (xmin - 1, +inf) of the calling snapshot, since
//     every transaction still running then, or started later, has an xid of xmin or more.
//  5. ReadSnapshot(kecamatan, after, limit) returns, from one snapshot, up to limit of
//     the records of the people who live in the kecamatan (not merged): the people, then
//     their cases, then their interventions (voided and rejected included), in an order
//     of the store's choosing that later calls keep. after is "" or the Next of the
//     previous page; Next is "" when nothing is left.
type FeedReader interface {
	FeedHead(ctx context.Context) (string, error)
	// FeedKey is the secret that authenticates the database's sync cursors: at least 32
	// random bytes, made when the database was made and the same for every process that
	// uses it, so that a cursor survives restarts and nobody can make one by hand.
	FeedKey(ctx context.Context) ([]byte, error)
	ReadFeed(ctx context.Context, area Area, after string, limit int) (*FeedPage, error)
	ReadSnapshot(ctx context.Context, kecamatan, after string, limit int) (*FeedPage, error)
}

// ErrUnknownFeedPosition is a store's answer to a feed position it never handed out.
func ErrUnknownFeedPosition() *Error {
	return &Error{Kind: KindFailedPrecondition, Reason: "FEED_POSITION_UNKNOWN",
		Message: "the change log has no such position", Localized: "Posisi sinkronisasi tidak dikenal."}
}
