package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/procstat"
	"github.com/opendinsos/ppks/internal/testkit"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
)

// largeBody is the size of each large request of the memory test: what an outside
// test sent (four at once took the server to 830 MB, still held minutes later).
const largeBody = 50 << 20

// How much the daemon's peak resident memory may grow while it refuses them: without a
// token nothing is read (a few MiB of buffers); with one, a chunked body is read up to
// the 4 MiB limit, four at once, and the collector (GOGC 400) lets garbage grow to a few
// times that before it runs. Either is far from the bodies' 200 MiB.
const (
	anonymousBound = 16 << 20
	signedInBound  = 96 << 20
)

// letters is an endless run of 'a'.
type letters struct{}

func (letters) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// largeJSON is a body of n bytes that stays valid JSON as far as it goes: a decoder
// reads on to the limit.
func largeJSON(n int64) io.Reader {
	const head = `{"items": "`
	return io.MultiReader(strings.NewReader(head), io.LimitReader(letters{}, n-int64(len(head))))
}

// rawCodec sends bytes as they are, as the message of a call.
type rawCodec struct{}

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(v.([]byte))}, nil
}
func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*v.(*[]byte) = data.Materialize()
	return nil
}
func (rawCodec) Name() string { return "proto" }

// The real binary, sent large bodies at once: over HTTP without a token (announced and
// chunked), with a token (announced and chunked: over the limit), and over gRPC without
// and with a token. Each is refused without being read (or, chunked, read up to the
// limit), and the daemon's peak resident memory grows by less than memoryBound.
func TestLargeBodiesDoNotHoldMemory(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to read the daemon's memory")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "ppks.db")
	token := testkit.Tokens(t, db, testkit.Supervisor)[0]
	logs, err := os.Create(filepath.Join(dir, "ppksd.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	d := &child{t: t, bin: buildDaemon(t), db: db, grpcAddr: freeAddr(t), httpAddr: freeAddr(t), logs: logs}
	d.start()
	defer d.stop()
	base := "http://" + d.httpAddr
	conn, err := grpc.NewClient(d.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	// Warm up (first requests allocate what the daemon keeps anyway), then measure.
	for range 20 {
		req, _ := http.NewRequest("GET", base+"/v1/ppksTypes", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	before, err := procstat.Of(d.cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}

	message := make([]byte, largeBody) // one buffer for every gRPC call
	var mu sync.Mutex
	answers := map[string]int{}
	// send sends four of each kind at once and waits for every answer.
	send := func(kinds []largeRequest) {
		var wg sync.WaitGroup
		for i := range 4 {
			for _, c := range kinds {
				wg.Go(func() {
					got := c.send(t, base, conn, message)
					mu.Lock()
					answers[c.name+": "+got]++
					mu.Unlock()
					if got != c.want && got != "connection closed" {
						t.Errorf("%s %d: %s, want %s", c.name, i, got, c.want)
					}
				})
			}
		}
		wg.Wait()
	}
	measure := func(phase string, before procstat.Memory, bound int64) procstat.Memory {
		after, err := procstat.Of(d.cmd.Process.Pid)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: ppksd resident memory %.1f MiB (peak %.1f) -> %.1f MiB (peak %.1f)", phase,
			mib(before.RSS), mib(before.Peak), mib(after.RSS), mib(after.Peak))
		if grown := after.Peak - before.Peak; grown > bound {
			t.Errorf("%s: the peak resident memory grew by %.1f MiB, more than %d MiB", phase, mib(grown), bound>>20)
		}
		return after
	}

	// Without a token nothing is read: the memory stays where it was.
	send([]largeRequest{
		{name: "HTTP, anonymous, announced", length: largeBody, want: "401"},
		{name: "HTTP, anonymous, chunked", length: -1, want: "401"},
		{name: "gRPC, anonymous", grpc: true, want: "Unauthenticated"},
	})
	mid := measure("4 x 3 anonymous 50 MiB bodies", before, anonymousBound)
	// With a token: an announced body over the limit is not read, a chunked one is read
	// up to the limit (4 MiB), a gRPC message over the limit is not read.
	send([]largeRequest{
		{name: "HTTP, signed in, announced", token: token, length: largeBody, want: "413"},
		{name: "HTTP, signed in, chunked", token: token, length: -1, want: "413"},
		{name: "gRPC, signed in", token: token, grpc: true, want: "ResourceExhausted"},
	})
	measure("4 x 3 signed-in 50 MiB bodies", mid, signedInBound)
	t.Logf("answers: %v", answers)

	// And the daemon still serves.
	req, _ := http.NewRequest("GET", base+"/readyz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/readyz after the large bodies: %v %v", resp, err)
	}
	resp.Body.Close()
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// largeRequest is one kind of large request of the memory test.
type largeRequest struct {
	name, token string
	grpc        bool
	length      int64 // HTTP: the announced length, -1 for chunked
	want        string
}

// send sends the request and returns its answer: the HTTP status code, the gRPC code, or
// "connection closed" when the daemon closed the connection while the client still
// wrote (some clients see the close before the answer).
func (c largeRequest) send(t *testing.T, base string, conn *grpc.ClientConn, message []byte) string {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if c.grpc {
		opts := []grpc.CallOption{grpc.ForceCodecV2(rawCodec{})}
		if c.token != "" {
			opts = append(opts, grpc.PerRPCCredentials(bearer(c.token)))
		}
		var out []byte
		return status.Code(conn.Invoke(ctx, ppksv1.CaseService_BatchSync_FullMethodName, message, &out, opts...)).String()
	}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/v1/beneficiaries:batchSync", largeJSON(largeBody))
	req.ContentLength = c.length
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "connection closed"
	}
	resp.Body.Close()
	return strconv.Itoa(resp.StatusCode)
}
