package apihttp

import (
	"context"
	"fmt"
	"sync"
)

// ReadThrough is a read-through cache of values by key, shared by the API
// clients so that they cannot drift apart on it: the first Get of a key
// fetches it, Gets of that key arriving meanwhile wait for that one fetch,
// and later ones are answered with the kept value until it is dropped. A
// failed fetch is not kept: the next Get fetches again.
//
// It keeps values as long as it lives, with no expiry: a client drops what
// its writes touch. The zero value is empty and ready to use; it is safe
// for concurrent use and must not be copied after first use.
type ReadThrough[K comparable, V any] struct {
	mu   sync.Mutex
	kept map[K]*readEntry[V] // kept values and fetches in flight
}

type readEntry[V any] struct {
	done chan struct{} // closed once val and err are set
	val  V
	err  error
}

// Get returns the value of key: the kept one, or the one a fetch in flight
// brings, or else the result of fetch, which it starts.
//
// The fetch runs detached from the cancellation of the ctx it starts with
// (context.WithoutCancel; its values, such as a log hook's, stay), so that
// the caller that happens to start it cannot fail the others waiting for
// it by giving up; each request it makes is still bounded by the client's
// request timeout. A caller whose ctx ends stops waiting and gets ctx's
// error, while the fetch goes on for the others.
func (r *ReadThrough[K, V]) Get(ctx context.Context, key K, fetch func(context.Context, K) (V, error)) (V, error) {
	r.mu.Lock()
	e := r.kept[key]
	if e == nil {
		e = &readEntry[V]{done: make(chan struct{})}
		if r.kept == nil {
			r.kept = map[K]*readEntry[V]{}
		}
		r.kept[key] = e
		go r.run(context.WithoutCancel(ctx), key, e, fetch)
	}
	r.mu.Unlock()
	select {
	case <-e.done: // a value at hand wins over a ctx that ended meanwhile
		return e.val, e.err
	default:
	}
	select {
	case <-e.done:
		return e.val, e.err
	case <-ctx.Done():
		var zero V
		return zero, fmt.Errorf("stopped waiting for a read in flight: %w", ctx.Err())
	}
}

// run fetches the value of e and keeps it unless the fetch failed or key
// was dropped meanwhile (then key is no longer e's, or names a newer fetch).
func (r *ReadThrough[K, V]) run(ctx context.Context, key K, e *readEntry[V], fetch func(context.Context, K) (V, error)) {
	val, err := fetch(ctx, key)
	r.mu.Lock()
	e.val, e.err = val, err
	if err != nil && r.kept[key] == e {
		delete(r.kept, key)
	}
	r.mu.Unlock()
	close(e.done)
}

// Drop forgets the keys named. A fetch in flight for one of them still
// answers the callers waiting for it, but its value is not kept: it may
// predate the write that dropped it.
func (r *ReadThrough[K, V]) Drop(keys ...K) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range keys {
		delete(r.kept, k)
	}
}

// DropIf forgets every kept value for which stale holds, and every fetch
// still in flight, whose value is not known yet and so might. Those
// fetches still answer the callers waiting for them, as with Drop.
func (r *ReadThrough[K, V]) DropIf(stale func(V) bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, e := range r.kept {
		select {
		case <-e.done:
			// A failed fetch is never here once done (run removes it
			// before closing done), so val is a kept value.
			if !stale(e.val) {
				continue
			}
		default:
		}
		delete(r.kept, k)
	}
}
