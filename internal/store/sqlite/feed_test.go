package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// Feed positions are the database's: they survive a restart, and a position beyond the
// end of the log (a client's cursor after the database was restored from an older
// backup) is refused as unknown, for the domain to restart the client's download.
func TestFeedPositionsAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ppks.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	head, err := db.FeedHead(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	b := &ppks.Beneficiary{ID: "0190a000-0000-7000-8000-000000000001", FullName: "Siti", Sex: ppks.SexFemale,
		KecamatanCode: "73.06.08", Revision: 1}
	if _, err := db.Write(t.Context(), ppks.Op{}, func(ctx context.Context, tx ppks.Tx) error {
		return tx.InsertBeneficiary(ctx, b)
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	page, err := db.ReadFeed(t.Context(), ppks.Area{"73.06.08"}, head, 10)
	if err != nil || len(page.Records) != 1 || page.Records[0].Beneficiary.ID != b.ID || page.More {
		t.Fatalf("ReadFeed after a restart = %+v, %v", page, err)
	}
	if _, err := db.ReadFeed(t.Context(), nil, "1000", 10); ppks.KindOf(err) != ppks.KindFailedPrecondition {
		t.Errorf("a position beyond the log: %v, want FEED_POSITION_UNKNOWN", err)
	}
}
