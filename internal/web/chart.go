package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// Charts are drawn on the server as SVG: no script, no library, printable, and their
// numbers are in the page as text too (each bar's value beside it; the monthly chart's
// values in a table below it).

// hbar is one bar of a horizontal bar chart.
type hbar struct {
	Label  string
	Value  string  // the count as shown, or "<4" style text when hidden
	Width  float64 // percent of the longest bar
	Hidden bool
	Href   string // the persons behind the figure, for roles that may see them
}

// hbarChart is a horizontal bar chart: one labelled row per bar, so that the labels wrap
// on a phone instead of shrinking with the drawing.
type hbarChart struct {
	ID, Title, Note string
	Bars            []hbar
	Empty           string
}

// newHbarChart builds a chart of figures; href, when not nil, links a figure.
func newHbarChart(id, title string, figs []ppks.Figure, threshold int, href func(ppks.Figure) string) hbarChart {
	c := hbarChart{ID: id, Title: title}
	peak := 0
	for _, f := range figs {
		peak = max(peak, f.Persons)
	}
	for _, f := range figs {
		b := hbar{Label: f.Name, Value: formatInt(int64(f.Persons)), Hidden: f.Hidden}
		if f.Hidden {
			b.Value = fmt.Sprintf("≤ %d", threshold)
		} else if peak > 0 {
			b.Width = math.Round(float64(f.Persons)*1000/float64(peak)) / 10
		}
		if href != nil && !f.Hidden && f.Persons > 0 {
			b.Href = href(f)
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// monthChart is the chart of the year by month: persons first counted each month as
// columns, the running total as a line, and the target's even pace as a dashed line.
type monthChart struct {
	Title    string
	SVG      template.HTML
	Rows     []monthRow
	HasPace  bool
	PaceNote string
}

type monthRow struct {
	Month       string
	Count       string
	Hidden      bool
	Cumulative  string
	TargetPace  string
	HasCumulate bool
}

// Drawing sizes of the monthly chart, in viewBox units.
const (
	mcWidth, mcHeight   = 680, 300
	mcLeft, mcRight     = 56, 16
	mcTop, mcBottom     = 16, 40
	mcColumnGapFraction = 0.3
)

// newMonthChart draws the months; target is nil without one.
func newMonthChart(months []ppks.Figure, target *int, threshold int, cumulative bool) monthChart {
	mc := monthChart{Title: "Penurunan PPKS per bulan"}
	run := make([]int, len(months))
	total, anyHidden := 0, false
	for i, m := range months {
		total += m.Persons
		run[i] = total
		anyHidden = anyHidden || m.Hidden
	}
	cumulative = cumulative && !anyHidden // a running total would give hidden months away
	top := 0
	for i, m := range months {
		top = max(top, m.Persons)
		if cumulative {
			top = max(top, run[i])
		}
	}
	if target != nil && cumulative {
		top = max(top, *target)
		mc.HasPace = true
	}
	top = niceCeil(top)
	plotW := float64(mcWidth - mcLeft - mcRight)
	plotH := float64(mcHeight - mcTop - mcBottom)
	y := func(v int) float64 { return float64(mcTop) + plotH - float64(v)*plotH/float64(top) }
	step := plotW / 12
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="bulan-judul bulan-desk" xmlns="http://www.w3.org/2000/svg">`, mcWidth, mcHeight)
	b.WriteString(`<title id="bulan-judul">Penurunan PPKS per bulan</title>`)
	desc := "Kolom: orang yang pertama kali terhitung pada bulan itu."
	if cumulative {
		desc += " Garis: jumlah sampai bulan itu."
	}
	if mc.HasPace {
		desc += " Garis putus-putus: laju rata yang mencapai target " + formatInt(int64(*target)) + "."
	}
	fmt.Fprintf(&b, `<desc id="bulan-desk">%s Angkanya ada di tabel di bawah grafik.</desc>`, template.HTMLEscapeString(desc))
	// Grid and axis labels: five steps.
	for i := 0; i <= 4; i++ {
		v := top * i / 4
		yy := y(v)
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, mcLeft, mcWidth-mcRight, yy, yy)
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%.1f" text-anchor="end">%s</text>`, mcLeft-6, yy+4, formatInt(int64(v)))
	}
	for i, m := range months {
		x := float64(mcLeft) + float64(i)*step
		w := step * (1 - mcColumnGapFraction)
		label := shortMonths[i]
		if !m.Hidden && m.Persons > 0 {
			fmt.Fprintf(&b, `<rect class="col" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s orang</title></rect>`,
				x+step*mcColumnGapFraction/2, y(m.Persons), w, y(0)-y(m.Persons), monthNames[i], formatInt(int64(m.Persons)))
		}
		if m.Hidden {
			fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.1f" text-anchor="middle">*</text>`, x+step/2, y(0)-4)
		}
		fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+step/2, mcHeight-mcBottom+18, label)
	}
	if cumulative {
		var pts []string
		for i := range months {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", float64(mcLeft)+(float64(i)+0.5)*step, y(run[i])))
		}
		fmt.Fprintf(&b, `<polyline class="line" points="%s"/>`, strings.Join(pts, " "))
		for i := range months {
			fmt.Fprintf(&b, `<circle class="dot" cx="%.1f" cy="%.1f" r="3.5"><title>Sampai %s: %s orang</title></circle>`,
				float64(mcLeft)+(float64(i)+0.5)*step, y(run[i]), monthNames[i], formatInt(int64(run[i])))
		}
	}
	if mc.HasPace {
		fmt.Fprintf(&b, `<line class="pace" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, mcLeft, y(0), mcWidth-mcRight, y(*target))
		fmt.Fprintf(&b, `<line class="target" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, mcLeft, y(*target), mcWidth-mcRight, y(*target))
		fmt.Fprintf(&b, `<text class="axis pace-label" x="%d" y="%.1f">target %s</text>`, mcLeft+6, y(*target)-6, formatInt(int64(*target)))
	}
	b.WriteString(`</svg>`)
	mc.SVG = template.HTML(b.String()) // built above from numbers and escaped text only
	for i, m := range months {
		row := monthRow{Month: monthNames[i], Count: formatInt(int64(m.Persons)), Hidden: m.Hidden, HasCumulate: cumulative}
		if m.Hidden {
			row.Count = fmt.Sprintf("≤ %d", threshold)
		}
		if cumulative {
			row.Cumulative = formatInt(int64(run[i]))
		}
		if mc.HasPace {
			row.TargetPace = formatInt(int64(math.Round(float64(*target) * float64(i+1) / 12)))
		}
		mc.Rows = append(mc.Rows, row)
	}
	return mc
}

// niceCeil rounds a chart's top up to 1, 2 or 5 times a power of ten (at least 4, so
// that the axis has whole steps).
func niceCeil(n int) int {
	if n <= 4 {
		return 4
	}
	p := 1
	for p*10 < n {
		p *= 10
	}
	for _, m := range []int{1, 2, 4, 5, 10} {
		if m*p >= n {
			return m * p
		}
	}
	return 10 * p
}
