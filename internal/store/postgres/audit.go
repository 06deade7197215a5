package postgres

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"
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
		w.add("a.time >= ?", f.After)
	}
	if !f.Before.IsZero() {
		w.add("a.time < ?", f.Before)
	}
	query := `SELECT ` + auditColumns + ` FROM audit_log a` + w.String() + ` ORDER BY a.id DESC LIMIT ` + w.arg(limit(p))
	var out []*ppks.AuditEntry
	err := q.read(ctx, "list audit", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, query, w.args, scanAudit)
		return err
	})
	return out, err
}

const auditColumns = `a.id, a.time, a.username, a.role, a.method, a.action, a.resource, a.records,
	a.request_id, a.summary`

func scanAudit(s pgx.Row) (*ppks.AuditEntry, error) {
	var (
		e       ppks.AuditEntry
		role    int
		action  int
		records []string
	)
	if err := s.Scan(&e.ID, &e.Time, &e.Username, &role, &e.Method, &action, &e.Resource, &records,
		&e.RequestID, &e.Summary); err != nil {
		return nil, err
	}
	e.Role, e.Action = ppks.Role(role), ppks.AuditAction(action)
	e.Records = fromStringList(records)
	e.Time = utc(e.Time)
	return &e, nil
}
