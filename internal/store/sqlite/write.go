package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode"

	"github.com/opendinsos/ppks/internal/ppks"
)

// queries are the reads of the store, each one run by read: on the reader pool for the
// DB (one snapshot per call), in the write's own transaction for a txn (so that a write's
// rules see its own state and its batch's earlier savepoints).
type queries struct {
	read func(ctx context.Context, op string, fn func(*sql.Tx) error) error
}

// txn is the Tx of one write: a savepoint of the writer's shared transaction (group
// commit, group.go).
type txn struct {
	queries
	tx *sql.Tx
}

var _ ppks.Tx = (*txn)(nil)

// inWriteKey marks the context a write's function runs with.
type inWriteKey struct{}

func inWrite(ctx context.Context) bool { return ctx.Value(inWriteKey{}) != nil }

// errNestedCall refuses a call of the Store made from inside a write's function: a read
// would run outside the write's transaction, a write would wait for the writer that runs
// it, forever.
func errNestedCall(op string) error {
	return ppks.Internal(op, errString("called through the Store from inside a write: use the write's Tx"))
}

type errString string

func (e errString) Error() string { return string(e) }

// Write runs fn on the writer, in a savepoint of the shared transaction, after looking up
// op's request key; it records the key and the audit entry once fn succeeded.
func (db *DB) Write(ctx context.Context, op ppks.Op, fn func(context.Context, ppks.Tx) error) (string, error) {
	if inWrite(ctx) {
		return "", errNestedCall("write")
	}
	var replayed string
	err := db.write(ctx, writeName(op), func(ctx context.Context, tx *sql.Tx) error {
		replayed = ""
		name, found, err := findRequest(ctx, tx, op.Key)
		if err != nil || found {
			replayed = name
			return err
		}
		t := &txn{tx: tx}
		t.queries = queries{read: func(ctx context.Context, op string, fn func(*sql.Tx) error) error {
			return mapErr(ctx, op, fn(tx))
		}}
		if fn != nil {
			if err := callback(fn(context.WithValue(ctx, inWriteKey{}, true), t)); err != nil {
				return err
			}
		}
		if op.Key.ID != "" && (op.Audit == nil || op.Audit.Resource == "") {
			return errors.New("write: a request key without the resource it produced (op.Audit.Resource)")
		}
		resource := ""
		if op.Audit != nil {
			resource = op.Audit.Resource
		}
		return recordOp(ctx, tx, op, resource)
	})
	return replayed, err
}

// writeName names a write for the store's metrics as the reads are named: its domain
// method in words ("create beneficiary"), or "append audit" for a read's entry.
func writeName(op ppks.Op) string {
	if op.Audit == nil || op.Audit.Method == "" {
		return "write"
	}
	if op.Audit.Action == ppks.AuditRead {
		return "append audit"
	}
	var b strings.Builder
	for i, r := range op.Audit.Method {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte(' ')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
