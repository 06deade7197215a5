package ppks

// Small-cell suppression of a two-way table published with its row totals, column totals
// and grand total.
//
// Primary suppression hides every count from 1 to the threshold, totals included (a
// kecamatan that served two persons must not show its 2 in the total column either).
//
// Complementary suppression then hides further cells so that no hidden count can be
// recomputed from what is shown. Take the table with its totals as a bipartite graph: a
// node per row (the row of column totals included) and per column (the column of row
// totals included), an edge per cell. Moving every shown value to the right-hand side,
// each row and each column is a linear equation over the hidden cells, and with the
// totals' signs flipped every coefficient is +1: the system is the incidence matrix of
// the graph of hidden cells. A hidden cell is then determined by the shown values exactly
// when its edge is a bridge of that graph (its column of the incidence matrix is in the
// row space iff no cycle passes through it). So: while the graph of hidden cells has a
// bridge, close a cycle through it along the cheapest path of shown cells (cost: the
// counts hidden, totals far dearer than inner cells, zeros never), and repeat.
//
// Zeros are never hidden: every hidden cell is then at least 1, so along any cycle the
// counts can move by one in either direction and stay non-negative. Even an attacker who
// uses that counts are whole and not negative cannot pin a hidden cell down.

// DefaultSmallCellThreshold is the threshold when none is configured.
const DefaultSmallCellThreshold = 3

// marginCost makes hiding a total far dearer than hiding inner cells.
const marginCost = 1_000_000

// Suppress returns which cells of the table to hide: values is rows x columns of counts;
// the result has one more row (column totals) and one more column (row totals), the
// grand total at [rows][cols]. A threshold below 1 hides nothing.
func Suppress(values [][]int, threshold int) [][]bool {
	t := newAugmented(values)
	hidden := make([][]bool, t.rows)
	for r := range hidden {
		hidden[r] = make([]bool, t.cols)
		for c := range hidden[r] {
			v := t.v[r][c]
			hidden[r][c] = threshold >= 1 && v >= 1 && v <= threshold
		}
	}
	for {
		r, c, ok := t.bridge(hidden)
		if !ok {
			return hidden
		}
		for _, e := range t.cheapestPath(hidden, r, c) {
			hidden[e[0]][e[1]] = true
		}
	}
}

// augmented is the table with its totals: v[r][c] for rows+1 x cols+1.
type augmented struct {
	rows, cols int // including the totals
	v          [][]int
}

func newAugmented(values [][]int) *augmented {
	m := len(values)
	n := 0
	if m > 0 {
		n = len(values[0])
	}
	t := &augmented{rows: m + 1, cols: n + 1, v: make([][]int, m+1)}
	for r := range t.v {
		t.v[r] = make([]int, n+1)
	}
	for r := 0; r < m; r++ {
		for c := 0; c < n; c++ {
			x := values[r][c]
			t.v[r][c] = x
			t.v[r][n] += x
			t.v[m][c] += x
			t.v[m][n] += x
		}
	}
	return t
}

// Nodes: rows are 0..rows-1, columns rows..rows+cols-1.
func (t *augmented) node(col int) int { return t.rows + col }

func (t *augmented) isMargin(r, c int) bool { return r == t.rows-1 || c == t.cols-1 }

// bridge returns the first hidden cell, in row-major order, whose edge is a bridge of
// the graph of hidden cells.
func (t *augmented) bridge(hidden [][]bool) (int, int, bool) {
	n := t.rows + t.cols
	disc := make([]int, n)
	low := make([]int, n)
	timer := 0
	bridges := map[[2]int]bool{}
	var dfs func(u, parentEdge int)
	// Edges are identified by r*cols+c; parentEdge is the edge we came by.
	dfs = func(u, parentEdge int) {
		timer++
		disc[u], low[u] = timer, timer
		for _, e := range t.edges(hidden, u) {
			id := e[0]*t.cols + e[1]
			if id == parentEdge {
				continue
			}
			w := e[0]
			if u < t.rows {
				w = t.node(e[1])
			}
			if disc[w] == 0 {
				dfs(w, id)
				low[u] = min(low[u], low[w])
				if low[w] > disc[u] {
					bridges[e] = true
				}
			} else {
				low[u] = min(low[u], disc[w])
			}
		}
	}
	for u := 0; u < n; u++ {
		if disc[u] == 0 {
			dfs(u, -1)
		}
	}
	for r := 0; r < t.rows; r++ {
		for c := 0; c < t.cols; c++ {
			if bridges[[2]int{r, c}] {
				return r, c, true
			}
		}
	}
	return 0, 0, false
}

// edges returns the hidden cells at node u, as (row, column).
func (t *augmented) edges(hidden [][]bool, u int) [][2]int {
	var out [][2]int
	if u < t.rows {
		for c := 0; c < t.cols; c++ {
			if hidden[u][c] {
				out = append(out, [2]int{u, c})
			}
		}
		return out
	}
	c := u - t.rows
	for r := 0; r < t.rows; r++ {
		if hidden[r][c] {
			out = append(out, [2]int{r, c})
		}
	}
	return out
}

// cheapestPath returns the shown cells of the cheapest path from row r to column c that
// does not use the cell (r, c) itself, hidden cells costing nothing. Dijkstra over the
// complete bipartite graph of the table; ties go to the lower node, so the result is
// deterministic.
func (t *augmented) cheapestPath(hidden [][]bool, r, c int) [][2]int {
	n := t.rows + t.cols
	const inf = int64(1) << 62
	dist := make([]int64, n)
	prev := make([][2]int, n)
	done := make([]bool, n)
	for i := range dist {
		dist[i] = inf
	}
	dist[r] = 0
	target := t.node(c)
	for {
		u := -1
		for i := 0; i < n; i++ {
			if !done[i] && dist[i] < inf && (u < 0 || dist[i] < dist[u]) {
				u = i
			}
		}
		if u < 0 || u == target {
			break
		}
		done[u] = true
		for w := 0; w < n; w++ {
			if (u < t.rows) == (w < t.rows) || done[w] {
				continue
			}
			er, ec := u, w-t.rows
			if u >= t.rows {
				er, ec = w, u-t.rows
			}
			if er == r && ec == c {
				continue
			}
			cost := t.cost(hidden, er, ec)
			if cost >= inf {
				continue
			}
			if d := dist[u] + cost; d < dist[w] {
				dist[w] = d
				prev[w] = [2]int{er, ec}
			}
		}
	}
	if dist[target] >= inf {
		return nil // cannot happen for a hidden cell of at least 1 (see the package comment)
	}
	var path [][2]int
	for u := target; u != r; {
		e := prev[u]
		if !hidden[e[0]][e[1]] {
			path = append(path, e)
		}
		if u < t.rows {
			u = t.node(e[1])
		} else {
			u = e[0]
		}
	}
	return path
}

// cost of hiding a cell: nothing when hidden, its count when shown (totals dearer), and
// never for a zero.
func (t *augmented) cost(hidden [][]bool, r, c int) int64 {
	if hidden[r][c] {
		return 0
	}
	v := t.v[r][c]
	if v <= 0 {
		return int64(1) << 62
	}
	cost := int64(v)
	if t.isMargin(r, c) {
		cost += marginCost
	}
	return cost
}
