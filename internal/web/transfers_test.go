package web_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// A worker registering a person already known in another kecamatan is told so (never who
// or where), asks for a transfer from the page it points to, and a supervisor approves it:
// then the person is the worker's. Over plain HTTP, on the reference scenario.
func TestTransferFromTheRegisterForm(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ppks.db")
	prepare(t, db)
	nik, name := personElsewhere(t, db, "73.06.08")
	base, stop := serve(t, db, ppks.SessionPolicy{})
	defer stop()

	worker := newClient(t, base)
	if status, _ := worker.signIn("petugas", password); status != 303 {
		t.Fatalf("worker sign-in: %d", status)
	}
	_, form, _ := worker.get("/app/penerima/baru")
	status, page, _ := worker.post("/app/penerima/baru", url.Values{"csrf": {csrfOf(t, form)}, "rid": {"0193a000-0000-7000-8000-0000000000f1"},
		"nik": {nik}, "full_name": {"Daeng Baru"}, "sex": {"P"}, "birth_year": {"1950"}, "kecamatan_code": {"73.06.08"}}, nil)
	if status != 409 || !strings.Contains(page, "/app/pindah?nik="+nik) || strings.Contains(page, name) {
		t.Fatalf("register a NIK known elsewhere: HTTP %d; want 409 pointing to a transfer request, never the person's name", status)
	}
	_, page, _ = worker.get("/app/pindah?nik=" + nik)
	if !strings.Contains(page, `value="`+nik+`"`) {
		t.Fatal("the transfer form does not carry the NIK")
	}
	// A worker of one kecamatan asks for it: the form carries it, as a hidden field.
	to := between(page, `<input type="hidden" name="to" value="`, `"`)
	if to != "73.06.08" {
		t.Fatalf("the transfer form asks for kecamatan %q; want the worker's own, 73.06.08", to)
	}
	// A NIK of 16 digits with no such birth month is refused beside its field.
	badNIK := nik[:8] + "13" + nik[10:]
	status, bad, _ := worker.post("/app/pindah", url.Values{"csrf": {csrfOf(t, page)}, "rid": {"0193a000-0000-7000-8000-0000000000f4"},
		"nik": {badNIK}, "to": {to}, "reason": {"Pindah ke rumah anaknya"}}, nil)
	if status != 422 || !strings.Contains(bad, `id="t-nik-galat"`) || !strings.Contains(bad, `aria-invalid="true"`) {
		t.Fatalf("an invalid NIK: HTTP %d, field error shown %v; want 422 with the error beside the NIK", status, strings.Contains(bad, `id="t-nik-galat"`))
	}
	status, _, hdr := worker.post("/app/pindah", url.Values{"csrf": {csrfOf(t, page)}, "rid": {"0193a000-0000-7000-8000-0000000000f2"},
		"nik": {nik}, "to": {to}, "reason": {"Pindah ke rumah anaknya"}}, nil)
	if status != 303 || hdr.Get("Location") != "/app/pindah" {
		t.Fatalf("transfer request: HTTP %d to %q", status, hdr.Get("Location"))
	}
	if _, page, _ = worker.get("/app/pindah"); !strings.Contains(page, "Menunggu supervisor") || strings.Contains(page, name) {
		t.Fatal("the worker's pending request is not listed, or shows the person's name")
	}

	supervisor := newClient(t, base)
	if status, _ := supervisor.signIn("kabid", password); status != 303 {
		t.Fatalf("supervisor sign-in: %d", status)
	}
	_, queue, _ := supervisor.get("/app/pindah")
	id := between(queue, `action="/app/pindah/`, `/setujui"`)
	if id == "" {
		t.Fatalf("the supervisor's queue has no request to approve")
	}
	if status, _, _ := supervisor.post("/app/pindah/"+id+"/setujui", url.Values{"csrf": {csrfOf(t, queue)}, "rid": {"0193a000-0000-7000-8000-0000000000f3"}}, nil); status != 303 {
		t.Fatalf("approve: HTTP %d", status)
	}
	_, page, _ = worker.get("/app/pindah")
	if !strings.Contains(page, "Disetujui") {
		t.Fatal("the approved request does not say so")
	}
	person := between(page, `href="/app/penerima/`, `"`)
	if status, page, _ := worker.get("/app/penerima/" + person); status != 200 || !strings.Contains(page, name) {
		t.Fatalf("the transferred person's page for the worker: HTTP %d", status)
	}
}

// personElsewhere returns the NIK and name of a scenario person outside the kecamatan.
func personElsewhere(t *testing.T, db, kecamatan string) (string, string) {
	t.Helper()
	store, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return time.Now() }
	list, _, err := svc.ListBeneficiaries(ppks.WithPrincipal(context.Background(), ppks.SystemPrincipal), 100, "", `kecamatan_code = "73.06.01"`)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range list {
		if b.NIK != "" && b.KecamatanCode != kecamatan {
			return b.NIK, b.FullName
		}
	}
	t.Fatal("no person with a NIK in 73.06.01")
	return "", ""
}

// between returns the text of s between the first from and the next to.
func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	out, _, _ := strings.Cut(rest, to)
	return out
}
