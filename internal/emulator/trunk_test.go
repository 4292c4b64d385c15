package emulator_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

// trunkAccount creates an account of a type ("" for a full one) and answers
// its API key and account key.
func (h *harness) trunkAccount(name, accountType string) emulator.Account {
	h.t.Helper()
	var acct emulator.Account
	h.call(http.MethodPost, "/_emulator/accounts", map[string]string{"name": name, "account_type": accountType}, http.StatusCreated, &acct)
	if acct.AccountKey == "" || acct.APIKey == "" {
		h.t.Fatalf("POST /_emulator/accounts answered no keys: %+v", acct)
	}
	return acct
}

func (h *harness) full(accountKey string) trunk.Full {
	h.t.Helper()
	var f trunk.Full
	h.call(http.MethodGet, "/sipstation/2/full/"+accountKey, nil, http.StatusOK, &f)
	return f
}

// mutate sends a change (a JSON body unless body is a string, sent
// form-encoded) and returns the {status, message} answer, which is HTTP 200.
func (h *harness) mutate(method, path string, body any) trunk.Result {
	h.t.Helper()
	var headers []string
	if _, ok := body.(string); ok {
		headers = []string{"Content-Type", "application/x-www-form-urlencoded"}
	}
	a := h.do(method, path, "", body, headers...)
	if a.status != http.StatusOK {
		h.t.Fatalf("%s %s: status %d: %s", method, path, a.status, a.body)
	}
	var r trunk.Result
	if err := json.Unmarshal(a.body, &r); err != nil {
		h.t.Fatalf("%s %s: decode %s: %v", method, path, a.body, err)
	}
	return r
}

func dids(f trunk.Full) map[string]trunk.DID {
	out := map[string]trunk.DID{}
	for _, d := range f.DIDs {
		out[string(d.Number)] = d
	}
	return out
}

// The account-key API shows the same account as /v1: the numbers still on
// the trunk (active or port pending, not ported out or cancelled), and the
// E911 address and failover /v1 shows, whichever API changed them.
func TestTrunkFullIsTheV1Store(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	acct := h.trunkAccount("trunk", "")
	loc := h.newLocation(acct.APIKey, "HQ")
	for _, n := range []string{"+14155550100", "+14155550101", "+14155550102", "+14155550103", "+18005550100"} {
		h.order(acct.APIKey, loc.ID, sipstation.NumberOrder{Type: numberTypeOf(n), Number: n})
	}
	h.callAs(acct.APIKey, http.MethodDelete, numberPath("+14155550101"), nil, http.StatusOK, nil)
	h.portOut("Gaining Co", "2025-03-20", "+14155550102")
	po := h.portOut("Gaining Co", "2025-03-20", "+14155550103")
	h.call(http.MethodPost, "/_emulator/port-outs/"+po.ID+"/complete", nil, http.StatusOK, nil)
	h.callAs(acct.APIKey, http.MethodPatch, numberPath("+14155550100"), map[string]any{
		"failover":     sipstation.Failover{Number: "+14155550199"},
		"e911_address": sipstation.E911Address{Name: "Acme", Street1: "1 Main St", City: "Austin", State: "TX", Zip: "78701"},
	}, http.StatusOK, nil)

	f := h.full(acct.AccountKey)
	if f.QueryStatus != trunk.QuerySuccess || f.Version == "" || f.CustomerInfo.AccountType != "FULL" {
		t.Fatalf("GET /2/full: %+v", f)
	}
	got := dids(f)
	if len(got) != 3 {
		t.Fatalf("dids %v; want 4155550100, 4155550102 (port pending) and 8005550100", got)
	}
	for _, n := range []string{"4155550100", "4155550102", "8005550100"} {
		if _, ok := got[n]; !ok {
			t.Errorf("dids lack %s: %v", n, got)
		}
	}
	d := got["4155550100"]
	if d.Failover.Num != "4155550199" || d.E911Address.IsZero() || d.E911Address.Street1 != "1 Main St" || bool(d.E911Address.Master) {
		t.Errorf("4155550100 as /2/full shows it: %+v %+v", d.Failover, d.E911Address)
	}
	// Three billed numbers: two local and the toll-free one (the ported-out
	// one is still billed too).
	if f.CustomerInfo.MonthlyCost == "" || len(f.Gateways) != 2 || f.GatewayInfo[string(f.Gateways[0])].Name == "" {
		t.Errorf("customer info / gateways: %+v %+v %+v", f.CustomerInfo, f.Gateways, f.GatewayInfo)
	}
	if f.SIPInfo.SIPUsername == "" || f.SIPInfo.SIPPassword == "" {
		t.Errorf("sip_info: %+v", f.SIPInfo)
	}

	// A change through the account-key API is what /v1 shows.
	r := h.mutate(http.MethodPost, "/sipstation/2/e911/4155550100/"+acct.AccountKey, map[string]string{
		"name": "Acme", "address1": "2 Side St", "address2": "Floor 3", "city": "Austin", "state": "TX", "zip": "78702", "master": "1",
	})
	if !r.Status {
		t.Fatalf("POST /2/e911: %+v", r)
	}
	_, n := h.number(acct.APIKey, "+14155550100")
	if n.E911Address == nil || n.E911Address.Street1 != "2 Side St" || n.E911Address.Street2 != "Floor 3" || n.E911Address.Zip != "78702" {
		t.Errorf("/v1 after POST /2/e911: %+v", n.E911Address)
	}
	if d := dids(h.full(acct.AccountKey))["4155550100"]; d.E911Address.IsZero() || !bool(d.E911Address.Master) {
		t.Errorf("the master flag after POST /2/e911 with master=1: %+v", d.E911Address)
	}
}

func numberTypeOf(n string) string {
	if phonenumber.IsTollFree(n) {
		return sipstation.TypeTollFree
	}
	return sipstation.TypeLocal
}

// A wrong key is a 200 with BADKEY, on reads and changes alike; another
// account's key sees only its own numbers.
func TestTrunkBadKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	a := h.do(http.MethodGet, "/sipstation/2/full/nosuchkey", "", nil)
	var f trunk.Full
	if err := json.Unmarshal(a.body, &f); err != nil || a.status != http.StatusOK || f.QueryStatus != trunk.QueryBadKey || f.Version != trunk.VersionMax {
		t.Fatalf("GET /2/full with a wrong key: %d %s; want BADKEY with a version, as the module needs", a.status, a.body)
	}
	if r := h.mutate(http.MethodPost, "/sipstation/2/failover/nosuchkey", map[string]string{"num": "4155550199"}); bool(r.Status) || !strings.Contains(string(r.Message), "BADKEY") {
		t.Errorf("POST /2/failover with a wrong key: %+v", r)
	}
	// The install-id form the module uses reads the same account.
	acct := h.trunkAccount("other", "")
	var g trunk.Full
	h.call(http.MethodGet, "/sipstation/2/full/"+acct.AccountKey+"/install-123", nil, http.StatusOK, &g)
	if g.QueryStatus != trunk.QuerySuccess || len(g.DIDs) != 0 {
		t.Errorf("GET /2/full/{key}/{uid}: %+v", g)
	}
}

// One master E911 number per account: making another the master takes the
// flag from the first; an update without master, or a delete, drops it.
func TestTrunkE911Master(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	acct := h.trunkAccount("trunk", "")
	loc := h.newLocation(acct.APIKey, "HQ")
	h.orderLocal(acct.APIKey, loc.ID, "+14155550100")
	h.orderLocal(acct.APIKey, loc.ID, "+14155550101")
	addr := func(master string) string {
		return "name=Acme&address1=1+Main+St&address2=&city=Austin&state=TX&zip=78701&master=" + master
	}
	masters := func() []string {
		var out []string
		for _, d := range h.full(acct.AccountKey).DIDs {
			if d.E911Address.Master {
				out = append(out, string(d.Number))
			}
		}
		return out
	}
	// Form-encoded, as the older module sends.
	for _, n := range []string{"4155550100", "4155550101"} {
		if r := h.mutate(http.MethodPost, "/sipstation/2/e911/"+n+"/"+acct.AccountKey, addr("1")); !r.Status {
			t.Fatalf("POST /2/e911/%s: %+v", n, r)
		}
	}
	if got := masters(); len(got) != 1 || got[0] != "4155550101" {
		t.Errorf("masters after two master writes: %v, want [4155550101]", got)
	}
	if r := h.mutate(http.MethodPost, "/sipstation/2/e911/+14155550101/"+acct.AccountKey, addr("0")); !r.Status {
		t.Fatalf("POST /2/e911 without master: %+v", r)
	}
	if got := masters(); len(got) != 0 {
		t.Errorf("masters after the master was written without master: %v", got)
	}
	if r := h.mutate(http.MethodDelete, "/sipstation/2/e911/4155550100/"+acct.AccountKey, nil); !r.Status {
		t.Fatalf("DELETE /2/e911: %+v", r)
	}
	if _, n := h.number(acct.APIKey, "+14155550100"); n.E911Address != nil {
		t.Errorf("/v1 after DELETE /2/e911: %+v", n.E911Address)
	}
	// Refusals are {status: false} with a reason.
	for _, c := range []struct{ path, body, want string }{
		{"/sipstation/2/e911/4155550199/" + acct.AccountKey, addr("0"), "not on this account"},
		{"/sipstation/2/e911/4155550100/" + acct.AccountKey, "name=Acme&address1=&city=Austin&state=TX&zip=78701", "address1"},
		{"/sipstation/2/e911/4155550100/" + acct.AccountKey, "name=Acme&address1=1+Main&city=Austin&state=Texas&zip=78701", "state"},
		{"/sipstation/2/e911/4155550100/" + acct.AccountKey, addr("0") + "&street1=x", "unknown field"},
	} {
		if r := h.mutate(http.MethodPost, c.path, c.body); bool(r.Status) || !strings.Contains(string(r.Message), c.want) {
			t.Errorf("POST %s %q: %+v, want a refusal about %q", c.path, c.body, r, c.want)
		}
	}
}

// Failover of one number (did) or of the account (no did), in two tiers:
// POST sets the tiers it names (JSON as module 15 sends it, form-encoded as
// 12 and 13 do, or the path form of 12 and 13), an empty value clears its
// tier, and DELETE clears both.
func TestTrunkFailover(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	acct := h.trunkAccount("trunk", "")
	loc := h.newLocation(acct.APIKey, "HQ")
	h.orderLocal(acct.APIKey, loc.ID, "+14155550100")
	path := "/sipstation/2/failover/" + acct.AccountKey
	failoverOf := func(number string) trunk.DIDFailover {
		if number == "" {
			ci := h.full(acct.AccountKey).CustomerInfo
			return trunk.DIDFailover{Num: ci.FailoverNum, Dest: ci.FailoverDest}
		}
		return dids(h.full(acct.AccountKey))[number].Failover
	}
	steps := []struct {
		method, path string
		body         any
		headers      []string
		number       string // whose failover to check; "" the account's
		want         trunk.DIDFailover
	}{
		{http.MethodPost, path, map[string]string{"num": "4155550199", "did": "4155550100"}, nil, "4155550100", trunk.DIDFailover{Num: "4155550199"}},
		{http.MethodPost, path, map[string]string{"dest": "pbx.example.com", "did": "4155550100"}, nil, "4155550100", trunk.DIDFailover{Num: "4155550199", Dest: "pbx.example.com"}},
		// Module 15's dialog clears a tier by sending it empty.
		{http.MethodPost, path, map[string]string{"num": "", "did": "4155550100"}, nil, "4155550100", trunk.DIDFailover{Dest: "pbx.example.com"}},
		// The path form of modules 12 and 13, form-encoded.
		{http.MethodPost, "/sipstation/2/failover/4155550100/" + acct.AccountKey, "num=4155550198", nil, "4155550100", trunk.DIDFailover{Num: "4155550198", Dest: "pbx.example.com"}},
		// The account-wide failover, to a trunk group.
		{http.MethodPost, path, "dest=7102", nil, "", trunk.DIDFailover{Dest: "7102"}},
		{http.MethodPost, path, map[string]string{"num": "(415) 555-0197"}, nil, "", trunk.DIDFailover{Num: "4155550197", Dest: "7102"}},
		// The path form of DELETE clears the number's two tiers, not the account's.
		{http.MethodDelete, "/sipstation/2/failover/4155550100/" + acct.AccountKey, nil, nil, "4155550100", trunk.DIDFailover{}},
		{http.MethodGet, "", nil, nil, "", trunk.DIDFailover{Num: "4155550197", Dest: "7102"}},
		// So does the did header of modules 13 and 15.
		{http.MethodPost, path, map[string]string{"num": "4155550199", "did": "4155550100"}, nil, "4155550100", trunk.DIDFailover{Num: "4155550199"}},
		{http.MethodDelete, path, nil, []string{"did", "4155550100"}, "4155550100", trunk.DIDFailover{}},
		{http.MethodGet, "", nil, nil, "", trunk.DIDFailover{Num: "4155550197", Dest: "7102"}},
		// A body on DELETE is not read, as on a PHP service: this clears the
		// account-wide failover, whatever the body says.
		{http.MethodPost, path, map[string]string{"num": "4155550199", "did": "4155550100"}, nil, "4155550100", trunk.DIDFailover{Num: "4155550199"}},
		{http.MethodDelete, path, map[string]string{"did": "4155550100"}, nil, "", trunk.DIDFailover{}},
		{http.MethodGet, "", nil, nil, "4155550100", trunk.DIDFailover{Num: "4155550199"}},
	}
	for i, st := range steps {
		if st.method != http.MethodGet {
			headers := st.headers
			if _, form := st.body.(string); form {
				headers = append(headers, "Content-Type", "application/x-www-form-urlencoded")
			}
			a := h.do(st.method, st.path, "", st.body, headers...)
			var r trunk.Result
			if err := json.Unmarshal(a.body, &r); err != nil || a.status != http.StatusOK || !r.Status {
				t.Fatalf("step %d: %s %s %v: %d %s", i, st.method, st.path, st.body, a.status, a.body)
			}
		}
		if got := failoverOf(st.number); got != st.want {
			t.Errorf("step %d (%s %v): failover of %q is %+v, want %+v", i, st.method, st.body, st.number, got, st.want)
		}
	}
	var m emulator.Metrics
	h.call(http.MethodGet, "/_emulator/metrics", nil, http.StatusOK, &m)
	if m.DeletesWithBody != 1 {
		t.Errorf("deletes_with_body %d, want the 1 sent", m.DeletesWithBody)
	}
	// Both tiers show on /v1 too.
	h.mutate(http.MethodPost, path, map[string]string{"dest": "pbx.example.com", "did": "4155550100"})
	if _, n := h.number(acct.APIKey, "+14155550100"); n.Failover == nil || *n.Failover != (sipstation.Failover{Number: "+14155550199", Destination: "pbx.example.com"}) {
		t.Errorf("/v1 failover: %+v", n.Failover)
	}
	for _, c := range []struct {
		body any
		want string
	}{
		{map[string]string{}, "No valid data received"},
		{map[string]string{"did": "4155550100"}, "No valid data received"},
		{map[string]string{"num": "12"}, "Phone number appears to be invalid"},
		{map[string]string{"dest": "has space"}, "invalid URI"},
		{map[string]string{"dest": "7101"}, "trunk group 7101 is the one this account's trunk is in"},
		{map[string]string{"dest": "9999"}, "trunk group 9999 is not one of this account's trunk groups"},
		{map[string]string{"num": "4155550199", "did": "$did"}, `DID "$did" is not valid`}, // module 13's Sipstation.class.php ~563
		{map[string]string{"num": "4155550199", "did": "4155550111"}, "not on this account's trunk"},
	} {
		if r := h.mutate(http.MethodPost, path, c.body); bool(r.Status) || !strings.Contains(string(r.Message), c.want) {
			t.Errorf("POST /2/failover %v: %+v, want a refusal saying %q", c.body, r, c.want)
		}
	}
}

// GET /2/full answers TEMPNOTAVAIL, with a version, while the fault is set.
func TestTrunkTempNotAvail(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	acct := h.trunkAccount("trunk", "")
	h.call(http.MethodPost, "/_emulator/faults", emulator.Faults{RateTempNotAvail: 1, MaxFaults: 2}, http.StatusOK, nil)
	for i, want := range []string{trunk.QueryTempNotAvail, trunk.QueryTempNotAvail, trunk.QuerySuccess} {
		if f := h.full(acct.AccountKey); string(f.QueryStatus) != want || f.Version != trunk.VersionMax {
			t.Errorf("read %d: %s %s, want %s", i, f.QueryStatus, f.Version, want)
		}
	}
	var m emulator.Metrics
	h.call(http.MethodGet, "/_emulator/metrics", nil, http.StatusOK, &m)
	if m.FaultsInjected.TempNotAvail != 2 {
		t.Errorf("faults_injected.tempnotavail %d, want 2", m.FaultsInjected.TempNotAvail)
	}
}

// Trial accounts cannot set E911 or failover: {status: false, message}.
func TestTrunkTrialRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	acct := h.trunkAccount("trial", "TRIAL")
	loc := h.newLocation(acct.APIKey, "HQ")
	h.orderLocal(acct.APIKey, loc.ID, "+14155550100")
	f := h.full(acct.AccountKey)
	if f.CustomerInfo.AccountType != trunk.AccountTypeTrial || f.CustomerInfo.Expiration == "" {
		t.Errorf("trial customer_info: %+v", f.CustomerInfo)
	}
	for _, c := range []struct{ method, path string }{
		{http.MethodPost, "/sipstation/2/e911/4155550100/" + acct.AccountKey},
		{http.MethodPost, "/sipstation/2/failover/" + acct.AccountKey},
	} {
		r := h.mutate(c.method, c.path, map[string]string{"num": "4155550199"})
		if bool(r.Status) || !strings.Contains(string(r.Message), "Trial") {
			t.Errorf("%s %s on a trial: %+v", c.method, c.path, r)
		}
	}
	if _, n := h.number(acct.APIKey, "+14155550100"); n.Failover != nil || n.E911Address != nil {
		t.Errorf("a trial's refused change was made: %+v", n)
	}
}

// Faults and rate limits reach the account-key routes too, in its shape.
func TestTrunkFaultsAndRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	acct := h.trunkAccount("trunk", "")
	h.call(http.MethodPost, "/_emulator/faults", emulator.Faults{Rate5xx: 1, MaxFaults: 1}, http.StatusOK, nil)
	a := h.do(http.MethodGet, "/sipstation/2/full/"+acct.AccountKey, "", nil)
	var r trunk.Result
	if err := json.Unmarshal(a.body, &r); err != nil || a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" || r.Message == "" {
		t.Errorf("an injected 503: %d %v %s", a.status, a.header, a.body)
	}
	h.call(http.MethodPost, "/_emulator/faults", emulator.Faults{RateLimitPerS: 1}, http.StatusOK, nil)
	statuses := map[int]int{}
	for range 3 {
		statuses[h.do(http.MethodGet, "/sipstation/2/full/"+acct.AccountKey, "", nil).status]++
	}
	if statuses[http.StatusTooManyRequests] == 0 {
		t.Errorf("three reads at 1 request per second: %v, want a 429", statuses)
	}
	if a := h.do(http.MethodGet, "/sipstation/2/nothing", "", nil); a.status != http.StatusNotFound {
		t.Errorf("an unknown account-key route: %d %s", a.status, a.body)
	}
}
