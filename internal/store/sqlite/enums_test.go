package sqlite

import (
	"testing"

	"github.com/opendinsos/ppks/internal/ppks"
)

// The migrations and a few queries spell domain values as numbers (partial indexes and
// triggers must: SQLite matches an index's WHERE literally). Pin them.
func TestEnumLiteralsOfTheSQL(t *testing.T) {
	for _, p := range []struct {
		what     string
		got, sql int
	}{
		{"ppks.InterventionActive (interventions.state = 1: 0008, queue.go)", int(ppks.InterventionActive), 1},
		{"ppks.VerificationPending (interventions.verification = 1: 0008, queue.go)", int(ppks.VerificationPending), 1},
		{"ppks.TransferPending (transfers_one_pending, 0009)", int(ppks.TransferPending), 1},
		{"ppks.AuditWrite (audit_log.action = 1, 0007)", int(ppks.AuditWrite), 1},
	} {
		if p.got != p.sql {
			t.Errorf("%s is %d, the SQL says %d", p.what, p.got, p.sql)
		}
	}
}
