package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
)

// numberClass says which numbers an attribute accepts.
type numberClass int

const (
	anyNumber numberClass = iota
	localNumber
	tollFreeNumber
)

// exampleNumber is the form every message shows.
const (
	exampleLocal    = "+14155550123"
	exampleTollFree = "+18005550123"
)

// exampleFor is the number every message of a class shows.
func exampleFor(class numberClass) string {
	if class == tollFreeNumber {
		return exampleTollFree
	}
	return exampleLocal
}

// numberForms is the example of a class in the common forms people write:
// E.164, dashed, with parentheses, digits only.
func numberForms(class numberClass) []string {
	ex := exampleFor(class)
	area, exchange, line := ex[2:5], ex[5:8], ex[8:]
	return []string{ex, area + "-" + exchange + "-" + line, "(" + area + ") " + exchange + "-" + line, ex[2:]}
}

// checkNumber normalizes s and checks that it is of the class wanted. The
// error is a sentence for the user that shows the expected form.
func checkNumber(s string, class numberClass) (string, error) {
	e164, err := phonenumber.Normalize(s)
	if err != nil {
		noun := "a local number"
		switch class {
		case tollFreeNumber:
			noun = "a toll-free number"
		case anyNumber:
			noun = "the number"
		}
		forms := numberForms(class)
		return "", fmt.Errorf("%w. Write %s in any common form, such as %s, %s or %s", err, noun, forms[0], forms[1], forms[2])
	}
	tollFree := phonenumber.IsTollFree(e164)
	switch {
	case class == localNumber && tollFree:
		return "", fmt.Errorf("%q is a toll-free number (area code %s); sipstation_did holds local numbers such as %s. "+
			"Manage toll-free numbers with sipstation_toll_free_number", s, phonenumber.AreaCode(e164), exampleLocal)
	case class == tollFreeNumber && !tollFree:
		return "", fmt.Errorf("%q is a local number (area code %s); sipstation_toll_free_number holds toll-free numbers, "+
			"whose area code is one of %s, such as %s. Manage local numbers with sipstation_did",
			s, phonenumber.AreaCode(e164), strings.Join(phonenumber.TollFreePrefixes, ", "), exampleTollFree)
	}
	return e164, nil
}

// sameNumber reports whether two strings are the same NANP number, written in
// any form. Anything that does not parse is compared as written.
func sameNumber(a, b string) bool {
	na, errA := phonenumber.Normalize(a)
	nb, errB := phonenumber.Normalize(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return na == nb
}

// numberValidator checks a phone number attribute at plan time.
type numberValidator struct {
	class numberClass
}

var _ validator.String = numberValidator{}

func (v numberValidator) Description(_ context.Context) string {
	switch v.class {
	case localNumber:
		return "must be a local (non-toll-free) NANP number, such as " + exampleLocal
	case tollFreeNumber:
		return "must be a toll-free NANP number, such as " + exampleTollFree
	default:
		return "must be a NANP number, such as " + exampleLocal
	}
}

func (v numberValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v numberValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := checkNumber(req.ConfigValue.ValueString(), v.class); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Phone Number", capitalize(err.Error())+".")
	}
}

// areaCodeValidator checks a local area code: three digits, the first 2-9,
// and not a toll-free prefix.
type areaCodeValidator struct{}

var _ validator.String = areaCodeValidator{}

func (areaCodeValidator) Description(_ context.Context) string {
	return "must be a three-digit NANP area code that is not toll-free, such as 415"
}

func (v areaCodeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (areaCodeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := areaCodeProblem(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Area Code", msg)
	}
}

// areaCodeProblem explains what is wrong with a local area code, or returns "".
func areaCodeProblem(code string) string {
	switch {
	case !phonenumber.IsAreaCode(code):
		return fmt.Sprintf("%q is no NANP area code: write three digits, the first from 2 to 9, such as \"415\".", code)
	case slices.Contains(phonenumber.TollFreePrefixes, code):
		return fmt.Sprintf("%s is a toll-free prefix; sipstation_did orders local numbers, by a local area code such as "+
			"\"415\". Order toll-free numbers with sipstation_toll_free_number.", code)
	}
	return ""
}

// durationValidator accepts Go duration strings such as "30s" or "2m".
type durationValidator struct{}

var _ validator.String = durationValidator{}

func (durationValidator) Description(_ context.Context) string {
	return "must be a positive duration such as 30s or 2m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%q is not a positive duration. Write a number with a unit, such as 30s, 90s or 2m.",
				req.ConfigValue.ValueString()))
	}
}

// capitalize upper-cases the first letter of a message built from an error.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// dateValidator accepts a calendar date in YYYY-MM-DD form.
type dateValidator struct{}

var _ validator.String = dateValidator{}

func (dateValidator) Description(context.Context) string {
	return "must be a date in YYYY-MM-DD form"
}

func (v dateValidator) MarkdownDescription(ctx context.Context) string {
	return "must be a date in `YYYY-MM-DD` form"
}

func (dateValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := time.Parse(time.DateOnly, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Date",
			fmt.Sprintf("%q is no calendar date in YYYY-MM-DD form, such as 2025-01-31.", req.ConfigValue.ValueString()))
	}
}

// portDateValidator refuses a port date (YYYY-MM-DD) before today (UTC, by
// the clock of the machine running Terraform): a port completes on a day
// still to come. A malformed date is dateValidator's to report.
type portDateValidator struct {
	now func() time.Time // time.Now when nil
}

var _ validator.String = portDateValidator{}

func (portDateValidator) Description(context.Context) string {
	return "must not be before today (UTC)"
}

func (v portDateValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v portDateValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	date, err := time.Parse(time.DateOnly, req.ConfigValue.ValueString())
	if err != nil {
		return
	}
	now := time.Now
	if v.now != nil {
		now = v.now
	}
	today := now().UTC().Truncate(24 * time.Hour)
	if date.Before(today) {
		resp.Diagnostics.AddAttributeError(req.Path, "Date in the Past",
			fmt.Sprintf("%s is before today (%s, UTC): a port cannot complete on a day that has passed, so the "+
				"early port-out fees would be counted for the wrong day. Set it to the FOC date you will ask the "+
				"new carrier for, or remove it to count from today.",
				req.ConfigValue.ValueString(), today.Format(time.DateOnly)))
	}
}
