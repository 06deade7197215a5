package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// The sync feed (ppks.FeedReader). The change log is feed_log, written by the triggers
// of migration 0010 in the transaction of every record write. A position is a seq in
// decimal: the writer is the only one, so every committed seq is final (no write that
// commits later takes a smaller one), and a read transaction sees exactly a prefix of
// the log.

// FeedHead returns the seq of the last entry committed.
func (q queries) FeedHead(ctx context.Context) (string, error) {
	var head int64
	err := q.read(ctx, "feed head", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM feed_log`).Scan(&head)
	})
	return strconv.FormatInt(head, 10), err
}

// FeedKey returns the key migration 0011 made for this database's sync cursors.
func (q queries) FeedKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := q.read(ctx, "feed key", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT key FROM feed_key WHERE id = 1`).Scan(&key)
	})
	return key, err
}

// feedEntry is one entry of the change log.
type feedEntry struct {
	seq  int64
	kind ppks.RecordKind
	id   string
}

// ReadFeed reads the entries after the position in the area and the records they name,
// as they are now, from one snapshot.
func (q queries) ReadFeed(ctx context.Context, area ppks.Area, after string, limit int) (*ppks.FeedPage, error) {
	var pos int64
	if after != "" {
		var err error
		if pos, err = strconv.ParseInt(after, 10, 64); err != nil || pos < 0 {
			return nil, ppks.ErrUnknownFeedPosition()
		}
	}
	if limit <= 0 {
		limit = ppks.DefaultSyncPageSize
	}
	var w where
	w.add("seq > ?", pos)
	if !area.Whole() {
		var in where
		in.area("kec_before", area)
		before := in.conds[0]
		in.area("kec_after", area)
		w.conds = append(w.conds, "("+before+" OR "+in.conds[1]+")")
		w.args = append(w.args, in.args...)
	}
	page := &ppks.FeedPage{}
	err := q.read(ctx, "read feed", func(tx *sql.Tx) error {
		var head int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM feed_log`).Scan(&head); err != nil {
			return err
		}
		if pos > head {
			return ppks.ErrUnknownFeedPosition()
		}
		entries, err := queryRows(ctx, tx, `SELECT seq, kind, record_id FROM feed_log`+w.String()+` ORDER BY seq LIMIT ?`,
			append(w.args, limit+1), func(s scanner) (e feedEntry, err error) { return e, s.Scan(&e.seq, &e.kind, &e.id) })
		if err != nil {
			return err
		}
		page.Next = strconv.FormatInt(head, 10)
		if len(entries) > limit {
			entries, page.More = entries[:limit], true
			page.Next = strconv.FormatInt(entries[limit-1].seq, 10)
		}
		page.Records, err = feedRecords(ctx, tx, entries)
		return err
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// feedRecords reads the records the entries name, once each, in the order of their last
// entry.
func feedRecords(ctx context.Context, tx *sql.Tx, entries []feedEntry) ([]ppks.FeedRecord, error) {
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
	people, err := queryRows(ctx, tx, `SELECT `+beneficiaryColumns+` FROM beneficiaries b WHERE b.id IN (`+marks(len(ids[ppks.RecordBeneficiary]))+`)`,
		anys(ids[ppks.RecordBeneficiary]), scanBeneficiary)
	if err != nil {
		return nil, err
	}
	cases, err := queryRows(ctx, tx, `SELECT `+caseColumns+caseFrom+` WHERE c.id IN (`+marks(len(ids[ppks.RecordCase]))+`)`,
		anys(ids[ppks.RecordCase]), scanCase)
	if err != nil {
		return nil, err
	}
	ivs, err := queryRows(ctx, tx, `SELECT `+interventionColumns+interventionFrom+` WHERE i.id IN (`+marks(len(ids[ppks.RecordIntervention]))+`)`,
		anys(ids[ppks.RecordIntervention]), scanIntervention)
	if err != nil {
		return nil, err
	}
	found := map[key]ppks.FeedRecord{}
	for _, b := range people {
		r := ppks.FeedRecord{Beneficiary: b}
		if b.MergedInto != "" {
			if r.Survivor, err = findLiveBeneficiary(ctx, tx, b.MergedInto); err != nil {
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
// "i|person|case|id". Each run walks the kecamatan's people in the order of their index
// from the key's person on (b.id >= ?), so that a page costs what it returns, not what
// came before it: ordered by b.id, SQLite sorts only each person's few records.
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
	err := q.read(ctx, "read snapshot", func(tx *sql.Tx) error {
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
					WHERE b.kecamatan_code = ? AND b.merged_into IS NULL AND b.id > ? ORDER BY b.id LIMIT ?`,
					[]any{kecamatan, rest[0], n}, scanBeneficiary)
				for _, b := range list {
					page.Records = append(page.Records, ppks.FeedRecord{Beneficiary: b})
					last = "p|" + b.ID
				}
				got = len(list)
			case "c":
				var list []*ppks.Case
				list, err = queryRows(ctx, tx, `SELECT `+caseColumns+caseFrom+`
					WHERE b.kecamatan_code = ? AND b.merged_into IS NULL AND b.id >= ?
					AND (b.id, c.id) > (?, ?) ORDER BY b.id, c.id LIMIT ?`,
					[]any{kecamatan, rest[0], rest[0], rest[1], n}, scanCase)
				for _, c := range list {
					page.Records = append(page.Records, ppks.FeedRecord{Case: c})
					last = "c|" + c.BeneficiaryID + "|" + c.ID
				}
				got = len(list)
			case "i":
				var list []*ppks.Intervention
				list, err = queryRows(ctx, tx, `SELECT `+interventionColumns+interventionFrom+`
					WHERE b.kecamatan_code = ? AND b.merged_into IS NULL AND b.id >= ?
					AND (b.id, i.case_id, i.id) > (?, ?, ?) ORDER BY b.id, i.case_id, i.id LIMIT ?`,
					[]any{kecamatan, rest[0], rest[0], rest[1], rest[2], n}, scanIntervention)
				for _, iv := range list {
					page.Records = append(page.Records, ppks.FeedRecord{Intervention: iv})
					last = "i|" + iv.BeneficiaryID + "|" + iv.CaseID + "|" + iv.ID
				}
				got = len(list)
			}
			if err != nil {
				return err
			}
			if got == n { // the page is full: the next one goes on from here
				page.Next = last
				return nil
			}
			// This run is done: the next one starts from its beginning.
			run, rest = map[string]string{"p": "c", "c": "i"}[run], []string{"", "", ""}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// marks returns n comma-separated placeholders; "NULL" for none (IN (NULL) matches
// nothing).
func marks(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}
