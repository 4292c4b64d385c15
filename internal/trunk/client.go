// Package trunk is a client for SIPStation's account-key API: the API that
// FreePBX's SIPStation module calls with the account key from the SIPStation
// portal (base URL DefaultEndpoint). It reads the whole account (its trunk,
// numbers, E911 addresses and failover) with one GET /2/full and changes E911
// addresses and failover. Ordering, cancelling, statements and port-outs are
// not part of it; they stay in the web store (or the v1 API of package
// sipstation).
//
// The routes and fields follow the module's public source; they have been
// tried against the bundled emulator only. The client knows nothing of
// Terraform, and shares the retry, logging and redaction policy of package
// apihttp: the account key travels as a URL path segment, and is redacted
// from every log entry and error.
package trunk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
)

// DefaultEndpoint is the base URL FreePBX's module calls.
const DefaultEndpoint = "https://push2.schmoozecom.com/sipstation"

// userAgentToken is appended to every User-Agent.
const userAgentToken = "sipstation-trunk-go/2"

// Errors to test with errors.Is.
var (
	// ErrBadKey: the service answered BADKEY, it does not know the key.
	ErrBadKey = errors.New("SIPStation refused the account key")
	// ErrTemporarilyUnavailable: the service answered TEMPNOTAVAIL; the same
	// read may succeed later.
	ErrTemporarilyUnavailable = errors.New("SIPStation's account data is temporarily not available")
	// ErrRefused: a change answered {"status": false}; the error's text
	// quotes the service's message.
	ErrRefused = errors.New("SIPStation refused the change")
)

// Config configures a Client. Only AccountKey is required.
type Config struct {
	// Endpoint is the base URL; DefaultEndpoint when empty. Plain http is
	// accepted only for a loopback host (such as the bundled emulator's
	// http://127.0.0.1:8787/sipstation).
	Endpoint   string
	AccountKey string
	apihttp.Options
}

// Client calls the account-key API. It is safe for concurrent use. Reads
// share one GET /2/full: the first read fetches the document, concurrent
// readers wait for that fetch, later readers get the same document, and any
// change made through the client drops it.
type Client struct {
	base string // no trailing slash
	key  string
	http *apihttp.Client

	// full is the shared GET /2/full document, under the one key
	// struct{}{}: the document, or the fetch of it in flight, or nothing.
	full apihttp.ReadThrough[struct{}, *Account]
}

// New checks cfg and returns a Client. It makes no request.
func New(cfg Config) (*Client, error) {
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	u, err := apihttp.CheckBaseURL(endpoint, DefaultEndpoint)
	if err != nil {
		return nil, err
	}
	key := strings.TrimSpace(cfg.AccountKey)
	if key == "" {
		return nil, errors.New("the account key is empty; every request to the account-key API names it")
	}
	if strings.ContainsAny(key, "/?#") {
		return nil, errors.New("the account key contains '/', '?' or '#'; it is one segment of the request path, as the SIPStation portal shows it")
	}
	hc, err := apihttp.New(endpoint, userAgentToken, cfg.Options, key, url.PathEscape(key))
	if err != nil {
		return nil, err
	}
	base := u.Scheme + "://" + u.Host + strings.TrimSuffix(u.EscapedPath(), "/")
	return &Client{base: base, key: key, http: hc}, nil
}

// Account is the document of GET /2/full, with the numbers in E.164.
type Account struct {
	Full
	// Numbers are the numbers on the trunk, in the order served.
	Numbers []Number
}

// Number is one number on the trunk.
type Number struct {
	Number      string       // E.164
	E911Address *E911Address // nil when the number has none
	Failover    Failover     // zero when none
}

// Failover is where calls go when the PBX cannot be reached: a number (in
// E.164 when it is a NANP number, else as served) or a destination (an IP,
// host or URI, or a trunk-group id).
type Failover struct {
	Number      string
	Destination string
}

// IsZero reports whether no failover is set.
func (f Failover) IsZero() bool { return f.Number == "" && f.Destination == "" }

// Number returns the number on the trunk, by its E.164 form.
func (a *Account) Number(e164 string) (Number, bool) {
	for _, n := range a.Numbers {
		if n.Number == e164 {
			return n, true
		}
	}
	return Number{}, false
}

// AccountFailover is the account-wide failover.
func (a *Account) AccountFailover() Failover {
	return failover(a.CustomerInfo.FailoverNum, a.CustomerInfo.FailoverDest)
}

// IsTrial reports whether the account is a trial, which cannot set E911
// addresses or failover.
func (a *Account) IsTrial() bool {
	return strings.EqualFold(a.CustomerInfo.AccountType.String(), AccountTypeTrial)
}

func failover(num, dest Text) Failover {
	f := Failover{Number: num.String(), Destination: dest.String()}
	if e164, err := phonenumber.Normalize(f.Number); err == nil {
		f.Number = e164
	}
	return f
}

// Account returns the whole account: the shared document when one was read
// since the last change, else a fresh GET /2/full. The Account is shared
// between callers and must not be modified. A failed read is not kept.
func (c *Client) Account(ctx context.Context) (*Account, error) {
	// The fetch is detached from the caller's cancellation, so that a
	// caller giving up does not fail the others waiting for the same fetch;
	// each attempt is still bounded by the request timeout.
	acct, err := c.full.Get(ctx, struct{}{}, c.readFull)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		// This caller stopped waiting; say what it was waiting for (a
		// failed fetch's own error says it already).
		return nil, fmt.Errorf("read the SIPStation account: %w", err)
	}
	return acct, err
}

// forget drops the shared document.
func (c *Client) forget() { c.full.Drop(struct{}{}) }

// readFull reads GET /2/full; it is the fetch of c.full, so it takes the
// cache's key, of which there is one.
func (c *Client) readFull(ctx context.Context, _ struct{}) (*Account, error) {
	body, err := c.send(ctx, http.MethodGet, []string{"2", "full", c.key}, nil)
	if err != nil {
		return nil, fmt.Errorf("read the SIPStation account: %w", err)
	}
	var full Full
	if err := json.Unmarshal(body, &full); err != nil {
		return nil, fmt.Errorf("read the SIPStation account: decode the answer of GET /2/full: %s", c.http.Redact(err.Error()))
	}
	switch status := full.QueryStatus.String(); status {
	case QuerySuccess:
	case QueryBadKey:
		return nil, fmt.Errorf("%w (GET /2/full answered query_status %s): the key may be mistyped, revoked, or belong to another endpoint", ErrBadKey, status)
	case QueryTempNotAvail:
		return nil, fmt.Errorf("%w (GET /2/full answered query_status %s%s); try again in a few minutes", ErrTemporarilyUnavailable, status, quoted(c.http.Redact(full.QueryStatusMessage.String())))
	default:
		return nil, fmt.Errorf("read the SIPStation account: GET /2/full answered query_status %q%s, which this client does not know", status, quoted(c.http.Redact(full.QueryStatusMessage.String())))
	}
	if v := full.Version.String(); !strings.HasPrefix(v, "1.0.") {
		return nil, fmt.Errorf("read the SIPStation account: GET /2/full answered version %q; this client reads versions 1.0.x (1.0.1 to 1.0.3 are known)", v)
	}
	acct := &Account{Full: full, Numbers: make([]Number, 0, len(full.DIDs))}
	for _, d := range full.DIDs {
		e164, err := phonenumber.Normalize(d.Number.String())
		if err != nil {
			return nil, fmt.Errorf("read the SIPStation account: GET /2/full lists a number this client cannot read: %v", err)
		}
		acct.Numbers = append(acct.Numbers, Number{Number: e164, E911Address: d.E911Address, Failover: failover(d.Failover.Num, d.Failover.Dest)})
	}
	return acct, nil
}

func quoted(msg string) string {
	if msg == "" {
		return ""
	}
	return fmt.Sprintf(": %q", msg)
}

// E911 is an emergency address to write.
type E911 struct {
	Name, Street1, Street2, City, State, Zip string
	// Master makes the number the account's master E911 number.
	Master bool
}

// SetE911 sets the emergency address of a number on the trunk (E.164).
func (c *Client) SetE911(ctx context.Context, e164 string, a E911) error {
	did, err := tenDigits(e164)
	if err != nil {
		return err
	}
	w := E911Write{Name: a.Name, Address1: a.Street1, Address2: a.Street2, City: a.City, State: a.State, Zip: a.Zip}
	if a.Master {
		w.Master = "1"
	}
	return c.mutate(ctx, http.MethodPost, []string{"2", "e911", did, c.key}, w, "set the E911 address of "+e164)
}

// DeleteE911 removes the emergency address of a number (E.164).
func (c *Client) DeleteE911(ctx context.Context, e164 string) error {
	did, err := tenDigits(e164)
	if err != nil {
		return err
	}
	return c.mutate(ctx, http.MethodDelete, []string{"2", "e911", did, c.key}, nil, "delete the E911 address of "+e164)
}

// SetFailover sets the failover of a number (E.164), or the account-wide
// failover when e164 is "". f holds a number (any NANP form) or a
// destination.
func (c *Client) SetFailover(ctx context.Context, e164 string, f Failover) error {
	w := FailoverWrite{Dest: f.Destination}
	if (f.Number == "") == (f.Destination == "") {
		return errors.New("a failover needs exactly one of a number or a destination")
	}
	if f.Number != "" {
		n, err := tenDigits(f.Number)
		if err != nil {
			return fmt.Errorf("the failover number: %w", err)
		}
		w.Num = n
	}
	what := "set the account-wide failover"
	if e164 != "" {
		did, err := tenDigits(e164)
		if err != nil {
			return err
		}
		w.DID, what = did, "set the failover of "+e164
	}
	return c.mutate(ctx, http.MethodPost, []string{"2", "failover", c.key}, w, what)
}

// ClearFailover clears the failover of a number (E.164), or the
// account-wide failover when e164 is "".
func (c *Client) ClearFailover(ctx context.Context, e164 string) error {
	var w FailoverWrite
	what := "clear the account-wide failover"
	if e164 != "" {
		did, err := tenDigits(e164)
		if err != nil {
			return err
		}
		w.DID, what = did, "clear the failover of "+e164
	}
	return c.mutate(ctx, http.MethodDelete, []string{"2", "failover", c.key}, w, what)
}

// tenDigits is the 10-digit form the API takes.
func tenDigits(number string) (string, error) {
	e164, err := phonenumber.Normalize(number)
	if err != nil {
		return "", err
	}
	return e164[2:], nil
}

// mutate sends a change and reads its {status, message} answer. The shared
// document is dropped before and after, whatever the outcome: a change that
// failed may still have been made.
func (c *Client) mutate(ctx context.Context, method string, path []string, body any, what string) error {
	c.forget()
	defer c.forget()
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return fmt.Errorf("%s: encode request: %w", what, err)
		}
	}
	data, err := c.send(ctx, method, path, b)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	var res Result
	if err := json.Unmarshal(data, &res); err != nil {
		return fmt.Errorf("%s: the answer is not the {status, message} document the API sends: %s", what, c.http.Redact(apihttp.TrimmedBody(data)))
	}
	if !res.Status {
		msg := c.http.Redact(res.Message.String())
		if msg == "" {
			msg = "no reason given"
		}
		return fmt.Errorf("%s: %w: %q", what, ErrRefused, msg)
	}
	return nil
}

// send performs one call under the shared policy and returns the body of a
// 2xx answer; any other answer is an error quoting the service's message.
func (c *Client) send(ctx context.Context, method string, path []string, body []byte) ([]byte, error) {
	var target strings.Builder
	target.WriteString(c.base)
	for _, seg := range path {
		target.WriteString("/" + url.PathEscape(seg))
	}
	header := http.Header{"Accept": {"application/json"}}
	if body != nil {
		header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := c.http.Do(ctx, apihttp.Request{Method: method, URL: target.String(), Header: header, Body: body})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.Body, nil
	}
	detail := apihttp.TrimmedBody(resp.Body)
	var res Result
	if json.Unmarshal(resp.Body, &res) == nil && res.Message.String() != "" {
		detail = res.Message.String()
	}
	msg := fmt.Sprintf("%s %s answered HTTP %d", method, "/"+strings.Join(path, "/"), resp.StatusCode)
	if detail != "" {
		msg += ": " + detail
	}
	if resp.Retried() {
		msg = fmt.Sprintf("gave up after %d attempts: %s", resp.Attempts, msg)
	}
	return nil, errors.New(c.http.Redact(msg))
}
