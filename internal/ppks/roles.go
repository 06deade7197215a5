package ppks

import "slices"

// The role sets of the domain's rules, each defined once. The service checks them in its
// methods (requireRole, Principal.ReadsPeople); the gRPC adapter's per-RPC matrix
// (server/auth.go) is written with the same sets, so the two cannot drift apart.
var (
	// AnyRole is every role a user can have.
	AnyRole = []Role{RoleWorker, RoleSupervisor, RolePlanner, RoleAdmin}
	// FieldWorkers read and record people: workers in their area, supervisors everywhere.
	FieldWorkers = []Role{RoleWorker, RoleSupervisor}
	// AggregateReaders read figures: the indicator, targets and reports.
	AggregateReaders = []Role{RoleSupervisor, RolePlanner, RoleAdmin}
	// ReportWriters enter the budget, the programme indicators and the Renstra period.
	ReportWriters = []Role{RolePlanner, RoleAdmin}
	// Supervisors verify, reject, merge, decide transfers and drill down to persons.
	Supervisors = []Role{RoleSupervisor}
	// Administrators manage users, tokens, targets, locks and amendments.
	Administrators = []Role{RoleAdmin}
)

// ReadsPeople reports whether the caller may read personal records at all.
func (p *Principal) ReadsPeople() bool {
	return p.Role == RoleSystem || slices.Contains(FieldWorkers, p.Role)
}
