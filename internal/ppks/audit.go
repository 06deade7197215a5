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
// appends in the same transaction. The write names what it wrote in Audit.Resource, which
// is also what a retry of its key is answered from. A replayed request writes neither.
type Op struct {
	Key   RequestKey
	Audit *AuditEntry
}

// write runs fn as one write of op (Store.Write), forgetting the changes an earlier run of
// fn recorded, should the store run it again (a transaction retried after a conflict).
func (s *Service) write(ctx context.Context, op Op, fn func(ctx context.Context, tx Tx) error) (replayed string, err error) {
	return s.Store.Write(ctx, op, func(ctx context.Context, tx Tx) error {
		op.resetChanges()
		return fn(ctx, tx)
	})
}

// appendAudit appends an entry on its own: a read of personal data.
func (s *Service) appendAudit(ctx context.Context, e *AuditEntry) error {
	_, err := s.Store.Write(ctx, Op{Audit: e}, func(context.Context, Tx) error { return nil })
	return err
}

// op starts the Op of a write by the caller of ctx.
func (s *Service) op(ctx context.Context, method string, key RequestKey) Op {
	p := PrincipalFrom(ctx)
	e := &AuditEntry{Time: s.now(), Method: method, Action: AuditWrite, RequestID: key.ID}
	key.Username = ""
	if p != nil {
		e.Username, e.Role = p.Username, p.Role
		key.Username = p.Username // request ids are per user, never the client's say
	}
	return Op{Key: key, Audit: e}
}

// auditRead records that the caller read the named records.
func (s *Service) auditRead(ctx context.Context, method, resource string, records []string) error {
	p := PrincipalFrom(ctx)
	if p == nil || p.Role == RoleSystem {
		return nil
	}
	return s.appendAudit(ctx, &AuditEntry{
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

// noteReplay sets the caller's replay flag, if they asked for one: replayed names what
// the first request produced, empty when this one wrote.
func noteReplay(ctx context.Context, replayed string) {
	if flag, ok := ctx.Value(replayKey{}).(*bool); ok {
		*flag = replayed != ""
	}
}
