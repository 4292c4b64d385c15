package sipstation_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// These tests run the client against the emulator of internal/emulator
// (started per test by acctest), over real HTTP.

// emulatorClient returns a client for env with short backoff waits; a
// Retry-After from the emulator is honoured all the same.
func emulatorClient(t *testing.T, env *acctest.Env, log apihttp.LogFunc) *sipstation.Client {
	t.Helper()
	c, err := sipstation.New(sipstation.Config{
		Endpoint: env.Endpoint,
		APIKey:   env.APIKey,
		Options: apihttp.Options{
			UserAgent:    "terraform-provider-sipstation/test",
			RetryWaitMin: 10 * time.Millisecond,
			RetryWaitMax: 100 * time.Millisecond,
			Log:          log,
		},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func createLocation(t *testing.T, c *sipstation.Client) *sipstation.Location {
	t.Helper()
	loc, err := c.CreateLocation(t.Context(), sipstation.LocationCreate{
		Name:             "HQ",
		OrganizationName: "Acme Dental LLC",
		Email:            "ops@acme.example",
		ServiceAddress:   sipstation.Address{Street1: "1 Main St", City: "San Francisco", State: "CA", Zip: "94107"},
	})
	if err != nil {
		t.Fatalf("CreateLocation: %v", err)
	}
	return loc
}

func orderLocal(t *testing.T, c *sipstation.Client, locationID string) *sipstation.Number {
	t.Helper()
	n, err := c.OrderNumber(t.Context(), locationID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "415", Description: "main line"}, "")
	if err != nil {
		t.Fatalf("OrderNumber: %v", err)
	}
	return n
}

// logCapture keeps the log entries of a client.
type logCapture struct {
	mu      sync.Mutex
	entries []map[string]any
}

func (l *logCapture) log(_ context.Context, _ string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, fields)
}

// A 429 with Retry-After: 1 is waited out, about a second, and the call
// then succeeds: one number ordered, the 429 never executed.
func TestEmulatorTooManyRequestsWaitedOut(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	c := emulatorClient(t, env, nil)
	loc := createLocation(t, c)

	env.SetFaults(t, emulator.Faults{Rate429: 1, MaxFaults: 1})
	start := time.Now()
	n := orderLocal(t, c, loc.ID)
	// About a second: not the backoff's 100ms at most, nor much more than
	// asked (the bound is loose for a loaded machine).
	if elapsed := time.Since(start); elapsed < 900*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("the call took %s; want about the Retry-After of 1s", elapsed)
	}

	nums, err := c.ListNumbers(t.Context(), sipstation.NumberFilter{LocationID: loc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(nums) != 1 || nums[0].Number != n.Number {
		t.Errorf("numbers = %+v; want only %s", nums, n.Number)
	}
	m := env.Metrics(t)
	if got := m.FaultsInjected.TooManyRequests; got != 1 {
		t.Errorf("429s injected = %d, want 1", got)
	}
	if got := m.Count("POST /v1/locations/{location_id}/numbers"); got != 2 {
		t.Errorf("order requests = %d, want 2 (the 429, then the retry)", got)
	}
}

// An answer lost after the order was committed is retried with the same
// Idempotency-Key; the emulator replays its first answer, so exactly one
// number is ordered and the caller gets it. On a kept-alive connection Go's
// transport resends the request itself (it does so for a request with an
// Idempotency-Key); on a fresh one the client's own retry does: both ways
// must order once.
func TestEmulatorDroppedAnswerReplayed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		keepAlive bool
		// wantAttempts are the client's own attempts of the order, as
		// logged; nil when either way may happen.
		wantAttempts []string
	}{
		{name: "fresh connection", keepAlive: false, wantAttempts: []string{"error", "201"}},
		{name: "kept-alive connection", keepAlive: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			env.RequireEmulator(t)
			logs := &logCapture{}
			c, err := sipstation.New(sipstation.Config{
				Endpoint: env.Endpoint,
				APIKey:   env.APIKey,
				Options: apihttp.Options{
					RetryWaitMin: 10 * time.Millisecond,
					RetryWaitMax: 100 * time.Millisecond,
					Log:          logs.log,
					HTTPClient:   &http.Client{Transport: &http.Transport{DisableKeepAlives: !tt.keepAlive}},
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			loc := createLocation(t, c)

			env.SetFaults(t, emulator.Faults{DropAfterCommit: 1, MaxFaults: 1})
			n := orderLocal(t, c, loc.ID)

			nums, err := c.ListNumbers(t.Context(), sipstation.NumberFilter{LocationID: loc.ID})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range nums {
				got = append(got, x.Number)
			}
			if diff := cmp.Diff([]string{n.Number}, got); diff != "" {
				t.Errorf("numbers of the location (-want +got):\n%s", diff)
			}
			m := env.Metrics(t)
			want := struct{ Dropped, Replays, Orders int64 }{1, 1, 2}
			gotM := struct{ Dropped, Replays, Orders int64 }{
				m.FaultsInjected.DroppedAfterCommit, m.IdempotentReplays, m.Count("POST /v1/locations/{location_id}/numbers"),
			}
			if diff := cmp.Diff(want, gotM); diff != "" {
				t.Errorf("emulator metrics (-want +got):\n%s", diff)
			}

			// The client's attempts of the order, under one key.
			logs.mu.Lock()
			defer logs.mu.Unlock()
			keys := map[any]bool{}
			var attempts []string
			for _, e := range logs.entries {
				if e["method"] == "POST" && e["url"] == env.Endpoint+"/v1/locations/"+loc.ID+"/numbers" {
					keys[e["idempotency_key"]] = true
					if e["error"] != nil {
						attempts = append(attempts, "error")
					} else {
						attempts = append(attempts, fmt.Sprint(e["status"]))
					}
				}
			}
			if len(attempts) == 0 || attempts[len(attempts)-1] != "201" {
				t.Errorf("attempts of the order %v; want the last one 201", attempts)
			}
			if tt.wantAttempts != nil {
				if diff := cmp.Diff(tt.wantAttempts, attempts); diff != "" {
					t.Errorf("attempts of the order (-want +got):\n%s", diff)
				}
			}
			if len(keys) != 1 || keys[""] || keys[nil] {
				t.Errorf("the order's attempts carried keys %v; want one and the same", keys)
			}
		})
	}
}

// Cancelling a number whose port-out is pending is refused, and the number
// stays: the client never forces it.
func TestEmulatorCancelDuringPendingPort(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	c := emulatorClient(t, env, nil)
	loc := createLocation(t, c)
	n := orderLocal(t, c, loc.ID)
	po := env.RequestPortOut(t, "Gaining Carrier Inc", "", n.Number)

	err := c.CancelNumber(t.Context(), n.Number)
	if !errors.Is(err, sipstation.ErrPortOutPending) {
		t.Fatalf("CancelNumber = %v; want ErrPortOutPending", err)
	}
	got, err := c.GetNumber(t.Context(), n.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != sipstation.StatusPortOutPending || !got.Billing.Active || got.PortOut == nil || got.PortOut.ID != po.ID {
		t.Errorf("after the refused cancel: %+v; want still port_out_pending, billed, on port-out %s", got, po.ID)
	}
	if forced := env.Metrics(t).ForcedCancellations; forced != 0 {
		t.Errorf("forced cancellations = %d, want 0", forced)
	}
}

// Every method of the client, against the emulator, in the life of a
// location: order, change, port out, bill, cancel, close.
func TestEmulatorRoundTrip(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	c := emulatorClient(t, env, nil)
	ctx := t.Context()
	check := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Auth, with this account's key and with one the service does not know.
	check("CheckAuth", c.CheckAuth(ctx))
	bad, err := sipstation.New(sipstation.Config{Endpoint: env.Endpoint, APIKey: "not-a-key"})
	check("New", err)
	if err := bad.CheckAuth(ctx); !errors.Is(err, sipstation.ErrUnauthenticated) {
		t.Errorf("CheckAuth with a wrong key = %v; want ErrUnauthenticated", err)
	}

	// Locations.
	loc := createLocation(t, c)
	got, err := c.GetLocation(ctx, loc.ID)
	check("GetLocation", err)
	if diff := cmp.Diff(loc, got); diff != "" {
		t.Errorf("GetLocation (-created +got):\n%s", diff)
	}
	name := "Head office"
	upd, err := c.UpdateLocation(ctx, loc.ID, sipstation.LocationUpdate{Name: &name})
	check("UpdateLocation", err)
	if upd.Name != name || upd.OrganizationName != loc.OrganizationName {
		t.Errorf("UpdateLocation = %+v; want only the name changed", upd)
	}
	locs, err := c.ListLocations(ctx)
	check("ListLocations", err)
	if len(locs) != 1 || locs[0].ID != loc.ID || locs[0].Name != name {
		t.Errorf("ListLocations = %+v", locs)
	}

	// Another account sees none of it.
	other, err := sipstation.New(sipstation.Config{Endpoint: env.Endpoint, APIKey: env.CreateAccount(t, "other")})
	check("New", err)
	if _, err := other.GetLocation(ctx, loc.ID); !errors.Is(err, sipstation.ErrNotFound) {
		t.Errorf("another account's GetLocation = %v; want ErrNotFound", err)
	}

	// Numbers: one local with E911 and SMS, one toll-free, both by number.
	avail, err := c.ListAvailableNumbers(ctx, sipstation.AvailableNumbersQuery{Type: sipstation.TypeLocal, AreaCode: "415", Limit: 3})
	check("ListAvailableNumbers", err)
	if len(avail) != 3 || phonenumber.AreaCode(avail[0].Number) != "415" {
		t.Fatalf("ListAvailableNumbers = %+v; want 3 numbers in 415", avail)
	}
	tfAvail, err := c.ListAvailableNumbers(ctx, sipstation.AvailableNumbersQuery{Type: sipstation.TypeTollFree, Limit: 1})
	check("ListAvailableNumbers toll-free", err)
	if len(tfAvail) != 1 || !phonenumber.IsTollFree(tfAvail[0].Number) {
		t.Fatalf("ListAvailableNumbers toll-free = %+v", tfAvail)
	}
	sms := true
	e911 := &sipstation.E911Address{Name: "Acme Dental", Street1: "1 Main St", City: "San Francisco", State: "CA", Zip: "94107"}
	local, err := c.OrderNumber(ctx, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: avail[0].Number, Description: "front desk", E911Address: e911, SMSEnabled: &sms}, "")
	check("OrderNumber local", err)
	if local.Number != avail[0].Number || local.Status != sipstation.StatusActive || !local.Billing.Active || local.SMSEnabled == nil || !*local.SMSEnabled {
		t.Errorf("OrderNumber local = %+v", local)
	}
	tollFree, err := c.OrderNumber(ctx, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeTollFree, Number: tfAvail[0].Number, Description: "sales"}, "")
	check("OrderNumber toll-free", err)
	if tollFree.Type != sipstation.TypeTollFree || tollFree.RespOrg == "" {
		t.Errorf("OrderNumber toll-free = %+v", tollFree)
	}
	desc := "reception"
	changed, err := c.UpdateNumber(ctx, local.Number, sipstation.NumberUpdate{Description: &desc, Failover: &sipstation.Failover{Number: tollFree.Number}})
	check("UpdateNumber", err)
	if changed.Description != desc || changed.Failover == nil || changed.Failover.Number != tollFree.Number {
		t.Errorf("UpdateNumber = %+v", changed)
	}
	changed, err = c.UpdateNumber(ctx, local.Number, sipstation.NumberUpdate{RemoveFailover: true})
	check("UpdateNumber remove failover", err)
	if changed.Failover != nil || changed.Description != desc {
		t.Errorf("UpdateNumber remove failover = %+v", changed)
	}
	gotNum, err := c.GetNumber(ctx, local.Number)
	check("GetNumber", err)
	if diff := cmp.Diff(changed, gotNum); diff != "" {
		t.Errorf("GetNumber (-updated +got):\n%s", diff)
	}
	nums, err := c.ListNumbers(ctx, sipstation.NumberFilter{LocationID: loc.ID, Type: sipstation.TypeTollFree})
	check("ListNumbers", err)
	if len(nums) != 1 || nums[0].Number != tollFree.Number {
		t.Errorf("ListNumbers toll-free = %+v", nums)
	}
	if _, err := c.GetNumber(ctx, "+14155550000"); !errors.Is(err, sipstation.ErrNotFound) {
		t.Errorf("GetNumber of a number not held = %v; want ErrNotFound", err)
	}

	// The location cannot close while numbers are billed.
	if err := c.CloseLocation(ctx, loc.ID); !errors.Is(err, sipstation.ErrLocationHasActiveNumbers) {
		t.Errorf("CloseLocation with billed numbers = %v; want ErrLocationHasActiveNumbers", err)
	}

	// Port-out of the local number: pending, then completed, still billed.
	po := env.RequestPortOut(t, "Gaining Carrier Inc", "", local.Number)
	pos, err := c.ListPortOuts(ctx, sipstation.PortOutFilter{LocationID: loc.ID, Status: sipstation.PortOutPending})
	check("ListPortOuts", err)
	if len(pos) != 1 || pos[0].ID != po.ID || !slices.Equal(pos[0].Numbers, []string{local.Number}) {
		t.Errorf("ListPortOuts = %+v; want %s", pos, po.ID)
	}
	env.CompletePortOut(t, po.ID)
	gotPO, err := c.GetPortOut(ctx, po.ID)
	check("GetPortOut", err)
	if gotPO.Status != sipstation.PortOutCompleted || gotPO.CompletedAt == nil {
		t.Errorf("GetPortOut = %+v; want completed", gotPO)
	}
	gotNum, err = c.GetNumber(ctx, local.Number)
	check("GetNumber after port", err)
	if !gotNum.BilledAfterPortOut() {
		t.Errorf("after the port: %+v; want ported_out and still billed", gotNum)
	}

	// A billing day passes: a statement with the ported number and its fee.
	env.Advance(t, 32*24*time.Hour)
	sts, err := c.ListStatements(ctx, loc.ID, sipstation.StatementFilter{})
	check("ListStatements", err)
	if len(sts) == 0 {
		t.Fatal("ListStatements: none after a billing day")
	}
	st, err := c.GetStatement(ctx, sts[0].ID)
	check("GetStatement", err)
	if st.AccountNumber != loc.AccountNumber || st.LocationID != loc.ID {
		t.Errorf("GetStatement = %+v; want account %s", st, loc.AccountNumber)
	}
	if !slices.ContainsFunc(st.LineItems, func(li sipstation.LineItem) bool { return li.Number == local.Number }) {
		t.Errorf("statement line items %+v lack %s", st.LineItems, local.Number)
	}
	pdf, err := c.StatementPDF(ctx, st.ID)
	check("StatementPDF", err)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("StatementPDF starts %q; want a PDF", pdf[:min(len(pdf), 16)])
	}
	cdrs, err := c.StatementCDRs(ctx, st.ID)
	check("StatementCDRs", err)
	smsCSV, err := c.StatementSMS(ctx, st.ID)
	check("StatementSMS", err)
	if len(cdrs) == 0 || len(smsCSV) == 0 {
		t.Errorf("CSV downloads empty: %d and %d bytes", len(cdrs), len(smsCSV))
	}

	// Cancel both numbers (billing stops, they leave the listings), and a
	// cancelled number cannot be ordered again; then the location closes.
	check("CancelNumber ported", c.CancelNumber(ctx, local.Number))
	check("CancelNumber toll-free", c.CancelNumber(ctx, tollFree.Number))
	if _, err := c.GetNumber(ctx, local.Number); !errors.Is(err, sipstation.ErrNotFound) {
		t.Errorf("GetNumber after cancel = %v; want ErrNotFound", err)
	}
	if _, err := c.OrderNumber(ctx, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeTollFree, Number: tollFree.Number}, ""); !errors.Is(err, sipstation.ErrNumberUnavailable) {
		t.Errorf("re-ordering a cancelled number = %v; want ErrNumberUnavailable", err)
	}
	if _, err := c.OrderNumber(ctx, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: "+1415555012"}, ""); !errors.Is(err, sipstation.ErrInvalidNumber) {
		t.Errorf("ordering a malformed number = %v; want ErrInvalidNumber", err)
	}
	check("CloseLocation", c.CloseLocation(ctx, loc.ID))
	closed, err := c.GetLocation(ctx, loc.ID)
	check("GetLocation closed", err)
	if closed.Status != sipstation.LocationClosed {
		t.Errorf("after CloseLocation: status %q", closed.Status)
	}
}

// At a rate limit of 2 requests per second, eight calls in parallel all
// succeed: the client paces itself once the emulator named the limit, and
// the 429s of the first burst are waited out, never handed to the caller.
func TestEmulatorTwoRequestsPerSecond(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	var logs logCapture
	c := emulatorClient(t, env, logs.log)
	loc := createLocation(t, c)
	env.SetFaults(t, emulator.Faults{RateLimitPerS: 2})

	const calls = 8
	errs := make(chan error, calls)
	var wg sync.WaitGroup
	for range calls {
		wg.Go(func() {
			_, err := c.GetLocation(t.Context(), loc.ID)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("GetLocation at 2 requests/s: %v", err)
		}
	}
	m := env.Metrics(t)
	if got := m.Count("GET /v1/locations/{id}"); got-m.RateLimited != calls {
		t.Errorf("%d GETs of which %d answered 429; want %d executed", got, m.RateLimited, calls)
	}
	// Every 429 was an attempt of its own in the log, with its Retry-After.
	logs.mu.Lock()
	defer logs.mu.Unlock()
	var limited int64
	for _, e := range logs.entries {
		if e["status"] == http.StatusTooManyRequests {
			limited++
			if e["retry_after"] == nil {
				t.Errorf("a 429 logged without its Retry-After: %v", e)
			}
		}
	}
	if limited != m.RateLimited {
		t.Errorf("%d attempts logged 429; the emulator answered %d", limited, m.RateLimited)
	}
}
