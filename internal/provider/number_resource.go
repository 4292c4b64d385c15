package provider

// numberResource is the one implementation behind sipstation_did and
// sipstation_toll_free_number; a numberKind supplies what differs between
// them (did_resource.go, toll_free_number_resource.go). This file holds the
// resource and its refresh, update, cancel and import; beside it:
//
//   - number_schema.go: the schema;
//   - number_model.go: the model, and its one conversion from the API;
//   - number_plan.go: plan modification (ModifyPlan);
//   - number_order.go: ordering (Create) and pending orders;
//   - guard.go: every rule that refuses a cancel, replace or move;
//   - number_diagnostics.go: what all of these tell the user;
//   - number_ledger.go: what one walk has seen of the numbers in state.

import (
	"context"
	"errors"
	"reflect"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// defaultDeleteTimeout bounds cancelling a number.
const defaultDeleteTimeout = 10 * time.Minute

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

// numberResource implements both number resources.
type numberResource struct {
	kind   numberKind
	client *sipstation.Client
	// ledger is the walk's record of the numbers in state (number_ledger.go).
	ledger *numberLedger
}

// Metadata names the resource.
func (r *numberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.kind.typeSuffix
}

func (r *numberResource) typeName() string {
	return "sipstation" + r.kind.typeSuffix
}

// Configure receives the API client and the walk's number ledger.
func (r *numberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	pd, diags := v1ProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	if pd != nil {
		r.client, r.ledger = pd.v1, pd.ledger
	}
}

// requestModel is where Create, Read and Delete begin: once the provider
// has a client, it reads the request's plan or state into a new model of
// the kind. It returns nil after an error, which diags holds.
func (r *numberResource) requestModel(ctx context.Context, from interface {
	Get(context.Context, any) diag.Diagnostics
}, diags *diag.Diagnostics) numberState {
	if !requireClient(r.client, diags) {
		return nil
	}
	m := r.kind.newModel()
	diags.Append(from.Get(ctx, m)...)
	if diags.HasError() {
		return nil
	}
	return m
}

// ValidateConfig checks what spans attributes.
func (r *numberResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var failover types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("failover"), &failover)...)
	if !failover.IsNull() && !failover.IsUnknown() {
		var f failoverModel
		resp.Diagnostics.Append(failover.As(ctx, &f, objectAsOptions)...)
		if !f.Number.IsUnknown() && !f.Destination.IsUnknown() && f.Number.IsNull() == f.Destination.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("failover"), invalidFailoverSummary,
				"Set exactly one of failover.number (a phone number such as \""+exampleLocal+"\") or "+
					"failover.destination (a SIP destination such as \"sip:frontdesk@pbx.example.com\").")
		}
	}
	if r.kind.validateConfig != nil {
		r.kind.validateConfig(ctx, req, resp)
	}
}

// Read refreshes the number; one the account no longer holds leaves state.
func (r *numberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := r.requestModel(ctx, req.State, &resp.Diagnostics)
	if state == nil {
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
		resp.Diagnostics.AddWarning(numberRemovedSummary, numberRemovedDetail(e164))
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.AddError(cannotReadNumberSummary, cannotReadNumberDetail(e164, err))
		return
	}

	before := reflect.ValueOf(state).Elem().Interface()
	resp.Diagnostics.Append(setFromAPI(ctx, state, n, true)...)
	// Most refreshes change nothing, and writing the same state back is the
	// framework's dearest step of a Read (by reflection, attribute by
	// attribute): resp.State already holds it.
	if !resp.Diagnostics.HasError() && reflect.DeepEqual(before, reflect.ValueOf(state).Elem().Interface()) {
		return
	}
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
		if errors.Is(err, sipstation.ErrNotFound) && sipstation.NumberGone(r.client.GetNumber(ctx, e164)) {
			resp.Diagnostics.AddError(numberGoneSummary, numberGoneDetail(e164, err))
			return
		}
		if err != nil {
			resp.Diagnostics.AddError(cannotUpdateSummary, updateFailedDetail(e164, u, err))
			return
		}
		resp.Diagnostics.Append(setFromAPI(ctx, plan, n, false)...)
	}
	// Only the plan's own marker goes; whatever else is private stays.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedFromPrior, nil)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete cancels the number, unless the guard refuses.
func (r *numberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state := r.requestModel(ctx, req.State, &resp.Diagnostics)
	if state == nil {
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
		resp.Diagnostics.AddError(cannotImportSummary, cannotImportDetail(r.typeName(), req.ID, err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), e164)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("number"), e164)...)
}
