package emulator

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// limiter is a token bucket per API key (as presented, so that bad keys are
// limited too), refilled on the wall clock: rate limiting is about traffic,
// not about the emulated calendar.
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter() *limiter {
	return &limiter{buckets: map[string]*bucket{}, now: time.Now}
}

// take spends one token. It answers whether the request may run, how many
// tokens are left, and when it may not, how many whole seconds to wait.
func (l *limiter) take(key string, rate float64) (ok bool, remaining, retryAfter int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	burst := math.Max(rate, 1) // one second's worth
	now := l.now()
	b, found := l.buckets[key]
	if !found {
		b = &bucket{tokens: burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens < 1 {
		return false, 0, max(1, int(math.Ceil((1-b.tokens)/rate)))
	}
	b.tokens--
	return true, int(b.tokens), 0
}

// UnlimitedRate is the rate in force when the limit is off (a negative
// Options.RateLimit), and the highest one can set: a rate no client reaches,
// so that every answer still carries the X-RateLimit headers the contract
// promises.
const UnlimitedRate = 1_000_000

// rateLimit is the rate in force: a fault setting overrides the option.
func (s *Server) rateLimit() float64 {
	if f := s.faults.get().RateLimitPerS; f > 0 {
		return min(f, UnlimitedRate)
	}
	switch {
	case s.opts.RateLimit == 0:
		return DefaultRateLimit
	case s.opts.RateLimit < 0:
		return UnlimitedRate
	default:
		return min(s.opts.RateLimit, UnlimitedRate)
	}
}

// admit applies the rate limit and sets the X-RateLimit headers; over the
// limit it returns the 429 to answer, before anything is executed.
func (s *Server) admit(w http.ResponseWriter, token string) *apiError {
	rate := s.rateLimit()
	ok, remaining, retryAfter := s.limiter.take(token, rate)
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(int(math.Ceil(rate))))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	if ok {
		return nil
	}
	e := errf(http.StatusTooManyRequests, sipstation.CodeTooManyRequests,
		"more than %s requests per second for this API key; the request was not executed, retry after %d s", strconv.FormatFloat(rate, 'f', -1, 64), retryAfter)
	e.retryAfter = retryAfter
	return e
}
