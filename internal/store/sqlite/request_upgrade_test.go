package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"github.com/opendinsos/ppks/internal/store/storetest"
	_ "modernc.org/sqlite" // the plain driver, to make the file look like one of before 0007
)

// A database of before migration 0007 kept request ids without their user: the upgrade
// gives each the user of its write's audit entry, so that retries sent before the upgrade
// are still answered from their first result, and only for their sender.
func TestRequestOwnersFilledOnUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ppks.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	op := func(user, id string) ppks.Op {
		return ppks.Op{Key: ppks.RequestKey{Username: user, ID: id, Method: "CreateUser", Fingerprint: "f"},
			Audit: &ppks.AuditEntry{Username: user, Role: ppks.RoleAdmin, Method: "CreateUser", Action: ppks.AuditWrite, RequestID: id}}
	}
	const idA, idB = "0190a000-0000-7000-8000-00000000000a", "0190a000-0000-7000-8000-00000000000b"
	for _, u := range []struct{ by, id, name string }{{"admin.a", idA, "petugas.x"}, {"admin.b", idB, "petugas.y"}} {
		if _, err := (storetest.Writer{S: db, Ctx: ctx}).CreateUser(op(u.by, u.id), &ppks.User{Username: u.name, DisplayName: "X", Role: ppks.RolePlanner}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// The requests table as migration 0001 made it.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE old_requests (request_id TEXT PRIMARY KEY, method TEXT NOT NULL, fingerprint TEXT NOT NULL,
			resource TEXT NOT NULL, create_time INTEGER NOT NULL) STRICT, WITHOUT ROWID`,
		`INSERT INTO old_requests SELECT request_id, method, fingerprint, resource, create_time FROM requests`,
		`DROP TABLE requests`,
		`ALTER TABLE old_requests RENAME TO requests`,
		`DELETE FROM schema_migrations WHERE name LIKE 'migrations/0007%'`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Each sender's retry is a replay; the same id from the other sender is not.
	got, err := (storetest.Writer{S: db, Ctx: ctx}).CreateUser(op("admin.a", idA), &ppks.User{Username: "petugas.z", DisplayName: "Z", Role: ppks.RolePlanner})
	if err != nil || got.Username != "petugas.x" {
		t.Errorf("retry by its sender after the upgrade = %+v, %v; want the first answer petugas.x", got, err)
	}
	got, err = (storetest.Writer{S: db, Ctx: ctx}).CreateUser(op("admin.b", idA), &ppks.User{Username: "petugas.z", DisplayName: "Z", Role: ppks.RolePlanner})
	if err != nil || got.Username != "petugas.z" {
		t.Errorf("the same id by another user after the upgrade = %+v, %v; want a new user petugas.z", got, err)
	}
}
