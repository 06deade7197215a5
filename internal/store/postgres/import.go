package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Moving a whole database here from another store (ppksctl migrate from SQLite): the
// raw rows of every table, as they are, in one transaction; then the maintained counts
// are rebuilt here from the rows (RebuildCounts) rather than copied, and compared.

// Source is a consistent snapshot of another database's tables (sqlite.Snapshot).
type Source interface {
	Tables() []string
	Count(ctx context.Context, table string) (int64, error)
	Rows(ctx context.Context, table string, cols []string) (SourceRows, error)
}

// SourceRows iterate a source table's rows; values are int64, float64, string, []byte
// or nil, in the order of the columns asked for.
type SourceRows interface {
	Next() bool
	Values() []any
	Err() error
	Close() error
}

// kind is how a source column becomes a column here.
type kind int

const (
	asIs   kind = iota // text, integers, blobs, NULL
	micros             // unix microseconds (or NULL) -> timestamptz
	flag               // 0/1 -> boolean
	list               // a JSON array of strings -> text[]
	jsonb              // JSON text -> jsonb
)

type column struct {
	name string
	kind kind
}

type importTable struct {
	name string
	cols []column
}

func cols(spec string) []column {
	var out []column
	for _, f := range strings.Fields(spec) {
		name, k, _ := strings.Cut(f, ":")
		c := column{name: name}
		switch k {
		case "us":
			c.kind = micros
		case "bool":
			c.kind = flag
		case "list":
			c.kind = list
		case "json":
			c.kind = jsonb
		}
		out = append(out, c)
	}
	return out
}

// importTables are the tables moved, in an order their foreign keys and the year-lock
// trigger accept (interventions before the locks of their years). A merged person's
// merged_into names a person that may come later: it is set after all of them.
var importTables = []importTable{
	{"users", cols("username display_name role kecamatan:list disabled:bool create_time:us update_time:us revision")},
	{"tokens", cols("id username hash description create_time:us expire_time:us revoke_time:us")},
	{"passwords", cols("username hash set_time:us set_by")},
	{"sessions", cols("id username hash create_time:us last_seen:us expire_time:us revoke_time:us address user_agent")},
	{"beneficiaries", cols("id nik full_name name_norm name_key sex birth_year birth_month birth_day kecamatan_code " +
		"desa address kk merged_into create_time:us update_time:us revision")},
	{"cases", cols("id beneficiary_id ppks_type opened_on state outcome closed_on close_note assigned_worker " +
		"create_time:us update_time:us revision")},
	{"interventions", cols("id beneficiary_id case_id intervention_type delivered_on delivered_year kecamatan_code " +
		"worker quantity unit notes state void_reason void_time:us verification verified_by verify_time:us " +
		"reject_reason create_time:us update_time:us revision")},
	{"transfers", cols("id nik to_kecamatan reason state beneficiary_id from_kecamatan requested_by decided_by " +
		"decision_note create_time:us decide_time:us")},
	{"targets", cols("indicator year value renstra_value historical_value update_time:us")},
	{"budget_lines", cols("year code display_name pagu realisasi performance_agreement:bool update_time:us")},
	{"program_indicators", cols("year id display_name program_code intervention_types:list population " +
		"target_percent position update_time:us")},
	{"strategic_plans", cols("indicator start_year end_year baseline_year baseline update_time:us")},
	{"requests", cols("username request_id method fingerprint resource create_time:us")},
	{"audit_log", cols("id time:us username role method action resource records:list request_id summary")},
	{"audit_records", cols("name audit_id")},
	{"record_history", cols("id audit_id record_id record time:us username method request_id fields:json")},
	{"count_rules", cols("id rules")},
	{"year_locks", cols("year lock_time:us username snapshot content_hash")},
	{"amendments", cols("id year reason opened_by create_time:us expire_time:us close_time:us closed_by")},
}

// RebuiltTables are the source's tables not moved: its own bookkeeping, and the
// maintained counts, which are rebuilt from the moved rows (the queue's by the triggers
// of the interventions' COPY). The sync feed's change log is this database's own, written
// by the triggers of the COPY, and so is the key its cursors are signed with: a field
// app's cursor of the source is refused, and the app downloads its area again.
var RebuiltTables = []string{"schema_migrations", "count_pairs", "count_totals", "count_cells", "count_years",
	"pending_counts", "pending_totals", "feed_log", "feed_key"}

// ImportedTables lists the tables Import moves, in its order.
func ImportedTables() []string {
	var out []string
	for _, t := range importTables {
		out = append(out, t.name)
	}
	return out
}

// importLock is the advisory lock key of an import ("ppksimpo"): one at a time.
const importLock = 0x70706b73_696d706f

// ErrNotEmpty refuses an import into a database that holds records.
var ErrNotEmpty = errors.New("the target database is not empty")

// Holdings counts the rows of the tables Import writes, those with any.
func (db *DB) Holdings(ctx context.Context) (map[string]int64, error) {
	return holdings(ctx, db.pool)
}

func holdings(ctx context.Context, q querier) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range importTables {
		var n int64
		if err := q.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{t.name}.Sanitize()).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			out[t.name] = n
		}
	}
	return out, nil
}

// RowCounts counts the rows of the named tables.
func (db *DB) RowCounts(ctx context.Context, tables []string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range tables {
		var n int64
		if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{t}.Sanitize()).Scan(&n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	return out, nil
}

// Import copies every table of src into this database, which must hold no records (a
// counting rules row alone, left by a service started on it, is replaced), in one
// transaction: a failure leaves it as it was. progress, when not nil, is told how far
// each table has come. The maintained counts are left empty: RebuildCounts next.
func (db *DB) Import(ctx context.Context, src Source, progress func(table string, done, total int64)) error {
	known := append(ImportedTables(), RebuiltTables...)
	for _, t := range src.Tables() {
		if !slices.Contains(known, t) {
			return fmt.Errorf("the source has a table %q that this version does not know how to move", t)
		}
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	for _, q := range []string{`SET LOCAL statement_timeout = 0`, `SET LOCAL synchronous_commit = on`} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(importLock)); err != nil {
		return err
	}
	held, err := holdings(ctx, tx)
	if err != nil {
		return err
	}
	delete(held, "count_rules")
	if len(held) > 0 {
		return fmt.Errorf("%w: %s", ErrNotEmpty, describe(held))
	}
	if _, err := tx.Exec(ctx, `DELETE FROM count_rules`); err != nil {
		return err
	}
	var merged [][2]string // person, the person they were merged into
	for _, t := range importTables {
		if !slices.Contains(src.Tables(), t.name) {
			continue // an older source without the table: nothing to move
		}
		total, err := src.Count(ctx, t.name)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		if err := copyTable(ctx, tx, src, t, total, progress, &merged); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	if len(merged) > 0 {
		ids, into := make([]string, len(merged)), make([]string, len(merged))
		for i, m := range merged {
			ids[i], into[i] = m[0], m[1]
		}
		if _, err := tx.Exec(ctx, `UPDATE beneficiaries b SET merged_into = m.survivor
			FROM unnest($1::text[], $2::text[]) AS m (id, survivor) WHERE b.id = m.id`, ids, into); err != nil {
			return fmt.Errorf("merged people: %w", err)
		}
	}
	// The identities go on after the ids moved.
	for _, t := range []string{"audit_log", "record_history"} {
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT max(id) FROM `+
			pgx.Identifier{t}.Sanitize()+`), 0) + 1, false)`, t); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	// Statistics for the planner, now that the tables are full.
	_, err = db.pool.Exec(ctx, `ANALYZE`)
	return err
}

// describe lists table row counts, "beneficiaries: 1094, cases: 1094".
func describe(counts map[string]int64) string {
	var parts []string
	for _, t := range append(ImportedTables(), RebuiltTables...) {
		if n, ok := counts[t]; ok {
			parts = append(parts, fmt.Sprintf("%s: %d", t, n))
		}
	}
	return strings.Join(parts, ", ")
}

// copyTable copies one table with COPY, converting each value to its column here.
func copyTable(ctx context.Context, tx pgx.Tx, src Source, t importTable, total int64,
	progress func(string, int64, int64), merged *[][2]string) error {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	rows, err := src.Rows(ctx, t.name, names)
	if err != nil {
		return err
	}
	defer rows.Close()
	mergedAt := slices.Index(names, "merged_into")
	if t.name != "beneficiaries" {
		mergedAt = -1
	}
	var done int64
	last := time.Now()
	if progress != nil {
		progress(t.name, 0, total)
	}
	out := make([]any, len(t.cols))
	n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, names, pgx.CopyFromFunc(func() ([]any, error) {
		if !rows.Next() {
			return nil, rows.Err()
		}
		for i, v := range rows.Values() {
			cv, err := convert(v, t.cols[i].kind)
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", t.cols[i].name, err)
			}
			out[i] = cv
		}
		if mergedAt >= 0 && out[mergedAt] != nil {
			*merged = append(*merged, [2]string{out[0].(string), out[mergedAt].(string)})
			out[mergedAt] = nil
		}
		done++
		if progress != nil && time.Since(last) > time.Second {
			progress(t.name, done, total)
			last = time.Now()
		}
		return out, nil
	}))
	if err != nil {
		return err
	}
	if n != total {
		return fmt.Errorf("copied %d rows of %d", n, total)
	}
	if progress != nil && total > 0 {
		progress(t.name, n, total)
	}
	return nil
}

// convert turns a source value into the value of a column of kind k.
func convert(v any, k kind) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case micros:
		us, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("time %v (%T) is not unix microseconds", v, v)
		}
		return time.UnixMicro(us).UTC(), nil
	case flag:
		n, ok := v.(int64)
		if !ok || (n != 0 && n != 1) {
			return nil, fmt.Errorf("flag %v (%T) is not 0 or 1", v, v)
		}
		return n == 1, nil
	case list:
		s, ok := v.(string)
		var out []string
		if !ok || json.Unmarshal([]byte(s), &out) != nil {
			return nil, fmt.Errorf("list %v (%T) is not a JSON array of strings", v, v)
		}
		if out == nil {
			out = []string{}
		}
		return out, nil
	case jsonb:
		s, ok := v.(string)
		if !ok || !json.Valid([]byte(s)) {
			return nil, fmt.Errorf("%v (%T) is not JSON", v, v)
		}
		return json.RawMessage(s), nil
	}
	return v, nil
}
