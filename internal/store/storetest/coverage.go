package storetest

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/opendinsos/ppks/internal/ppks"
)

// The suite must call every method of the Store and of a Tx: a method no test calls is a
// method no backend is held to. Every store the suite opens is wrapped in a recorder
// (recorder.go), and the suite ends by listing, by reflection on the interfaces, the
// methods it never called.

// calls is the set of methods called, shared by the parallel subtests.
type calls struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (c *calls) called(method string) {
	c.mu.Lock()
	c.seen[method] = true
	c.mu.Unlock()
}

// missing returns the methods of the interface iface (a pointer to an interface type)
// never called under the prefix.
func (c *calls) missing(prefix string, iface any) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	typ := reflect.TypeOf(iface).Elem()
	for i := range typ.NumMethod() {
		if name := prefix + "." + typ.Method(i).Name; !c.seen[name] {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// recorder is a Store that records the methods called on it and on its writes' Tx.
type recorder struct {
	s     ppks.Store
	calls *calls
}

// recordingTx is a Tx that records the methods called on it.
type recordingTx struct {
	tx    ppks.Tx
	calls *calls
}

func (r *recorder) Write(ctx context.Context, op ppks.Op, fn func(context.Context, ppks.Tx) error) (string, error) {
	r.calls.called("Store.Write")
	if fn == nil {
		return r.s.Write(ctx, op, nil)
	}
	return r.s.Write(ctx, op, func(ctx context.Context, tx ppks.Tx) error {
		return fn(ctx, &recordingTx{tx: tx, calls: r.calls})
	})
}

// checkCoverage fails t for every method of Store and Tx the suite did not call.
func checkCoverage(t *testing.T, c *calls) {
	t.Helper()
	for _, m := range append(c.missing("Store", (*ppks.Store)(nil)), c.missing("Tx", (*ppks.Tx)(nil))...) {
		t.Errorf("the conformance suite never calls %s: add a test of it", m)
	}
}
