package emulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// start is the tests' calendar: billing day 10.
var start = time.Date(2025, 3, 10, 15, 0, 0, 0, time.UTC)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is an emulator behind a real HTTP server (or served in process),
// with an injected clock and one account.
type harness struct {
	t     *testing.T
	srv   *emulator.Server
	ts    *httptest.Server // nil when served in process
	clock *fakeClock
	key   string
	// base and client are what requests go to: ts's, or in process.
	base   string
	client *http.Client
}

// newHarness starts an emulator with admin routes and no rate limit unless
// opts says otherwise.
func newHarness(t *testing.T, opts emulator.Options) *harness {
	t.Helper()
	return startHarness(t, opts, false)
}

// newInProcessHarness is newHarness with no server: requests are served in
// the calling goroutine (acctest.InProcess), as a test in a synctest bubble
// needs, on the bubble's clock (the rate limit's wall clock included).
func newInProcessHarness(t *testing.T, opts emulator.Options) *harness {
	t.Helper()
	return startHarness(t, opts, true)
}

func startHarness(t *testing.T, opts emulator.Options, inProcess bool) *harness {
	t.Helper()
	clock := &fakeClock{t: start}
	if opts.Clock == nil {
		opts.Clock = clock
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = -1
	}
	opts.Admin = true
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h := &harness{t: t, srv: srv, clock: clock}
	if inProcess {
		h.base, h.client = "http://emulator.test", acctest.InProcess(srv)
	} else {
		h.ts = httptest.NewServer(srv)
		h.base, h.client = h.ts.URL, h.ts.Client()
	}
	t.Cleanup(h.close)
	h.key = h.account("main")
	return h
}

func (h *harness) close() {
	if h.ts != nil {
		h.ts.Close()
	}
	if err := h.srv.Close(); err != nil {
		h.t.Errorf("Close: %v", err)
	}
}

func (h *harness) account(name string) string {
	h.t.Helper()
	acct, err := h.srv.CreateAccount(name)
	if err != nil {
		h.t.Fatalf("CreateAccount: %v", err)
	}
	return acct.APIKey
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; body is JSON-encoded unless it is a string or []byte.
func (h *harness) do(method, path, key string, body any, headers ...string) answer {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			h.t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.base+path, rd)
	if err != nil {
		h.t.Fatalf("build request: %v", err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

// call sends a request with the harness's key, wants a status and decodes
// the answer into out (when not nil).
func (h *harness) call(method, path string, body any, want int, out any) {
	h.t.Helper()
	h.callAs(h.key, method, path, body, want, out)
}

func (h *harness) callAs(key, method, path string, body any, want int, out any) {
	h.t.Helper()
	a := h.do(method, path, key, body)
	if a.status != want {
		h.t.Fatalf("%s %s: status %d, want %d: %s", method, path, a.status, want, a.body)
	}
	if out != nil {
		if err := json.Unmarshal(a.body, out); err != nil {
			h.t.Fatalf("%s %s: decode %s: %v", method, path, a.body, err)
		}
	}
}

// apiError sends a request that must fail, and returns the status and the
// single error object.
func (h *harness) apiError(key, method, path string, body any) (int, sipstation.ErrorObject) {
	h.t.Helper()
	a := h.do(method, path, key, body)
	if a.status < 400 {
		h.t.Fatalf("%s %s: status %d, want an error: %s", method, path, a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		h.t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	var eb sipstation.ErrorBody
	if err := json.Unmarshal(a.body, &eb); err != nil || len(eb.Errors) != 1 {
		h.t.Fatalf("%s %s: error body %s: %v", method, path, a.body, err)
	}
	if eb.Errors[0].Title == "" || eb.Errors[0].Detail == "" {
		h.t.Errorf("%s %s: error without title or detail: %s", method, path, a.body)
	}
	return a.status, eb.Errors[0]
}

func locationBody(name string) sipstation.LocationCreate {
	return sipstation.LocationCreate{
		Name:             name,
		OrganizationName: "Acme Widgets LLC",
		Email:            "billing@acme.example",
		ServiceAddress:   sipstation.Address{Street1: "100 Market St", Street2: "Suite 5", City: "San Francisco", State: "CA", Zip: "94105"},
	}
}

func (h *harness) newLocation(key, name string) sipstation.Location {
	h.t.Helper()
	var l sipstation.Location
	h.callAs(key, http.MethodPost, "/v1/locations", locationBody(name), http.StatusCreated, &l)
	return l
}

func (h *harness) order(key, locationID string, o sipstation.NumberOrder) sipstation.Number {
	h.t.Helper()
	var n sipstation.Number
	h.callAs(key, http.MethodPost, "/v1/locations/"+locationID+"/numbers", o, http.StatusCreated, &n)
	return n
}

func (h *harness) orderLocal(key, locationID, number string) sipstation.Number {
	h.t.Helper()
	return h.order(key, locationID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: number, Description: "test"})
}

// numberPath escapes the + as clients do; TestNumberPath covers the raw form.
func numberPath(n string) string { return "/v1/numbers/%2B" + strings.TrimPrefix(n, "+") }

func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	h.call(http.MethodPost, "/_emulator/clock", map[string]string{"advance": d.String()}, http.StatusOK, nil)
}

func (h *harness) portOut(carrier, foc string, numbers ...string) sipstation.PortOut {
	h.t.Helper()
	var po sipstation.PortOut
	h.call(http.MethodPost, "/_emulator/port-outs", map[string]any{"numbers": numbers, "carrier_name": carrier, "foc_date": foc}, http.StatusCreated, &po)
	return po
}

func (h *harness) metrics() emulator.Metrics {
	h.t.Helper()
	var m emulator.Metrics
	h.call(http.MethodGet, "/_emulator/metrics", nil, http.StatusOK, &m)
	return m
}

func (h *harness) number(key, n string) (int, sipstation.Number) {
	h.t.Helper()
	a := h.do(http.MethodGet, numberPath(n), key, nil)
	var out sipstation.Number
	if a.status == http.StatusOK {
		if err := json.Unmarshal(a.body, &out); err != nil {
			h.t.Fatalf("decode number: %v", err)
		}
	}
	return a.status, out
}

const day = 24 * time.Hour

func daysDur(n int) time.Duration { return time.Duration(n) * day }

// numbersInEveryState orders +14155550100 to +14155550103 on a location and
// leaves them, in that order, held (active), aging (cancelled), lost (cancelled
// with force during a pending port-out) and ported away (port completed,
// still billed): every way a number can be unavailable to order.
func (h *harness) numbersInEveryState(locationID string) {
	h.t.Helper()
	h.orderLocal(h.key, locationID, "+14155550100")
	h.orderLocal(h.key, locationID, "+14155550101")
	h.call(http.MethodDelete, numberPath("+14155550101"), nil, http.StatusOK, nil)
	h.orderLocal(h.key, locationID, "+14155550102")
	h.portOut("Gaining Co", "2025-03-20", "+14155550102")
	h.call(http.MethodDelete, numberPath("+14155550102")+"?force=true", nil, http.StatusOK, nil)
	h.orderLocal(h.key, locationID, "+14155550103")
	po := h.portOut("Gaining Co", "2025-03-20", "+14155550103")
	h.call(http.MethodPost, "/_emulator/port-outs/"+po.ID+"/complete", nil, http.StatusOK, nil)
}
