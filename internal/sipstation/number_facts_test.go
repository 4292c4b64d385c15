package sipstation_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// Numbers as GET /v1/numbers/{e164} answers them, written by hand from the
// Numbers section of shared/design/api.md (and its Port-outs section for
// what a number shows during and after a port), not produced by the types
// under test.
const (
	activeNumberJSON = `{
		"number": "+14155550123", "type": "local", "location_id": "loc_1", "description": "Main line",
		"status": "active",
		"billing": {"active": true, "monthly_rate": "1.50", "started_at": "2026-01-05T09:00:00Z", "ended_at": null},
		"activated_at": "2026-01-05T09:00:00Z", "cancelled_at": null,
		"failover": null, "e911_address": null, "sms_enabled": false,
		"port_out": null, "early_port_out_fee": null
	}`
	// The gaining carrier's request is pending and the losing carrier has
	// not confirmed a date yet: foc_date is null, the requested one is set.
	pendingUnconfirmedJSON = `{
		"number": "+14155550123", "type": "local", "location_id": "loc_1", "description": "Main line",
		"status": "port_out_pending",
		"billing": {"active": true, "monthly_rate": "1.50", "started_at": "2026-01-05T09:00:00Z", "ended_at": null},
		"activated_at": "2026-01-05T09:00:00Z", "cancelled_at": null, "failover": null,
		"port_out": {"id": "po_1", "status": "pending", "carrier_name": "Acme Telecom",
			"requested_foc_date": "2026-03-01", "foc_date": null, "completed_at": null},
		"early_port_out_fee": null
	}`
	pendingConfirmedJSON = `{
		"number": "+18005550199", "type": "toll_free", "location_id": "loc_1", "description": "Sales",
		"status": "port_out_pending",
		"billing": {"active": true, "monthly_rate": "2.00", "started_at": "2026-01-05T09:00:00Z", "ended_at": null},
		"activated_at": "2026-01-05T09:00:00Z", "cancelled_at": null, "failover": null, "resp_org": "SIP01",
		"port_out": {"id": "po_2", "status": "pending", "carrier_name": "Acme Telecom",
			"requested_foc_date": "2026-03-01", "foc_date": "2026-03-02", "completed_at": null},
		"early_port_out_fee": null
	}`
	// The port_out block already says pending while the status has not
	// followed yet.
	pendingByBlockJSON = `{
		"number": "+14155550123", "type": "local", "location_id": "loc_1", "description": "",
		"status": "active",
		"billing": {"active": true, "monthly_rate": "1.50", "started_at": "2026-01-05T09:00:00Z", "ended_at": null},
		"activated_at": "2026-01-05T09:00:00Z", "cancelled_at": null, "failover": null,
		"port_out": {"id": "po_3", "status": "pending", "carrier_name": "Acme Telecom",
			"requested_foc_date": "2026-03-01", "foc_date": "2026-03-01", "completed_at": null},
		"early_port_out_fee": null
	}`
	rejectedJSON = `{
		"number": "+14155550123", "type": "local", "location_id": "loc_1", "description": "",
		"status": "active",
		"billing": {"active": true, "monthly_rate": "1.50", "started_at": "2026-01-05T09:00:00Z", "ended_at": null},
		"activated_at": "2026-01-05T09:00:00Z", "cancelled_at": null, "failover": null,
		"port_out": {"id": "po_4", "status": "rejected", "carrier_name": "Acme Telecom",
			"requested_foc_date": "2026-03-01", "foc_date": "2026-03-01", "completed_at": null},
		"early_port_out_fee": null
	}`
	// The port completed: the number has left and stays billed until DELETE.
	portedBilledJSON = `{
		"number": "+14155550123", "type": "local", "location_id": "loc_1", "description": "Main line",
		"status": "ported_out",
		"billing": {"active": true, "monthly_rate": "1.50", "started_at": "2026-01-05T09:00:00Z", "ended_at": null},
		"activated_at": "2026-01-05T09:00:00Z", "cancelled_at": null, "failover": null,
		"port_out": {"id": "po_1", "status": "completed", "carrier_name": "Acme Telecom",
			"requested_foc_date": "2026-03-01", "foc_date": "2026-03-02", "completed_at": "2026-03-02T17:04:05Z"},
		"early_port_out_fee": "25.00"
	}`
	// DELETE's answer: billing stopped, status cancelled.
	cancelledJSON = `{
		"number": "+14155550123", "type": "local", "location_id": "loc_1", "description": "Main line",
		"status": "cancelled",
		"billing": {"active": false, "monthly_rate": "1.50", "started_at": "2026-01-05T09:00:00Z",
			"ended_at": "2026-04-01T10:00:00Z"},
		"activated_at": "2026-01-05T09:00:00Z", "cancelled_at": "2026-04-01T10:00:00Z", "failover": null,
		"port_out": null, "early_port_out_fee": null
	}`
	// Cancelled after its port completed: no longer billed.
	portedCancelledJSON = `{
		"number": "+14155550123", "type": "local", "location_id": "loc_1", "description": "Main line",
		"status": "cancelled",
		"billing": {"active": false, "monthly_rate": "1.50", "started_at": "2026-01-05T09:00:00Z",
			"ended_at": "2026-04-01T10:00:00Z"},
		"activated_at": "2026-01-05T09:00:00Z", "cancelled_at": "2026-04-01T10:00:00Z", "failover": null,
		"port_out": {"id": "po_1", "status": "completed", "carrier_name": "Acme Telecom",
			"requested_foc_date": "2026-03-01", "foc_date": "2026-03-02", "completed_at": "2026-03-02T17:04:05Z"},
		"early_port_out_fee": "25.00"
	}`
)

func decodeNumber(t *testing.T, fixture string) *sipstation.Number {
	t.Helper()
	var n sipstation.Number
	if err := json.Unmarshal([]byte(fixture), &n); err != nil {
		t.Fatalf("decode the fixture: %v", err)
	}
	return &n
}

func TestNumberFacts(t *testing.T) {
	t.Parallel()
	type facts struct {
		PortOutPending, BilledAfterPortOut, Gone bool
		FOCDate                                  string
	}
	tests := []struct {
		name    string
		fixture string
		want    facts
	}{
		{name: "active", fixture: activeNumberJSON, want: facts{}},
		{name: "pending, date not confirmed", fixture: pendingUnconfirmedJSON, want: facts{PortOutPending: true, FOCDate: "2026-03-01"}},
		{name: "pending, date confirmed", fixture: pendingConfirmedJSON, want: facts{PortOutPending: true, FOCDate: "2026-03-02"}},
		{name: "pending by the port_out block alone", fixture: pendingByBlockJSON, want: facts{PortOutPending: true, FOCDate: "2026-03-01"}},
		{name: "port rejected", fixture: rejectedJSON, want: facts{FOCDate: "2026-03-01"}},
		{name: "ported out, still billed", fixture: portedBilledJSON, want: facts{BilledAfterPortOut: true, FOCDate: "2026-03-02"}},
		{name: "cancelled", fixture: cancelledJSON, want: facts{Gone: true}},
		{name: "ported out, then cancelled", fixture: portedCancelledJSON, want: facts{Gone: true, FOCDate: "2026-03-02"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := decodeNumber(t, tt.fixture)
			got := facts{
				PortOutPending:     n.PortOutPending(),
				BilledAfterPortOut: n.BilledAfterPortOut(),
				Gone:               n.Gone(),
				FOCDate:            n.FOCDate(),
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNumberGone(t *testing.T) {
	t.Parallel()
	notFound := fmt.Errorf("get number +14155550123: %w", &sipstation.APIError{StatusCode: 404, ErrorObject: sipstation.ErrorObject{Code: sipstation.CodeNotFound}})
	tests := []struct {
		name string
		n    *sipstation.Number
		err  error
		want bool
	}{
		{name: "404", err: notFound, want: true},
		{name: "cancelled", n: decodeNumber(t, cancelledJSON), want: true},
		{name: "held", n: decodeNumber(t, activeNumberJSON), want: false},
		{name: "ported out, still billed", n: decodeNumber(t, portedBilledJSON), want: false},
		{name: "no answer", err: errors.New("get number +14155550123: connection refused"), want: false},
	}
	for _, tt := range tests {
		if got := sipstation.NumberGone(tt.n, tt.err); got != tt.want {
			t.Errorf("%s: NumberGone = %t, want %t", tt.name, got, tt.want)
		}
	}
}
