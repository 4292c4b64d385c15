package provider

// numberResource is the one implementation behind sipstation_did and
// sipstation_toll_free_number; a numberKind supplies what differs between
// them (did_resource.go, toll_free_number_resource.go).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

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
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

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
	// order adds what the kind orders by to o.
	order(o *sipstation.NumberOrder)
	// update adds to u the kind's settings that differ from current.
	update(ctx context.Context, current numberState, u *sipstation.NumberUpdate) diag.Diagnostics
	// keep copies from prior what the API does not hold.
	keep(prior numberState)
}

// numberResource implements both number resources.
type numberResource struct {
	kind   numberKind
	client *sipstation.Client
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
	setBool(&m.PortOutPending, portOutPending(n), overwrite)
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

	portOut, d := portOutObject(n.PortOut)
	diags.Append(d...)
	setObject(&m.PortOut, portOut, overwrite)
	return diags
}

// portOutObject is a number's port_out attribute, in the resources and in
// data "sipstation_numbers": null when no port-out was ever requested.
// foc_date falls back to the requested date until the carriers confirm one,
// as the guard reports it.
func portOutObject(p *sipstation.NumberPortOut) (types.Object, diag.Diagnostics) {
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
		"foc_date":     stringOrNull(focDate(p)),
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
		e164, err := sipstation.NormalizeNumber(f.Number.ValueString())
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

// Configure receives the API client.
func (r *numberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	client, diags := clientFromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.client = client
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
		// A plain destroy is never the Delete half of a tainted replace.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedWithoutPrior, nil)...)
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
	// The marker holds the number: the create half of a replace (planned
	// next, without state) guards the number the replace cancels.
	marker, err := json.Marshal(state.base().ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot Plan Number", fmt.Sprintf("encode the plan marker: %s", err))
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedFromPrior, marker)...)
	// numberPlanModifier plans the stored number unless the number changes,
	// which replaces the resource, or is known only at apply, which does not.
	// (resp.RequiresReplace holds only what this method adds, so it cannot
	// tell.)
	var planned types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("number"), &planned)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !planned.IsUnknown() && !planned.Equal(state.base().Number) {
		// A replace cancels the old number: guard it like a destroy.
		guardPlan(r.liveState(ctx, state.base()), r.typeName(), true, &resp.Diagnostics)
		return
	}
	guardPlan(state.base(), r.typeName(), false, &resp.Diagnostics)
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

// modifyCreatePlan marks plans that came from no live object (see
// privatePlannedWithoutPrior) and refuses to order a number the account
// already holds: that is a tainted number about to be replaced, or one to
// import.
func (r *numberResource) modifyCreatePlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	fromPrior, diags := req.Private.GetKey(ctx, privatePlannedFromPrior)
	resp.Diagnostics.Append(diags...)
	if fromPrior == nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedWithoutPrior, []byte("true"))...)
	} else {
		// The create half of a replace (-replace, replace_triggered_by):
		// the first half saw the same number, so only here can a pending
		// port-out of the replaced number fail the plan. This matters for a
		// number ordered by area code, which the check below cannot see.
		var replaced string
		if err := json.Unmarshal(fromPrior, &replaced); err == nil && replaced != "" {
			guardPlan(r.liveState(ctx, &numberModel{ID: types.StringValue(replaced)}), r.typeName(), true, &resp.Diagnostics)
		}
	}

	var configured types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("number"), &configured)...)
	if resp.Diagnostics.HasError() || r.client == nil || configured.IsNull() || configured.IsUnknown() {
		return
	}
	e164, err := sipstation.NormalizeNumber(configured.ValueString())
	if err != nil {
		return // the validator has reported it
	}
	n, err := r.client.GetNumber(ctx, e164)
	switch {
	case errors.Is(err, sipstation.ErrNotFound):
		return
	case err != nil:
		resp.Diagnostics.AddAttributeError(path.Root("number"), "Cannot Check Number",
			fmt.Sprintf("Before ordering %s the provider checks whether this account already holds it, and that "+
				"check failed. Plan again once the API answers.\n\n%s", e164, err))
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("number"), "Number Already in This Account",
		fmt.Sprintf("This account already holds %[1]s (location %[2]s, status %[3]s), so Terraform cannot "+
			"order it.\n\n"+
			"  - If this resource is tainted after a failed apply, Terraform is planning\n"+
			"    to replace it, which would cancel the number. Fix what failed, then run\n"+
			"    `terraform untaint <address>` and plan again.\n"+
			"  - If the replace comes from -replace or replace_triggered_by: a number\n"+
			"    cannot be cancelled and ordered again, so drop that request.\n"+
			"  - If the number was ordered outside this configuration, import it:\n"+
			"    `terraform import <address> %[1]s`, or an import block.",
			e164, n.LocationID, n.Status))
}

// Create orders the number, then applies the settings the order does not
// carry. Once the order succeeded the number is billed, so it reaches state
// whatever fails after it.
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
	ctx, cancel := context.WithTimeout(ctx, timeout)
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
	plan.order(&order)

	ordered, err := r.client.OrderNumber(ctx, p.LocationID.ValueString(), order)
	if err != nil {
		what := "the " + r.kind.noun + " " + order.Number
		if order.Number == "" {
			what = "a " + r.kind.noun + " in area code " + order.AreaCode
		}
		resp.Diagnostics.AddError("Cannot Order Number",
			fmt.Sprintf("SIPStation did not order %s, so nothing is billed. %s\n\n%s", what, orderHint(err), err))
		return
	}
	tflog.Info(ctx, "ordered number", map[string]any{"number": ordered.Number, "location_id": ordered.LocationID})

	// The settings the order leaves out (failover, E911, SMS) are the
	// legacy per-number settings: a PATCH applies what differs.
	current := r.kind.newModel()
	*current.base() = numberModel{Timeouts: p.Timeouts}
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

	final := ordered
	if settingsErr == nil && !emptyUpdate(u) {
		final, settingsErr = r.client.UpdateNumber(ctx, ordered.Number, u)
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
				"ordered again. Fix the cause below (for example the E911 address), then run "+
				"`terraform untaint <address>` and apply again: the settings are then applied in place.\n\n%s",
				ordered.Number, ordered.LocationID, settingsErr))
		return
	}

	resp.Diagnostics.Append(p.fromAPI(ctx, final, false)...)
	resp.Diagnostics.Append(plan.fromAPI(ctx, final, false)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
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
	}
	return "Apply again to retry; the order carries an idempotency key, so a retry never orders twice."
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

	// From the location's snapshot: one list per location, not a GET per number.
	n, err := r.client.ReadNumber(ctx, s.LocationID.ValueString(), e164)
	switch {
	case errors.Is(err, sipstation.ErrNotFound) || (err == nil && n.Status == sipstation.StatusCancelled):
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

	resp.Diagnostics.Append(s.fromAPI(ctx, n, true)...)
	resp.Diagnostics.Append(state.fromAPI(ctx, n, true)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
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
