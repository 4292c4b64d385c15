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
		{"429 Retry-After", 0, retryAfter(429, "5"), 5 * time.Second, 5 * time.Second},
		{"503 Retry-After", 0, retryAfter(503, "7"), 7 * time.Second, 7 * time.Second},
		{"Retry-After capped", 0, retryAfter(429, "3600"), time.Minute, time.Minute},
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
