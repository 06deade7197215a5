package postgres

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// GetTarget returns the targets of an indicator for a year.
func (q queries) GetTarget(ctx context.Context, indicator string, year int) (*ppks.Target, error) {
	var out *ppks.Target
	err := q.read(ctx, "get target", true, func(tx querier) (err error) {
		out, err = scanTarget(tx.QueryRow(ctx, `SELECT `+targetColumns+` FROM targets
			WHERE indicator = $1 AND year = $2`, indicator, year))
		if errors.Is(err, pgx.ErrNoRows) {
			return ppks.NotFound((&ppks.Target{Indicator: indicator, Year: year}).Name())
		}
		return err
	})
	return out, err
}

// ListTargets lists the targets of an indicator by year; PageRequest.After is a year.
func (q queries) ListTargets(ctx context.Context, indicator string, p ppks.PageRequest) ([]*ppks.Target, error) {
	var w where
	w.add("indicator = ?", indicator)
	if p.After != "" {
		after, err := strconv.Atoi(p.After)
		if err != nil {
			return nil, invalidPageToken()
		}
		w.add("year > ?", after)
	}
	query := `SELECT ` + targetColumns + ` FROM targets` + w.String() + ` ORDER BY year LIMIT ` + w.arg(limit(p))
	var out []*ppks.Target
	err := q.read(ctx, "list targets", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, query, w.args, scanTarget)
		return err
	})
	return out, err
}

// PutTarget stores the targets of a year, new or not.
func (t *txn) PutTarget(ctx context.Context, tg *ppks.Target) error {
	_, err := t.exec(ctx, "put target", `INSERT INTO targets (indicator, year, value, renstra_value,
		historical_value, update_time) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (indicator, year) DO UPDATE SET value = excluded.value,
		renstra_value = excluded.renstra_value, historical_value = excluded.historical_value,
		update_time = excluded.update_time`,
		tg.Indicator, tg.Year, nullInt(tg.Value), nullInt(tg.Renstra), nullInt(tg.Historical), tg.UpdateTime)
	return err
}

const targetColumns = `indicator, year, value, renstra_value, historical_value, update_time`

func scanTarget(s pgx.Row) (*ppks.Target, error) {
	var (
		t                          ppks.Target
		value, renstra, historical *int64
	)
	if err := s.Scan(&t.Indicator, &t.Year, &value, &renstra, &historical, &t.UpdateTime); err != nil {
		return nil, err
	}
	t.Value, t.Renstra, t.Historical = fromNullInt(value), fromNullInt(renstra), fromNullInt(historical)
	t.UpdateTime = utc(t.UpdateTime)
	return &t, nil
}
