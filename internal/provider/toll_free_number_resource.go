package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// NewTollFreeNumberResource returns sipstation_toll_free_number.
func NewTollFreeNumberResource() resource.Resource {
	return &numberResource{kind: tollFreeKind}
}

// tollFreeModel is the state of sipstation_toll_free_number.
type tollFreeModel struct {
	numberModel
	RespOrg types.String `tfsdk:"resp_org"`
}

var _ numberState = &tollFreeModel{}

var tollFreeKind = numberKind{
	typeSuffix:     "_toll_free_number",
	apiType:        sipstation.TypeTollFree,
	class:          tollFreeNumber,
	numberRequired: true,
	noun:           "toll-free number",
	description: "A toll-free number (area code 800, 833, 844, 855, 866, 877 or 888) of a SIPStation " +
		"location: ordering it starts its service and billing, and its settings (description, failover) " +
		"change in place.\n\n" +
		"Order it by `number`. Changing `location_id` moves the number to another location without cancelling it. Only changing " +
		"`number` to a different number replaces the resource.\n\n" +
		"**Removing the resource cancels the number's service**, which stops its billing; the number is then " +
		"gone from the account and cannot be ordered again right away.\n\n" +
		"**Port-out guard.** Toll-free numbers move to a new RespOrg through a port-out like local numbers. " +
		"While that port-out is pending (`port_out_pending = true`), cancelling the number could lose it for " +
		"good, so `terraform plan` fails for any plan that would destroy or replace it, and the apply checks " +
		"again before cancelling. Keep the resource until the port completes, or stop managing it without " +
		"cancelling through a `removed` block with `lifecycle { destroy = false }`. Once the port completes " +
		"the number shows `status = \"ported_out\"` and SIPStation **keeps billing it**: every plan warns until " +
		"you remove the resource, which then cancels it and stops the billing.\n\n" +
		"The failover goes with the order, so a failover SIPStation refuses orders nothing. A tainted resource " +
		"(after `terraform taint`, or an apply that failed part-way) is not replaced: the plan fails, since the " +
		"replace would cancel the number; run `terraform untaint`.",
	attributes: map[string]schema.Attribute{
		"resp_org": schema.StringAttribute{
			MarkdownDescription: "The RespOrg that manages the number in the toll-free registry. A new " +
				"RespOrg takes the number over through a port-out.",
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	},
	newModel: func() numberState { return &tollFreeModel{} },
}

func (m *tollFreeModel) base() *numberModel { return &m.numberModel }

func (m *tollFreeModel) kindFromAPI(_ context.Context, n *sipstation.Number, overwrite bool) diag.Diagnostics {
	setString(&m.RespOrg, types.StringValue(n.RespOrg), overwrite)
	return nil
}

func (m *tollFreeModel) order(context.Context, *sipstation.NumberOrder) diag.Diagnostics { return nil }

func (m *tollFreeModel) update(context.Context, numberState, *sipstation.NumberUpdate) diag.Diagnostics {
	return nil
}

func (m *tollFreeModel) keep(numberState) {}
