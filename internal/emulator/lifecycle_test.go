package emulator_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

func available(h *harness, query string) []string {
	h.t.Helper()
	var list struct{ Data []sipstation.AvailableNumber }
	h.call(http.MethodGet, "/v1/available-numbers"+query, nil, http.StatusOK, &list)
	var out []string
	for _, n := range list.Data {
		out = append(out, n.Number+" "+n.Type+" "+n.MonthlyRate)
	}
	return out
}

func TestOrdering(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")

	if diff := cmp.Diff([]string{"+14155550100 local 1.50", "+14155550101 local 1.50"}, available(h, "?type=local&area_code=415&limit=2")); diff != "" {
		t.Errorf("available 415 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"+18005550100 toll_free 2.00"}, available(h, "?type=toll_free&limit=1")); diff != "" {
		t.Errorf("available toll-free (-want +got):\n%s", diff)
	}
	if got := available(h, "?area_code=720&limit=1000"); len(got) != 100 || got[99] != "+17205550199 local 1.50" {
		t.Errorf("pool of 720: %d numbers, last %v", len(got), got[len(got)-1:])
	}
	if got := available(h, "?type=toll_free&area_code=888&limit=1000"); len(got) != 100 {
		t.Errorf("pool of 888: %d numbers", len(got))
	}

	byArea := h.order(h.key, loc.ID, sipstation.NumberOrder{Type: "local", AreaCode: "415", Description: "first free"})
	byArea2 := h.order(h.key, loc.ID, sipstation.NumberOrder{Type: "local", AreaCode: "415"})
	byNumber := h.orderLocal(h.key, loc.ID, "+12125550150")
	tf := h.order(h.key, loc.ID, sipstation.NumberOrder{Type: "toll_free", Number: "+18885550123", Description: "support", Failover: &sipstation.Failover{Number: "+14155550100"}})
	got := []string{byArea.Number, byArea2.Number, byNumber.Number, tf.Number}
	if diff := cmp.Diff([]string{"+14155550100", "+14155550101", "+12125550150", "+18885550123"}, got); diff != "" {
		t.Errorf("ordered (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"+14155550102 local 1.50"}, available(h, "?area_code=415&limit=1")); diff != "" {
		t.Errorf("held numbers still listed as available (-want +got):\n%s", diff)
	}

	startedAt := start
	wantTF := sipstation.Number{
		Number: "+18885550123", Type: "toll_free", LocationID: loc.ID, Description: "support", Status: "active",
		Billing:     sipstation.Billing{Active: true, MonthlyRate: "2.00", StartedAt: &startedAt},
		ActivatedAt: start, Failover: &sipstation.Failover{Number: "+14155550100"}, RespOrg: "SIPS1",
	}
	if diff := cmp.Diff(wantTF, tf); diff != "" {
		t.Errorf("toll-free number (-want +got):\n%s", diff)
	}
	if byArea.Billing.MonthlyRate != "1.50" || byArea.RespOrg != "" || byArea.SMSEnabled == nil {
		t.Errorf("local number: %+v", byArea)
	}

	var list struct{ Data []sipstation.Number }
	h.call(http.MethodGet, "/v1/numbers?type=toll_free", nil, http.StatusOK, &list)
	if len(list.Data) != 1 || list.Data[0].Number != tf.Number {
		t.Errorf("numbers?type=toll_free: %+v", list.Data)
	}
	h.call(http.MethodGet, "/v1/numbers?location_id="+loc.ID+"&status=active", nil, http.StatusOK, &list)
	if len(list.Data) != 4 || list.Data[0].Number != "+12125550150" {
		t.Errorf("numbers of the location, by number: %+v", list.Data)
	}

	// No pool in the area code (N11 is a service code): nothing to order.
	if s, e := h.apiError(h.key, http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", sipstation.NumberOrder{Type: "local", AreaCode: "911"}); s != http.StatusConflict || e.Code != sipstation.CodeNumberUnavailable || !strings.Contains(e.Detail, "911") {
		t.Errorf("area code without numbers: %d %+v", s, e)
	}
}

func TestNumberUnavailable(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	other := h.account("other")
	otherLoc := h.newLocation(other, "Other")

	h.numbersInEveryState(loc.ID) // +1415555010x: 0 held, 1 aging, 2 lost, 3 ported away

	tests := []struct {
		name, key, number, wantDetail string
	}{
		{"held by another account", other, "+14155550100", "held by another account"},
		{"held by oneself", h.key, "+14155550100", "already on your location"},
		{"aging, other account", other, "+14155550101", "aging until 2025-06-08"},
		{"aging, same account", h.key, "+14155550101", "aging"},
		{"lost", other, "+14155550102", "lost"},
		{"ported out", other, "+14155550103", "ported out"},
		{"not in the pool", other, "+14155551234", "inventory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			locID := otherLoc.ID
			if tc.key == h.key {
				locID = loc.ID
			}
			s, e := h.apiError(tc.key, http.MethodPost, "/v1/locations/"+locID+"/numbers", sipstation.NumberOrder{Type: "local", Number: tc.number})
			if s != http.StatusConflict || e.Code != sipstation.CodeNumberUnavailable || !strings.Contains(e.Detail, tc.wantDetail) || !strings.Contains(e.Detail, tc.number) {
				t.Errorf("got %d %+v, want 409 number_unavailable mentioning %q", s, e, tc.wantDetail)
			}
		})
	}
	// Ordering by area code skips them all.
	n := h.order(other, otherLoc.ID, sipstation.NumberOrder{Type: "local", AreaCode: "415"})
	if n.Number != "+14155550104" {
		t.Errorf("first free 415 number: %s, want +14155550104", n.Number)
	}
}

func TestAgingExpires(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	other := h.account("other")
	otherLoc := h.newLocation(other, "Other")
	h.orderLocal(h.key, loc.ID, "+14155550100")
	h.advance(10 * day)
	var cancelled sipstation.Number
	h.call(http.MethodDelete, numberPath("+14155550100"), nil, http.StatusOK, &cancelled)
	cancelledAt := start.Add(10 * day)
	if cancelled.Status != sipstation.StatusCancelled || cancelled.Billing.Active || cancelled.Billing.EndedAt == nil || !cancelled.Billing.EndedAt.Equal(cancelledAt) || cancelled.CancelledAt == nil {
		t.Errorf("cancelled: %+v", cancelled)
	}
	h.advance(90*day - 1e9) // one second short
	if s, _ := h.apiError(other, http.MethodPost, "/v1/locations/"+otherLoc.ID+"/numbers", sipstation.NumberOrder{Type: "local", Number: "+14155550100"}); s != http.StatusConflict {
		t.Errorf("order one second before aging ends: %d", s)
	}
	if got := available(h, "?area_code=415&limit=1"); got[0] != "+14155550101 local 1.50" {
		t.Errorf("available while aging: %v", got)
	}
	h.advance(1e9)
	if got := available(h, "?area_code=415&limit=1"); got[0] != "+14155550100 local 1.50" {
		t.Errorf("available after aging: %v", got)
	}
	n := h.orderLocal(other, otherLoc.ID, "+14155550100")
	if n.Status != sipstation.StatusActive || n.LocationID != otherLoc.ID {
		t.Errorf("re-ordered: %+v", n)
	}
	// The first account no longer sees it.
	if s, _ := h.number(h.key, "+14155550100"); s != http.StatusNotFound {
		t.Errorf("old owner GET: %d", s)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	n := h.orderLocal(h.key, loc.ID, "+14155550100")
	h.orderLocal(h.key, loc.ID, "+14155550101")
	h.call(http.MethodDelete, numberPath(n.Number), nil, http.StatusOK, nil)
	if s, _ := h.number(h.key, n.Number); s != http.StatusNotFound {
		t.Errorf("GET after cancel: %d", s)
	}
	var list struct{ Data []sipstation.Number }
	h.call(http.MethodGet, "/v1/numbers", nil, http.StatusOK, &list)
	if len(list.Data) != 1 || list.Data[0].Number != "+14155550101" {
		t.Errorf("list after cancel: %+v", list.Data)
	}
	if s, e := h.apiError(h.key, http.MethodDelete, numberPath(n.Number), nil); s != http.StatusNotFound || e.Code != sipstation.CodeNotFound {
		t.Errorf("second DELETE: %d %+v", s, e)
	}
	if got := h.metrics().ForcedCancellations; got != 0 {
		t.Errorf("forced cancellations: %d", got)
	}
}

func TestPortOutPendingGuard(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	a := h.orderLocal(h.key, loc.ID, "+14155550100")
	b := h.orderLocal(h.key, loc.ID, "+14155550101")
	po := h.portOut("Gaining Telecom", "2025-03-24", a.Number, b.Number)
	wantPO := sipstation.PortOut{
		ID: po.ID, LocationID: loc.ID, Numbers: []string{a.Number, b.Number}, CarrierName: "Gaining Telecom",
		Status: "pending", RequestedFOCDate: "2025-03-24", FOCDate: "2025-03-24", CreatedAt: start,
	}
	if diff := cmp.Diff(wantPO, po); diff != "" {
		t.Errorf("port-out (-want +got):\n%s", diff)
	}
	_, got := h.number(h.key, a.Number)
	wantBlock := &sipstation.NumberPortOut{ID: po.ID, Status: "pending", CarrierName: "Gaining Telecom", RequestedFOCDate: "2025-03-24", FOCDate: "2025-03-24"}
	if got.Status != sipstation.StatusPortOutPending || !got.Billing.Active {
		t.Errorf("number during the port: %+v", got)
	}
	if diff := cmp.Diff(wantBlock, got.PortOut); diff != "" {
		t.Errorf("port_out block (-want +got):\n%s", diff)
	}

	// Without force: refused, naming the number, the carrier and the FOC date.
	for _, path := range []string{numberPath(a.Number), numberPath(a.Number) + "?force=false"} {
		s, e := h.apiError(h.key, http.MethodDelete, path, nil)
		if s != http.StatusConflict || e.Code != sipstation.CodePortOutPending {
			t.Fatalf("DELETE %s: %d %+v", path, s, e)
		}
		for _, want := range []string{a.Number, "Gaining Telecom", "2025-03-24"} {
			if !strings.Contains(e.Detail, want) {
				t.Errorf("detail %q does not name %q", e.Detail, want)
			}
		}
	}
	if _, got := h.number(h.key, a.Number); got.Status != sipstation.StatusPortOutPending || !got.Billing.Active {
		t.Errorf("number after a refused DELETE: %+v", got)
	}
	if m := h.metrics(); m.ForcedCancellations != 0 || m.Routes["DELETE /v1/numbers/{number}"].Statuses["409"] != 2 {
		t.Errorf("metrics before force: %+v", m)
	}

	// With force: cancelled, the port fails, the number is lost for good.
	var cancelled sipstation.Number
	h.call(http.MethodDelete, numberPath(a.Number)+"?force=true", nil, http.StatusOK, &cancelled)
	if cancelled.Status != sipstation.StatusCancelled || cancelled.Billing.Active || cancelled.PortOut.Status != sipstation.PortOutCancelled {
		t.Errorf("force-cancelled: %+v", cancelled)
	}
	var failed sipstation.PortOut
	h.call(http.MethodGet, "/v1/port-outs/"+po.ID, nil, http.StatusOK, &failed)
	if failed.Status != sipstation.PortOutCancelled {
		t.Errorf("port-out after force: %+v", failed)
	}
	if _, other := h.number(h.key, b.Number); other.Status != sipstation.StatusActive || other.PortOut.Status != sipstation.PortOutCancelled {
		t.Errorf("the port's other number: %+v", other)
	}
	if m := h.metrics(); m.ForcedCancellations != 1 {
		t.Errorf("forced cancellations: %d, want 1", m.ForcedCancellations)
	}
	h.advance(365 * day)
	if s, e := h.apiError(h.account("later"), http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", sipstation.NumberOrder{Type: "local", Number: a.Number}); s != http.StatusNotFound {
		t.Errorf("sanity: another account ordering on this location: %d %+v", s, e)
	}
	if s, e := h.apiError(h.key, http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", sipstation.NumberOrder{Type: "local", Number: a.Number}); s != http.StatusConflict || !strings.Contains(e.Detail, "lost") {
		t.Errorf("re-order a lost number a year later: %d %+v", s, e)
	}
}

func TestPortOutCompletedStillBilled(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	n := h.orderLocal(h.key, loc.ID, "+14155550100")
	po := h.portOut("Gaining Telecom", "2025-03-20", n.Number)
	h.advance(5 * day)
	var done sipstation.PortOut
	h.call(http.MethodPost, "/_emulator/port-outs/"+po.ID+"/complete", nil, http.StatusOK, &done)
	completedAt := start.Add(5 * day)
	if done.Status != sipstation.PortOutCompleted || done.CompletedAt == nil || !done.CompletedAt.Equal(completedAt) {
		t.Errorf("completed port-out: %+v", done)
	}
	_, got := h.number(h.key, n.Number)
	if !got.BilledAfterPortOut() || got.PortOut.Status != sipstation.PortOutCompleted || got.EarlyPortOutFee == nil || *got.EarlyPortOutFee != "25.00" {
		t.Errorf("after the port: %+v", got)
	}
	// Still billed a month later, still listed.
	h.advance(30 * day)
	var list struct{ Data []sipstation.Number }
	h.call(http.MethodGet, "/v1/numbers?status=ported_out", nil, http.StatusOK, &list)
	if len(list.Data) != 1 || !list.Data[0].Billing.Active {
		t.Errorf("ported_out list: %+v", list.Data)
	}
	if s, _ := h.apiError(h.key, http.MethodPost, "/_emulator/port-outs/"+po.ID+"/complete", nil); s != http.StatusUnprocessableEntity {
		t.Errorf("complete twice: %d", s)
	}
	// DELETE stops the billing.
	var cancelled sipstation.Number
	h.call(http.MethodDelete, numberPath(n.Number), nil, http.StatusOK, &cancelled)
	if cancelled.Status != sipstation.StatusCancelled || cancelled.Billing.Active || cancelled.Billing.EndedAt == nil {
		t.Errorf("cancelled after the port: %+v", cancelled)
	}
	if m := h.metrics(); m.ForcedCancellations != 0 {
		t.Errorf("forced cancellations: %d", m.ForcedCancellations)
	}
}

func TestPortOutRejected(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	other := h.newLocation(h.key, "Other")
	n := h.orderLocal(h.key, loc.ID, "+14155550100")
	m := h.orderLocal(h.key, other.ID, "+14155550101")
	if s, e := h.apiError(h.key, http.MethodPost, "/_emulator/port-outs", map[string]any{"numbers": []string{n.Number, m.Number}, "carrier_name": "X"}); s != http.StatusUnprocessableEntity || !strings.Contains(e.Detail, "one location") {
		t.Errorf("port-out across locations: %d %+v", s, e)
	}
	if s, _ := h.apiError(h.key, http.MethodPost, "/_emulator/port-outs", map[string]any{"numbers": []string{"+14155550150"}, "carrier_name": "X"}); s != http.StatusNotFound {
		t.Errorf("port-out of a number not in service: %d", s)
	}
	po := h.portOut("Gaining Telecom", "", n.Number)
	if po.FOCDate != "2025-03-17" {
		t.Errorf("default FOC date: %s, want a week ahead", po.FOCDate)
	}
	if s, _ := h.apiError(h.key, http.MethodPost, "/_emulator/port-outs", map[string]any{"numbers": []string{n.Number}, "carrier_name": "Y"}); s != http.StatusUnprocessableEntity {
		t.Errorf("second port-out of a pending number: %d", s)
	}
	h.call(http.MethodPost, "/_emulator/port-outs/"+po.ID+"/reject", nil, http.StatusOK, nil)
	_, got := h.number(h.key, n.Number)
	if got.Status != sipstation.StatusActive || got.PortOut.Status != sipstation.PortOutRejected || got.EarlyPortOutFee != nil {
		t.Errorf("after rejection: %+v", got)
	}
	var list struct{ Data []sipstation.PortOut }
	h.call(http.MethodGet, "/v1/port-outs?status=rejected&location_id="+loc.ID, nil, http.StatusOK, &list)
	if len(list.Data) != 1 || list.Data[0].ID != po.ID {
		t.Errorf("rejected port-outs: %+v", list.Data)
	}
	h.call(http.MethodGet, "/v1/port-outs?status=pending", nil, http.StatusOK, &list)
	if len(list.Data) != 0 {
		t.Errorf("pending port-outs: %+v", list.Data)
	}
	h.call(http.MethodGet, "/v1/port-outs?location_id="+other.ID, nil, http.StatusOK, &list)
	if len(list.Data) != 0 {
		t.Errorf("port-outs of the other location: %+v", list.Data)
	}
	// Once rejected, the number can be cancelled normally.
	h.call(http.MethodDelete, numberPath(n.Number), nil, http.StatusOK, nil)
}

func TestEarlyPortOutFee(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		held    int // days between activation and completion
		wantFee *string
	}{
		{"held 89 days", 89, ptr("25.00")},
		{"held 90 days", 90, nil},
		{"held 200 days", 200, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, emulator.Options{})
			loc := h.newLocation(h.key, "HQ")
			n := h.orderLocal(h.key, loc.ID, "+14155550100")
			h.advance(daysDur(tc.held))
			po := h.portOut("Gaining Telecom", "", n.Number)
			h.call(http.MethodPost, "/_emulator/port-outs/"+po.ID+"/complete", nil, http.StatusOK, nil)
			_, got := h.number(h.key, n.Number)
			if diff := cmp.Diff(tc.wantFee, got.EarlyPortOutFee); diff != "" {
				t.Errorf("early_port_out_fee (-want +got):\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// Concurrent orders are serialized: each gets its own number.
func TestConcurrentOrders(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	const n = 20
	type outcome struct {
		status int
		number string
		err    error
	}
	results := make(chan outcome, n)
	for range n {
		go func() {
			body := strings.NewReader(`{"type":"local","area_code":"415"}`)
			req, err := http.NewRequest(http.MethodPost, h.ts.URL+"/v1/locations/"+loc.ID+"/numbers", body)
			if err != nil {
				results <- outcome{err: err}
				return
			}
			req.Header.Set("Authorization", "Bearer "+h.key)
			resp, err := h.ts.Client().Do(req)
			if err != nil {
				results <- outcome{err: err}
				return
			}
			defer func() { _ = resp.Body.Close() }()
			var num sipstation.Number
			err = json.NewDecoder(resp.Body).Decode(&num)
			results <- outcome{status: resp.StatusCode, number: num.Number, err: err}
		}()
	}
	seen := map[string]bool{}
	for range n {
		o := <-results
		if o.err != nil || o.status != http.StatusCreated || seen[o.number] {
			t.Errorf("order: %+v (duplicate: %v)", o, seen[o.number])
		}
		seen[o.number] = true
	}
	if want := "+14155550120 local 1.50"; available(h, "?area_code=415&limit=1")[0] != want {
		t.Errorf("next free number after %d orders: %v, want %s", n, available(h, "?area_code=415&limit=1"), want)
	}
}
