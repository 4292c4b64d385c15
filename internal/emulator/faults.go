package emulator

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// Faults are injected into /v1 and /sipstation requests (never /_emulator or
// /healthz), set whole by POST /_emulator/faults. Rates are probabilities from 0 to 1.
type Faults struct {
	LatencyMS int     `json:"latency_ms"` // added to every /v1 and /sipstation answer
	Rate429   float64 `json:"rate_429"`   // 429 too_many_requests, Retry-After: 1, not executed
	Rate5xx   float64 `json:"rate_5xx"`   // 503 temporarily_unavailable, Retry-After: 1, not executed
	// DropAfterCommit executes and commits the request, then closes the
	// connection without an answer.
	DropAfterCommit float64 `json:"drop_after_commit"`
	// RateTempNotAvail answers GET /2/full of the account-key API with HTTP
	// 200 and query_status TEMPNOTAVAIL, the service's "try again shortly",
	// instead of the account.
	RateTempNotAvail float64 `json:"rate_tempnotavail"`
	// RateLimitPerS overrides the server's per-key rate limit; 0 keeps it.
	RateLimitPerS float64 `json:"rate_limit_per_s"`
	// MaxFaults (an emulator extension) switches the fault rates off
	// after that many faults were injected; 0 = no limit. With a rate of 1 it
	// makes "the next request gets a 429" deterministic.
	MaxFaults int `json:"max_faults"`
	// Methods (an emulator extension) limits the faults to requests with
	// these HTTP methods, such as ["POST"]; empty = every request.
	Methods []string `json:"methods,omitempty"`
	// Paths (an emulator extension) limits them to requests whose decoded
	// path starts with one of these prefixes, such as ["/v1/numbers/"] (one
	// number's routes, not the list); empty = every path.
	Paths []string `json:"paths,omitempty"`
}

// faultState is the settings in force and the faults injected under them.
type faultState struct {
	mu       sync.Mutex
	f        Faults
	injected int
}

func (fs *faultState) get() Faults {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.f
}

func (fs *faultState) set(f Faults) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.f, fs.injected = f, 0
}

// inject rolls the dice for one kind of fault on a request and counts it
// against MaxFaults.
func (fs *faultState) inject(r *http.Request, rate func(*Faults) float64) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.f.Methods) > 0 && !slices.Contains(fs.f.Methods, r.Method) {
		return false
	}
	if len(fs.f.Paths) > 0 && !slices.ContainsFunc(fs.f.Paths, func(p string) bool { return strings.HasPrefix(r.URL.Path, p) }) {
		return false
	}
	p := rate(&fs.f)
	if p <= 0 || rand.Float64() >= p { // math/rand: fault injection needs no secrecy
		return false
	}
	fs.injected++
	if fs.f.MaxFaults > 0 && fs.injected >= fs.f.MaxFaults {
		fs.f.Rate429, fs.f.Rate5xx, fs.f.DropAfterCommit, fs.f.RateTempNotAvail = 0, 0, 0, 0
	}
	return true
}

// before returns the fault to answer instead of executing the request.
func (fs *faultState) before(m *metricsCollector, r *http.Request) *apiError {
	if fs.inject(r, func(f *Faults) float64 { return f.Rate429 }) {
		m.fault(faultTooManyRequests)
		e := errf(http.StatusTooManyRequests, sipstation.CodeTooManyRequests, "injected fault: too many requests; the request was not executed, retry after 1 s")
		e.retryAfter = 1
		return e
	}
	if fs.inject(r, func(f *Faults) float64 { return f.Rate5xx }) {
		m.fault(faultUnavailable)
		e := errf(http.StatusServiceUnavailable, sipstation.CodeTemporarilyUnavailable, "injected fault: temporarily unavailable; the request was not executed, retry after 1 s")
		e.retryAfter = 1
		return e
	}
	return nil
}

func (fs *faultState) dropAfterCommit(m *metricsCollector, r *http.Request) bool {
	if fs.inject(r, func(f *Faults) float64 { return f.DropAfterCommit }) {
		m.fault(faultDropped)
		return true
	}
	return false
}

// tempNotAvail reports whether a read of GET /2/full answers TEMPNOTAVAIL.
func (fs *faultState) tempNotAvail(m *metricsCollector, r *http.Request) bool {
	if fs.inject(r, func(f *Faults) float64 { return f.RateTempNotAvail }) {
		m.fault(faultTempNotAvail)
		return true
	}
	return false
}
