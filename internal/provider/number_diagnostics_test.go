package provider

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

func TestPortOutInfoFromAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		number *sipstation.Number
		want   portOutInfo
	}{
		{
			name:   "confirmed FOC date",
			number: testNumber(pendingPort),
			want:   portOutInfo{number: "+14155550123", carrier: "Acme Telecom", focDate: "2026-03-02"},
		},
		{
			name: "requested date until confirmed",
			number: testNumber(func(n *sipstation.Number) {
				pendingPort(n)
				n.PortOut.FOCDate = ""
			}),
			want: portOutInfo{number: "+14155550123", carrier: "Acme Telecom", focDate: "2026-03-01"},
		},
		{
			name:   "no port-out block",
			number: testNumber(func(n *sipstation.Number) { n.Status = sipstation.StatusPortOutPending }),
			want:   portOutInfo{number: "+14155550123", carrier: "an unnamed carrier", focDate: "not yet set"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, portOutInfoFromAPI(tt.number), cmp.AllowUnexported(portOutInfo{})); diff != "" {
				t.Errorf("portOutInfoFromAPI (-want +got):\n%s", diff)
			}
			// State written by a refresh must say the same.
			fromState, diags := stateOf(t, tt.number).portOutInfo(context.Background())
			if diags.HasError() {
				t.Fatalf("portOutInfo: %v", diags)
			}
			if diff := cmp.Diff(tt.want, fromState, cmp.AllowUnexported(portOutInfo{})); diff != "" {
				t.Errorf("state portOutInfo (-want +got):\n%s", diff)
			}
		})
	}
}
