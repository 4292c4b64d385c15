package sipstation_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

const testKey = "sk_test_5f3c0ffee5ecret"

// newClient starts handler on a test server and returns a client for it
// with fast retries; mod adjusts the config.
func newClient(t *testing.T, handler http.Handler, mod ...func(*sipstation.Config)) *sipstation.Client {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	cfg := sipstation.Config{
		Endpoint: srv.URL,
		APIKey:   testKey,
		Options: apihttp.Options{
			UserAgent:    "terraform-provider-sipstation/test",
			RetryWaitMin: time.Millisecond,
			RetryWaitMax: 5 * time.Millisecond,
		},
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := sipstation.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, detail string) {
	writeJSON(w, status, sipstation.ErrorBody{Errors: []sipstation.ErrorObject{{Code: code, Title: http.StatusText(status), Detail: detail}}})
}

// script answers the n-th request with statuses[n] (an error body), and
// every request after the last with 200 and a location. It counts requests
// and records their Idempotency-Key and arrival time.
type script struct {
	statuses   []int
	retryAfter string

	mu    sync.Mutex
	hits  int
	keys  []string
	times []time.Time
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := s.hits
	s.hits++
	s.keys = append(s.keys, r.Header.Get("Idempotency-Key"))
	s.times = append(s.times, time.Now())
	s.mu.Unlock()
	if n < len(s.statuses) {
		if s.retryAfter != "" {
			w.Header().Set("Retry-After", s.retryAfter)
		}
		writeError(w, s.statuses[n], codeFor(s.statuses[n]), fmt.Sprintf("scripted answer %d", n))
		return
	}
	writeJSON(w, http.StatusOK, sipstation.Location{ID: "loc_1", Name: "HQ"})
}

// codeFor is the code a service would send with a status.
func codeFor(status int) string {
	switch status {
	case 400, 422:
		return sipstation.CodeValidationFailed
	case 401:
		return sipstation.CodeUnauthenticated
	case 404:
		return sipstation.CodeNotFound
	case 409:
		return sipstation.CodeNumberUnavailable
	case 429:
		return sipstation.CodeTooManyRequests
	case 503:
		return sipstation.CodeTemporarilyUnavailable
	default:
		return sipstation.CodeInternalError
	}
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

func TestNewEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		endpoint string
		wantErr  string // part of the error; empty when accepted
	}{
		{endpoint: "https://api.example.com"},
		{endpoint: "https://api.example.com/"},
		{endpoint: "https://api.example.com/v1"},
		{endpoint: "http://127.0.0.1:8787"},
		{endpoint: "http://127.9.8.7"},
		{endpoint: "http://localhost:8787"},
		{endpoint: "http://LOCALHOST"},
		{endpoint: "http://[::1]:8787"},
		{endpoint: "http://api.example.com", wantErr: "not loopback"},
		{endpoint: "http://10.0.0.1:8787", wantErr: "not loopback"},
		{endpoint: "http://localhost.example.com", wantErr: "not loopback"},
		{endpoint: "http://[::2]:8787", wantErr: "not loopback"},
		{endpoint: "ftp://api.example.com", wantErr: `scheme "ftp"`},
		{endpoint: "api.example.com", wantErr: "no host"},
		{endpoint: "https://", wantErr: "no host"},
		{endpoint: "", wantErr: "empty"},
		{endpoint: "https://user:pw@api.example.com", wantErr: "user info"},
		{endpoint: "https://api.example.com/?x=1", wantErr: "query"},
		{endpoint: "https://api.example.com/%zz", wantErr: "not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			t.Parallel()
			_, err := sipstation.New(sipstation.Config{Endpoint: tt.endpoint, APIKey: testKey})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("New(%q): %v", tt.endpoint, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("New(%q) = %v; want an error containing %q", tt.endpoint, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "pw") {
				t.Errorf("the error shows the password of the URL: %v", err)
			}
		})
	}
}

func TestNewConfigErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		cfg     sipstation.Config
		wantErr string
	}{
		"empty key":     {cfg: sipstation.Config{Endpoint: "https://api.example.com"}, wantErr: "API key is empty"},
		"blank key":     {cfg: sipstation.Config{Endpoint: "https://api.example.com", APIKey: " "}, wantErr: "API key is empty"},
		"waits swapped": {cfg: sipstation.Config{Endpoint: "https://api.example.com", APIKey: "k", Options: apihttp.Options{RetryWaitMin: time.Second, RetryWaitMax: time.Millisecond}}, wantErr: "minimum retry wait"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := sipstation.New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New = %v; want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// An endpoint given with /v1, or with a path prefix, still reaches /v1/...
// exactly once.
func TestEndpointPath(t *testing.T) {
	t.Parallel()
	for _, suffix := range []string{"", "/", "/v1", "/v1/", "/prefix", "/prefix/v1"} {
		t.Run(suffix, func(t *testing.T) {
			t.Parallel()
			got := make(chan string, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got <- r.URL.Path
				writeJSON(w, http.StatusOK, sipstation.Location{ID: "x"})
			}))
			t.Cleanup(srv.Close)
			c, err := sipstation.New(sipstation.Config{Endpoint: srv.URL + suffix, APIKey: testKey})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetLocation(t.Context(), "x"); err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSuffix(strings.TrimSuffix(suffix, "/"), "/v1") + "/v1/locations/x"
			if diff := cmp.Diff(want, <-got); diff != "" {
				t.Errorf("path (-want +got):\n%s", diff)
			}
		})
	}
}

// Every code of the contract decodes into an *APIError that errors.Is
// matches with its own sentinel and with no other.
func TestErrorDecoding(t *testing.T) {
	t.Parallel()
	all := []error{
		sipstation.ErrUnauthenticated, sipstation.ErrNotFound, sipstation.ErrInvalidNumber,
		sipstation.ErrValidationFailed, sipstation.ErrNumberUnavailable, sipstation.ErrPortOutPending,
		sipstation.ErrLocationHasActiveNumbers, sipstation.ErrIdempotencyConflict,
		sipstation.ErrTooManyRequests, sipstation.ErrTemporarilyUnavailable, sipstation.ErrInternal,
	}
	tests := []struct {
		code   string
		status int
		want   error
	}{
		{sipstation.CodeUnauthenticated, 401, sipstation.ErrUnauthenticated},
		{sipstation.CodeNotFound, 404, sipstation.ErrNotFound},
		{sipstation.CodeInvalidNumber, 422, sipstation.ErrInvalidNumber},
		{sipstation.CodeValidationFailed, 422, sipstation.ErrValidationFailed},
		{sipstation.CodeNumberUnavailable, 409, sipstation.ErrNumberUnavailable},
		{sipstation.CodePortOutPending, 409, sipstation.ErrPortOutPending},
		{sipstation.CodeLocationHasActiveNumbers, 409, sipstation.ErrLocationHasActiveNumbers},
		{sipstation.CodeIdempotencyConflict, 409, sipstation.ErrIdempotencyConflict},
		{sipstation.CodeTooManyRequests, 429, sipstation.ErrTooManyRequests},
		{sipstation.CodeTemporarilyUnavailable, 503, sipstation.ErrTemporarilyUnavailable},
		{sipstation.CodeInternalError, 500, sipstation.ErrInternal},
	}
	if len(tests) != len(all) {
		t.Fatalf("the table covers %d codes, errors.go has %d", len(tests), len(all))
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := sipstation.ErrorBody{Errors: []sipstation.ErrorObject{
					{Code: tt.code, Title: "Title", Detail: "the detail", Source: &sipstation.ErrorSource{Pointer: "/number"}},
					{Code: "second", Title: "ignored"},
				}}
				writeJSON(w, tt.status, body)
			}), func(c *sipstation.Config) {
				// One attempt: no retries of 5xx, and no time for those of 429.
				c.MaxRetries, c.MaxRateLimitWait = -1, time.Nanosecond
			})

			err := c.CancelNumber(t.Context(), "+14155550123")
			for _, s := range all {
				if got := errors.Is(err, s); got != (s == tt.want) {
					t.Errorf("errors.Is(%v, %v) = %v", err, s, got)
				}
			}
			var apiErr *sipstation.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("%v is no *APIError", err)
			}
			want := &sipstation.APIError{StatusCode: tt.status, ErrorObject: sipstation.ErrorObject{
				Code: tt.code, Title: "Title", Detail: "the detail", Source: &sipstation.ErrorSource{Pointer: "/number"},
			}}
			if diff := cmp.Diff(want, apiErr); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(err.Error(), "cancel number +14155550123: ") || !strings.Contains(err.Error(), "the detail") {
				t.Errorf("error %q lacks its context or detail", err)
			}
		})
	}
}

// A body that is no JSON error still gives an APIError, its code derived
// from the status.
func TestErrorDecodingNonJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		body     string
		wantCode string
		want     error // nil when no sentinel matches
	}{
		{401, "Unauthorized", sipstation.CodeUnauthenticated, sipstation.ErrUnauthenticated},
		{404, "<html>404 page not found</html>", sipstation.CodeNotFound, sipstation.ErrNotFound},
		{400, "bad", sipstation.CodeValidationFailed, sipstation.ErrValidationFailed},
		{422, `{"message":"nope"}`, sipstation.CodeValidationFailed, sipstation.ErrValidationFailed},
		{429, "", sipstation.CodeTooManyRequests, sipstation.ErrTooManyRequests},
		{503, "<html>maintenance</html>", sipstation.CodeTemporarilyUnavailable, sipstation.ErrTemporarilyUnavailable},
		{502, "Bad Gateway", sipstation.CodeInternalError, sipstation.ErrInternal},
		{409, "conflict", "http_409", nil},
		{403, strings.Repeat("x", 1000), "http_403", nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}), func(c *sipstation.Config) {
				// One attempt: no retries of 5xx, and no time for those of 429.
				c.MaxRetries, c.MaxRateLimitWait = -1, time.Nanosecond
			})
			_, err := c.GetLocation(t.Context(), "loc_1")
			var apiErr *sipstation.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("%v is no *APIError", err)
			}
			got := struct {
				Status int
				Code   string
			}{apiErr.StatusCode, apiErr.Code}
			want := struct {
				Status int
				Code   string
			}{tt.status, tt.wantCode}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.want)
			}
			if len(apiErr.Detail) > 210 {
				t.Errorf("detail not shortened: %d bytes", len(apiErr.Detail))
			}
		})
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		statuses []int
		wantHits int
		wantErr  error // matched when the call fails
	}{
		{name: "400 not retried", statuses: []int{400}, wantHits: 1, wantErr: sipstation.ErrValidationFailed},
		{name: "404 not retried", statuses: []int{404}, wantHits: 1, wantErr: sipstation.ErrNotFound},
		{name: "409 not retried", statuses: []int{409}, wantHits: 1, wantErr: sipstation.ErrNumberUnavailable},
		{name: "422 not retried", statuses: []int{422}, wantHits: 1, wantErr: sipstation.ErrValidationFailed},
		{name: "401 not retried", statuses: []int{401}, wantHits: 1, wantErr: sipstation.ErrUnauthenticated},
		{name: "501 not retried", statuses: []int{501}, wantHits: 1, wantErr: sipstation.ErrInternal},
		{name: "429 retried", statuses: []int{429, 429}, wantHits: 3},
		{name: "503 retried", statuses: []int{503, 503}, wantHits: 3},
		{name: "500 retried", statuses: []int{500, 502}, wantHits: 3},
		{name: "503 then 404", statuses: []int{503, 404}, wantHits: 2, wantErr: sipstation.ErrNotFound},
		// A 429 was never executed: max_retries (4 by default) does not
		// bound it, the call's deadline does (TestTooManyRequestsUntilDeadline).
		{name: "429 past max_retries", statuses: []int{429, 429, 429, 429, 429, 429}, wantHits: 7},
		{name: "503 exhausted", statuses: []int{503, 503, 503, 503, 503, 503}, wantHits: 5, wantErr: sipstation.ErrTemporarilyUnavailable},
		// 429s in between do not use up the retries of 5xx answers.
		{name: "503 exhausted among 429s", statuses: []int{503, 429, 503, 429, 429, 503, 503, 503, 429}, wantHits: 8, wantErr: sipstation.ErrTemporarilyUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &script{statuses: tt.statuses}
			c := newClient(t, s)
			loc, err := c.GetLocation(t.Context(), "loc_1")
			if got := s.count(); got != tt.wantHits {
				t.Errorf("hits = %d, want %d", got, tt.wantHits)
			}
			if len(tt.statuses) < tt.wantHits {
				if err != nil || loc.ID != "loc_1" {
					t.Fatalf("GetLocation = %+v, %v; want loc_1", loc, err)
				}
				return
			}
			if err == nil {
				t.Fatal("GetLocation succeeded; want an error")
			}
			var apiErr *sipstation.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.statuses[tt.wantHits-1] {
				t.Errorf("error %v does not carry the last status %d", err, tt.statuses[tt.wantHits-1])
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantErr)
			}
		})
	}
}

// When retries run out, the error says so and still matches the status.
func TestRetriesExhausted(t *testing.T) {
	t.Parallel()
	s := &script{statuses: []int{503, 503, 503, 503}}
	c := newClient(t, s, func(c *sipstation.Config) { c.MaxRetries = 2 })
	err := c.CancelNumber(t.Context(), "+14155550123")
	if !errors.Is(err, sipstation.ErrTemporarilyUnavailable) {
		t.Errorf("errors.Is(%v, ErrTemporarilyUnavailable) = false", err)
	}
	want := "cancel number +14155550123: gave up after 3 attempts: 503 temporarily_unavailable: scripted answer 2"
	if diff := cmp.Diff(want, fmt.Sprint(err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if got := s.count(); got != 3 {
		t.Errorf("hits = %d, want 3", got)
	}
}

// A server that keeps answering 429 holds the call until its deadline has
// no time left for another wait; then the error says retries ran out and
// still matches ErrTooManyRequests.
func TestTooManyRequestsUntilDeadline(t *testing.T) {
	t.Parallel()
	s := &script{statuses: slices.Repeat([]int{429}, 10000), retryAfter: "0"}
	c := newClient(t, s, func(c *sipstation.Config) { c.MaxRetries = -1 })
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	_, err := c.GetLocation(ctx, "loc_1")
	if !errors.Is(err, sipstation.ErrTooManyRequests) || !strings.Contains(fmt.Sprint(err), "gave up after") {
		t.Errorf("err = %v; want ErrTooManyRequests after retries", err)
	}
	if got := s.count(); got < 3 {
		t.Errorf("hits = %d; want the 429 retried though MaxRetries is none", got)
	}
}

// A negative MaxRetries sends one attempt only.
func TestNoRetries(t *testing.T) {
	t.Parallel()
	s := &script{statuses: []int{503}}
	c := newClient(t, s, func(c *sipstation.Config) { c.MaxRetries = -1 })
	if _, err := c.GetLocation(t.Context(), "loc_1"); !errors.Is(err, sipstation.ErrTemporarilyUnavailable) {
		t.Errorf("err = %v; want ErrTemporarilyUnavailable", err)
	}
	if got := s.count(); got != 1 {
		t.Errorf("hits = %d, want 1", got)
	}
}

// A 429 with Retry-After: 1 is waited out, about a second, though the
// backoff alone would wait milliseconds; so is a 503's.
func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 503} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			s := &script{statuses: []int{status}, retryAfter: "1"}
			c := newClient(t, s)
			if _, err := c.GetLocation(t.Context(), "loc_1"); err != nil {
				t.Fatal(err)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if len(s.times) != 2 {
				t.Fatalf("hits = %d, want 2", len(s.times))
			}
			if gap := s.times[1].Sub(s.times[0]); gap < 900*time.Millisecond {
				t.Errorf("retried after %s; want about 1s", gap)
			}
		})
	}
}

// A Retry-After longer than MaxRetryAfter is cut down to it.
func TestRetryAfterCapped(t *testing.T) {
	t.Parallel()
	s := &script{statuses: []int{429}, retryAfter: "3600"}
	c := newClient(t, s, func(c *sipstation.Config) { c.MaxRetryAfter = 50 * time.Millisecond })
	start := time.Now()
	if _, err := c.GetLocation(t.Context(), "loc_1"); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond || elapsed > 10*time.Second {
		t.Errorf("took %s; want the 50ms cap", elapsed)
	}
}

// A connection closed without an answer is retried.
func TestRetryConnectionReset(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	hits := 0
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		n := hits
		mu.Unlock()
		if n <= 2 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			_ = conn.Close()
			return
		}
		writeJSON(w, http.StatusOK, sipstation.Location{ID: "loc_1"})
	}), func(c *sipstation.Config) {
		// Without keep-alive the transport cannot retry on its own, so
		// every hit below is one of the client's attempts.
		c.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	})
	loc, err := c.GetLocation(t.Context(), "loc_1")
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if loc.ID != "loc_1" || hits != 3 {
		t.Errorf("got %+v after %d hits; want loc_1 after 3", loc, hits)
	}
}

// Nothing listening: the error names the endpoint and the attempts.
func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	endpoint := srv.URL
	srv.Close()
	c, err := sipstation.New(sipstation.Config{Endpoint: endpoint, APIKey: testKey, Options: apihttp.Options{MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckAuth(t.Context())
	want := fmt.Sprintf("check API key: cannot reach %s (2 attempts): ", endpoint)
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v; want it to start with %q", err, want)
	}
}

// Every POST carries an Idempotency-Key, the same on each retry of one
// call and another for the next call; other methods carry none.
func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	s := &script{statuses: []int{503, 500, 429}}
	c := newClient(t, s)
	for range 2 {
		if _, err := c.CreateLocation(t.Context(), sipstation.LocationCreate{Name: "HQ"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.UpdateLocation(t.Context(), "loc_1", sipstation.LocationUpdate{}); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.keys) != 6 {
		t.Fatalf("hits = %d, want 6 (4 for the first POST, 1 for the second, 1 PATCH)", len(s.keys))
	}
	first := s.keys[0]
	if _, err := uuid.Parse(first); err != nil {
		t.Fatalf("key %q is no UUID: %v", first, err)
	}
	want := []string{first, first, first, first, s.keys[4], ""}
	if diff := cmp.Diff(want, s.keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if s.keys[4] == first || s.keys[4] == "" {
		t.Errorf("the second POST reused or lacked a key: %q", s.keys[4])
	}
}

// Every method sends the method, path, query and body of the contract.
func TestRoutes(t *testing.T) {
	t.Parallel()
	type sent struct {
		Method, Path, Query, Body string
	}
	str := func(s string) *string { return &s }
	tests := []struct {
		name string
		call func(context.Context, *sipstation.Client) error
		want sent
	}{
		{"CheckAuth", func(ctx context.Context, c *sipstation.Client) error { return c.CheckAuth(ctx) },
			sent{"GET", "/v1/locations", "page[size]=1", ""}},
		{"ListLocations", func(ctx context.Context, c *sipstation.Client) error { _, err := c.ListLocations(ctx); return err },
			sent{"GET", "/v1/locations", "page[number]=1&page[size]=100", ""}},
		{"GetLocation", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.GetLocation(ctx, "loc 1/2")
			return err
		},
			sent{"GET", "/v1/locations/loc%201%2F2", "", ""}},
		{"CreateLocation", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.CreateLocation(ctx, sipstation.LocationCreate{Name: "HQ", OrganizationName: "Acme", Email: "a@b.c", ServiceAddress: sipstation.Address{City: "SF"}})
			return err
		}, sent{"POST", "/v1/locations", "", `{"name":"HQ","organization_name":"Acme","email":"a@b.c","service_address":{"street1":"","street2":"","city":"SF","state":"","zip":""}}`}},
		{"UpdateLocation", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.UpdateLocation(ctx, "loc_1", sipstation.LocationUpdate{Name: str("New")})
			return err
		}, sent{"PATCH", "/v1/locations/loc_1", "", `{"name":"New"}`}},
		{"CloseLocation", func(ctx context.Context, c *sipstation.Client) error { return c.CloseLocation(ctx, "loc_1") },
			sent{"DELETE", "/v1/locations/loc_1", "", ""}},
		{"ListAvailableNumbers", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.ListAvailableNumbers(ctx, sipstation.AvailableNumbersQuery{Type: "local", AreaCode: "415", Limit: 20})
			return err
		}, sent{"GET", "/v1/available-numbers", "area_code=415&limit=20&type=local", ""}},
		{"ListAvailableNumbersNoFilter", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.ListAvailableNumbers(ctx, sipstation.AvailableNumbersQuery{})
			return err
		}, sent{"GET", "/v1/available-numbers", "", ""}},
		{"OrderNumber", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.OrderNumber(ctx, "loc_1", sipstation.NumberOrder{Type: "local", AreaCode: "415", Description: "main"}, "")
			return err
		}, sent{"POST", "/v1/locations/loc_1/numbers", "", `{"type":"local","area_code":"415","description":"main"}`}},
		{"ListNumbers", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.ListNumbers(ctx, sipstation.NumberFilter{LocationID: "loc_1", Status: "ported_out"})
			return err
		}, sent{"GET", "/v1/numbers", "location_id=loc_1&page[number]=1&page[size]=100&status=ported_out", ""}},
		{"GetNumber", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.GetNumber(ctx, "+14155550123")
			return err
		},
			sent{"GET", "/v1/numbers/+14155550123", "", ""}},
		{"UpdateNumber", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.UpdateNumber(ctx, "+14155550123", sipstation.NumberUpdate{Description: str("d"), RemoveFailover: true})
			return err
		}, sent{"PATCH", "/v1/numbers/+14155550123", "", `{"description":"d","failover":null}`}},
		{"CancelNumber", func(ctx context.Context, c *sipstation.Client) error { return c.CancelNumber(ctx, "+14155550123") },
			sent{"DELETE", "/v1/numbers/+14155550123", "", ""}}, // never force=true
		{"ListPortOuts", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.ListPortOuts(ctx, sipstation.PortOutFilter{Status: "pending"})
			return err
		}, sent{"GET", "/v1/port-outs", "page[number]=1&page[size]=100&status=pending", ""}},
		{"GetPortOut", func(ctx context.Context, c *sipstation.Client) error { _, err := c.GetPortOut(ctx, "po_1"); return err },
			sent{"GET", "/v1/port-outs/po_1", "", ""}},
		{"ListStatements", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.ListStatements(ctx, "loc_1", sipstation.StatementFilter{From: "2025-01-01", To: "2025-12-31"})
			return err
		}, sent{"GET", "/v1/locations/loc_1/statements", "from=2025-01-01&page[number]=1&page[size]=100&to=2025-12-31", ""}},
		{"GetStatement", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.GetStatement(ctx, "st_1")
			return err
		},
			sent{"GET", "/v1/statements/st_1", "", ""}},
		{"StatementPDF", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.StatementPDF(ctx, "st_1")
			return err
		},
			sent{"GET", "/v1/statements/st_1/pdf", "", ""}},
		{"StatementCDRs", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.StatementCDRs(ctx, "st_1")
			return err
		},
			sent{"GET", "/v1/statements/st_1/cdrs", "", ""}},
		{"StatementSMS", func(ctx context.Context, c *sipstation.Client) error {
			_, err := c.StatementSMS(ctx, "st_1")
			return err
		},
			sent{"GET", "/v1/statements/st_1/sms", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := make(chan sent, 10)
			c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				q, err := url.QueryUnescape(r.URL.RawQuery)
				if err != nil {
					t.Errorf("query %q: %v", r.URL.RawQuery, err)
				}
				got <- sent{r.Method, r.URL.EscapedPath(), q, strings.TrimSpace(string(body))}
				checkHeaders(t, r)
				if strings.Contains(tt.want.Query, "page[") || strings.HasSuffix(tt.want.Path, "available-numbers") {
					writeJSON(w, http.StatusOK, map[string]any{"data": []any{}, "meta": sipstation.ListMeta{PageNumber: 1, TotalPages: 1}})
					return
				}
				writeJSON(w, http.StatusOK, map[string]any{})
			}))
			if err := tt.call(t.Context(), c); err != nil {
				t.Fatal(err)
			}
			close(got)
			var all []sent
			for s := range got {
				all = append(all, s)
			}
			if diff := cmp.Diff([]sent{tt.want}, all); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

func checkHeaders(t *testing.T, r *http.Request) {
	t.Helper()
	if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization = %q", got)
	}
	if got := r.Header.Get("User-Agent"); got != "terraform-provider-sipstation/test sipstation-go/v1" {
		t.Errorf("User-Agent = %q", got)
	}
	if r.ContentLength > 0 && r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
	}
}

// Lists are walked page by page until meta.total_pages, keeping the filter
// on every page and the order served.
func TestPagination(t *testing.T) {
	t.Parallel()
	const total = 250
	var mu sync.Mutex
	var pages []string
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		pages = append(pages, q.Get("page[number]")+"/"+q.Get("page[size]")+"/"+q.Get("location_id"))
		mu.Unlock()
		var page, size int
		if _, err := fmt.Sscan(q.Get("page[number]"), &page); err != nil {
			t.Errorf("page[number]: %v", err)
		}
		if _, err := fmt.Sscan(q.Get("page[size]"), &size); err != nil {
			t.Errorf("page[size]: %v", err)
		}
		var data []sipstation.Number
		for i := (page - 1) * size; i < min(page*size, total); i++ {
			data = append(data, sipstation.Number{Number: fmt.Sprintf("+1415555%04d", i)})
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": sipstation.ListMeta{
			PageNumber: page, PageSize: size, TotalPages: (total + size - 1) / size, TotalResults: total,
		}})
	}))
	nums, err := c.ListNumbers(t.Context(), sipstation.NumberFilter{LocationID: "loc_1"})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range total {
		want = append(want, fmt.Sprintf("+1415555%04d", i))
	}
	var got []string
	for _, n := range nums {
		got = append(got, n.Number)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("numbers (-want +got):\n%s", diff)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]string{"1/100/loc_1", "2/100/loc_1", "3/100/loc_1"}, pages); diff != "" {
		t.Errorf("pages asked (-want +got):\n%s", diff)
	}
}

// An error on a later page fails the whole list: a partial list would look
// like numbers had gone.
func TestPaginationErrorOnLaterPage(t *testing.T) {
	t.Parallel()
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page[number]") == "2" {
			writeError(w, http.StatusNotFound, sipstation.CodeNotFound, "location gone")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": []sipstation.Statement{{ID: "st_1"}}, "meta": sipstation.ListMeta{PageNumber: 1, TotalPages: 2}})
	}))
	sts, err := c.ListStatements(t.Context(), "loc_1", sipstation.StatementFilter{})
	if !errors.Is(err, sipstation.ErrNotFound) || sts != nil {
		t.Errorf("ListStatements = %v, %v; want nil, ErrNotFound", sts, err)
	}
}

// A page that is empty although more are promised ends the walk with an
// error: walking on could go on for ever, and stopping early would pass off
// part of the list as all of it.
func TestPaginationEmptyPagePromisingMore(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		data := []sipstation.PortOut{}
		if r.URL.Query().Get("page[number]") == "1" {
			data = append(data, sipstation.PortOut{ID: "po_1"})
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": sipstation.ListMeta{PageNumber: 1, TotalPages: math.MaxInt32}})
	}))
	pos, err := c.ListPortOuts(t.Context(), sipstation.PortOutFilter{})
	if err == nil || pos != nil || !strings.Contains(err.Error(), "page 2 of 2147483647 is empty") {
		t.Errorf("ListPortOuts = %v, %v; want nil and an error about the empty page 2", pos, err)
	}
	if got := hits.Load(); got != 2 {
		t.Errorf("pages asked: %d, want 2", got)
	}
}

// The log hook gets one entry per attempt, with what is needed to follow a
// call, and never the API key.
func TestLogRedaction(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var entries []string
	var fields []map[string]any
	s := &script{statuses: []int{429, 503}, retryAfter: "0"}
	c := newClient(t, s, func(c *sipstation.Config) {
		c.Log = func(_ context.Context, msg string, f map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			entries = append(entries, fmt.Sprintf("%s %#v", msg, f))
			fields = append(fields, f)
		}
	})
	if _, err := c.CreateLocation(t.Context(), sipstation.LocationCreate{Name: "HQ"}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(fields) != 3 {
		t.Fatalf("%d log entries, want 3 (one per attempt): %v", len(fields), entries)
	}
	for i, f := range fields {
		want := map[string]any{"method": "POST", "attempt": i + 1, "status": []int{429, 503, 200}[i]}
		got := map[string]any{"method": f["method"], "attempt": f["attempt"], "status": f["status"]}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("entry %d (-want +got):\n%s", i, diff)
		}
		for _, k := range []string{"url", "duration_ms", "idempotency_key"} {
			if _, ok := f[k]; !ok {
				t.Errorf("entry %d lacks %s: %v", i, k, f)
			}
		}
	}
	for _, e := range entries {
		if strings.Contains(e, testKey) || strings.Contains(e, "Bearer") || strings.Contains(strings.ToLower(e), "authorization") {
			t.Errorf("a log entry shows the credentials: %s", e)
		}
	}
}

// Cancelling the context stops the retries at once, even in the middle of a
// long Retry-After, and the error says it was cancelled.
func TestContextCancelStopsRetries(t *testing.T) {
	t.Parallel()
	s := &script{statuses: []int{503, 503, 503, 503, 503}, retryAfter: "30"}
	c := newClient(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GetLocation(ctx, "loc_1")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v; want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("returned after %s; want at once", elapsed)
	}
	if got := s.count(); got != 1 {
		t.Errorf("hits = %d, want 1", got)
	}
}

// Cancelling while an attempt waits for its answer ends it too.
func TestContextCancelDuringAttempt(t *testing.T) {
	t.Parallel()
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := c.GetLocation(ctx, "loc_1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v; want context.DeadlineExceeded", err)
	}
}

// An attempt that outlasts RequestTimeout is retried, then reported in words.
func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-r.Context().Done()
	}), func(c *sipstation.Config) {
		c.RequestTimeout = 50 * time.Millisecond
		c.MaxRetries = 1
	})
	err := c.CheckAuth(t.Context())
	if err == nil || !strings.Contains(err.Error(), "no answer from http://127.0.0.1:") || !strings.Contains(err.Error(), "within 50ms (2 attempts)") {
		t.Errorf("err = %v; want a sentence about no answer within 50ms", err)
	}
	if got := hits.Load(); got != 2 {
		t.Errorf("hits = %d, want 2", got)
	}
}

// An empty identifier is refused before anything is sent, rather than
// reaching another route (GET /v1/numbers/ is not GET /v1/numbers/{e164}).
func TestEmptyIdentifier(t *testing.T) {
	t.Parallel()
	s := &script{}
	c := newClient(t, s)
	err := c.CancelNumber(t.Context(), "")
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("err = %v; want an error about the empty identifier", err)
	}
	if _, err := c.ListStatements(t.Context(), "", sipstation.StatementFilter{}); err == nil {
		t.Error("ListStatements with no location succeeded")
	}
	if got := s.count(); got != 0 {
		t.Errorf("hits = %d, want 0", got)
	}
}

// A 2xx answer that is not the contract's envelope is an error, not an
// empty object.
func TestMalformedAnswer(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"not JSON": "<html>ok</html>",
		"empty":    "",
		"null":     "null",
		"array":    `[1,2]`,
		"wrong":    `{"id":1}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, body)
			}))
			if loc, err := c.GetLocation(t.Context(), "loc_1"); err == nil || !strings.Contains(err.Error(), "decode answer") {
				t.Errorf("GetLocation = %+v, %v; want a decode error", loc, err)
			}
		})
	}
}

// The downloads return the body as served.
func TestStatementDownloads(t *testing.T) {
	t.Parallel()
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/statements/st_1/pdf":
			if r.Header.Get("Accept") != "application/pdf" {
				t.Errorf("Accept = %q", r.Header.Get("Accept"))
			}
			w.Header().Set("Content-Type", "application/pdf")
			_, _ = io.WriteString(w, "%PDF-1.4 fake")
		case "/v1/statements/st_1/cdrs":
			_, _ = io.WriteString(w, "date,from,to\n")
		default:
			writeError(w, http.StatusNotFound, sipstation.CodeNotFound, "no such statement")
		}
	}))
	pdf, err := c.StatementPDF(t.Context(), "st_1")
	if err != nil || string(pdf) != "%PDF-1.4 fake" {
		t.Errorf("StatementPDF = %q, %v", pdf, err)
	}
	cdrs, err := c.StatementCDRs(t.Context(), "st_1")
	if err != nil || string(cdrs) != "date,from,to\n" {
		t.Errorf("StatementCDRs = %q, %v", cdrs, err)
	}
	if _, err := c.StatementSMS(t.Context(), "st_2"); !errors.Is(err, sipstation.ErrNotFound) {
		t.Errorf("StatementSMS of a missing statement: %v; want ErrNotFound", err)
	}
}
