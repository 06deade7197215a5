package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/opendinsos/ppks/internal/ppks"
)

type option struct {
	Value, Label string
	Selected     bool
}

type dashboardData struct {
	D             *ppks.Dashboard
	Year          int
	Years         []option
	Kecamatan     string
	KecamatanName string
	Kecamatans    []option
	Achievement   string
	HasTarget     bool
	Target        int
	RatingClass   string
	Pending       int
	ShowQueue     bool
	QueueHref     string
	DrillBase     string
	TypeChart     hbarChart
	KecChart      hbarChart
	PpksChart     hbarChart
	Month         monthChart
	Pace          string
	Empty         bool
}

func (dashboardData) wide() bool { return true }

// defaultYear is the current year when it has data or a target, else the latest that
// has: the dashboard opens on figures, not on an empty year.
func defaultYear(years []int, today int) int {
	if len(years) == 0 {
		return today
	}
	best := years[len(years)-1]
	for _, y := range years {
		if y == today {
			return today
		}
		if y < today {
			best = y
		}
	}
	if best > today {
		return today
	}
	return best
}

func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	years, err := h.svc.DashboardYears(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	today := h.svc.Today()
	year := defaultYear(years, today.Year)
	if y := q.Get("tahun"); y != "" {
		if year, err = strconv.Atoi(y); err != nil {
			h.fail(w, r, ppks.Invalid("year", "INVALID_YEAR", "not a year", "Tahun tidak valid."))
			return
		}
	}
	kec := q.Get("kecamatan")
	d, err := h.svc.Dashboard(ctx, year, kec)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := d.Indicator
	data := dashboardData{D: d, Year: year, Kecamatan: kec, KecamatanName: kecamatanName(h.svc.Catalog, kec)}
	seen := false
	for _, y := range years {
		data.Years = append(data.Years, option{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == year})
		seen = seen || y == year
	}
	if !seen {
		data.Years = append(data.Years, option{Value: strconv.Itoa(year), Label: strconv.Itoa(year), Selected: true})
	}
	data.Kecamatans = append(data.Kecamatans, option{Value: "", Label: "Semua kecamatan (" + h.svc.Catalog.Kabupaten.Name + ")", Selected: kec == ""})
	for _, k := range h.svc.Catalog.Kecamatan {
		data.Kecamatans = append(data.Kecamatans, option{Value: k.Code, Label: k.Name, Selected: k.Code == kec})
	}
	if in.Target != nil && kec == "" {
		data.HasTarget, data.Target = true, *in.Target
		data.Achievement = formatRat(in.Achievement)
		data.RatingClass = ratingClass(in.Rating)
	}
	data.Empty = in.Total == 0 && in.UniquePersons == 0 && !d.TotalHidden
	if d.DrillDown {
		data.DrillBase = Prefix + "/laporan/" + strconv.Itoa(year) + "/angka?figure="
		n, err := h.svc.PendingRecords(ctx, year)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		data.Pending, data.ShowQueue = n, true
		qv := url.Values{"dari": {strconv.Itoa(year) + "-01"}, "sampai": {strconv.Itoa(year) + "-12"}}
		if kec != "" {
			qv.Set("kecamatan", kec)
		}
		data.QueueHref = Prefix + "/verifikasi?" + qv.Encode()
	}
	link := func(figure func(ppks.Figure) string) func(ppks.Figure) string {
		if !d.DrillDown {
			return nil
		}
		return func(f ppks.Figure) string { return data.DrillBase + url.QueryEscape(figure(f)) }
	}
	data.TypeChart = newHbarChart("jenis", "Per jenis intervensi", d.ByType, d.Threshold, link(func(f ppks.Figure) string {
		if kec != "" {
			return "kecamatan/" + kec + "/interventionTypes/" + f.Key
		}
		return "interventionTypes/" + f.Key
	}))
	data.TypeChart.Empty = "Belum ada intervensi yang terhitung pada tahun ini."
	if kec == "" {
		data.KecChart = newHbarChart("kecamatan", "Per kecamatan", d.ByKecamatan, d.Threshold, link(func(f ppks.Figure) string { return "kecamatan/" + f.Key }))
		data.KecChart.Empty = "Belum ada intervensi yang terhitung pada tahun ini."
	}
	data.PpksChart = newHbarChart("ppks", "Per jenis PPKS", d.ByPpksType, d.Threshold, nil)
	data.PpksChart.Empty = "Belum ada penerima yang terhitung pada tahun ini."
	if d.Suppressed {
		note := "Angka 1 sampai " + strconv.Itoa(d.Threshold) + " (dan angka yang dapat membukanya) disembunyikan agar tidak ada orang yang dapat dikenali."
		data.KecChart.Note, data.PpksChart.Note, data.TypeChart.Note = note, note, ""
		if kec != "" {
			data.TypeChart.Note = note
		}
	}
	var target *int
	if data.HasTarget {
		target = &data.Target
	}
	data.Month = newMonthChart(d.ByMonth, target, d.Threshold, true)
	data.Pace = pace(in, target, year, today)
	h.render(w, r, http.StatusOK, "dashboard", "Beranda "+strconv.Itoa(year), data)
}

// pace says what it takes to reach the target from here.
func pace(in *ppks.IndicatorYear, target *int, year int, today ppks.Date) string {
	if target == nil {
		return ""
	}
	left := *target - in.Total
	switch {
	case left <= 0:
		return "Target " + formatInt(int64(*target)) + " sudah tercapai (" + formatInt(int64(in.Total)) + " orang)."
	case year < today.Year:
		return "Tahun sudah berakhir; target kurang " + formatInt(int64(left)) + " orang."
	}
	months := 12
	if year == today.Year {
		months = 12 - today.Month + 1 // this month still counts
	}
	per := int(math.Ceil(float64(left) / float64(months)))
	return "Untuk mencapai target " + formatInt(int64(*target)) + " perlu " + formatInt(int64(left)) +
		" orang lagi: rata-rata " + formatInt(int64(per)) + " orang per bulan selama " + strconv.Itoa(months) + " bulan tersisa."
}

func ratingClass(rating string) string {
	switch rating {
	case "Sangat Berhasil":
		return "rating-top"
	case "Berhasil":
		return "rating-good"
	case "Cukup Berhasil":
		return "rating-fair"
	}
	return "rating-low"
}
