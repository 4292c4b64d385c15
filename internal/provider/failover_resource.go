package provider

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

var (
	_ resource.Resource                     = &FailoverResource{}
	_ resource.ResourceWithConfigure        = &FailoverResource{}
	_ resource.ResourceWithImportState      = &FailoverResource{}
	_ resource.ResourceWithModifyPlan       = &FailoverResource{}
	_ resource.ResourceWithConfigValidators = &FailoverResource{}
)

const (
	failoverResourceType = "sipstation_failover"
	// accountFailoverID is the ID of the account-wide failover.
	accountFailoverID = "account"
)

// noSpaceRE is a destination without white space.
var noSpaceRE = regexp.MustCompile(`^\S+$`)

// FailoverResource is resource "sipstation_failover": where calls go when
// the PBX cannot be reached, for one number on the trunk or for the whole
// account, through the account-key API.
type FailoverResource struct {
	client *trunk.Client
}

// NewFailoverResource returns the sipstation_failover resource.
func NewFailoverResource() resource.Resource {
	return &FailoverResource{}
}

type failoverResourceModel struct {
	ID       types.String   `tfsdk:"id"`
	Number   types.String   `tfsdk:"number"`
	Failover *failoverModel `tfsdk:"failover"`
}

// Metadata names the resource.
func (r *FailoverResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_failover"
}

// failoverWords is how FreePBX's SIPStation module explains the two tiers
// of a failover (15 views/failover.php ~23).
const failoverWords = "In the event that your system is not registered or our servers can not reach you, you can provide " +
	"an IP, a full domain where we should try to deliver your calls or select another trunk group that you have. If " +
	"we can't deliver the call to this address or trunk group and you have a failover number set, we will send the " +
	"call there"

// Schema describes the resource. Its shape is that of the resource's first
// version (failover = {number, destination}), so state written before
// either tier could be set beside the other reads as it is: no upgrade.
func (r *FailoverResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Where SIPStation sends calls when your PBX cannot be reached: for one number on the " +
			"account's trunk, or, without `number`, for the whole account (numbers without a failover of their " +
			"own). Set through the account-key API (the one FreePBX's SIPStation module uses), so the provider " +
			"needs `account_key`.\n\n" +
			"A failover has two tiers, as FreePBX's SIPStation module shows them: a primary failover " +
			"(`destination`) and a secondary failover number (`number`). In SIPStation's words: \"" + failoverWords +
			".\" Set either or both; this resource manages both, so a tier set outside Terraform that the " +
			"configuration leaves out is cleared.\n\n" +
			"`failover` changes in place, and removing one tier clears that tier only; destroying the resource " +
			"clears the failover at SIPStation (both tiers), and for one number never the account-wide failover. " +
			"Should the number leave the trunk (ported away or cancelled), the resource leaves state with a warning. " +
			"Trial accounts cannot set failover.\n\n" +
			"Manage a number's failover with this resource or with `failover` of its `sipstation_did` or " +
			"`sipstation_toll_free_number` (v1 API), not both: they set the same thing.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The number in E.164, such as `+14155550123`, or `account` for the account-wide " +
					"failover. Import the resource by the number in any common form, or by `account`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"number": schema.StringAttribute{
				MarkdownDescription: "The number on the trunk whose calls fail over, in any common form (`+14155550123`, " +
					"`415-555-0123`, `(415) 555-0123`, `4155550123`); `id` holds its E.164 form. Omit it for the " +
					"account-wide failover. It must " +
					"be on the account's trunk. Changing it to another number clears this failover and sets the " +
					"other's; the same number written in another form changes nothing.",
				Optional:      true,
				Validators:    []validator.String{numberValidator{class: anyNumber}},
				PlanModifiers: []planmodifier.String{replaceIfOtherNumber()},
			},
			"failover": schema.SingleNestedAttribute{
				MarkdownDescription: "Where the calls go: the primary failover `destination`, the secondary failover " +
					"`number`, or both (at least one). The same shape as `failover` of `sipstation_did`, which, through the v1 " +
					"API, takes one of the two. Changes in place.",
				Required: true,
				Attributes: map[string]schema.Attribute{
					"destination": schema.StringAttribute{
						MarkdownDescription: "The primary failover, where SIPStation tries to deliver the calls first: an " +
							"IP address, a host or a SIP URI such as `sip:frontdesk@pbx.example.com`, or the ID of one of " +
							"the account's trunk groups (digits only, such as `7102`; `data.sipstation_trunk` lists them " +
							"in `trunk_groups`). A trunk-group ID must name a trunk group of the account other than the " +
							"one its own trunk is in: the plan checks it when it can read the trunk, else the apply does. " +
							"Omit it to have no primary failover.",
						Optional: true,
						Validators: []validator.String{
							stringvalidator.LengthBetween(1, 255),
							stringvalidator.RegexMatches(noSpaceRE, "must not contain spaces"),
						},
					},
					"number": schema.StringAttribute{
						MarkdownDescription: "The secondary failover number: \"If we can't deliver the call to this " +
							"address or trunk group and you have a failover number set, we will send the call there\"; " +
							"the only failover when no `destination` is set. A NANP number in any common form, such as " +
							"`" + exampleLocal + "`; SIPStation stores its 10 digits. Omit it to have no failover number.",
						Optional:   true,
						Validators: []validator.String{numberValidator{class: anyNumber}},
					},
				},
			},
		},
	}
}

// ConfigValidators wants at least one of failover.number and
// failover.destination.
func (r *FailoverResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("failover").AtName("number"), path.MatchRoot("failover").AtName("destination")),
	}
}

// Configure receives the provider's clients.
func (r *FailoverResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	client, diags := trunkClientFromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.client = client
}

// ModifyPlan fails the plan of a failover for a number not on the trunk,
// and of a destination that names a trunk group the account does not have
// (when the destination is known at plan; else the apply checks it).
func (r *FailoverResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planOnTrunk(ctx, r.client, anyNumber, "a failover", req, resp)
	if resp.Diagnostics.HasError() || req.Plan.Raw.IsNull() || r.client == nil {
		return
	}
	planned, ok := failoverOf(ctx, req.Plan.GetAttribute, &resp.Diagnostics)
	if !ok || planned.Destination.IsUnknown() || !trunk.IsTrunkGroupID(planned.Destination.ValueString()) {
		return
	}
	if !req.State.Raw.IsNull() {
		if prior, ok := failoverOf(ctx, req.State.GetAttribute, &resp.Diagnostics); ok && prior.Destination.Equal(planned.Destination) {
			return // unchanged: what SIPStation holds
		}
	}
	acct, err := r.client.Account(ctx)
	if err != nil {
		addTrunkReadError(&resp.Diagnostics, err)
		return
	}
	requireTrunkGroup(acct, planned.Destination.ValueString(), &resp.Diagnostics)
}

// failoverOf reads the failover object of a plan or state; false when it is
// null or unknown.
func failoverOf(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, diags *diag.Diagnostics) (failoverModel, bool) {
	var obj types.Object
	diags.Append(get(ctx, path.Root("failover"), &obj)...)
	if diags.HasError() || obj.IsNull() || obj.IsUnknown() {
		return failoverModel{}, false
	}
	var f failoverModel
	diags.Append(obj.As(ctx, &f, basetypes.ObjectAsOptions{})...)
	return f, !diags.HasError()
}

// requireTrunkGroup reports whether the trunk-group id dest names a trunk
// group of the account that calls may fail over to; when not, it adds the
// error that names the id and the groups there are.
func requireTrunkGroup(acct *trunk.Account, dest string, diags *diag.Diagnostics) bool {
	at := path.Root("failover").AtName("destination")
	if g, ok := acct.Group(dest); ok && !g.Own {
		return true
	} else if ok {
		diags.AddAttributeError(at, "Failover to the Trunk's Own Trunk Group",
			fmt.Sprintf("failover.destination %q is the trunk group this account's own trunk is in (%s, SIPStation's "+
				"trunk_group_id): calls that cannot reach this trunk cannot fail over to it, and FreePBX's SIPStation "+
				"module does not offer it. The account's trunk groups are: %s. Choose another, or a host, IP address or "+
				"SIP URI.", dest, g.Title, trunkGroupList(acct)))
		return false
	}
	diags.AddAttributeError(at, "Trunk Group Not Found",
		fmt.Sprintf("failover.destination %q is all digits, which SIPStation reads as a trunk-group ID, and the account "+
			"has no trunk group %s. The account's trunk groups are: %s (data.sipstation_trunk lists them in trunk_groups). "+
			"Use one of their IDs, or a host, IP address or SIP URI.", dest, dest, trunkGroupList(acct)))
	return false
}

// trunkGroupList names the account's trunk groups for a message.
func trunkGroupList(acct *trunk.Account) string {
	if len(acct.Groups) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(acct.Groups))
	for _, g := range acct.Groups {
		p := fmt.Sprintf("%s (%s)", g.ID, g.Title)
		if g.Own {
			p = fmt.Sprintf("%s (%s, the one this trunk is in)", g.ID, g.Title)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

// target is the number of the plan in E.164, "" for the account.
func (m *failoverResourceModel) target() (string, error) {
	if m.Number.IsNull() {
		return "", nil
	}
	return checkNumber(m.Number.ValueString(), anyNumber)
}

func (m *failoverResourceModel) failover() trunk.Failover {
	if m.Failover == nil {
		return trunk.Failover{}
	}
	return trunk.Failover{Number: m.Failover.Number.ValueString(), Destination: m.Failover.Destination.ValueString()}
}

// write sets the failover the plan holds, and its ID. prior is the failover
// in state (zero on create): a destination that changes to a trunk group is
// checked against the account's groups first.
func (r *FailoverResource) write(ctx context.Context, plan *failoverResourceModel, prior trunk.Failover, summary string, diags *diag.Diagnostics) bool {
	e164, err := plan.target()
	if err != nil {
		diags.AddAttributeError(path.Root("number"), "Invalid Phone Number", capitalize(err.Error())+".")
		return false
	}
	if e164 != "" && !requireOnTrunk(ctx, r.client, e164, "a failover", diags) {
		return false
	}
	f := plan.failover()
	if trunk.IsTrunkGroupID(f.Destination) && f.Destination != prior.Destination {
		acct, err := r.client.Account(ctx)
		if err != nil {
			addTrunkReadError(diags, err)
			return false
		}
		if !requireTrunkGroup(acct, f.Destination, diags) {
			return false
		}
	}
	if err := r.client.SetFailover(ctx, e164, f); err != nil {
		addTrunkChangeError(diags, summary, accountNumber(e164), err)
		return false
	}
	plan.ID = types.StringValue(cmp.Or(e164, accountFailoverID))
	tflog.Info(ctx, "set failover", map[string]any{"number": accountNumber(e164)})
	return true
}

// Create sets the failover.
func (r *FailoverResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireTrunkClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan failoverResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.write(ctx, &plan, trunk.Failover{}, "Cannot Set Failover", &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// Read takes the failover SIPStation shows.
func (r *FailoverResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireTrunkClient(r.client, &resp.Diagnostics) {
		return
	}
	var state failoverResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	var current trunk.Failover
	if id == accountFailoverID {
		acct, err := r.client.Account(ctx)
		if err != nil {
			addTrunkReadError(&resp.Diagnostics, err)
			return
		}
		current = acct.AccountFailover()
		state.Number = types.StringNull()
	} else {
		n, ok := readOnTrunk(ctx, r.client, failoverResourceType, id, resp)
		if !ok {
			return
		}
		current = n.Failover
		if state.Number.IsNull() || !sameNumber(state.Number.ValueString(), id) {
			state.Number = types.StringValue(id)
		}
	}
	if current.IsZero() {
		resp.Diagnostics.AddWarning("Failover Not Found",
			fmt.Sprintf("SIPStation shows no failover for %s: it was cleared outside Terraform. The provider removes "+
				"this %s from state; the next plan sets the failover again.", accountNumber(strings.TrimPrefix(id, accountFailoverID)), failoverResourceType))
		resp.State.RemoveResource(ctx)
		return
	}
	read := &failoverModel{Number: stringOrNull(current.Number), Destination: stringOrNull(current.Destination)}
	if prior := state.Failover; prior != nil && !prior.Number.IsNull() && !read.Number.IsNull() &&
		sameNumber(prior.Number.ValueString(), read.Number.ValueString()) {
		read.Number = prior.Number // the form the configuration wrote
	}
	state.Failover = read
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update sets the failover again.
func (r *FailoverResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireTrunkClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan, state failoverResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = state.ID
	if plan.failover() == state.failover() || sameFailoverValue(plan.failover(), state.failover()) {
		// Only the form of a number changed: nothing to send.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	if r.write(ctx, &plan, state.failover(), "Cannot Update Failover", &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func sameFailoverValue(a, b trunk.Failover) bool {
	return a.Destination == b.Destination && (a.Number == "") == (b.Number == "") && sameNumber(a.Number, b.Number)
}

// Delete clears the failover, unless the number has left the trunk.
func (r *FailoverResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireTrunkClient(r.client, &resp.Diagnostics) {
		return
	}
	var state failoverResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e164 := state.ID.ValueString()
	if e164 == accountFailoverID {
		e164 = ""
	} else if !deleteOnTrunk(ctx, r.client, e164, "failover to clear", &resp.Diagnostics) {
		return
	}
	if err := r.client.ClearFailover(ctx, e164); err != nil {
		addTrunkChangeError(&resp.Diagnostics, "Cannot Clear Failover", accountNumber(e164), err)
		return
	}
	tflog.Info(ctx, "cleared failover", map[string]any{"number": accountNumber(e164)})
}

// ImportState imports a number's failover by the number in any form, or the
// account-wide failover by "account".
func (r *FailoverResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if strings.EqualFold(strings.TrimSpace(req.ID), accountFailoverID) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), accountFailoverID)...)
		return
	}
	e164, err := checkNumber(req.ID, anyNumber)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Import Failover",
			fmt.Sprintf("%s imports by the number the failover is for, or by %q for the account-wide failover, and "+
				"%q is neither. %s.", failoverResourceType, accountFailoverID, req.ID, capitalize(err.Error())))
		return
	}
	importNumber(ctx, e164, resp)
}
