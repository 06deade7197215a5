package main

import (
	"testing"

	"github.com/opendinsos/ppks/internal/pgtest"
)

// A PostgreSQL cluster for the tests of several processes on one database (skipped
// without PostgreSQL, unless CI).
func TestMain(m *testing.M) { pgtest.Main(m, pgtest.Options{}) }
