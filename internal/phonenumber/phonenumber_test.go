package phonenumber_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr string // a part of the error message; empty when no error
	}{
		{in: "+14155550123", want: "+14155550123"},
		{in: "415-555-0123", want: "+14155550123"},
		{in: "(415) 555-0123", want: "+14155550123"},
		{in: "4155550123", want: "+14155550123"},
		{in: "1-415-555-0123", want: "+14155550123"},
		{in: "415.555.0123", want: "+14155550123"},
		{in: "  +1 (800) 555-0199 ", want: "+18005550199"},
		{in: "415-555-CALL", wantErr: "not part of a phone number"},
		{in: "415555012", wantErr: "has 9 digits"},
		{in: "+442079460000", wantErr: "country code is not +1"},
		{in: "+33 1 42 68 53 00", wantErr: "country code is not +1"},
		{in: "015-555-0123", wantErr: "area code 015"},
		{in: "115-555-0123", wantErr: "area code 115"},
		{in: "415-055-0123", wantErr: "exchange 055"},
		{in: "415-155-0123", wantErr: "exchange 155"},
		{in: "", wantErr: "empty"},
		{in: "   ", wantErr: "empty"},
		{in: "4+155550123", wantErr: "not part of a phone number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := phonenumber.Normalize(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Normalize(%q) = %q, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalize(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Normalize(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestIsTollFreeAndAreaCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		tollFree bool
		areaCode string
	}{
		{in: "+18005550199", tollFree: true, areaCode: "800"},
		{in: "+18335550199", tollFree: true, areaCode: "833"},
		{in: "+18445550199", tollFree: true, areaCode: "844"},
		{in: "+18555550199", tollFree: true, areaCode: "855"},
		{in: "+18665550199", tollFree: true, areaCode: "866"},
		{in: "+18775550199", tollFree: true, areaCode: "877"},
		{in: "+18885550199", tollFree: true, areaCode: "888"},
		{in: "+18995550199", tollFree: false, areaCode: "899"},
		{in: "+14155550123", tollFree: false, areaCode: "415"},
		{in: "8005550199", tollFree: false, areaCode: ""}, // not E.164
		{in: "", tollFree: false, areaCode: ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := struct {
				TollFree bool
				AreaCode string
			}{phonenumber.IsTollFree(tt.in), phonenumber.AreaCode(tt.in)}
			want := struct {
				TollFree bool
				AreaCode string
			}{tt.tollFree, tt.areaCode}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%q (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestIsAreaCode(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]bool{
		"415": true, "800": true, "299": true,
		"": false, "41": false, "4155": false, "115": false, "015": false, "4a5": false, "41 ": false,
	} {
		if got := phonenumber.IsAreaCode(code); got != want {
			t.Errorf("IsAreaCode(%q) = %t, want %t", code, got, want)
		}
	}
}
