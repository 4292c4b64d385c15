package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// NewDIDResource returns sipstation_did: a local number (DID).
func NewDIDResource() resource.Resource {
	return &numberResource{kind: didKind}
}

// didModel is the state of sipstation_did.
type didModel struct {
	numberModel
	AreaCode    types.String `tfsdk:"area_code"`
	E911Address types.Object `tfsdk:"e911_address"`
	SMSEnabled  types.Bool   `tfsdk:"sms_enabled"`
}

var _ numberState = &didModel{}

// e911Model is the e911_address object.
type e911Model struct {
	Name    types.String `tfsdk:"name"`
	Street1 types.String `tfsdk:"street1"`
	Street2 types.String `tfsdk:"street2"`
	City    types.String `tfsdk:"city"`
	State   types.String `tfsdk:"state"`
	Zip     types.String `tfsdk:"zip"`
}

var e911AttrTypes = map[string]attr.Type{
	"name":    types.StringType,
	"street1": types.StringType,
	"street2": types.StringType,
	"city":    types.StringType,
	"state":   types.StringType,
	"zip":     types.StringType,
}

var didKind = numberKind{
	typeSuffix: "_did",
	apiType:    sipstation.TypeLocal,
	class:      localNumber,
	noun:       "local number",
	description: "A local phone number (DID) of a SIPStation location: ordering it starts its service and " +
		"billing, and its settings (description, failover, E911 address, SMS) change in place.\n\n" +
		"Order a particular number with `number`, or any free number of an area code with `area_code`. " +
		"Changing `location_id` moves the number to another location without cancelling it. Only changing " +
		"`number` to a different number replaces the resource.\n\n" +
		"**Removing the resource cancels the number's service**, which stops its billing; the number is then " +
		"gone from the account and cannot be ordered again right away.\n\n" +
		"**Port-out guard.** While a gaining carrier's port-out of the number is pending " +
		"(`port_out_pending = true`), cancelling it could lose the number for good, so `terraform plan` fails " +
		"for any plan that would destroy or replace it, and the apply checks again before cancelling. Keep the " +
		"resource until the port completes, or stop managing it without cancelling through a `removed` block " +
		"with `lifecycle { destroy = false }`. Once the port completes the number shows `status = " +
		"\"ported_out\"` and SIPStation **keeps billing it**: every plan warns until you remove the resource, " +
		"which then cancels it and stops the billing.\n\n" +
		"The settings go with the order, so a setting SIPStation refuses (say, the E911 address) orders " +
		"nothing. A tainted resource (after `terraform taint`, or an apply that failed part-way) is not " +
		"replaced: the plan fails, since the replace would cancel the number; run `terraform untaint`.",
	attributes: map[string]schema.Attribute{
		"area_code": schema.StringAttribute{
			MarkdownDescription: "Order any free local number in this area code, such as `\"415\"`, instead of " +
				"a particular `number`. The number ordered appears in `number` and `id`. Changing or removing " +
				"`area_code` later changes nothing at SIPStation: the number stays. " +
				"Once ordered, pin the number: replace `area_code` with `number` set to the number ordered (a " +
				"plan then shows no change at SIPStation). A " +
				"resource known only by its area code cannot be told apart from a new order, so renaming it " +
				"without a `moved` block, or `-replace`, cancels the number and orders another one.",
			Optional:   true,
			Validators: []validator.String{areaCodeValidator{}},
		},
		"e911_address": schema.SingleNestedAttribute{
			MarkdownDescription: "The emergency (E911) address dispatched with 911 calls from the number: " +
				"where the phone using it is. Changes in place; removing the block removes the address.",
			Optional: true,
			Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{
					MarkdownDescription: "Name shown to the emergency dispatcher: the business or person.",
					Required:            true,
				},
				"street1": schema.StringAttribute{MarkdownDescription: "Street and number.", Required: true},
				"street2": schema.StringAttribute{
					MarkdownDescription: "Suite, floor or unit; empty when not set.",
					Optional:            true,
					Computed:            true,
					Default:             stringdefault.StaticString(""),
				},
				"city":  schema.StringAttribute{MarkdownDescription: "City.", Required: true},
				"state": schema.StringAttribute{MarkdownDescription: "Two-letter state code, such as `CA`.", Required: true},
				"zip":   schema.StringAttribute{MarkdownDescription: "ZIP code.", Required: true},
			},
		},
		"sms_enabled": schema.BoolAttribute{
			MarkdownDescription: "Whether the number sends and receives SMS. Defaults to `false`. Changes in place.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
		},
	},
	newModel:       func() numberState { return &didModel{} },
	validateConfig: validateDIDConfig,
}

// validateDIDConfig requires exactly one way of choosing the number.
func validateDIDConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var number, areaCode types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("number"), &number)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("area_code"), &areaCode)...)
	if resp.Diagnostics.HasError() || number.IsUnknown() || areaCode.IsUnknown() {
		return
	}
	switch {
	case !number.IsNull() && !areaCode.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("area_code"), conflictingNumberAreaCodeSummary,
			"Give either number, to order that number (such as \""+exampleLocal+"\"), or area_code, to order "+
				"any free number in it (such as \"415\"), not both. After ordering by area code you may replace "+
				"area_code with the number ordered; that changes nothing at SIPStation.")
	case number.IsNull() && areaCode.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("number"), missingNumberAreaCodeSummary,
			"Give number, to order that number (such as \""+exampleLocal+"\"), or area_code, to order any free "+
				"number in it (such as \"415\").")
	}
}

func (m *didModel) base() *numberModel { return &m.numberModel }

func (m *didModel) kindFromAPI(ctx context.Context, n *sipstation.Number, overwrite bool) diag.Diagnostics {
	var diags diag.Diagnostics
	e911 := types.ObjectNull(e911AttrTypes)
	if a := n.E911Address; a != nil {
		v, d := types.ObjectValueFrom(ctx, e911AttrTypes, e911Model{
			Name:    types.StringValue(a.Name),
			Street1: types.StringValue(a.Street1),
			Street2: types.StringValue(a.Street2),
			City:    types.StringValue(a.City),
			State:   types.StringValue(a.State),
			Zip:     types.StringValue(a.Zip),
		})
		diags.Append(d...)
		e911 = v
	}
	setObject(&m.E911Address, e911, overwrite)
	setBool(&m.SMSEnabled, n.SMSEnabled != nil && *n.SMSEnabled, overwrite)
	return diags
}

func (m *didModel) order(ctx context.Context, o *sipstation.NumberOrder) diag.Diagnostics {
	if o.Number == "" {
		o.AreaCode = m.AreaCode.ValueString()
	}
	var diags diag.Diagnostics
	if !m.E911Address.IsNull() && !m.E911Address.IsUnknown() {
		o.E911Address, diags = e911API(ctx, m.E911Address)
	}
	if !m.SMSEnabled.IsNull() && !m.SMSEnabled.IsUnknown() {
		o.SMSEnabled = m.SMSEnabled.ValueBoolPointer()
	}
	return diags
}

// e911API is the E911 address to send, from a known e911_address object.
func e911API(ctx context.Context, v types.Object) (*sipstation.E911Address, diag.Diagnostics) {
	var a e911Model
	diags := v.As(ctx, &a, objectAsOptions)
	return &sipstation.E911Address{
		Name:    a.Name.ValueString(),
		Street1: a.Street1.ValueString(),
		Street2: a.Street2.ValueString(),
		City:    a.City.ValueString(),
		State:   a.State.ValueString(),
		Zip:     a.Zip.ValueString(),
	}, diags
}

func (m *didModel) update(ctx context.Context, current numberState, u *sipstation.NumberUpdate) diag.Diagnostics {
	var diags diag.Diagnostics
	cur, ok := current.(*didModel)
	if !ok {
		diags.AddError(unexpectedNumberKindSummary,
			fmt.Sprintf("A sipstation_did was compared with a %T. This is a bug in the provider; please report it.", current))
		return diags
	}
	if !m.E911Address.Equal(cur.E911Address) {
		if m.E911Address.IsNull() {
			u.RemoveE911Address = true
		} else {
			a, d := e911API(ctx, m.E911Address)
			diags.Append(d...)
			u.E911Address = a
		}
	}
	if !m.SMSEnabled.Equal(cur.SMSEnabled) {
		u.SMSEnabled = m.SMSEnabled.ValueBoolPointer()
	}
	return diags
}

func (m *didModel) keep(prior numberState) {
	if p, ok := prior.(*didModel); ok {
		m.AreaCode = p.AreaCode
	}
}
