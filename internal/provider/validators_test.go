package provider

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestNumberValidator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		class   numberClass
		value   types.String
		wantErr string // "" for none; else the detail
	}{
		{"e164 local", localNumber, types.StringValue("+14155550123"), ""},
		{"dashed local", localNumber, types.StringValue("415-555-0123"), ""},
		{"parenthesised local", localNumber, types.StringValue("(415) 555-0123"), ""},
		{"null", localNumber, types.StringNull(), ""},
		{"unknown", localNumber, types.StringUnknown(), ""},
		{"toll-free in toll-free", tollFreeNumber, types.StringValue("800-555-0123"), ""},
		{"any accepts toll-free", anyNumber, types.StringValue("+18005550123"), ""},
		{
			"letters", localNumber, types.StringValue("415-555-CALL"),
			`"415-555-CALL" contains 'C', which is not part of a phone number; expected a NANP number such as +14155550123. ` +
				`Write a local number in any common form, such as +14155550123, 415-555-0123 or (415) 555-0123.`,
		},
		{
			"short", localNumber, types.StringValue("555-0123"),
			`"555-0123" has 7 digits; a NANP number has 10 (area code, exchange, line) after an optional +1, as in +14155550123. ` +
				`Write a local number in any common form, such as +14155550123, 415-555-0123 or (415) 555-0123.`,
		},
		{
			"malformed toll-free", tollFreeNumber, types.StringValue("1-800-FLOWERS"),
			`"1-800-FLOWERS" contains 'F', which is not part of a phone number; expected a NANP number such as +14155550123. ` +
				`Write a toll-free number in any common form, such as +18005550123, 800-555-0123 or (800) 555-0123.`,
		},
		{
			"area code starting with 1", anyNumber, types.StringValue("155-555-0123"),
			`"155-555-0123" has area code 155; a NANP area code cannot start with 0 or 1. ` +
				`Write the number in any common form, such as +14155550123, 415-555-0123 or (415) 555-0123.`,
		},
		{
			"toll-free in did", localNumber, types.StringValue("+18005550123"),
			`"+18005550123" is a toll-free number (area code 800); sipstation_did holds local numbers such as +14155550123. Manage toll-free numbers with sipstation_toll_free_number.`,
		},
		{
			"local in toll-free", tollFreeNumber, types.StringValue("4155550123"),
			`"4155550123" is a local number (area code 415); sipstation_toll_free_number holds toll-free numbers, whose area code is one of 800, 833, 844, 855, 866, 877, 888, such as +18005550123. Manage local numbers with sipstation_did.`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := validator.StringRequest{Path: path.Root("number"), ConfigValue: tt.value}
			var resp validator.StringResponse
			numberValidator{class: tt.class}.ValidateString(context.Background(), req, &resp)
			got := ""
			if resp.Diagnostics.HasError() {
				got = resp.Diagnostics.Errors()[0].Detail()
			}
			if diff := cmp.Diff(tt.wantErr, got); diff != "" {
				t.Errorf("detail (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAreaCodeProblem(t *testing.T) {
	t.Parallel()
	tests := []struct{ code, want string }{
		{"415", ""},
		{"212", ""},
		{"41", `"41" is no NANP area code: write three digits, the first from 2 to 9, such as "415".`},
		{"115", `"115" is no NANP area code: write three digits, the first from 2 to 9, such as "415".`},
		{"4a5", `"4a5" is no NANP area code: write three digits, the first from 2 to 9, such as "415".`},
		{"800", `800 is a toll-free prefix; sipstation_did orders local numbers, by a local area code such as "415". Order toll-free numbers with sipstation_toll_free_number.`},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, areaCodeProblem(tt.code)); diff != "" {
				t.Errorf("areaCodeProblem(%q) (-want +got):\n%s", tt.code, diff)
			}
		})
	}
}

func TestDurationValidator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value   types.String
		wantErr bool
	}{
		{types.StringValue("30s"), false},
		{types.StringValue("2m"), false},
		{types.StringNull(), false},
		{types.StringValue("30"), true},
		{types.StringValue("-1s"), true},
		{types.StringValue("0s"), true},
	}
	for _, tt := range tests {
		t.Run(tt.value.String(), func(t *testing.T) {
			t.Parallel()
			var resp validator.StringResponse
			durationValidator{}.ValidateString(context.Background(),
				validator.StringRequest{Path: path.Root("request_timeout"), ConfigValue: tt.value}, &resp)
			if got := resp.Diagnostics.HasError(); got != tt.wantErr {
				t.Errorf("error = %v, want %v (%v)", got, tt.wantErr, resp.Diagnostics)
			}
		})
	}
}

// nonNullRaw stands for a plan that is not a destroy.
var nonNullRaw = tftypes.NewValue(tftypes.Object{}, map[string]tftypes.Value{})

func TestNumberPlanModifier(t *testing.T) {
	t.Parallel()
	stored := types.StringValue("+14155550123")
	tests := []struct {
		name        string
		state       types.String
		config      types.String
		wantPlan    types.String
		wantReplace bool
	}{
		{"create keeps config", types.StringNull(), types.StringValue("415-555-0123"), types.StringValue("415-555-0123"), false},
		{"same number, other form", stored, types.StringValue("(415) 555-0123"), stored, false},
		{"same number, same form", stored, stored, stored, false},
		{"removed from config keeps the number", stored, types.StringNull(), stored, false},
		{"different number replaces", stored, types.StringValue("+14155550124"), types.StringValue("+14155550124"), true},
		// Known only at apply: most likely the same number, so no replace.
		{"unknown does not replace", stored, types.StringUnknown(), types.StringUnknown(), false},
		{"unknown at create", types.StringNull(), types.StringUnknown(), types.StringUnknown(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := planmodifier.StringRequest{
				Path: path.Root("number"), StateValue: tt.state, ConfigValue: tt.config, PlanValue: tt.config,
			}
			req.Plan.Raw = nonNullRaw
			resp := planmodifier.StringResponse{PlanValue: req.PlanValue}
			numberPlanModifier{}.PlanModifyString(context.Background(), req, &resp)
			if diff := cmp.Diff(tt.wantPlan, resp.PlanValue); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			if resp.RequiresReplace != tt.wantReplace {
				t.Errorf("RequiresReplace = %v, want %v", resp.RequiresReplace, tt.wantReplace)
			}
		})
	}
}

func TestDateValidator(t *testing.T) {
	t.Parallel()

	tests := map[string]struct {
		value     types.String
		wantError string // the diagnostic's detail, "" for none
	}{
		"date":        {value: types.StringValue("2026-02-28")},
		"leap day":    {value: types.StringValue("2028-02-29")},
		"null":        {value: types.StringNull()},
		"unknown":     {value: types.StringUnknown()},
		"no leap day": {value: types.StringValue("2026-02-29"), wantError: `"2026-02-29" is no calendar date in YYYY-MM-DD form, such as 2025-01-31.`},
		"month 13":    {value: types.StringValue("2026-13-01"), wantError: `"2026-13-01" is no calendar date in YYYY-MM-DD form, such as 2025-01-31.`},
		"unpadded":    {value: types.StringValue("2026-1-5"), wantError: `"2026-1-5" is no calendar date in YYYY-MM-DD form, such as 2025-01-31.`},
		"with time":   {value: types.StringValue("2026-01-05T00:00:00Z"), wantError: `"2026-01-05T00:00:00Z" is no calendar date in YYYY-MM-DD form, such as 2025-01-31.`},
		"us order":    {value: types.StringValue("01/05/2026"), wantError: `"01/05/2026" is no calendar date in YYYY-MM-DD form, such as 2025-01-31.`},
		"empty":       {value: types.StringValue(""), wantError: `"" is no calendar date in YYYY-MM-DD form, such as 2025-01-31.`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req := validator.StringRequest{Path: path.Root("from"), ConfigValue: tc.value}
			var resp validator.StringResponse
			dateValidator{}.ValidateString(context.Background(), req, &resp)

			var got string
			if resp.Diagnostics.HasError() {
				got = resp.Diagnostics.Errors()[0].Detail()
			}
			if diff := cmp.Diff(tc.wantError, got); diff != "" {
				t.Errorf("validate %s mismatch (-want +got):\n%s", tc.value, diff)
			}
		})
	}
}

func TestPortDateValidator(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2026, 12, 1, 23, 30, 0, 0, time.FixedZone("PST", -8*3600)) } // 2026-12-02 UTC
	tests := map[string]struct {
		value     types.String
		wantError string
	}{
		"today":     {value: types.StringValue("2026-12-02")},
		"tomorrow":  {value: types.StringValue("2026-12-03")},
		"null":      {value: types.StringNull()},
		"unknown":   {value: types.StringUnknown()},
		"malformed": {value: types.StringValue("2026-1-5")}, // dateValidator's to report
		"yesterday": {value: types.StringValue("2026-12-01"), wantError: "2026-12-01 is before today (2026-12-02, UTC): a " +
			"port cannot complete on a day that has passed, so the early port-out fees would be counted for the wrong " +
			"day. Set it to the FOC date you will ask the new carrier for, or remove it to count from today."},
		"last year": {value: types.StringValue("2025-07-01"), wantError: "2025-07-01 is before today (2026-12-02, UTC): a " +
			"port cannot complete on a day that has passed, so the early port-out fees would be counted for the wrong " +
			"day. Set it to the FOC date you will ask the new carrier for, or remove it to count from today."},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req := validator.StringRequest{Path: path.Root("port_date"), ConfigValue: tc.value}
			var resp validator.StringResponse
			portDateValidator{now: now}.ValidateString(context.Background(), req, &resp)

			var got string
			if resp.Diagnostics.HasError() {
				got = resp.Diagnostics.Errors()[0].Detail()
			}
			if diff := cmp.Diff(tc.wantError, got); diff != "" {
				t.Errorf("validate %s mismatch (-want +got):\n%s", tc.value, diff)
			}
		})
	}
}
