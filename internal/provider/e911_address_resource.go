package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

var (
	_ resource.Resource                = &E911AddressResource{}
	_ resource.ResourceWithConfigure   = &E911AddressResource{}
	_ resource.ResourceWithImportState = &E911AddressResource{}
	_ resource.ResourceWithModifyPlan  = &E911AddressResource{}
)

const e911ResourceType = "sipstation_e911_address"

// e911Propagation is how long SIPStation says an E911 change can take to
// show; within it after a write, a read that still shows the old address
// does not overwrite what was written.
const e911Propagation = 15 * time.Minute

// privateE911WrittenAt is the private-state key holding when the provider
// last wrote the address (RFC 3339).
const privateE911WrittenAt = "e911_written_at"

// E911AddressResource is resource "sipstation_e911_address": the emergency
// address of one number on the trunk, through the account-key API.
type E911AddressResource struct {
	client *trunk.Client
	// now is the clock of e911Propagation; nil is time.Now. Tests set it.
	now func() time.Time
}

// NewE911AddressResource returns the sipstation_e911_address resource.
func NewE911AddressResource() resource.Resource {
	return &E911AddressResource{}
}

type e911AddressModel struct {
	ID     types.String `tfsdk:"id"`
	Number types.String `tfsdk:"number"`
	trunkE911Model
}

// Metadata names the resource.
func (r *E911AddressResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_e911_address"
}

var (
	stateRE = regexp.MustCompile(`^[A-Z]{2}$`)
	zipRE   = regexp.MustCompile(`^[0-9]{5}(-[0-9]{4})?$`)
)

// Schema describes the resource.
func (r *E911AddressResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	required := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Required: true,
			Validators: append([]validator.String{stringvalidator.LengthAtLeast(1)}, v...)}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The E911 address of a number on the account's SIPStation trunk: the address 911 " +
			"dispatchers get for emergency calls from the number. Set through the account-key API (the one " +
			"FreePBX's SIPStation module uses), so the provider needs `account_key`.\n\n" +
			"The number must be on the trunk (ordered, and neither ported away nor cancelled); a plan for a " +
			"number that is not fails. Every attribute but `number` changes in place; destroying the resource " +
			"deletes the address at SIPStation. Should the number leave the trunk (ported away or cancelled), " +
			"the resource leaves state with a warning.\n\n" +
			"SIPStation warns that E911 changes can take up to 15 minutes to show. For 15 minutes after it " +
			"writes an address, the provider keeps what it wrote when a refresh still shows the old address, " +
			"and warns; after that, a refresh takes what SIPStation shows, so a later plan offers to write the " +
			"address again if it never arrived.\n\n" +
			"Manage a number's E911 address with this resource or with `e911_address` of its `sipstation_did` " +
			"(v1 API), not both: they set the same thing.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The number in E.164, such as `+14155550123`. Import the resource by the " +
					"number in any common form.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"number": schema.StringAttribute{
				MarkdownDescription: "The local number the address is for, in any common form (`+14155550123`, " +
					"`415-555-0123`, `(415) 555-0123`, `4155550123`); `id` holds its E.164 form, which the provider " +
					"sends and compares. It must be on the account's trunk. Changing " +
					"it to another number deletes this address and sets one for the other number; the same " +
					"number written in another form changes nothing.",
				Required:      true,
				Validators:    []validator.String{numberValidator{class: localNumber}},
				PlanModifiers: []planmodifier.String{replaceIfOtherNumber()},
			},
			"name": required("The name at the address: the business or person 911 dispatchers are told, such as " +
				"`\"Example Dental LLC\"`."),
			"street1": required("The street address, such as `\"1 Market St\"` (SIPStation's `address1`)."),
			"street2": schema.StringAttribute{
				MarkdownDescription: "The second address line, such as a suite or floor (SIPStation's `address2`). " +
					"Empty when not set.",
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(""),
			},
			"city": required("The city."),
			"state": required("The two-letter US state code, such as `CA`.",
				stringvalidator.RegexMatches(stateRE, "must be a two-letter US state code in capitals, such as CA")),
			"zip": required("The ZIP code, such as `94105` or `94105-1234`.",
				stringvalidator.RegexMatches(zipRE, "must be a ZIP code such as 94105 or 94105-1234")),
			"master": schema.BoolAttribute{
				MarkdownDescription: "Whether this is the account's master E911 address, which SIPStation uses for " +
					"the trunk. An account has one: setting it on one number takes it from any other, whose " +
					"resource then shows a change at its next plan. Set it on one number only. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

// Configure receives the provider's clients.
func (r *E911AddressResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	client, diags := trunkClientFromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.client = client
}

// ModifyPlan fails the plan of a new address for a number that is not on
// the trunk.
func (r *E911AddressResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planOnTrunk(ctx, r.client, localNumber, "an E911 address", req, resp)
}

// write sets the address the plan holds and records when.
func (r *E911AddressResource) write(ctx context.Context, plan *e911AddressModel, private interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}, diags *diag.Diagnostics, summary string) bool {
	e164, err := checkNumber(plan.Number.ValueString(), localNumber)
	if err != nil {
		diags.AddAttributeError(path.Root("number"), "Invalid Phone Number", capitalize(err.Error())+".")
		return false
	}
	if !requireOnTrunk(ctx, r.client, e164, "an E911 address", diags) {
		return false
	}
	err = r.client.SetE911(ctx, e164, trunk.E911{
		Name: plan.Name.ValueString(), Street1: plan.Street1.ValueString(), Street2: plan.Street2.ValueString(),
		City: plan.City.ValueString(), State: plan.State.ValueString(), Zip: plan.Zip.ValueString(),
		Master: plan.Master.ValueBool(),
	})
	if err != nil {
		addTrunkChangeError(diags, summary, e164, err)
		return false
	}
	plan.ID = types.StringValue(e164)
	diags.Append(r.stampWritten(ctx, private)...)
	tflog.Info(ctx, "set E911 address", map[string]any{"number": e164})
	return true
}

// Create sets the address.
func (r *E911AddressResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireTrunkClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan e911AddressModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !r.write(ctx, &plan, resp.Private, &resp.Diagnostics, "Cannot Set E911 Address") {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read takes the address SIPStation shows, but for what the provider wrote
// less than e911Propagation ago.
func (r *E911AddressResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireTrunkClient(r.client, &resp.Diagnostics) {
		return
	}
	var state e911AddressModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e164 := state.ID.ValueString()
	n, ok := readOnTrunk(ctx, r.client, e911ResourceType, e164, resp)
	if !ok {
		return
	}
	recent := r.writtenRecently(ctx, req.Private)
	if n.E911Address == nil {
		if recent {
			resp.Diagnostics.AddWarning("E911 Address Not Yet Shown",
				fmt.Sprintf("SIPStation does not show the E911 address of %s yet. The provider wrote it less than 15 "+
					"minutes ago, and SIPStation says E911 changes can take that long to show, so the state keeps "+
					"what was written.", e164))
			return
		}
		resp.Diagnostics.AddWarning("E911 Address Not Found",
			fmt.Sprintf("%s is on the trunk but has no E911 address at SIPStation: it was deleted outside "+
				"Terraform. The provider removes this %s from state; the next plan sets the address again.",
				e164, e911ResourceType))
		resp.State.RemoveResource(ctx)
		return
	}
	read := state
	read.trunkE911Model = trunkE911(n.E911Address)
	if read.Number.IsNull() || !sameNumber(read.Number.ValueString(), e164) {
		read.Number = types.StringValue(e164)
	}
	if read != state && recent {
		resp.Diagnostics.AddWarning("E911 Change Not Yet Shown",
			fmt.Sprintf("SIPStation still shows another E911 address for %s than the one the provider wrote less "+
				"than 15 minutes ago. SIPStation says E911 changes can take that long to show, so the state keeps "+
				"what was written.", e164))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
}

// clock is the time now, on the resource's clock.
func (r *E911AddressResource) clock() time.Time {
	if r.now == nil {
		return time.Now()
	}
	return r.now()
}

// stampWritten records in private state that the provider wrote the address
// now, for writtenRecently.
func (r *E911AddressResource) stampWritten(ctx context.Context, private interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}) diag.Diagnostics {
	stamp, err := json.Marshal(r.clock().UTC().Format(time.RFC3339))
	if err != nil {
		return nil
	}
	return private.SetKey(ctx, privateE911WrittenAt, stamp)
}

// writtenRecently reports whether the provider wrote the address less than
// e911Propagation ago.
func (r *E911AddressResource) writtenRecently(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}) bool {
	raw, diags := private.GetKey(ctx, privateE911WrittenAt)
	if diags.HasError() || len(raw) == 0 {
		return false
	}
	var stamp string
	if json.Unmarshal(raw, &stamp) != nil {
		return false
	}
	t, err := time.Parse(time.RFC3339, stamp)
	return err == nil && r.clock().Sub(t) < e911Propagation
}

// Update writes the address again.
func (r *E911AddressResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireTrunkClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan, state e911AddressModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = state.ID
	formOnly := plan
	formOnly.Number = state.Number
	if formOnly == state {
		// Only the form of the number changed: nothing to send.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	if !r.write(ctx, &plan, resp.Private, &resp.Diagnostics, "Cannot Update E911 Address") {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete deletes the address, unless the number has left the trunk.
func (r *E911AddressResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireTrunkClient(r.client, &resp.Diagnostics) {
		return
	}
	var state e911AddressModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e164 := state.ID.ValueString()
	if !deleteOnTrunk(ctx, r.client, e164, "E911 address to delete", &resp.Diagnostics) {
		return
	}
	if err := r.client.DeleteE911(ctx, e164); err != nil {
		addTrunkChangeError(&resp.Diagnostics, "Cannot Delete E911 Address", e164, err)
		return
	}
	tflog.Info(ctx, "deleted E911 address", map[string]any{"number": e164})
}

// ImportState imports the address of a number, by the number in any form.
func (r *E911AddressResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	e164, err := checkNumber(req.ID, localNumber)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Import E911 Address",
			fmt.Sprintf("%s imports by the number the address is for, and %q is none. %s.", e911ResourceType, req.ID, capitalize(err.Error())))
		return
	}
	importNumber(ctx, e164, resp)
}
