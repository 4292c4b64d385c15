package provider

import (
	"context"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func TestNormalizeNumberFunction_Run(t *testing.T) {
	t.Parallel()

	tests := map[string]struct {
		input string
		want  function.RunResponse
	}{
		"e164":           {input: "+14155550123", want: okResult("+14155550123")},
		"dashes":         {input: "415-555-0123", want: okResult("+14155550123")},
		"parentheses":    {input: "(415) 555-0123", want: okResult("+14155550123")},
		"dots":           {input: "415.555.0123", want: okResult("+14155550123")},
		"digits only":    {input: "4155550123", want: okResult("+14155550123")},
		"leading one":    {input: "1-800-555-0199", want: okResult("+18005550199")},
		"padded":         {input: "  +1 415 555 0123 ", want: okResult("+14155550123")},
		"empty":          {input: "", want: errResult(`the number is empty; expected a NANP number such as +14155550123`)},
		"letters":        {input: "415-555-CALL", want: errResult(`"415-555-CALL" contains 'C', which is not part of a phone number; expected a NANP number such as +14155550123`)},
		"other country":  {input: "+442071838750", want: errResult(`"+442071838750" is not a NANP number: its country code is not +1, and only NANP numbers (+1) are served`)},
		"too short":      {input: "555-0123", want: errResult(`"555-0123" has 7 digits; a NANP number has 10 (area code, exchange, line) after an optional +1, as in +14155550123`)},
		"bad area code":  {input: "115-555-0123", want: errResult(`"115-555-0123" has area code 115; a NANP area code cannot start with 0 or 1`)},
		"bad exchange":   {input: "415-155-0123", want: errResult(`"415-155-0123" has exchange 155; a NANP exchange cannot start with 0 or 1`)},
		"plus elsewhere": {input: "415+5550123", want: errResult(`"415+5550123" contains '+', which is not part of a phone number; expected a NANP number such as +14155550123`)},
	}

	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			got := function.RunResponse{Result: function.NewResultData(types.StringUnknown())}
			req := function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{types.StringValue(tc.input)})}
			NewNormalizeNumberFunction().Run(context.Background(), req, &got)

			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("normalize_number(%q) mismatch (-want +got):\n%s", tc.input, diff)
			}
		})
	}
}

func okResult(e164 string) function.RunResponse {
	return function.RunResponse{Result: function.NewResultData(types.StringValue(e164))}
}

// errResult is a failed call: the result stays unknown and the error points at
// the only argument.
func errResult(text string) function.RunResponse {
	return function.RunResponse{
		Result: function.NewResultData(types.StringUnknown()),
		Error:  function.NewArgumentFuncError(0, text),
	}
}

func TestAccNormalizeNumberFunction(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			tfversion.SkipBelow(tfversion.Version1_8_0),
		},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
output "dashes" {
  value = provider::sipstation::normalize_number("415-555-0123")
}

output "toll_free" {
  value = provider::sipstation::normalize_number("(800) 555-0199")
}

output "keyed" {
  value = { for n in ["4155550123", "+1 415 555 0124"] : provider::sipstation::normalize_number(n) => n }
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("dashes", knownvalue.StringExact("+14155550123")),
					statecheck.ExpectKnownOutputValue("toll_free", knownvalue.StringExact("+18005550199")),
					statecheck.ExpectKnownOutputValue("keyed", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"+14155550123": knownvalue.StringExact("4155550123"),
						"+14155550124": knownvalue.StringExact("+1 415 555 0124"),
					})),
				},
			},
			{
				Config: `
output "bad" {
  value = provider::sipstation::normalize_number("415-555-CALL")
}
`,
				ExpectError: regexp.MustCompile(`(?s)"415-555-CALL"\s+contains 'C'`),
			},
			{
				Config: `
output "bad" {
  value = provider::sipstation::normalize_number("+44 20 7183 8750")
}
`,
				ExpectError: regexp.MustCompile(`(?s)is\s+not\s+a\s+NANP\s+number:\s+its\s+country\s+code\s+is\s+not\s+\+1`),
			},
		},
	})
}
