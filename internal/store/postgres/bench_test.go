package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/postgres"
)

// BenchmarkServiceCreateIntervention records interventions through the domain service
// into PostgreSQL (a durable cluster: fsync and synchronous commits on), from 50
// concurrent callers with random request ids, as the SQLite store's benchmark of the
// same name does (internal/compose): the service's and the store's share of a durable write,
// without the network in front. Sub-benchmarks by pool size.
//
//	go test -run '^$' -bench ServiceCreateIntervention -benchtime 5s ./internal/store/postgres
func BenchmarkServiceCreateIntervention(b *testing.B) {
	for _, conns := range []int{4, 16} {
		b.Run("conns="+itoa(conns), func(b *testing.B) {
			db, err := postgres.Open(b.Context(), postgres.NewTestDSN(b), postgres.WithMaxConns(conns))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			svc, err := compose.NewService(db, "", "Asia/Makassar")
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
			b.SetParallelism(25) // 50 callers on 2 cores
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
			b.StopTimer()
			s, d, u := db.Retries()
			b.ReportMetric(float64(s+d+u)/float64(b.N), "retries/op")
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
