package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/opendinsos/ppks/internal/ppks"
)

// GetTarget returns the targets of an indicator for a year.
func (db *DB) GetTarget(ctx context.Context, indicator string, year int) (*ppks.Target, error) {
	var out *ppks.Target
	err := db.read(ctx, "get target", func(tx *sql.Tx) (err error) {
		out, err = findTarget(ctx, tx, indicator, year)
		return err
	})
	return out, err
}

// ListTargets lists the targets of an indicator by year; PageRequest.After is a year.
func (db *DB) ListTargets(ctx context.Context, indicator string, p ppks.PageRequest) ([]*ppks.Target, error) {
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
	err := db.read(ctx, "list targets", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, query, append(w.args, limit(p)), scanTarget)
		return err
	})
	return out, err
}

// UpsertTarget reads the year's targets (a fresh Target when there are none), lets update
// change them and stores them.
func (db *DB) UpsertTarget(ctx context.Context, op ppks.Op, indicator string, year int, update func(t *ppks.Target, exists bool) error) (*ppks.Target, error) {
	var out *ppks.Target
	err := db.write(ctx, "upsert target", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayTarget); done || err != nil {
			return err
		}
		t, err := findTarget(ctx, tx, indicator, year)
		exists := err == nil
		switch {
		case ppks.KindOf(err) == ppks.KindNotFound:
			t = &ppks.Target{Indicator: indicator, Year: year}
		case err != nil:
			return err
		}
		if err := callback(update(t, exists)); err != nil {
			return err
		}
		t.Indicator, t.Year = indicator, year
		if _, err := tx.ExecContext(ctx, `INSERT INTO targets (indicator, year, value, renstra_value,
			historical_value, update_time) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (indicator, year) DO UPDATE SET value = excluded.value,
			renstra_value = excluded.renstra_value, historical_value = excluded.historical_value,
			update_time = excluded.update_time`,
			indicator, year, nullInt(t.Value), nullInt(t.Renstra), nullInt(t.Historical), micros(t.UpdateTime)); err != nil {
			return err
		}
		if err := recordOp(ctx, tx, op, t.Name()); err != nil {
			return err
		}
		out, err = findTarget(ctx, tx, indicator, year)
		return err
	})
	return out, err
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

// replayTarget reads the targets a request answered before wrote.
func replayTarget(ctx context.Context, tx *sql.Tx, name string) (*ppks.Target, error) {
	ids, err := splitName(name, "indicators", "targets")
	if err != nil {
		return nil, err
	}
	year, err := strconv.Atoi(ids[1])
	if err != nil {
		return nil, fmt.Errorf("stored resource %q: %w", name, err)
	}
	return findTarget(ctx, tx, ids[0], year)
}
