package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
)

var _ function.Function = &NormalizeNumberFunction{}

// NormalizeNumberFunction is provider::sipstation::normalize_number: it lets a
// configuration write numbers the way people do (415-555-0123) and compare or
// key them the way the API stores them (+14155550123).
type NormalizeNumberFunction struct{}

// NewNormalizeNumberFunction returns the normalize_number function.
func NewNormalizeNumberFunction() function.Function {
	return &NormalizeNumberFunction{}
}

// Metadata names the function.
func (f *NormalizeNumberFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "normalize_number"
}

// Definition describes the function's argument and result.
func (f *NormalizeNumberFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Normalize a phone number to E.164",
		MarkdownDescription: "Returns a North American (NANP) phone number written in any common form — " +
			"`+14155550123`, `1-415-555-0123`, `415-555-0123`, `(415) 555-0123`, `415.555.0123` or `4155550123` — " +
			"in E.164 form (`+14155550123`), the form SIPStation stores and the provider's `number` attributes use. " +
			"Use it to key maps of numbers, to compare a number from a spreadsheet or a port-out request with state, " +
			"or to feed `import` blocks.\n\n" +
			"When the input is no phone number, the function fails and says why: letters or other characters, " +
			"a country code other than +1, the wrong count of digits, or an area code or exchange starting with 0 or 1. " +
			"It checks the form only; whether the number exists or is free is for the API to say.\n\n" +
			"Provider-defined functions need Terraform 1.8 or later, or OpenTofu 1.7 or later.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "number",
				MarkdownDescription: "A NANP phone number in any common form, for example `(415) 555-0123`.",
			},
		},
		Return: function.StringReturn{},
	}
}

// Run normalizes the argument, or fails with the reason it is no phone number.
func (f *NormalizeNumberFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var input string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &input))
	if resp.Error != nil {
		return
	}
	e164, err := phonenumber.Normalize(input)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, e164))
}
