package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// ListPending lists the active interventions waiting for verification, oldest delivery
// first, through the partial index of migration 0008 (named, since the planner would
// rather take interventions_verification and sort the whole queue). Its conditions are
// literal so that they match the index's WHERE.
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
	query := `SELECT ` + interventionColumns + ` FROM interventions i INDEXED BY interventions_pending
		JOIN cases c ON c.id = i.case_id JOIN beneficiaries b ON b.id = i.beneficiary_id` + w.String() + ` ORDER BY i.delivered_on, i.id LIMIT ?`
	var out []*ppks.Intervention
	err := q.read(ctx, "list pending", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, query, append(w.args, limit(p)), scanIntervention)
		return err
	})
	return out, err
}

// CountPending sums the maintained counts of the queue (pending_counts) over the months;
// without a range of months it reads their sums (pending_totals).
func (q queries) CountPending(ctx context.Context, fromMonth, toMonth string) ([]ppks.PendingCount, error) {
	if fromMonth == "" && toMonth == "" {
		var out []ppks.PendingCount
		err := q.read(ctx, "count pending", func(tx *sql.Tx) (err error) {
			out, err = queryRows(ctx, tx, `SELECT kecamatan_code, intervention_type, worker, n FROM pending_totals WHERE n > 0`,
				nil, func(s scanner) (c ppks.PendingCount, err error) {
					return c, s.Scan(&c.KecamatanCode, &c.InterventionType, &c.Worker, &c.N)
				})
			return err
		})
		return out, err
	}
	var w where
	w.add("n > 0")
	if fromMonth != "" {
		w.add("month >= ?", fromMonth)
	}
	if toMonth != "" {
		w.add("month <= ?", toMonth)
	}
	query := `SELECT kecamatan_code, intervention_type, worker, SUM(n) FROM pending_counts` + w.String() +
		` GROUP BY kecamatan_code, intervention_type, worker`
	var out []ppks.PendingCount
	err := q.read(ctx, "count pending", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, query, w.args, func(s scanner) (c ppks.PendingCount, err error) {
			return c, s.Scan(&c.KecamatanCode, &c.InterventionType, &c.Worker, &c.N)
		})
		return err
	})
	return out, err
}

// KecamatanFacts reads the maintained pairs of the year attributed to the kecamatan.
func (q queries) KecamatanFacts(ctx context.Context, year int, kecamatan string) ([]ppks.CountFact, error) {
	var out []ppks.CountFact
	err := q.read(ctx, "kecamatan facts", func(tx *sql.Tx) (err error) {
		// From the index alone (count_pairs_kecamatan). The family is the one count_pairs
		// keeps for the types counted in families; other types do not use it.
		out, err = queryRows(ctx, tx, `SELECT intervention_type, beneficiary_id, first_on, kecamatan_code,
			ppks_type, verified, COALESCE(family_key, 'person:' || beneficiary_id)
			FROM count_pairs INDEXED BY count_pairs_kecamatan
			WHERE year = ? AND kecamatan_code = ? ORDER BY intervention_type, beneficiary_id`,
			[]any{year, kecamatan}, scanCountFact)
		return err
	})
	return out, err
}

// GetBeneficiaries reads the people with the ids in one query (a page of the queue names
// up to 50), following merged records to their survivors.
func (q queries) GetBeneficiaries(ctx context.Context, ids []string) ([]*ppks.Beneficiary, error) {
	var out []*ppks.Beneficiary
	if len(ids) == 0 {
		return nil, nil
	}
	err := q.read(ctx, "get beneficiaries", func(tx *sql.Tx) error {
		var w where
		w.in("b.id", ids)
		list, err := queryRows(ctx, tx, `SELECT `+beneficiaryColumns+` FROM beneficiaries b`+w.String(), w.args, scanBeneficiary)
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
