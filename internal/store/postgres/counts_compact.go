package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// timeNow is time.Now, named for the observers' start times.
var timeNow = time.Now

// compactLock is the advisory lock key of the compactor: one process folds at a time.
const compactLock = 0x70706b73_636f6d70 // "ppkscomp"

// compactQuery folds every delta visible to the statement into count_cells and deletes
// it, in one statement: a reader's single statement sees the deltas or their sum, never
// both or neither. Deltas appended meanwhile stay for the next round.
const compactQuery = `
WITH d AS (
	DELETE FROM count_deltas RETURNING year, intervention_type, dimension, key, units, verified
), s AS (
	SELECT year, intervention_type, dimension, key, sum(units) AS units, sum(verified) AS verified
	FROM d GROUP BY year, intervention_type, dimension, key
)
INSERT INTO count_cells (year, intervention_type, dimension, key, units, verified)
SELECT year, intervention_type, dimension, key, units, verified FROM s
ON CONFLICT (year, intervention_type, dimension, key)
DO UPDATE SET units = count_cells.units + excluded.units, verified = count_cells.verified + excluded.verified`

// compactPendingQuery folds the verification queue's deltas (migrations/0002_web.sql)
// into its counts per month and its totals, in one statement, as compactQuery does.
const compactPendingQuery = `
WITH d AS (
	DELETE FROM pending_deltas RETURNING kecamatan_code, intervention_type, worker, month, n
), s AS (
	SELECT kecamatan_code, intervention_type, worker, month, sum(n) AS n
	FROM d GROUP BY kecamatan_code, intervention_type, worker, month
), c AS (
	INSERT INTO pending_counts (kecamatan_code, intervention_type, worker, month, n)
	SELECT kecamatan_code, intervention_type, worker, month, n FROM s
	ON CONFLICT (kecamatan_code, intervention_type, worker, month) DO UPDATE SET n = pending_counts.n + excluded.n
)
INSERT INTO pending_totals (kecamatan_code, intervention_type, worker, n)
SELECT kecamatan_code, intervention_type, worker, sum(n) FROM s GROUP BY kecamatan_code, intervention_type, worker
ON CONFLICT (kecamatan_code, intervention_type, worker) DO UPDATE SET n = pending_totals.n + excluded.n`

// compact folds the deltas into count_cells (and those of the verification queue into
// its counts) and returns how many aggregate rows it wrote. It runs READ COMMITTED, outside any write: it changes no count, only where the
// counts are kept, and an update of count_cells there waits for a concurrent one instead
// of failing. Another process compacting at the same time makes it skip its turn.
func (db *DB) compact(ctx context.Context) (int64, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var mine bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(compactLock)).Scan(&mine); err != nil || !mine {
		return 0, err
	}
	tag, err := tx.Exec(ctx, compactQuery)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, compactPendingQuery); err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	db.stats.compacted(tag.RowsAffected())
	return tag.RowsAffected(), nil
}

// compactor folds the deltas every compactEvery until Close. A delta costs a reader a
// row to sum, so they are folded while few; a failure (the database briefly away) is
// retried at the next tick.
func (db *DB) compactor() {
	defer close(db.stopped)
	t := time.NewTicker(db.opts.compactEvery)
	defer t.Stop()
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if _, err := db.compact(ctx); err != nil && db.opts.logger != nil {
				db.opts.logger.Warn("compacting the maintained counts", "err", err)
			}
			cancel()
		}
	}
}
