package sipstation

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
)

// userAgentToken is appended to every User-Agent, so the service can tell
// this client apart from whatever program embeds it.
const userAgentToken = "sipstation-go/v1"

// pageSize is the page size the client asks for when it walks a list.
const pageSize = 100

// Config configures a Client. Only Endpoint and APIKey are required; the
// embedded Options are the retry, logging and redaction policy every API
// client of this project shares (package apihttp).
type Config struct {
	// Endpoint is the base URL, e.g. https://api.example.com or
	// http://127.0.0.1:8787; the client appends /v1. Plain http is only
	// accepted for a loopback host, so the key never crosses a network in
	// clear text.
	Endpoint string
	APIKey   string
	apihttp.Options
	// NoSnapshot turns the inventory snapshot off (see ReadNumber): every
	// ReadNumber then asks for its number on its own.
	NoSnapshot bool
}

// Client calls the SIPStation API v1. It is safe for concurrent use.
type Client struct {
	baseURL string // endpoint with /v1, no trailing slash
	apiKey  string
	http    *apihttp.Client
	snaps   *snapshots // nil when the snapshot is off
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
	hc, err := apihttp.New(cfg.Endpoint, userAgentToken, cfg.Options, cfg.APIKey)
	if err != nil {
		return nil, err
	}
	c := &Client{baseURL: base, apiKey: cfg.APIKey, http: hc}
	if !cfg.NoSnapshot {
		c.snaps = new(snapshots)
	}
	return c, nil
}

// parseEndpoint checks the endpoint and returns it with /v1 appended.
func parseEndpoint(endpoint string) (string, error) {
	u, err := apihttp.CheckBaseURL(endpoint, "https://api.example.com")
	if err != nil {
		return "", err
	}
	// Accept a base URL given with /v1 already, rather than calling /v1/v1.
	path := strings.TrimSuffix(strings.TrimSuffix(u.EscapedPath(), "/"), "/v1")
	return u.Scheme + "://" + u.Host + path + "/v1", nil
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
	// idempotencyKey is the POST's Idempotency-Key; a new one when empty.
	idempotencyKey string
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

	header := http.Header{
		"Authorization": {"Bearer " + c.apiKey},
		"Accept":        {cmp.Or(r.accept, "application/json")},
	}
	var body []byte
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		body = b
		header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if r.method == http.MethodPost {
		// The same key goes out on every retry of this call: the server
		// replays its first answer instead of executing the request again,
		// so a lost answer can never, say, order a number twice.
		header.Set("Idempotency-Key", cmp.Or(r.idempotencyKey, uuid.NewString()))
	}

	resp, err := c.http.Do(ctx, apihttp.Request{Method: r.method, URL: target.String(), Header: header, Body: body})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.Body, nil
	}
	apiErr := decodeError(resp.StatusCode, resp.Body)
	if resp.Retried() {
		return nil, fmt.Errorf("gave up after %d attempts: %w", resp.Attempts, apiErr)
	}
	return nil, apiErr
}

// decodeError turns a non-2xx answer into an *APIError: the first error
// object of a JSON error body or, for any other body, one derived from the
// status so that errors.Is still works.
func decodeError(status int, body []byte) *APIError {
	var eb ErrorBody
	if err := json.Unmarshal(body, &eb); err == nil && len(eb.Errors) > 0 && eb.Errors[0].Code != "" {
		return &APIError{StatusCode: status, ErrorObject: eb.Errors[0]}
	}
	return &APIError{StatusCode: status, ErrorObject: ErrorObject{
		Code:   codeForStatus(status),
		Title:  http.StatusText(status),
		Detail: apihttp.TrimmedBody(body),
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
	return listPages[T](ctx, c, path, query, pageSize)
}

// listPages walks every page of a list, of size items each.
func listPages[T any](ctx context.Context, c *Client, path []string, query url.Values, size int) ([]T, error) {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("page[size]", strconv.Itoa(size))
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
