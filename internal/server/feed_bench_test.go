package server_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/server"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	grpcgzip "google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/stats"
)

// The feed at the size of issue 14: a worker's kecamatan of 5,000 people with 40,000
// interventions (one case each, eight monthly permakanan deliveries), in a database of
// three such kecamatan, served by the real gRPC server and REST gateway over loopback.
//
//	go test -run '^$' -bench SyncFeed -benchtime 5x ./internal/server
//
// FirstDownload pulls every page with no cursor until has_more is false; Incremental
// pulls once after 100 changes in the worker's kecamatan (50 corrected people, 50 new
// interventions) and 100 in another. wire-B/op is what crossed the connection: gRPC
// messages with their framing (stats.InPayload.WireLength), the HTTP body as sent.
func BenchmarkSyncFeed(b *testing.B) {
	const (
		kecamatan = "73.06.08"
		people    = 5000
		perPerson = 8
	)
	others := []string{"73.06.01", "73.06.02"}
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "ppks.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	start := time.Now()
	var data benchData
	if err := store.BulkLoad(ctx, func(l *sqlite.Loader) (err error) {
		data, err = loadKecamatan(l, append([]string{kecamatan}, others...), people, perPerson)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d people and %d interventions in %v", 3*people, 3*people*perPerson, time.Since(start).Round(time.Millisecond))
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		b.Fatal(err)
	}
	sys := ppks.WithPrincipal(ctx, ppks.SystemPrincipal)
	if _, err := svc.CreateUser(sys, ppks.RequestKey{}, ppks.User{Username: "petugas", DisplayName: "Petugas", Role: ppks.RoleWorker,
		Kecamatan: []string{kecamatan}}); err != nil {
		b.Fatal(err)
	}
	_, token, err := svc.CreateToken(sys, ppks.RequestKey{}, "petugas", "bench", time.Time{})
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := server.New(svc, log)
	gs := grpc.NewServer(srv.ServerOptions(nil)...)
	srv.Register(gs)
	go gs.Serve(lis)
	defer gs.Stop()
	wire := &wireCounter{}
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(bearerCreds(token)), grpc.WithStatsHandler(wire),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20)))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	gw, err := srv.NewGateway(ctx, conn, nil)
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(server.HTTPHandler(log, nil, gw))
	defer hs.Close()
	client := ppksv1.NewCaseServiceClient(conn)

	// pull asks from cursor until has_more is false: round trips, records, last cursor.
	type pulled struct {
		trips, records int
		cursor         string
		bytes          int64
	}
	grpcPull := func(b *testing.B, cursor string, compress bool) pulled {
		var opts []grpc.CallOption
		if compress {
			opts = append(opts, grpc.UseCompressor(grpcgzip.Name))
		}
		before := wire.n.Load()
		var p pulled
		for {
			resp, err := client.SyncChanges(ctx, &ppksv1.SyncChangesRequest{Cursor: cursor, PageSize: 1000}, opts...)
			if err != nil {
				b.Fatal(err)
			}
			p.trips++
			p.records += len(resp.GetBeneficiaries()) + len(resp.GetCases()) + len(resp.GetInterventions()) + len(resp.GetTombstones())
			cursor = resp.GetNextCursor()
			if !resp.GetHasMore() {
				break
			}
		}
		p.cursor, p.bytes = cursor, wire.n.Load()-before
		return p
	}
	httpClient := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	restPull := func(b *testing.B, cursor string, compress bool) pulled {
		var p pulled
		for {
			req, _ := http.NewRequestWithContext(ctx, "GET", hs.URL+"/v1/beneficiaries:syncChanges?pageSize=1000&cursor="+url.QueryEscape(cursor), nil)
			req.Header.Set("Authorization", "Bearer "+token)
			if compress {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			resp, err := httpClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			counted := &countingReader{r: resp.Body}
			var body io.Reader = counted
			if resp.Header.Get("Content-Encoding") == "gzip" {
				if body, err = gzip.NewReader(counted); err != nil {
					b.Fatal(err)
				}
			}
			var page struct {
				Beneficiaries, Cases, Interventions, Tombstones []json.RawMessage
				NextCursor                                      string
				HasMore                                         bool
			}
			if err := json.NewDecoder(body).Decode(&page); err != nil || resp.StatusCode != 200 {
				b.Fatalf("%d: %v", resp.StatusCode, err)
			}
			resp.Body.Close()
			if compress != (resp.Header.Get("Content-Encoding") == "gzip") {
				b.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
			}
			p.trips++
			p.bytes += counted.n
			p.records += len(page.Beneficiaries) + len(page.Cases) + len(page.Interventions) + len(page.Tombstones)
			cursor = page.NextCursor
			if !page.HasMore {
				break
			}
		}
		p.cursor = cursor
		return p
	}
	transports := []struct {
		name     string
		pull     func(*testing.B, string, bool) pulled
		compress bool
	}{{"grpc", grpcPull, false}, {"grpc-gzip", grpcPull, true}, {"rest", restPull, false}, {"rest-gzip", restPull, true}}
	report := func(b *testing.B, total pulled) {
		n := float64(b.N)
		b.ReportMetric(float64(total.bytes)/n, "wire-B/op")
		b.ReportMetric(float64(total.trips)/n, "round-trips/op")
		b.ReportMetric(float64(total.records)/n, "records/op")
	}

	for _, tr := range transports {
		b.Run("FirstDownload/"+tr.name, func(b *testing.B) {
			var total pulled
			for b.Loop() {
				p := tr.pull(b, "", tr.compress)
				if want := people * (2 + perPerson); p.records != want {
					b.Fatalf("downloaded %d records, want %d", p.records, want)
				}
				total.bytes, total.trips, total.records = total.bytes+p.bytes, total.trips+p.trips, total.records+p.records
			}
			report(b, total)
		})
	}

	// The incremental pulls, each after 100 changes in the area and 100 outside it.
	serial := 0
	change := func(b *testing.B) {
		for i := range 50 {
			serial++
			for _, kec := range []string{kecamatan, others[0]} {
				n := (serial*7 + i) % people
				id := data[kec].people[n]
				cur, err := svc.GetBeneficiary(sys, id)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := svc.UpdateBeneficiary(sys, ppks.RequestKey{}, ppks.Beneficiary{ID: id, Address: fmt.Sprintf("Jl. Baru %d", serial)},
					[]string{"address"}, cur.Etag()); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.CreateIntervention(sys, ppks.RequestKey{ID: svc.NewID()}, id, data[kec].cases[n], "",
					ppks.Intervention{InterventionType: "RUJUKAN", DeliveredOn: ppks.Date{Year: 2024, Month: 9, Day: 1 + i%28}}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	for _, tr := range transports {
		b.Run("Incremental100/"+tr.name, func(b *testing.B) {
			cursor := tr.pull(b, "", tr.compress).cursor
			var total pulled
			for b.Loop() {
				b.StopTimer()
				change(b)
				b.StartTimer()
				p := tr.pull(b, cursor, tr.compress)
				if p.trips != 1 || p.records != 100 {
					b.Fatalf("after 100 changes: %d round trips, %d records", p.trips, p.records)
				}
				cursor = p.cursor
				total.bytes, total.trips, total.records = total.bytes+p.bytes, total.trips+p.trips, total.records+p.records
			}
			report(b, total)
		})
	}
}

// benchData is what loadKecamatan wrote: per kecamatan, its people's ids and their
// cases' ids.
type benchData map[string]struct{ people, cases []string }

// loadKecamatan adds, for each kecamatan, people with a case each and perPerson monthly
// permakanan deliveries in 2024, with the fields a real record has and values that vary
// as real ones do (time-ordered UUIDs, names, addresses, notes), so that the bytes and
// what gzip makes of them are those of real data.
func loadKecamatan(l *sqlite.Loader, kecs []string, people, perPerson int) (benchData, error) {
	rng := rand.New(rand.NewPCG(14, 2024))
	given := []string{"Siti", "Nur", "Hasnah", "Rahmawati", "Fatimah", "Hadijah", "Muhammad", "Abdul", "Ahmad", "Andi", "Syamsul",
		"Baharuddin", "Jamaluddin", "Rahman", "Arifin", "Hamzah", "Suriani", "Jumiati", "Rosmini", "Halimah"}
	family := []string{"Daeng Ngalle", "Rahim", "Basri", "Sulaiman", "Tahir", "Hamid", "Kadir", "Latif", "Bakri", "Salam",
		"Mappiasse", "Nompo", "Tika", "Sila", "Rani", "Bella", "Daeng Tompo", "Dg. Sese"}
	desa := []string{"Kelurahan Sungguminasa", "Kelurahan Tombolo", "Kelurahan Pandang-pandang", "Kelurahan Kalegowa",
		"Kelurahan Katangka", "Kelurahan Tompobalang", "Kelurahan Bonto-bontoa", "Kelurahan Romang Polong"}
	street := []string{"Jl. Poros Malino", "Jl. Usman Salengke", "Jl. Mustafa Dg. Bunga", "Jl. Tumanurung", "Jl. Andi Mallombassang",
		"Lorong Masjid", "BTN Pao-pao Permai Blok C", "Dusun Bontoramba"}
	notes := []string{"", "", "Diantar ke rumah", "Diterima anaknya", "Diambil di kantor kelurahan", "Penerima sakit, diterima tetangga"}
	t := time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC)
	out := benchData{}
	for _, kec := range kecs {
		digits := kec[0:2] + kec[3:5] + kec[6:8]
		var d struct{ people, cases []string }
		for i := range people {
			female := rng.IntN(2) == 0
			born := ppks.Date{Year: 1930 + rng.IntN(35), Month: 1 + rng.IntN(12), Day: 1 + rng.IntN(28)}
			day := born.Day
			sex := ppks.SexMale
			if female {
				day, sex = day+40, ppks.SexFemale
			}
			b := &ppks.Beneficiary{ID: uuid.Must(uuid.NewV7()).String(),
				NIK:      fmt.Sprintf("%s%02d%02d%02d%04d", digits, day, born.Month, born.Year%100, 1+i),
				FullName: given[rng.IntN(len(given))] + " " + family[rng.IntN(len(family))], Sex: sex, BirthDate: born,
				KecamatanCode: kec, Desa: desa[rng.IntN(len(desa))],
				Address: fmt.Sprintf("%s No. %d, RT %d RW %d", street[rng.IntN(len(street))], 1+rng.IntN(200), 1+rng.IntN(9), 1+rng.IntN(9)),
				KK:      fmt.Sprintf("%s%010d", digits, rng.IntN(10_000_000_000)), CreateTime: t, UpdateTime: t, Revision: 1}
			if err := l.Beneficiary(b); err != nil {
				return nil, err
			}
			c := &ppks.Case{ID: uuid.Must(uuid.NewV7()).String(), BeneficiaryID: b.ID, PpksType: "LANSIA_TELANTAR",
				OpenedOn: ppks.Date{Year: 2024, Month: 1, Day: 2}, State: ppks.CaseOpen, AssignedWorker: "petugas", CreateTime: t, UpdateTime: t, Revision: 1}
			if err := l.Case(c); err != nil {
				return nil, err
			}
			d.people, d.cases = append(d.people, b.ID), append(d.cases, c.ID)
			for m := range perPerson {
				at := t.Add(time.Duration(m*30*24)*time.Hour + time.Duration(rng.IntN(86400))*time.Second)
				iv := &ppks.Intervention{ID: uuid.Must(uuid.NewV7()).String(), BeneficiaryID: b.ID, CaseID: c.ID,
					InterventionType: "PERMAKANAN", DeliveredOn: ppks.Date{Year: 2024, Month: 1 + m, Day: 1 + rng.IntN(28)}, KecamatanCode: kec,
					Worker: "petugas", Quantity: 30, Unit: "porsi", Notes: notes[rng.IntN(len(notes))], State: ppks.InterventionActive,
					Verification: ppks.VerificationPending, CreateTime: at, UpdateTime: at, Revision: 1, PpksType: c.PpksType}
				if err := l.Intervention(iv); err != nil {
					return nil, err
				}
			}
		}
		out[kec] = d
	}
	return out, nil
}

// wireCounter counts the bytes of the messages a gRPC client receives, as sent.
type wireCounter struct{ n atomic.Int64 }

func (c *wireCounter) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }
func (c *wireCounter) HandleRPC(_ context.Context, s stats.RPCStats) {
	if in, ok := s.(*stats.InPayload); ok {
		c.n.Add(int64(in.WireLength))
	}
}
func (c *wireCounter) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (c *wireCounter) HandleConn(context.Context, stats.ConnStats)                       {}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
