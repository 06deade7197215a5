package ppks

import (
	"math/rand/v2"
	"testing"
)

// determined reports, for each hidden cell of the augmented table (values with totals),
// whether the shown values fix it: whether its unit vector lies in the row space of the
// equations "each row and each column sums to its total". Written independently of
// Suppress: plain Gaussian elimination modulo a prime (the system is totally unimodular,
// so its rank is the same as over the rationals).
func determined(values [][]int, hidden [][]bool) [][]bool {
	const p = 1_000_000_007
	m, n := len(values), len(values[0])
	var unknowns [][2]int
	index := map[[2]int]int{}
	for r := 0; r <= m; r++ {
		for c := 0; c <= n; c++ {
			if hidden[r][c] {
				index[[2]int{r, c}] = len(unknowns)
				unknowns = append(unknowns, [2]int{r, c})
			}
		}
	}
	k := len(unknowns)
	var rows [][]int64
	eq := func(cells [][2]int, signs []int64) {
		row := make([]int64, k)
		nonzero := false
		for i, cell := range cells {
			if j, ok := index[cell]; ok {
				row[j] = (row[j] + signs[i] + p) % p
				nonzero = true
			}
		}
		if nonzero {
			rows = append(rows, row)
		}
	}
	// Row r (data rows and the column-totals row): its cells sum to its total.
	for r := 0; r <= m; r++ {
		var cells [][2]int
		var signs []int64
		for c := 0; c < n; c++ {
			cells, signs = append(cells, [2]int{r, c}), append(signs, 1)
		}
		eq(append(cells, [2]int{r, n}), append(signs, -1))
	}
	for c := 0; c <= n; c++ {
		var cells [][2]int
		var signs []int64
		for r := 0; r < m; r++ {
			cells, signs = append(cells, [2]int{r, c}), append(signs, 1)
		}
		eq(append(cells, [2]int{m, c}), append(signs, -1))
	}
	// Reduce to row echelon form.
	var basis [][]int64
	var pivots []int
	reduce := func(v []int64) []int64 {
		v = append([]int64(nil), v...)
		for i, b := range basis {
			if f := v[pivots[i]]; f != 0 {
				for j := range v {
					v[j] = ((v[j]-f*b[j])%p + p) % p
				}
			}
		}
		return v
	}
	for _, row := range rows {
		v := reduce(row)
		for j, x := range v {
			if x != 0 {
				inv := modInv(x, p)
				for jj := range v {
					v[jj] = v[jj] * inv % p
				}
				// Keep the basis reduced at the new pivot.
				for i, b := range basis {
					if f := b[j]; f != 0 {
						for jj := range b {
							b[jj] = ((b[jj]-f*v[jj])%p + p) % p
						}
						basis[i] = b
					}
				}
				basis, pivots = append(basis, v), append(pivots, j)
				break
			}
		}
	}
	out := make([][]bool, m+1)
	for r := range out {
		out[r] = make([]bool, n+1)
	}
	for j, cell := range unknowns {
		e := make([]int64, k)
		e[j] = 1
		zero := true
		for _, x := range reduce(e) {
			if x != 0 {
				zero = false
			}
		}
		out[cell[0]][cell[1]] = zero
	}
	return out
}

func modInv(a, p int64) int64 {
	r, b, e := int64(1), a%p, p-2
	for e > 0 {
		if e&1 == 1 {
			r = r * b % p
		}
		b = b * b % p
		e >>= 1
	}
	return r
}

// checkSuppression fails t when a small count is shown, a zero is hidden, or a hidden
// count can be recomputed from the shown ones.
func checkSuppression(t *testing.T, values [][]int, threshold int) {
	t.Helper()
	hidden := Suppress(values, threshold)
	aug := newAugmented(values).v
	for r := range aug {
		for c := range aug[r] {
			v := aug[r][c]
			switch {
			case v >= 1 && v <= threshold && !hidden[r][c]:
				t.Fatalf("%v: small count %d at [%d][%d] shown", values, v, r, c)
			case v == 0 && hidden[r][c]:
				t.Fatalf("%v: zero at [%d][%d] hidden", values, r, c)
			}
		}
	}
	det := determined(values, hidden)
	for r := range det {
		for c := range det[r] {
			if det[r][c] {
				t.Fatalf("%v: hidden [%d][%d] = %d can be recomputed; hidden %v", values, r, c, aug[r][c], hidden)
			}
		}
	}
}

// shortTables is how many tables of a shape -short checks at most.
const shortTables = 5000

// Every 2x3 and 3x3 table over a few values, and threshold 2 and 3: no small count shown,
// and no hidden count recomputable from the row and column totals shown beside it.
func TestSuppressExhaustive(t *testing.T) {
	for _, shape := range []struct {
		rows, cols int
		values     []int
	}{
		{2, 2, []int{0, 1, 2, 3, 7}},
		{2, 3, []int{0, 1, 2, 4, 9}},
		{3, 3, []int{0, 1, 3, 6}},
		{1, 4, []int{0, 1, 4}},
		{4, 1, []int{0, 2, 5}},
	} {
		cells := shape.rows * shape.cols
		total := 1
		for range cells {
			total *= len(shape.values)
		}
		// -short checks an evenly spread sample of the large shapes (3x3 has 262,144
		// tables); the full run, CI's, checks every table.
		step := 1
		if testing.Short() && total > shortTables {
			step = total/shortTables | 1 // odd, so the first cell takes every value too
		}
		for threshold := 2; threshold <= 3; threshold++ {
			for code := 0; code < total; code += step {
				values := make([][]int, shape.rows)
				x := code
				for r := range values {
					values[r] = make([]int, shape.cols)
					for c := range values[r] {
						values[r][c] = shape.values[x%len(shape.values)]
						x /= len(shape.values)
					}
				}
				checkSuppression(t, values, threshold)
			}
		}
	}
}

// Tables the size of a kabupaten's breakdown (18 kecamatan x 8 types), sparse and dense.
func TestSuppressRandomLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 2024))
	for i := 0; i < 300; i++ {
		values := make([][]int, 18)
		for r := range values {
			values[r] = make([]int, 8)
			for c := range values[r] {
				if rng.IntN(3) > 0 {
					values[r][c] = rng.IntN(12)
				}
			}
		}
		checkSuppression(t, values, 1+i%5)
	}
}

func TestSuppressNothingSmall(t *testing.T) {
	values := [][]int{{10, 0, 12}, {0, 0, 0}, {7, 8, 9}}
	for r, row := range Suppress(values, 3) {
		for c, h := range row {
			if h {
				t.Errorf("[%d][%d] hidden in a table without small counts", r, c)
			}
		}
	}
}
