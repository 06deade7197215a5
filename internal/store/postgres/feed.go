package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// The sync feed (ppks.FeedReader). The change log is feed_log, appended by the triggers
// of migration 0003 in the transaction of every record write. Writers commit in any
// order, so a position is not a sequence number but (xid, seq), "xid:seq" in decimal:
// entries are read in that order, and only those of transactions that have ended, with
// an xid below the xmin of the reading snapshot (every transaction still running then,
// or started later, has an xid of xmin or more). The set of entries at or before a
// position handed out is therefore final: a later commit always comes after it. The
// position after every ended entry is (xmin, -1): entries with an xid below xmin.

// feedPosition is a position of the log.
type feedPosition struct {
	xid uint64
	seq int64
}

func (p feedPosition) String() string {
	return strconv.FormatUint(p.xid, 10) + ":" + strconv.FormatInt(p.seq, 10)
}

// parseFeedPosition reads a position; "" is the start of the log.
func parseFeedPosition(s string) (feedPosition, bool) {
	if s == "" {
		return feedPosition{seq: -1}, true
	}
	x, q, ok := strings.Cut(s, ":")
	if !ok {
		return feedPosition{}, false
	}
	xid, err1 := strconv.ParseUint(x, 10, 64)
	seq, err2 := strconv.ParseInt(q, 10, 64)
	return feedPosition{xid: xid, seq: seq}, err1 == nil && err2 == nil && seq >= -1
}

// snapshotBounds returns the xmin and xmax of the reading transaction's snapshot.
func snapshotBounds(ctx context.Context, q querier) (xmin, xmax uint64, err error) {
	var lo, hi string
	if err := q.QueryRow(ctx, `SELECT pg_snapshot_xmin(s)::text, pg_snapshot_xmax(s)::text FROM pg_current_snapshot() s`).Scan(&lo, &hi); err != nil {
		return 0, 0, err
	}
	if xmin, err = strconv.ParseUint(lo, 10, 64); err != nil {
		return 0, 0, err
	}
	xmax, err = strconv.ParseUint(hi, 10, 64)
	return xmin, xmax, err
}

// FeedHead returns the position after every entry of the transactions ended now.
func (q queries) FeedHead(ctx context.Context) (string, error) {
	var head feedPosition
	err := q.read(ctx, "feed head", true, func(tx querier) error {
		xmin, _, err := snapshotBounds(ctx, tx)
		head = feedPosition{xid: xmin, seq: -1}
		return err
	})
	return head.String(), err
}

// FeedKey returns the key migration 0004 made for this database's sync cursors.
func (q queries) FeedKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := q.read(ctx, "feed key", true, func(tx querier) error {
		return tx.QueryRow(ctx, `SELECT key FROM feed_key WHERE id = 1`).Scan(&key)
	})
	return key, err
}

// ReadFeed reads the ended entries after the position in the area and the records they
// name, as they are now, from one snapshot.
func (q queries) ReadFeed(ctx context.Context, area ppks.Area, after string, limit int) (*ppks.FeedPage, error) {
	pos, ok := parseFeedPosition(after)
	if !ok {
		return nil, ppks.ErrUnknownFeedPosition()
	}
	if limit <= 0 {
		limit = ppks.DefaultSyncPageSize
	}
	page := &ppks.FeedPage{}
	err := q.read(ctx, "read feed", false, func(tx querier) error {
		xmin, xmax, err := snapshotBounds(ctx, tx)
		if err != nil {
			return err
		}
		if pos.xid > xmax {
			return ppks.ErrUnknownFeedPosition() // a transaction that never was: another database's log
		}
		w := &where{}
		w.add("(xid, seq) > (?::xid8, ?)", strconv.FormatUint(pos.xid, 10), pos.seq)
		w.add("xid < ?::xid8", strconv.FormatUint(xmin, 10))
		if !area.Whole() {
			codes := []string(area)
			w.add("(kec_before = ANY(?) OR kec_after = ANY(?))", codes, codes)
		}
		// The xid as text, under another name: ORDER BY xid would sort by an output column
		// of that name, as text ("1000" before "828").
		entries, err := queryRows(ctx, tx, `SELECT xid::text AS xid_text, seq, kind, record_id FROM feed_log`+w.String()+
			` ORDER BY feed_log.xid, feed_log.seq LIMIT `+w.arg(limit+1), w.args, scanFeedEntry)
		if err != nil {
			return err
		}
		// Fewer than limit: every ended entry was read, and the next read starts after
		// them; unless none ended after the position yet (a transaction older than it
		// still running): then it stays.
		page.Next = feedPosition{xid: xmin, seq: -1}.String()
		if pos.xid >= xmin {
			page.Next = pos.String()
		}
		if len(entries) > limit {
			entries, page.More = entries[:limit], true
			page.Next = entries[limit-1].pos.String()
		}
		page.Records, err = feedRecords(ctx, tx, entries)
		return err
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// feedEntry is one entry of the change log.
type feedEntry struct {
	pos  feedPosition
	kind ppks.RecordKind
	id   string
}

func scanFeedEntry(s pgx.Row) (feedEntry, error) {
	var (
		e    feedEntry
		xid  string
		kind int
	)
	if err := s.Scan(&xid, &e.pos.seq, &kind, &e.id); err != nil {
		return e, err
	}
	e.kind = ppks.RecordKind(kind)
	var err error
	e.pos.xid, err = strconv.ParseUint(xid, 10, 64)
	return e, err
}

// feedRecords reads the records the entries name, once each, in the order of their last
// entry.
func feedRecords(ctx context.Context, q querier, entries []feedEntry) ([]ppks.FeedRecord, error) {
	type key struct {
		kind ppks.RecordKind
		id   string
	}
	last := map[key]int{}
	for i, e := range entries {
		last[key{e.kind, e.id}] = i
	}
	ids := map[ppks.RecordKind][]string{}
	var order []key
	for i, e := range entries {
		if k := (key{e.kind, e.id}); last[k] == i {
			order = append(order, k)
			ids[e.kind] = append(ids[e.kind], e.id)
		}
	}
	people, err := queryRows(ctx, q, `SELECT `+beneficiaryColumns+` FROM beneficiaries b WHERE b.id = ANY($1)`,
		[]any{ids[ppks.RecordBeneficiary]}, scanBeneficiary)
	if err != nil {
		return nil, err
	}
	cases, err := queryRows(ctx, q, `SELECT `+caseColumns+caseFrom+` WHERE c.id = ANY($1)`, []any{ids[ppks.RecordCase]}, scanCase)
	if err != nil {
		return nil, err
	}
	ivs, err := queryRows(ctx, q, `SELECT `+interventionColumns+interventionFrom+` WHERE i.id = ANY($1)`,
		[]any{ids[ppks.RecordIntervention]}, scanIntervention)
	if err != nil {
		return nil, err
	}
	found := map[key]ppks.FeedRecord{}
	for _, b := range people {
		r := ppks.FeedRecord{Beneficiary: b}
		if b.MergedInto != "" {
			if r.Survivor, err = findLiveBeneficiary(ctx, q, b.MergedInto); err != nil {
				return nil, err
			}
		}
		found[key{ppks.RecordBeneficiary, b.ID}] = r
	}
	for _, c := range cases {
		found[key{ppks.RecordCase, c.ID}] = ppks.FeedRecord{Case: c}
	}
	for _, iv := range ivs {
		found[key{ppks.RecordIntervention, iv.ID}] = ppks.FeedRecord{Intervention: iv}
	}
	out := make([]ppks.FeedRecord, 0, len(order))
	for _, k := range order {
		if r, ok := found[k]; ok { // records are never deleted: always found
			out = append(out, r)
		}
	}
	return out, nil
}

// ReadSnapshot reads the records of the people of a kecamatan, in three runs: the people
// by id, their cases by (person, id), their interventions by (person, case, id). The key
// is the run and the sort key of the last record returned: "p|id", "c|person|id",
// "i|person|case|id". Each run walks the kecamatan's people in index order from the
// key's person on, so that a page costs what it returns.
func (q queries) ReadSnapshot(ctx context.Context, kecamatan, after string, limit int) (*ppks.FeedPage, error) {
	if limit <= 0 {
		limit = ppks.DefaultSyncPageSize
	}
	run, rest := "p", []string{""}
	if after != "" {
		parts := strings.Split(after, "|")
		run, rest = parts[0], parts[1:]
		want := map[string]int{"p": 1, "c": 2, "i": 3}[run]
		if want == 0 || len(rest) != want {
			return nil, invalidPageToken()
		}
	}
	page := &ppks.FeedPage{}
	err := q.read(ctx, "read snapshot", false, func(tx querier) error {
		for run != "" && len(page.Records) < limit {
			n := limit - len(page.Records)
			var (
				got  int
				last string
				err  error
			)
			switch run {
			case "p":
				var list []*ppks.Beneficiary
				list, err = queryRows(ctx, tx, `SELECT `+beneficiaryColumns+` FROM beneficiaries b
					WHERE b.kecamatan_code = $1 AND b.merged_into IS NULL AND b.id > $2 ORDER BY b.id LIMIT $3`,
					[]any{kecamatan, rest[0], n}, scanBeneficiary)
				for _, b := range list {
					page.Records = append(page.Records, ppks.FeedRecord{Beneficiary: b})
					last = "p|" + b.ID
				}
				got = len(list)
			case "c":
				var list []*ppks.Case
				list, err = queryRows(ctx, tx, `SELECT `+caseColumns+caseFrom+`
					WHERE b.kecamatan_code = $1 AND b.merged_into IS NULL AND b.id >= $2
					AND (b.id, c.id) > ($2, $3) ORDER BY b.id, c.id LIMIT $4`,
					[]any{kecamatan, rest[0], rest[1], n}, scanCase)
				for _, c := range list {
					page.Records = append(page.Records, ppks.FeedRecord{Case: c})
					last = "c|" + c.BeneficiaryID + "|" + c.ID
				}
				got = len(list)
			case "i":
				var list []*ppks.Intervention
				list, err = queryRows(ctx, tx, `SELECT `+interventionColumns+interventionFrom+`
					WHERE b.kecamatan_code = $1 AND b.merged_into IS NULL AND b.id >= $2
					AND (b.id, i.case_id, i.id) > ($2, $3, $4) ORDER BY b.id, i.case_id, i.id LIMIT $5`,
					[]any{kecamatan, rest[0], rest[1], rest[2], n}, scanIntervention)
				for _, iv := range list {
					page.Records = append(page.Records, ppks.FeedRecord{Intervention: iv})
					last = "i|" + iv.BeneficiaryID + "|" + iv.CaseID + "|" + iv.ID
				}
				got = len(list)
			default:
				return fmt.Errorf("snapshot run %q", run)
			}
			if err != nil {
				return err
			}
			if got == n { // the page is full: the next one goes on from here
				page.Next = last
				return nil
			}
			run, rest = map[string]string{"p": "c", "c": "i"}[run], []string{"", "", ""}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}
