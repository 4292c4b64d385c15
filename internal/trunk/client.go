// Package trunk is a client for SIPStation's account-key API: the API that
// FreePBX's SIPStation module calls with the account key from the SIPStation
// portal (base URL DefaultEndpoint). It reads the whole account (its trunk,
// numbers, E911 addresses, failover and trunk groups) with one GET /2/full
// and changes E911 addresses and failover. Ordering, cancelling, statements
// and port-outs are not part of it; they stay in the web store (or the v1
// API of package sipstation).
//
// The routes, headers and fields follow the module's public source
// (versions 12.0.8.2, 13.0.13.19 and 15.0.16, folder
// admin/modules/sipstation/; each choice below names the file it comes
// from); they have been tried against the bundled emulator only. The client
// knows nothing of Terraform, and shares the retry, logging and redaction
// policy of package apihttp: the account key travels as a URL path segment,
// and is redacted from every log entry and error.
//
// No request of this client carries a body on DELETE: a PHP service does
// not read one, and the module never sends one (its HTTP library's
// delete($url, $headers) takes none). The project's contract
// (shared/design/api.md) still lists "DELETE /2/failover/{key} {did?}", a
// body naming the number, which is what this client sent before it was
// read against the module: a service that reads no DELETE body sees the
// module's request to clear the account-wide failover, not the number's.
// The client never sends it; see ClearFailover for the form it sends
// instead and why.
package trunk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
)

// DefaultEndpoint is the base URL FreePBX's module calls (15
// sapi/Sipstation.php ~8).
const DefaultEndpoint = "https://push2.schmoozecom.com/sipstation"

// userAgentToken is appended to every User-Agent, and is the CLIENT_TYPE of
// a Config that names none.
const userAgentToken = "sipstation-trunk-go/2"

// Errors to test with errors.Is.
var (
	// ErrBadKey: the service does not know the key (GET /2/full answered
	// BADKEY, or a change was refused with BADKEY).
	ErrBadKey = errors.New("SIPStation refused the account key")
	// ErrTemporarilyUnavailable: the service answered TEMPNOTAVAIL, "try
	// again shortly", for as long as the read had time left.
	ErrTemporarilyUnavailable = errors.New("SIPStation's account data is temporarily not available")
	// ErrRefused: a change answered {"status": false}; the error's text
	// quotes the service's message.
	ErrRefused = errors.New("SIPStation refused the change")
	// ErrAccountFailoverLost: clearing one number's failover also cleared
	// the account-wide failover; the client set it back (or says it could
	// not).
	ErrAccountFailoverLost = errors.New("clearing one number's failover also cleared the account-wide failover")
)

// Config configures a Client. Only AccountKey is required.
type Config struct {
	// Endpoint is the base URL; DefaultEndpoint when empty. Plain http is
	// accepted only for a loopback host (such as the bundled emulator's
	// http://127.0.0.1:8787/sipstation).
	Endpoint   string
	AccountKey string
	// ClientType is the CLIENT_TYPE header of every request: the calling
	// program and its version, as FreePBX's module sends
	// "ssmodule-<module version>" (15 sapi/PestSipstation.php ~22). The
	// client's own token when empty.
	ClientType string
	apihttp.Options
}

// Client calls the account-key API. It is safe for concurrent use. Reads
// share one GET /2/full: the first read fetches the document, concurrent
// readers wait for that fetch, later readers get the same document, and any
// change made through the client drops it.
type Client struct {
	base       string // no trailing slash
	key        string
	clientType string
	http       *apihttp.Client
	log        apihttp.LogFunc

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
	clientType := strings.TrimSpace(cfg.ClientType)
	if clientType == "" {
		clientType = userAgentToken
	}
	if strings.ContainsAny(clientType, "\r\n") {
		return nil, errors.New("the client type contains a line break; it is sent as the CLIENT_TYPE header")
	}
	hc, err := apihttp.New(endpoint, userAgentToken, cfg.Options, key, url.PathEscape(key))
	if err != nil {
		return nil, err
	}
	base := u.Scheme + "://" + u.Host + strings.TrimSuffix(u.EscapedPath(), "/")
	return &Client{base: base, key: key, clientType: clientType, http: hc, log: cfg.Log}, nil
}

// Account is the document of GET /2/full, with the numbers in E.164.
type Account struct {
	Full
	// Numbers are the numbers on the trunk, in the order served.
	Numbers []Number
	// Groups are the account's trunk groups, in the order served.
	Groups []Group
}

// Number is one number on the trunk.
type Number struct {
	Number      string       // E.164
	E911Address *E911Address // nil when the number has none
	Failover    Failover     // zero when none
}

// Failover is where calls go when the PBX cannot be reached, in two tiers,
// either or both set: Destination, the primary (an IP, host or URI, or a
// trunk-group id), and Number, the secondary, "If we can't deliver the call
// to this address or trunk group and you have a failover number set, we will
// send the call there" (15 views/failover.php ~23). Number is in E.164 when
// it is a NANP number, else as served.
type Failover struct {
	Number      string
	Destination string
}

// IsZero reports whether no failover is set.
func (f Failover) IsZero() bool { return f.Number == "" && f.Destination == "" }

// Group is a trunk group of the account. Own marks the group the account's
// own trunk is in (customer_info.trunk_group_id), which module 15 does not
// offer as a failover destination (15 Sipstation.class.php ~1417-1419).
type Group struct {
	ID, Title string
	Own       bool
}

// IsTrunkGroupID reports whether a failover destination names a trunk
// group: module 13 and 15 read a numeric failover destination as a
// trunk-group id (15 views/failover.php ~4, and updateFailover accepts an
// integer destination, 15 sapi/Sipstation.php ~150). A host or an IP
// address always has a letter or a dot.
func IsTrunkGroupID(dest string) bool {
	if dest == "" {
		return false
	}
	for _, r := range dest {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Number returns the number on the trunk, by its E.164 form.
func (a *Account) Number(e164 string) (Number, bool) {
	for _, n := range a.Numbers {
		if n.Number == e164 {
			return n, true
		}
	}
	return Number{}, false
}

// Group returns the trunk group of an id.
func (a *Account) Group(id string) (Group, bool) {
	for _, g := range a.Groups {
		if g.ID == id {
			return g, true
		}
	}
	return Group{}, false
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
//
// TEMPNOTAVAIL, the service's "try again shortly", is read again after the
// shared policy's backoff while ctx has time left (apihttp's RetryLater: its
// deadline, or MaxRateLimitWait without one), then is ErrTemporarilyUnavailable.
func (c *Client) Account(ctx context.Context) (*Account, error) {
	start := time.Now()
	for retry := 0; ; retry++ {
		// The fetch is detached from the caller's cancellation, so that a
		// caller giving up does not fail the others waiting for the same
		// fetch; each attempt is still bounded by the request timeout.
		acct, err := c.full.Get(ctx, struct{}{}, c.readFull)
		if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			// This caller stopped waiting; say what it was waiting for (a
			// failed fetch's own error says it already).
			return nil, fmt.Errorf("read the SIPStation account: %w", err)
		}
		if !errors.Is(err, ErrTemporarilyUnavailable) {
			return acct, err
		}
		if c.log != nil {
			c.log(ctx, "SIPStation answered TEMPNOTAVAIL; reading the account again after a backoff", map[string]any{"retry": retry + 1})
		}
		again, werr := c.http.RetryLater(ctx, start, retry)
		if werr != nil {
			return nil, fmt.Errorf("%w; stopped waiting to read it again: %w", err, werr)
		}
		if !again {
			return nil, fmt.Errorf("%w; it answered so to %d reads over %s, and the operation has no time left for another; try again in a few minutes",
				err, retry+1, time.Since(start).Round(time.Second))
		}
	}
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
	version, status := full.Version.String(), full.QueryStatus.String()
	// query_status first: a BADKEY or TEMPNOTAVAIL answer says what it
	// means whether or not it carries a version.
	switch status {
	case QuerySuccess:
	case QueryBadKey:
		return nil, fmt.Errorf("%w (GET /2/full answered query_status %s%s%s): the key may be mistyped, revoked, or belong to another endpoint",
			ErrBadKey, status, versionNote(version), quoted(c.http.Redact(full.QueryStatusMessage.String())))
	case QueryTempNotAvail:
		return nil, fmt.Errorf("%w (GET /2/full answered query_status %s%s)",
			ErrTemporarilyUnavailable, status, quoted(c.http.Redact(full.QueryStatusMessage.String())))
	default:
		return nil, fmt.Errorf("read the SIPStation account: GET /2/full answered query_status %q%s, which this client does not know",
			status, quoted(c.http.Redact(full.QueryStatusMessage.String())))
	}
	if !versionKnown(version) {
		return nil, fmt.Errorf("read the SIPStation account: GET /2/full answered version %q; this client reads versions %s to %s, "+
			"as FreePBX's SIPStation module 15 does (an answer of another version the module calls outdated)", version, VersionMin, VersionMax)
	}
	acct := &Account{Full: full, Numbers: make([]Number, 0, len(full.DIDs))}
	for _, d := range full.DIDs {
		e164, err := phonenumber.Normalize(d.Number.String())
		if err != nil {
			return nil, fmt.Errorf("read the SIPStation account: GET /2/full lists a number this client cannot read: %v", err)
		}
		n := Number{Number: e164, Failover: failover(d.Failover.Num, d.Failover.Dest)}
		if !d.E911Address.IsZero() {
			a := d.E911Address
			n.E911Address = &a
		}
		acct.Numbers = append(acct.Numbers, n)
	}
	own := full.CustomerInfo.TrunkGroupID.String()
	for _, g := range full.TrunkGroups {
		id := g.ID.String()
		acct.Groups = append(acct.Groups, Group{ID: id, Title: g.Title.String(), Own: id != "" && id == own})
	}
	return acct, nil
}

// versionKnown reports whether v is within VersionMin..VersionMax, compared
// part by part as numbers (as PHP's version_compare does for such versions).
func versionKnown(v string) bool {
	return compareVersions(v, VersionMin) >= 0 && compareVersions(v, VersionMax) <= 0
}

// compareVersions compares dotted numeric versions; a version that is not
// one compares below every other.
func compareVersions(a, b string) int {
	parse := func(v string) []int {
		var out []int
		for _, p := range strings.Split(v, ".") {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 {
				return nil
			}
			out = append(out, n)
		}
		return out
	}
	pa, pb := parse(a), parse(b)
	switch {
	case pa == nil && pb == nil:
		return 0
	case pa == nil:
		return -1
	case pb == nil:
		return 1
	}
	for i := range max(len(pa), len(pb)) {
		x, y := 0, 0
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func versionNote(v string) string {
	if v == "" {
		return ", no version"
	}
	return ", version " + v
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

// SetE911 sets the emergency address of a number on the trunk (E.164): POST
// /2/e911/{did}/{key} (15 sapi/Sipstation.php updateE911 ~97-122).
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

// DeleteE911 removes the emergency address of a number (E.164): DELETE
// /2/e911/{did}/{key}, no body (13 functions.inc/ajax.inc.php ~470, 15
// sapi/Sipstation.php removeE911 ~81-95).
func (c *Client) DeleteE911(ctx context.Context, e164 string) error {
	did, err := tenDigits(e164)
	if err != nil {
		return err
	}
	return c.mutate(ctx, http.MethodDelete, []string{"2", "e911", did, c.key}, nil, "delete the E911 address of "+e164)
}

// SetFailover makes the failover of a number (E.164), or the account-wide
// failover when e164 is "", exactly f: a destination, a number (any NANP
// form), or both. f must not be zero (ClearFailover clears).
//
// It sends what module 15 sends, one tier per POST /2/failover/{key}
// ({"num": ...} or {"dest": ...}, with "did" for a number; 15
// sapi/Sipstation.php updateFailover ~132-176), and a tier f leaves out as
// an empty value, which is how module 15's dialogs clear it (15
// assets/js/sipstation.js ~349-356 and ~613-621 send both fields on every
// save). Unlike the module it sends only the tiers that differ from what the
// account shows, the ones it sets before the one it clears, so that the
// number is never without a failover between two requests.
func (c *Client) SetFailover(ctx context.Context, e164 string, f Failover) error {
	if f.IsZero() {
		return errors.New("a failover needs a destination, a number or both; to clear it, clear it")
	}
	w := FailoverWrite{}
	what := "set the account-wide failover"
	if e164 != "" {
		did, err := tenDigits(e164)
		if err != nil {
			return err
		}
		w.DID, what = did, "set the failover of "+e164
	}
	num := ""
	if f.Number != "" {
		n, err := tenDigits(f.Number)
		if err != nil {
			return fmt.Errorf("the failover number: %w", err)
		}
		num = n
	}
	acct, err := c.Account(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	current := acct.AccountFailover()
	if e164 != "" {
		n, _ := acct.Number(e164)
		current = n.Failover
	}
	var sets, clears []FailoverWrite
	if current.Destination != f.Destination {
		t := w
		t.Dest = &f.Destination
		if f.Destination == "" {
			clears = append(clears, t)
		} else {
			sets = append(sets, t)
		}
	}
	if currentNum, _ := tenDigits(current.Number); currentNum != num || (num == "" && current.Number != "") {
		t := w
		t.Num = &num
		if num == "" {
			clears = append(clears, t)
		} else {
			sets = append(sets, t)
		}
	}
	for _, t := range append(sets, clears...) {
		if err := c.mutate(ctx, http.MethodPost, []string{"2", "failover", c.key}, t, what); err != nil {
			return err
		}
	}
	return nil
}

// ClearFailover clears the failover of a number (E.164), both tiers, or
// the account-wide failover when e164 is "".
//
// It never sends the body form the contract lists (shared/design/api.md:
// DELETE /2/failover/{key} {did?}): a PHP service does not read a DELETE's
// body, so it would see the request that clears the account-wide failover.
//
// The account-wide failover is DELETE /2/failover/{key}, with neither body
// nor did header, as module 15's "Clear Failover" button sends it (15
// assets/js/sipstation.js ~413, Sipstation.class.php ~1139,
// sapi/Sipstation.php ~178-181).
//
// One number's failover is DELETE /2/failover/{did}/{key}, the path form of
// modules 12 and 13 (12.0.8.2 and 13.0.13.19 functions.inc/ajax.inc.php
// ~386-387), not the "did: N" header of 13's Sipstation.class.php ~509 and
// 15's sapi/Sipstation.php ~181: the module meant that array as a body and
// its HTTP library made it a header, 15 never sends it for a number (its
// only caller with a number is dead code after a `continue`, 15
// Sipstation.class.php ~935-1030), so nothing shows the service reads it;
// and a service that did not would clear the account-wide failover and
// answer success, where a path it does not know fails. As a second guard,
// the client reads the account before and after: should the account-wide
// failover have gone with the number's, it sets it back and returns
// ErrAccountFailoverLost.
func (c *Client) ClearFailover(ctx context.Context, e164 string) error {
	if e164 == "" {
		return c.mutate(ctx, http.MethodDelete, []string{"2", "failover", c.key}, nil, "clear the account-wide failover")
	}
	did, err := tenDigits(e164)
	if err != nil {
		return err
	}
	what := "clear the failover of " + e164
	before, err := c.Account(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	accountWide := before.AccountFailover()
	if err := c.mutate(ctx, http.MethodDelete, []string{"2", "failover", did, c.key}, nil, what); err != nil {
		return err
	}
	if accountWide.IsZero() {
		return nil
	}
	after, err := c.Account(ctx)
	if err != nil {
		return fmt.Errorf("%s: cleared; reading the account afterwards, to check that the account-wide failover is still set, failed: %w", what, err)
	}
	if lost := after.AccountFailover(); lost == accountWide {
		return nil
	}
	if err := c.SetFailover(ctx, "", accountWide); err != nil {
		return fmt.Errorf("%s: %w (it was %s), and setting it back failed: %w", what, ErrAccountFailoverLost, describe(accountWide), err)
	}
	return fmt.Errorf("%s: %w (it was %s); the client set it back", what, ErrAccountFailoverLost, describe(accountWide))
}

func describe(f Failover) string {
	var parts []string
	if f.Destination != "" {
		parts = append(parts, "destination "+f.Destination)
	}
	if f.Number != "" {
		parts = append(parts, "number "+f.Number)
	}
	return strings.Join(parts, " and ")
}

// tenDigits is the 10-digit form the API takes; "" for "".
func tenDigits(number string) (string, error) {
	if number == "" {
		return "", nil
	}
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
		if strings.Contains(strings.ToUpper(msg), QueryBadKey) {
			return fmt.Errorf("%s: %w: %w: %q", what, ErrRefused, ErrBadKey, msg)
		}
		return fmt.Errorf("%s: %w: %q", what, ErrRefused, msg)
	}
	return nil
}

// send performs one call under the shared policy and returns the body of a
// 2xx answer; any other answer is an error quoting the service's message.
// Every request carries CLIENT_TYPE; a DELETE never carries a body.
func (c *Client) send(ctx context.Context, method string, path []string, body []byte) ([]byte, error) {
	if method == http.MethodDelete && body != nil {
		return nil, errors.New("a DELETE of the account-key API carries no body: the service does not read one")
	}
	var target strings.Builder
	target.WriteString(c.base)
	for _, seg := range path {
		target.WriteString("/" + url.PathEscape(seg))
	}
	header := http.Header{"Accept": {"application/json"}}
	// Set by hand: http.Header.Set would send it as Client_type.
	header[HeaderClientType] = []string{c.clientType}
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
