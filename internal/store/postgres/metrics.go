package postgres

import (
	"errors"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/prometheus/client_golang/prometheus"
)

// stats are the store's own counters, exported with the pool's figures by Collector.
type stats struct {
	serialization, deadlock, unique atomic.Int64 // writes run again, by cause
	compactions, compactedRows      atomic.Int64
}

func (s *stats) retried(err error) {
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == codeDeadlock:
		s.deadlock.Add(1)
	case errors.As(err, &pe) && pe.Code == codeSerialization:
		s.serialization.Add(1)
	default:
		s.unique.Add(1)
	}
}

func (s *stats) compacted(rows int64) {
	s.compactions.Add(1)
	s.compactedRows.Add(rows)
}

// Retries returns how many times writes ran again, by cause: serialization failures,
// deadlocks, and keys taken by a concurrent write (for tests and benchmarks).
func (db *DB) Retries() (serialization, deadlock, unique int64) {
	return db.stats.serialization.Load(), db.stats.deadlock.Load(), db.stats.unique.Load()
}

// Collector returns a Prometheus collector of the connection pool's figures
// (pgxpool.Stat) and the store's retries and compactions. Its names start with
// ppks_db_; its labels hold no data.
func (db *DB) Collector() prometheus.Collector { return &collector{db: db} }

type collector struct{ db *DB }

var (
	descAcquired      = prometheus.NewDesc("ppks_db_pool_acquired_connections", "Connections of the pool in use now.", nil, nil)
	descIdle          = prometheus.NewDesc("ppks_db_pool_idle_connections", "Idle connections of the pool.", nil, nil)
	descTotal         = prometheus.NewDesc("ppks_db_pool_total_connections", "Connections of the pool: in use, idle and being opened.", nil, nil)
	descMax           = prometheus.NewDesc("ppks_db_pool_max_connections", "The pool's maximum size.", nil, nil)
	descAcquires      = prometheus.NewDesc("ppks_db_pool_acquires_total", "Connections taken from the pool.", nil, nil)
	descAcquireTime   = prometheus.NewDesc("ppks_db_pool_acquire_seconds_total", "Time spent waiting for and taking connections.", nil, nil)
	descEmptyAcquires = prometheus.NewDesc("ppks_db_pool_empty_acquires_total", "Acquires that had to wait: no connection was idle.", nil, nil)
	descCanceled      = prometheus.NewDesc("ppks_db_pool_canceled_acquires_total", "Acquires given up (their request ended first).", nil, nil)
	descNewConns      = prometheus.NewDesc("ppks_db_pool_opened_connections_total", "Connections opened.", nil, nil)
	descRetries       = prometheus.NewDesc("ppks_db_write_retries_total", "Writes run again after a conflict with a concurrent one, by cause.", []string{"cause"}, nil)
	descCompactions   = prometheus.NewDesc("ppks_db_count_compactions_total", "Foldings of the maintained counts' deltas.", nil, nil)
	descCompacted     = prometheus.NewDesc("ppks_db_count_compacted_rows_total", "Aggregate rows written by the foldings.", nil, nil)
)

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descAcquired, descIdle, descTotal, descMax, descAcquires, descAcquireTime,
		descEmptyAcquires, descCanceled, descNewConns, descRetries, descCompactions, descCompacted} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	s := c.db.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	gauge(descAcquired, float64(s.AcquiredConns()))
	gauge(descIdle, float64(s.IdleConns()))
	gauge(descTotal, float64(s.TotalConns()))
	gauge(descMax, float64(s.MaxConns()))
	counter(descAcquires, float64(s.AcquireCount()))
	counter(descAcquireTime, s.AcquireDuration().Seconds())
	counter(descEmptyAcquires, float64(s.EmptyAcquireCount()))
	counter(descCanceled, float64(s.CanceledAcquireCount()))
	counter(descNewConns, float64(s.NewConnsCount()))
	st := &c.db.stats
	counter(descRetries, float64(st.serialization.Load()), "serialization_failure")
	counter(descRetries, float64(st.deadlock.Load()), "deadlock")
	counter(descRetries, float64(st.unique.Load()), "concurrent_key")
	counter(descCompactions, float64(st.compactions.Load()))
	counter(descCompacted, float64(st.compactedRows.Load()))
}
