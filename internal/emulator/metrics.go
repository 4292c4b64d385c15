package emulator

import (
	"maps"
	"strconv"
	"sync"
)

// Metrics is the JSON of GET /_emulator/metrics: what the emulator served
// since it started (not persisted).
type Metrics struct {
	TotalRequests int64 `json:"total_requests"`
	// Routes counts requests by route pattern, as "DELETE /v1/numbers/{number}";
	// requests matching no route count as "unmatched".
	Routes map[string]RouteMetrics `json:"routes"`
	// Statuses counts answers by HTTP status ("200", "409", ...).
	Statuses map[string]int64 `json:"statuses"`
	// ForcedCancellations counts DELETE /v1/numbers/{number} requests that
	// carried force=true, whatever their outcome: a careful client keeps it 0.
	ForcedCancellations int64 `json:"forced_cancellations"`
	RateLimited         int64 `json:"rate_limited"` // 429s of the rate limit (not injected ones)
	IdempotentReplays   int64 `json:"idempotent_replays"`
	// DeletesWithBody counts DELETE requests (on /v1 and /sipstation) that
	// carried a body, which the emulator drops unread, as a PHP service
	// does: a careful client keeps it 0.
	DeletesWithBody int64       `json:"deletes_with_body"`
	FaultsInjected  FaultCounts `json:"faults_injected"`
}

// RouteMetrics counts the requests of one route.
type RouteMetrics struct {
	Count    int64            `json:"count"`
	Statuses map[string]int64 `json:"statuses"`
}

// FaultCounts counts injected faults by kind.
type FaultCounts struct {
	TooManyRequests    int64 `json:"too_many_requests"`
	Unavailable        int64 `json:"temporarily_unavailable"`
	DroppedAfterCommit int64 `json:"dropped_after_commit"`
	// TempNotAvail counts GET /2/full answers of query_status TEMPNOTAVAIL.
	TempNotAvail int64 `json:"tempnotavail"`
}

// Count is the number of requests served on a route pattern.
func (m Metrics) Count(route string) int64 { return m.Routes[route].Count }

type faultKind int

const (
	faultTooManyRequests faultKind = iota
	faultUnavailable
	faultDropped
	faultTempNotAvail
)

type metricsCollector struct {
	mu sync.Mutex
	m  Metrics
}

func (c *metricsCollector) record(route string, status int, forced bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m.Routes == nil {
		c.m.Routes = map[string]RouteMetrics{}
		c.m.Statuses = map[string]int64{}
	}
	code := strconv.Itoa(status)
	c.m.TotalRequests++
	c.m.Statuses[code]++
	rm := c.m.Routes[route]
	if rm.Statuses == nil {
		rm.Statuses = map[string]int64{}
	}
	rm.Count++
	rm.Statuses[code]++
	c.m.Routes[route] = rm
	if forced {
		c.m.ForcedCancellations++
	}
}

func (c *metricsCollector) fault(k faultKind) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch k {
	case faultTooManyRequests:
		c.m.FaultsInjected.TooManyRequests++
	case faultUnavailable:
		c.m.FaultsInjected.Unavailable++
	case faultDropped:
		c.m.FaultsInjected.DroppedAfterCommit++
	case faultTempNotAvail:
		c.m.FaultsInjected.TempNotAvail++
	}
}

func (c *metricsCollector) rateLimited() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m.RateLimited++
}

// deleteBody counts a DELETE request's body, when it has one.
func (c *metricsCollector) deleteBody(body []byte) {
	if len(body) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m.DeletesWithBody++
}

func (c *metricsCollector) replayed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m.IdempotentReplays++
}

// snapshot is a deep copy, safe to encode while requests go on.
func (c *metricsCollector) snapshot() Metrics {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.m
	out.Routes = make(map[string]RouteMetrics, len(c.m.Routes))
	for k, v := range c.m.Routes {
		v.Statuses = maps.Clone(v.Statuses)
		out.Routes[k] = v
	}
	out.Statuses = maps.Clone(c.m.Statuses)
	if out.Statuses == nil {
		out.Statuses = map[string]int64{}
	}
	return out
}
