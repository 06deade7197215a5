package lkjip

import (
	"math/big"
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
func idDecimal(r *big.Rat) string {
	s := r.FloatString(2)
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	out := idInt(n) + "," + frac
	if neg {
		return "-" + out
	}
	return out
}
