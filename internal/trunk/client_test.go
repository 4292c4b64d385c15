package trunk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

const key = "k3y-s3cret"

// A /2/full answer with the scalars in the forms the module tolerates:
// numbers as JSON numbers, flags as "1" and 0.
const fullDoc = `{"version":"1.0.3","query_status":"SUCCESS",
 "customer_info":{"account_type":"FULL","monthly_cost":24.95,"num_trunks":2,"email":"ops@acme.example",
  "failover_num":"4155550199","failover_dest":"","verify_status":"VERIFIED","expiration":"",
  "settings":{"sms":"1","international":0,"fax":false}},
 "gateways":["gw1"],"gateway_info":{"gw1":{"name":"trunk1.example","client_status":{"registered":true,"contact_ip":"203.0.113.5"}}},
 "sip_info":{"sip_username":"u1","sip_password":"p1"},
 "dids":[{"number":4155550100,"failover":{"num":"","dest":"pbx.example.com"},
   "e911_address":{"name":"Acme","street1":"1 Main St","street2":null,"city":"Austin","state":"TX","zip":"78701","master":"1"}},
  {"number":"+1 (415) 555-0101","failover":{"num":null,"dest":null},"e911_address":null}]}`

func newClient(t *testing.T, url string, log apihttp.LogFunc) *trunk.Client {
	t.Helper()
	c, err := trunk.New(trunk.Config{Endpoint: url, AccountKey: key, Options: apihttp.Options{
		MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, Log: log,
	}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// BADKEY, with or without a version, and an unknown query_status are
// errors that say what they mean, never show the key, and are matchable.
func TestAccountQueryStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		doc  string
		want error
		text string
	}{
		{string(fixture(t, "full-badkey.json")), trunk.ErrBadKey, "BADKEY, version 1.0.3"},
		{string(fixture(t, "full-badkey-no-version.json")), trunk.ErrBadKey, "BADKEY, no version"},
		{`{"version":"1.0.3","query_status":"BADKEY","query_status_message":"no such key ` + key + `"}`, trunk.ErrBadKey, "REDACTED"},
		{`{"version":"1.0.3","query_status":"MAINTENANCE"}`, nil, `query_status "MAINTENANCE", which this client does not know`},
	} {
		_, err := readDoc(t, []byte(tc.doc))
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.text) || strings.Contains(err.Error(), key) {
			t.Errorf("%s: %v; want %v saying %q, without the key", tc.doc, err, tc.want, tc.text)
		}
	}
}

// The versions module 15 reads, 1.0.1 to 1.0.3, and no others.
func TestAccountVersions(t *testing.T) {
	t.Parallel()
	full := fixture(t, "full-new-account.json")
	for version, ok := range map[string]bool{
		"1.0.1": true, "1.0.2": true, "1.0.3": true, "1.0.0": false, "1.0.4": false, "1.1": false, "2": false, "": false, "1.0.x": false,
	} {
		_, err := readDoc(t, setPath(t, full, []string{"version"}, json.RawMessage(strconv.Quote(version))))
		switch {
		case ok && err != nil:
			t.Errorf("version %q: %v", version, err)
		case !ok && (err == nil || !strings.Contains(err.Error(), "this client reads versions 1.0.1 to 1.0.3")):
			t.Errorf("version %q: %v, want it refused, naming the versions read", version, err)
		}
	}
}

// The key, a URL path segment, is redacted from errors and from the log,
// also when an answer or a transport error quotes it.
func TestKeyRedacted(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprintf(w, `{"status":false,"message":"no service for %s"}`, key)
	}))
	defer ts.Close()
	var mu sync.Mutex
	var logged []string
	log := func(_ context.Context, msg string, fields map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		logged = append(logged, fmt.Sprint(msg, fields))
	}
	c := newClient(t, ts.URL, log)
	_, err := c.Account(context.Background())
	if err == nil || strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "2 attempts") {
		t.Errorf("error %v: want the status, the attempts and no key", err)
	}
	err = c.SetFailover(context.Background(), "+14155550100", trunk.Failover{Number: "4155550199"})
	if err == nil || strings.Contains(err.Error(), key) {
		t.Errorf("SetFailover error %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) < 4 {
		t.Errorf("log entries %v, want one per attempt", logged)
	}
	for _, l := range logged {
		if strings.Contains(l, key) || !strings.Contains(l, "REDACTED") {
			t.Errorf("log entry %q shows the key or no redaction", l)
		}
	}
	// A transport error quotes the URL.
	dead := newClient(t, "http://127.0.0.1:1", nil)
	if _, err := dead.Account(context.Background()); err == nil || strings.Contains(err.Error(), key) {
		t.Errorf("transport error %v", err)
	}
}

// Reads share one fetch: concurrent readers wait for it, later ones reuse
// it, and a change drops it. In a synctest bubble, served in process:
// synctest.Wait knows when every reader waits on the one fetch.
func TestAccountSharedRead(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var gets atomic.Int32
		release := make(chan struct{})
		f := &fakeService{answer: func(r sent) (int, string) {
			if r.Method == http.MethodGet {
				if gets.Add(1) == 1 {
					<-release
				}
				return http.StatusOK, fullDoc
			}
			if r.Path != "/sipstation/2/e911/4155550101/"+key || !strings.Contains(r.Body, `"address1":"2 Side St"`) || !strings.Contains(r.Body, `"master":"1"`) {
				t.Errorf("POST %s %s", r.Path, r.Body)
			}
			return http.StatusOK, `{"status":true,"message":"ok"}`
		}}
		c := fakeClient(t, f)
		errs := make(chan error, 5)
		for range 5 {
			go func() {
				_, err := c.Account(context.Background())
				errs <- err
			}()
		}
		synctest.Wait() // every reader waits on the one fetch, which waits on release
		if n := gets.Load(); n != 1 {
			t.Errorf("%d GETs while five readers wait, want 1", n)
		}
		close(release)
		for range 5 {
			if err := <-errs; err != nil {
				t.Errorf("concurrent read: %v", err)
			}
		}
		if _, err := c.Account(context.Background()); err != nil || gets.Load() != 1 {
			t.Errorf("after the shared read: %v, %d GETs, want 1", err, gets.Load())
		}
		if err := c.SetE911(context.Background(), "+14155550101", trunk.E911{Name: "Acme", Street1: "2 Side St", City: "Austin", State: "TX", Zip: "78701", Master: true}); err != nil {
			t.Fatalf("SetE911: %v", err)
		}
		if _, err := c.Account(context.Background()); err != nil || gets.Load() != 2 {
			t.Errorf("after a change: %v, %d GETs, want 2", err, gets.Load())
		}
		// A reader that gives up does not fail the fetch.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Account(ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled read: %v", err)
		}
	})
}

// The reader that starts the fetch gives up while it is in flight: it gets
// its context's error, saying what it was reading, and the fetch goes on
// for a reader arriving after, which gets the document with no second GET.
func TestAccountFirstReaderGivesUp(t *testing.T) {
	t.Parallel()
	var gets atomic.Int32
	arrived, release := make(chan struct{}), make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if gets.Add(1) == 1 {
			close(arrived)
			<-release
		}
		_, _ = io.WriteString(w, fullDoc)
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, nil)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := c.Account(ctx)
		first <- err
	}()
	<-arrived
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "read the SIPStation account: ") {
		t.Errorf("the reader that gave up got %v; want context.Canceled, saying what it read", err)
	}
	second := make(chan error, 1)
	go func() {
		_, err := c.Account(context.Background())
		second <- err
	}()
	close(release)
	if err := <-second; err != nil || gets.Load() != 1 {
		t.Errorf("the reader after: %v, %d GETs; want the document of the one GET", err, gets.Load())
	}
}

// {"status": false} is an error quoting the service's message.
func TestRefusedChange(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"status":false,"message":"Trial accounts cannot set failover"}`)
	}))
	defer ts.Close()
	err := newClient(t, ts.URL, nil).ClearFailover(context.Background(), "")
	if !errors.Is(err, trunk.ErrRefused) || !strings.Contains(err.Error(), "Trial accounts cannot set failover") {
		t.Errorf("ClearFailover: %v", err)
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	for _, cfg := range []trunk.Config{
		{AccountKey: ""},
		{AccountKey: "a/b"},
		{Endpoint: "http://push2.example.com/sipstation", AccountKey: key},
	} {
		if _, err := trunk.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	if _, err := trunk.New(trunk.Config{AccountKey: key}); err != nil {
		t.Errorf("New with the default endpoint: %v", err)
	}
}

// Against the emulator: the whole round trip, and what /v1 shows after.
func TestClientAgainstEmulator(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Options{RateLimit: -1, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer func() { ts.Close(); _ = srv.Close() }()
	acct, err := srv.CreateAccount("trunk")
	if err != nil {
		t.Fatal(err)
	}
	v1, err := sipstation.New(sipstation.Config{Endpoint: ts.URL, APIKey: acct.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	loc, err := v1.CreateLocation(ctx, sipstation.LocationCreate{Name: "HQ", OrganizationName: "Acme", Email: "ops@acme.example",
		ServiceAddress: sipstation.Address{Street1: "1 Main St", City: "Austin", State: "TX", Zip: "78701"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v1.OrderNumber(ctx, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: "+14155550100"}, ""); err != nil {
		t.Fatal(err)
	}
	c, err := trunk.New(trunk.Config{Endpoint: ts.URL + "/sipstation", AccountKey: acct.AccountKey})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetE911(ctx, "+14155550100", trunk.E911{Name: "Acme", Street1: "1 Main St", Street2: "Suite 2", City: "Austin", State: "TX", Zip: "78701", Master: true}); err != nil {
		t.Fatalf("SetE911: %v", err)
	}
	// Both tiers, for the number and for the account.
	if err := c.SetFailover(ctx, "+14155550100", trunk.Failover{Destination: "pbx.example.com", Number: "4155550198"}); err != nil {
		t.Fatalf("SetFailover: %v", err)
	}
	if err := c.SetFailover(ctx, "", trunk.Failover{Number: "(415) 555-0199", Destination: "7102"}); err != nil {
		t.Fatalf("SetFailover (account): %v", err)
	}
	a, err := c.Account(ctx)
	if err != nil {
		t.Fatalf("Account: %v", err)
	}
	n, ok := a.Number("+14155550100")
	if !ok || n.E911Address == nil || n.E911Address.Street2 != "Suite 2" || !bool(n.E911Address.Master) ||
		n.Failover != (trunk.Failover{Destination: "pbx.example.com", Number: "+14155550198"}) {
		t.Errorf("the number after the changes: %+v %+v", n, n.E911Address)
	}
	if f := a.AccountFailover(); f != (trunk.Failover{Number: "+14155550199", Destination: "7102"}) || !bool(a.CustomerInfo.DestinationIsTrunkGroup) {
		t.Errorf("account failover: %+v", f)
	}
	got, err := v1.GetNumber(ctx, "+14155550100")
	if err != nil || got.E911Address == nil || got.E911Address.Street2 != "Suite 2" || got.Failover == nil ||
		*got.Failover != (sipstation.Failover{Destination: "pbx.example.com", Number: "+14155550198"}) {
		t.Errorf("/v1 after the changes: %v %+v", err, got)
	}
	// Dropping one tier clears that one only.
	if err := c.SetFailover(ctx, "+14155550100", trunk.Failover{Number: "4155550198"}); err != nil {
		t.Fatalf("SetFailover (number only): %v", err)
	}
	if a, err := c.Account(ctx); err != nil {
		t.Fatal(err)
	} else if n, _ := a.Number("+14155550100"); n.Failover != (trunk.Failover{Number: "+14155550198"}) {
		t.Errorf("after dropping the destination: %+v", n.Failover)
	}
	if err := c.DeleteE911(ctx, "+14155550100"); err != nil {
		t.Fatalf("DeleteE911: %v", err)
	}
	if err := c.ClearFailover(ctx, "+14155550100"); err != nil {
		t.Fatalf("ClearFailover: %v", err)
	}
	if got, err := v1.GetNumber(ctx, "+14155550100"); err != nil || got.E911Address != nil || got.Failover != nil {
		t.Errorf("/v1 after delete and clear: %v %+v", err, got)
	}
	if a, err := c.Account(ctx); err != nil || a.AccountFailover() != (trunk.Failover{Number: "+14155550199", Destination: "7102"}) {
		t.Errorf("clearing the number's failover changed the account's: %v %+v", err, a.AccountFailover())
	}
	if err := c.ClearFailover(ctx, ""); err != nil {
		t.Fatalf("ClearFailover (account): %v", err)
	}
	if a, err := c.Account(ctx); err != nil || !a.AccountFailover().IsZero() {
		t.Errorf("account failover after its clear: %v %+v", err, a.AccountFailover())
	}
	if m := srvMetrics(t, ts.URL); m.DeletesWithBody != 0 {
		t.Errorf("the client sent %d DELETEs with a body", m.DeletesWithBody)
	}
	if err := c.SetE911(ctx, "+14155550111", trunk.E911{Name: "A", Street1: "1", City: "Austin", State: "TX", Zip: "78701"}); !errors.Is(err, trunk.ErrRefused) {
		t.Errorf("SetE911 of a number not on the trunk: %v", err)
	}
	bad, err := trunk.New(trunk.Config{Endpoint: ts.URL + "/sipstation", AccountKey: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Account(ctx); !errors.Is(err, trunk.ErrBadKey) {
		t.Errorf("a wrong key: %v", err)
	}
}

// srvMetrics reads the emulator's metrics.
func srvMetrics(t *testing.T, base string) emulator.Metrics {
	t.Helper()
	resp, err := http.Get(base + "/_emulator/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var m emulator.Metrics
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}
