package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

var (
	_ resource.Resource                = &LocationResource{}
	_ resource.ResourceWithConfigure   = &LocationResource{}
	_ resource.ResourceWithImportState = &LocationResource{}
)

// LocationResource is sipstation_location: one billed location of the account.
type LocationResource struct {
	client *sipstation.Client
	// ledger records that this walk refreshed a location (number_ledger.go).
	ledger *numberLedger
}

// NewLocationResource returns the sipstation_location resource.
func NewLocationResource() resource.Resource {
	return &LocationResource{}
}

// locationModel is the state of sipstation_location.
type locationModel struct {
	ID               types.String  `tfsdk:"id"`
	Name             types.String  `tfsdk:"name"`
	OrganizationName types.String  `tfsdk:"organization_name"`
	Email            types.String  `tfsdk:"email"`
	ServiceAddress   *addressModel `tfsdk:"service_address"` // nil only in a state just imported
	AccountNumber    types.String  `tfsdk:"account_number"`
	BillingDay       types.Int64   `tfsdk:"billing_day"`
	Status           types.String  `tfsdk:"status"`
}

// addressModel is a location's service_address.
type addressModel struct {
	Street1 types.String `tfsdk:"street1"`
	Street2 types.String `tfsdk:"street2"`
	City    types.String `tfsdk:"city"`
	State   types.String `tfsdk:"state"`
	Zip     types.String `tfsdk:"zip"`
}

func (a *addressModel) toAPI() sipstation.Address {
	if a == nil {
		return sipstation.Address{}
	}
	return sipstation.Address{
		Street1: a.Street1.ValueString(),
		Street2: a.Street2.ValueString(),
		City:    a.City.ValueString(),
		State:   a.State.ValueString(),
		Zip:     a.Zip.ValueString(),
	}
}

func addressFromAPI(a sipstation.Address) *addressModel {
	return &addressModel{
		Street1: types.StringValue(a.Street1),
		Street2: types.StringValue(a.Street2),
		City:    types.StringValue(a.City),
		State:   types.StringValue(a.State),
		Zip:     types.StringValue(a.Zip),
	}
}

// setFromAPI writes everything the API holds into the model.
func (m *locationModel) setFromAPI(loc *sipstation.Location) {
	m.ID = types.StringValue(loc.ID)
	m.Name = types.StringValue(loc.Name)
	m.OrganizationName = types.StringValue(loc.OrganizationName)
	m.Email = types.StringValue(loc.Email)
	m.ServiceAddress = addressFromAPI(loc.ServiceAddress)
	m.AccountNumber = types.StringValue(loc.AccountNumber)
	m.BillingDay = types.Int64Value(int64(loc.BillingDay))
	m.Status = types.StringValue(loc.Status)
}

// Metadata names the resource.
func (r *LocationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_location"
}

// Schema describes sipstation_location.
func (r *LocationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	addressAttr := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Required: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A SIPStation location: one billed site of the account, with its own account " +
			"number, billing day and statements. Local DIDs and toll-free numbers are ordered into a location.\n\n" +
			"When you port numbers out, the gaining carrier's Letter of Authorization must match the location's " +
			"`organization_name` and `service_address`, and it asks for the `account_number` printed on the " +
			"location's statements.\n\n" +
			"Every argument changes in place. Destroying the resource **closes** the location; SIPStation refuses " +
			"while any number there is still billed (ported-out numbers included), and the error lists them: " +
			"remove or cancel those numbers, or move them to another location (`location_id`), first.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The location's ID, assigned by SIPStation. Import a location by this ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "A name for the location, shown in the SIPStation store when you switch locations.",
				Required:            true,
			},
			"organization_name": schema.StringAttribute{
				MarkdownDescription: "The business or person the service is for, as a gaining carrier's Letter " +
					"of Authorization must name it.",
				Required: true,
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Where SIPStation sends notices and statements for the location.",
				Required:            true,
			},
			"service_address": schema.SingleNestedAttribute{
				MarkdownDescription: "Where the service is, as a gaining carrier's Letter of Authorization must state it.",
				Required:            true,
				Attributes: map[string]schema.Attribute{
					"street1": addressAttr("Street and number."),
					"street2": schema.StringAttribute{
						MarkdownDescription: "Suite, floor or unit; empty when not set.",
						Optional:            true,
						Computed:            true,
						Default:             stringdefault.StaticString(""),
					},
					"city":  addressAttr("City."),
					"state": addressAttr("Two-letter state or province code, such as `CA`."),
					"zip":   addressAttr("ZIP or postal code."),
				},
			},
			"account_number": schema.StringAttribute{
				MarkdownDescription: "The location's account number, printed at the top of its statements; a " +
					"gaining carrier asks for it when you port numbers out.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"billing_day": schema.Int64Attribute{
				MarkdownDescription: "Day of the month on which the location's statement falls due.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`active`, or `closed` once the location has been closed.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// Configure receives the API client.
func (r *LocationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	pd, diags := v1ProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	if pd != nil {
		r.client, r.ledger = pd.v1, pd.ledger
	}
}

// Create creates the location.
func (r *LocationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan locationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	loc, err := r.client.CreateLocation(ctx, sipstation.LocationCreate{
		Name:             plan.Name.ValueString(),
		OrganizationName: plan.OrganizationName.ValueString(),
		Email:            plan.Email.ValueString(),
		ServiceAddress:   plan.ServiceAddress.toAPI(),
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot Create Location",
			fmt.Sprintf("SIPStation did not create the location %q; nothing was created. Fix what the error below "+
				"names (for example the email or the service address), then apply again.\n\n%s", plan.Name.ValueString(), err))
		return
	}

	plan.setFromAPI(loc)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read refreshes the location; a closed or missing one leaves state.
func (r *LocationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	var state locationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A walk that refreshes a location refreshes every number in state too,
	// which the area-code warning waits for (numberLedger.unseen).
	r.ledger.sawLocationRefresh()
	id := state.ID.ValueString()
	loc, err := r.client.GetLocation(ctx, id)
	switch {
	case errors.Is(err, sipstation.ErrNotFound):
		r.gone(ctx, resp, id, state.Name.ValueString(), "no longer exists in this account")
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot Read Location",
			fmt.Sprintf("The provider could not read location %s, so it cannot tell whether it changed. Plan "+
				"again once the API answers.\n\n%s", id, err))
		return
	case loc.Status == sipstation.LocationClosed:
		r.gone(ctx, resp, id, loc.Name, "has been closed")
		return
	}

	state.setFromAPI(loc)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// gone drops a location closed or deleted outside Terraform from state.
func (r *LocationResource) gone(ctx context.Context, resp *resource.ReadResponse, id, name, what string) {
	tflog.Info(ctx, "location left the account outside Terraform", map[string]any{"id": id})
	resp.Diagnostics.AddWarning("Location Removed From State",
		fmt.Sprintf("Location %s (%q) %s, outside Terraform, so it is removed from state. If the "+
			"configuration still declares it, the next apply creates a new location.", id, name, what))
	resp.State.RemoveResource(ctx)
}

// Update changes the location in place.
func (r *LocationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan, state locationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	addr := plan.ServiceAddress.toAPI()
	update := sipstation.LocationUpdate{
		Name:             plan.Name.ValueStringPointer(),
		OrganizationName: plan.OrganizationName.ValueStringPointer(),
		Email:            plan.Email.ValueStringPointer(),
		ServiceAddress:   &addr,
	}
	loc, err := r.client.UpdateLocation(ctx, state.ID.ValueString(), update)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Update Location",
			fmt.Sprintf("SIPStation did not update location %s; it keeps its previous settings. Fix what the "+
				"error below names, then apply again.\n\n%s", state.ID.ValueString(), err))
		return
	}

	plan.setFromAPI(loc)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete closes the location. SIPStation refuses while numbers there are
// billed; the error then names them, since that is what the user must act on.
func (r *LocationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	var state locationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := state.ID.ValueString()
	err := r.client.CloseLocation(ctx, id)
	switch {
	case err == nil, errors.Is(err, sipstation.ErrNotFound):
		return
	case errors.Is(err, sipstation.ErrLocationHasActiveNumbers):
		list, pending := r.billedNumbers(ctx, id)
		advice := "Remove those numbers from your configuration (which cancels them), cancel them in the SIPStation " +
			"store, or move them to another location by changing their location_id, then destroy the " +
			"location again."
		if len(pending) > 0 {
			advice = fmt.Sprintf("A port-out is pending for %s: SIPStation neither cancels nor moves a number while "+
				"its port is pending, and cancelling it would lose it for good. Wait until the port completes "+
				"(the number then shows status ported_out, still billed), then remove or cancel it, and destroy "+
				"the location again. Any other number listed can be removed, cancelled or moved (location_id) now.",
				strings.Join(pending, ", "))
		}
		resp.Diagnostics.AddError("Location Still Has Billed Numbers",
			fmt.Sprintf("SIPStation refused to close location %s (%q) because numbers there are still billed%s\n\n"+
				"%s The location stays open and in state.\n\n%s",
				id, state.Name.ValueString(), list, advice, err))
	default:
		resp.Diagnostics.AddError("Cannot Close Location",
			fmt.Sprintf("SIPStation did not close location %s; it stays open and in state. Apply again to "+
				"retry.\n\n%s", id, err))
	}
}

// billedNumbers lists, as the end of a sentence, the numbers still billed at a
// location, and returns those whose port-out is pending.
func (r *LocationResource) billedNumbers(ctx context.Context, locationID string) (string, []string) {
	nums, err := r.client.ListNumbers(ctx, sipstation.NumberFilter{LocationID: locationID})
	if err != nil {
		return fmt.Sprintf(" (listing them failed too: %s).", err), nil
	}
	var lines, pending []string
	for _, n := range nums {
		if !n.Billing.Active {
			continue
		}
		line := fmt.Sprintf("  - %s (%s, %s, %s a month)", n.Number, n.Type, n.Status, n.Billing.MonthlyRate)
		switch {
		case n.BilledAfterPortOut():
			line += ": ported out, still billed until cancelled"
		case n.PortOutPending():
			info := portOutInfoFromAPI(&n)
			line += fmt.Sprintf(": being ported out to %s (FOC date %s)", info.carrier, info.focDate)
			pending = append(pending, n.Number)
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return ".", nil
	}
	return ":\n" + strings.Join(lines, "\n"), pending
}

// ImportState imports a location by its ID.
func (r *LocationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
