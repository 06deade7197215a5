package web

import (
	"math/big"
	"testing"

	"github.com/opendinsos/ppks/internal/ppks"
)

func TestIndonesianFormats(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 653: "653", 1000: "1.000", 5319338072: "5.319.338.072", -1234: "-1.234"} {
		if got := formatInt(n); got != want {
			t.Errorf("formatInt(%d) = %q, want %q", n, got, want)
		}
	}
	for _, tc := range []struct {
		r    *big.Rat
		want string
	}{
		{big.NewRat(65300, 580), "112,59"}, {big.NewRat(1, 8), "0,13"}, {big.NewRat(1234567, 100), "12.345,67"},
		{big.NewRat(-1, 3), "-0,33"}, {nil, "–"},
	} {
		if got := formatRat(tc.r); got != tc.want {
			t.Errorf("formatRat(%v) = %q, want %q", tc.r, got, tc.want)
		}
	}
	for d, want := range map[ppks.Date]string{{Year: 2026, Month: 12, Day: 1}: "1 Desember 2026",
		{Year: 1950}: "1950", {Year: 2024, Month: 2}: "Februari 2024", {}: ""} {
		if got := formatDate(d); got != want {
			t.Errorf("formatDate(%v) = %q, want %q", d, got, want)
		}
	}
	if got := rupiah(4996397274); got != "Rp 4.996.397.274" {
		t.Errorf("rupiah = %q", got)
	}
}

func TestLocalTarget(t *testing.T) {
	for in, want := range map[string]string{"/app/penerima?q=siti": "/app/penerima?q=siti", "//evil.example/app/": "",
		"https://evil.example/app/": "", "/v1/users": "", "/app\\..": "", "": ""} {
		if got := localTarget(in); got != want {
			t.Errorf("localTarget(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for n, want := range map[int]int{0: 4, 3: 4, 7: 10, 45: 50, 653: 1000, 120: 200} {
		if got := niceCeil(n); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", n, got, want)
		}
	}
}
