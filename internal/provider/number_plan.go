package provider

// Plan modification of the number resources: ModifyPlan tells a destroy, an
// update (which may plan a replace) and a create (a new number, or the
// second half of a replace) apart, and each runs the guard's rules
// (guard.go) and the warnings that fit it.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// ModifyPlan runs the port-out guard, the billed-after-port-out warning and
// the protections against replacing a number by accident.
func (r *numberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	switch {
	case req.Plan.Raw.IsNull() && req.State.Raw.IsNull():
		// Nothing to plan.
	case req.Plan.Raw.IsNull():
		// The resource left the configuration, or terraform destroy.
		r.planDestroy(ctx, req, resp)
	case req.State.Raw.IsNull():
		// A new number, the second plan of a replace, or the replace of a
		// tainted number (Terraform plans that as a create).
		r.planCreate(ctx, req, resp)
	default:
		r.planUpdate(ctx, req, resp)
	}
}

// planDestroy plans the cancel of a number: the guard refuses it during a
// pending port-out; a pending order leaves state with a warning.
func (r *numberResource) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	state := r.plannedFromState(ctx, req, &resp.Diagnostics)
	if state == nil {
		return
	}
	// A plain destroy is never the Delete half of a tainted replace.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedWithoutPrior, nil)...)
	if isPendingOrder(state.ID.ValueString()) {
		resp.Diagnostics.AddWarning(pendingOrderUnresolvedSummary, pendingOrderDroppedDetail(state))
		return
	}
	guardDestroyPlan(ctx, r.liveState(ctx, state), r.typeName(), &resp.Diagnostics)
}

// planUpdate plans a number kept in state: changed in place, moved, or
// replaced when its number changes. It records for the create half of a
// replace what the replace replaces.
func (r *numberResource) planUpdate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	state := r.plannedFromState(ctx, req, &resp.Diagnostics)
	if state == nil {
		return
	}
	id := state.ID.ValueString()
	marker, err := replacedByID(id).marshal()
	if err != nil {
		resp.Diagnostics.AddError(cannotPlanSummary, fmt.Sprintf("encode the plan marker: %s", err))
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
	if !planned.IsUnknown() && !planned.Equal(state.Number) {
		// A replace cancels the old number: guard it like a destroy.
		guardDestroyPlan(ctx, r.liveState(ctx, state), r.typeName(), &resp.Diagnostics)
		return
	}
	if !location.IsUnknown() && !location.Equal(state.LocationID) &&
		refusePendingMove(ctx, r.liveState(ctx, state), state.LocationID.ValueString(), location.ValueString(), &resp.Diagnostics) {
		return
	}
	warnBilledAfterPortOut(ctx, state, &resp.Diagnostics)
}

// plannedFromState reads the state a destroy or update is planned from and
// records in the walk's ledger that the number was planned from its state;
// nil when the state cannot be read.
func (r *numberResource) plannedFromState(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) *numberModel {
	state := r.kind.newModel()
	diags.Append(req.State.Get(ctx, state)...)
	if diags.HasError() {
		return nil
	}
	if r.ledger != nil {
		r.ledger.sawPlan(state.base().ID.ValueString())
	}
	return state.base()
}

// planCreate plans an order. It marks plans that came from no live object
// (see privatePlannedWithoutPrior), hands a pending order's key to the plan
// that replays it, and refuses to order a number the account already holds
// (a tainted number about to be replaced, a replace, or one to import) or,
// by area code, while this plan leaves a tainted number of that area code
// unplanned.
func (r *numberResource) planCreate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	fromPrior, diags := req.Private.GetKey(ctx, privatePlannedFromPrior)
	resp.Diagnostics.Append(diags...)
	var replaced replacedObject
	if fromPrior == nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedWithoutPrior, []byte("true"))...)
	} else {
		replaced = unmarshalReplaced(ctx, fromPrior)
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

	switch replaced.kind {
	case replacedPendingOrder:
		// The replace of a pending order (-replace, or one untainted)
		// replays it.
		r.planReplay(ctx, replaced.value, location.ValueString(), resp)
		return
	case replacedNumber:
		// The create half of a replace (-replace, replace_triggered_by, a
		// changed number): the first half saw the same number, so only
		// here can a pending port-out of the replaced number fail the
		// plan. This matters for a number ordered by area code, which the
		// checks below cannot see.
		guardDestroyPlan(ctx, r.liveState(ctx, &numberModel{ID: types.StringValue(replaced.value)}), r.typeName(), &resp.Diagnostics)
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
		resp.Diagnostics.AddWarning(pendingOrderUnresolvedSummary, pendingOrderUnclaimedDetail(o))
	}

	switch {
	case e164 != "":
		r.refuseHeldNumber(ctx, e164, replaced.number(), resp)
	case replaced.kind == replacedNumber:
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

// replacedObject is what a replace replaces, as the update plan of its
// first half records it for the create plan of its second half (in private
// state, under privatePlannedFromPrior).
type replacedObject struct {
	kind replacedKind
	// value is the E.164 number the replace cancels, or the idempotency key
	// of the pending order it replays.
	value string
}

type replacedKind int

const (
	replacedNothing      replacedKind = iota // no replace: a new number, or a tainted object's replace
	replacedNumber                           // a number, which the replace cancels
	replacedPendingOrder                     // a pending order, which the replace replays
)

// replacedByID is what a resource with this id is: a pending order
// (pendingOrderPrefix), else a number.
func replacedByID(id string) replacedObject {
	switch {
	case id == "":
		return replacedObject{kind: replacedNothing}
	case isPendingOrder(id):
		return replacedObject{kind: replacedPendingOrder, value: strings.TrimPrefix(id, pendingOrderPrefix)}
	}
	return replacedObject{kind: replacedNumber, value: id}
}

// number is the number the replace cancels; "" when it cancels none.
func (o replacedObject) number() string {
	if o.kind != replacedNumber {
		return ""
	}
	return o.value
}

// marshal encodes o as the marker holds it: the replaced resource's id as a
// JSON string. Earlier versions wrote the same, so that a saved plan made
// by one version applies with another.
func (o replacedObject) marshal() ([]byte, error) {
	id := o.value
	if o.kind == replacedPendingOrder {
		id = pendingOrderPrefix + o.value
	}
	return json.Marshal(id)
}

// unmarshalReplaced decodes a marker written by marshal. A marker it cannot
// read replaces nothing it knows of: the create plan then runs its checks
// as for a new number.
func unmarshalReplaced(ctx context.Context, marker []byte) replacedObject {
	var id string
	if err := json.Unmarshal(marker, &id); err != nil {
		tflog.Warn(ctx, "the plan marker of a replace could not be read", map[string]any{"error": err.Error()})
		return replacedObject{}
	}
	return replacedByID(id)
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
	if diags := live.sharedFromAPI(ctx, n, true); diags.HasError() {
		tflog.Warn(ctx, "port-out check at plan time fell back to state", map[string]any{"error": fmt.Sprint(diags.Errors())})
		return state
	}
	return &live
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
	resp.Diagnostics.AddWarning(heldInAreaCodeSummary, heldInAreaCodeDetail(areaCode, locationID, list))
}
