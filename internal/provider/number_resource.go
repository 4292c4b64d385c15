package provider

// numberResource is the one implementation behind sipstation_did and
// sipstation_toll_free_number; a numberKind supplies what differs between
// them (did_resource.go, toll_free_number_resource.go).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

const (
	defaultCreateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

var (
	_ resource.Resource                   = &numberResource{}
	_ resource.ResourceWithConfigure      = &numberResource{}
	_ resource.ResourceWithImportState    = &numberResource{}
	_ resource.ResourceWithModifyPlan     = &numberResource{}
	_ resource.ResourceWithValidateConfig = &numberResource{}
)

// numberKind is what differs between the two number resources.
type numberKind struct {
	// typeSuffix follows the provider type name: "_did".
	typeSuffix string
	// apiType is the API's number type.
	apiType string
	// class is the numbers the resource accepts.
	class numberClass
	// numberRequired is set when the API orders the kind by number only.
	numberRequired bool
	// noun names one number of the kind in messages: "local number".
	noun string
	// description is the resource's documentation.
	description string
	// attributes are the kind's own attributes, added to the shared ones.
	attributes map[string]schema.Attribute
	// newModel returns an empty model of the kind.
	newModel func() numberState
	// validateConfig checks what spans attributes of the kind.
	validateConfig func(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse)
}

// numberState is a kind's model: the shared numberModel plus the kind's own
// attributes.
type numberState interface {
	base() *numberModel
	// fromAPI writes the kind's own attributes as the API holds them: all
	// of them when overwrite is set, else only those still unknown.
	fromAPI(ctx context.Context, n *sipstation.Number, overwrite bool) diag.Diagnostics
	// order adds to o what the kind orders by, and the kind's settings.
	order(ctx context.Context, o *sipstation.NumberOrder) diag.Diagnostics
	// update adds to u the kind's settings that differ from current.
	update(ctx context.Context, current numberState, u *sipstation.NumberUpdate) diag.Diagnostics
	// keep copies from prior what the API does not hold.
	keep(prior numberState)
}

// numberResource implements both number resources.
type numberResource struct {
	kind   numberKind
	client *sipstation.Client
	// ledger is the walk's record of the numbers in state (number_ledger.go).
	ledger *numberLedger
}

// numberModel holds the attributes both number resources share.
type numberModel struct {
	ID              types.String   `tfsdk:"id"`
	LocationID      types.String   `tfsdk:"location_id"`
	Number          types.String   `tfsdk:"number"`
	Description     types.String   `tfsdk:"description"`
	Failover        types.Object   `tfsdk:"failover"`
	Status          types.String   `tfsdk:"status"`
	BillingActive   types.Bool     `tfsdk:"billing_active"`
	MonthlyRate     types.String   `tfsdk:"monthly_rate"`
	ActivatedAt     types.String   `tfsdk:"activated_at"`
	PortOutPending  types.Bool     `tfsdk:"port_out_pending"`
	PortOut         types.Object   `tfsdk:"port_out"`
	EarlyPortOutFee types.String   `tfsdk:"early_port_out_fee"`
	OrderKey        types.String   `tfsdk:"order_idempotency_key"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// objectAsOptions converts known objects only; callers check for null and
// unknown first.
var objectAsOptions = basetypes.ObjectAsOptions{}

var failoverAttrTypes = map[string]attr.Type{
	"number":      types.StringType,
	"destination": types.StringType,
}

var portOutAttrTypes = map[string]attr.Type{
	"status":       types.StringType,
	"carrier_name": types.StringType,
	"foc_date":     types.StringType,
	"completed_at": types.StringType,
}

// failoverModel is the failover object.
type failoverModel struct {
	Number      types.String `tfsdk:"number"`
	Destination types.String `tfsdk:"destination"`
}

// setString sets *dst to v when overwrite is set or *dst is unknown: Create
// and Update keep what the plan already knows, Read takes everything.
func setString(dst *types.String, v types.String, overwrite bool) {
	if overwrite || dst.IsUnknown() {
		*dst = v
	}
}

func setBool(dst *types.Bool, v bool, overwrite bool) {
	if overwrite || dst.IsUnknown() {
		*dst = types.BoolValue(v)
	}
}

func setObject(dst *types.Object, v types.Object, overwrite bool) {
	if overwrite || dst.IsUnknown() {
		*dst = v
	}
}

// stringOrNull maps the API's empty string to null.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// fromAPI writes the shared attributes as the API holds them.
func (m *numberModel) fromAPI(ctx context.Context, n *sipstation.Number, overwrite bool) diag.Diagnostics {
	var diags diag.Diagnostics
	setString(&m.ID, types.StringValue(n.Number), overwrite)
	setString(&m.Number, types.StringValue(n.Number), overwrite)
	setString(&m.LocationID, types.StringValue(n.LocationID), overwrite)
	setString(&m.Description, types.StringValue(n.Description), overwrite)
	setString(&m.Status, types.StringValue(n.Status), overwrite)
	setBool(&m.BillingActive, n.Billing.Active, overwrite)
	setString(&m.MonthlyRate, types.StringValue(n.Billing.MonthlyRate), overwrite)
	setString(&m.ActivatedAt, types.StringValue(n.ActivatedAt.UTC().Format(time.RFC3339)), overwrite)
	setBool(&m.PortOutPending, n.PortOutPending(), overwrite)
	if n.EarlyPortOutFee != nil {
		setString(&m.EarlyPortOutFee, types.StringValue(*n.EarlyPortOutFee), overwrite)
	} else {
		setString(&m.EarlyPortOutFee, types.StringNull(), overwrite)
	}

	failover := types.ObjectNull(failoverAttrTypes)
	if n.Failover != nil && (n.Failover.Number != "" || n.Failover.Destination != "") {
		v, d := types.ObjectValueFrom(ctx, failoverAttrTypes, failoverModel{
			Number:      stringOrNull(n.Failover.Number),
			Destination: stringOrNull(n.Failover.Destination),
		})
		diags.Append(d...)
		failover = v
	}
	setObject(&m.Failover, failover, overwrite)

	portOut, d := portOutObject(n)
	diags.Append(d...)
	setObject(&m.PortOut, portOut, overwrite)
	return diags
}

// portOutObject is a number's port_out attribute, in the resources and in
// data "sipstation_numbers": null when no port-out was ever requested.
// foc_date falls back to the requested date until the carriers confirm one,
// as the guard reports it.
func portOutObject(n *sipstation.Number) (types.Object, diag.Diagnostics) {
	p := n.PortOut
	if p == nil {
		return types.ObjectNull(portOutAttrTypes), nil
	}
	completed := types.StringNull()
	if p.CompletedAt != nil {
		completed = types.StringValue(p.CompletedAt.UTC().Format(time.RFC3339))
	}
	return types.ObjectValue(portOutAttrTypes, map[string]attr.Value{
		"status":       types.StringValue(p.Status),
		"carrier_name": types.StringValue(p.CarrierName),
		"foc_date":     stringOrNull(n.FOCDate()),
		"completed_at": completed,
	})
}

// portOutAttr returns one string attribute of port_out, "" when unset.
func (m *numberModel) portOutAttr(name string) string {
	if m.PortOut.IsNull() || m.PortOut.IsUnknown() {
		return ""
	}
	v, ok := m.PortOut.Attributes()[name].(types.String)
	if !ok {
		return ""
	}
	return v.ValueString()
}

// portOutInfo is what the guard says about the number, from state.
func (m *numberModel) portOutInfo() portOutInfo {
	info := portOutInfo{number: m.ID.ValueString(), carrier: "an unnamed carrier", focDate: "not yet set"}
	if c := m.portOutAttr("carrier_name"); c != "" {
		info.carrier = c
	}
	if d := m.portOutAttr("foc_date"); d != "" {
		info.focDate = d
	}
	return info
}

// failoverAPI returns the failover to send, nil when none is configured.
func (m *numberModel) failoverAPI(ctx context.Context) (*sipstation.Failover, diag.Diagnostics) {
	if m.Failover.IsNull() || m.Failover.IsUnknown() {
		return nil, nil
	}
	var f failoverModel
	diags := m.Failover.As(ctx, &f, objectAsOptions)
	out := &sipstation.Failover{Destination: f.Destination.ValueString()}
	if !f.Number.IsNull() {
		// Send E.164: the form the API stores and compares.
		e164, err := phonenumber.Normalize(f.Number.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("failover").AtName("number"), "Invalid Phone Number", capitalize(err.Error())+".")
			return nil, diags
		}
		out.Number = e164
	}
	return out, diags
}

// sameFailover compares two failover objects, numbers by value.
func sameFailover(ctx context.Context, a, b types.Object) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	var fa, fb failoverModel
	if a.As(ctx, &fa, objectAsOptions).HasError() || b.As(ctx, &fb, objectAsOptions).HasError() {
		return a.Equal(b)
	}
	return fa.Destination.Equal(fb.Destination) &&
		fa.Number.IsNull() == fb.Number.IsNull() &&
		sameNumber(fa.Number.ValueString(), fb.Number.ValueString())
}

// sharedUpdate adds to u the shared settings of m that differ from current.
func (m *numberModel) sharedUpdate(ctx context.Context, current *numberModel, u *sipstation.NumberUpdate) diag.Diagnostics {
	var diags diag.Diagnostics
	if !m.LocationID.Equal(current.LocationID) {
		u.LocationID = m.LocationID.ValueStringPointer()
	}
	if !m.Description.Equal(current.Description) {
		u.Description = m.Description.ValueStringPointer()
	}
	if !sameFailover(ctx, m.Failover, current.Failover) {
		if m.Failover.IsNull() {
			u.RemoveFailover = true
		} else {
			f, d := m.failoverAPI(ctx)
			diags.Append(d...)
			u.Failover = f
		}
	}
	return diags
}

// emptyUpdate reports whether u changes nothing.
func emptyUpdate(u sipstation.NumberUpdate) bool {
	return u == (sipstation.NumberUpdate{})
}

// Metadata names the resource.
func (r *numberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.kind.typeSuffix
}

func (r *numberResource) typeName() string {
	return "sipstation" + r.kind.typeSuffix
}

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

// Configure receives the API client and the walk's number ledger.
func (r *numberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	pd, diags := v1ProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	if pd != nil {
		r.client, r.ledger = pd.v1, pd.ledger
	}
}

// ValidateConfig checks what spans attributes.
func (r *numberResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var failover types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("failover"), &failover)...)
	if !failover.IsNull() && !failover.IsUnknown() {
		var f failoverModel
		resp.Diagnostics.Append(failover.As(ctx, &f, objectAsOptions)...)
		if !f.Number.IsUnknown() && !f.Destination.IsUnknown() && f.Number.IsNull() == f.Destination.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("failover"), "Invalid Failover",
				"Set exactly one of failover.number (a phone number such as \""+exampleLocal+"\") or "+
					"failover.destination (a SIP destination such as \"sip:frontdesk@pbx.example.com\").")
		}
	}
	if r.kind.validateConfig != nil {
		r.kind.validateConfig(ctx, req, resp)
	}
}

// ModifyPlan runs the port-out guard, the billed-after-port-out warning and
// the protections against replacing a number by accident.
func (r *numberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Destroy: the resource left the configuration, or terraform destroy.
	if req.Plan.Raw.IsNull() {
		if req.State.Raw.IsNull() {
			return
		}
		state := r.kind.newModel()
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		id := state.base().ID.ValueString()
		r.sawPlan(id)
		// A plain destroy is never the Delete half of a tainted replace.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedWithoutPrior, nil)...)
		if isPendingOrder(id) {
			resp.Diagnostics.AddWarning("Pending Order Leaves State Unresolved", pendingOrderDroppedDetail(state.base()))
			return
		}
		guardPlan(r.liveState(ctx, state.base()), r.typeName(), true, &resp.Diagnostics)
		return
	}

	// Create-shaped: a new number, the second plan of a replace, or the
	// replace of a tainted number (Terraform plans that as a create).
	if req.State.Raw.IsNull() {
		r.modifyCreatePlan(ctx, req, resp)
		return
	}

	state := r.kind.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.base().ID.ValueString()
	r.sawPlan(id)
	// The marker holds the number: the create half of a replace (planned
	// next, without state) guards the number the replace cancels.
	marker, err := json.Marshal(id)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Plan Number", fmt.Sprintf("encode the plan marker: %s", err))
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedFromPrior, marker)...)
	if isPendingOrder(id) {
		// A pending order that is not tainted (terraform untaint): only a
		// replace replays its order, so plan one. The create half takes
		// the key from the marker.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringUnknown())...)
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("id"))
		return
	}
	// numberPlanModifier plans the stored number unless the number changes,
	// which replaces the resource, or is known only at apply, which does not.
	// (resp.RequiresReplace holds only what this method adds, so it cannot
	// tell.)
	var planned, location types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("number"), &planned)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("location_id"), &location)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !planned.IsUnknown() && !planned.Equal(state.base().Number) {
		// A replace cancels the old number: guard it like a destroy.
		guardPlan(r.liveState(ctx, state.base()), r.typeName(), true, &resp.Diagnostics)
		return
	}
	if !location.IsUnknown() && !location.Equal(state.base().LocationID) {
		// SIPStation moves no number while its port is pending: say so now,
		// not at apply.
		if live := r.liveState(ctx, state.base()); live.PortOutPending.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("location_id"), "Number Has a Pending Port-Out: Not Moved",
				movePendingDetail(live.portOutInfo(), state.base().LocationID.ValueString(), location.ValueString()))
			return
		}
	}
	guardPlan(state.base(), r.typeName(), false, &resp.Diagnostics)
}

// sawPlan records in the walk's ledger that id was planned from its state.
func (r *numberResource) sawPlan(id string) {
	if r.ledger != nil {
		r.ledger.sawPlan(id)
	}
}

// movePendingDetail explains why a number with a pending port is not moved.
func movePendingDetail(info portOutInfo, from, to string) string {
	return fmt.Sprintf("%s is being ported out of SIPStation to %s (FOC date %s), and SIPStation moves no number "+
		"while its port is pending: this plan's move from location %s to %s would be refused at apply. Keep "+
		"location_id = %q until the port completes or is rejected. Nothing was moved or cancelled.",
		info.number, info.carrier, info.focDate, from, to, from)
}

// pendingOrderDroppedDetail warns that a pending order leaves state without
// its outcome being known.
func pendingOrderDroppedDetail(m *numberModel) string {
	return fmt.Sprintf("This resource is an order whose answers were lost (idempotency key %s, location %s): "+
		"whether SIPStation ordered a number under it is unknown. Removing it from state cancels nothing, and "+
		"if SIPStation did order a number, that number stays billed. Find it with data \"sipstation_numbers\" "+
		"(location_id = %q) or GET /v1/numbers?location_id=%s, then import it or cancel it. To let the provider "+
		"find out instead, keep the resource in the configuration and apply: the order is replayed with its key.",
		strings.TrimPrefix(m.ID.ValueString(), pendingOrderPrefix), m.LocationID.ValueString(),
		m.LocationID.ValueString(), m.LocationID.ValueString())
}

// pendingOrderUnclaimedDetail warns that a pending order is replaced without
// being replayed, as no resource asks for the same order any more.
func pendingOrderUnclaimedDetail(o pendingOrder) string {
	what := "a number in area code " + o.areaCode
	if o.number != "" {
		what = o.number
	}
	return fmt.Sprintf("State holds a pending order of %[1]s for location %[2]s (idempotency key %[3]s): an earlier "+
		"apply sent it and lost every answer, so whether SIPStation ordered a number under it is unknown. No "+
		"resource of this plan asks for that same order any more (its area_code, number or location changed "+
		"since), so this plan replaces the pending order without replaying it. That cancels nothing: if SIPStation "+
		"did order a number under the key, that number stays billed, outside Terraform state.\n\n"+
		"To let the provider find out instead, set the resource back as it was for that apply and apply: the "+
		"order is replayed with its key. Or find the number: data \"sipstation_numbers\" with location_id = %[2]q, "+
		"or GET /v1/numbers?location_id=%[2]s; then import it or cancel it.", what, o.locationID, o.key)
}

// liveState is the number as the API holds it now, for the destroy-plan
// guard. Refreshed state is not enough: Terraform 1.9 to 1.11 plan the
// destroy of a resource removed from the configuration before refreshing it
// (hashicorp/terraform#35568), and -refresh=false skips the refresh. When the
// API cannot answer, the state decides; Delete asks again anyway.
func (r *numberResource) liveState(ctx context.Context, state *numberModel) *numberModel {
	if r.client == nil {
		return state
	}
	// As fresh as the refresh of this plan (the snapshot); Delete asks live.
	n, err := r.client.ReadNumber(ctx, state.LocationID.ValueString(), state.ID.ValueString())
	if err != nil {
		tflog.Warn(ctx, "port-out check at plan time fell back to state", map[string]any{"error": err.Error()})
		return state
	}
	live := *state
	if diags := live.fromAPI(ctx, n, true); diags.HasError() {
		tflog.Warn(ctx, "port-out check at plan time fell back to state", map[string]any{"error": fmt.Sprint(diags.Errors())})
		return state
	}
	return &live
}

// modifyCreatePlan plans an order. It marks plans that came from no live
// object (see privatePlannedWithoutPrior), hands a pending order's key to
// the plan that replays it, and refuses to order a number the account
// already holds (a tainted number about to be replaced, a replace, or one
// to import) or, by area code, while this plan leaves a tainted number of
// that area code unplanned.
func (r *numberResource) modifyCreatePlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	fromPrior, diags := req.Private.GetKey(ctx, privatePlannedFromPrior)
	resp.Diagnostics.Append(diags...)
	replaced := ""
	if fromPrior == nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedWithoutPrior, []byte("true"))...)
	} else if err := json.Unmarshal(fromPrior, &replaced); err != nil {
		replaced = ""
	}

	var configured, areaCode, location types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("number"), &configured)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("location_id"), &location)...)
	if r.kind.apiType == sipstation.TypeLocal {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("area_code"), &areaCode)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	e164 := ""
	if !configured.IsNull() && !configured.IsUnknown() {
		n, err := phonenumber.Normalize(configured.ValueString())
		if err != nil {
			return // the validator has reported it
		}
		e164 = n
	}

	// The replace of a pending order (-replace, or one untainted) replays it.
	if isPendingOrder(replaced) {
		r.planReplay(ctx, strings.TrimPrefix(replaced, pendingOrderPrefix), location.ValueString(), resp)
		return
	}
	if replaced != "" {
		// The create half of a replace (-replace, replace_triggered_by, a
		// changed number): the first half saw the same number, so only
		// here can a pending port-out of the replaced number fail the
		// plan. This matters for a number ordered by area code, which the
		// checks below cannot see.
		guardPlan(r.liveState(ctx, &numberModel{ID: types.StringValue(replaced)}), r.typeName(), true, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if r.client == nil || location.IsUnknown() {
		return
	}
	// A tainted pending order in state, refreshed by this plan: replay it.
	if key, ok := r.ledger.claimPendingOrder(location.ValueString(), r.kind.apiType, e164, areaCode.ValueString()); ok {
		r.planReplay(ctx, key, location.ValueString(), resp)
		return
	}
	// A pending order whose resource now asks for another order is
	// replaced without a replay: say so, as for one removed.
	for _, o := range r.ledger.unsettledOrders(ctx, taintedWait) {
		resp.Diagnostics.AddWarning("Pending Order Leaves State Unresolved", pendingOrderUnclaimedDetail(o))
	}

	switch {
	case e164 != "":
		r.refuseHeldNumber(ctx, e164, replaced, resp)
	case replaced != "":
		// The replace of a number ordered by area code: documented, and
		// shown by the plan (must be replaced, number known after apply).
		// A warning would not reach the user: Terraform drops the warnings
		// of this second plan of a replace, keeping only its errors.
	case !areaCode.IsNull() && !areaCode.IsUnknown():
		r.refuseTaintedByAreaCode(ctx, location.ValueString(), areaCode.ValueString(), resp)
		if !resp.Diagnostics.HasError() {
			r.warnHeldInAreaCode(ctx, location.ValueString(), areaCode.ValueString(), resp)
		}
	}
}

// warnHeldInAreaCode warns, when the plan orders a number by area code,
// about the numbers of that area code the location already holds and that
// no resource in this state holds (numberLedger.unseen): one of them may be
// this resource's, dropped from state (terraform state rm), and the order
// would then bill a second number. Numbers of other workspaces cannot be
// told from those, so they are named too.
func (r *numberResource) warnHeldInAreaCode(ctx context.Context, locationID, areaCode string, resp *resource.ModifyPlanResponse) {
	nums, err := r.client.ListNumbers(ctx, sipstation.NumberFilter{LocationID: locationID, Type: r.kind.apiType})
	if err != nil {
		tflog.Warn(ctx, "listing the location's numbers for the area-code warning failed", map[string]any{"error": err.Error()})
		return
	}
	var held []string
	for _, n := range nums {
		if n.Billing.Active && phonenumber.AreaCode(n.Number) == areaCode {
			held = append(held, n.Number)
		}
	}
	held = r.ledger.unseen(ctx, held, taintedWait)
	if len(held) == 0 {
		return
	}
	shown := held
	if len(shown) > 10 {
		shown = shown[:10]
	}
	list := strings.Join(shown, ", ")
	if len(held) > len(shown) {
		list += fmt.Sprintf(" and %d more", len(held)-len(shown))
	}
	resp.Diagnostics.AddWarning("Location Already Holds Numbers in This Area Code",
		fmt.Sprintf("This plan orders a new local number in area code %s for location %s, which already holds %s. "+
			"If one of them is this resource's number (its state was removed with terraform state rm, or it was "+
			"ordered outside Terraform), this apply orders a second, billed number: stop, and import that number "+
			"instead (`terraform import <address> <number>`, or an import block). If you do want another number, "+
			"apply. Numbers that other resources in this state hold are not named; those of other workspaces "+
			"(or configurations) on this account are, as the provider cannot tell them from a number dropped "+
			"from state.", areaCode, locationID, list))
}

// planReplay plans the order whose answers were lost, under its key.
func (r *numberResource) planReplay(ctx context.Context, key, locationID string, resp *resource.ModifyPlanResponse) {
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("order_idempotency_key"), key)...)
	resp.Diagnostics.AddWarning("Replaying an Order Whose Answers Were Lost",
		fmt.Sprintf("An earlier apply sent this resource's order for location %s and got no answer (idempotency key "+
			"%s), so state holds it as a pending order. This apply sends the same order with the same key: "+
			"SIPStation answers with the number it ordered then, or orders it once if it never did. It never "+
			"orders a second number for this resource. (SIPStation keeps keys for 24 hours; after that the "+
			"replay is a new order.)\n\nWith create_before_destroy, Terraform creates the replacement before it "+
			"removes the pending order, and the provider cannot hand the replacement the key then: that apply "+
			"stops with \"Provider produced inconsistent final plan\" before anything is ordered. In that case "+
			"find the number (data \"sipstation_numbers\" with location_id = %q), then `terraform state rm "+
			"<address>` and `terraform import <address> <number>`; or, if the location holds no such number, "+
			"`terraform state rm <address>` and apply.", locationID, key, locationID))
}

// refuseHeldNumber fails the plan of an order of e164 when the account
// already holds it. replaced is the number a replace plans to cancel.
func (r *numberResource) refuseHeldNumber(ctx context.Context, e164, replaced string, resp *resource.ModifyPlanResponse) {
	n, err := r.client.GetNumber(ctx, e164)
	switch {
	case errors.Is(err, sipstation.ErrNotFound):
		return
	case err != nil:
		resp.Diagnostics.AddAttributeError(path.Root("number"), "Cannot Check Number",
			fmt.Sprintf("Before ordering %s the provider checks whether this account already holds it, and that "+
				"check failed. Plan again once the API answers.\n\n%s", e164, err))
		return
	case n.PortOutPending():
		// Tainted, renamed or replaced: whatever the plan would do to the
		// held number cancels it first, and its port is pending.
		resp.Diagnostics.AddError(portOutPendingSummary, portOutPendingDetail(portOutInfoFromAPI(n), r.typeName())+
			"\n\nThis plan orders the number again, which means cancelling the one held first: it is tainted, "+
			"replaced, or its resource was renamed without a moved block. Nothing was cancelled or ordered.")
		return
	case replaced == "" && r.ledger.unplannedNumber(ctx, e164, taintedWait):
		// Refreshed by this plan and not planned from its state: tainted.
		resp.Diagnostics.AddAttributeError(path.Root("number"), taintedSummary, taintedDetail(e164)+
			"\n\nThis plan orders the number again, which means cancelling it first; the account holds it "+
			fmt.Sprintf("(location %s, status %s). Nothing was ordered or cancelled.", n.LocationID, n.Status))
		return
	case replaced == e164:
		resp.Diagnostics.AddAttributeError(path.Root("number"), "Refusing to Replace Number",
			fmt.Sprintf("Terraform plans to replace %[1]s (requested with -replace or replace_triggered_by): "+
				"cancel it, then order the same number again. A cancelled number is not free again right away, "+
				"and may be lost for good, so the provider refuses. Nothing was cancelled or ordered.\n\n"+
				"Drop the -replace option or the replace_triggered_by entry; the number's settings change in "+
				"place without a replace.", e164))
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("number"), "Number Already in This Account",
		fmt.Sprintf("This account already holds %[1]s (location %[2]s, status %[3]s), so Terraform cannot "+
			"order it.\n\n"+
			"  - If this resource is tainted (after terraform taint, or an apply that\n"+
			"    failed part-way), Terraform is planning to replace it, which would\n"+
			"    cancel the number. Run `terraform untaint <address>` and plan again.\n"+
			"  - If the resource was renamed, add a moved block from the old address.\n"+
			"  - If the number was ordered outside this configuration, import it:\n"+
			"    `terraform import <address> %[1]s`, or an import block.",
			e164, n.LocationID, n.Status))
}

// refuseTaintedByAreaCode fails the plan of an order by area code while this
// plan refreshed a number of that area code and location that it does not
// plan from its state: a tainted number the order would replace (see
// number_ledger.go).
func (r *numberResource) refuseTaintedByAreaCode(ctx context.Context, locationID, areaCode string, resp *resource.ModifyPlanResponse) {
	for _, number := range r.ledger.unplanned(ctx, locationID, areaCode, taintedWait) {
		n, err := r.client.GetNumber(ctx, number)
		switch {
		case sipstation.NumberGone(n, err):
			continue // gone: Read drops it from state, nothing to replace
		case err != nil:
			resp.Diagnostics.AddError("Cannot Check Number",
				fmt.Sprintf("This plan orders a number in area code %s for location %s, and the provider checks first "+
					"that it does not replace %s, which it refreshed and which this plan does not keep. That check "+
					"failed. Plan again once the API answers.\n\n%s", areaCode, locationID, number, err))
			continue
		}
		found := fmt.Sprintf("\n\nThe provider found this at plan time: this plan orders a local number in area code %s "+
			"for location %s, while state holds %s (same location and area code), which Terraform refreshed but "+
			"does not plan to keep, change or destroy: a tainted resource that Terraform would replace (with "+
			"create_before_destroy, by ordering the new number before cancelling %s). Nothing was ordered or "+
			"cancelled. If instead a removed block drops %s from state in this same plan, apply the removed block "+
			"first and add the new order in a later apply.", areaCode, locationID, number, number, number)
		if n.PortOutPending() {
			resp.Diagnostics.AddError(portOutPendingSummary, portOutPendingDetail(portOutInfoFromAPI(n), r.typeName())+found)
			continue
		}
		resp.Diagnostics.AddError(taintedSummary, taintedDetail(number)+found)
	}
}

// Create orders the number with its settings, then applies what the answer
// shows was not set. Once the order succeeded the number is billed, so it
// reaches state whatever fails after it; an order whose answers are all
// lost reaches state as a pending order that the next apply replays.
func (r *numberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	plan := r.kind.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := plan.base()

	timeout, diags := p.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	orderCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	order := sipstation.NumberOrder{Type: r.kind.apiType, Description: p.Description.ValueString()}
	if !p.Number.IsUnknown() && !p.Number.IsNull() {
		e164, err := checkNumber(p.Number.ValueString(), r.kind.class)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("number"), "Invalid Phone Number", capitalize(err.Error())+".")
			return
		}
		order.Number = e164
	}
	// The settings go with the order, so that one SIPStation refuses (an
	// E911 address, say) refuses the order: nothing is billed, nothing is
	// left tainted.
	failover, diags := p.failoverAPI(ctx)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(plan.order(ctx, &order)...)
	if resp.Diagnostics.HasError() {
		return
	}
	order.Failover = failover

	// A key known at plan time is a pending order's: replay it.
	key := p.OrderKey.ValueString()
	replay := !p.OrderKey.IsUnknown() && key != ""
	if !replay {
		key = uuid.NewString()
	}
	what := "the " + r.kind.noun + " " + order.Number
	if order.Number == "" {
		what = "a " + r.kind.noun + " in area code " + order.AreaCode
	}
	ordered, outcome, err := r.orderUntilAnswered(orderCtx, p.LocationID.ValueString(), order, key)
	switch outcome {
	case orderUnknown:
		r.savePendingOrder(ctx, plan, key, resp)
		resp.Diagnostics.AddError("Order Outcome Unknown", orderUnknownDetail(what, order, p.LocationID.ValueString(), key, timeout, err))
		return
	case orderRefused:
		if replay && errors.Is(err, sipstation.ErrIdempotencyConflict) {
			// The pending order must stay in state: a new order could be a
			// second number.
			r.savePendingOrder(ctx, plan, key, resp)
			resp.Diagnostics.AddError("Cannot Replay Order",
				fmt.Sprintf("The provider replayed the order of %s for location %s whose answers were lost (idempotency "+
					"key %s), and SIPStation refused the replay because this order differs from that one: the "+
					"configuration of the resource changed since (description, failover, E911 address or SMS). Nothing "+
					"was ordered now, and the resource stays in state as the pending order. Set the resource back as "+
					"it was for that apply and apply again, or find the number (data \"sipstation_numbers\" with "+
					"location_id = %q) and import it.\n\n%s", what, p.LocationID.ValueString(), key, p.LocationID.ValueString(), err))
			return
		}
		resp.Diagnostics.AddError("Cannot Order Number",
			fmt.Sprintf("SIPStation did not order %s (it refused the order), so nothing is billed. %s\n\n%s", what, orderHint(err), err))
		return
	}
	tflog.Info(ctx, "ordered number", map[string]any{"number": ordered.Number, "location_id": ordered.LocationID, "replayed": replay})
	p.OrderKey = types.StringValue(key)

	// Whatever the answer shows was not set as planned (the API may not
	// take every setting with an order) is patched.
	current := r.kind.newModel()
	*current.base() = numberModel{Timeouts: p.Timeouts, OrderKey: p.OrderKey}
	current.keep(plan)
	resp.Diagnostics.Append(current.base().fromAPI(ctx, ordered, true)...)
	resp.Diagnostics.Append(current.fromAPI(ctx, ordered, true)...)
	var u sipstation.NumberUpdate
	var settingsErr error
	diags = p.sharedUpdate(ctx, current.base(), &u)
	diags.Append(plan.update(ctx, current, &u)...)
	if diags.HasError() {
		settingsErr = fmt.Errorf("reading the planned settings: %s", diags.Errors())
	}
	u.LocationID = nil // ordered there

	final := ordered
	if settingsErr == nil && !emptyUpdate(u) {
		final, settingsErr = r.client.UpdateNumber(orderCtx, ordered.Number, u)
	}
	if settingsErr != nil {
		// Ordered and billed: it must not be forgotten. State gets what the
		// API holds, and Terraform marks the resource tainted.
		resp.Diagnostics.Append(resp.State.Set(ctx, current)...)
		resp.Diagnostics.AddError("Number Ordered, Settings Failed",
			fmt.Sprintf("%s IS ordered and billed (location %s) and is recorded in Terraform state, but "+
				"applying its settings (failover, E911 address, SMS) failed, so they are not set.\n\n"+
				"Terraform now marks the resource tainted, and would plan to replace it: cancel the number "+
				"and order another. The provider refuses that replace, because a cancelled number cannot be "+
				"ordered again. Fix the cause below, then run `terraform untaint <address>` and apply again: "+
				"the settings are then applied in place.\n\n%s",
				ordered.Number, ordered.LocationID, settingsErr))
		return
	}

	resp.Diagnostics.Append(p.fromAPI(ctx, final, false)...)
	resp.Diagnostics.Append(plan.fromAPI(ctx, final, false)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// orderOutcome is what is known of an order.
type orderOutcome int

const (
	orderDone    orderOutcome = iota // answered with the number
	orderRefused                     // answered with a refusal: nothing ordered
	orderUnknown                     // no answer tells: maybe ordered
)

// orderUntilAnswered sends the order under key until SIPStation answers it
// or ctx ends. Each send after the first is a replay, which the contract
// makes safe: an order executed once is answered as then, never executed
// again. Only a 429 is known not to have been executed.
func (r *numberResource) orderUntilAnswered(ctx context.Context, locationID string, order sipstation.NumberOrder, key string) (*sipstation.Number, orderOutcome, error) {
	wait := time.Second
	maybeExecuted := false
	for {
		n, err := r.client.OrderNumber(ctx, locationID, order, key)
		if err == nil {
			return n, orderDone, nil
		}
		var apiErr *sipstation.APIError
		answered := errors.As(err, &apiErr)
		if answered && apiErr.StatusCode != http.StatusTooManyRequests && apiErr.StatusCode < 500 {
			return nil, orderRefused, err
		}
		maybeExecuted = maybeExecuted || !answered || apiErr.StatusCode != http.StatusTooManyRequests
		tflog.Warn(ctx, "order not answered; replaying it with the same idempotency key", map[string]any{
			"location_id": locationID, "idempotency_key": key, "error": err.Error(),
		})
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			if !maybeExecuted {
				return nil, orderRefused, err
			}
			return nil, orderUnknown, err
		case <-timer.C:
		}
		wait = min(2*wait, 15*time.Second)
	}
}

// savePendingOrder puts the planned resource in state as a pending order:
// id pendingOrderPrefix+key, the key, the configuration as planned, and
// null for what only the answer would have told.
func (r *numberResource) savePendingOrder(ctx context.Context, plan numberState, key string, resp *resource.CreateResponse) {
	p := plan.base()
	p.ID = types.StringValue(pendingOrderPrefix + key)
	p.OrderKey = types.StringValue(key)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	raw, err := tftypes.Transform(resp.State.Raw, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot Record Pending Order", fmt.Sprintf("null the unknown values: %s", err))
		return
	}
	resp.State.Raw = raw
}

// orderUnknownDetail explains an order whose outcome is unknown.
func orderUnknownDetail(what string, order sipstation.NumberOrder, locationID, key string, timeout time.Duration, err error) string {
	find := fmt.Sprintf("data \"sipstation_numbers\" with location_id = %q lists the location's numbers (or GET "+
		"/v1/numbers?location_id=%s)", locationID, locationID)
	if order.Number != "" {
		find = fmt.Sprintf("GET /v1/numbers/%s answers whether the account holds it (or data \"sipstation_numbers\" "+
			"with location_id = %q)", order.Number, locationID)
	}
	return fmt.Sprintf("The provider ordered %[1]s for location %[2]s and got no answer from SIPStation for %[3]s: "+
		"every attempt was lost or failed, so whether SIPStation ordered it is unknown. If it did, the number is "+
		"billed.\n\n"+
		"Terraform state records the resource as a pending order (id %[4]s%[5]s, marked tainted) with the order's "+
		"idempotency key %[5]s. Apply again within 24 hours, with refresh: the provider sends the same order with "+
		"the same key, and SIPStation answers with the number it ordered the first time, or orders it once if it "+
		"never did: never a second number. Until then keep the resource's configuration as it is (the replay must "+
		"be the same order); a plan with -refresh=false does not see a tainted pending order, so run "+
		"`terraform untaint <address>` first then (the plan then replaces the pending order by its replay).\n\n"+
		"To look now: %[6]s. A number found there that no resource holds can be imported instead: "+
		"`terraform state rm <address>`, then `terraform import <address> <number>`.\n\n%[7]s",
		what, locationID, timeout, pendingOrderPrefix, key, find, err)
}

// orderHint says what to do about a failed order.
func orderHint(err error) string {
	switch {
	case errors.Is(err, sipstation.ErrNumberUnavailable):
		return "The number is held by another account, or was cancelled recently and is not free again yet: " +
			"choose another number (or an area code)."
	case errors.Is(err, sipstation.ErrNotFound):
		return "Check location_id: this account has no such location."
	case errors.Is(err, sipstation.ErrInvalidNumber), errors.Is(err, sipstation.ErrValidationFailed):
		return "Check the values the error below names."
	case errors.Is(err, sipstation.ErrTooManyRequests):
		return "SIPStation's rate limit refused every attempt (a refused request is never executed): apply again later."
	}
	return "Fix what the error below names, then apply again."
}

// Read refreshes the number; one the account no longer holds leaves state.
func (r *numberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	state := r.kind.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s := state.base()
	e164 := s.ID.ValueString()
	if isPendingOrder(e164) {
		// No number to read; the plan that replays the order takes its key.
		r.sawPendingOrder(ctx, req.State, s, false)
		return
	}
	r.ledger.sawRefresh(e164, s.LocationID.ValueString())

	// From the location's snapshot: one list per location, not a GET per number.
	n, err := r.client.ReadNumber(ctx, s.LocationID.ValueString(), e164)
	switch {
	case sipstation.NumberGone(n, err):
		tflog.Info(ctx, "number left the account outside Terraform", map[string]any{"number": e164})
		resp.Diagnostics.AddWarning("Number Removed From State",
			fmt.Sprintf("This account no longer holds %s: it was cancelled, or moved out of reach, outside "+
				"Terraform. It is removed from state. If the configuration still declares it, the next apply "+
				"tries to order it again; remove the resource if the number is gone for good.", e164))
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot Read Number",
			fmt.Sprintf("The provider could not read %s, so it cannot tell whether it changed. Plan again once "+
				"the API answers.\n\n%s", e164, err))
		return
	}

	before := reflect.ValueOf(state).Elem().Interface()
	resp.Diagnostics.Append(s.fromAPI(ctx, n, true)...)
	resp.Diagnostics.Append(state.fromAPI(ctx, n, true)...)
	// Most refreshes change nothing, and writing the same state back is the
	// framework's dearest step of a Read (by reflection, attribute by
	// attribute): resp.State already holds it.
	if !resp.Diagnostics.HasError() && reflect.DeepEqual(before, reflect.ValueOf(state).Elem().Interface()) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// sawPendingOrder records a pending order Read (or, at apply, Delete) found
// in state, for the plan that replays it.
func (r *numberResource) sawPendingOrder(ctx context.Context, st tfsdk.State, s *numberModel, fromDelete bool) {
	var areaCode types.String
	if r.kind.apiType == sipstation.TypeLocal {
		if diags := st.GetAttribute(ctx, path.Root("area_code"), &areaCode); diags.HasError() {
			tflog.Warn(ctx, "reading the pending order's area code failed", map[string]any{"error": fmt.Sprint(diags.Errors())})
		}
	}
	// The plan holds the number as configured; the claim compares E.164.
	number := s.Number.ValueString()
	if e164, err := phonenumber.Normalize(number); err == nil {
		number = e164
	}
	r.ledger.sawPendingOrder(pendingOrder{
		key:        strings.TrimPrefix(s.ID.ValueString(), pendingOrderPrefix),
		locationID: s.LocationID.ValueString(),
		apiType:    r.kind.apiType,
		number:     number,
		areaCode:   areaCode.ValueString(),
		fromDelete: fromDelete,
	})
}

// Update changes settings and the location in place; the number stays.
func (r *numberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	plan, state := r.kind.newModel(), r.kind.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := plan.base()
	e164 := state.base().ID.ValueString()

	var u sipstation.NumberUpdate
	resp.Diagnostics.Append(p.sharedUpdate(ctx, state.base(), &u)...)
	resp.Diagnostics.Append(plan.update(ctx, state, &u)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !emptyUpdate(u) {
		n, err := r.client.UpdateNumber(ctx, e164, u)
		if errors.Is(err, sipstation.ErrNotFound) && r.numberGone(ctx, e164) {
			resp.Diagnostics.AddError("Number No Longer in This Account",
				fmt.Sprintf("SIPStation no longer holds %s: it was cancelled, or moved out of reach, outside "+
					"Terraform after this plan was made, so there was nothing to change. Nothing was changed, "+
					"cancelled or ordered. The next plan refreshes it and removes it from state; if the "+
					"configuration still declares it, that plan orders it again (by area_code, a different "+
					"number). Remove the resource if the number is gone for good.\n\n%s", e164, err))
			return
		}
		if err != nil {
			resp.Diagnostics.AddError("Cannot Update Number",
				fmt.Sprintf("SIPStation did not change %s; it keeps its previous settings and location, and its "+
					"service is untouched: nothing was cancelled. %s\n\n%s", e164, updateHint(err, u), err))
			return
		}
		resp.Diagnostics.Append(p.fromAPI(ctx, n, false)...)
		resp.Diagnostics.Append(plan.fromAPI(ctx, n, false)...)
	}
	// Only the plan's own marker goes; whatever else is private stays.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedFromPrior, nil)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// numberGone reports whether SIPStation answers that the account no longer
// holds e164 (not found, or cancelled); an unanswered read is not gone.
func (r *numberResource) numberGone(ctx context.Context, e164 string) bool {
	return sipstation.NumberGone(r.client.GetNumber(ctx, e164))
}

// updateHint says what to do about a failed update u.
func updateHint(err error, u sipstation.NumberUpdate) string {
	switch {
	case errors.Is(err, sipstation.ErrPortOutPending):
		return "A port-out of the number is pending, and SIPStation moves no number while it is being ported: " +
			"set location_id back to its current location until the port completes or is rejected."
	case errors.Is(err, sipstation.ErrNotFound) && u.LocationID != nil:
		return fmt.Sprintf("Check location_id: this account has no location %s (a location of another "+
			"account cannot be used), so the number was not moved.", *u.LocationID)
	}
	return "Fix what the error below names (for example the E911 address), then apply again."
}

// Delete cancels the number, unless the guard refuses.
func (r *numberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	state := r.kind.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s := state.base()
	e164 := s.ID.ValueString()

	timeout, diags := s.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if isPendingOrder(e164) {
		// Its number, if SIPStation ordered one, is unknown: nothing to
		// cancel. A replace replays the order; a destroy was warned of.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedFromPrior, nil)...)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedWithoutPrior, nil)...)
		// Terraform re-plans the create half of a replace after this
		// Delete: hand it the key, as Read does at plan time.
		r.sawPendingOrder(ctx, req.State, s, true)
		tflog.Info(ctx, "pending order left state", map[string]any{"id": e164})
		return
	}
	refuse := refuseTaintedReplace(ctx, req, e164, &resp.Diagnostics)
	// The plan's markers say why Terraform deletes; they must not outlive
	// this call in the state that a failed Delete keeps. (req.Private and
	// resp.Private are one object: read before clearing.)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedFromPrior, nil)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedWithoutPrior, nil)...)
	if refuse {
		return
	}
	if guardDelete(ctx, r.client, e164, r.typeName(), &resp.Diagnostics) {
		tflog.Info(ctx, "cancelled number", map[string]any{"number": e164})
	}
}

// ImportState imports a number by the number in any common form.
func (r *numberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	e164, err := checkNumber(req.ID, r.kind.class)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Import Number",
			fmt.Sprintf("%s imports by the number it holds, and %q is none. %s.",
				r.typeName(), req.ID, capitalize(err.Error())))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), e164)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("number"), e164)...)
}
