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
