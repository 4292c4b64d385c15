// Package apihttp is the HTTP policy that every SIPStation API client of
// this project shares, so that the clients cannot drift apart on it:
//
//   - pacing: every call of one Client waits its turn under the rate limit
//     the API announces (X-RateLimit-Limit, X-RateLimit-Remaining), so many
//     calls in parallel slow down instead of meeting 429s;
//   - retries of rate limits (429) for as long as the call's deadline has
//     time left (a 429 was never executed), and of outages (5xx but 501) and
//     connection errors up to MaxRetries, with jittered exponential backoff
//     that honours Retry-After, jittered too; RetryLater gives the same
//     backoff and deadline to a call whose answer says "try again shortly"
//     in its body;
//   - one log entry per attempt, for the caller's hook;
//   - redaction: the secrets a client names (an API key, an account key
//     that travels in the URL path) never appear in a log entry or in an
//     error this package returns;
//   - plain http only to a loopback host, so a secret never crosses a
//     network in clear text.
//   - reads through a cache (ReadThrough): one fetch per key for all the
//     callers that want it, which one of them giving up does not fail.
//
// It knows nothing of either API's paths, bodies or error documents: a
// client builds the request and decodes the answer.
package apihttp

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// Defaults of Options.
const (
	DefaultMaxRetries     = 4
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultMaxRetryAfter  = 60 * time.Second
	// DefaultMaxRateLimitWait bounds the 429 retries of a call whose
	// context has no deadline.
	DefaultMaxRateLimitWait = 10 * time.Minute
)

// maxBody bounds what is read of one answer, so a misbehaving endpoint
// cannot exhaust the memory of the program that embeds a client.
const maxBody = 64 << 20

// redacted stands in for a secret in logs and errors.
const redacted = "REDACTED"

// LogFunc receives one entry per HTTP attempt: method, url, status (or
// error), duration_ms, attempt, and idempotency_key, rate_limit_remaining
// and retry_after when present. It never receives a secret: header values
// other than those are not logged, and the URL is redacted.
type LogFunc func(ctx context.Context, msg string, fields map[string]any)

// Options is the transport policy a client is configured with; the API
// clients embed it in their Config. The zero value is the default policy.
type Options struct {
	// UserAgent identifies the program using the client; the client appends
	// its own token to it.
	UserAgent string
	// MaxRetries is how often an attempt that met an outage (5xx but 501)
	// or a connection error is retried: DefaultMaxRetries when 0, none when
	// negative. It does not bound 429s: a 429 was never executed, so it is
	// retried while the call's context has time left (see MaxRateLimitWait).
	MaxRetries int
	// MaxRateLimitWait bounds how long a call whose context has no deadline
	// keeps retrying 429s; DefaultMaxRateLimitWait when 0. A context
	// deadline bounds them otherwise.
	MaxRateLimitWait time.Duration
	// RequestTimeout bounds each attempt (not the wait for its turn under
	// the rate limit, nor the waits between attempts); DefaultRequestTimeout
	// when 0.
	RequestTimeout time.Duration
	// RetryWaitMin and RetryWaitMax bound the jittered exponential backoff
	// between attempts; DefaultRetryWaitMin / DefaultRetryWaitMax when 0.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRetryAfter caps how long a server's Retry-After is honoured;
	// DefaultMaxRetryAfter when 0.
	MaxRetryAfter time.Duration
	// Log, when set, receives one entry per HTTP attempt.
	Log LogFunc
	// HTTPClient is the base client whose transport is used; its Timeout is
	// replaced by RequestTimeout. A pooled client of its own when nil.
	HTTPClient *http.Client
}

// Client sends requests under the policy. It is safe for concurrent use.
type Client struct {
	endpoint  string // the base URL as given, redacted, for messages
	userAgent string
	timeout   time.Duration
	redactor  *strings.Replacer
	rc        *retryablehttp.Client
	pacer     *pacer
	// rateLimitWait bounds the 429 retries of a call without a deadline.
	rateLimitWait time.Duration
	// wait, waitMin and waitMax are the backoff between attempts.
	wait             retryablehttp.Backoff
	waitMin, waitMax time.Duration
}

// New returns a Client for the API at endpoint (used in messages only).
// secrets are the values to keep out of every log entry and error; empty
// ones are ignored. token is the client's own User-Agent token.
func New(endpoint, token string, opts Options, secrets ...string) (*Client, error) {
	maxRetries := opts.MaxRetries
	switch {
	case maxRetries == 0:
		maxRetries = DefaultMaxRetries
	case maxRetries < 0:
		maxRetries = 0
	}
	timeout := cmp.Or(opts.RequestTimeout, DefaultRequestTimeout)
	waitMin := cmp.Or(opts.RetryWaitMin, DefaultRetryWaitMin)
	waitMax := cmp.Or(opts.RetryWaitMax, DefaultRetryWaitMax)
	if waitMin > waitMax {
		return nil, fmt.Errorf("the minimum retry wait %s is longer than the maximum %s", waitMin, waitMax)
	}
	maxRetryAfter := cmp.Or(opts.MaxRetryAfter, DefaultMaxRetryAfter)
	wait := backoff(maxRetryAfter)

	var pairs []string
	for _, s := range secrets {
		if s != "" {
			pairs = append(pairs, s, redacted)
		}
	}
	redactor := strings.NewReplacer(pairs...)

	hc := cleanhttp.DefaultPooledClient()
	if opts.HTTPClient != nil {
		copied := *opts.HTTPClient
		hc = &copied
	}
	transport := hc.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	p := newPacer()
	hc.Transport = &logTransport{next: transport, log: opts.Log, redactor: redactor, pacer: p}
	hc.Timeout = timeout

	rc := &retryablehttp.Client{
		HTTPClient: hc,
		// retryPolicy bounds the retries (and waits between them) itself:
		// 5xx and connection errors by maxRetries, 429s by the deadline.
		RetryMax:   math.MaxInt32,
		CheckRetry: retryPolicy(maxRetries, waitMin, waitMax, wait),
		Backoff:    func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		// Every attempt, the first and each retry, waits its turn under the
		// rate limit here, before request_timeout starts counting. When the
		// context ends meanwhile, the attempt that follows fails with it.
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, _ int) { _ = p.wait(req.Context()) },
		// Hand the last answer back as it is: the client turns it into an
		// error of its API that says retries were exhausted.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return &Client{
		endpoint:      redact(redactor, endpoint),
		userAgent:     strings.TrimSpace(opts.UserAgent + " " + token),
		timeout:       timeout,
		redactor:      redactor,
		rc:            rc,
		pacer:         p,
		rateLimitWait: cmp.Or(opts.MaxRateLimitWait, DefaultMaxRateLimitWait),
		wait:          wait,
		waitMin:       waitMin,
		waitMax:       waitMax,
	}, nil
}

// RetryLater waits before a call is made again whose answer said "try again
// shortly" in its body rather than in its status (such as the account-key
// API's TEMPNOTAVAIL, sent in a 200): the policy's jittered exponential
// backoff before the retry-th retry (0 for the first). Such a call is retried
// as a 429 is, while it has time left: RetryLater reports false at once when
// the context's deadline, or without one start plus MaxRateLimitWait, leaves
// no time for the wait, and returns the context's error when the context
// ends while it waits.
func (c *Client) RetryLater(ctx context.Context, start time.Time, retry int) (bool, error) {
	deadline := start.Add(c.rateLimitWait)
	if d, ok := ctx.Deadline(); ok {
		deadline = d
	}
	d := c.wait(c.waitMin, c.waitMax, retry, nil)
	if time.Now().Add(d).After(deadline) {
		return false, nil
	}
	return sleep(ctx, d)
}

// sleep waits d before a retry: true when it did, the context's error when
// the context ended first.
func sleep(ctx context.Context, d time.Duration) (bool, error) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-t.C:
		return true, nil
	}
}

// retryPolicy decides after each attempt whether to retry, and waits before
// the retry. Connection errors, 429 and 5xx except 501 (which will not
// change) are retried, never other 4xx, and nothing once the context ended.
// A 429 is retried while the call's deadline leaves time for the wait;
// the others at most maxRetries times.
func retryPolicy(maxRetries int, waitMin, waitMax time.Duration, wait retryablehttp.Backoff) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		retry, checkErr := retryablehttp.DefaultRetryPolicy(ctx, resp, err)
		st := stateOf(ctx)
		if !retry || st == nil {
			return retry, checkErr
		}
		var d time.Duration
		if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
			st.limited++
			d = wait(waitMin, waitMax, st.limited-1, resp)
			if time.Now().Add(d).After(st.deadline) {
				return false, nil // no time left: the 429 is the answer
			}
		} else {
			st.failures++
			if st.failures > maxRetries {
				return false, nil
			}
			d = wait(waitMin, waitMax, st.failures-1, resp)
		}
		return sleep(ctx, d)
	}
}

// Redact replaces the client's secrets in s.
func (c *Client) Redact(s string) string { return redact(c.redactor, s) }

// redact replaces the secrets in s, also where s holds one URL-escaped in
// any form (a URL quoted in an error keeps the caller's own escaping): then
// s is returned unescaped, with the secrets replaced.
func redact(r *strings.Replacer, s string) string {
	s = r.Replace(s)
	for _, unescape := range []func(string) (string, error){url.PathUnescape, url.QueryUnescape} {
		if u, err := unescape(s); err == nil && u != s {
			if ru := r.Replace(u); ru != u {
				return ru
			}
		}
	}
	return s
}

// CheckBaseURL parses a base URL and refuses what would expose a secret:
// plain http to a host that is not loopback, user info, a query or a
// fragment. example is a base URL to name in errors.
func CheckBaseURL(endpoint, example string) (*url.URL, error) {
	want := "expected a base URL such as " + example
	if strings.TrimSpace(endpoint) == "" {
		return nil, errors.New("the endpoint is empty; " + want)
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("the endpoint %q is not a URL (%s): %w", endpoint, want, err)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("the endpoint %q has no host; %s", endpoint, want)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("the endpoint %q has user info, a query or a fragment; %s (the key is given on its own)", u.Redacted(), want)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("the endpoint %q uses plain http to a host that is not loopback; the key would cross the network in clear text, so use https (plain http is accepted only for 127.0.0.0/8, ::1 and localhost)", endpoint)
		}
	default:
		return nil, fmt.Errorf("the endpoint %q has scheme %q; expected https (or http for a loopback host)", endpoint, u.Scheme)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Request is one call, before it is sent.
type Request struct {
	Method string
	URL    string
	Header http.Header // User-Agent is set by the client
	Body   []byte      // nil when there is none
}

// Response is the last answer of a call.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// Attempts is how many attempts the call took.
	Attempts int
}

// Retried reports whether the answer is a retryable failure that came after
// retries: the caller's error should say retries ran out.
func (r *Response) Retried() bool {
	return r.Attempts > 1 && RetryableStatus(r.StatusCode)
}

// Do sends r under the policy and returns the last answer, whatever its
// status; the error is set only when no answer came, and then explains why
// in words a user understands, with the secrets redacted. A context that
// ended stays matchable as context.Canceled or context.DeadlineExceeded.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	attempts := new(atomic.Int32)
	ctx = context.WithValue(ctx, attemptsKey{}, attempts)
	st := &callState{deadline: time.Now().Add(c.rateLimitWait)}
	if d, ok := ctx.Deadline(); ok {
		st.deadline = d
	}
	ctx = context.WithValue(ctx, callKey{}, st)
	var body any // stays nil, not an empty []byte, when there is none
	if r.Body != nil {
		body = r.Body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %s", c.Redact(err.Error()))
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.rc.Do(req)
	if err != nil {
		if resp != nil { // the context ended while waiting to retry it
			_ = resp.Body.Close()
		}
		return nil, c.transportError(ctx, err, int(attempts.Load()))
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := readBody(resp.Body)
	if err != nil {
		return nil, c.transportError(ctx, fmt.Errorf("read answer: %w", err), int(attempts.Load()))
	}
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: data, Attempts: int(attempts.Load())}, nil
}

func readBody(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxBody {
		return nil, fmt.Errorf("the answer is larger than %d MiB", maxBody>>20)
	}
	return data, nil
}

// RetryableStatus mirrors retryablehttp.DefaultRetryPolicy for statuses.
func RetryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || (code >= 500 && code != http.StatusNotImplemented)
}

// transportError explains an attempt that got no answer. The underlying
// error (which quotes the URL) is kept only as redacted text.
func (c *Client) transportError(ctx context.Context, err error, attempts int) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		// The caller gave up (cancelled, or its own deadline passed): say
		// so, and keep context.Canceled / DeadlineExceeded matchable.
		return fmt.Errorf("request to %s stopped: %w", c.endpoint, ctxErr)
	}
	tries := "1 attempt"
	if attempts != 1 {
		tries = fmt.Sprintf("%d attempts", attempts)
	}
	cause := c.Redact(err.Error())
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return fmt.Errorf("no answer from %s within %s (%s); the service may be down or overloaded, or the endpoint wrong; try again later or allow a longer request timeout: %s",
			c.endpoint, c.timeout, tries, cause)
	}
	return fmt.Errorf("cannot reach %s (%s): %s", c.endpoint, tries, cause)
}

// backoff honours a 429's or 503's Retry-After, capped by maxRetryAfter,
// plus a jitter (see jitter), and otherwise waits an exponentially growing,
// jittered time between min and max, so that many clients throttled
// together do not retry in lockstep.
func backoff(maxRetryAfter time.Duration) retryablehttp.Backoff {
	return func(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
		if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				d = min(d, maxRetryAfter)
				return d + jitter(d)
			}
		}
		d := hi
		if attempt < 32 { // beyond that the shift overflows; hi applies anyway
			d = min(lo<<attempt, hi)
		}
		// Equal jitter: half fixed, half random.
		return d/2 + rand.N(d/2+1)
	}
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Clamp what would overflow a Duration; MaxRetryAfter caps it anyway.
		return time.Duration(min(secs, int64(math.MaxInt64/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

type attemptsKey struct{}

// logTransport counts the attempts of a call and reports each to the Log
// hook. It sees the request's headers but only ever logs the idempotency
// key, never Authorization, and the URL only redacted.
type logTransport struct {
	next     http.RoundTripper
	log      LogFunc
	redactor *strings.Replacer
	pacer    *pacer
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	attempt := 0
	if n, ok := req.Context().Value(attemptsKey{}).(*atomic.Int32); ok {
		attempt = int(n.Add(1))
	}
	start := time.Now()
	t.pacer.sent()
	resp, err := t.next.RoundTrip(req)
	t.pacer.answered(resp, start)
	if t.log == nil {
		return resp, err
	}
	fields := map[string]any{
		"method":      req.Method,
		"url":         redact(t.redactor, req.URL.Redacted()),
		"attempt":     attempt,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if k := req.Header.Get("Idempotency-Key"); k != "" {
		fields["idempotency_key"] = k
	}
	if err != nil {
		fields["error"] = redact(t.redactor, err.Error())
	} else {
		fields["status"] = resp.StatusCode
		if v := resp.Header.Get("X-RateLimit-Remaining"); v != "" {
			fields["rate_limit_remaining"] = v
		}
		if v := resp.Header.Get("Retry-After"); v != "" {
			fields["retry_after"] = v
		}
	}
	t.log(req.Context(), "SIPStation API request", fields)
	return resp, err
}

// TrimmedBody is a short, printable excerpt of an answer that is not the
// API's error document, for an error message.
func TrimmedBody(body []byte) string {
	detail := strings.TrimSpace(string(bytes.ToValidUTF8(body, []byte("?"))))
	if len(detail) > 200 {
		detail = detail[:200] + "..."
	}
	return detail
}
