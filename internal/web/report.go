package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opendinsos/ppks/internal/lkjip"
	"github.com/opendinsos/ppks/internal/ppks"
)

// The Laporan pages show the LKjIP tables through internal/lkjip, the one layout that
// ppksreport writes too: the tables on screen, the print view and the downloaded files are
// the same rows.

type fileLink struct {
	Name, Label, Href string
}

type reportData struct {
	Year       int
	Years      []option
	View       string // "", "live"
	Report     *ppks.Report
	Tables     []lkjip.Table
	Status     lkjip.Status
	Lock       *ppks.YearLock
	Files      []fileLink
	CanLock    bool
	CanAmend   bool
	Changes    *ppks.ReportChanges
	Amendments []*ppks.Amendment
	Now        time.Time
	RID        string
	Print      bool
	Drill      bool
}

func (reportData) wide() bool { return true }

func (h *Handler) reportYear(r *http.Request) (int, []option, error) {
	years, err := h.svc.DashboardYears(r.Context())
	if err != nil {
		return 0, nil, err
	}
	year := defaultYear(years, h.svc.Today().Year)
	if y := r.PathValue("year"); y != "" {
		year, err = strconv.Atoi(y)
	} else if y := r.URL.Query().Get("tahun"); y != "" {
		year, err = strconv.Atoi(y)
	}
	if err != nil {
		return 0, nil, ppks.Invalid("year", "INVALID_YEAR", "not a year", "Tahun tidak valid.")
	}
	var opts []option
	seen := false
	for _, y := range years {
		opts = append(opts, option{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == year})
		seen = seen || y == year
	}
	if !seen {
		opts = append(opts, option{Value: strconv.Itoa(year), Label: strconv.Itoa(year), Selected: true})
	}
	return year, opts, nil
}

func viewOf(r *http.Request) ppks.ReportView {
	if r.URL.Query().Get("tampilan") == "live" {
		return ppks.ViewLive
	}
	return ppks.ViewDefault
}

func (h *Handler) reportData(r *http.Request) (*reportData, error) {
	ctx := r.Context()
	st := stateOf(ctx)
	year, years, err := h.reportYear(r)
	if err != nil {
		return nil, err
	}
	view := viewOf(r)
	rep, lock, err := h.svc.GetReport(ctx, year, view)
	if err != nil {
		return nil, err
	}
	d := &reportData{Year: year, Years: years, Report: rep, Tables: lkjip.Tables(rep), Status: lkjip.StatusOf(lock, view),
		Lock: lock, Now: h.svc.Now(), RID: newRequestID(), Drill: st.p.Role == ppks.RoleSupervisor}
	if view == ppks.ViewLive {
		d.View = "live"
	}
	base := Prefix + "/laporan/" + strconv.Itoa(year) + "/unduh/"
	suffix := ""
	if d.View != "" {
		suffix = "?tampilan=live"
	}
	name := lkjip.BaseName(year)
	d.Files = append(d.Files, fileLink{Name: name + ".xlsx", Label: "Buku kerja Excel (XLSX)", Href: base + name + ".xlsx" + suffix},
		fileLink{Name: name + ".md", Label: "Markdown", Href: base + name + ".md" + suffix})
	for _, t := range d.Tables {
		f := name + "-" + t.ID + ".csv"
		d.Files = append(d.Files, fileLink{Name: f, Label: "CSV " + t.Sheet, Href: base + f + suffix})
	}
	isAdmin := st.p.Role == ppks.RoleAdmin
	d.CanLock = isAdmin && lock == nil && year <= h.svc.Today().Year
	if lock != nil {
		d.CanAmend = isAdmin
		if d.Changes, err = h.svc.GetReportChanges(ctx, year); err != nil {
			return nil, err
		}
		if d.Amendments, _, err = h.svc.ListAmendments(ctx, year, ppks.MaxPageSize, ""); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (h *Handler) report(w http.ResponseWriter, r *http.Request) {
	d, err := h.reportData(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "report", "Laporan LKjIP "+strconv.Itoa(d.Year), d)
}

func (h *Handler) reportPrint(w http.ResponseWriter, r *http.Request) {
	d, err := h.reportData(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Print = true
	h.render(w, r, http.StatusOK, "report_print", "LKjIP "+strconv.Itoa(d.Year)+" — Bab III", d)
}

// reportDownload writes one of the files ppksreport writes, from the same layout.
func (h *Handler) reportDownload(w http.ResponseWriter, r *http.Request) {
	year, _, err := h.reportYear(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	view := viewOf(r)
	rep, lock, err := h.svc.GetReport(r.Context(), year, view)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st := lkjip.StatusOf(lock, view)
	file, name := r.PathValue("file"), lkjip.BaseName(year)
	var buf bytes.Buffer
	var ctype string
	switch {
	case file == name+".xlsx":
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = lkjip.WriteXLSX(&buf, rep, st)
	case file == name+".md":
		ctype = "text/markdown; charset=utf-8"
		err = lkjip.WriteMarkdown(&buf, rep, st)
	case strings.HasPrefix(file, name+"-") && strings.HasSuffix(file, ".csv"):
		id := strings.TrimSuffix(strings.TrimPrefix(file, name+"-"), ".csv")
		found := false
		for _, t := range lkjip.Tables(rep) {
			if t.ID == id {
				found = true
				ctype = "text/csv; charset=utf-8"
				err = lkjip.WriteCSV(&buf, t)
			}
		}
		if !found {
			h.fail(w, r, ppks.NotFound(file))
			return
		}
	default:
		h.fail(w, r, ppks.NotFound(file))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

func (h *Handler) lockYear(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		h.fail(w, r, ppks.Invalid("year", "INVALID_YEAR", "not a year", "Tahun tidak valid."))
		return
	}
	if r.PostFormValue("yakin") != "1" {
		redirect(w, r, Prefix+"/laporan?tahun="+strconv.Itoa(year), "Tahun belum dikunci: centang pernyataan bahwa laporan sudah ditandatangani.")
		return
	}
	_, lock, err := h.svc.LockReport(r.Context(), requestKey(r, "LockReport"), year)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/laporan?tahun="+strconv.Itoa(year), "Tahun "+strconv.Itoa(year)+" dikunci. Hash laporan: "+lock.Hash+".")
}

func (h *Handler) openAmendment(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		h.fail(w, r, ppks.Invalid("year", "INVALID_YEAR", "not a year", "Tahun tidak valid."))
		return
	}
	var expire time.Time
	if days, ok := formInt(r, "days"); ok && days > 0 {
		expire = h.svc.Now().Add(time.Duration(days) * 24 * time.Hour)
	}
	_, err = h.svc.CreateAmendment(r.Context(), requestKey(r, "CreateAmendment"), year, r.PostFormValue("reason"), expire)
	back := Prefix + "/laporan?tahun=" + strconv.Itoa(year)
	if fe := fieldErrors(err); fe != nil {
		msg := "Amandemen belum dibuka:"
		for k, v := range fe {
			msg += " " + fieldLabel(k) + ": " + v
		}
		redirect(w, r, back, msg)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, back, "Amandemen dibuka: data tahun "+strconv.Itoa(year)+" dapat dicatat atau dikoreksi selama amandemen terbuka.")
}

func (h *Handler) closeAmendment(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		h.fail(w, r, ppks.Invalid("year", "INVALID_YEAR", "not a year", "Tahun tidak valid."))
		return
	}
	if _, err := h.svc.CloseAmendment(r.Context(), ppks.RequestKey{}, year, r.PathValue("id")); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, Prefix+"/laporan?tahun="+strconv.Itoa(year), "Amandemen ditutup.")
}

type figureData struct {
	Year    int
	Figure  string
	Label   string
	Persons []ppks.FigurePerson
	Total   int
	Next    string
}

func (figureData) wide() bool { return true }

// figurePersons lists the persons behind a figure (the supervisor's drill-down).
func (h *Handler) figurePersons(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		h.fail(w, r, ppks.Invalid("year", "INVALID_YEAR", "not a year", "Tahun tidak valid."))
		return
	}
	q := r.URL.Query()
	figure := q.Get("figure")
	list, next, total, err := h.svc.ListFigurePersons(r.Context(), year, figure, ppks.ViewDefault, 100, q.Get("halaman"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := figureData{Year: year, Figure: figure, Label: h.figureLabel(figure), Persons: list, Total: total}
	if next != "" {
		d.Next = Prefix + "/laporan/" + strconv.Itoa(year) + "/angka?" + url.Values{"figure": {figure}, "halaman": {next}}.Encode()
	}
	h.render(w, r, http.StatusOK, "figure", "Orang di balik angka", d)
}

// figureLabel names a figure of the report in words.
func (h *Handler) figureLabel(figure string) string {
	parts := strings.Split(figure, "/")
	switch {
	case figure == "realisasi":
		return "Realisasi (jumlah per jenis intervensi)"
	case figure == "uniquePersons":
		return "Jiwa berbeda"
	case len(parts) == 2 && parts[0] == "interventionTypes":
		return interventionName(h.svc.Catalog, parts[1])
	case len(parts) == 2 && parts[0] == "kecamatan":
		return "Kecamatan " + kecamatanName(h.svc.Catalog, parts[1])
	case len(parts) == 4 && parts[0] == "kecamatan":
		return "Kecamatan " + kecamatanName(h.svc.Catalog, parts[1]) + ", " + interventionName(h.svc.Catalog, parts[3])
	}
	return figure
}
