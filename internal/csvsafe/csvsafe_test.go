package csvsafe_test

import (
	"testing"

	"github.com/opendinsos/ppks/internal/csvsafe"
)

func TestText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`=HYPERLINK("http://contoh.test","klik")`, `'=HYPERLINK("http://contoh.test","klik")`},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"Siti Aminah", "Siti Aminah"},
		{"Hj. Andi Sitti", "Hj. Andi Sitti"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
		{"", ""},
		{"7306084512850001", "7306084512850001"},
	} {
		if got := csvsafe.Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
