package compose_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// BenchmarkServiceCreateIntervention records interventions through the domain service
// into a real database file (synchronous=FULL, group commit), from 50 concurrent callers
// with random request ids, as scripts/bench.sh does over gRPC: the service's own share of
// a durable write, without the network. With -cpuprofile, the writer goroutine's part
// (sqlite.(*groupWriter).loop) per write is what caps ingest.
//
//	go test -run '^$' -bench ServiceCreateIntervention -benchtime 5s ./internal/compose
func BenchmarkServiceCreateIntervention(b *testing.B) {
	store, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "ppks.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		b.Fatal(err)
	}
	ctx := ppks.WithPrincipal(context.Background(), &ppks.Principal{Username: "bench", Role: ppks.RoleSupervisor})
	key := func() ppks.RequestKey {
		return ppks.RequestKey{ID: uuid.NewString(), Method: "CreateIntervention", Fingerprint: "bench"}
	}
	p, err := svc.CreateBeneficiary(ctx, key(), "", ppks.Beneficiary{FullName: "Bench", Sex: ppks.SexFemale,
		KecamatanCode: "73.06.08", BirthDate: ppks.Date{Year: 1950}})
	if err != nil {
		b.Fatal(err)
	}
	c, err := svc.CreateCase(ctx, key(), p.ID, "", ppks.Case{PpksType: "LANSIA_TELANTAR", OpenedOn: ppks.Date{Year: 2024, Month: 1, Day: 1}})
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(25) // 50 callers on the project's 2-core machines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, err := svc.CreateIntervention(ctx, key(), p.ID, c.ID, "", ppks.Intervention{
				InterventionType: "PERMAKANAN", DeliveredOn: ppks.Date{Year: 2024, Month: 3, Day: 1}, Quantity: 1, Unit: "porsi"})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}
