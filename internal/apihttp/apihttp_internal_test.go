package apihttp

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
		{"Sun, 01 Jun 2025 12:00:30 GMT", 30 * time.Second, true},
		{"Sunday, 01-Jun-25 12:00:30 GMT", 30 * time.Second, true}, // RFC 850, still legal
		{"Sun, 01 Jun 2025 11:00:00 GMT", 0, true},                 // in the past: retry now
		{"99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := parseRetryAfter(tt.in, now)
			if diff := cmp.Diff([]any{tt.want, tt.wantOK}, []any{got, ok}); diff != "" {
				t.Errorf("parseRetryAfter(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
	// Seconds beyond what a Duration holds are clamped, not wrapped around.
	if got, ok := parseRetryAfter("9999999999999", now); !ok || got < 100*365*24*time.Hour {
		t.Errorf("parseRetryAfter of a huge delay = %s, %v; want a clamped, positive delay", got, ok)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	b := backoff(time.Minute)
	lo, hi := 100*time.Millisecond, 2*time.Second
	retryAfter := func(status int, v string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {v}}}
	}
	tests := []struct {
		name     string
		attempt  int
		resp     *http.Response
		min, max time.Duration
	}{
		{"first", 0, nil, 50 * time.Millisecond, 100 * time.Millisecond},
		{"second", 1, nil, 100 * time.Millisecond, 200 * time.Millisecond},
		{"capped", 10, nil, time.Second, 2 * time.Second},
		{"huge attempt", 100, nil, time.Second, 2 * time.Second},
		// A Retry-After is waited out, plus a jitter of up to half of it.
		{"429 Retry-After", 0, retryAfter(429, "5"), 5 * time.Second, 7500 * time.Millisecond},
		{"503 Retry-After", 0, retryAfter(503, "7"), 7 * time.Second, 10500 * time.Millisecond},
		{"Retry-After 0", 0, retryAfter(429, "0"), 0, 250 * time.Millisecond},
		{"Retry-After capped", 0, retryAfter(429, "3600"), time.Minute, 90 * time.Second},
		{"500 ignores Retry-After", 0, retryAfter(500, "30"), 50 * time.Millisecond, 100 * time.Millisecond},
		{"unreadable Retry-After", 0, retryAfter(429, "later"), 50 * time.Millisecond, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for range 50 {
				if d := b(lo, hi, tt.attempt, tt.resp); d < tt.min || d > tt.max {
					t.Fatalf("backoff = %s; want %s..%s", d, tt.min, tt.max)
				}
			}
		})
	}
}

// Calls throttled together with the same Retry-After do not come back in
// lockstep.
func TestRetryAfterJittered(t *testing.T) {
	t.Parallel()
	b := backoff(time.Minute)
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}}
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[b(time.Millisecond, time.Second, 0, resp)] = true
	}
	if len(seen) < 10 {
		t.Errorf("20 waits after Retry-After: 1 took only %d distinct values; want them spread", len(seen))
	}
}

// The pacer follows the server's headers: unknown limit, no waiting; an
// answer that names the limit sets the pace a little below it, Remaining
// (less the attempts still in flight) caps the bucket, and a 429 halves the
// pace until answers that get through bring it back.
func TestPacerFollowsHeaders(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newPacer()
	p.now = func() time.Time { return now }
	answer := func(status int, limit, remaining string) {
		p.sent()
		p.answered(&http.Response{StatusCode: status, Header: http.Header{
			"X-Ratelimit-Limit": {limit}, "X-Ratelimit-Remaining": {remaining},
		}}, now)
	}
	if err := p.wait(t.Context()); err != nil || p.rate != 0 {
		t.Fatalf("before any answer: wait = %v, rate %v; want no pacing", err, p.rate)
	}
	answer(200, "20", "19")
	if p.limit != 20 || p.rate != 18 || p.tokens != 18 {
		t.Errorf("after the first answer: limit %v rate %v tokens %v; want 20, 18, 18", p.limit, p.rate, p.tokens)
	}
	// Two attempts in flight when Remaining 3 comes back: one slot is left.
	p.sent()
	p.sent()
	answer(200, "20", "3")
	if p.tokens != 1 {
		t.Errorf("tokens = %v; want 3 remaining less 2 in flight = 1", p.tokens)
	}
	p.answered(nil, now)
	p.answered(nil, now)
	answer(429, "20", "0")
	answer(429, "20", "0") // the same burst: no second cut
	if p.rate != 9 || p.tokens != 0 {
		t.Errorf("after a burst of 429s: rate %v tokens %v; want 9 and 0", p.rate, p.tokens)
	}
	for range 5 {
		now = now.Add(time.Second)
		answer(429, "20", "0")
	}
	if p.rate != 18.0/8 {
		t.Errorf("rate = %v after 429s for 5 seconds; want the floor of an eighth, 2.25", p.rate)
	}
	for range 40 {
		answer(200, "20", "20")
	}
	if p.rate != 18 {
		t.Errorf("rate = %v after answers that got through; want back at 18", p.rate)
	}
	// Half a second at 18/s refills 9 tokens, capped by the burst of 18.
	p.tokens = 0
	now = now.Add(500 * time.Millisecond)
	p.refill(now)
	// A lower limit caps the bucket at once.
	answer(200, "10", "10")
	if p.tokens != 9 || p.rate != 9 {
		t.Errorf("after the limit fell to 10: tokens %v rate %v; want 9 and 9", p.tokens, p.rate)
	}
	p.limit, p.rate, p.tokens = 20, 18, 0
	now = now.Add(500 * time.Millisecond)
	p.refill(now)
	if p.tokens != 9 {
		t.Errorf("tokens = %v after 0.5s; want 9", p.tokens)
	}
	// Unreadable headers change nothing.
	answer(200, "many", "x")
	if p.limit != 20 {
		t.Errorf("limit = %v after unreadable headers; want it kept", p.limit)
	}
}
