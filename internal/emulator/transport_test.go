package emulator_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

func (h *harness) countLocations(key string) int {
	h.t.Helper()
	var list struct{ Meta sipstation.ListMeta }
	h.callAs(key, http.MethodGet, "/v1/locations", nil, http.StatusOK, &list)
	return list.Meta.TotalResults
}

func (h *harness) setFaults(f emulator.Faults) {
	h.t.Helper()
	h.call(http.MethodPost, "/_emulator/faults", f, http.StatusOK, nil)
}

// TestRateLimit runs in a synctest bubble, served in process, so that the
// second the 429 asks to wait passes on the bubble's clock.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newInProcessHarness(t, emulator.Options{RateLimit: 1})
		first := h.do(http.MethodPost, "/v1/locations", h.key, locationBody("one"))
		if first.status != http.StatusCreated || first.header.Get("X-RateLimit-Limit") != "1" || first.header.Get("X-RateLimit-Remaining") != "0" {
			t.Fatalf("first request: %d, limit %q remaining %q", first.status, first.header.Get("X-RateLimit-Limit"), first.header.Get("X-RateLimit-Remaining"))
		}
		over := h.do(http.MethodPost, "/v1/locations", h.key, locationBody("two"))
		var eb sipstation.ErrorBody
		if err := json.Unmarshal(over.body, &eb); err != nil || over.status != http.StatusTooManyRequests || eb.Errors[0].Code != sipstation.CodeTooManyRequests {
			t.Fatalf("over the limit: %d %s", over.status, over.body)
		}
		if ra := over.header.Get("Retry-After"); ra != "1" || over.header.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("429 headers: Retry-After %q, remaining %q", ra, over.header.Get("X-RateLimit-Remaining"))
		}
		// The limit is per key.
		other := h.account("other")
		if a := h.do(http.MethodGet, "/v1/locations", other, nil); a.status != http.StatusOK {
			t.Errorf("another key right after: %d", a.status)
		}
		time.Sleep(time.Second) // Retry-After, on the bubble's clock: no real wait
		if n := h.countLocations(h.key); n != 1 {
			t.Errorf("locations after a 429: %d, want 1 (the 429 was executed)", n)
		}
		if m := h.metrics(); m.RateLimited != 1 || m.Routes["POST /v1/locations"].Statuses["429"] != 1 {
			t.Errorf("metrics: %+v", m)
		}
	})
}

// Every /v1 answer carries the X-RateLimit headers, errors included, and
// also with the limit off (the harness's default): then the limit is
// emulator.UnlimitedRate.
func TestRateLimitHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	h.setFaults(emulator.Faults{Rate5xx: 1, MaxFaults: 1})
	injected := h.do(http.MethodGet, "/v1/locations", h.key, nil)
	tests := []struct {
		name string
		a    answer
	}{
		{"503 injected", injected},
		{"200", h.do(http.MethodGet, "/v1/locations", h.key, nil)},
		{"201", h.do(http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", h.key, sipstation.NumberOrder{Type: "local", AreaCode: "415"})},
		{"401", h.do(http.MethodGet, "/v1/locations", "", nil)},
		{"404 unknown route", h.do(http.MethodGet, "/v1/nothing", h.key, nil)},
		{"404 not found", h.do(http.MethodGet, "/v1/locations/loc_missing", h.key, nil)},
		{"422", h.do(http.MethodGet, "/v1/numbers/123", h.key, nil)},
		{"pdf 404", h.do(http.MethodGet, "/v1/statements/stmt_missing/pdf", h.key, nil)},
	}
	limit := strconv.Itoa(emulator.UnlimitedRate)
	for _, tc := range tests {
		remaining, err := strconv.Atoi(tc.a.header.Get("X-RateLimit-Remaining"))
		if got := tc.a.header.Get("X-RateLimit-Limit"); got != limit || err != nil || remaining < emulator.UnlimitedRate-100 {
			t.Errorf("%s (status %d): X-RateLimit-Limit %q, X-RateLimit-Remaining %q; want %s and about as many",
				tc.name, tc.a.status, got, tc.a.header.Get("X-RateLimit-Remaining"), limit)
		}
	}
	if injected.status != http.StatusServiceUnavailable {
		t.Errorf("the injected fault: %d", injected.status)
	}
}

func TestInjectedFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})

	h.setFaults(emulator.Faults{Rate429: 1, MaxFaults: 1})
	a := h.do(http.MethodPost, "/v1/locations", h.key, locationBody("one"))
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "1" || !strings.Contains(string(a.body), "too_many_requests") {
		t.Errorf("injected 429: %d %v %s", a.status, a.header, a.body)
	}
	if n := h.countLocations(h.key); n != 0 {
		t.Errorf("an injected 429 was executed: %d locations", n)
	}

	h.setFaults(emulator.Faults{Rate5xx: 1, MaxFaults: 2})
	for i := range 2 {
		// Control routes and /healthz never fail, nor use up the faults.
		if a := h.do(http.MethodGet, "/healthz", "", nil); a.status != http.StatusOK {
			t.Errorf("healthz under faults: %d", a.status)
		}
		h.metrics()
		a := h.do(http.MethodPost, "/v1/locations", h.key, locationBody("one"))
		if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") != "1" || !strings.Contains(string(a.body), "temporarily_unavailable") {
			t.Errorf("injected 503 #%d: %d %v %s", i, a.status, a.header, a.body)
		}
	}
	h.call(http.MethodPost, "/v1/locations", locationBody("one"), http.StatusCreated, nil)
	if n := h.countLocations(h.key); n != 1 {
		t.Errorf("locations: %d, want 1", n)
	}
	var now emulator.Faults
	h.call(http.MethodGet, "/_emulator/faults", nil, http.StatusOK, &now)
	if diff := cmp.Diff(emulator.Faults{MaxFaults: 2}, now); diff != "" {
		t.Errorf("faults after max_faults (-want +got):\n%s", diff)
	}
	m := h.metrics()
	if diff := cmp.Diff(emulator.FaultCounts{TooManyRequests: 1, Unavailable: 2}, m.FaultsInjected); diff != "" {
		t.Errorf("faults injected (-want +got):\n%s", diff)
	}

	// rate_limit_per_s overrides the server's limit (here: off).
	h.setFaults(emulator.Faults{RateLimitPerS: 1})
	first := h.do(http.MethodGet, "/v1/locations", h.key, nil)
	second := h.do(http.MethodGet, "/v1/locations", h.key, nil)
	if first.status != http.StatusOK || first.header.Get("X-RateLimit-Limit") != "1" || second.status != http.StatusTooManyRequests {
		t.Errorf("rate_limit_per_s 1: %d (limit %q), then %d", first.status, first.header.Get("X-RateLimit-Limit"), second.status)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{Latency: 100 * time.Millisecond})
	h.setFaults(emulator.Faults{LatencyMS: 100})
	began := time.Now()
	h.call(http.MethodGet, "/v1/locations", nil, http.StatusOK, nil)
	if took := time.Since(began); took < 200*time.Millisecond {
		t.Errorf("a /v1 request took %s, want at least 200ms", took)
	}
	acct := h.trunkAccount("Latency", "FULL")
	began = time.Now()
	h.full(acct.AccountKey)
	if took := time.Since(began); took < 200*time.Millisecond {
		t.Errorf("a /sipstation request took %s, want at least 200ms", took)
	}
}

func TestDropAfterCommit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	h.setFaults(emulator.Faults{DropAfterCommit: 1, MaxFaults: 1})
	body := `{"type":"local","number":"+14155550100","description":"dropped"}`
	req, err := http.NewRequest(http.MethodPost, h.ts.URL+"/v1/locations/"+loc.ID+"/numbers", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.key)
	req.Header.Set("Idempotency-Key", "order-1")
	// A fresh connection: Go's transport would itself retry a request with an
	// Idempotency-Key on a reused one, hiding the drop.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("the answer was not dropped: %d", resp.StatusCode)
	}
	// The order was committed although the client heard nothing.
	if s, n := h.number(h.key, "+14155550100"); s != http.StatusOK || n.Description != "dropped" {
		t.Fatalf("after the drop: %d %+v", s, n)
	}
	// The retry with the same key is answered from the first execution.
	a := h.do(http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", h.key, body, "Idempotency-Key", "order-1")
	var n sipstation.Number
	if err := json.Unmarshal(a.body, &n); err != nil || a.status != http.StatusCreated || a.header.Get("Idempotent-Replayed") != "true" || n.Number != "+14155550100" {
		t.Errorf("retry: %d %v %s", a.status, a.header, a.body)
	}
	m := h.metrics()
	if m.FaultsInjected.DroppedAfterCommit != 1 || m.IdempotentReplays != 1 || m.Routes["POST /v1/locations/{location_id}/numbers"].Statuses["201"] != 2 {
		t.Errorf("metrics: %+v", m)
	}
}

// TestFaultMethods: faults limited to some methods spare the others.
func TestFaultMethods(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	h.setFaults(emulator.Faults{Rate5xx: 1, Methods: []string{http.MethodPost}})
	h.call(http.MethodGet, "/v1/locations", nil, http.StatusOK, nil)
	if a := h.do(http.MethodPost, "/v1/locations", h.key, locationBody("HQ")); a.status != http.StatusServiceUnavailable {
		t.Errorf("POST with 5xx faults on POST: %d %s", a.status, a.body)
	}
	if m := h.metrics(); m.FaultsInjected.Unavailable != 1 {
		t.Errorf("faults injected: %+v", m.FaultsInjected)
	}
}

// TestFaultPaths: faults limited to path prefixes spare the other paths,
// match the decoded path (%2B is +), and combine with methods.
func TestFaultPaths(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	spare := h.newLocation(h.key, "Spare")
	n := h.orderLocal(h.key, loc.ID, "+14155550100")
	one := "/v1/numbers/%2B" + n.Number[1:]
	h.setFaults(emulator.Faults{Rate5xx: 1, MaxFaults: 2, Methods: []string{http.MethodDelete}, Paths: []string{"/v1/numbers/"}})
	h.call(http.MethodGet, "/v1/numbers", nil, http.StatusOK, nil)                // the list: another path
	h.call(http.MethodGet, one, nil, http.StatusOK, nil)                          // another method
	h.call(http.MethodDelete, "/v1/locations/"+spare.ID, nil, http.StatusOK, nil) // another path
	for i := range 2 {
		if a := h.do(http.MethodDelete, one, h.key, nil); a.status != http.StatusServiceUnavailable {
			t.Errorf("DELETE %d of the number: %d %s, want the injected 503", i+1, a.status, a.body)
		}
	}
	h.call(http.MethodDelete, one, nil, http.StatusOK, nil) // max_faults reached
	if m := h.metrics(); m.FaultsInjected.Unavailable != 2 || m.Routes["DELETE /v1/numbers/{number}"].Statuses["503"] != 2 {
		t.Errorf("metrics: %+v", m)
	}

	status, e := h.apiError("", http.MethodPost, "/_emulator/faults", map[string]any{"paths": []string{"v1/numbers/"}})
	if status != http.StatusUnprocessableEntity || e.Source == nil || e.Source.Pointer != "/paths/0" {
		t.Errorf("a path without a leading /: %d %+v", status, e)
	}
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	post := func(key, path, idem string, body any) answer {
		return h.do(http.MethodPost, path, key, body, "Idempotency-Key", idem)
	}
	first := post(h.key, "/v1/locations", "k1", locationBody("HQ"))
	if first.status != http.StatusCreated || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first: %d %v", first.status, first.header)
	}
	var loc sipstation.Location
	if err := json.Unmarshal(first.body, &loc); err != nil {
		t.Fatal(err)
	}
	// Same body, written differently: replayed.
	raw, err := json.Marshal(locationBody("HQ"))
	if err != nil {
		t.Fatal(err)
	}
	var asMap map[string]any
	if err := json.Unmarshal(raw, &asMap); err != nil {
		t.Fatal(err)
	}
	indented, err := json.MarshalIndent(asMap, "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []any{locationBody("HQ"), indented} {
		again := post(h.key, "/v1/locations", "k1", body)
		if again.status != http.StatusCreated || !bytes.Equal(again.body, first.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay: %d %s", again.status, again.body)
		}
	}
	if n := h.countLocations(h.key); n != 1 {
		t.Errorf("locations after replays: %d", n)
	}
	// Same key, other body or other route: conflict.
	for _, tc := range []struct {
		path string
		body any
	}{
		{"/v1/locations", locationBody("Other")},
		{"/v1/locations/" + loc.ID + "/numbers", sipstation.NumberOrder{Type: "local", AreaCode: "415"}},
	} {
		a := post(h.key, tc.path, "k1", tc.body)
		if a.status != http.StatusConflict || !strings.Contains(string(a.body), sipstation.CodeIdempotencyConflict) {
			t.Errorf("conflict on %s: %d %s", tc.path, a.status, a.body)
		}
	}
	// Keys belong to an account.
	other := h.account("other")
	if a := post(other, "/v1/locations", "k1", locationBody("Other")); a.status != http.StatusCreated {
		t.Errorf("same key, other account: %d %s", a.status, a.body)
	}
	// Error answers are replayed too.
	bad := post(h.key, "/v1/locations", "k2", `{"name":""}`)
	badAgain := post(h.key, "/v1/locations", "k2", `{"name":""}`)
	if bad.status != http.StatusUnprocessableEntity || badAgain.status != bad.status || badAgain.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replayed error: %d then %d %v", bad.status, badAgain.status, badAgain.header)
	}
	// A replayed order does not order twice.
	order := sipstation.NumberOrder{Type: "local", AreaCode: "415"}
	o1 := post(h.key, "/v1/locations/"+loc.ID+"/numbers", "k3", order)
	o2 := post(h.key, "/v1/locations/"+loc.ID+"/numbers", "k3", order)
	if o1.status != http.StatusCreated || !bytes.Equal(o1.body, o2.body) {
		t.Errorf("order replay: %d %s / %d %s", o1.status, o1.body, o2.status, o2.body)
	}
	var list struct{ Meta sipstation.ListMeta }
	h.call(http.MethodGet, "/v1/numbers", nil, http.StatusOK, &list)
	if list.Meta.TotalResults != 1 {
		t.Errorf("numbers after a replayed order: %d", list.Meta.TotalResults)
	}
	// A key longer than 255 characters is refused before anything runs.
	long := post(h.key, "/v1/locations", strings.Repeat("k", 256), locationBody("Long"))
	if long.status != http.StatusUnprocessableEntity || !strings.Contains(string(long.body), sipstation.CodeValidationFailed) || !strings.Contains(string(long.body), "255") {
		t.Errorf("a 256-character key: %d %s", long.status, long.body)
	}
	if n := h.countLocations(h.key); n != 1 {
		t.Errorf("locations after a refused key: %d", n)
	}
	// After 24 hours the key is fresh again.
	h.advance(24 * time.Hour)
	if a := post(h.key, "/v1/locations", "k1", locationBody("Other")); a.status != http.StatusCreated {
		t.Errorf("key reused after 24h: %d %s", a.status, a.body)
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	h.do(http.MethodGet, "/v1/locations", h.key, nil)
	h.do(http.MethodPost, "/v1/locations", h.key, locationBody("HQ"))
	h.do(http.MethodPost, "/v1/locations", "", locationBody("HQ"))
	h.do(http.MethodGet, "/v1/nowhere", h.key, nil)
	h.do(http.MethodDelete, numberPath("+14155550100")+"?force=true", h.key, nil)
	h.do(http.MethodDelete, numberPath("+14155550101"), h.key, nil)
	h.do(http.MethodGet, "/healthz", "", nil)
	want := emulator.Metrics{
		TotalRequests: 7,
		Routes: map[string]emulator.RouteMetrics{
			"GET /v1/locations":           {Count: 1, Statuses: map[string]int64{"200": 1}},
			"POST /v1/locations":          {Count: 2, Statuses: map[string]int64{"201": 1, "401": 1}},
			"unmatched":                   {Count: 1, Statuses: map[string]int64{"404": 1}},
			"DELETE /v1/numbers/{number}": {Count: 2, Statuses: map[string]int64{"404": 2}},
			"GET /healthz":                {Count: 1, Statuses: map[string]int64{"200": 1}},
		},
		Statuses:            map[string]int64{"200": 2, "201": 1, "401": 1, "404": 3},
		ForcedCancellations: 1,
	}
	got := h.metrics()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	if got.Count("POST /v1/locations") != 2 {
		t.Errorf("Count: %d", got.Count("POST /v1/locations"))
	}
	// The JSON names tests rely on.
	a := h.do(http.MethodGet, "/_emulator/metrics", "", nil)
	for _, key := range []string{`"forced_cancellations":1`, `"routes":`, `"DELETE /v1/numbers/{number}":{"count":2`, `"faults_injected":`} {
		if !strings.Contains(string(a.body), key) {
			t.Errorf("metrics JSON lacks %s: %s", key, a.body)
		}
	}
}
