package emulator_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	tests := []struct {
		name, key, wantDetail string
	}{
		{"missing key", "", "no Authorization"},
		{"wrong key", "sk_emu_not_a_key", "not valid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, e := h.apiError(tc.key, http.MethodGet, "/v1/locations", nil)
			if status != http.StatusUnauthorized || e.Code != sipstation.CodeUnauthenticated || !strings.Contains(e.Detail, tc.wantDetail) {
				t.Errorf("got %d %+v, want 401 unauthenticated mentioning %q", status, e, tc.wantDetail)
			}
		})
	}
	// A request with a bad key is never executed.
	h.do(http.MethodPost, "/v1/locations", "sk_emu_not_a_key", locationBody("x"))
	var list struct{ Data []sipstation.Location }
	h.call(http.MethodGet, "/v1/locations", nil, http.StatusOK, &list)
	if len(list.Data) != 0 {
		t.Errorf("locations after an unauthenticated POST: %+v", list.Data)
	}
}

// Everything of another account answers exactly as if it did not exist.
func TestAccountIsolation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	num := h.orderLocal(h.key, loc.ID, "+14155550100")
	po := h.portOut("Gaining Co", "2025-04-01", num.Number)
	h.advance(31 * day)
	var stmts struct{ Data []sipstation.Statement }
	h.call(http.MethodGet, "/v1/locations/"+loc.ID+"/statements", nil, http.StatusOK, &stmts)
	if len(stmts.Data) != 1 {
		t.Fatalf("statements: %+v", stmts.Data)
	}
	st := stmts.Data[0]
	other := h.account("other")
	otherLoc := h.newLocation(other, "Other HQ")

	// Each pair: another account's object, and an id that never existed.
	pairs := []struct {
		method, theirs, absent string
		body                   any
	}{
		{http.MethodGet, "/v1/locations/" + loc.ID, "/v1/locations/loc_0000000000000000", nil},
		{http.MethodPatch, "/v1/locations/" + loc.ID, "/v1/locations/loc_0000000000000000", map[string]string{"name": "mine"}},
		{http.MethodDelete, "/v1/locations/" + loc.ID, "/v1/locations/loc_0000000000000000", nil},
		{http.MethodGet, "/v1/locations/" + loc.ID + "/statements", "/v1/locations/loc_0000000000000000/statements", nil},
		{http.MethodPost, "/v1/locations/" + loc.ID + "/numbers", "/v1/locations/loc_0000000000000000/numbers", sipstation.NumberOrder{Type: "local", AreaCode: "212"}},
		{http.MethodGet, numberPath(num.Number), numberPath("+14155550199"), nil},
		{http.MethodPatch, numberPath(num.Number), numberPath("+14155550199"), map[string]string{"description": "mine"}},
		{http.MethodDelete, numberPath(num.Number), numberPath("+14155550199"), nil},
		{http.MethodGet, "/v1/port-outs/" + po.ID, "/v1/port-outs/po_0000000000000000", nil},
		{http.MethodGet, "/v1/statements/" + st.ID, "/v1/statements/stmt_0000000000000000", nil},
		{http.MethodGet, "/v1/statements/" + st.ID + "/pdf", "/v1/statements/stmt_0000000000000000/pdf", nil},
		{http.MethodGet, "/v1/statements/" + st.ID + "/cdrs", "/v1/statements/stmt_0000000000000000/cdrs", nil},
		{http.MethodGet, "/v1/statements/" + st.ID + "/sms", "/v1/statements/stmt_0000000000000000/sms", nil},
	}
	for _, p := range pairs {
		t.Run(p.method+" "+p.theirs, func(t *testing.T) {
			s1, e1 := h.apiError(other, p.method, p.theirs, p.body)
			s2, e2 := h.apiError(other, p.method, p.absent, p.body)
			if s1 != http.StatusNotFound || s2 != http.StatusNotFound || e1.Code != sipstation.CodeNotFound || e1.Title != e2.Title {
				t.Errorf("theirs: %d %+v; absent: %d %+v", s1, e1, s2, e2)
			}
		})
	}
	// Moving one's number into another account's location is a 404 too.
	otherNum := h.orderLocal(other, otherLoc.ID, "+12125550100")
	if s, e := h.apiError(other, http.MethodPatch, numberPath(otherNum.Number), map[string]string{"location_id": loc.ID}); s != http.StatusNotFound || e.Code != sipstation.CodeNotFound {
		t.Errorf("move into another account's location: %d %+v", s, e)
	}
	// Lists show only one's own.
	for _, path := range []string{"/v1/locations", "/v1/numbers", "/v1/port-outs"} {
		var list struct {
			Data []json.RawMessage
			Meta sipstation.ListMeta
		}
		h.callAs(other, http.MethodGet, path, nil, http.StatusOK, &list)
		want := map[string]int{"/v1/locations": 1, "/v1/numbers": 1, "/v1/port-outs": 0}[path]
		if len(list.Data) != want || list.Meta.TotalResults != want {
			t.Errorf("%s as the other account: %d items (meta %+v), want %d", path, len(list.Data), list.Meta, want)
		}
	}
	// And the first account's data is untouched.
	if s, n := h.number(h.key, num.Number); s != http.StatusOK || n.Status != sipstation.StatusPortOutPending {
		t.Errorf("own number after the other account's attempts: %d %+v", s, n)
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	h.orderLocal(h.key, loc.ID, "+14155550100")
	tollFree := h.order(h.key, loc.ID, sipstation.NumberOrder{Type: "toll_free", Number: "+18005550100"})
	orders := "/v1/locations/" + loc.ID + "/numbers"
	withAddr := func(f func(*sipstation.LocationCreate)) sipstation.LocationCreate {
		b := locationBody("x")
		f(&b)
		return b
	}
	tests := []struct {
		name, method, path string
		body               any
		wantCode, wantPtr  string
		wantDetail         string
	}{
		{"location name missing", "POST", "/v1/locations", withAddr(func(b *sipstation.LocationCreate) { b.Name = " " }), "validation_failed", "/name", "name"},
		{"location bad email", "POST", "/v1/locations", withAddr(func(b *sipstation.LocationCreate) { b.Email = "nope" }), "validation_failed", "/email", "nope"},
		{"location bad zip", "POST", "/v1/locations", withAddr(func(b *sipstation.LocationCreate) { b.ServiceAddress.Zip = "9410" }), "validation_failed", "/service_address/zip", "service_address.zip"},
		{"location bad state", "POST", "/v1/locations", withAddr(func(b *sipstation.LocationCreate) { b.ServiceAddress.State = "California" }), "validation_failed", "/service_address/state", "state"},
		{"location unknown field", "POST", "/v1/locations", `{"name":"x","colour":"red"}`, "validation_failed", "/colour", "colour"},
		{"location wrong type", "POST", "/v1/locations", `{"name":"x","service_address":{"zip":94105}}`, "validation_failed", "/service_address/zip", "string"},
		{"location not JSON", "POST", "/v1/locations", `{"name":`, "validation_failed", "", "JSON"},
		{"location patch empty org", "PATCH", "/v1/locations/" + loc.ID, `{"organization_name":""}`, "validation_failed", "/organization_name", "organization_name"},
		{"order not E.164", "POST", orders, `{"type":"local","number":"415-555-0101"}`, "invalid_number", "/number", "+14155550101"},
		{"order too short", "POST", orders, `{"type":"local","number":"+14155550"}`, "invalid_number", "/number", "digits"},
		{"order letters", "POST", orders, `{"type":"local","number":"+1415555ABCD"}`, "invalid_number", "/number", "number"},
		{"order foreign", "POST", orders, `{"type":"local","number":"+442071234567"}`, "invalid_number", "/number", "NANP"},
		{"order toll-free as local", "POST", orders, `{"type":"local","number":"+18885550100"}`, "invalid_number", "/number", "toll_free"},
		{"order local as toll-free", "POST", orders, `{"type":"toll_free","number":"+14155550101"}`, "invalid_number", "/number", "type local"},
		{"order bad type", "POST", orders, `{"type":"mobile","number":"+14155550101"}`, "validation_failed", "/type", "mobile"},
		{"order number and area code", "POST", orders, `{"type":"local","number":"+14155550101","area_code":"415"}`, "validation_failed", "/area_code", "not both"},
		{"order neither", "POST", orders, `{"type":"local"}`, "validation_failed", "/number", "area_code"},
		{"order bad area code", "POST", orders, `{"type":"local","area_code":"41"}`, "validation_failed", "/area_code", "three digits"},
		{"order toll-free area code", "POST", orders, `{"type":"local","area_code":"800"}`, "validation_failed", "/area_code", "toll-free"},
		{"order toll-free by area code", "POST", orders, `{"type":"toll_free","area_code":"800"}`, "validation_failed", "/area_code", "local numbers only"},
		{"order toll-free with e911", "POST", orders, `{"type":"toll_free","number":"+18005550101","e911_address":{"name":"A"}}`, "validation_failed", "/e911_address", "local numbers only"},
		{"order toll-free with sms", "POST", orders, `{"type":"toll_free","number":"+18005550101","sms_enabled":true}`, "validation_failed", "/sms_enabled", "local numbers only"},
		{"order e911 without zip", "POST", orders, `{"type":"local","number":"+14155550101","e911_address":{"name":"A","street1":"1 Main","city":"SF","state":"CA"}}`, "validation_failed", "/e911_address/zip", "e911_address.zip"},
		{"order failover both", "POST", orders, `{"type":"local","number":"+14155550101","failover":{"number":"+12125550100","destination":"sip:a@b"}}`, "validation_failed", "/failover", "exactly one"},
		{"order failover number", "POST", orders, `{"type":"local","number":"+14155550101","failover":{"number":"212-555-0100"}}`, "invalid_number", "/failover/number", "+12125550100"},
		{"order description too long", "POST", orders, fmt.Sprintf(`{"type":"local","number":"+14155550101","description":%q}`, strings.Repeat("d", 256)), "validation_failed", "/description", "255"},
		{"patch unknown field", "PATCH", numberPath("+14155550100"), `{"number":"+14155550101"}`, "validation_failed", "/number", "PATCH changes only"},
		{"patch failover number", "PATCH", numberPath("+14155550100"), `{"failover":{"number":"12"}}`, "invalid_number", "/failover/number", "digits"},
		{"patch e911 on toll-free", "PATCH", numberPath(tollFree.Number), `{"e911_address":null}`, "validation_failed", "/e911_address", "local numbers only"},
		{"patch sms on toll-free", "PATCH", numberPath(tollFree.Number), `{"sms_enabled":true}`, "validation_failed", "/sms_enabled", "local numbers only"},
		{"patch sms wrong type", "PATCH", numberPath("+14155550100"), `{"sms_enabled":"yes"}`, "validation_failed", "/sms_enabled", "boolean"},
		{"patch e911 bad state", "PATCH", numberPath("+14155550100"), `{"e911_address":{"name":"A","street1":"1 Main","city":"SF","state":"ca","zip":"94105"}}`, "validation_failed", "/e911_address/state", "state"},
		{"port-out bad number", "POST", "/_emulator/port-outs", `{"numbers":["+1415"],"carrier_name":"X"}`, "invalid_number", "/numbers/0", "digits"},
		{"port-out bad date", "POST", "/_emulator/port-outs", `{"numbers":["+14155550100"],"carrier_name":"X","foc_date":"April 1"}`, "validation_failed", "/foc_date", "YYYY-MM-DD"},
		{"faults bad rate", "POST", "/_emulator/faults", `{"rate_429":2}`, "validation_failed", "/rate_429", "probability"},
		{"faults latency too long", "POST", "/_emulator/faults", `{"latency_ms":9223372036854775807}`, "validation_failed", "/latency_ms", "ten minutes"},
		{"faults rate limit too high", "POST", "/_emulator/faults", `{"rate_limit_per_s":1000001}`, "validation_failed", "/rate_limit_per_s", "1000000"},
		{"clock backwards", "POST", "/_emulator/clock", `{"advance":"-1h"}`, "validation_failed", "/advance", "non-negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, e := h.apiError(h.key, tc.method, tc.path, tc.body)
			ptr := ""
			if e.Source != nil {
				ptr = e.Source.Pointer
			}
			got := []string{fmt.Sprint(status), e.Code, ptr}
			want := []string{"422", tc.wantCode, tc.wantPtr}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("status, code, pointer (-want +got):\n%s\ndetail: %s", diff, e.Detail)
			}
			if !strings.Contains(e.Detail, tc.wantDetail) {
				t.Errorf("detail %q does not mention %q", e.Detail, tc.wantDetail)
			}
		})
	}
}

func TestQueryValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	tests := []struct{ path, wantCode, wantDetail string }{
		{"/v1/locations?page[size]=0", "validation_failed", "page[size]"},
		{"/v1/locations?page[size]=1001", "validation_failed", "page[size]"},
		{"/v1/locations?page[number]=0", "validation_failed", "page[number]"},
		{"/v1/numbers?page[size]=x", "validation_failed", "page[size]"},
		{"/v1/numbers?type=mobile", "validation_failed", "type"},
		{"/v1/numbers?status=cancelled", "validation_failed", "cancelled numbers leave the listings"},
		{"/v1/port-outs?status=done", "validation_failed", "status"},
		{"/v1/available-numbers?type=mobile", "validation_failed", "type"},
		{"/v1/available-numbers?limit=0", "validation_failed", "limit"},
		{"/v1/available-numbers?area_code=4", "validation_failed", "area_code"},
		{"/v1/locations/" + loc.ID + "/statements?from=2025-13-01", "validation_failed", "from"},
		{"/v1/locations/" + loc.ID + "/statements?to=yesterday", "validation_failed", "to"},
		{"/v1/numbers/4155550100", "invalid_number", "+14155550100"},
		{"/v1/numbers/%2B1415555", "invalid_number", "digits"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			status, e := h.apiError(h.key, http.MethodGet, tc.path, nil)
			if status != http.StatusUnprocessableEntity || e.Code != tc.wantCode || !strings.Contains(e.Detail, tc.wantDetail) {
				t.Errorf("got %d %+v, want 422 %s mentioning %q", status, e, tc.wantCode, tc.wantDetail)
			}
		})
	}
}

func TestNumberPath(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	h.orderLocal(h.key, loc.ID, "+14155550100")
	for _, path := range []string{"/v1/numbers/+14155550100", "/v1/numbers/%2B14155550100", "/v1/numbers/%2b14155550100"} {
		var n sipstation.Number
		h.call(http.MethodGet, path, nil, http.StatusOK, &n)
		if n.Number != "+14155550100" {
			t.Errorf("GET %s: %+v", path, n)
		}
	}
	status, e := h.apiError(h.key, http.MethodGet, "/v1/numbers/4155550100", nil)
	if status != http.StatusUnprocessableEntity || e.Code != sipstation.CodeInvalidNumber || !strings.Contains(e.Detail, "+14155550100") {
		t.Errorf("non-E.164 path: %d %+v", status, e)
	}
}

func TestUnknownRoutesAndHealth(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/v1/nothing"},
		{http.MethodPut, "/v1/locations"},
		{http.MethodGet, "/v2/locations"},
	} {
		status, e := h.apiError(h.key, tc.method, tc.path, nil)
		if status != http.StatusNotFound || e.Code != sipstation.CodeNotFound {
			t.Errorf("%s %s: %d %+v", tc.method, tc.path, status, e)
		}
	}
	a := h.do(http.MethodGet, "/healthz", "", nil)
	if a.status != http.StatusOK || !strings.Contains(string(a.body), "ok") {
		t.Errorf("healthz: %d %s", a.status, a.body)
	}

	// Without Admin the control routes do not exist.
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	plain := &harness{t: t, srv: srv, ts: httptest.NewServer(srv)}
	plain.base, plain.client = plain.ts.URL, plain.ts.Client()
	t.Cleanup(plain.ts.Close) // runs first
	for _, path := range []string{"/_emulator/metrics", "/_emulator/clock"} {
		if s, e := plain.apiError("", http.MethodGet, path, nil); s != http.StatusNotFound || e.Code != sipstation.CodeNotFound {
			t.Errorf("%s without admin: %d %+v", path, s, e)
		}
	}
	if a := plain.do(http.MethodGet, "/healthz", "", nil); a.status != http.StatusOK {
		t.Errorf("healthz without admin: %d", a.status)
	}
}

func TestPagination(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	var names []string
	for i := range 5 {
		names = append(names, h.newLocation(h.key, fmt.Sprintf("loc-%d", i)).Name)
	}
	tests := []struct {
		query     string
		wantNames []string
		wantMeta  sipstation.ListMeta
	}{
		{"", names, sipstation.ListMeta{PageNumber: 1, PageSize: 100, TotalPages: 1, TotalResults: 5}},
		{"?page[size]=2", names[:2], sipstation.ListMeta{PageNumber: 1, PageSize: 2, TotalPages: 3, TotalResults: 5}},
		{"?page[size]=2&page[number]=3", names[4:], sipstation.ListMeta{PageNumber: 3, PageSize: 2, TotalPages: 3, TotalResults: 5}},
		{"?page[size]=2&page[number]=4", nil, sipstation.ListMeta{PageNumber: 4, PageSize: 2, TotalPages: 3, TotalResults: 5}},
		{"?page[size]=1000&page[number]=9223372036854775807", nil, sipstation.ListMeta{PageNumber: math.MaxInt64, PageSize: 1000, TotalPages: 1, TotalResults: 5}},
		{"?page%5Bsize%5D=1000", names, sipstation.ListMeta{PageNumber: 1, PageSize: 1000, TotalPages: 1, TotalResults: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			var list struct {
				Data []sipstation.Location `json:"data"`
				Meta sipstation.ListMeta   `json:"meta"`
			}
			a := h.do(http.MethodGet, "/v1/locations"+tc.query, h.key, nil)
			if a.status != http.StatusOK || !strings.Contains(string(a.body), `"data":[`) {
				t.Fatalf("status %d body %s", a.status, a.body)
			}
			if err := json.Unmarshal(a.body, &list); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range list.Data {
				got = append(got, l.Name)
			}
			if diff := cmp.Diff(tc.wantNames, got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantMeta, list.Meta); diff != "" {
				t.Errorf("meta (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLocationLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	l := h.newLocation(h.key, "HQ")
	want := sipstation.Location{
		ID: l.ID, Name: "HQ", OrganizationName: "Acme Widgets LLC", Email: "billing@acme.example",
		ServiceAddress: locationBody("").ServiceAddress, AccountNumber: l.AccountNumber, BillingDay: 10,
		Status: sipstation.LocationActive, CreatedAt: start,
	}
	if diff := cmp.Diff(want, l); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	if len(l.AccountNumber) != 10 {
		t.Errorf("account number %q", l.AccountNumber)
	}
	second := h.newLocation(h.key, "Branch")
	if second.AccountNumber == l.AccountNumber {
		t.Errorf("two locations share account number %s", l.AccountNumber)
	}

	var patched sipstation.Location
	h.call(http.MethodPatch, "/v1/locations/"+l.ID, map[string]any{"name": "Head office", "service_address": map[string]string{"street1": "1 New St", "city": "Oakland", "state": "CA", "zip": "94607"}}, http.StatusOK, &patched)
	want.Name, want.ServiceAddress = "Head office", sipstation.Address{Street1: "1 New St", City: "Oakland", State: "CA", Zip: "94607"}
	if diff := cmp.Diff(want, patched); diff != "" {
		t.Errorf("patched (-want +got):\n%s", diff)
	}

	// Billed numbers block closing; the error lists them.
	n1 := h.orderLocal(h.key, l.ID, "+14155550100")
	n2 := h.orderLocal(h.key, l.ID, "+14155550101")
	status, e := h.apiError(h.key, http.MethodDelete, "/v1/locations/"+l.ID, nil)
	if status != http.StatusConflict || e.Code != sipstation.CodeLocationHasActiveNumbers || !strings.Contains(e.Detail, n1.Number) || !strings.Contains(e.Detail, n2.Number) {
		t.Errorf("close with numbers: %d %+v", status, e)
	}
	// A ported-out number is still billed, so it still blocks.
	po := h.portOut("Gaining Co", "2025-03-20", n1.Number)
	h.call(http.MethodPost, "/_emulator/port-outs/"+po.ID+"/complete", nil, http.StatusOK, nil)
	h.call(http.MethodDelete, numberPath(n2.Number), nil, http.StatusOK, nil)
	status, e = h.apiError(h.key, http.MethodDelete, "/v1/locations/"+l.ID, nil)
	if status != http.StatusConflict || !strings.Contains(e.Detail, n1.Number) || strings.Contains(e.Detail, n2.Number) {
		t.Errorf("close with a ported-out number: %d %+v", status, e)
	}
	h.call(http.MethodDelete, numberPath(n1.Number), nil, http.StatusOK, nil)

	var closed sipstation.Location
	h.call(http.MethodDelete, "/v1/locations/"+l.ID, nil, http.StatusOK, &closed)
	if closed.Status != sipstation.LocationClosed {
		t.Errorf("closed location: %+v", closed)
	}
	h.call(http.MethodDelete, "/v1/locations/"+l.ID, nil, http.StatusOK, nil) // again: same answer
	h.call(http.MethodGet, "/v1/locations/"+l.ID, nil, http.StatusOK, &closed)
	if closed.Status != sipstation.LocationClosed {
		t.Errorf("GET closed location: %+v", closed)
	}
	if s, e := h.apiError(h.key, http.MethodPost, "/v1/locations/"+l.ID+"/numbers", sipstation.NumberOrder{Type: "local", AreaCode: "212"}); s != http.StatusUnprocessableEntity || !strings.Contains(e.Detail, "closed") {
		t.Errorf("order on a closed location: %d %+v", s, e)
	}
	if s, _ := h.apiError(h.key, http.MethodPatch, "/v1/locations/"+l.ID, map[string]string{"name": "again"}); s != http.StatusUnprocessableEntity {
		t.Errorf("patch a closed location: %d", s)
	}
}

func TestBillingDayCapped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	h.clock.Add(21 * day) // 2025-03-31
	l := h.newLocation(h.key, "Month end")
	if l.BillingDay != 28 {
		t.Errorf("billing day on the 31st: %d, want 28", l.BillingDay)
	}
}

func TestPatchNumber(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	hq := h.newLocation(h.key, "HQ")
	branch := h.newLocation(h.key, "Branch")
	closed := h.newLocation(h.key, "Closed")
	h.call(http.MethodDelete, "/v1/locations/"+closed.ID, nil, http.StatusOK, nil)
	n := h.orderLocal(h.key, hq.ID, "+14155550100")
	if n.SMSEnabled == nil || *n.SMSEnabled || n.E911Address != nil || n.Failover != nil {
		t.Fatalf("ordered: %+v", n)
	}
	path := numberPath(n.Number)
	e911 := sipstation.E911Address{Name: "Acme", Street1: "100 Market St", City: "San Francisco", State: "CA", Zip: "94105"}
	var got sipstation.Number
	h.call(http.MethodPatch, path, map[string]any{
		"description": "front desk", "failover": map[string]string{"destination": "sip:backup@pbx.example"},
		"e911_address": e911, "sms_enabled": true, "location_id": branch.ID,
	}, http.StatusOK, &got)
	tru := true
	want := n
	want.Description, want.Failover, want.E911Address, want.SMSEnabled, want.LocationID = "front desk", &sipstation.Failover{Destination: "sip:backup@pbx.example"}, &e911, &tru, branch.ID
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("patched (-want +got):\n%s", diff)
	}
	// null removes; absent fields stay.
	got = sipstation.Number{}
	h.call(http.MethodPatch, path, `{"failover":null,"e911_address":null}`, http.StatusOK, &got)
	want.Failover, want.E911Address = nil, nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after null (-want +got):\n%s", diff)
	}
	if s, e := h.apiError(h.key, http.MethodPatch, path, map[string]string{"location_id": closed.ID}); s != http.StatusUnprocessableEntity || e.Source == nil || e.Source.Pointer != "/location_id" {
		t.Errorf("move to a closed location: %d %+v", s, e)
	}
	if s, _ := h.apiError(h.key, http.MethodPatch, path, map[string]string{"location_id": "loc_missing"}); s != http.StatusNotFound {
		t.Errorf("move to a missing location: %d", s)
	}
	// A failed PATCH changes nothing, not even the fields before the bad one.
	h.apiError(h.key, http.MethodPatch, path, map[string]any{"description": "half", "location_id": closed.ID})
	if _, now := h.number(h.key, n.Number); now.Description != "front desk" {
		t.Errorf("description after a failed PATCH: %q", now.Description)
	}
	// While a port-out is pending the number stays where the port-out is.
	h.portOut("Gaining Co", "2025-03-20", n.Number)
	if s, e := h.apiError(h.key, http.MethodPatch, path, map[string]string{"location_id": hq.ID}); s != http.StatusConflict || e.Code != sipstation.CodePortOutPending {
		t.Errorf("move during a pending port: %d %+v", s, e)
	}
	h.call(http.MethodPatch, path, map[string]string{"description": "still editable"}, http.StatusOK, &got)
	if got.Description != "still editable" {
		t.Errorf("description during a pending port: %q", got.Description)
	}
}

// The clock moves forward by what it is told, and refuses to overflow.
func TestClockAdvance(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	var c emulator.ClockState
	h.call(http.MethodPost, "/_emulator/clock", map[string]string{"advance": "36h30m"}, http.StatusOK, &c)
	if diff := cmp.Diff(emulator.ClockState{Now: start.Add(36*time.Hour + 30*time.Minute), Offset: "36h30m0s"}, c); diff != "" {
		t.Errorf("after an advance (-want +got):\n%s", diff)
	}
	h.call(http.MethodPost, "/_emulator/clock", map[string]string{"advance": "2562000h"}, http.StatusOK, &c)
	if s, e := h.apiError("", http.MethodPost, "/_emulator/clock", map[string]string{"advance": "48h"}); s != http.StatusUnprocessableEntity || e.Source == nil || e.Source.Pointer != "/advance" {
		t.Errorf("an advance past what the clock can show: %d %+v", s, e)
	}
	var now emulator.ClockState
	h.call(http.MethodGet, "/_emulator/clock", nil, http.StatusOK, &now)
	if diff := cmp.Diff(c, now); diff != "" {
		t.Errorf("clock after the refused advance (-before +after):\n%s", diff)
	}
}

// POST /_emulator/accounts answers {account_id, api_key, account_key,
// account_type} (and the name), and both keys work at once.
func TestAdminCreateAccount(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	a := h.do(http.MethodPost, "/_emulator/accounts", "", map[string]string{"name": "Acme"})
	var got map[string]string
	if err := json.Unmarshal(a.body, &got); err != nil || a.status != http.StatusCreated {
		t.Fatalf("create account: %d %s", a.status, a.body)
	}
	if !strings.HasPrefix(got["account_id"], "acct_") || !strings.HasPrefix(got["api_key"], "sk_emu_") || got["name"] != "Acme" ||
		got["account_key"] == "" || got["account_type"] != "FULL" || len(got) != 5 {
		t.Errorf("account: %v", got)
	}
	h.callAs(got["api_key"], http.MethodGet, "/v1/locations", nil, http.StatusOK, nil)
	if f := h.full(got["account_key"]); f.QueryStatus != "SUCCESS" {
		t.Errorf("GET /sipstation/2/full with the new account key: %+v", f)
	}
	if s, e := h.apiError("", http.MethodPost, "/_emulator/accounts", map[string]string{"name": "X", "account_type": "GOLD"}); s != http.StatusUnprocessableEntity || e.Source == nil || e.Source.Pointer != "/account_type" {
		t.Errorf("account of an unknown type: %d %+v", s, e)
	}
	if s, e := h.apiError("", http.MethodPost, "/_emulator/accounts", map[string]string{"name": " "}); s != http.StatusUnprocessableEntity || e.Source == nil || e.Source.Pointer != "/name" {
		t.Errorf("account without a name: %d %+v", s, e)
	}
}

// A failure of the emulator itself (here: its database is gone) is a 500
// internal_error in the contract's error body, never a dropped connection.
func TestInternalError(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	if err := h.srv.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/v1/locations", nil},
		{http.MethodPost, "/v1/locations", locationBody("HQ")},
		{http.MethodPost, "/_emulator/accounts", map[string]string{"name": "x"}},
	} {
		s, e := h.apiError(h.key, tc.method, tc.path, tc.body)
		if s != http.StatusInternalServerError || e.Code != sipstation.CodeInternalError || !strings.Contains(e.Detail, "closed") {
			t.Errorf("%s %s on a closed database: %d %+v", tc.method, tc.path, s, e)
		}
	}
}

// zonedClock is a base clock that answers in another time zone.
type zonedClock struct{ loc *time.Location }

func (c zonedClock) Now() time.Time { return start.In(c.loc) }

// The wire format of the contract: JSON with its content type, times in RFC
// 3339 UTC whatever the zone of the base clock, dates YYYY-MM-DD, money as
// decimal strings.
func TestWireFormat(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{Clock: zonedClock{time.FixedZone("EST", -5*3600)}})
	a := h.do(http.MethodPost, "/v1/locations", h.key, locationBody("HQ"))
	if ct := a.header.Get("Content-Type"); ct != "application/json; charset=utf-8" || a.status != http.StatusCreated {
		t.Fatalf("create location: %d, Content-Type %q", a.status, ct)
	}
	var loc sipstation.Location
	if err := json.Unmarshal(a.body, &loc); err != nil {
		t.Fatal(err)
	}
	n := h.do(http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", h.key, sipstation.NumberOrder{Type: "toll_free", Number: "+18005550100"})
	po := h.do(http.MethodPost, "/_emulator/port-outs", "", map[string]any{"numbers": []string{"+18005550100"}, "carrier_name": "X"})
	for _, tc := range []struct {
		name string
		body []byte
		want []string
	}{
		{"location", a.body, []string{`"created_at":"2025-03-10T15:00:00Z"`, `"billing_day":10`}},
		{"number", n.body, []string{`"activated_at":"2025-03-10T15:00:00Z"`, `"monthly_rate":"2.00"`, `"cancelled_at":null`, `"port_out":null`, `"early_port_out_fee":null`}},
		{"port-out", po.body, []string{`"created_at":"2025-03-10T15:00:00Z"`, `"foc_date":"2025-03-17"`, `"completed_at":null`}},
	} {
		for _, w := range tc.want {
			if !strings.Contains(string(tc.body), w) {
				t.Errorf("%s %s lacks %s", tc.name, tc.body, w)
			}
		}
	}
}

// GET /v1/numbers pages after filtering, in number order, and leaves out
// cancelled numbers and other accounts' numbers.
func TestNumbersPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	hq := h.newLocation(h.key, "HQ")
	branch := h.newLocation(h.key, "Branch")
	for _, n := range []string{"+14155550104", "+14155550100", "+14155550103", "+14155550101"} {
		h.orderLocal(h.key, hq.ID, n)
	}
	h.orderLocal(h.key, branch.ID, "+14155550102")
	h.order(h.key, hq.ID, sipstation.NumberOrder{Type: "toll_free", Number: "+18005550100"})
	h.call(http.MethodDelete, numberPath("+14155550103"), nil, http.StatusOK, nil)
	other := h.account("other")
	h.orderLocal(other, h.newLocation(other, "Other").ID, "+14155550105")

	tests := []struct {
		query    string
		want     []string
		wantMeta sipstation.ListMeta
	}{
		{"", []string{"+14155550100", "+14155550101", "+14155550102", "+14155550104", "+18005550100"}, sipstation.ListMeta{PageNumber: 1, PageSize: 100, TotalPages: 1, TotalResults: 5}},
		{"?location_id=" + hq.ID + "&type=local&page[size]=2", []string{"+14155550100", "+14155550101"}, sipstation.ListMeta{PageNumber: 1, PageSize: 2, TotalPages: 2, TotalResults: 3}},
		{"?location_id=" + hq.ID + "&type=local&page[size]=2&page[number]=2", []string{"+14155550104"}, sipstation.ListMeta{PageNumber: 2, PageSize: 2, TotalPages: 2, TotalResults: 3}},
		{"?location_id=" + hq.ID + "&page[size]=2&page[number]=3", nil, sipstation.ListMeta{PageNumber: 3, PageSize: 2, TotalPages: 2, TotalResults: 4}},
		{"?status=active&type=toll_free", []string{"+18005550100"}, sipstation.ListMeta{PageNumber: 1, PageSize: 100, TotalPages: 1, TotalResults: 1}},
		{"?location_id=" + branch.ID + "&page[size]=1000&page[number]=9223372036854775807", nil, sipstation.ListMeta{PageNumber: math.MaxInt64, PageSize: 1000, TotalPages: 1, TotalResults: 1}},
		{"?location_id=loc_unknown", nil, sipstation.ListMeta{PageNumber: 1, PageSize: 100, TotalPages: 0, TotalResults: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			var list struct {
				Data []sipstation.Number
				Meta sipstation.ListMeta
			}
			h.call(http.MethodGet, "/v1/numbers"+tc.query, nil, http.StatusOK, &list)
			var got []string
			for _, n := range list.Data {
				got = append(got, n.Number)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("numbers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantMeta, list.Meta); diff != "" {
				t.Errorf("meta (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNumberWireFields: each type of number carries the fields the contract
// lists for it, whether set or not: a local number e911_address (null when
// unset) and sms_enabled, a toll-free number resp_org, and neither the other's.
func TestNumberWireFields(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	h.orderLocal(h.key, loc.ID, "+14155550100")
	h.order(h.key, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeTollFree, Number: "+18005550100"})

	fields := func(raw []byte) map[string]json.RawMessage {
		t.Helper()
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
		return m
	}
	check := func(what string, m map[string]json.RawMessage, want map[string]string, absent ...string) {
		t.Helper()
		for k, v := range want {
			if got, ok := m[k]; !ok || string(got) != v {
				t.Errorf("%s: %s = %s (present %t), want %s", what, k, got, ok, v)
			}
		}
		for _, k := range absent {
			if _, ok := m[k]; ok {
				t.Errorf("%s: carries %s, which the contract does not list for it", what, k)
			}
		}
	}
	local := map[string]string{"e911_address": "null", "sms_enabled": "false"}
	tollFree := map[string]string{"resp_org": `"SIPS1"`}

	check("GET local", fields(h.do(http.MethodGet, numberPath("+14155550100"), h.key, nil).body), local, "resp_org")
	check("GET toll-free", fields(h.do(http.MethodGet, numberPath("+18005550100"), h.key, nil).body), tollFree, "e911_address", "sms_enabled")

	var list struct {
		Data []json.RawMessage `json:"data"`
	}
	h.call(http.MethodGet, "/v1/numbers", nil, http.StatusOK, &list)
	if len(list.Data) != 2 {
		t.Fatalf("listed %d numbers, want 2", len(list.Data))
	}
	check("listed local", fields(list.Data[0]), local, "resp_org")
	check("listed toll-free", fields(list.Data[1]), tollFree, "e911_address", "sms_enabled")
}
