package sqlite

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/opendinsos/ppks/internal/ppks"
)

// ListAudit lists entries newest first; PageRequest.After is the decimal id of the last
// entry of the previous page.
func (q queries) ListAudit(ctx context.Context, f ppks.AuditFilter, p ppks.PageRequest) ([]*ppks.AuditEntry, error) {
	var w where
	if p.After != "" {
		after, err := strconv.ParseInt(p.After, 10, 64)
		if err != nil {
			return nil, invalidPageToken()
		}
		w.add("a.id < ?", after)
	}
	if f.Username != "" {
		w.add("a.username = ?", f.Username)
	}
	if f.Method != "" {
		w.add("a.method = ?", f.Method)
	}
	if f.Action != 0 {
		w.add("a.action = ?", int(f.Action))
	}
	if f.Resource != "" {
		w.add("(a.resource = ? OR a.id IN (SELECT r.audit_id FROM audit_records r WHERE r.name = ?))",
			f.Resource, f.Resource)
	}
	if !f.After.IsZero() {
		w.add("a.time >= ?", micros(f.After))
	}
	if !f.Before.IsZero() {
		w.add("a.time < ?", micros(f.Before))
	}
	query := `SELECT ` + auditColumns + ` FROM audit_log a` + w.String() + ` ORDER BY a.id DESC LIMIT ?`
	var out []*ppks.AuditEntry
	err := q.read(ctx, "list audit", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, query, append(w.args, limit(p)), scanAudit)
		return err
	})
	return out, err
}

// appendAudit appends e in tx, the transaction of the change it records, naming resource
// as what was written when e names nothing, and sets e.ID; and e.Changes to the history
// of their records (history.go). Every write appends its entry here; a nil entry appends
// nothing.
func appendAudit(ctx context.Context, tx *sql.Tx, e *ppks.AuditEntry, resource string) error {
	if e == nil {
		return nil
	}
	if e.Resource == "" {
		e.Resource = resource
	}
	records, err := jsonStrings(e.Records)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO audit_log (time, username, role, method, action, resource,
		records, request_id, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		micros(e.Time), e.Username, int(e.Role), e.Method, int(e.Action), e.Resource,
		records, e.RequestID, e.Summary)
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	for _, name := range e.Records {
		// OR IGNORE: a record listed twice is indexed once.
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO audit_records (name, audit_id) VALUES (?, ?)`,
			name, id); err != nil {
			return err
		}
	}
	for _, c := range e.Changes {
		if err := appendChange(ctx, tx, id, c); err != nil {
			return err
		}
	}
	e.ID = id
	return nil
}

const auditColumns = `a.id, a.time, a.username, a.role, a.method, a.action, a.resource, a.records,
	a.request_id, a.summary`

func scanAudit(s scanner) (*ppks.AuditEntry, error) {
	var (
		e       ppks.AuditEntry
		t       int64
		records string
	)
	if err := s.Scan(&e.ID, &t, &e.Username, &e.Role, &e.Method, &e.Action, &e.Resource, &records,
		&e.RequestID, &e.Summary); err != nil {
		return nil, err
	}
	var err error
	if e.Records, err = fromJSONStrings(records); err != nil {
		return nil, err
	}
	e.Time = fromMicros(t)
	return &e, nil
}
