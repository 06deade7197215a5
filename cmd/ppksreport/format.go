package main

import (
	"math"
	"strconv"
	"strings"
)

// idInt writes a whole number the Indonesian way: 5.319.338.072.
func idInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// idDecimal writes a number with two decimals the Indonesian way: 93,93.
func idDecimal(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	return idInt(n) + "," + frac
}

// roundHalfUp rounds a percentage the generator computes itself (a kegiatan's
// realisasi) to two decimals; the server's figures come rounded already.
func roundHalfUp(f float64) float64 { return math.Floor(f*100+0.5) / 100 }

// display writes a cell for people to read (Markdown): Indonesian number formatting.
func (c cell) display() string {
	if c.empty {
		return "-"
	}
	switch c.kind {
	case count:
		return idInt(int64(c.num))
	case rupiah:
		return "Rp " + idInt(int64(c.num))
	case percent:
		return idDecimal(c.num) + " %"
	}
	return c.text
}

// raw writes a cell for machines (CSV): plain numbers, '.' as the decimal point.
func (c cell) raw() string {
	if c.empty {
		return ""
	}
	switch c.kind {
	case count, rupiah:
		return strconv.FormatInt(int64(c.num), 10)
	case percent:
		return strconv.FormatFloat(c.num, 'f', 2, 64)
	}
	return c.text
}
