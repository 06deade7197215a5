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
