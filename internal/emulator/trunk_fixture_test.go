package emulator_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// The emulator's answers of the account-key API have the keys and value
// shapes of the documents written by hand from FreePBX's module
// (internal/trunk/testdata, whose README names the module files), so that
// the emulator cannot drift into answering what only this project's client
// reads.

// shape is a JSON value with every scalar replaced by its kind; an empty
// array stays "[]", PHP's empty value, a kind of its own.
func shape(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = shape(e)
		}
		return out
	case []any:
		if len(x) == 0 {
			return "[]"
		}
		out := make([]any, 0, len(x))
		for _, e := range x {
			out = append(out, shape(e))
		}
		return out
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	default:
		return "null"
	}
}

// requireShape fails unless the answer body has the shape of the fixture,
// leaving out of both the top-level keys named.
func requireShape(t *testing.T, fixture string, body []byte, leaveOut ...string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "trunk", "testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("%s: %v", fixture, err)
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("the emulator's answer %s: %v", body, err)
	}
	for _, doc := range []any{want, got} {
		if m, ok := doc.(map[string]any); ok {
			for _, k := range leaveOut {
				delete(m, k)
			}
		}
	}
	if d := cmp.Diff(shape(want), shape(got)); d != "" {
		t.Errorf("the emulator's answer differs in shape from %s (-fixture +emulator):\n%s\nanswer: %s", fixture, d, body)
	}
}

func TestTrunkAnswersMatchFixtures(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	fresh := h.trunkAccount("new", "")
	get := func(accountKey string) []byte {
		t.Helper()
		a := h.do(http.MethodGet, "/sipstation/2/full/"+accountKey, "", nil)
		if a.status != http.StatusOK {
			t.Fatalf("GET /2/full: %d %s", a.status, a.body)
		}
		return a.body
	}
	requireShape(t, "full-new-account.json", get(fresh.AccountKey))

	// The account of full.json: a two-tier account failover to a trunk
	// group, a number with the master E911 address and both tiers, a
	// number with a destination only.
	acct := h.trunkAccount("full", "")
	loc := h.newLocation(acct.APIKey, "HQ")
	h.orderLocal(acct.APIKey, loc.ID, "+14155550100")
	h.orderLocal(acct.APIKey, loc.ID, "+14155550101")
	failover := "/sipstation/2/failover/" + acct.AccountKey
	var saved []byte
	for _, w := range []struct {
		path string
		body map[string]string
	}{
		{failover, map[string]string{"dest": "7102"}},
		{failover, map[string]string{"num": "4155550199"}},
		{failover, map[string]string{"did": "4155550100", "num": "4155550198"}},
		{failover, map[string]string{"did": "4155550100", "dest": "pbx.example.com"}},
		{failover, map[string]string{"did": "4155550101", "dest": "sip:frontdesk@pbx.example.com"}},
		{"/sipstation/2/e911/4155550100/" + acct.AccountKey, map[string]string{"name": "Example Widgets LLC", "address1": "100 Market St",
			"address2": "Suite 5", "city": "San Francisco", "state": "CA", "zip": "94105", "master": "1"}},
	} {
		a := h.do(http.MethodPost, w.path, "", w.body)
		if a.status != http.StatusOK {
			t.Fatalf("POST %s: %d %s", w.path, a.status, a.body)
		}
		saved = a.body
	}
	requireShape(t, "result-saved.json", saved)
	// The emulator posts no notices (message is always []), and leaves out
	// the keys that configure the PBX's SIP peers, which the client does
	// not read.
	requireShape(t, "full.json", get(acct.AccountKey), "message", "codecs", "defaultcodecs", "asterisk_settings", "nat_troubleshooting")

	requireShape(t, "full-badkey.json", get("nosuchkey"))
	requireShape(t, "result-badkey.json", h.do(http.MethodDelete, "/sipstation/2/failover/nosuchkey", "", nil).body)
	trial := h.trunkAccount("trial", "TRIAL")
	requireShape(t, "result-refused.json", h.do(http.MethodDelete, "/sipstation/2/failover/"+trial.AccountKey, "", nil).body)
	h.call(http.MethodPost, "/_emulator/faults", emulator.Faults{RateTempNotAvail: 1, MaxFaults: 1}, http.StatusOK, nil)
	requireShape(t, "full-tempnotavail.json", get(acct.AccountKey))

	// And /v1 shows the two tiers the account-key API set.
	if _, n := h.number(acct.APIKey, "+14155550100"); n.Failover == nil ||
		*n.Failover != (sipstation.Failover{Number: "+14155550198", Destination: "pbx.example.com"}) {
		t.Errorf("/v1 failover of +14155550100: %+v", n.Failover)
	}
}
