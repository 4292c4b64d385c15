package provider

// The number resources' schema: the attributes both kinds share, plus the
// kind's own (numberKind.attributes).

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Schema is the shared schema plus the kind's attributes.
func (r *numberResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	example := exampleFor(r.kind.class)
	computedString := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc,
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	optionalString := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Optional: true}
	}

	attrs := map[string]schema.Attribute{
		"id": computedString("The number in E.164 form, such as `" + example + "`. Import the resource by the " +
			"number in any common form."),
		"location_id": schema.StringAttribute{
			MarkdownDescription: "ID of the `sipstation_location` that holds and is billed for the number. " +
				"Changing it **moves** the number to the other location of the account in place: the number, " +
				"its settings and its service stay; from then on the other location's statements bill it.",
			Required: true,
		},
		"number": r.numberAttribute(),
		"description": schema.StringAttribute{
			MarkdownDescription: "Free text to recognise the number by in the SIPStation store, such as " +
				"`\"Main line\"`. Changes in place. Empty when not set.",
			Optional: true,
			Computed: true,
			Default:  stringdefault.StaticString(""),
		},
		"failover": schema.SingleNestedAttribute{
			MarkdownDescription: "Where SIPStation sends the number's calls when your PBX cannot be reached: " +
				"another phone number, or a SIP destination — set exactly one. Changes in place; removing the " +
				"block removes the failover.",
			Optional: true,
			Attributes: map[string]schema.Attribute{
				"number": schema.StringAttribute{
					MarkdownDescription: "A NANP number to forward calls to, in any common form, such as " +
						"`" + exampleLocal + "`.",
					Optional:      true,
					Validators:    []validator.String{numberValidator{class: anyNumber}},
					PlanModifiers: []planmodifier.String{sameNumberPlanModifier{}},
				},
				"destination": optionalString("A SIP destination to send calls to, such as " +
					"`sip:frontdesk@pbx.example.com`."),
			},
		},
		"status": computedString("The number's state at SIPStation: `active`; `port_out_pending` while a " +
			"gaining carrier's port-out is pending (the number cannot be removed then); `ported_out` once it " +
			"has left SIPStation (still billed until removed)."),
		"billing_active": schema.BoolAttribute{
			MarkdownDescription: "Whether SIPStation bills the number. Stays `true` after a port-out " +
				"completes, until the resource is removed (which cancels the service).",
			Computed:      true,
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
		},
		"monthly_rate": computedString("What the number costs a month, in USD, as a decimal string such as `\"1.50\"`."),
		"activated_at": computedString("When the number's service started (RFC 3339, UTC)."),
		"port_out_pending": schema.BoolAttribute{
			MarkdownDescription: "Whether a gaining carrier's port-out of the number is pending. While it is, " +
				"the provider refuses to cancel the number: a plan that would destroy or replace it fails.",
			Computed:      true,
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
		},
		"port_out": schema.SingleNestedAttribute{
			MarkdownDescription: "The latest port-out of the number requested by a gaining carrier; null when " +
				"there has been none.",
			Computed:      true,
			PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
			Attributes: map[string]schema.Attribute{
				"status": schema.StringAttribute{
					MarkdownDescription: "`pending`, `completed`, `rejected` or `cancelled`.",
					Computed:            true,
				},
				"carrier_name": schema.StringAttribute{
					MarkdownDescription: "The gaining carrier.",
					Computed:            true,
				},
				"foc_date": schema.StringAttribute{
					MarkdownDescription: "The firm order commitment date (`YYYY-MM-DD`) on which the number moves; " +
						"the requested date until the carriers confirm one.",
					Computed: true,
				},
				"completed_at": schema.StringAttribute{
					MarkdownDescription: "When the port completed (RFC 3339, UTC); null until it has.",
					Computed:            true,
				},
			},
		},
		"early_port_out_fee": computedString("The fee charged because the number was held under 90 days when " +
			"its port-out completed, as a decimal string in USD; null when none applies."),
		"order_idempotency_key": schema.StringAttribute{
			MarkdownDescription: "The `Idempotency-Key` of the order that ordered the number; null for a number " +
				"imported or ordered before the provider recorded it. When every answer to an order is lost, the " +
				"resource stays in state as a pending order (id `" + pendingOrderPrefix + "<key>`), and the next " +
				"apply sends the same order with this key again: SIPStation then answers with the number it " +
				"ordered the first time, or orders it once if it never did, never a second number.",
			Computed:      true,
			PlanModifiers: []planmodifier.String{stateValuePlanModifier{}},
		},
	}
	for name, a := range r.kind.attributes {
		attrs[name] = a
	}

	resp.Schema = schema.Schema{
		MarkdownDescription: r.kind.description,
		Attributes:          attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true,
				Delete: true,
				CreateDescription: "How long ordering the number and applying its settings may take " +
					"(default 10m), as a duration such as `15m`.",
				DeleteDescription: "How long cancelling the number may take (default 10m).",
			}),
		},
	}
}

// numberAttribute is the number attribute: required where the API orders
// by number only (toll-free), else optional and computed from the order.
func (r *numberResource) numberAttribute() schema.StringAttribute {
	forms := numberForms(r.kind.class)
	hint := "SIPStation orders toll-free numbers by number. "
	if !r.kind.numberRequired {
		hint = "Give `number` to order that number, or `area_code` to order any free number in that area " +
			"code; the ordered number then appears here. Removing `number` from the configuration later keeps " +
			"the number. "
	}
	return schema.StringAttribute{
		MarkdownDescription: "The " + r.kind.noun + " to order, in any common form: `" + forms[0] + "`, `" +
			forms[1] + "`, `" + forms[2] + "` or `" + forms[3] + "`. " + hint +
			"Numbers are compared by value, so writing the same number in another form changes nothing; " +
			"`id` always holds the E.164 form, and so does `number` once refreshed. Changing `number` to a " +
			"**different** number replaces the resource: the old number is cancelled (subject to the " +
			"port-out guard) and the new one ordered. A number known only during apply (computed from " +
			"another resource) plans no replace; should it turn out to be a different number, the apply " +
			"fails without cancelling anything, and the next plan shows the replace.",
		Required:      r.kind.numberRequired,
		Optional:      !r.kind.numberRequired,
		Computed:      !r.kind.numberRequired,
		Validators:    []validator.String{numberValidator{class: r.kind.class}},
		PlanModifiers: []planmodifier.String{numberPlanModifier{}},
	}
}
