package server_test

import (
	"bufio"
	"encoding/csv"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/scenario"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/google/go-cmp/cmp"
)

// reports returns a ReportService client; calls say who they are with callAs.
func (e *env) reports(string) ppksv1.ReportServiceClient {
	return ppksv1.NewReportServiceClient(e.conn)
}

func (e *env) callAs(username string) grpc.CallOption {
	return grpc.PerRPCCredentials(bearerCreds(e.users[username].token))
}

func (e *env) report(as string, year int, view ppksv1.ReportView) *ppksv1.Report {
	e.t.Helper()
	r, err := e.reports(as).GetReport(e.ctx, &ppksv1.GetReportRequest{Name: "reports/" + itoa(year), View: view}, e.callAs(as))
	if err != nil {
		e.t.Fatalf("GetReport %d as %s: %v", year, as, err)
	}
	return r.GetReport()
}

// The 2024 reference scenario with the brief's budget: the exact figures of the LKjIP.
func TestReport2024(t *testing.T) {
	e := newEnv(t)
	if _, err := scenario.Load(e.ctx, e.svc); err != nil {
		t.Fatal(err)
	}
	r := e.report("perencana", 2024, ppksv1.ReportView_REPORT_VIEW_UNSPECIFIED)
	if r.GetState() != ppksv1.ReportState_REPORT_STATE_LIVE || r.GetContentHash() != "" {
		t.Errorf("an open year's report: state %v hash %q", r.GetState(), r.GetContentHash())
	}
	p := r.GetPerformance()
	if p.GetTarget() != 580 || p.GetRealisasi() != 653 || p.GetAchievement().GetValue() != 112.59 ||
		p.GetAchievement().GetExact() != "3265/29" || p.GetRating() != "Sangat Berhasil" {
		t.Errorf("Tabel 3.1: %v", p)
	}
	b := r.GetBudget()
	if b.GetPagu() != 5_319_338_072 || b.GetRealisasi() != 4_996_397_274 {
		t.Errorf("Tabel 3.7 totals %d / %d, want 5319338072 / 4996397274", b.GetPagu(), b.GetRealisasi())
	}
	if b.GetPerformanceAgreementPagu() != 864_601_900 {
		t.Errorf("PK budget %d, want 864601900", b.GetPerformanceAgreementPagu())
	}
	if b.GetAchievement().GetValue() != 93.93 || b.GetEfficiency().GetValue() != 18.66 {
		t.Errorf("capaian anggaran %v, efficiency %v; want 93.93 and 18.66", b.GetAchievement(), b.GetEfficiency())
	}
	// Exactly: 4996397274/5319338072 x 100, and 653/580 x 100 minus it (math/big).
	if b.GetAchievement().GetExact() != "62454965925/664917259" || b.GetEfficiency().GetExact() != "359760838810/19282600511" {
		t.Errorf("exact capaian anggaran %s, efficiency %s", b.GetAchievement().GetExact(), b.GetEfficiency().GetExact())
	}
	wantPrograms := map[string][2]int64{
		"1.06.02": {84_000_000, 82_000_000}, "1.06.04": {234_292_000, 228_380_000}, "1.06.05": {412_629_400, 385_244_400},
		"1.06.06": {133_680_500, 121_204_980}, "1.06.01": {4_308_898_172, 4_034_712_894}, "1.06.07": {145_838_000, 144_855_000},
	}
	for _, prog := range b.GetPrograms() {
		if w := wantPrograms[prog.GetProgramCode()]; prog.GetPagu() != w[0] || prog.GetRealisasi() != w[1] {
			t.Errorf("programme %s: %d / %d, want %v", prog.GetProgramCode(), prog.GetPagu(), prog.GetRealisasi(), w)
		}
		if prog.GetProgramCode() == "1.06.06" && len(prog.GetLines()) != 2 {
			t.Errorf("Penanganan Bencana has %d kegiatan, want 2", len(prog.GetLines()))
		}
	}
	if len(b.GetPrograms()) != len(wantPrograms) {
		t.Errorf("%d programmes, want %d", len(b.GetPrograms()), len(wantPrograms))
	}
	// In the order the LKjIP prints them: the perjanjian kinerja's programmes, then the others.
	var order []string
	for _, prog := range b.GetPrograms() {
		order = append(order, prog.GetProgramCode())
	}
	if want := []string{"1.06.02", "1.06.04", "1.06.05", "1.06.06", "1.06.01", "1.06.07"}; !slices.Equal(order, want) {
		t.Errorf("Tabel 3.7 programmes in the order %v, want %v", order, want)
	}

	// Tabel 3.2/3.3: 2023 = 563 from history, 2024 = 653 recorded, Renstra 2025/2026.
	h := r.GetHistory()
	if h.GetBaseline() != 2444 || h.GetMediumTermTarget() != 615 || h.GetMediumTermYear() != 2026 {
		t.Errorf("history: baseline %d, medium-term %d (%d)", h.GetBaseline(), h.GetMediumTermTarget(), h.GetMediumTermYear())
	}
	years := map[int32]*ppksv1.HistoryYear{}
	for _, y := range h.GetYears() {
		years[y.GetYear()] = y
	}
	if len(h.GetYears()) != 5 || years[2022].Realisasi != nil {
		t.Errorf("history years %v", h.GetYears())
	}
	if y := years[2023]; y.GetRealisasi() != 563 || y.GetSource() != ppksv1.RealisasiSource_REALISASI_SOURCE_HISTORICAL {
		t.Errorf("2023: %v", y)
	}
	if y := years[2024]; y.GetRealisasi() != 653 || y.GetTarget() != 580 || y.GetAchievement().GetValue() != 112.59 {
		t.Errorf("2024: %v", y)
	}
	if y := years[2026]; y.GetRenstraTarget() != 615 || y.Realisasi != nil {
		t.Errorf("2026: %v", y)
	}

	// Tabel 3.4: persons served per SPM group.
	spm := map[string]int32{}
	for _, g := range r.GetSpmServices() {
		spm[g.GetSpmGroup()] = g.GetPersons()
	}
	wantSpm := map[string]int32{"ANAK_TELANTAR": 276, "LANSIA_TELANTAR": 94, "DISABILITAS_TELANTAR": 22,
		"GELANDANGAN_PENGEMIS": 61, "KORBAN_BENCANA": 441}
	if diff := cmp.Diff(wantSpm, spm); diff != "" {
		t.Errorf("SPM (-want +got):\n%s", diff)
	}

	// Tabel 3.6: the programme indicators.
	// The capaian is of the exact realisasi: 170/1889 is 8.9995 %, shown 9.00, and 99.99 %
	// of its target, where the printed report took 9 / 9 = 100 %.
	wantPI := map[string][3]float64{"rehabilitasi": {13, 22, 169.24}, "bantuan-pangan": {9, 9, 99.99},
		"jaminan-sosial": {13, 15, 115.38}, "terdaftar-dtks": {15, 19.61, 130.72}}
	for _, pi := range r.GetProgramIndicators() {
		name := pi.GetProgramIndicator()[strings.LastIndex(pi.GetProgramIndicator(), "/")+1:]
		w := wantPI[name]
		if pi.GetTarget().GetValue() != w[0] || pi.GetRealisasi().GetValue() != w[1] || pi.GetAchievement().GetValue() != w[2] {
			t.Errorf("%s: %v", name, pi)
		}
	}

	// The breakdown: margins agree with Tabel 3.1, no small count is shown.
	bd := r.GetKecamatanBreakdown()
	if bd.GetTotal().GetPersons() != 653 || bd.GetThreshold() != 3 {
		t.Errorf("breakdown total %v threshold %d", bd.GetTotal(), bd.GetThreshold())
	}
	for _, row := range bd.GetRows() {
		for _, c := range append(row.GetCells(), row.GetTotal()) {
			if c.Persons != nil && c.GetPersons() >= 1 && c.GetPersons() <= 3 {
				t.Errorf("%s shows a small count %d", row.GetKecamatanCode(), c.GetPersons())
			}
			if c.GetSuppressed() && c.Persons != nil {
				t.Errorf("%s: a suppressed cell shows its count", row.GetKecamatanCode())
			}
		}
	}
	for i, c := range bd.GetColumnTotals() {
		if c.GetPersons() != p.GetByInterventionType()[i].GetPersons() {
			t.Errorf("column %d total %v, want %d", i, c, p.GetByInterventionType()[i].GetPersons())
		}
	}
}

// The next year's report shows 2024 as recorded: its realisasi read from the maintained
// counts, the figure of the 2024 report; 2023 still from history.
func TestReportHistoryRecordedYear(t *testing.T) {
	e := newEnv(t)
	if _, err := scenario.Load(e.ctx, e.svc); err != nil {
		t.Fatal(err)
	}
	years := map[int32]*ppksv1.HistoryYear{}
	for _, y := range e.report("perencana", 2025, ppksv1.ReportView_REPORT_VIEW_UNSPECIFIED).GetHistory().GetYears() {
		years[y.GetYear()] = y
	}
	if y := years[2024]; y.GetRealisasi() != 653 || y.GetSource() != ppksv1.RealisasiSource_REALISASI_SOURCE_RECORDED ||
		y.GetAchievement().GetValue() != 112.59 {
		t.Errorf("2024 in the 2025 report: %v, want 653 recorded, 112.59", y)
	}
	if y := years[2023]; y.GetRealisasi() != 563 || y.GetSource() != ppksv1.RealisasiSource_REALISASI_SOURCE_HISTORICAL {
		t.Errorf("2023 in the 2025 report: %v", y)
	}
}

// Locking 2024: a new 2024 intervention is refused, an amendment lets one in and shows as
// a change since the lock, and the signed figures and their hash stay as they were.
func TestReportLock(t *testing.T) {
	e := newEnv(t)
	if _, err := scenario.Load(e.ctx, e.svc); err != nil {
		t.Fatal(err)
	}
	// A clock that moves: each reading one second after the last.
	var tick atomic.Int64
	e.svc.Now = func() time.Time { return testNow.Add(time.Duration(tick.Add(1)) * time.Second) }
	rs := e.reports("")
	if _, err := rs.LockReport(e.ctx, &ppksv1.LockReportRequest{Name: "reports/2024"}, e.callAs("perencana")); err == nil {
		t.Fatal("a planner locked a year")
	}
	locked, err := rs.LockReport(e.ctx, &ppksv1.LockReportRequest{Name: "reports/2024", RequestId: e.newUUID()}, e.callAs("admin"))
	if err != nil {
		t.Fatal(err)
	}
	signed := locked.GetReport()
	if signed.GetState() != ppksv1.ReportState_REPORT_STATE_SIGNED || len(signed.GetContentHash()) != 64 || signed.GetLockedBy() != "admin" {
		t.Fatalf("signed report: state %v hash %q by %q", signed.GetState(), signed.GetContentHash(), signed.GetLockedBy())
	}
	_, err = rs.LockReport(e.ctx, &ppksv1.LockReportRequest{Name: "reports/2024", RequestId: e.newUUID()}, e.callAs("admin"))
	wantCode(t, err, codes.FailedPrecondition)

	// A new 2024 record is refused, with the reason; 2025 still takes writes.
	person := e.person(ownKec, "")
	kase := e.openCase(person.GetName(), "LANSIA_TELANTAR")
	_, err = e.cases.CreateIntervention(e.ctx, &ppksv1.CreateInterventionRequest{Parent: kase.GetName(), RequestId: e.newUUID(),
		Intervention: &ppksv1.Intervention{InterventionType: "PERMAKANAN", DeliveredOn: day(2024, 12, 20)}})
	wantCode(t, err, codes.FailedPrecondition)
	if reason := errorReason(err); reason != "YEAR_LOCKED" {
		t.Errorf("reason %q, want YEAR_LOCKED", reason)
	}
	e.deliver(kase.GetName(), "PERMAKANAN", 2025, 1, 6)
	_, err = rs.UpdateBudgetLine(e.ctx, &ppksv1.UpdateBudgetLineRequest{BudgetLine: &ppksv1.BudgetLine{
		Name: "reports/2024/budgetLines/1.06.01", Realisasi: 1}}, e.callAs("perencana"))
	wantCode(t, err, codes.FailedPrecondition)

	// An amendment opened by the administrator, with a reason, lets the late record in.
	_, err = rs.CreateAmendment(e.ctx, &ppksv1.CreateAmendmentRequest{Parent: "reports/2024", RequestId: e.newUUID(),
		Amendment: &ppksv1.Amendment{Reason: "Laporan permakanan Desember terlambat"}}, e.callAs("kabid"))
	wantCode(t, err, codes.PermissionDenied)
	_, err = rs.CreateAmendment(e.ctx, &ppksv1.CreateAmendmentRequest{Parent: "reports/2024", RequestId: e.newUUID(),
		Amendment: &ppksv1.Amendment{}}, e.callAs("admin"))
	wantCode(t, err, codes.InvalidArgument)
	am, err := rs.CreateAmendment(e.ctx, &ppksv1.CreateAmendmentRequest{Parent: "reports/2024", RequestId: e.newUUID(),
		Amendment: &ppksv1.Amendment{Reason: "Laporan permakanan Desember terlambat"}}, e.callAs("admin"))
	if err != nil {
		t.Fatal(err)
	}
	late := e.deliver(kase.GetName(), "PERMAKANAN", 2024, 12, 20)
	if _, err := rs.CloseAmendment(e.ctx, &ppksv1.CloseAmendmentRequest{Name: am.GetAmendment().GetName()}, e.callAs("admin")); err != nil {
		t.Fatal(err)
	}
	_, err = e.cases.VoidIntervention(e.ctx, &ppksv1.VoidInterventionRequest{Name: late.GetName(), Reason: "Salah"})
	wantCode(t, err, codes.FailedPrecondition)

	// The signed report is unchanged, hash included; the live one has the late record.
	again := e.report("perencana", 2024, ppksv1.ReportView_REPORT_VIEW_UNSPECIFIED)
	if diff := cmp.Diff(signed, again, protocmp.Transform()); diff != "" {
		t.Errorf("the signed report changed (-locked +now):\n%s", diff)
	}
	if live := e.report("perencana", 2024, ppksv1.ReportView_REPORT_VIEW_LIVE); live.GetPerformance().GetRealisasi() != 654 ||
		live.GetState() != ppksv1.ReportState_REPORT_STATE_LIVE {
		t.Errorf("live realisasi %d (%v), want 654", live.GetPerformance().GetRealisasi(), live.GetState())
	}
	ch, err := rs.GetReportChanges(e.ctx, &ppksv1.GetReportChangesRequest{Name: "reports/2024/changes"}, e.callAs("perencana"))
	if err != nil {
		t.Fatal(err)
	}
	c := ch.GetReportChanges()
	if c.GetContentHash() != signed.GetContentHash() || c.GetUnamendedChanges() != 0 || len(c.GetAmendments()) != 1 ||
		c.GetAmendments()[0].GetInterventionsCreated() != 1 ||
		c.GetAmendments()[0].GetAmendment().GetState() != ppksv1.AmendmentState_AMENDMENT_STATE_CLOSED {
		t.Errorf("changes: %v", c)
	}
	figures := map[string][2]string{}
	for _, f := range c.GetFigureChanges() {
		figures[f.GetFigure()] = [2]string{f.GetSignedValue(), f.GetCurrentValue()}
	}
	for k, want := range map[string][2]string{"realisasi": {"653", "654"}, "interventionTypes/PERMAKANAN": {"170", "171"},
		"spmGroups/LANSIA_TELANTAR": {"94", "95"}} {
		if figures[k] != want {
			t.Errorf("change of %s = %v, want %v", k, figures[k], want)
		}
	}

	// Drill-down: the signed 170 behind PERMAKANAN, and the live 171, for a supervisor.
	for view, want := range map[ppksv1.ReportView]int32{ppksv1.ReportView_REPORT_VIEW_SIGNED: 170, ppksv1.ReportView_REPORT_VIEW_LIVE: 171} {
		var n int32
		token := ""
		for {
			page, err := rs.ListFigurePersons(e.ctx, &ppksv1.ListFigurePersonsRequest{Parent: "reports/2024",
				Figure: "interventionTypes/PERMAKANAN", View: view, PageSize: 100, PageToken: token}, e.callAs("kabid"))
			if err != nil {
				t.Fatal(err)
			}
			if page.GetTotalSize() != want {
				t.Errorf("%v: total_size %d, want %d", view, page.GetTotalSize(), want)
			}
			for _, fp := range page.GetFigurePersons() {
				if fp.GetFullName() == "" || fp.GetInterventionType() != "PERMAKANAN" {
					t.Errorf("%v: entry %v", view, fp)
				}
			}
			n += int32(len(page.GetFigurePersons()))
			if token = page.GetNextPageToken(); token == "" {
				break
			}
		}
		if n != want {
			t.Errorf("%v: %d persons listed, want %d", view, n, want)
		}
	}
	_, err = rs.ListFigurePersons(e.ctx, &ppksv1.ListFigurePersonsRequest{Parent: "reports/2024", Figure: "nonsense"}, e.callAs("kabid"))
	wantCode(t, err, codes.InvalidArgument)
	audit, err := e.admin.ListAuditEntries(e.ctx, &ppksv1.ListAuditEntriesRequest{Filter: `username = "kabid" AND action = READ`})
	if err != nil || len(audit.GetAuditEntries()) == 0 {
		t.Errorf("the drill-down left no audit entry: %v", err)
	}
}

func errorReason(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(interface{ GetReason() string }); ok && info.GetReason() != "" {
			return info.GetReason()
		}
	}
	return ""
}

// The export: CSV over REST (text/csv) and gRPC; NIK in full for a supervisor, masked and
// without names for an administrator.
func TestExportInterventions(t *testing.T) {
	e := newEnv(t)
	own := e.seed(ownKec)
	read := func(as string) [][]string {
		req, err := http.NewRequestWithContext(e.ctx, "GET", e.url+"/v1/reports/2024/interventions:export", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+e.users[as].token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			body, _ := io.ReadAll(resp.Body)
			t.Fatalf("%s: HTTP %d %s: %s", as, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		records, err := csv.NewReader(bufio.NewReader(resp.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return records
	}
	sup := read("kabid")
	if len(sup) != 2 || strings.Join(sup[0], ",") != "name,beneficiary,nik,full_name,sex,kecamatan_code,ppks_type,intervention_type,delivered_on,quantity,unit,state,verification" {
		t.Fatalf("supervisor export: %v", sup)
	}
	if sup[1][0] != own.intervention || sup[1][2] != own.nik || sup[1][3] != own.fullName || sup[1][7] != "RUJUKAN" {
		t.Errorf("supervisor row %v", sup[1])
	}
	// Rows are per person: an administrator or a planner gets none.
	for _, as := range []string{"admin", "perencana"} {
		if code, body := e.doAs(e.users[as].token, "GET", "/v1/reports/2024/interventions:export", nil); code != 403 {
			t.Errorf("%s export: HTTP %d, want 403: %s", as, code, body)
		}
	}
	// Over gRPC: one message per page, the header first.
	st, err := e.reports("").ExportInterventions(e.ctx, &ppksv1.ExportInterventionsRequest{Parent: "reports/2024"}, e.callAs("kabid"))
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for {
		m, err := st.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got.Write(m.GetData())
		got.WriteByte('\n')
	}
	if lines := strings.Count(got.String(), "\n"); lines != 2 {
		t.Errorf("gRPC export has %d lines, want 2:\n%s", lines, got.String())
	}
}
