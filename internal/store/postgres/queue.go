package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// ListPending lists the active interventions waiting for verification, oldest delivery
// first, through the partial index of migration 0002 (interventions_pending): its
// conditions are literal so that the planner matches the index's WHERE.
func (q queries) ListPending(ctx context.Context, f ppks.PendingFilter, p ppks.PageRequest) ([]*ppks.Intervention, error) {
	var w where
	w.add("i.verification = 1 AND i.state = 1") // ppks.VerificationPending, ppks.InterventionActive
	if p.After != "" {
		on, id, ok := strings.Cut(p.After, "|")
		if !ok {
			return nil, invalidPageToken()
		}
		w.add("(i.delivered_on, i.id) > (?, ?)", on, id)
	}
	if f.KecamatanCode != "" {
		w.add("i.kecamatan_code = ?", f.KecamatanCode)
	}
	if f.InterventionType != "" {
		w.add("i.intervention_type = ?", f.InterventionType)
	}
	if f.Worker != "" {
		w.add("i.worker = ?", f.Worker)
	}
	if !f.From.IsZero() {
		w.add("i.delivered_on >= ?", fmt.Sprintf("%04d-%02d-01", f.From.Year, f.From.Month))
	}
	if !f.To.IsZero() {
		w.add("i.delivered_on <= ?", fmt.Sprintf("%04d-%02d-31", f.To.Year, f.To.Month))
	}
	query := `SELECT ` + interventionColumns + interventionFrom + w.String() +
		` ORDER BY i.delivered_on, i.id LIMIT ` + w.arg(limit(p))
	var out []*ppks.Intervention
	err := q.read(ctx, "list pending", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, query, w.args, scanIntervention)
		return err
	})
	return out, err
}

// CountPending sums the maintained counts of the queue and their deltas not folded yet
// (migrations/0002_web.sql) over the months; without a range of months it reads their
// sums (pending_totals). One statement: one snapshot, whatever the compactor does.
func (q queries) CountPending(ctx context.Context, fromMonth, toMonth string) ([]ppks.PendingCount, error) {
	var query string
	var w where
	if fromMonth == "" && toMonth == "" {
		query = `SELECT kecamatan_code, intervention_type, worker, sum(n) FROM (
			SELECT kecamatan_code, intervention_type, worker, n FROM pending_totals
			UNION ALL
			SELECT kecamatan_code, intervention_type, worker, n FROM pending_deltas
		) s GROUP BY 1, 2, 3 HAVING sum(n) > 0`
	} else {
		if fromMonth != "" {
			w.add("month >= ?", fromMonth)
		}
		if toMonth != "" {
			w.add("month <= ?", toMonth)
		}
		query = `SELECT kecamatan_code, intervention_type, worker, sum(n) FROM (
			SELECT kecamatan_code, intervention_type, worker, n FROM pending_counts` + w.String() + `
			UNION ALL
			SELECT kecamatan_code, intervention_type, worker, n FROM pending_deltas` + w.String() + `
		) s GROUP BY 1, 2, 3 HAVING sum(n) > 0`
	}
	var out []ppks.PendingCount
	err := q.read(ctx, "count pending", true, func(tx querier) error {
		rows, err := tx.Query(ctx, query, w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c ppks.PendingCount
			var n int64
			if err := rows.Scan(&c.KecamatanCode, &c.InterventionType, &c.Worker, &n); err != nil {
				return err
			}
			c.N = int(n)
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// KecamatanFacts reads the maintained pairs of the year attributed to the kecamatan, from
// the index alone (count_pairs_kecamatan). The family is the one count_pairs keeps for the
// types counted in families; other types do not use it.
func (q queries) KecamatanFacts(ctx context.Context, year int, kecamatan string) ([]ppks.CountFact, error) {
	var out []ppks.CountFact
	err := q.read(ctx, "kecamatan facts", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, `SELECT intervention_type, beneficiary_id, first_on, kecamatan_code,
			ppks_type, verified, COALESCE(family_key, 'person:' || beneficiary_id)
			FROM count_pairs WHERE year = $1 AND kecamatan_code = $2 ORDER BY intervention_type, beneficiary_id`,
			[]any{year, kecamatan}, scanCountFact)
		return err
	})
	return out, err
}

// GetBeneficiaries reads the people with the ids in one query (a page of the queue names
// up to 50), following merged records to their survivors.
func (q queries) GetBeneficiaries(ctx context.Context, ids []string) ([]*ppks.Beneficiary, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []*ppks.Beneficiary
	err := q.read(ctx, "get beneficiaries", false, func(tx querier) error {
		out = nil // a read run again starts afresh
		list, err := queryRows(ctx, tx, `SELECT `+beneficiaryColumns+` FROM beneficiaries b WHERE b.id = ANY($1)`,
			[]any{ids}, scanBeneficiary)
		if err != nil {
			return err
		}
		for _, b := range list {
			if b.MergedInto != "" {
				if b, err = findLiveBeneficiary(ctx, tx, b.MergedInto); err != nil {
					return err
				}
			}
			out = append(out, b)
		}
		return nil
	})
	return out, err
}
