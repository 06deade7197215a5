package postgres

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// recordOpQuery records a write's request key (when $2, its id, is set) and its audit
// entry (when $16), with the records it names and the history of the changes it carries,
// in one statement: one round trip for what would take four. The history rows go in in
// the order given, and their ids, from one sequence, follow that order.
const recordOpQuery = `
WITH r AS (
	INSERT INTO requests (username, request_id, method, fingerprint, resource, create_time)
	SELECT $1, $2, $3, $4, $5, $6 WHERE $2 <> ''
), a AS (
	INSERT INTO audit_log (time, username, role, method, action, resource, records, request_id, summary)
	SELECT $7, $8, $9, $10, $11, $15, $12, $13, $14 WHERE $16
	RETURNING id
), rec AS (
	INSERT INTO audit_records (name, audit_id)
	SELECT DISTINCT n, a.id FROM a, unnest($12::text[]) AS n
	ON CONFLICT DO NOTHING
), h AS (
	INSERT INTO record_history (audit_id, record_id, record, time, username, method, request_id, fields)
	SELECT a.id, c.record_id, c.record, c.time, c.username, c.method, c.request_id, c.fields::jsonb
	FROM a, unnest($17::text[], $18::text[], $19::timestamptz[], $20::text[], $21::text[], $22::text[], $23::text[])
		WITH ORDINALITY AS c (record_id, record, time, username, method, request_id, fields, ord)
	ORDER BY c.ord
	RETURNING id
)
SELECT (SELECT id FROM a), ARRAY(SELECT id FROM h ORDER BY id)`

// recordOp leaves for the write's COMMIT (the same round trip) the statement that records
// the request of op (so that a retry is answered from it) and its audit entry (naming
// name as what was written when it names nothing), and sets the ids of the entry and of
// its changes once it ran. A nil entry appends nothing.
func recordOp(r *recorder, op ppks.Op, name string) {
	e := op.Audit
	if e == nil && op.Key.ID == "" {
		return
	}
	if e == nil {
		e = &ppks.AuditEntry{}
	} else if e.Resource == "" {
		e.Resource = name
	}
	resource := name
	if op.Audit != nil {
		resource = e.Resource
	}
	n := len(e.Changes)
	ids, records, times := make([]string, n), make([]string, n), make([]time.Time, n)
	users, methods, requests, fields := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, c := range e.Changes {
		ids[i], records[i], times[i], fields[i] = c.RecordID, c.Record, c.Time, changeFields(c)
		users[i], methods[i], requests[i] = c.Username, c.Method, c.RequestID
	}
	args := []any{op.Key.Username, op.Key.ID, op.Key.Method, op.Key.Fingerprint, name, time.Now().UTC(),
		e.Time, e.Username, int(e.Role), e.Method, int(e.Action), stringList(e.Records), e.RequestID, e.Summary,
		resource, op.Audit != nil,
		ids, records, times, users, methods, requests, fields}
	r.atCommit(recordOpQuery, args, func(row pgx.Row) error {
		var (
			auditID    *int64
			historyIDs []int64
		)
		if err := r.note(row.Scan(&auditID, &historyIDs)); err != nil {
			return err
		}
		if op.Audit == nil {
			return nil
		}
		if auditID == nil || len(historyIDs) != n {
			return fmt.Errorf("record op: audit entry %v, %d of %d changes stored", auditID, len(historyIDs), n)
		}
		e.ID = *auditID
		for i, c := range e.Changes {
			c.ID = historyIDs[i]
		}
		return nil
	})
}
