package provider

// The port-out guard: every rule that keeps Terraform from cancelling,
// replacing or moving a number it must not lives in this file, and both
// number resources (sipstation_did, sipstation_toll_free_number) call it.
// What the rules say to the user is in number_diagnostics.go.
//
//   - Plan: a destroy (or replace) of a number whose refreshed state shows a
//     pending port-out is a plan error, so `terraform plan` itself fails
//     (guardDestroyPlan).
//   - Apply: Delete asks the API again before cancelling, since state can be
//     stale (-refresh=false, or a port requested after the plan), and turns
//     a 409 port_out_pending into the same error (guardDelete). The cancel
//     never sends force; the client cannot.
//   - A number ported out but still billed gets a warning on every plan that
//     keeps it, until removing it cancels the service
//     (warnBilledAfterPortOut).
//   - A move (location_id) of a number whose port is pending fails at plan:
//     SIPStation moves no number during a port (refusePendingMove).
//   - Terraform plans to replace a tainted resource (cancel, then order
//     again, or with create_before_destroy order first). Replacing it
//     would cancel a number that cannot be ordered again, so the plan
//     refuses: for a configured number because the account holds it
//     (refuseHeldNumber, which also refuses -replace of a number given by
//     number), for one ordered by area code because the plan refreshed a
//     number of that area code and location that it does not plan
//     (refuseTaintedByAreaCode, number_ledger.go). The cancel refuses too,
//     should a plan get through (-refresh=false; refuseTaintedReplace).

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// Private-state keys that tell Delete why Terraform plans to delete.
const (
	// privatePlannedFromPrior is set on every plan made from a live object:
	// a replace planned from it (a changed number, -replace) is the user's
	// own request. Its value says what the replace replaces
	// (replacedObject).
	privatePlannedFromPrior = "planned_from_prior"
	// privatePlannedWithoutPrior is set on a create-shaped plan that did not
	// come from a live object. Terraform hands a tainted object's replace
	// exactly such a plan, and its private state reaches the Delete of the
	// tainted object; a fresh create never deletes anything.
	privatePlannedWithoutPrior = "planned_without_prior"
)

// guardDestroyPlan is the plan-time guard, run by ModifyPlan with the
// refreshed state of a number that the plan destroys or replaces: a
// pending port-out fails the plan.
func guardDestroyPlan(ctx context.Context, state *numberModel, resourceType string, diags *diag.Diagnostics) {
	if !state.PortOutPending.ValueBool() {
		return
	}
	info, d := state.portOutInfo(ctx)
	diags.Append(d...)
	diags.AddError(portOutPendingSummary, portOutPendingDetail(info, resourceType))
}

// warnBilledAfterPortOut warns, on a plan that keeps the number, when its
// refreshed state shows it ported out and still billed.
func warnBilledAfterPortOut(ctx context.Context, state *numberModel, diags *diag.Diagnostics) {
	if !state.billedAfterPortOut() {
		return
	}
	p, d := state.portOut(ctx)
	diags.Append(d...)
	info := newPortOutInfo(state.ID.ValueString(), p.CarrierName.ValueString(), p.FOCDate.ValueString())
	portDate := info.focDate
	if state.PortOut.IsNull() || state.PortOut.IsUnknown() {
		portDate = "an unknown date"
	} else if completed := p.CompletedAt.ValueString(); completed != "" {
		portDate, _, _ = strings.Cut(completed, "T")
	}
	diags.AddWarning(billedAfterPortOutSummary, billedAfterPortOutDetail(info, portDate, state.MonthlyRate.ValueString()))
}

// refusePendingMove fails the plan of a move from location from to to of
// a number whose live state shows a pending port-out: SIPStation moves no
// number while its port is pending, so say so now, not at apply. It
// reports whether it refused.
func refusePendingMove(ctx context.Context, live *numberModel, from, to string, diags *diag.Diagnostics) bool {
	if !live.PortOutPending.ValueBool() {
		return false
	}
	info, d := live.portOutInfo(ctx)
	diags.Append(d...)
	diags.AddAttributeError(path.Root("location_id"), portOutPendingMoveSummary, movePendingDetail(info, from, to))
	return true
}

// guardDelete cancels a number unless a port-out of it is pending, asking the
// API first because state may be stale. It reports whether the number is gone
// (cancelled now, or already); on false, diags say why and the resource stays.
func guardDelete(ctx context.Context, client *sipstation.Client, e164, resourceType string, diags *diag.Diagnostics) bool {
	n, err := client.GetNumber(ctx, e164)
	switch {
	case errors.Is(err, sipstation.ErrNotFound):
		return true
	case err != nil:
		diags.AddError(checkBeforeCancelSummary, checkBeforeCancelDetail(e164, err))
		return false
	case n.PortOutPending():
		diags.AddError(portOutPendingSummary, portOutPendingAtApplyDetail(portOutInfoFromAPI(n), resourceType))
		return false
	}

	err = client.CancelNumber(ctx, e164)
	switch {
	case err == nil, errors.Is(err, sipstation.ErrNotFound):
		return true
	case errors.Is(err, sipstation.ErrPortOutPending):
		// A port was requested between the check and the cancel: ask again
		// for the carrier and the date to name. Should that read fail, the
		// message says that they are not known (not that there are none).
		info := portOutInfo{number: e164, carrier: "a gaining carrier", focDate: "not known"}
		if n, getErr := client.GetNumber(ctx, e164); getErr == nil {
			info = portOutInfoFromAPI(n)
		} else {
			tflog.Warn(ctx, "reading the port-out that refused the cancel failed", map[string]any{"number": e164, "error": getErr.Error()})
		}
		diags.AddError(portOutPendingSummary, portOutPendingCancelRefusedDetail(info, resourceType, err))
		return false
	}
	var apiErr *sipstation.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode < 500 {
		diags.AddError(cannotCancelSummary, cancelRefusedDetail(e164, err))
		return false
	}
	// No answer says what happened: the cancel may have gone through. Ask.
	n, getErr := client.GetNumber(ctx, e164)
	switch {
	case sipstation.NumberGone(n, getErr):
		tflog.Info(ctx, "the cancel went through; its answer was lost", map[string]any{"number": e164, "error": err.Error()})
		return true
	case getErr == nil:
		diags.AddError(cannotCancelSummary, cancelNotDoneDetail(e164, n.Status, err))
	default:
		diags.AddError(cancelOutcomeUnknownSummary, cancelOutcomeUnknownDetail(e164, err, getErr))
	}
	return false
}

// refuseTaintedReplace stops the Delete half of a tainted replace; see
// privatePlannedWithoutPrior. It reports whether it refused.
func refuseTaintedReplace(ctx context.Context, req resource.DeleteRequest, e164 string, diags *diag.Diagnostics) bool {
	marker, d := req.Private.GetKey(ctx, privatePlannedWithoutPrior)
	diags.Append(d...)
	if marker == nil {
		return false
	}
	diags.AddError(taintedSummary, taintedDeleteDetail(e164))
	return true
}

// refuseHeldNumber fails the plan of an order of e164 when the account
// already holds it. replaced is the number a replace plans to cancel, ""
// for none.
func (r *numberResource) refuseHeldNumber(ctx context.Context, e164, replaced string, resp *resource.ModifyPlanResponse) {
	n, err := r.client.GetNumber(ctx, e164)
	switch {
	case errors.Is(err, sipstation.ErrNotFound):
		return
	case err != nil:
		resp.Diagnostics.AddAttributeError(path.Root("number"), cannotCheckNumberSummary, checkHeldDetail(e164, err))
		return
	case n.PortOutPending():
		// Tainted, renamed or replaced: whatever the plan would do to the
		// held number cancels it first, and its port is pending.
		resp.Diagnostics.AddError(portOutPendingSummary, portOutPendingReorderDetail(portOutInfoFromAPI(n), r.typeName()))
		return
	case replaced == "" && r.ledger.unplannedNumber(ctx, e164, taintedWait):
		// Refreshed by this plan and not planned from its state: tainted.
		resp.Diagnostics.AddAttributeError(path.Root("number"), taintedSummary, taintedReorderDetail(e164, n))
		return
	case replaced == e164:
		resp.Diagnostics.AddAttributeError(path.Root("number"), replaceRefusedSummary, replaceRefusedDetail(e164))
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("number"), numberHeldSummary, numberHeldDetail(e164, n))
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
			resp.Diagnostics.AddError(cannotCheckNumberSummary, checkTaintedByAreaCodeDetail(areaCode, locationID, number, err))
			continue
		}
		found := taintedByAreaCodeFound(areaCode, locationID, number)
		if n.PortOutPending() {
			resp.Diagnostics.AddError(portOutPendingSummary, portOutPendingDetail(portOutInfoFromAPI(n), r.typeName())+found)
			continue
		}
		resp.Diagnostics.AddError(taintedSummary, taintedDetail(number)+found)
	}
}
