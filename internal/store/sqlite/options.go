package sqlite

import "time"

// Option configures Open.
type Option func(*options)

type options struct {
	maxBatch int
	observer Observer
}

// WithMaxBatch sets how many concurrent writes may share one transaction (group
// commit). 1 gives every write a transaction of its own, as a comparison for benchmarks.
func WithMaxBatch(n int) Option { return func(o *options) { o.maxBatch = n } }

// WithObserver reports the store's measurements to ob, for metrics.
func WithObserver(ob Observer) Option { return func(o *options) { o.observer = ob } }

// Observer receives measurements of the store. Its methods are called on the store's
// goroutines, the writer's among them: they must be quick and must not call the store.
type Observer interface {
	// StoreOp is called after each operation (op is a constant such as "create
	// intervention") with its duration, queueing included, and its outcome.
	StoreOp(op string, write bool, d time.Duration, err error)
	// StoreBatch is called after each COMMIT with the number of writes it held and the
	// time from BEGIN to the end of the COMMIT.
	StoreBatch(size int, d time.Duration)
}
