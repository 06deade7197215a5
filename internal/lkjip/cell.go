package lkjip

import (
	"math/big"
	"strconv"

	"github.com/opendinsos/ppks/internal/ppks"
)

// Kind is what a cell holds, and so how each writer shows it.
type Kind int

// Cell kinds.
const (
	Text    Kind = iota
	Count        // whole persons
	Rupiah       // whole rupiah
	Percent      // a percentage, exact, shown rounded half up to two decimals
	Year         // a calendar year: a number, written without separators
)

// Cell is one value of a table. An empty cell has no value (shown "-" to people, left
// blank for machines).
type Cell struct {
	Kind    Kind
	Text    string   // Text
	Number  int64    // Count, Rupiah, Year
	Percent *big.Rat // Percent: percent points (112.59 for 653 of 580), exact
	Empty   bool
}

func txt(s string) Cell { return Cell{Kind: Text, Text: s} }
func num(n int) Cell    { return Cell{Kind: Count, Number: int64(n)} }
func rp(n int64) Cell   { return Cell{Kind: Rupiah, Number: n} }
func none() Cell        { return Cell{Kind: Text, Empty: true} }
func year(y int) Cell   { return Cell{Kind: Year, Number: int64(y)} }

func optCount(n *int) Cell {
	if n == nil {
		return Cell{Kind: Count, Empty: true}
	}
	return num(*n)
}

func pct(r *big.Rat) Cell {
	if r == nil {
		return Cell{Kind: Percent, Empty: true}
	}
	return Cell{Kind: Percent, Percent: r}
}

// rounded returns a percent cell's value as shown: rounded half up to two decimals.
func (c Cell) rounded() *big.Rat { return ppks.RoundHalfUp(c.Percent, 2) }

// Display writes the cell for people to read: Indonesian number formatting
// (5.319.338.072, 93,93 %), "-" for no value.
func (c Cell) Display() string {
	if c.Empty {
		return "-"
	}
	switch c.Kind {
	case Count:
		return idInt(c.Number)
	case Rupiah:
		return "Rp " + idInt(c.Number)
	case Percent:
		return idDecimal(c.rounded()) + " %"
	case Year:
		return strconv.FormatInt(c.Number, 10)
	}
	return c.Text
}

// Raw writes the cell for machines: plain numbers with '.' as the decimal point, ""
// for no value.
func (c Cell) Raw() string {
	if c.Empty {
		return ""
	}
	switch c.Kind {
	case Count, Rupiah, Year:
		return strconv.FormatInt(c.Number, 10)
	case Percent:
		return c.rounded().FloatString(2)
	}
	return c.Text
}
