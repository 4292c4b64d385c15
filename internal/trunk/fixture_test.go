package trunk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

// The documents of testdata/ were written by hand from FreePBX's module
// (testdata/README.md names the files each rests on); these tests decode
// them with the client, so that a wrong assumption in types.go fails here
// rather than being mirrored by the emulator.

// fixture reads testdata/name.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sent is one request a fake service received.
type sent struct {
	Method, Path string
	Header       http.Header
	Body         string
}

// fakeService answers the client in memory, served in process through
// acctest.InProcess (so that tests of waits can run in a synctest bubble):
// each request goes to answer, and is recorded. A DELETE that carries a
// body fails the test: a PHP service reads none.
type fakeService struct {
	t      *testing.T
	answer func(r sent) (int, string)

	mu   sync.Mutex
	sent []sent
}

func (f *fakeService) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		f.t.Errorf("%s %s: read the body: %v", req.Method, req.URL.Path, err)
	}
	if req.Method == http.MethodDelete && (len(body) > 0 || req.ContentLength > 0) {
		f.t.Errorf("DELETE %s carries a body, which a PHP service does not read: %q", req.URL.Path, body)
	}
	s := sent{Method: req.Method, Path: req.URL.EscapedPath(), Header: req.Header.Clone(), Body: string(body)}
	f.mu.Lock()
	f.sent = append(f.sent, s)
	f.mu.Unlock()
	status, doc := f.answer(s)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, doc)
}

// requests are the requests received so far, as "METHOD path body".
func (f *fakeService) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.sent))
	for _, s := range f.sent {
		out = append(out, strings.TrimSpace(s.Method+" "+s.Path+" "+s.Body))
	}
	return out
}

// fakeClient is a client of f, with short waits between retries.
func fakeClient(t *testing.T, f *fakeService) *trunk.Client {
	t.Helper()
	f.t = t
	c, err := trunk.New(trunk.Config{Endpoint: "https://push2.example.com/sipstation", AccountKey: key, ClientType: "terraform-provider-sipstation-1.2.3",
		Options: apihttp.Options{MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, HTTPClient: acctest.InProcess(f)}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// readDoc is the account the client reads from a GET /2/full answering doc.
func readDoc(t *testing.T, doc []byte) (*trunk.Account, error) {
	t.Helper()
	f := &fakeService{answer: func(sent) (int, string) { return http.StatusOK, string(doc) }}
	return fakeClient(t, f).Account(context.Background())
}

func TestFixtureFull(t *testing.T) {
	t.Parallel()
	a, err := readDoc(t, fixture(t, "full.json"))
	if err != nil {
		t.Fatalf("Account: %v", err)
	}
	ci := a.CustomerInfo
	got := map[string]string{
		"version": a.Version.String(), "monthly_cost": ci.MonthlyCost.String(), "num_trunks": ci.NumTrunks.String(),
		"email": ci.Email.String(), "verify_status": ci.VerifyStatus.String(), "trunk_group_id": ci.TrunkGroupID.String(),
		"premium_trunks": ci.PremiumTrunks.String(), "cid_format": a.CIDFormat.String(),
		"message.type": a.Message.Type.String(), "message.message": a.Message.Message.String(),
		"sip_username": a.SIPInfo.SIPUsername.String(),
	}
	want := map[string]string{
		"version": "1.0.3", "monthly_cost": "49.97", "num_trunks": "2", "email": "telecom@example.com",
		"verify_status": "VERIFIED", "trunk_group_id": "7101", "premium_trunks": "NO", "cid_format": "NANP",
		"message.type": "info", "message.message": "Scheduled maintenance on trunk2 Sunday 02:00-04:00 UTC",
		"sip_username": "4100000001",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("scalars (-want +got):\n%s", d)
	}
	if !bool(ci.DestinationIsTrunkGroup) || !bool(ci.Settings.SMS) || bool(ci.Settings.International) || bool(ci.Settings.Fax) {
		t.Errorf("flags: %+v", ci)
	}
	if f := a.AccountFailover(); f != (trunk.Failover{Number: "+14155550199", Destination: "7102"}) {
		t.Errorf("account failover %+v, want both tiers", f)
	}
	wantGroups := []trunk.Group{{ID: "7101", Title: "Head office PBX", Own: true}, {ID: "7102", Title: "Disaster recovery PBX"}}
	if d := cmp.Diff(wantGroups, a.Groups); d != "" {
		t.Errorf("trunk groups (-want +got):\n%s", d)
	}
	if len(a.Gateways) != 2 || !bool(a.GatewayInfo["trunk1.freepbx.com"].ClientStatus.Registered) ||
		a.GatewayInfo["trunk1.freepbx.com"].ClientStatus.NetworkIP != "203.0.113.5" || bool(a.GatewayInfo["trunk2.freepbx.com"].ClientStatus.Registered) {
		t.Errorf("gateways %v %+v", a.Gateways, a.GatewayInfo)
	}
	wantNumbers := []trunk.Number{
		{Number: "+14155550100", Failover: trunk.Failover{Number: "+14155550198", Destination: "pbx.example.com"},
			E911Address: &trunk.E911Address{Name: "Example Widgets LLC", Street1: "100 Market St", Street2: "Suite 5",
				City: "San Francisco", State: "CA", Zip: "94105", Master: true}},
		{Number: "+14155550101", Failover: trunk.Failover{Destination: "sip:frontdesk@pbx.example.com"}},
	}
	if d := cmp.Diff(wantNumbers, a.Numbers); d != "" {
		t.Errorf("numbers (-want +got):\n%s", d)
	}
}

// The document of a new account: empty lists and objects as PHP writes them.
func TestFixtureNewAccount(t *testing.T) {
	t.Parallel()
	a, err := readDoc(t, fixture(t, "full-new-account.json"))
	if err != nil {
		t.Fatalf("Account: %v", err)
	}
	if len(a.Numbers) != 0 || !a.AccountFailover().IsZero() || a.Message != (trunk.Message{}) || len(a.Groups) != 2 {
		t.Errorf("new account: numbers %v, failover %+v, message %+v, groups %v", a.Numbers, a.AccountFailover(), a.Message, a.Groups)
	}
}

// Every object PHP can write empty, written [] or {} or null or left out;
// lists as objects with gaps in their keys; numbers and flags as numbers.
func TestFixturePHPEmpty(t *testing.T) {
	t.Parallel()
	a, err := readDoc(t, fixture(t, "full-php-empty.json"))
	if err != nil {
		t.Fatalf("Account: %v", err)
	}
	if d := cmp.Diff([]trunk.Text{"trunk1.freepbx.com", "trunk2.freepbx.com"}, []trunk.Text(a.Gateways)); d != "" {
		t.Errorf("gateways as an object (-want +got):\n%s", d)
	}
	if a.GatewayInfo != nil || a.CustomerInfo.Settings != (trunk.Settings{}) || a.Groups != nil || a.Message != (trunk.Message{}) ||
		a.QueryStatusMessage != "" || a.CustomerInfo.Email != "" || a.SIPInfo.SIPUsername != "4100000001" {
		t.Errorf("empties: %+v", a.Full)
	}
	if f := a.AccountFailover(); f != (trunk.Failover{Number: "+14155550199"}) || a.CustomerInfo.MonthlyCost != "49.97" {
		t.Errorf("numbers as JSON numbers: %+v %q", f, a.CustomerInfo.MonthlyCost)
	}
	wantNumbers := []trunk.Number{
		{Number: "+14155550100"}, {Number: "+14155550101"}, {Number: "+14155550102"}, {Number: "+14155550103"},
		{Number: "+14155550104", Failover: trunk.Failover{Number: "+14155550198"},
			E911Address: &trunk.E911Address{Name: "Example Widgets LLC", Street1: "100 Market St", City: "San Francisco", State: "CA", Zip: "94105", Master: true}},
	}
	if d := cmp.Diff(wantNumbers, a.Numbers); d != "" {
		t.Errorf("numbers, in the document's order (-want +got):\n%s", d)
	}
}

// setPath replaces (or, with value nil, removes) the member at path of the
// JSON document doc; list elements are named by their index.
func setPath(t *testing.T, doc []byte, path []string, value json.RawMessage) []byte {
	t.Helper()
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		t.Fatal(err)
	}
	node := root
	for i, key := range path {
		last := i == len(path)-1
		switch n := node.(type) {
		case map[string]any:
			if last {
				if value == nil {
					delete(n, key)
				} else {
					n[key] = value
				}
				break
			}
			node = n[key]
		case []any:
			idx, err := strconv.Atoi(key)
			if err != nil || idx < 0 || idx >= len(n) {
				t.Fatalf("no element %s in %v", key, path)
			}
			if last {
				n[idx] = value
				break
			}
			node = n[idx]
		default:
			t.Fatalf("path %v does not reach a member of the fixture", path)
		}
	}
	out, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every object of the answer, in every empty shape a PHP service writes:
// the rest of the document still decodes, and the object reads as none.
func TestDecodeEmptyObjects(t *testing.T) {
	t.Parallel()
	full := fixture(t, "full.json")
	// empty checks that the object at a path reads as none.
	objects := map[string]struct {
		path  []string
		empty func(a *trunk.Account) bool
	}{
		"customer_info":          {[]string{"customer_info"}, func(a *trunk.Account) bool { return a.CustomerInfo == trunk.CustomerInfo{} }},
		"customer_info.settings": {[]string{"customer_info", "settings"}, func(a *trunk.Account) bool { return a.CustomerInfo.Settings == trunk.Settings{} }},
		"gateway_info":           {[]string{"gateway_info"}, func(a *trunk.Account) bool { return len(a.GatewayInfo) == 0 }},
		"gateway_info.<gw>":      {[]string{"gateway_info", "trunk1.freepbx.com"}, func(a *trunk.Account) bool { return a.GatewayInfo["trunk1.freepbx.com"] == trunk.GatewayInfo{} }},
		"client_status": {[]string{"gateway_info", "trunk1.freepbx.com", "client_status"}, func(a *trunk.Account) bool {
			return a.GatewayInfo["trunk1.freepbx.com"].ClientStatus == trunk.ClientStatus{}
		}},
		"sip_info":                 {[]string{"sip_info"}, func(a *trunk.Account) bool { return a.SIPInfo == trunk.SIPInfo{} }},
		"dids[0].failover":         {[]string{"dids", "0", "failover"}, func(a *trunk.Account) bool { return a.Numbers[0].Failover.IsZero() }},
		"dids[0].e911_address":     {[]string{"dids", "0", "e911_address"}, func(a *trunk.Account) bool { return a.Numbers[0].E911Address == nil }},
		"message":                  {[]string{"message"}, func(a *trunk.Account) bool { return a.Message == trunk.Message{} }},
		"trunk_groups":             {[]string{"trunk_groups"}, func(a *trunk.Account) bool { return len(a.Groups) == 0 }},
		"trunk_groups.trunk_group": {[]string{"trunk_groups", "trunk_group"}, func(a *trunk.Account) bool { return len(a.Groups) == 0 }},
		"dids":                     {[]string{"dids"}, func(a *trunk.Account) bool { return len(a.Numbers) == 0 }},
		"gateways":                 {[]string{"gateways"}, func(a *trunk.Account) bool { return len(a.Gateways) == 0 }},
	}
	shapes := map[string]json.RawMessage{"[]": json.RawMessage(`[]`), "{}": json.RawMessage(`{}`), "null": json.RawMessage(`null`), "missing": nil}
	for name, o := range objects {
		for shape, value := range shapes {
			t.Run(name+"="+shape, func(t *testing.T) {
				t.Parallel()
				a, err := readDoc(t, setPath(t, full, o.path, value))
				if err != nil {
					t.Fatalf("Account: %v", err)
				}
				if !o.empty(a) {
					t.Errorf("%s written %s does not read as none", name, shape)
				}
				if a.Version != "1.0.3" || a.QueryStatus != trunk.QuerySuccess {
					t.Errorf("the rest of the document: %+v", a.Query)
				}
			})
		}
	}
}

// Scalars as strings or numbers, flags in every form PHP writes them.
func TestDecodeScalars(t *testing.T) {
	t.Parallel()
	full := fixture(t, "full.json")
	tests := []struct {
		path  []string
		value string
		read  func(a *trunk.Account) string
		want  string
	}{
		{[]string{"customer_info", "monthly_cost"}, `"49.97"`, func(a *trunk.Account) string { return a.CustomerInfo.MonthlyCost.String() }, "49.97"},
		{[]string{"customer_info", "monthly_cost"}, `49.97`, func(a *trunk.Account) string { return a.CustomerInfo.MonthlyCost.String() }, "49.97"},
		{[]string{"customer_info", "num_trunks"}, `2`, func(a *trunk.Account) string { return a.CustomerInfo.NumTrunks.String() }, "2"},
		{[]string{"customer_info", "num_trunks"}, `"2"`, func(a *trunk.Account) string { return a.CustomerInfo.NumTrunks.String() }, "2"},
		{[]string{"customer_info", "trunk_group_id"}, `7101`, func(a *trunk.Account) string { return a.CustomerInfo.TrunkGroupID.String() }, "7101"},
		{[]string{"customer_info", "failover_num"}, `4155550199`, func(a *trunk.Account) string { return a.AccountFailover().Number }, "+14155550199"},
		{[]string{"customer_info", "failover_dest"}, `7102`, func(a *trunk.Account) string { return a.AccountFailover().Destination }, "7102"},
		{[]string{"customer_info", "email"}, `{}`, func(a *trunk.Account) string { return a.CustomerInfo.Email.String() }, ""},
		{[]string{"customer_info", "email"}, `null`, func(a *trunk.Account) string { return a.CustomerInfo.Email.String() }, ""},
		{[]string{"dids", "0", "number"}, `4155550100`, func(a *trunk.Account) string { return a.Numbers[0].Number }, "+14155550100"},
		{[]string{"trunk_groups", "trunk_group", "1", "id"}, `7102`, func(a *trunk.Account) string { return a.Groups[1].ID }, "7102"},
		{[]string{"dids", "0", "e911_address", "zip"}, `94105`, func(a *trunk.Account) string { return a.Numbers[0].E911Address.Zip.String() }, "94105"},
	}
	flag := func(f func(a *trunk.Account) trunk.Flag) func(a *trunk.Account) string {
		return func(a *trunk.Account) string {
			if f(a) {
				return "yes"
			}
			return "no"
		}
	}
	for _, fl := range []struct {
		path []string
		read func(a *trunk.Account) trunk.Flag
	}{
		{[]string{"customer_info", "settings", "sms"}, func(a *trunk.Account) trunk.Flag { return a.CustomerInfo.Settings.SMS }},
		{[]string{"customer_info", "destination_is_trunkgroup"}, func(a *trunk.Account) trunk.Flag { return a.CustomerInfo.DestinationIsTrunkGroup }},
		{[]string{"dids", "0", "e911_address", "master"}, func(a *trunk.Account) trunk.Flag { return a.Numbers[0].E911Address.Master }},
		{[]string{"gateway_info", "trunk1.freepbx.com", "client_status", "registered"}, func(a *trunk.Account) trunk.Flag {
			return a.GatewayInfo["trunk1.freepbx.com"].ClientStatus.Registered
		}},
	} {
		for value, want := range map[string]string{`"1"`: "yes", `1`: "yes", `true`: "yes", `"true"`: "yes", `"0"`: "no", `0`: "no", `false`: "no", `""`: "no", `null`: "no", `[]`: "no"} {
			tests = append(tests, struct {
				path  []string
				value string
				read  func(a *trunk.Account) string
				want  string
			}{fl.path, value, flag(fl.read), want})
		}
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.path, ".")+"="+tc.value, func(t *testing.T) {
			t.Parallel()
			a, err := readDoc(t, setPath(t, full, tc.path, json.RawMessage(tc.value)))
			if err != nil {
				t.Fatalf("Account: %v", err)
			}
			if got := tc.read(a); got != tc.want {
				t.Errorf("read %q, want %q", got, tc.want)
			}
		})
	}
}

// What cannot be read is an error that says where, not a guess.
func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	full := fixture(t, "full.json")
	for name, tc := range map[string]struct {
		path  []string
		value string
	}{
		"customer_info a list": {[]string{"customer_info"}, `["FULL"]`},
		"failover a string":    {[]string{"dids", "0", "failover"}, `"pbx.example.com"`},
		"a flag that is text":  {[]string{"customer_info", "settings", "sms"}, `"maybe"`},
		"a scalar an object":   {[]string{"customer_info", "email"}, `{"a":"b"}`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := readDoc(t, setPath(t, full, tc.path, json.RawMessage(tc.value)))
			if err == nil || !strings.Contains(err.Error(), "decode the answer of GET /2/full") {
				t.Errorf("Account: %v, want a decode error", err)
			}
		})
	}
}

// The answers of the mutations.
func TestFixtureResults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file string
		want []error
	}{
		{"result-saved.json", nil},
		{"result-refused.json", []error{trunk.ErrRefused}},
		{"result-badkey.json", []error{trunk.ErrRefused, trunk.ErrBadKey}},
	} {
		doc := fixture(t, tc.file)
		f := &fakeService{answer: func(sent) (int, string) { return http.StatusOK, string(doc) }}
		err := fakeClient(t, f).DeleteE911(context.Background(), "+14155550100")
		if tc.want == nil && err != nil {
			t.Errorf("%s: %v", tc.file, err)
		}
		for _, w := range tc.want {
			if !errors.Is(err, w) {
				t.Errorf("%s: %v, want %v", tc.file, err, w)
			}
		}
		var r trunk.Result
		if err := json.Unmarshal(doc, &r); err != nil {
			t.Errorf("%s: %v", tc.file, err)
		}
		if out, _ := json.Marshal(r); !bytes.Contains(out, []byte(`"status":`+map[bool]string{true: "true", false: "false"}[bool(r.Status)])) {
			t.Errorf("%s re-encoded as %s: status must stay a JSON boolean", tc.file, out)
		}
	}
}
