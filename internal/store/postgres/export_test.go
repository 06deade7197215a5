package postgres

// For the tests of package postgres_test, which drive the store through the domain.
var (
	NewTestDSN = newDSN
	Compact    = (*DB).compact
)
