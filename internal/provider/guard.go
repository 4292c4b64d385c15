package provider

// The port-out guard: every rule that keeps Terraform from cancelling a
// number while a gaining carrier is porting it lives in this file, and both
// number resources (sipstation_did, sipstation_toll_free_number) call it.
//
//   - Plan: a destroy (or replace) of a number whose refreshed state shows a
//     pending port-out is a plan error, so `terraform plan` itself fails.
//   - Apply: Delete asks the API again before cancelling, since state can be
//     stale (-refresh=false, or a port requested after the plan), and turns
//     a 409 port_out_pending into the same error. The cancel never sends
//     force; the client cannot.
//   - A number ported out but still billed gets a warning on every plan that
//     keeps it, until removing it cancels the service.
//   - Terraform plans to replace a tainted resource (cancel, then order
//     again, or with create_before_destroy order first). Replacing it
//     would cancel a number that cannot be ordered again, so the plan
//     refuses: for a configured number because the account holds it, for
//     one ordered by area code because the plan refreshed a number of that
//     area code and location that it does not plan (number_ledger.go). The
//     cancel refuses too, should a plan get through (-refresh=false).

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// carrierWarning is SIPStation's own warning about cancelling during a port.
const carrierWarning = "Be sure to keep your SIPStation service active until after the port occurs. " +
	"Cancelling service prematurely may result in the permanent loss of your telephone number(s)."

// Private-state keys that tell Delete why Terraform plans to delete.
const (
	// privatePlannedFromPrior is set on every plan made from a live object:
	// a replace planned from it (a changed number, -replace) is the user's
	// own request.
	privatePlannedFromPrior = "planned_from_prior"
	// privatePlannedWithoutPrior is set on a create-shaped plan that did not
	// come from a live object. Terraform hands a tainted object's replace
	// exactly such a plan, and its private state reaches the Delete of the
	// tainted object; a fresh create never deletes anything.
	privatePlannedWithoutPrior = "planned_without_prior"
)

// portOutInfo is what the guard's messages say about a number's port-out.
type portOutInfo struct {
	number, carrier, focDate string
}

func portOutInfoFromAPI(n *sipstation.Number) portOutInfo {
	info := portOutInfo{number: n.Number, carrier: "an unnamed carrier", focDate: "not yet set"}
	if n.PortOut != nil {
		if n.PortOut.CarrierName != "" {
			info.carrier = n.PortOut.CarrierName
		}
	}
	if d := n.FOCDate(); d != "" {
		info.focDate = d
	}
	return info
}

// portOutPendingDetail explains why the number is not cancelled and what to
// do instead. resourceType is e.g. "sipstation_did": the provider is not told
// a resource's address (and Terraform shows none for a resource removed from
// the configuration), so the message says how to find it by the number.
func portOutPendingDetail(info portOutInfo, resourceType string) string {
	return fmt.Sprintf("%[1]s is being ported out of SIPStation to %[2]s (FOC date %[3]s). Destroying this "+
		"resource would cancel the number's SIPStation service, and cancelling now would lose the number for "+
		"good: the port would fail and nobody could get the number back. SIPStation says: %[4]q\n\n"+
		"The provider does not cancel it. Either:\n\n"+
		"  - keep the resource in your configuration until the port completes. The\n"+
		"    number then shows status \"ported_out\" (and is still billed); removing\n"+
		"    the resource after that cancels it and stops the billing; or\n\n"+
		"  - stop managing the number without cancelling it: delete its resource\n"+
		"    block and add (Terraform or OpenTofu 1.7 or later)\n\n"+
		"      removed {\n"+
		"        from = %[5]s.<name>\n"+
		"        lifecycle {\n"+
		"          destroy = false\n"+
		"        }\n"+
		"      }\n\n"+
		"    `terraform state list -id=%[1]s` prints the resource's address.",
		info.number, info.carrier, info.focDate, carrierWarning, resourceType)
}

const portOutPendingSummary = "Number Has a Pending Port-Out: Not Cancelled"

// guardPlan is the plan-time guard, run by ModifyPlan with the refreshed
// state of a number. destroying is true for a destroy plan and for a plan
// that replaces the number.
func guardPlan(state *numberModel, resourceType string, destroying bool, diags *diag.Diagnostics) {
	if destroying && state.PortOutPending.ValueBool() {
		diags.AddError(portOutPendingSummary, portOutPendingDetail(state.portOutInfo(), resourceType))
	}
	if !destroying && state.Status.ValueString() == sipstation.StatusPortedOut && state.BillingActive.ValueBool() {
		diags.AddWarning("Ported-Out Number Still Billed", billedAfterPortOutDetail(state))
	}
}

// billedAfterPortOutDetail is the warning for a number that has left
// SIPStation and is still billed.
func billedAfterPortOutDetail(state *numberModel) string {
	info := state.portOutInfo()
	portDate := info.focDate
	if state.PortOut.IsNull() || state.PortOut.IsUnknown() {
		portDate = "an unknown date"
	} else if completed := state.portOutAttr("completed_at"); completed != "" {
		portDate, _, _ = strings.Cut(completed, "T")
	}
	rate := state.MonthlyRate.ValueString()
	return fmt.Sprintf("%s was ported out to %s on %s and has left SIPStation, but SIPStation still bills it "+
		"(%s USD a month) until its service is cancelled. Remove this resource from your configuration: the next "+
		"apply cancels the number and stops the billing. The port has completed, so cancelling no longer puts "+
		"the number at risk.", info.number, info.carrier, portDate, rate)
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
		diags.AddError("Cannot Check Number Before Cancelling",
			fmt.Sprintf("The provider checks that %s has no pending port-out before cancelling it, and that "+
				"check failed, so nothing was cancelled and the resource stays in state. Apply again once the "+
				"API answers.\n\n%s", e164, err))
		return false
	case n.PortOutPending():
		diags.AddError(portOutPendingSummary, portOutPendingDetail(portOutInfoFromAPI(n), resourceType)+
			"\n\nA port-out was found at apply time (the plan's state was older). Nothing was cancelled; the "+
			"resource stays in state.")
		return false
	}

	err = client.CancelNumber(ctx, e164)
	switch {
	case err == nil, errors.Is(err, sipstation.ErrNotFound):
		return true
	case errors.Is(err, sipstation.ErrPortOutPending):
		// A port was requested between the check and the cancel: ask again
		// for the carrier and the date to name.
		info := portOutInfo{number: e164, carrier: "a gaining carrier", focDate: "not known"}
		if n, getErr := client.GetNumber(ctx, e164); getErr == nil {
			info = portOutInfoFromAPI(n)
		} else {
			tflog.Warn(ctx, "reading the port-out that refused the cancel failed", map[string]any{"number": e164, "error": getErr.Error()})
		}
		diags.AddError(portOutPendingSummary, portOutPendingDetail(info, resourceType)+
			"\n\nSIPStation refused the cancel because the port-out is pending. Nothing was cancelled; the "+
			"resource stays in state.\n\n"+err.Error())
		return false
	}
	var apiErr *sipstation.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode < 500 {
		diags.AddError("Cannot Cancel Number",
			fmt.Sprintf("SIPStation refused to cancel %s, so it is still active and billed, and the resource stays "+
				"in state.\n\n%s", e164, err))
		return false
	}
	// No answer says what happened: the cancel may have gone through. Ask.
	n, getErr := client.GetNumber(ctx, e164)
	switch {
	case sipstation.NumberGone(n, getErr):
		tflog.Info(ctx, "the cancel went through; its answer was lost", map[string]any{"number": e164, "error": err.Error()})
		return true
	case getErr == nil:
		diags.AddError("Cannot Cancel Number",
			fmt.Sprintf("SIPStation did not cancel %s: the cancel failed without an answer that says so, and a read "+
				"afterwards shows the number still active and billed (status %s). The resource stays in state; apply again to retry.\n\n%s", e164, n.Status, err))
	default:
		diags.AddError("Cancel Outcome Unknown",
			fmt.Sprintf("The provider asked SIPStation to cancel %s and got no answer that says what happened, and could not read the number "+
				"afterwards, so whether it was cancelled is unknown. The resource stays in state. The next plan "+
				"refreshes it: if SIPStation cancelled it, it leaves state then; if not, that apply cancels it."+
				"\n\n%s\n\n%s", e164, err, getErr))
	}
	return false
}

// taintedSummary titles every refusal to replace a tainted number.
const taintedSummary = "Refusing to Replace a Tainted Number"

// refuseTaintedReplace stops the Delete half of a tainted replace; see
// privatePlannedWithoutPrior. It reports whether it refused.
func refuseTaintedReplace(ctx context.Context, req resource.DeleteRequest, e164 string, diags *diag.Diagnostics) bool {
	marker, d := req.Private.GetKey(ctx, privatePlannedWithoutPrior)
	diags.Append(d...)
	if marker == nil {
		return false
	}
	diags.AddError(taintedSummary, taintedDetail(e164)+
		"\n\nNothing was cancelled or ordered; the number stays in state, still tainted.")
	return true
}

// taintedDetail explains why a tainted number must not be replaced.
func taintedDetail(e164 string) string {
	return fmt.Sprintf("Terraform plans to replace %[1]s because the resource is marked tainted (by "+
		"`terraform taint`, or by an apply that failed part-way). Replacing a phone number cancels it and "+
		"orders another; a cancelled number cannot be ordered back. The number is ordered and billed.\n\n"+
		"Run `terraform untaint <address>` and plan again: what the configuration changes is then applied "+
		"in place. `terraform state list -id=%[1]s` prints the address. To cancel the number instead, remove "+
		"the resource from your configuration.", e164)
}
