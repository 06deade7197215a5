package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// GetYearLock returns the lock of a year, NotFound while the year is open.
func (db *DB) GetYearLock(ctx context.Context, year int) (*ppks.YearLock, error) {
	var out *ppks.YearLock
	err := db.read(ctx, "get year lock", func(tx *sql.Tx) (err error) {
		out, err = findYearLock(ctx, tx, year)
		return err
	})
	return out, err
}

// CreateYearLock stores the lock build returns, build running in the write transaction.
func (db *DB) CreateYearLock(ctx context.Context, op ppks.Op, year int, build func() (*ppks.YearLock, error)) (*ppks.YearLock, error) {
	var out *ppks.YearLock
	err := db.write(ctx, "create year lock", func(ctx context.Context, tx *sql.Tx) error {
		name, found, err := findRequest(ctx, tx, op.Key)
		if err != nil {
			return err
		}
		if found {
			y, err := strconv.Atoi(name[len("reports/"):])
			if err != nil {
				return fmt.Errorf("stored resource %q: %w", name, err)
			}
			out, err = findYearLock(ctx, tx, y)
			return err
		}
		if _, err := findYearLock(ctx, tx, year); err == nil {
			return alreadyExists(ppks.ReportName(year))
		} else if ppks.KindOf(err) != ppks.KindNotFound {
			return err
		}
		l, err := build()
		if err := callback(err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO year_locks (year, lock_time, username, snapshot, content_hash)
			VALUES (?, ?, ?, ?, ?)`, year, micros(l.LockTime), l.Username, l.Snapshot, l.Hash); err != nil {
			if constraint(err) == sqlite3.SQLITE_CONSTRAINT_TRIGGER {
				return alreadyExists(ppks.ReportName(year))
			}
			return err
		}
		if err := recordOp(ctx, tx, op, ppks.ReportName(year)); err != nil {
			return err
		}
		out, err = findYearLock(ctx, tx, year)
		return err
	})
	return out, err
}

func findYearLock(ctx context.Context, tx *sql.Tx, year int) (*ppks.YearLock, error) {
	var (
		l  ppks.YearLock
		lt int64
	)
	err := tx.QueryRowContext(ctx, `SELECT year, lock_time, username, snapshot, content_hash FROM year_locks
		WHERE year = ?`, year).Scan(&l.Year, &lt, &l.Username, &l.Snapshot, &l.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound(ppks.ReportName(year) + "/lock")
	}
	l.LockTime = fromMicros(lt)
	return &l, err
}

// CreateAmendment stores the amendment build returns.
func (db *DB) CreateAmendment(ctx context.Context, op ppks.Op, year int, build func() (*ppks.Amendment, error)) (*ppks.Amendment, error) {
	var out *ppks.Amendment
	err := db.write(ctx, "create amendment", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayAmendment); done || err != nil {
			return err
		}
		a, err := build()
		if err := callback(err); err != nil {
			return err
		}
		a.Year = year
		if _, err := tx.ExecContext(ctx, `INSERT INTO amendments (id, year, reason, opened_by, create_time,
			expire_time, close_time, closed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, year, a.Reason, a.OpenedBy, micros(a.CreateTime), micros(a.ExpireTime), nullMicros(a.CloseTime),
			a.ClosedBy); err != nil {
			if constraint(err) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
				return alreadyExists(a.Name())
			}
			return err
		}
		if err := recordOp(ctx, tx, op, a.Name()); err != nil {
			return err
		}
		out, err = findAmendment(ctx, tx, year, a.ID)
		return err
	})
	return out, err
}

// GetAmendment returns an amendment of a year.
func (db *DB) GetAmendment(ctx context.Context, year int, id string) (*ppks.Amendment, error) {
	var out *ppks.Amendment
	err := db.read(ctx, "get amendment", func(tx *sql.Tx) (err error) {
		out, err = findAmendment(ctx, tx, year, id)
		return err
	})
	return out, err
}

// ListAmendments lists the amendments of a year by id (time-ordered).
func (db *DB) ListAmendments(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.Amendment, error) {
	var out []*ppks.Amendment
	err := db.read(ctx, "list amendments", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+amendmentColumns+` FROM amendments WHERE year = ? AND id > ?
			ORDER BY id LIMIT ?`, []any{year, p.After, limit(p)}, scanAmendment)
		return err
	})
	return out, err
}

// UpdateAmendment reads an amendment, lets update change it and stores it.
func (db *DB) UpdateAmendment(ctx context.Context, op ppks.Op, year int, id string, update func(*ppks.Amendment) error) (*ppks.Amendment, error) {
	var out *ppks.Amendment
	err := db.write(ctx, "update amendment", func(ctx context.Context, tx *sql.Tx) error {
		if done, err := replayed(ctx, tx, op.Key, &out, replayAmendment); done || err != nil {
			return err
		}
		a, err := findAmendment(ctx, tx, year, id)
		if err != nil {
			return err
		}
		if err := callback(update(a)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE amendments SET reason = ?, expire_time = ?, close_time = ?,
			closed_by = ? WHERE id = ? AND year = ?`, a.Reason, micros(a.ExpireTime), nullMicros(a.CloseTime),
			a.ClosedBy, id, year); err != nil {
			return err
		}
		if err := recordOp(ctx, tx, op, a.Name()); err != nil {
			return err
		}
		out, err = findAmendment(ctx, tx, year, id)
		return err
	})
	return out, err
}

// OpenAmendment returns the amendment of the year open at t, NotFound when none.
func (db *DB) OpenAmendment(ctx context.Context, year int, t time.Time) (*ppks.Amendment, error) {
	var out *ppks.Amendment
	err := db.read(ctx, "open amendment", func(tx *sql.Tx) error {
		list, err := queryRows(ctx, tx, `SELECT `+amendmentColumns+` FROM amendments
			WHERE year = ? AND create_time <= ? AND expire_time > ? AND (close_time IS NULL OR close_time > ?)
			ORDER BY id LIMIT 1`, []any{year, micros(t), micros(t), micros(t)}, scanAmendment)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return ppks.NotFound(ppks.ReportName(year) + "/amendments/-")
		}
		out = list[0]
		return nil
	})
	return out, err
}

const amendmentColumns = `id, year, reason, opened_by, create_time, expire_time, close_time, closed_by`

func scanAmendment(s scanner) (*ppks.Amendment, error) {
	var (
		a      ppks.Amendment
		ct, et int64
		cl     sql.NullInt64
	)
	if err := s.Scan(&a.ID, &a.Year, &a.Reason, &a.OpenedBy, &ct, &et, &cl, &a.ClosedBy); err != nil {
		return nil, err
	}
	a.CreateTime, a.ExpireTime, a.CloseTime = fromMicros(ct), fromMicros(et), fromNullMicros(cl)
	return &a, nil
}

func findAmendment(ctx context.Context, tx *sql.Tx, year int, id string) (*ppks.Amendment, error) {
	a, err := scanAmendment(tx.QueryRowContext(ctx, `SELECT `+amendmentColumns+` FROM amendments
		WHERE year = ? AND id = ?`, year, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound((&ppks.Amendment{Year: year, ID: id}).Name())
	}
	return a, err
}

func replayAmendment(ctx context.Context, tx *sql.Tx, name string) (*ppks.Amendment, error) {
	ids, err := splitName(name, "reports", "amendments")
	if err != nil {
		return nil, err
	}
	year, err := strconv.Atoi(ids[0])
	if err != nil {
		return nil, fmt.Errorf("stored resource %q: %w", name, err)
	}
	return findAmendment(ctx, tx, year, ids[1])
}

// GetStrategicPlan returns the Renstra period of an indicator.
func (db *DB) GetStrategicPlan(ctx context.Context, indicator string) (*ppks.StrategicPlan, error) {
	var out *ppks.StrategicPlan
	err := db.read(ctx, "get strategic plan", func(tx *sql.Tx) (err error) {
		out, err = findStrategicPlan(ctx, tx, indicator)
		return err
	})
	return out, err
}

// UpsertStrategicPlan reads the plan (a fresh one when there is none), lets update change
// it and stores it.
func (db *DB) UpsertStrategicPlan(ctx context.Context, op ppks.Op, indicator string, update func(*ppks.StrategicPlan, bool) error) (*ppks.StrategicPlan, error) {
	var out *ppks.StrategicPlan
	err := db.write(ctx, "upsert strategic plan", func(ctx context.Context, tx *sql.Tx) error {
		p, err := findStrategicPlan(ctx, tx, indicator)
		exists := err == nil
		switch {
		case ppks.KindOf(err) == ppks.KindNotFound:
			p = &ppks.StrategicPlan{Indicator: indicator}
		case err != nil:
			return err
		}
		if err := callback(update(p, exists)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO strategic_plans (indicator, start_year, end_year,
			baseline_year, baseline, update_time) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (indicator) DO UPDATE SET start_year = excluded.start_year, end_year = excluded.end_year,
			baseline_year = excluded.baseline_year, baseline = excluded.baseline, update_time = excluded.update_time`,
			indicator, p.StartYear, p.EndYear, p.BaselineYear, nullInt(p.Baseline), micros(p.UpdateTime)); err != nil {
			return err
		}
		if err := recordOp(ctx, tx, op, p.Name()); err != nil {
			return err
		}
		out, err = findStrategicPlan(ctx, tx, indicator)
		return err
	})
	return out, err
}

func findStrategicPlan(ctx context.Context, tx *sql.Tx, indicator string) (*ppks.StrategicPlan, error) {
	var (
		p        ppks.StrategicPlan
		baseline sql.NullInt64
		ut       int64
	)
	err := tx.QueryRowContext(ctx, `SELECT indicator, start_year, end_year, baseline_year, baseline, update_time
		FROM strategic_plans WHERE indicator = ?`, indicator).Scan(&p.Indicator, &p.StartYear, &p.EndYear,
		&p.BaselineYear, &baseline, &ut)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ppks.NotFound("indicators/" + indicator + "/strategicPlan")
	}
	p.Baseline, p.UpdateTime = fromNullInt(baseline), fromMicros(ut)
	return &p, err
}
