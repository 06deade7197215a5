package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"

	_ "modernc.org/sqlite" // registers the "sqlite" driver this one wraps
)

// driverName is the driver the store opens: modernc's, with a cache of prepared
// statements per connection. The store runs the same few dozen statements again and
// again; parsing and planning each one anew cost about a third of the CPU of a write,
// and every write goes through the single writer connection, so that time caps how
// many writes a second the service takes.
const driverName = "sqlite-stmtcache"

// maxCachedStmts bounds each connection's cache: statements built for a filter (IN
// lists of any length) must not grow it without end; past the bound they are prepared
// for one use, as without the cache.
const maxCachedStmts = 256

func init() {
	db, err := sql.Open("sqlite", "") // opens no connection: it hands over the driver
	if err != nil {
		panic(err)
	}
	sql.Register(driverName, &cachingDriver{inner: db.Driver()})
	_ = db.Close()
}

type cachingDriver struct{ inner driver.Driver }

func (d *cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.inner.Open(name)
	if err != nil {
		return nil, err
	}
	ic, ok := c.(innerConn)
	if !ok {
		return c, nil // not the driver this was written for: no cache
	}
	return &cachingConn{inner: ic, stmts: map[string]*cachedStmt{}}, nil
}

// innerConn is what modernc's connection implements and database/sql looks for.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn is a connection that keeps its prepared statements. database/sql uses a
// connection from one goroutine at a time, so the cache needs no lock.
type cachingConn struct {
	inner innerConn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	stmt driver.Stmt
	busy bool // an open Rows reads from it: a nested query of the same text prepares anew
}

type stmtContext interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// prepare returns the cached statement of query, marked busy, and a function that gives
// it back (or closes it, when it was prepared for this one use).
func (c *cachingConn) prepare(ctx context.Context, query string) (stmtContext, func(), error) {
	if cs, ok := c.stmts[query]; ok && !cs.busy {
		cs.busy = true
		return cs.stmt.(stmtContext), func() { cs.busy = false }, nil
	}
	s, err := c.inner.PrepareContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	sc, ok := s.(stmtContext)
	if !ok {
		_ = s.Close()
		return nil, nil, driver.ErrSkip // database/sql then takes the inner connection's own path
	}
	if _, taken := c.stmts[query]; taken || len(c.stmts) >= maxCachedStmts {
		return sc, func() { _ = sc.Close() }, nil
	}
	cs := &cachedStmt{stmt: sc, busy: true}
	c.stmts[query] = cs
	return sc, func() { cs.busy = false }, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, release, err := c.prepare(ctx, query)
	if err == driver.ErrSkip {
		return c.inner.ExecContext(ctx, query, args)
	}
	if err != nil {
		return nil, err
	}
	defer release()
	return s.ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, release, err := c.prepare(ctx, query)
	if err == driver.ErrSkip {
		return c.inner.QueryContext(ctx, query, args)
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.QueryContext(ctx, args)
	if err != nil {
		release()
		return nil, err
	}
	return &releasingRows{Rows: rows, release: release}, nil
}

// releasingRows gives its statement back to the cache when closed.
type releasingRows struct {
	driver.Rows
	release func()
}

func (r *releasingRows) Close() error {
	err := r.Rows.Close()
	if r.release != nil {
		r.release()
		r.release = nil
	}
	return err
}

// Close finalizes the cached statements, then closes the connection.
func (c *cachingConn) Close() error {
	for q, cs := range c.stmts {
		_ = cs.stmt.Close()
		delete(c.stmts, q)
	}
	return c.inner.Close()
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.inner.Prepare(query) }
func (c *cachingConn) Begin() (driver.Tx, error)                 { return c.inner.Begin() } //nolint:staticcheck // required by driver.Conn
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner.BeginTx(ctx, opts)
}
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner.PrepareContext(ctx, query)
}
func (c *cachingConn) Ping(ctx context.Context) error         { return c.inner.Ping(ctx) }
func (c *cachingConn) ResetSession(ctx context.Context) error { return c.inner.ResetSession(ctx) }
func (c *cachingConn) IsValid() bool                          { return c.inner.IsValid() }
