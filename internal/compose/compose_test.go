package compose_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opendinsos/ppks/internal/compose"
)

// The setting picks the backend by its form, and what a log shows of it never holds a
// password.
func TestDBConfigNamesTheBackend(t *testing.T) {
	for _, c := range []struct {
		db       string
		postgres bool
		shown    string
	}{
		{"data/ppks.db", false, "data/ppks.db"},
		{"postgres://ppks:s3cret@db.dinsos.local:5432/ppks?sslmode=verify-full", true, "postgres://ppks@db.dinsos.local:5432/ppks"},
		{"postgresql://ppks:s3cret@/ppks?host=/run/postgresql", true, "postgres://ppks@/ppks?host=/run/postgresql"},
	} {
		cfg := compose.DBConfig{DB: c.db}
		if got := cfg.IsPostgres(); got != c.postgres {
			t.Errorf("%s: IsPostgres = %v, want %v", c.db, got, c.postgres)
		}
		shown := cfg.String()
		if shown != c.shown || strings.Contains(shown, "s3cret") {
			t.Errorf("%s: String = %q, want %q", c.db, shown, c.shown)
		}
	}
}

// A new SQLite file opens with no set-up, and the service built over it refuses what it
// cannot work with (an unknown time zone, broken reference data) before serving anything.
func TestNewServiceOverANewFile(t *testing.T) {
	dir := t.TempDir()
	store, err := compose.OpenStore(t.Context(), compose.DBConfig{DB: filepath.Join(dir, "ppks.db")}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := compose.NewService(store, "", "Asia/Makassar"); err != nil {
		t.Fatalf("embedded reference data, WITA: %v", err)
	}
	if _, err := compose.NewService(store, "", "Asia/Gowa"); err == nil || !strings.Contains(err.Error(), "Asia/Gowa") {
		t.Fatalf("unknown time zone: err = %v, want one naming it", err)
	}
	bad := filepath.Join(dir, "ref")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "ppks_types.csv"), []byte("not,a,catalog\n\"unterminated\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := compose.NewService(store, bad, "Asia/Makassar"); err == nil {
		t.Fatal("broken reference data accepted")
	}
}
