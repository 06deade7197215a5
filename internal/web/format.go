package web

import (
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

// Numbers and dates as Indonesian readers write them: a dot between thousands, a comma
// before decimals (653; 5.319.338.072; 112,59 %), and dates with the month's name
// (1 Desember 2026).

var monthNames = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
	"Agustus", "September", "Oktober", "November", "Desember"}

var shortMonths = []string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"}

// formatInt writes n with dots between thousands.
func formatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatRat writes an exact value rounded half up to two decimals, "112,59"; "–" for nil.
func formatRat(r *big.Rat) string {
	if r == nil {
		return "–"
	}
	rounded := ppks.RoundHalfUp(r, 2)
	s := rounded.FloatString(2)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	out := formatInt(n)
	if whole == "-0" {
		out = "-0"
	}
	return out + "," + frac
}

// formatFloat writes a float with two decimals the Indonesian way.
func formatFloat(f float64) string {
	return formatRat(new(big.Rat).SetFloat64(f))
}

// formatDate writes a civil date: "1 Desember 2026", "Desember 2026" or "2026" for a
// partial one, "" for none.
func formatDate(d ppks.Date) string {
	switch {
	case d.IsZero():
		return ""
	case d.Month < 1 || d.Month > 12:
		return strconv.Itoa(d.Year)
	case d.Day == 0:
		return monthNames[d.Month-1] + " " + strconv.Itoa(d.Year)
	}
	return strconv.Itoa(d.Day) + " " + monthNames[d.Month-1] + " " + strconv.Itoa(d.Year)
}

// formatTime writes a moment in the office's time zone: "1 Desember 2026 14.05".
func formatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	return formatDate(ppks.Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}) + " " + t.Format("15.04")
}

// rupiah writes an amount of money: "Rp 5.319.338.072".
func rupiah(n int64) string { return "Rp " + formatInt(n) }

// isoDate writes a date for an <input type="date">.
func isoDate(d ppks.Date) string {
	if !d.Complete() {
		return ""
	}
	return d.String()
}

// parseISODate reads an <input type="date"> value (YYYY-MM-DD), or a year alone.
func parseISODate(s string) (ppks.Date, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return ppks.Date{}, true
	}
	if len(s) == 4 {
		y, err := strconv.Atoi(s)
		return ppks.Date{Year: y}, err == nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return ppks.Date{}, false
	}
	return ppks.Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}, true
}

// parseMonth reads an <input type="month"> value (YYYY-MM).
func parseMonth(s string) (ppks.Date, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return ppks.Date{}, true
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return ppks.Date{}, false
	}
	return ppks.Date{Year: t.Year(), Month: int(t.Month())}, true
}

// monthValue writes a month for an <input type="month">.
func monthValue(d ppks.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()[:7]
}
