package sipstation

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
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

	"github.com/google/uuid"
	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// userAgentToken is appended to every User-Agent, so the service can tell
// this client apart from whatever program embeds it.
const userAgentToken = "sipstation-go/v1"

// Defaults of Config.
const (
	DefaultMaxRetries     = 4
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultMaxRetryAfter  = 60 * time.Second
)

// pageSize is the page size the client asks for when it walks a list.
const pageSize = 100

// maxBody bounds what the client reads of one answer, so a misbehaving
// endpoint cannot exhaust the memory of the program that embeds it.
const maxBody = 64 << 20

// LogFunc receives one entry per HTTP attempt: method, url, status (or
// error), duration_ms, attempt, and idempotency_key, rate_limit_remaining
// and retry_after when present. It never receives a header value that
// carries the API key.
type LogFunc func(ctx context.Context, msg string, fields map[string]any)

// Config configures a Client. Only Endpoint and APIKey are required.
type Config struct {
	// Endpoint is the base URL, e.g. https://api.example.com or
	// http://127.0.0.1:8787; the client appends /v1. Plain http is only
	// accepted for a loopback host, so the key never crosses a network in
	// clear text.
	Endpoint string
	APIKey   string
	// UserAgent identifies the program using the client; the client appends
	// its own token to it.
	UserAgent string
	// MaxRetries is how often a failed attempt is retried: DefaultMaxRetries
	// when 0, none when negative.
	MaxRetries int
	// RequestTimeout bounds each attempt; DefaultRequestTimeout when 0.
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

// Client calls the SIPStation API v1. It is safe for concurrent use.
type Client struct {
	baseURL   string // endpoint with /v1, no trailing slash
	endpoint  string // as the user gave it, for messages
	apiKey    string
	userAgent string
	timeout   time.Duration
	rc        *retryablehttp.Client
}

// New checks cfg and returns a Client. It makes no request: CheckAuth does.
func New(cfg Config) (*Client, error) {
	base, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, errors.New("the API key is empty; every request to the SIPStation API needs one")
	}
	maxRetries := cfg.MaxRetries
	switch {
	case maxRetries == 0:
		maxRetries = DefaultMaxRetries
	case maxRetries < 0:
		maxRetries = 0
	}
	timeout := cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout)
	waitMin := cmp.Or(cfg.RetryWaitMin, DefaultRetryWaitMin)
	waitMax := cmp.Or(cfg.RetryWaitMax, DefaultRetryWaitMax)
	if waitMin > waitMax {
		return nil, fmt.Errorf("the minimum retry wait %s is longer than the maximum %s", waitMin, waitMax)
	}
	maxRetryAfter := cmp.Or(cfg.MaxRetryAfter, DefaultMaxRetryAfter)

	hc := cleanhttp.DefaultPooledClient()
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	transport := hc.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	hc.Transport = &logTransport{next: transport, log: cfg.Log}
	hc.Timeout = timeout

	rc := &retryablehttp.Client{
		HTTPClient:   hc,
		RetryWaitMin: waitMin,
		RetryWaitMax: waitMax,
		RetryMax:     maxRetries,
		// The default policy is the one wanted: retry connection errors,
		// 429 and 5xx except 501 (which will not change), never other 4xx,
		// and stop at once when the context ends.
		CheckRetry: retryablehttp.DefaultRetryPolicy,
		Backoff:    backoff(maxRetryAfter),
		// Hand the last answer back as it is: do turns it into an APIError
		// that says retries were exhausted.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}

	return &Client{
		baseURL:   base,
		endpoint:  cfg.Endpoint,
		apiKey:    cfg.APIKey,
		userAgent: strings.TrimSpace(cfg.UserAgent + " " + userAgentToken),
		timeout:   timeout,
		rc:        rc,
	}, nil
}

// parseEndpoint checks the endpoint and returns it with /v1 appended.
func parseEndpoint(endpoint string) (string, error) {
	const want = "expected a base URL such as https://api.example.com"
	if strings.TrimSpace(endpoint) == "" {
		return "", errors.New("the endpoint is empty; " + want)
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("the endpoint %q is not a URL (%s): %w", endpoint, want, err)
	}
	if u.Hostname() == "" {
		return "", fmt.Errorf("the endpoint %q has no host; %s", endpoint, want)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("the endpoint %q has user info, a query or a fragment; %s (the API key is given on its own)", u.Redacted(), want)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", fmt.Errorf("the endpoint %q uses plain http to a host that is not loopback; the API key would cross the network in clear text, so use https (plain http is accepted only for 127.0.0.0/8, ::1 and localhost)", endpoint)
		}
	default:
		return "", fmt.Errorf("the endpoint %q has scheme %q; expected https (or http for a loopback host)", endpoint, u.Scheme)
	}
	// Accept a base URL given with /v1 already, rather than calling /v1/v1.
	path := strings.TrimSuffix(strings.TrimSuffix(u.EscapedPath(), "/"), "/v1")
	return u.Scheme + "://" + u.Host + path + "/v1", nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// backoff honours a 429's or 503's Retry-After, capped by maxRetryAfter, and
// otherwise waits an exponentially growing, jittered time between min and
// max, so that many clients throttled together do not retry in lockstep.
func backoff(maxRetryAfter time.Duration) retryablehttp.Backoff {
	return func(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
		if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				return min(d, maxRetryAfter)
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

// request is one API call, before it is sent.
type request struct {
	method string
	// path are the segments after /v1; each is escaped, and an empty one
	// is refused rather than sent as a different route.
	path   []string
	query  url.Values
	body   any    // JSON-encoded when not nil
	accept string // application/json when empty
}

// send performs r with retries and returns the body of a 2xx answer; any
// other answer becomes an *APIError.
func (c *Client) send(ctx context.Context, r request) ([]byte, error) {
	var target strings.Builder
	target.WriteString(c.baseURL)
	for _, seg := range r.path {
		if seg == "" {
			return nil, errors.New("an identifier in the request path is empty")
		}
		target.WriteString("/" + url.PathEscape(seg))
	}
	if len(r.query) > 0 {
		target.WriteString("?" + r.query.Encode())
	}

	var body any // stays nil, not an empty []byte, when there is none
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		body = b
	}

	attempts := new(atomic.Int32)
	ctx = context.WithValue(ctx, attemptsKey{}, attempts)
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, target.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", cmp.Or(r.accept, "application/json"))
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if r.method == http.MethodPost {
		// The same key goes out on every retry of this call: the server
		// replays its first answer instead of executing the request again,
		// so a lost answer can never, say, order a number twice.
		req.Header.Set("Idempotency-Key", uuid.NewString())
	}

	resp, err := c.rc.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, err, int(attempts.Load()))
	}
	defer func() { _ = resp.Body.Close() }()

	data, err := readBody(resp.Body)
	if err != nil {
		return nil, c.transportError(ctx, fmt.Errorf("read answer: %w", err), int(attempts.Load()))
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return data, nil
	}
	apiErr := decodeError(resp.StatusCode, data)
	if n := attempts.Load(); n > 1 && retryableStatus(resp.StatusCode) {
		return nil, fmt.Errorf("gave up after %d attempts: %w", n, apiErr)
	}
	return nil, apiErr
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

// retryableStatus mirrors retryablehttp.DefaultRetryPolicy for statuses.
func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || (code >= 500 && code != http.StatusNotImplemented)
}

// transportError explains an attempt that got no answer.
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
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return fmt.Errorf("no answer from %s within %s (%s); the service may be down or overloaded, or the endpoint wrong; try again later or allow a longer request timeout: %w",
			c.endpoint, c.timeout, tries, err)
	}
	return fmt.Errorf("cannot reach %s (%s): %w", c.endpoint, tries, err)
}

// decodeError turns a non-2xx answer into an *APIError: the first error
// object of a JSON error body or, for any other body, one derived from the
// status so that errors.Is still works.
func decodeError(status int, body []byte) *APIError {
	var eb ErrorBody
	if err := json.Unmarshal(body, &eb); err == nil && len(eb.Errors) > 0 && eb.Errors[0].Code != "" {
		return &APIError{StatusCode: status, ErrorObject: eb.Errors[0]}
	}
	detail := strings.TrimSpace(string(body))
	if len(detail) > 200 {
		detail = detail[:200] + "..."
	}
	return &APIError{StatusCode: status, ErrorObject: ErrorObject{
		Code:   codeForStatus(status),
		Title:  http.StatusText(status),
		Detail: detail,
	}}
}

func codeForStatus(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return CodeUnauthenticated
	case status == http.StatusNotFound:
		return CodeNotFound
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return CodeValidationFailed
	case status == http.StatusTooManyRequests:
		return CodeTooManyRequests
	case status == http.StatusServiceUnavailable:
		return CodeTemporarilyUnavailable
	case status >= 500:
		return CodeInternalError
	default:
		return "http_" + strconv.Itoa(status)
	}
}

// do sends r and decodes the answer, a single JSON object, into out unless
// out is nil. (Lists wrap their items in "data" with a "meta" block; single
// objects come bare, as the emulator serves them.)
func (c *Client) do(ctx context.Context, r request, out any) error {
	data, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return errors.New("decode answer: it is empty")
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return nil
}

// listAll walks every page of a list, in the order served.
func listAll[T any](ctx context.Context, c *Client, path []string, query url.Values) ([]T, error) {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("page[size]", strconv.Itoa(pageSize))
	var all []T
	for page := 1; ; page++ {
		q.Set("page[number]", strconv.Itoa(page))
		data, err := c.send(ctx, request{method: http.MethodGet, path: path, query: q})
		if err != nil {
			return nil, err
		}
		var env struct {
			Data []T      `json:"data"`
			Meta ListMeta `json:"meta"`
		}
		if err := json.Unmarshal(data, &env); err != nil {
			return nil, fmt.Errorf("decode page %d: %w", page, err)
		}
		if page >= env.Meta.TotalPages {
			return append(all, env.Data...), nil
		}
		if len(env.Data) == 0 {
			// More pages promised, none given: walking on could go on for
			// ever, and stopping would pass off part of a list as all of it.
			return nil, fmt.Errorf("page %d of %d is empty; the service answered an inconsistent list", page, env.Meta.TotalPages)
		}
		all = append(all, env.Data...)
	}
}

// filter builds a query from name/value pairs, leaving out empty values.
func filter(pairs ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	return q
}

// CheckAuth makes one cheap authenticated call; it returns an error matching
// ErrUnauthenticated when the key is refused.
func (c *Client) CheckAuth(ctx context.Context) error {
	q := url.Values{"page[size]": {"1"}}
	if _, err := c.send(ctx, request{method: http.MethodGet, path: []string{"locations"}, query: q}); err != nil {
		return fmt.Errorf("check API key: %w", err)
	}
	return nil
}

type attemptsKey struct{}

// logTransport counts the attempts of a call and reports each to the Log
// hook. It sees the request's headers but only ever logs the idempotency
// key, never Authorization.
type logTransport struct {
	next http.RoundTripper
	log  LogFunc
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	attempt := 0
	if n, ok := req.Context().Value(attemptsKey{}).(*atomic.Int32); ok {
		attempt = int(n.Add(1))
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if t.log == nil {
		return resp, err
	}
	fields := map[string]any{
		"method":      req.Method,
		"url":         req.URL.Redacted(),
		"attempt":     attempt,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if k := req.Header.Get("Idempotency-Key"); k != "" {
		fields["idempotency_key"] = k
	}
	if err != nil {
		fields["error"] = err.Error()
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
