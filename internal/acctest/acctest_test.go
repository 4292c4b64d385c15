package acctest

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

// Not parallel: t.Setenv keeps a live endpoint in the environment out.
func TestEmulatorEnv(t *testing.T) {
	t.Setenv(EnvEndpoint, "")
	t.Setenv(EnvAPIKey, "")
	e := New(t)
	if !e.IsEmulator() || !strings.HasPrefix(e.Endpoint, "http://127.0.0.1:") || e.APIKey == "" {
		t.Fatalf("env: %+v", e)
	}
	e.RequireEmulator(t) // does not skip
	wantConfig := "provider \"sipstation\" {\n  endpoint = \"" + e.Endpoint + "\"\n  api_key  = \"" + e.APIKey + "\"\n}\n"
	if diff := cmp.Diff(wantConfig, e.ProviderConfig()); diff != "" {
		t.Errorf("ProviderConfig (-want +got):\n%s", diff)
	}

	var loc sipstation.Location
	if s := e.Do(t, http.MethodPost, "/v1/locations", sipstation.LocationCreate{
		Name: "HQ", OrganizationName: "Acme", Email: "a@acme.example",
		ServiceAddress: sipstation.Address{Street1: "1 Main St", City: "Austin", State: "TX", Zip: "78701"},
	}, &loc); s != http.StatusCreated {
		t.Fatalf("create location: %d", s)
	}
	for _, n := range []string{"+15125550100", "+15125550101"} {
		if s := e.Do(t, http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", sipstation.NumberOrder{Type: "local", Number: n}, nil); s != http.StatusCreated {
			t.Fatalf("order %s: %d", n, s)
		}
	}
	// The account-key API shows the same account: both numbers on its trunk.
	if e.TrunkEndpoint != e.Endpoint+"/sipstation" || e.AccountKey == "" {
		t.Fatalf("trunk endpoint %q, account key %q", e.TrunkEndpoint, e.AccountKey)
	}
	if f := e.TrunkFull(t); f.QueryStatus != "SUCCESS" || len(f.DIDs) != 2 {
		t.Errorf("GET /2/full: %+v", f)
	}
	if trial := e.CreateAccountOfType(t, "trial", "TRIAL"); trial.AccountType != "TRIAL" || trial.AccountKey == "" || trial.AccountKey == e.AccountKey {
		t.Errorf("trial account: %+v", trial)
	}
	if !strings.Contains(e.TrunkProviderConfig(), e.AccountKey) || !strings.Contains(e.BothProviderConfig(), e.APIKey) {
		t.Errorf("provider blocks:\n%s\n%s", e.TrunkProviderConfig(), e.BothProviderConfig())
	}
	status := func(n string) string {
		var num sipstation.Number
		if s := e.Get(t, "/v1/numbers/%2B"+n[1:], &num); s != http.StatusOK {
			t.Fatalf("GET %s: %d", n, s)
		}
		return num.Status
	}

	po := e.RequestPortOut(t, "Gaining Co", "2030-01-15", "+15125550100")
	if po.Status != sipstation.PortOutPending || po.FOCDate != "2030-01-15" || status("+15125550100") != sipstation.StatusPortOutPending {
		t.Errorf("requested: %+v", po)
	}
	e.CompletePortOut(t, po.ID)
	if got := status("+15125550100"); got != sipstation.StatusPortedOut {
		t.Errorf("after CompletePortOut: %s", got)
	}
	po2 := e.RequestPortOut(t, "Other Co", "", "+15125550101")
	e.RejectPortOut(t, po2.ID)
	if got := status("+15125550101"); got != sipstation.StatusActive {
		t.Errorf("after RejectPortOut: %s", got)
	}

	e.Advance(t, 32*24*time.Hour)
	var stmts struct{ Data []sipstation.Statement }
	if s := e.Get(t, "/v1/locations/"+loc.ID+"/statements", &stmts); s != http.StatusOK || len(stmts.Data) != 1 {
		t.Errorf("statements after Advance: %d %+v", s, stmts.Data)
	}

	e.SetFaults(t, emulator.Faults{Rate5xx: 1, MaxFaults: 1})
	var eb sipstation.ErrorBody
	if s := e.Get(t, "/v1/locations", &eb); s != http.StatusServiceUnavailable || eb.Errors[0].Code != sipstation.CodeTemporarilyUnavailable {
		t.Errorf("under an injected fault: %d %+v", s, eb)
	}
	if s := e.Get(t, "/v1/locations", nil); s != http.StatusOK {
		t.Errorf("after the fault: %d", s)
	}

	other := &Env{Endpoint: e.Endpoint, APIKey: e.CreateAccount(t, "other"), client: e.client}
	if s := other.Get(t, "/v1/locations/"+loc.ID, nil); s != http.StatusNotFound {
		t.Errorf("another account's view of the location: %d", s)
	}

	m := e.Metrics(t)
	if m.Count("GET /v1/numbers/{number}") != 3 || m.ForcedCancellations != 0 || m.FaultsInjected.Unavailable != 1 {
		t.Errorf("metrics: %+v", m)
	}
}

func TestLiveEnv(t *testing.T) {
	t.Setenv(EnvEndpoint, "https://api.sipstation.example/")
	t.Setenv(EnvAPIKey, "live-key")
	e := New(t)
	if e.IsEmulator() || e.Endpoint != "https://api.sipstation.example" || e.APIKey != "live-key" {
		t.Errorf("live env: %+v", e)
	}
	reached := false
	t.Run("RequireEmulator", func(t *testing.T) {
		e.RequireEmulator(t)
		reached = true
	})
	if reached {
		t.Errorf("RequireEmulator did not skip on a live endpoint")
	}
}

func TestProviderBlock(t *testing.T) {
	t.Parallel()
	got := ProviderBlock(Set("endpoint", "http://127.0.0.1:1"), Set("api_key", "k"),
		Set("max_retries", 2), Set("refresh_by_list", false), Set("endpoint", Expr("terraform_data.e.output")),
		Set("api_key", nil), Set("request_timeout", "20s"))
	want := "provider \"sipstation\" {\n" +
		"  endpoint        = terraform_data.e.output\n" +
		"  max_retries     = 2\n" +
		"  refresh_by_list = false\n" +
		"  request_timeout = \"20s\"\n" +
		"}\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ProviderBlock (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("provider \"sipstation\" {\n}\n", ProviderBlock()); diff != "" {
		t.Errorf("ProviderBlock() (-want +got):\n%s", diff)
	}
	e := &Env{Endpoint: "http://127.0.0.1:1", APIKey: "k", TrunkEndpoint: "http://127.0.0.1:1/sipstation", AccountKey: "ak"}
	for name, tc := range map[string]struct{ got, want string }{
		"trunk": {e.TrunkProviderConfig(Set("account_key", "not-the-key")),
			"provider \"sipstation\" {\n  trunk_endpoint = \"http://127.0.0.1:1/sipstation\"\n  account_key    = \"not-the-key\"\n}\n"},
		"both": {e.BothProviderConfig(),
			"provider \"sipstation\" {\n  endpoint       = \"http://127.0.0.1:1\"\n  api_key        = \"k\"\n" +
				"  trunk_endpoint = \"http://127.0.0.1:1/sipstation\"\n  account_key    = \"ak\"\n}\n"},
	} {
		if diff := cmp.Diff(tc.want, tc.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

// Not parallel: t.Setenv keeps a live endpoint in the environment out.
func TestOutsideTerraform(t *testing.T) {
	t.Setenv(EnvEndpoint, "")
	t.Setenv(EnvAPIKey, "")
	e := New(t)
	loc := e.CreateLocation(t, "HQ")
	if loc.Name != "HQ" || loc.OrganizationName != "Acme Dental LLC" || loc.ServiceAddress.Street1 != "100 Main St" {
		t.Errorf("CreateLocation: %+v", loc)
	}
	n := e.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "212"})
	if n.Number != "+12125550100" || n.LocationID != loc.ID || !n.Billing.Active {
		t.Errorf("OrderNumber: %+v", n)
	}
	e.UpdateNumber(t, n.Number, map[string]any{"description": "Fax"})
	var got sipstation.Number
	if s := e.Get(t, "/v1/numbers/%2B"+n.Number[1:], &got); s != http.StatusOK || got.Description != "Fax" {
		t.Errorf("after UpdateNumber: %d %+v", s, got)
	}
	e.CancelNumber(t, n.Number)
	if s := e.Get(t, "/v1/numbers/%2B"+n.Number[1:], nil); s != http.StatusNotFound {
		t.Errorf("GET after CancelNumber: %d, want 404", s)
	}
	if sts := e.Statements(t, loc.ID); len(sts) != 0 {
		t.Errorf("statements of a new location: %+v", sts)
	}
	e.Advance(t, 32*24*time.Hour)
	if sts := e.Statements(t, loc.ID); len(sts) != 1 || sts[0].LocationID != loc.ID {
		t.Errorf("statements after a month: %+v", sts)
	}
	trunkLoc := e.OrderLocalNumbers(t, "+14155550140", "+14155550141")
	if f := e.TrunkFull(t); len(f.DIDs) != 2 || trunkLoc.Name != "Trunk" {
		t.Errorf("after OrderLocalNumbers: %+v on %+v", f.DIDs, trunkLoc)
	}
	e.SetTrunkFailover(t, "+14155550141", trunk.Failover{Destination: "pbx.example.com", Number: "+14155550199"})
	e.SetTrunkFailover(t, "", trunk.Failover{Destination: "7102"})
	if f := e.TrunkFull(t); f.DIDs[1].Failover.Dest != "pbx.example.com" || f.DIDs[1].Failover.Num != "4155550199" ||
		f.DIDs[0].Failover != (trunk.DIDFailover{}) || f.CustomerInfo.FailoverDest != "7102" || f.CustomerInfo.FailoverNum != "" {
		t.Errorf("after SetTrunkFailover: %+v, account %q %q", f.DIDs, f.CustomerInfo.FailoverDest, f.CustomerInfo.FailoverNum)
	}
	e.CloseLocation(t, loc.ID)
	var closed sipstation.Location
	if s := e.Get(t, "/v1/locations/"+loc.ID, &closed); s != http.StatusOK || closed.Status != sipstation.LocationClosed {
		t.Errorf("after CloseLocation: %d %+v", s, closed)
	}
	trial := e.OtherAccount(t, "trial", "TRIAL")
	if trial.APIKey == e.APIKey || trial.AccountKey == e.AccountKey || trial.Endpoint != e.Endpoint {
		t.Errorf("OtherAccount: %+v", trial)
	}
	if s := trial.Get(t, "/v1/locations/"+loc.ID, nil); s != http.StatusNotFound {
		t.Errorf("another account's view of the location: %d", s)
	}
}

// Not parallel: t.Setenv keeps a live endpoint in the environment out.
func TestProxy(t *testing.T) {
	t.Setenv(EnvEndpoint, "")
	t.Setenv(EnvAPIKey, "")
	e := New(t)
	loc := e.CreateLocation(t, "HQ")
	var (
		mu   sync.Mutex
		seen []string
	)
	proxied := *e
	proxied.Endpoint = e.Proxy(t, func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.Method+" "+r.URL.Path)
	},
		func(resp *http.Response) error {
			resp.Header.Set("X-Proxied", "yes")
			return nil
		})
	var got sipstation.Location
	if s := proxied.Get(t, "/v1/locations/"+loc.ID, &got); s != http.StatusOK || got.ID != loc.ID {
		t.Errorf("GET through the proxy: %d %+v", s, got)
	}
	mu.Lock()
	if diff := cmp.Diff([]string{"GET /v1/locations/" + loc.ID}, seen); diff != "" {
		t.Errorf("requests seen before forwarding (-want +got):\n%s", diff)
	}
	mu.Unlock()
	resp, err := http.Get(proxied.Endpoint + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.Header.Get("X-Proxied") != "yes" {
		t.Errorf("the answer was not modified: %v", resp.Header)
	}
}

func TestInProcess(t *testing.T) {
	t.Parallel()
	c := InProcess(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/drop" {
			panic(http.ErrAbortHandler)
		}
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, r.Method+" "+r.URL.Path)
	}))
	resp, err := c.Get("http://in-process.test/brew")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusTeapot || string(body) != "GET /brew" {
		t.Errorf("answer: %d %q %v", resp.StatusCode, body, err)
	}
	if _, err := c.Get("http://in-process.test/drop"); err == nil || !strings.Contains(err.Error(), "without an answer") {
		t.Errorf("an aborted answer: %v", err)
	}
}
