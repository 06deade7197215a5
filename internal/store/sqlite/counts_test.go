package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCountQueriesUseIndexes keeps the queries of count maintenance searches of an
// index: each runs in the transaction of a write, and a scan would make every write
// cost as much as the data.
func TestCountQueriesUseIndexes(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "ppks.db"))
	for _, tt := range []struct {
		name, query string
		args        []any
		want        string
		noSort      bool // a temporary B-tree would hold a whole year
	}{
		{"computePair", computePairQuery, []any{2, 2024, 1, "PERMAKANAN", "b", 3},
			"SEARCH i USING INDEX interventions_count (delivered_year=? AND state=? AND intervention_type=? AND beneficiary_id=?)", false},
		{"familyUnit", familyUnitQuery, []any{2024, "BIMBINGAN_SOSIAL_KELUARGA", "7306"},
			"SEARCH count_pairs USING INDEX count_pairs_family (year=? AND intervention_type=? AND family_key=?)", false},
		{"casePairs", casePairsQuery, []any{"c"}, "SEARCH interventions USING INDEX interventions_case_id (case_id=?)", false},
		// The rebuild groups a year's interventions in index order, without a sort.
		{"rebuildPairs", rebuildPairsQuery, []any{2024, 1, 3, 2, "[]"},
			"SEARCH i USING INDEX interventions_count (delivered_year=? AND state=?)", true},
	} {
		rows, err := db.reader.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+tt.query, tt.args...)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if text := strings.Join(plan, "\n"); !strings.Contains(text, tt.want) || tt.noSort && strings.Contains(text, "TEMP B-TREE") {
			t.Errorf("%s: plan does not contain %q, or sorts:\n%s", tt.name, tt.want, text)
		}
	}
}
