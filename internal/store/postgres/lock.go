package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opendinsos/ppks/internal/ppks"
)

// GetYearLock returns the lock of a year, NotFound while the year is open.
func (q queries) GetYearLock(ctx context.Context, year int) (*ppks.YearLock, error) {
	var out *ppks.YearLock
	err := q.read(ctx, "get year lock", true, func(tx querier) error {
		var l ppks.YearLock
		err := tx.QueryRow(ctx, `SELECT year, lock_time, username, snapshot, content_hash FROM year_locks
			WHERE year = $1`, year).Scan(&l.Year, &l.LockTime, &l.Username, &l.Snapshot, &l.Hash)
		if errors.Is(err, pgx.ErrNoRows) {
			return ppks.NotFound(ppks.ReportName(year) + "/lock")
		}
		l.LockTime = utc(l.LockTime)
		out = &l
		return err
	})
	return out, err
}

// YearLocked reports whether a year is locked, without reading its snapshot. Read in a
// write (ppks.YearOpen), it is what a concurrent lock conflicts with: the lock reads the
// year's interventions and writes year_locks, the write reads year_locks and writes an
// intervention, and serializable isolation lets only one of the two commit as it read.
func (q queries) YearLocked(ctx context.Context, year int) (bool, error) {
	var locked bool
	err := q.read(ctx, "year locked", true, func(tx querier) error {
		return tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM year_locks WHERE year = $1)`, year).Scan(&locked)
	})
	return locked, err
}

// InsertYearLock stores a year's lock; a locked year is AlreadyExists.
func (t *txn) InsertYearLock(ctx context.Context, l *ppks.YearLock) error {
	return mapErr(ctx, "insert year lock", func() error {
		tag, err := t.tx.Exec(ctx, `INSERT INTO year_locks (year, lock_time, username, snapshot, content_hash)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (year) DO NOTHING`, l.Year, l.LockTime, l.Username, l.Snapshot, l.Hash)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return alreadyExists(ppks.ReportName(l.Year))
		}
		return nil
	}())
}

// InsertAmendment stores an amendment.
func (t *txn) InsertAmendment(ctx context.Context, a *ppks.Amendment) error {
	return mapErr(ctx, "insert amendment", func() error {
		tag, err := t.tx.Exec(ctx, `INSERT INTO amendments (id, year, reason, opened_by, create_time,
			expire_time, close_time, closed_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
			a.ID, a.Year, a.Reason, a.OpenedBy, a.CreateTime, a.ExpireTime, nullTime(a.CloseTime), a.ClosedBy)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return alreadyExists(a.Name())
		}
		return nil
	}())
}

// GetAmendment returns an amendment of a year.
func (q queries) GetAmendment(ctx context.Context, year int, id string) (*ppks.Amendment, error) {
	var out *ppks.Amendment
	err := q.read(ctx, "get amendment", true, func(tx querier) (err error) {
		out, err = scanAmendment(tx.QueryRow(ctx, `SELECT `+amendmentColumns+` FROM amendments
			WHERE year = $1 AND id = $2`, year, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return ppks.NotFound((&ppks.Amendment{Year: year, ID: id}).Name())
		}
		return err
	})
	return out, err
}

// ListAmendments lists the amendments of a year by id (time-ordered).
func (q queries) ListAmendments(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.Amendment, error) {
	var out []*ppks.Amendment
	err := q.read(ctx, "list amendments", true, func(tx querier) (err error) {
		out, err = queryRows(ctx, tx, `SELECT `+amendmentColumns+` FROM amendments WHERE year = $1 AND id > $2
			ORDER BY id LIMIT $3`, []any{year, p.After, limit(p)}, scanAmendment)
		return err
	})
	return out, err
}

// UpdateAmendment stores an amendment's fields.
func (t *txn) UpdateAmendment(ctx context.Context, a *ppks.Amendment) error {
	return mapErr(ctx, "update amendment", func() error {
		tag, err := t.tx.Exec(ctx, `UPDATE amendments SET reason = $1, expire_time = $2, close_time = $3,
			closed_by = $4 WHERE id = $5 AND year = $6`, a.Reason, a.ExpireTime, nullTime(a.CloseTime),
			a.ClosedBy, a.ID, a.Year)
		if err != nil {
			return err
		}
		return changedSince(tag, a.Name())
	}())
}

// OpenAmendment returns the amendment of the year open at t, NotFound when none.
func (q queries) OpenAmendment(ctx context.Context, year int, t time.Time) (*ppks.Amendment, error) {
	var out *ppks.Amendment
	err := q.read(ctx, "open amendment", true, func(tx querier) error {
		list, err := queryRows(ctx, tx, `SELECT `+amendmentColumns+` FROM amendments
			WHERE year = $1 AND create_time <= $2 AND expire_time > $2 AND (close_time IS NULL OR close_time > $2)
			ORDER BY id LIMIT 1`, []any{year, t}, scanAmendment)
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

func scanAmendment(s pgx.Row) (*ppks.Amendment, error) {
	var (
		a  ppks.Amendment
		cl *time.Time
	)
	if err := s.Scan(&a.ID, &a.Year, &a.Reason, &a.OpenedBy, &a.CreateTime, &a.ExpireTime, &cl, &a.ClosedBy); err != nil {
		return nil, err
	}
	a.CreateTime, a.ExpireTime, a.CloseTime = utc(a.CreateTime), utc(a.ExpireTime), fromNullTime(cl)
	return &a, nil
}

// GetStrategicPlan returns the Renstra period of an indicator.
func (q queries) GetStrategicPlan(ctx context.Context, indicator string) (*ppks.StrategicPlan, error) {
	var out *ppks.StrategicPlan
	err := q.read(ctx, "get strategic plan", true, func(tx querier) error {
		var (
			p        ppks.StrategicPlan
			baseline *int64
		)
		err := tx.QueryRow(ctx, `SELECT indicator, start_year, end_year, baseline_year, baseline, update_time
			FROM strategic_plans WHERE indicator = $1`, indicator).Scan(&p.Indicator, &p.StartYear, &p.EndYear,
			&p.BaselineYear, &baseline, &p.UpdateTime)
		if errors.Is(err, pgx.ErrNoRows) {
			return ppks.NotFound("indicators/" + indicator + "/strategicPlan")
		}
		p.Baseline, p.UpdateTime = fromNullInt(baseline), utc(p.UpdateTime)
		out = &p
		return err
	})
	return out, err
}

// PutStrategicPlan stores the Renstra period of an indicator.
func (t *txn) PutStrategicPlan(ctx context.Context, p *ppks.StrategicPlan) error {
	_, err := t.exec(ctx, "put strategic plan", `INSERT INTO strategic_plans (indicator, start_year, end_year,
		baseline_year, baseline, update_time) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (indicator) DO UPDATE SET start_year = excluded.start_year, end_year = excluded.end_year,
		baseline_year = excluded.baseline_year, baseline = excluded.baseline, update_time = excluded.update_time`,
		p.Indicator, p.StartYear, p.EndYear, p.BaselineYear, nullInt(p.Baseline), p.UpdateTime)
	return err
}
