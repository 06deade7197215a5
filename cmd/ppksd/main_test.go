package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/daemon"
	"github.com/opendinsos/ppks/internal/testkit"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
)

// start runs the real run() on loopback port 0 with the database given by the
// environment, and returns its addresses and a function that stops it and returns run's
// error.
func start(t *testing.T, dbPath string) (daemon.Addrs, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan daemon.Addrs, 1)
	done := make(chan error, 1)
	env := map[string]string{"PPKS_DB": dbPath}
	go func() {
		done <- run(ctx, []string{"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"},
			func(k string) string { return env[k] }, io.Discard, func(a daemon.Addrs) { ready <- a })
	}()
	select {
	case a := <-ready:
		return a, func() error { cancel(); return <-done }
	case err := <-done:
		cancel()
		t.Fatalf("run: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the server did not start")
	}
	return daemon.Addrs{}, nil
}

type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}
func (bearer) RequireTransportSecurity() bool { return false }

func TestRunServesAndKeepsDataAcrossRestarts(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "nested", "ppks.db")
	token := testkit.Tokens(t, dbPath, testkit.Supervisor)[0]
	addrs, stop := start(t, dbPath)

	conn, err := grpc.NewClient(addrs.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := t.Context()
	h, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || h.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: %v %v", h, err)
	}
	sctx, endStream := context.WithCancel(ctx)
	defer endStream()
	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(sctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	refl, err := stream.Recv()
	if err != nil || !strings.Contains(refl.String(), "ppks.v1.CaseService") {
		t.Fatalf("reflection: %v %v", refl, err)
	}
	endStream() // an open stream would hold a graceful shutdown until its grace period ends

	resp, err := http.Get("http://" + addrs.HTTP + "/openapi.json")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("openapi: %v %v", resp, err)
	}
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || doc["swagger"] != "2.0" {
		t.Fatalf("openapi document: %v %v", doc["swagger"], err)
	}
	resp.Body.Close()

	req, _ := http.NewRequest("POST", "http://"+addrs.HTTP+"/v1/beneficiaries?requestId=0193a000-0000-7000-8000-000000000001",
		strings.NewReader(`{"fullName":"Daeng Ngalle","sex":"SEX_MALE","kecamatanCode":"73.06.03","birthDate":{"year":1948}}`))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("create over REST: %v %v", resp, err)
	}
	var created map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}

	// A second start on the same file finds the person (migrations run again, harmlessly).
	addrs, stop = start(t, dbPath)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()
	conn2, err := grpc.NewClient(addrs.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(bearer(token)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	got, err := ppksv1.NewCaseServiceClient(conn2).GetBeneficiary(ctx, &ppksv1.GetBeneficiaryRequest{Name: created["name"].(string)})
	if err != nil || got.GetBeneficiary().GetFullName() != "Daeng Ngalle" || got.GetBeneficiary().GetBirthDate().GetYear() != 1948 {
		t.Fatalf("after restart: %v %v", got, err)
	}
}

// An in-flight request finishes when shutdown begins: the server stops accepting, not
// answering.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "ppks.db")
	token := testkit.Tokens(t, dbPath, testkit.Supervisor)[0]
	addrs, stop := start(t, dbPath)
	conn, err := grpc.NewClient(addrs.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(bearer(token)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := ppksv1.NewCaseServiceClient(conn)
	const n = 50
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := client.CreateBeneficiary(t.Context(), &ppksv1.CreateBeneficiaryRequest{
				RequestId:   fmt.Sprintf("0193a000-0000-7000-8000-%012d", i),
				Beneficiary: &ppksv1.Beneficiary{FullName: fmt.Sprintf("Orang %d", i), Sex: ppksv1.Sex_SEX_FEMALE, KecamatanCode: "73.06.01"},
			})
			errs <- err
		}()
	}
	// Stop as soon as the first answer arrives, while the others are in flight.
	results := []error{<-errs}
	stopErr := make(chan error, 1)
	go func() { stopErr <- stop() }()
	for range n - 1 {
		results = append(results, <-errs)
	}
	if err := <-stopErr; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	acked := 0
	for _, err := range results {
		switch status.Code(err) {
		case codes.OK:
			acked++
		case codes.Unavailable: // arrived after the server stopped accepting: the client retries
		default:
			t.Errorf("request failed with %v", err)
		}
	}

	// Every acknowledged write is in the database after a restart.
	addrs, stop = start(t, dbPath)
	defer stop()
	conn2, err := grpc.NewClient(addrs.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(bearer(token)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	list, err := ppksv1.NewCaseServiceClient(conn2).ListBeneficiaries(t.Context(), &ppksv1.ListBeneficiariesRequest{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.GetBeneficiaries()) < acked {
		t.Fatalf("%d people stored, %d acknowledged", len(list.GetBeneficiaries()), acked)
	}
	t.Logf("%d of %d requests acknowledged around shutdown, %d stored", acked, n, len(list.GetBeneficiaries()))
}
