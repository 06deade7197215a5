package ppks

import (
	"context"
	"time"
)

// AuditAction says whether an audit entry records a change or a read of personal data.
type AuditAction int

// Audit actions.
const (
	AuditWrite AuditAction = iota + 1
	AuditRead
)

// AuditEntry records who did what to which records. Entries are append-only: the store
// writes a write's entry in the transaction of the write itself, so an entry exists if
// and only if the change does.
type AuditEntry struct {
	ID        int64 // assigned by the store, increasing
	Time      time.Time
	Username  string
	Role      Role
	Method    string // the domain operation, e.g. "CreateBeneficiary"
	Action    AuditAction
	Resource  string   // the resource written or read; for lists, the collection
	Records   []string // for reads: the records returned
	RequestID string
	Summary   string // what changed (field names, never personal values)
	// Changes are the field-level changes (with values) of the records a write touched:
	// their history. The domain fills them, often inside the store's callback; the store
	// appends them with the entry, in the same transaction. They are not part of the
	// audit log's listing: values are personal data, readable per record by those who
	// may read the record.
	Changes []*Change
}

// AuditFilter selects audit entries. Empty fields select everything.
type AuditFilter struct {
	Username string
	Method   string
	Action   AuditAction
	Resource string // matches the entry's resource or any of its records
	After    time.Time
	Before   time.Time
}

// Op describes a write to a store: its idempotency key and the audit entry the store
// appends in the same transaction (filling Resource when empty, with the name of what it
// wrote). A replayed request writes neither. The store may fill the entry before a write
// fails; on error, callers ignore it.
type Op struct {
	Key   RequestKey
	Audit *AuditEntry
}

// replayed reports, after a successful write, whether the store answered it from an
// earlier request with the same id instead of writing: it then appended no audit entry.
func (op Op) replayed() bool { return op.Audit != nil && op.Audit.ID == 0 }

// op starts the Op of a write by the caller of ctx.
func (s *Service) op(ctx context.Context, method string, key RequestKey) Op {
	p := PrincipalFrom(ctx)
	e := &AuditEntry{Time: s.now(), Method: method, Action: AuditWrite, RequestID: key.ID}
	if p != nil {
		e.Username, e.Role = p.Username, p.Role
	}
	return Op{Key: key, Audit: e}
}

// auditRead records that the caller read the named records.
func (s *Service) auditRead(ctx context.Context, method, resource string, records []string) error {
	p := PrincipalFrom(ctx)
	if p == nil || p.Role == RoleSystem {
		return nil
	}
	return s.Store.AppendAudit(ctx, &AuditEntry{
		Time: s.now(), Username: p.Username, Role: p.Role, Method: method,
		Action: AuditRead, Resource: resource, Records: records,
	})
}

type replayKey struct{}

// WithReplayNote returns a context in which a create, or a change of an intervention
// (void, verify, reject, correct), reports through the returned flag whether it was
// answered from an earlier request with the same id (nothing written) rather than by
// writing: batch sync tells "created" from "already existed" this way, and a second
// ppksctl load-scenario that it wrote nothing.
func WithReplayNote(ctx context.Context) (context.Context, *bool) {
	flag := new(bool)
	return context.WithValue(ctx, replayKey{}, flag), flag
}

// noteReplay sets the caller's replay flag, if they asked for one.
func noteReplay(ctx context.Context, op Op) {
	if flag, ok := ctx.Value(replayKey{}).(*bool); ok {
		*flag = op.replayed()
	}
}
