package apihttp_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
)

// fetcher counts the fetches of each key; a fetch waits for gate when one
// is set, and answers err when it is set.
type fetcher struct {
	mu    sync.Mutex
	calls map[string]int
	gate  chan struct{}
	err   error
	ctxs  []context.Context // the ctx of each fetch
}

func (f *fetcher) fetch(ctx context.Context, key string) ([]string, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[key]++
	n := f.calls[key]
	gate, err := f.gate, f.err
	f.ctxs = append(f.ctxs, ctx)
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if err != nil {
		return nil, err
	}
	return []string{key, strings.Repeat("+", n)}, nil // names the fetch that made it
}

func (f *fetcher) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

func (f *fetcher) set(gate chan struct{}, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gate, f.err = gate, err
}

// get calls Get and fails the test on an error or an unexpected value.
func get(t *testing.T, r *apihttp.ReadThrough[string, []string], f *fetcher, key, want string) {
	t.Helper()
	v, err := r.Get(t.Context(), key, f.fetch)
	if err != nil || !slices.Equal(v, []string{key, want}) {
		t.Errorf("Get(%s) = %v, %v; want [%s %s]", key, v, err, key, want)
	}
}

// Callers of one key arriving while it is fetched wait for that one fetch;
// later callers get the kept value; another key is its own fetch.
func TestReadThroughOneFetchPerKey(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var r apihttp.ReadThrough[string, []string]
		gate := make(chan struct{})
		f := &fetcher{gate: gate}
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() { get(t, &r, f, "a", "+") })
		}
		synctest.Wait() // every caller is waiting, the fetch too
		if n := f.count("a"); n != 1 {
			t.Fatalf("10 concurrent callers made %d fetches; want 1", n)
		}
		close(gate)
		wg.Wait()
		get(t, &r, f, "a", "+")
		get(t, &r, f, "b", "+")
		if a, b := f.count("a"), f.count("b"); a != 1 || b != 1 {
			t.Errorf("fetches: a %d, b %d; want 1 each", a, b)
		}
	})
}

// The caller that starts the fetch gives up: it gets its ctx's error, the
// fetch goes on undisturbed for the caller still waiting, and its value is
// kept for the next.
func TestReadThroughFirstCallerGivesUp(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var r apihttp.ReadThrough[string, []string]
		gate := make(chan struct{})
		f := &fetcher{gate: gate}
		ctx, cancel := context.WithCancel(t.Context())
		firstDone := make(chan error)
		go func() {
			_, err := r.Get(ctx, "a", f.fetch)
			firstDone <- err
		}()
		synctest.Wait() // the first caller started the fetch
		var wg sync.WaitGroup
		wg.Go(func() { get(t, &r, f, "a", "+") })
		synctest.Wait()
		cancel()
		if err := <-firstDone; !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped waiting") {
			t.Errorf("the cancelled caller got %v; want context.Canceled, saying it stopped waiting", err)
		}
		f.mu.Lock()
		fetchCtx := f.ctxs[0]
		f.mu.Unlock()
		if err := fetchCtx.Err(); err != nil {
			t.Errorf("the fetch's ctx ended with its first caller's: %v", err)
		}
		close(gate)
		wg.Wait()
		get(t, &r, f, "a", "+")
		if n := f.count("a"); n != 1 {
			t.Errorf("%d fetches; want 1", n)
		}
	})
}

// A failed fetch answers its callers with its error and is not kept.
func TestReadThroughFailureNotKept(t *testing.T) {
	t.Parallel()
	var r apihttp.ReadThrough[string, []string]
	boom := errors.New("boom")
	f := &fetcher{err: boom}
	if _, err := r.Get(t.Context(), "a", f.fetch); !errors.Is(err, boom) {
		t.Fatalf("Get = %v; want the fetch's error", err)
	}
	f.set(nil, nil)
	get(t, &r, f, "a", "++")
	get(t, &r, f, "a", "++")
	if n := f.count("a"); n != 2 {
		t.Errorf("%d fetches; want 2 (the failed one, then one kept)", n)
	}
}

// Drop forgets a kept value; a fetch in flight for a dropped key answers
// its callers but is not kept, and when it fails it does not drop the
// fetch started after the drop.
func TestReadThroughDrop(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var r apihttp.ReadThrough[string, []string]
		f := &fetcher{}
		get(t, &r, f, "a", "+")
		get(t, &r, f, "b", "+")
		r.Drop("a", "unknown")
		get(t, &r, f, "a", "++")
		get(t, &r, f, "b", "+")

		// In flight, then dropped: its caller gets it, the next caller
		// fetches again.
		gate := make(chan struct{})
		f.set(gate, nil)
		r.Drop("a")
		var wg sync.WaitGroup
		wg.Go(func() { get(t, &r, f, "a", "+++") })
		synctest.Wait()
		r.Drop("a")
		close(gate)
		wg.Wait()
		f.set(nil, nil)
		get(t, &r, f, "a", "++++")
		get(t, &r, f, "a", "++++")

		// A failed fetch dropped in flight leaves the newer fetch kept.
		boom := errors.New("boom")
		gate = make(chan struct{})
		f.set(gate, boom)
		r.Drop("a")
		failed := make(chan error)
		go func() {
			_, err := r.Get(t.Context(), "a", f.fetch)
			failed <- err
		}()
		synctest.Wait()
		r.Drop("a")
		f.set(nil, nil)
		get(t, &r, f, "a", "++++++")
		close(gate)
		if err := <-failed; !errors.Is(err, boom) {
			t.Errorf("the failed fetch answered %v; want its error", err)
		}
		get(t, &r, f, "a", "++++++")
		if n := f.count("a"); n != 6 {
			t.Errorf("%d fetches of a; want 6", n)
		}
	})
}

// DropIf forgets the kept values it holds for and every fetch in flight,
// whose value might; the others stay.
func TestReadThroughDropIf(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var r apihttp.ReadThrough[string, []string]
		f := &fetcher{}
		get(t, &r, f, "a", "+")
		get(t, &r, f, "b", "+")
		gate := make(chan struct{})
		f.set(gate, nil)
		var wg sync.WaitGroup
		wg.Go(func() { get(t, &r, f, "c", "+") })
		synctest.Wait()
		r.DropIf(func(v []string) bool { return slices.Contains(v, "a") })
		close(gate)
		wg.Wait()
		f.set(nil, nil)
		get(t, &r, f, "a", "++") // held the value: fetched again
		get(t, &r, f, "b", "+")  // did not: kept
		get(t, &r, f, "c", "++") // in flight: fetched again
		get(t, &r, f, "c", "++")
		if a, b, c := f.count("a"), f.count("b"), f.count("c"); a != 2 || b != 1 || c != 2 {
			t.Errorf("fetches: a %d, b %d, c %d; want 2, 1, 2", a, b, c)
		}
	})
}

// A kept value is answered even to a caller whose ctx has ended.
func TestReadThroughKeptValueWins(t *testing.T) {
	t.Parallel()
	var r apihttp.ReadThrough[string, []string]
	f := &fetcher{}
	get(t, &r, f, "a", "+")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if v, err := r.Get(ctx, "a", f.fetch); err != nil || len(v) != 2 {
		t.Errorf("Get with an ended ctx = %v, %v; want the kept value", v, err)
	}
}
