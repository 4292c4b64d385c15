package apihttp

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The rate-limit discipline of a Client. The API says its limit on every
// answer: X-RateLimit-Limit (requests per second per key; the contract names
// no window, so a second it is, as the emulator serves it) and
// X-RateLimit-Remaining (what is left of it now). Every call of one Client,
// that is of one provider process, paces its attempts through one pacer, so
// that many calls in parallel slow down instead of meeting 429s.

// paceHeadroom is the share of the server's limit the pacer aims at: a
// little below it, for the server's rounding and the clock of two machines.
const paceHeadroom = 0.9

// pacer is a token bucket whose rate and level follow the server's headers.
// Until an answer names a limit it lets every attempt through.
type pacer struct {
	mu       sync.Mutex
	now      func() time.Time
	limit    float64 // the server's X-RateLimit-Limit; 0 while unknown
	rate     float64 // the pace aimed at, at most limit*paceHeadroom
	tokens   float64 // may go negative: attempts already promised a slot
	last     time.Time
	inFlight int       // attempts sent and not yet answered
	lastCut  time.Time // when a 429 last cut the pace
	// pacedSince is when the limit in force was learned.
	pacedSince time.Time
}

func newPacer() *pacer { return &pacer{now: time.Now} }

// refill adds the tokens earned since the last look. Caller holds mu.
func (p *pacer) refill(now time.Time) {
	if !p.last.IsZero() && p.rate > 0 {
		p.tokens = math.Min(p.burst(), p.tokens+now.Sub(p.last).Seconds()*p.rate)
	}
	p.last = now
}

// burst is one second's worth at the server's limit, as the server allows.
func (p *pacer) burst() float64 { return math.Max(1, p.limit*paceHeadroom) }

// wait blocks until the next attempt may be sent, or ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	if p.rate == 0 {
		p.mu.Unlock()
		return nil
	}
	p.refill(p.now())
	p.tokens--
	var d time.Duration
	if p.tokens < 0 {
		d = time.Duration(-p.tokens / p.rate * float64(time.Second))
	}
	p.mu.Unlock()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		p.mu.Lock()
		p.tokens++ // the slot was not used
		p.mu.Unlock()
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// sent and answered bracket an attempt on the wire.
func (p *pacer) sent() {
	p.mu.Lock()
	p.inFlight++
	p.mu.Unlock()
}

// answered takes in what an answer says of the limit (resp is nil when no
// answer came). Remaining is the server's count before the attempts still
// in flight reach it, so those are taken off it too. A 429 means the key is
// busier than this process alone makes it (another workspace, another
// tool): the pace halves (at most once a second, down to an eighth), and
// grows back by a twentieth of the limit per answer that got through.
func (p *pacer) answered(resp *http.Response, sentAt time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight--
	if resp == nil {
		return
	}
	limit, okLimit := headerFloat(resp.Header, "X-RateLimit-Limit")
	remaining, okRemaining := headerFloat(resp.Header, "X-RateLimit-Remaining")
	if !okLimit || limit <= 0 {
		return
	}
	p.refill(p.now())
	ceiling := limit * paceHeadroom
	if p.limit != limit {
		if p.limit == 0 {
			p.tokens = ceiling // a full bucket, clamped below by Remaining
		}
		p.limit, p.rate = limit, ceiling
		p.tokens = math.Min(p.tokens, p.burst())
		p.pacedSince = p.now()
	}
	now := p.now()
	if resp.StatusCode == http.StatusTooManyRequests {
		// Only a 429 of an attempt sent under this pace says the key is
		// busier than this process makes it, and the 429s of one burst
		// come back together: cut once per second.
		if !sentAt.Before(p.pacedSince) && now.Sub(p.lastCut) >= time.Second {
			p.rate = math.Max(p.rate/2, ceiling/8)
			p.lastCut = now
		}
		p.tokens = math.Min(p.tokens, 0)
	} else {
		p.rate = math.Min(ceiling, p.rate+ceiling/20)
	}
	if okRemaining {
		p.tokens = math.Min(p.tokens, remaining-float64(p.inFlight))
	}
}

func headerFloat(h http.Header, name string) (float64, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, false
	}
	return f, true
}

// callState is what the retry policy knows of one call (all its attempts).
type callState struct {
	failures int // 5xx answers and connection errors: what MaxRetries bounds
	limited  int // 429 answers
	// deadline bounds the retries of 429s: the context's, or, without one,
	// the start plus Options.MaxRateLimitWait.
	deadline time.Time
}

type callKey struct{}

func stateOf(ctx context.Context) *callState {
	s, _ := ctx.Value(callKey{}).(*callState)
	return s
}

// jitter is what is added to a Retry-After: up to half of it, and at least
// up to a quarter second, so that calls throttled together come back spread
// out rather than in lockstep.
func jitter(d time.Duration) time.Duration {
	j := max(d/2, 250*time.Millisecond)
	return rand.N(j + 1)
}
