// Package acctest gives tests a SIPStation API to run against: a live
// endpoint when SIPSTATION_ENDPOINT and SIPSTATION_API_KEY are set, else an
// emulator started inside the test with a fresh in-memory database and a
// fresh account. The emulator's control routes (port-outs, clock, faults,
// metrics) are reached over HTTP, as they would be on a separately started
// emulator. Only tests import this package.
package acctest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

// Environment variables that point the tests at a live endpoint. The
// account-key API's (SIPSTATION_ACCOUNT_KEY, and SIPSTATION_TRUNK_ENDPOINT
// which defaults to the real service's) are read only with the v1 pair.
const (
	EnvEndpoint      = "SIPSTATION_ENDPOINT"
	EnvAPIKey        = "SIPSTATION_API_KEY"
	EnvAccountKey    = "SIPSTATION_ACCOUNT_KEY"
	EnvTrunkEndpoint = "SIPSTATION_TRUNK_ENDPOINT"
)

// emulatorRateLimit is high enough that tests never meet the limit unless
// they set one with SetFaults.
const emulatorRateLimit = 10000

// Env is the API a test runs against.
type Env struct {
	Endpoint string // base URL without /v1, as the provider's endpoint takes it
	APIKey   string
	// TrunkEndpoint and AccountKey are the account-key API's for the same
	// account (the emulator's /sipstation routes); AccountKey is "" on a live
	// endpoint without SIPSTATION_ACCOUNT_KEY.
	TrunkEndpoint string
	AccountKey    string

	adminURL string // the emulator's base URL; "" on a live endpoint
	client   *http.Client
}

// New returns the live endpoint from the environment, or starts an emulator
// for this test (admin routes on, in memory, rate limit out of the way) with
// a fresh account, closed when the test ends.
func New(t testing.TB) *Env {
	t.Helper()
	endpoint, key := os.Getenv(EnvEndpoint), os.Getenv(EnvAPIKey)
	if endpoint != "" && key != "" {
		return &Env{
			Endpoint: strings.TrimRight(endpoint, "/"), APIKey: key,
			TrunkEndpoint: strings.TrimRight(cmp.Or(os.Getenv(EnvTrunkEndpoint), trunk.DefaultEndpoint), "/"), AccountKey: os.Getenv(EnvAccountKey),
			client: &http.Client{Timeout: time.Minute},
		}
	}
	opts := emulator.Options{Admin: true, RateLimit: emulatorRateLimit}
	// The request log shows when a test fails; a benchmark would print it
	// always, thousands of lines.
	if _, bench := t.(*testing.B); !bench {
		opts.Logf = t.Logf
	}
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("start the SIPStation emulator: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close() // waits for requests in flight
		if err := srv.Close(); err != nil {
			t.Errorf("close the SIPStation emulator: %v", err)
		}
	})
	e := &Env{Endpoint: ts.URL, TrunkEndpoint: ts.URL + "/sipstation", adminURL: ts.URL, client: ts.Client()}
	acct := e.CreateAccountOfType(t, t.Name(), "")
	e.APIKey, e.AccountKey = acct.APIKey, acct.AccountKey
	return e
}

// IsEmulator reports whether the tests run against the in-process emulator.
func (e *Env) IsEmulator() bool { return e.adminURL != "" }

// RequireEmulator skips the test on a live endpoint, which has no control routes.
func (e *Env) RequireEmulator(t testing.TB) {
	t.Helper()
	if !e.IsEmulator() {
		t.Skipf("needs the emulator's control routes; %s points at a live endpoint", EnvEndpoint)
	}
}

// ProviderConfig is the provider block for this environment's API v1,
// with settings added or replacing its own (endpoint, api_key).
func (e *Env) ProviderConfig(settings ...Setting) string {
	return ProviderBlock(append([]Setting{Set("endpoint", e.Endpoint), Set("api_key", e.APIKey)}, settings...)...)
}

// CreateAccount creates another account on the emulator and returns its API
// key, for tests of what one account cannot see of another.
func (e *Env) CreateAccount(t testing.TB, name string) string {
	t.Helper()
	return e.CreateAccountOfType(t, name, "").APIKey
}

// OtherAccount is the environment of another account, created on the same
// emulator with an account type ("" for a full account, "TRIAL"): for tests
// of what one account cannot see or do of another's.
func (e *Env) OtherAccount(t testing.TB, name, accountType string) *Env {
	t.Helper()
	acct := e.CreateAccountOfType(t, name, accountType)
	other := *e
	other.APIKey, other.AccountKey = acct.APIKey, acct.AccountKey
	return &other
}

// CreateAccountOfType creates another account on the emulator of an account
// type ("" for a full account, "TRIAL" for a trial) and returns it with both
// its keys.
func (e *Env) CreateAccountOfType(t testing.TB, name, accountType string) emulator.Account {
	t.Helper()
	body := map[string]string{"name": name}
	if accountType != "" {
		body["account_type"] = accountType
	}
	var acct emulator.Account
	e.admin(t, http.MethodPost, "/_emulator/accounts", body, http.StatusCreated, &acct)
	return acct
}

// TrunkProviderConfig is a provider block for the account-key API alone,
// with settings added or replacing its own (trunk_endpoint, account_key).
func (e *Env) TrunkProviderConfig(settings ...Setting) string {
	return ProviderBlock(append([]Setting{Set("trunk_endpoint", e.TrunkEndpoint), Set("account_key", e.AccountKey)}, settings...)...)
}

// BothProviderConfig is a provider block for both APIs of the account, with
// settings added or replacing its own.
func (e *Env) BothProviderConfig(settings ...Setting) string {
	return ProviderBlock(append([]Setting{
		Set("endpoint", e.Endpoint), Set("api_key", e.APIKey),
		Set("trunk_endpoint", e.TrunkEndpoint), Set("account_key", e.AccountKey),
	}, settings...)...)
}

// Setting is one attribute of a provider block.
type Setting struct {
	Name string
	// Value is written as HCL: a string quoted, an Expr as it is, anything
	// else (an int, a bool) as fmt prints it; nil leaves the attribute out.
	Value any
}

// Set is the setting name = value, such as Set("max_retries", 2).
func Set(name string, value any) Setting { return Setting{Name: name, Value: value} }

// Expr is an HCL expression written into a provider block as it is, such as
// Expr("terraform_data.endpoint.output").
type Expr string

// ProviderBlock is a provider "sipstation" block of settings, in their
// order; a later setting of a name replaces the earlier one in its place.
// The provider block of every Terraform-driven test is built here.
func ProviderBlock(settings ...Setting) string {
	var names []string
	values := map[string]any{}
	for _, s := range settings {
		if _, seen := values[s.Name]; !seen {
			names = append(names, s.Name)
		}
		values[s.Name] = s.Value
	}
	names = slices.DeleteFunc(names, func(n string) bool { return values[n] == nil })
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	var b strings.Builder
	b.WriteString("provider \"sipstation\" {\n")
	for _, n := range names {
		var v string
		switch x := values[n].(type) {
		case string:
			v = strconv.Quote(x)
		case Expr:
			v = string(x)
		default:
			v = fmt.Sprint(x)
		}
		fmt.Fprintf(&b, "  %-*s = %s\n", width, n, v)
	}
	b.WriteString("}\n")
	return b.String()
}

// RequireAccountKey skips the test when there is no account key (a live
// endpoint without SIPSTATION_ACCOUNT_KEY).
func (e *Env) RequireAccountKey(t testing.TB) {
	t.Helper()
	if e.AccountKey == "" {
		t.Skipf("needs the account-key API; set %s (and %s) with the live endpoint", EnvAccountKey, EnvTrunkEndpoint)
	}
}

// TrunkFull reads the whole account from the account-key API, as FreePBX's
// module does (GET /2/full/{key}).
func (e *Env) TrunkFull(t testing.TB) trunk.Full {
	t.Helper()
	var f trunk.Full
	status, err := e.send(http.MethodGet, e.TrunkEndpoint+"/2/full/"+e.AccountKey, "", nil, &f)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET /2/full: status %d: %v", status, err)
	}
	return f
}

// What happens outside Terraform, in one place: the account changed through
// the API directly (as the web store or a colleague would change it), and
// the emulator's control routes (a gaining carrier's port-out, the clock,
// faults). Each fails the test (t.Fatal) unless the API answers as it
// should.

// CreateLocation creates a location named name outside Terraform, for
// "Acme Dental LLC" at 100 Main St, San Francisco, CA 94105.
func (e *Env) CreateLocation(t testing.TB, name string) sipstation.Location {
	t.Helper()
	var loc sipstation.Location
	e.must(t, http.MethodPost, "/v1/locations", sipstation.LocationCreate{
		Name:             name,
		OrganizationName: "Acme Dental LLC",
		Email:            "billing@acme-dental.example",
		ServiceAddress:   sipstation.Address{Street1: "100 Main St", City: "San Francisco", State: "CA", Zip: "94105"},
	}, http.StatusCreated, &loc)
	return loc
}

// OrderNumber orders a number on a location outside Terraform.
func (e *Env) OrderNumber(t testing.TB, locationID string, order sipstation.NumberOrder) sipstation.Number {
	t.Helper()
	var n sipstation.Number
	e.must(t, http.MethodPost, "/v1/locations/"+url.PathEscape(locationID)+"/numbers", order, http.StatusCreated, &n)
	return n
}

// CancelNumber cancels a number (E.164) behind Terraform's back.
func (e *Env) CancelNumber(t testing.TB, e164 string) {
	t.Helper()
	e.must(t, http.MethodDelete, "/v1/numbers/"+url.PathEscape(e164), nil, http.StatusOK, nil)
}

// OrderLocalNumbers orders local numbers (E.164) on a new location outside
// Terraform: numbers on the account's trunk, for the account-key API.
func (e *Env) OrderLocalNumbers(t testing.TB, numbers ...string) sipstation.Location {
	t.Helper()
	loc := e.CreateLocation(t, "Trunk")
	for _, n := range numbers {
		e.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: n})
	}
	return loc
}

// UpdateNumber changes a number (E.164) outside Terraform with a PATCH of
// the fields in body, such as {"failover": ...}.
func (e *Env) UpdateNumber(t testing.TB, e164 string, body any) {
	t.Helper()
	e.must(t, http.MethodPatch, "/v1/numbers/"+url.PathEscape(e164), body, http.StatusOK, nil)
}

// SetTrunkFailover sets a failover outside Terraform through the
// account-key API, as FreePBX's module does (its requests, with package
// trunk's client): of a number (E.164), or the account-wide one when e164
// is "". Either tier of f may be empty.
func (e *Env) SetTrunkFailover(t testing.TB, e164 string, f trunk.Failover) {
	t.Helper()
	c, err := trunk.New(trunk.Config{Endpoint: e.TrunkEndpoint, AccountKey: e.AccountKey})
	if err != nil {
		t.Fatalf("a client of the account-key API: %v", err)
	}
	if err := c.SetFailover(context.Background(), e164, f); err != nil {
		t.Fatalf("set the failover of %q outside Terraform: %v", cmp.Or(e164, "the account"), err)
	}
}

// CloseLocation closes a location outside Terraform.
func (e *Env) CloseLocation(t testing.TB, id string) {
	t.Helper()
	e.must(t, http.MethodDelete, "/v1/locations/"+url.PathEscape(id), nil, http.StatusOK, nil)
}

// Statements lists a location's statements, newest first.
func (e *Env) Statements(t testing.TB, locationID string) []sipstation.Statement {
	t.Helper()
	var list struct {
		Data []sipstation.Statement `json:"data"`
	}
	e.must(t, http.MethodGet, "/v1/locations/"+url.PathEscape(locationID)+"/statements?page[size]=1000", nil, http.StatusOK, &list)
	return list.Data
}

// must is an authenticated API request that fails the test unless it
// answers want.
func (e *Env) must(t testing.TB, method, path string, body any, want int, out any) {
	t.Helper()
	var raw json.RawMessage
	if status := e.Do(t, method, path, body, &raw); status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, strings.TrimSpace(string(raw)))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decode answer: %v", method, path, err)
		}
	}
}

// RequestPortOut files a gaining carrier's port-out of numbers (E.164, all on
// one location); focDate "" lets the emulator pick one a week ahead.
func (e *Env) RequestPortOut(t testing.TB, carrier, focDate string, numbers ...string) sipstation.PortOut {
	t.Helper()
	body := map[string]any{"numbers": numbers, "carrier_name": carrier}
	if focDate != "" {
		body["foc_date"] = focDate
	}
	var po sipstation.PortOut
	e.admin(t, http.MethodPost, "/_emulator/port-outs", body, http.StatusCreated, &po)
	return po
}

// CompletePortOut completes a pending port-out: its numbers become ported_out
// and stay billed until cancelled.
func (e *Env) CompletePortOut(t testing.TB, id string) {
	t.Helper()
	e.admin(t, http.MethodPost, "/_emulator/port-outs/"+id+"/complete", nil, http.StatusOK, nil)
}

// RejectPortOut rejects a pending port-out: its numbers are active again.
func (e *Env) RejectPortOut(t testing.TB, id string) {
	t.Helper()
	e.admin(t, http.MethodPost, "/_emulator/port-outs/"+id+"/reject", nil, http.StatusOK, nil)
}

// Advance moves the emulator's clock forward; statements fall due.
func (e *Env) Advance(t testing.TB, d time.Duration) {
	t.Helper()
	e.admin(t, http.MethodPost, "/_emulator/clock", map[string]string{"advance": d.String()}, http.StatusOK, nil)
}

// SetFaults replaces the emulator's fault settings.
func (e *Env) SetFaults(t testing.TB, f emulator.Faults) {
	t.Helper()
	e.admin(t, http.MethodPost, "/_emulator/faults", f, http.StatusOK, nil)
}

// Proxy starts a reverse proxy to the API for the two things the
// emulator's faults (SetFaults: refusals, lost answers, latency, by method
// and path) cannot do, and returns its endpoint for the provider's endpoint
// setting. before, when not nil, runs before each request is forwarded: the
// account changed at that very instant (a port-out filed between the
// provider's check of a number and its cancel). modify, when not nil, may
// change each answer: what the emulator refuses to hold (a location with no
// address, as one set up by hand in the web store may be). The proxy closes
// when the test ends.
func (e *Env) Proxy(t testing.TB, before func(*http.Request), modify func(*http.Response) error) string {
	t.Helper()
	target, err := url.Parse(e.Endpoint)
	if err != nil {
		t.Fatalf("parse endpoint %q: %v", e.Endpoint, err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = modify
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if before != nil {
			before(r)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// InProcess is an HTTP client that serves every request with h in the
// calling goroutine, with no socket: what a test in a testing/synctest
// bubble needs, since a goroutine waiting on a socket is not durably
// blocked and the bubble's clock would not move. A handler that aborts (as
// the emulator's dropped answers do) is an error of the request, as a
// connection closed without an answer would be.
func InProcess(h http.Handler) *http.Client {
	return &http.Client{Transport: inProcess{h}}
}

type inProcess struct{ h http.Handler }

func (p inProcess) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				panic(v)
			}
			resp, err = nil, fmt.Errorf("%s %s: the handler closed the connection without an answer", req.Method, req.URL)
		}
	}()
	// The handler gets the request as a server would: a body (NoBody when
	// none), the request URI; the body is closed after, as RoundTrip must.
	in := req.Clone(req.Context())
	if in.Body == nil {
		in.Body = http.NoBody
	}
	in.RequestURI = req.URL.RequestURI()
	defer func() { _ = in.Body.Close() }()
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, in)
	return rec.Result(), nil
}

// Metrics reads what the emulator has served.
func (e *Env) Metrics(t testing.TB) emulator.Metrics {
	t.Helper()
	var m emulator.Metrics
	e.admin(t, http.MethodGet, "/_emulator/metrics", nil, http.StatusOK, &m)
	return m
}

// Get is an authenticated GET of an API path (such as "/v1/numbers/%2B14155550100"),
// decoding the JSON answer, error bodies included, into out when it is not
// nil. It returns the HTTP status.
func (e *Env) Get(t testing.TB, path string, out any) int {
	t.Helper()
	return e.Do(t, http.MethodGet, path, nil, out)
}

// Do is an authenticated request to an API path with an optional JSON body,
// decoding the JSON answer into out when it is not nil. It returns the HTTP
// status. It sends no Idempotency-Key.
func (e *Env) Do(t testing.TB, method, path string, body, out any) int {
	t.Helper()
	status, err := e.send(method, e.Endpoint+path, e.APIKey, body, out)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return status
}

// admin calls a control route and fails the test unless it answers want.
func (e *Env) admin(t testing.TB, method, path string, body any, want int, out any) {
	t.Helper()
	if !e.IsEmulator() {
		t.Fatalf("%s %s: the emulator's control routes are not available on a live endpoint; call RequireEmulator first", method, path)
	}
	var raw json.RawMessage
	status, err := e.send(method, e.adminURL+path, "", body, &raw)
	if err != nil {
		t.Fatalf("emulator %s %s: %v", method, path, err)
	}
	if status != want {
		t.Fatalf("emulator %s %s: status %d, want %d: %s", method, path, status, want, strings.TrimSpace(string(raw)))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("emulator %s %s: decode answer: %v", method, path, err)
		}
	}
}

func (e *Env) send(method, url, key string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, fmt.Errorf("encode body: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("send: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("read answer: %w", err)
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode answer (status %d): %w: %.200s", resp.StatusCode, err, data)
		}
	}
	return resp.StatusCode, nil
}
