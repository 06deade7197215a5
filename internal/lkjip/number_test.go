package lkjip

import (
	"math/big"
	"testing"
)

func TestIndonesianNumbers(t *testing.T) {
	dec := func(s string) string {
		r, _ := new(big.Rat).SetString(s)
		return idDecimal(r)
	}
	for _, c := range []struct {
		got, want string
	}{
		{idInt(5_319_338_072), "5.319.338.072"}, {idInt(580), "580"}, {idInt(0), "0"}, {idInt(-1234), "-1.234"},
		{dec("93.93"), "93,93"}, {dec("112.59"), "112,59"}, {dec("1234.5"), "1.234,50"}, {dec("-0.5"), "-0,50"}, {dec("-1234.56"), "-1.234,56"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
