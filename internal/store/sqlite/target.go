package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/opendinsos/ppks/internal/ppks"
)

// GetTarget returns the targets of an indicator for a year.
func (q queries) GetTarget(ctx context.Context, indicator string, year int) (*ppks.Target, error) {
	var out *ppks.Target
	err := q.read(ctx, "get target", func(tx *sql.Tx) (err error) {
		out, err = findTarget(ctx, tx, indicator, year)
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
	query := `SELECT ` + targetColumns + ` FROM targets` + w.String() + ` ORDER BY year LIMIT ?`
	var out []*ppks.Target
	err := q.read(ctx, "list targets", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, query, append(w.args, limit(p)), scanTarget)
		return err
	})
	return out, err
}

// PutTarget stores the targets of a year, new or not.
func (t *txn) PutTarget(ctx context.Context, tg *ppks.Target) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO targets (indicator, year, value, renstra_value,
		historical_value, update_time) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (indicator, year) DO UPDATE SET value = excluded.value,
		renstra_value = excluded.renstra_value, historical_value = excluded.historical_value,
		update_time = excluded.update_time`,
		tg.Indicator, tg.Year, nullInt(tg.Value), nullInt(tg.Renstra), nullInt(tg.Historical), micros(tg.UpdateTime))
	return mapErr(ctx, "put target", err)
}

const targetColumns = `indicator, year, value, renstra_value, historical_value, update_time`

func scanTarget(s scanner) (*ppks.Target, error) {
	var (
		t                          ppks.Target
		value, renstra, historical sql.NullInt64
		ut                         int64
	)
	if err := s.Scan(&t.Indicator, &t.Year, &value, &renstra, &historical, &ut); err != nil {
		return nil, err
	}
	t.Value, t.Renstra, t.Historical = fromNullInt(value), fromNullInt(renstra), fromNullInt(historical)
	t.UpdateTime = fromMicros(ut)
	return &t, nil
}

// findTarget reads the targets of a year, NotFound when there are none.
func findTarget(ctx context.Context, tx *sql.Tx, indicator string, year int) (*ppks.Target, error) {
	t, err := scanTarget(tx.QueryRowContext(ctx, `SELECT `+targetColumns+` FROM targets
		WHERE indicator = ? AND year = ?`, indicator, year))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound((&ppks.Target{Indicator: indicator, Year: year}).Name())
	}
	return t, err
}
