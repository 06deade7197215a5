package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
	sqlite3 "modernc.org/sqlite/lib"
)

// GetYearLock returns the lock of a year, NotFound while the year is open.
func (q queries) GetYearLock(ctx context.Context, year int) (*ppks.YearLock, error) {
	var out *ppks.YearLock
	err := q.read(ctx, "get year lock", func(tx *sql.Tx) (err error) {
		out, err = findYearLock(ctx, tx, year)
		return err
	})
	return out, err
}

// YearLocked reports whether a year is locked, without reading its snapshot.
func (q queries) YearLocked(ctx context.Context, year int) (bool, error) {
	var locked bool
	err := q.read(ctx, "year locked", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM year_locks WHERE year = ?)`, year).Scan(&locked)
	})
	return locked, err
}

// InsertYearLock stores a year's lock; a locked year is AlreadyExists.
func (t *txn) InsertYearLock(ctx context.Context, l *ppks.YearLock) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO year_locks (year, lock_time, username, snapshot, content_hash)
		VALUES (?, ?, ?, ?, ?)`, l.Year, micros(l.LockTime), l.Username, l.Snapshot, l.Hash)
	if code := constraint(err); code == sqlite3.SQLITE_CONSTRAINT_TRIGGER || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		err = alreadyExists(ppks.ReportName(l.Year))
	}
	return mapErr(ctx, "insert year lock", err)
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

// InsertAmendment stores an amendment.
func (t *txn) InsertAmendment(ctx context.Context, a *ppks.Amendment) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO amendments (id, year, reason, opened_by, create_time,
		expire_time, close_time, closed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Year, a.Reason, a.OpenedBy, micros(a.CreateTime), micros(a.ExpireTime), nullMicros(a.CloseTime), a.ClosedBy)
	if constraint(err) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		err = alreadyExists(a.Name())
	}
	return mapErr(ctx, "insert amendment", err)
}

// GetAmendment returns an amendment of a year.
func (q queries) GetAmendment(ctx context.Context, year int, id string) (*ppks.Amendment, error) {
	var out *ppks.Amendment
	err := q.read(ctx, "get amendment", func(tx *sql.Tx) (err error) {
		out, err = findAmendment(ctx, tx, year, id)
		return err
	})
	return out, err
}

// ListAmendments lists the amendments of a year by id (time-ordered).
func (q queries) ListAmendments(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.Amendment, error) {
	var out []*ppks.Amendment
	err := q.read(ctx, "list amendments", func(tx *sql.Tx) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+amendmentColumns+` FROM amendments WHERE year = ? AND id > ?
			ORDER BY id LIMIT ?`, []any{year, p.After, limit(p)}, scanAmendment)
		return err
	})
	return out, err
}

// UpdateAmendment stores an amendment's fields.
func (t *txn) UpdateAmendment(ctx context.Context, a *ppks.Amendment) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE amendments SET reason = ?, expire_time = ?, close_time = ?,
		closed_by = ? WHERE id = ? AND year = ?`, a.Reason, micros(a.ExpireTime), nullMicros(a.CloseTime),
		a.ClosedBy, a.ID, a.Year)
	if err == nil {
		err = changedSince(res, a.Name())
	}
	return mapErr(ctx, "update amendment", err)
}

// OpenAmendment returns the amendment of the year open at t, NotFound when none.
func (q queries) OpenAmendment(ctx context.Context, year int, t time.Time) (*ppks.Amendment, error) {
	var out *ppks.Amendment
	err := q.read(ctx, "open amendment", func(tx *sql.Tx) error {
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

// GetStrategicPlan returns the Renstra period of an indicator.
func (q queries) GetStrategicPlan(ctx context.Context, indicator string) (*ppks.StrategicPlan, error) {
	var out *ppks.StrategicPlan
	err := q.read(ctx, "get strategic plan", func(tx *sql.Tx) (err error) {
		out, err = findStrategicPlan(ctx, tx, indicator)
		return err
	})
	return out, err
}

// PutStrategicPlan stores the Renstra period of an indicator.
func (t *txn) PutStrategicPlan(ctx context.Context, p *ppks.StrategicPlan) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO strategic_plans (indicator, start_year, end_year,
		baseline_year, baseline, update_time) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (indicator) DO UPDATE SET start_year = excluded.start_year, end_year = excluded.end_year,
		baseline_year = excluded.baseline_year, baseline = excluded.baseline, update_time = excluded.update_time`,
		p.Indicator, p.StartYear, p.EndYear, p.BaselineYear, nullInt(p.Baseline), micros(p.UpdateTime))
	return mapErr(ctx, "put strategic plan", err)
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
