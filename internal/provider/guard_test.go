package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// testNumber is a number as the API shows it, changed by mutate.
func testNumber(mutate func(n *sipstation.Number)) *sipstation.Number {
	n := &sipstation.Number{
		Number:      "+14155550123",
		Type:        sipstation.TypeLocal,
		LocationID:  "loc_1",
		Status:      sipstation.StatusActive,
		Billing:     sipstation.Billing{Active: true, MonthlyRate: "1.50"},
		ActivatedAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC),
	}
	if mutate != nil {
		mutate(n)
	}
	return n
}

func pendingPort(n *sipstation.Number) {
	n.Status = sipstation.StatusPortOutPending
	n.PortOut = &sipstation.NumberPortOut{
		ID: "po_1", Status: sipstation.PortOutPending, CarrierName: "Acme Telecom",
		RequestedFOCDate: "2026-03-01", FOCDate: "2026-03-02",
	}
}

func completedPort(n *sipstation.Number) {
	completed := time.Date(2026, 3, 2, 17, 4, 5, 0, time.UTC)
	fee := "25.00"
	n.Status = sipstation.StatusPortedOut
	n.PortOut = &sipstation.NumberPortOut{
		ID: "po_1", Status: sipstation.PortOutCompleted, CarrierName: "Acme Telecom",
		FOCDate: "2026-03-02", CompletedAt: &completed,
	}
	n.EarlyPortOutFee = &fee
}

// stateOf is the state a refresh writes for n.
func stateOf(t *testing.T, n *sipstation.Number) *numberModel {
	t.Helper()
	m := &numberModel{}
	if diags := m.sharedFromAPI(context.Background(), n, true); diags.HasError() {
		t.Fatalf("sharedFromAPI: %v", diags)
	}
	return m
}

// TestGuardPlan checks the plan-time guard: which plans fail, which warn, and
// that the messages name what the user needs.
func TestGuardPlan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		number     func(n *sipstation.Number)
		destroying bool
		// wantErrors/wantWarnings are the summaries; wantDetail are phrases
		// every detail must hold.
		wantErrors, wantWarnings []string
		wantDetail               []string
	}{
		{name: "active, kept", number: nil},
		{name: "active, destroyed", number: nil, destroying: true},
		{
			name:       "pending port, destroyed",
			number:     pendingPort,
			destroying: true,
			wantErrors: []string{portOutPendingSummary},
			wantDetail: []string{
				"+14155550123", "Acme Telecom", "FOC date 2026-03-02", carrierWarning,
				"keep the resource in your configuration until the port completes",
				"removed {", "from = sipstation_did.<name>", "destroy = false", "terraform state list -id=+14155550123",
			},
		},
		{name: "pending port, kept", number: pendingPort},
		{
			name:         "ported out and billed, kept",
			number:       completedPort,
			wantWarnings: []string{"Ported-Out Number Still Billed"},
			wantDetail: []string{
				"+14155550123", "Acme Telecom", "on 2026-03-02", "1.50 USD a month",
				"Remove this resource from your configuration", "stops the billing",
			},
		},
		{name: "ported out and billed, destroyed: no fight", number: completedPort, destroying: true},
		{
			name: "ported out, billing ended",
			number: func(n *sipstation.Number) {
				completedPort(n)
				n.Billing.Active = false
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			state := stateOf(t, testNumber(tt.number))
			if tt.destroying {
				guardDestroyPlan(context.Background(), state, "sipstation_did", &diags)
			} else {
				warnBilledAfterPortOut(context.Background(), state, &diags)
			}

			var gotErrors, gotWarnings []string
			for _, d := range diags {
				if d.Severity() == diag.SeverityError {
					gotErrors = append(gotErrors, d.Summary())
				} else {
					gotWarnings = append(gotWarnings, d.Summary())
				}
				for _, phrase := range tt.wantDetail {
					if !strings.Contains(d.Detail(), phrase) {
						t.Errorf("detail lacks %q:\n%s", phrase, d.Detail())
					}
				}
			}
			if diff := cmp.Diff(tt.wantErrors, gotErrors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWarnings, gotWarnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}
