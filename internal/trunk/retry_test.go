package trunk_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

// TEMPNOTAVAIL is the service's "try again shortly": the read is tried
// again after a backoff while its deadline has time left. The waits run on
// synctest's fake clock.
func TestTempNotAvailRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var at []time.Time
		f := &fakeService{answer: func(sent) (int, string) {
			mu.Lock()
			defer mu.Unlock()
			at = append(at, time.Now())
			if len(at) <= 3 {
				return http.StatusOK, string(fixture(t, "full-tempnotavail.json"))
			}
			return http.StatusOK, string(fixture(t, "full.json"))
		}}
		c := tempClient(t, f)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		a, err := c.Account(ctx)
		if err != nil || len(a.Numbers) != 2 {
			t.Fatalf("Account: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(at) != 4 {
			t.Fatalf("%d reads, want 4", len(at))
		}
		for i := 1; i < len(at); i++ {
			// The policy's backoff (RetryWaitMin 2s, RetryWaitMax 8s):
			// between half and all of 2s, 4s, 8s.
			step := min(2*time.Second<<(i-1), 8*time.Second)
			lo, hi := step/2, step
			if d := at[i].Sub(at[i-1]); d < lo || d > hi {
				t.Errorf("wait %d: %s, want %s to %s", i, d, lo, hi)
			}
		}
	})
}

// Until the deadline leaves no time for another wait: then a clear error
// that says how often and for how long, matchable.
func TestTempNotAvailUntilDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		reads := 0
		f := &fakeService{answer: func(sent) (int, string) {
			reads++
			return http.StatusOK, string(fixture(t, "full-tempnotavail.json"))
		}}
		c := tempClient(t, f)
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := c.Account(ctx)
		if !errors.Is(err, trunk.ErrTemporarilyUnavailable) || !strings.Contains(err.Error(), "TEMPNOTAVAIL") ||
			!strings.Contains(err.Error(), "try again in a few minutes") {
			t.Errorf("Account: %v", err)
		}
		if elapsed := time.Since(start); elapsed > 20*time.Second || reads < 4 {
			t.Errorf("%d reads over %s; want several, within the 20s deadline", reads, elapsed)
		}
		// Without a deadline, MaxRateLimitWait bounds it.
		start = time.Now()
		if _, err := c.Account(context.Background()); !errors.Is(err, trunk.ErrTemporarilyUnavailable) || time.Since(start) > time.Minute {
			t.Errorf("without a deadline: %v after %s, want the error within MaxRateLimitWait (1m)", err, time.Since(start))
		}
	})
}

func tempClient(t *testing.T, f *fakeService) *trunk.Client {
	t.Helper()
	f.t = t
	c, err := trunk.New(trunk.Config{Endpoint: "https://push2.example.com/sipstation", AccountKey: key,
		Options: apihttp.Options{RetryWaitMin: 2 * time.Second, RetryWaitMax: 8 * time.Second, MaxRateLimitWait: time.Minute,
			HTTPClient: acctest.InProcess(f)}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
