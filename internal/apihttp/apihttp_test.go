package apihttp_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
)

const secret = "k3y/with+odd chars"

// A secret that travels in the URL path appears in no log entry and in no
// error, neither as given nor URL-escaped.
func TestRedaction(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	// A port nothing listens on, for an error that quotes the URL.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	_ = l.Close()

	var mu sync.Mutex
	var logged []string
	opts := apihttp.Options{
		MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
		Log: func(_ context.Context, msg string, f map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			logged = append(logged, fmt.Sprint(msg, f))
		},
	}
	for _, base := range []string{srv.URL, closed} {
		c, err := apihttp.New(base+"/"+secret, "test/1", opts, secret)
		if err != nil {
			t.Fatal(err)
		}
		u := base + "/2/full/" + strings.ReplaceAll(secret, " ", "%20")
		resp, err := c.Do(t.Context(), apihttp.Request{Method: http.MethodGet, URL: u})
		var got string
		switch {
		case err != nil:
			got = err.Error()
		case resp.StatusCode != http.StatusServiceUnavailable || !resp.Retried():
			t.Fatalf("answer %d after %d attempts; want a retried 503", resp.StatusCode, resp.Attempts)
		}
		if strings.Contains(got, "k3y") {
			t.Errorf("the error shows the secret: %s", got)
		}
		if base == closed && !strings.Contains(got, "REDACTED") {
			t.Errorf("error = %q; want the URL with the secret redacted", got)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) != 4 {
		t.Fatalf("%d log entries, want 4 (two attempts of two calls): %v", len(logged), logged)
	}
	for _, e := range logged {
		if strings.Contains(e, "k3y") {
			t.Errorf("a log entry shows the secret: %s", e)
		}
	}
}

// bucketServer answers like the API under a per-second rate limit: a token
// bucket of one second's worth, X-RateLimit headers on every answer, and a
// 429 with Retry-After when it is empty.
type bucketServer struct {
	rate float64

	mu         sync.Mutex
	tokens     float64
	last       time.Time
	ok, got429 int
}

func (s *bucketServer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	now := time.Now()
	if s.last.IsZero() {
		s.tokens = s.rate
	} else {
		s.tokens = min(s.rate, s.tokens+now.Sub(s.last).Seconds()*s.rate)
	}
	s.last = now
	admitted := s.tokens >= 1
	if admitted {
		s.tokens--
		s.ok++
	} else {
		s.got429++
	}
	remaining := int(max(s.tokens, 0))
	s.mu.Unlock()
	w.Header().Set("X-RateLimit-Limit", fmt.Sprint(s.rate))
	w.Header().Set("X-RateLimit-Remaining", fmt.Sprint(remaining))
	if !admitted {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// Ten calls in parallel against a limit of 20 requests per second: after
// the first answers name the limit, the client paces itself, so nearly
// every request is admitted and every call succeeds.
func TestPacingAvoids429s(t *testing.T) {
	t.Parallel()
	s := &bucketServer{rate: 20}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := apihttp.New(srv.URL, "test/1", apihttp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const workers, calls = 10, 6
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for range workers {
		wg.Go(func() {
			for range calls {
				resp, err := c.Do(t.Context(), apihttp.Request{Method: http.MethodGet, URL: srv.URL})
				switch {
				case err != nil:
					errs <- err
				case resp.StatusCode != http.StatusOK:
					errs <- fmt.Errorf("status %d after %d attempts", resp.StatusCode, resp.Attempts)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ok != workers*calls {
		t.Errorf("%d requests admitted; want %d", s.ok, workers*calls)
	}
	// 60 calls at 20/s: fewer than 5% of the requests may meet a 429.
	if s.got429*20 > s.ok+s.got429 {
		t.Errorf("%d of %d requests answered 429; want under 5%%", s.got429, s.ok+s.got429)
	}
}

// A server that answers 429 to everything: the call retries, well past
// MaxRetries, until its context's deadline leaves no time for the next wait,
// and then hands back the 429 rather than a context error.
func TestTooManyRequestsRetriedUntilDeadline(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c, err := apihttp.New(srv.URL, "test/1", apihttp.Options{MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	resp, err := c.Do(ctx, apihttp.Request{Method: http.MethodGet, URL: srv.URL})
	if err != nil {
		t.Fatalf("Do: %v; want the last 429 as the answer", err)
	}
	if resp.StatusCode != http.StatusTooManyRequests || !resp.Retried() {
		t.Errorf("answer %d after %d attempts; want a retried 429", resp.StatusCode, resp.Attempts)
	}
	mu.Lock()
	defer mu.Unlock()
	if hits <= 2 || resp.Attempts != hits {
		t.Errorf("%d hits, %d attempts; want more than MaxRetries+1 = 2, all counted", hits, resp.Attempts)
	}
}
