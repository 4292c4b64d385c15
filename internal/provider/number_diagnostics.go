package provider

// What the number resources and the port-out guard tell the user: every
// summary as a named constant, and the builders of the details. A detail
// says what happened, why, and what to do next, naming the number.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// Summaries of the port-out guard and of the refusals to cancel, replace
// or move a number (guard.go).
const (
	portOutPendingSummary       = "Number Has a Pending Port-Out: Not Cancelled"
	portOutPendingMoveSummary   = "Number Has a Pending Port-Out: Not Moved"
	billedAfterPortOutSummary   = "Ported-Out Number Still Billed"
	checkBeforeCancelSummary    = "Cannot Check Number Before Cancelling"
	cannotCancelSummary         = "Cannot Cancel Number"
	cancelOutcomeUnknownSummary = "Cancel Outcome Unknown"
	// taintedSummary titles every refusal to replace a tainted number.
	taintedSummary           = "Refusing to Replace a Tainted Number"
	replaceRefusedSummary    = "Refusing to Replace Number"
	numberHeldSummary        = "Number Already in This Account"
	cannotCheckNumberSummary = "Cannot Check Number"
)

// Summaries of plans (number_plan.go) and orders (number_order.go).
const (
	pendingOrderUnresolvedSummary = "Pending Order Leaves State Unresolved"
	cannotPlanSummary             = "Cannot Plan Number"
	heldInAreaCodeSummary         = "Location Already Holds Numbers in This Area Code"
	replayingOrderSummary         = "Replaying an Order Whose Answers Were Lost"
	orderOutcomeUnknownSummary    = "Order Outcome Unknown"
	cannotReplayOrderSummary      = "Cannot Replay Order"
	cannotOrderSummary            = "Cannot Order Number"
	settingsFailedSummary         = "Number Ordered, Settings Failed"
	cannotRecordPendingSummary    = "Cannot Record Pending Order"
)

// Summaries of configuration, refresh, update and import
// (number_resource.go, did_resource.go).
const (
	invalidPhoneNumberSummary        = "Invalid Phone Number"
	invalidFailoverSummary           = "Invalid Failover"
	conflictingNumberAreaCodeSummary = "Conflicting Number and Area Code"
	missingNumberAreaCodeSummary     = "Missing Number or Area Code"
	unexpectedNumberKindSummary      = "Unexpected Number Kind"
	numberRemovedSummary             = "Number Removed From State"
	cannotReadNumberSummary          = "Cannot Read Number"
	numberGoneSummary                = "Number No Longer in This Account"
	cannotUpdateSummary              = "Cannot Update Number"
	cannotImportSummary              = "Cannot Import Number"
)

// carrierWarning is SIPStation's own warning about cancelling during a port.
const carrierWarning = "Be sure to keep your SIPStation service active until after the port occurs. " +
	"Cancelling service prematurely may result in the permanent loss of your telephone number(s)."

// portOutInfo is what the guard's messages say about a number's port-out.
type portOutInfo struct {
	number, carrier, focDate string
}

// newPortOutInfo is the one place that says what a message names when the
// port-out has no carrier or no date: from the API's answer
// (portOutInfoFromAPI) and from state (numberModel.portOutInfo) alike.
func newPortOutInfo(number, carrier, focDate string) portOutInfo {
	info := portOutInfo{number: number, carrier: "an unnamed carrier", focDate: "not yet set"}
	if carrier != "" {
		info.carrier = carrier
	}
	if focDate != "" {
		info.focDate = focDate
	}
	return info
}

func portOutInfoFromAPI(n *sipstation.Number) portOutInfo {
	carrier := ""
	if n.PortOut != nil {
		carrier = n.PortOut.CarrierName
	}
	return newPortOutInfo(n.Number, carrier, n.FOCDate())
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

// portOutPendingAtApplyDetail: Delete found the port-out that the plan's
// state did not show.
func portOutPendingAtApplyDetail(info portOutInfo, resourceType string) string {
	return portOutPendingDetail(info, resourceType) +
		"\n\nA port-out was found at apply time (the plan's state was older). Nothing was cancelled; the " +
		"resource stays in state."
}

// portOutPendingCancelRefusedDetail: SIPStation refused the cancel itself.
func portOutPendingCancelRefusedDetail(info portOutInfo, resourceType string, err error) string {
	return portOutPendingDetail(info, resourceType) +
		"\n\nSIPStation refused the cancel because the port-out is pending. Nothing was cancelled; the " +
		"resource stays in state.\n\n" + err.Error()
}

// portOutPendingReorderDetail: the plan orders again a number the account
// holds, which cancels the held one first.
func portOutPendingReorderDetail(info portOutInfo, resourceType string) string {
	return portOutPendingDetail(info, resourceType) +
		"\n\nThis plan orders the number again, which means cancelling the one held first: it is tainted, " +
		"replaced, or its resource was renamed without a moved block. Nothing was cancelled or ordered."
}

// movePendingDetail explains why a number with a pending port is not moved.
func movePendingDetail(info portOutInfo, from, to string) string {
	return fmt.Sprintf("%s is being ported out of SIPStation to %s (FOC date %s), and SIPStation moves no number "+
		"while its port is pending: this plan's move from location %s to %s would be refused at apply. Keep "+
		"location_id = %q until the port completes or is rejected. Nothing was moved or cancelled.",
		info.number, info.carrier, info.focDate, from, to, from)
}

// billedAfterPortOutDetail is the warning for a number that has left
// SIPStation and is still billed.
func billedAfterPortOutDetail(info portOutInfo, portDate, rate string) string {
	return fmt.Sprintf("%s was ported out to %s on %s and has left SIPStation, but SIPStation still bills it "+
		"(%s USD a month) until its service is cancelled. Remove this resource from your configuration: the next "+
		"apply cancels the number and stops the billing. The port has completed, so cancelling no longer puts "+
		"the number at risk.", info.number, info.carrier, portDate, rate)
}

func checkBeforeCancelDetail(e164 string, err error) string {
	return fmt.Sprintf("The provider checks that %s has no pending port-out before cancelling it, and that "+
		"check failed, so nothing was cancelled and the resource stays in state. Apply again once the "+
		"API answers.\n\n%s", e164, err)
}

func cancelRefusedDetail(e164 string, err error) string {
	return fmt.Sprintf("SIPStation refused to cancel %s, so it is still active and billed, and the resource stays "+
		"in state.\n\n%s", e164, err)
}

// cancelNotDoneDetail: the cancel got no answer, and a read shows the
// number still held.
func cancelNotDoneDetail(e164, status string, err error) string {
	return fmt.Sprintf("SIPStation did not cancel %s: the cancel failed without an answer that says so, and a read "+
		"afterwards shows the number still active and billed (status %s). The resource stays in state; apply again to retry.\n\n%s", e164, status, err)
}

func cancelOutcomeUnknownDetail(e164 string, err, getErr error) string {
	return fmt.Sprintf("The provider asked SIPStation to cancel %s and got no answer that says what happened, and could not read the number "+
		"afterwards, so whether it was cancelled is unknown. The resource stays in state. The next plan "+
		"refreshes it: if SIPStation cancelled it, it leaves state then; if not, that apply cancels it."+
		"\n\n%s\n\n%s", e164, err, getErr)
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

// taintedDeleteDetail: Delete refused the cancel half of a tainted replace.
func taintedDeleteDetail(e164 string) string {
	return taintedDetail(e164) +
		"\n\nNothing was cancelled or ordered; the number stays in state, still tainted."
}

// taintedReorderDetail: the plan orders again a tainted number it holds.
func taintedReorderDetail(e164 string, n *sipstation.Number) string {
	return taintedDetail(e164) +
		"\n\nThis plan orders the number again, which means cancelling it first; the account holds it " +
		fmt.Sprintf("(location %s, status %s). Nothing was ordered or cancelled.", n.LocationID, n.Status)
}

// taintedByAreaCodeFound ends the refusal of an order by area code that
// would replace number, tainted (with a pending port-out or not).
func taintedByAreaCodeFound(areaCode, locationID, number string) string {
	return fmt.Sprintf("\n\nThe provider found this at plan time: this plan orders a local number in area code %s "+
		"for location %s, while state holds %s (same location and area code), which Terraform refreshed but "+
		"does not plan to keep, change or destroy: a tainted resource that Terraform would replace (with "+
		"create_before_destroy, by ordering the new number before cancelling %s). Nothing was ordered or "+
		"cancelled. If instead a removed block drops %s from state in this same plan, apply the removed block "+
		"first and add the new order in a later apply.", areaCode, locationID, number, number, number)
}

func checkTaintedByAreaCodeDetail(areaCode, locationID, number string, err error) string {
	return fmt.Sprintf("This plan orders a number in area code %s for location %s, and the provider checks first "+
		"that it does not replace %s, which it refreshed and which this plan does not keep. That check "+
		"failed. Plan again once the API answers.\n\n%s", areaCode, locationID, number, err)
}

func checkHeldDetail(e164 string, err error) string {
	return fmt.Sprintf("Before ordering %s the provider checks whether this account already holds it, and that "+
		"check failed. Plan again once the API answers.\n\n%s", e164, err)
}

// replaceRefusedDetail: -replace or replace_triggered_by of a number given
// by number.
func replaceRefusedDetail(e164 string) string {
	return fmt.Sprintf("Terraform plans to replace %[1]s (requested with -replace or replace_triggered_by): "+
		"cancel it, then order the same number again. A cancelled number is not free again right away, "+
		"and may be lost for good, so the provider refuses. Nothing was cancelled or ordered.\n\n"+
		"Drop the -replace option or the replace_triggered_by entry; the number's settings change in "+
		"place without a replace.", e164)
}

// numberHeldDetail: the configuration orders a number the account holds.
func numberHeldDetail(e164 string, n *sipstation.Number) string {
	return fmt.Sprintf("This account already holds %[1]s (location %[2]s, status %[3]s), so Terraform cannot "+
		"order it.\n\n"+
		"  - If this resource is tainted (after terraform taint, or an apply that\n"+
		"    failed part-way), Terraform is planning to replace it, which would\n"+
		"    cancel the number. Run `terraform untaint <address>` and plan again.\n"+
		"  - If the resource was renamed, add a moved block from the old address.\n"+
		"  - If the number was ordered outside this configuration, import it:\n"+
		"    `terraform import <address> %[1]s`, or an import block.",
		e164, n.LocationID, n.Status)
}

// heldInAreaCodeDetail warns that the location already holds numbers of
// the area code an order asks for (list names them).
func heldInAreaCodeDetail(areaCode, locationID, list string) string {
	return fmt.Sprintf("This plan orders a new local number in area code %s for location %s, which already holds %s. "+
		"If one of them is this resource's number (its state was removed with terraform state rm, or it was "+
		"ordered outside Terraform), this apply orders a second, billed number: stop, and import that number "+
		"instead (`terraform import <address> <number>`, or an import block). If you do want another number, "+
		"apply. Numbers that other resources in this state hold are not named; those of other workspaces "+
		"(or configurations) on this account are, as the provider cannot tell them from a number dropped "+
		"from state.", areaCode, locationID, list)
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

// replayingOrderDetail warns that the plan replays a pending order.
func replayingOrderDetail(locationID, key string) string {
	return fmt.Sprintf("An earlier apply sent this resource's order for location %s and got no answer (idempotency key "+
		"%s), so state holds it as a pending order. This apply sends the same order with the same key: "+
		"SIPStation answers with the number it ordered then, or orders it once if it never did. It never "+
		"orders a second number for this resource. (SIPStation keeps keys for 24 hours; after that the "+
		"replay is a new order.)\n\nWith create_before_destroy, Terraform creates the replacement before it "+
		"removes the pending order, and the provider cannot hand the replacement the key then: that apply "+
		"stops with \"Provider produced inconsistent final plan\" before anything is ordered. In that case "+
		"find the number (data \"sipstation_numbers\" with location_id = %q), then `terraform state rm "+
		"<address>` and `terraform import <address> <number>`; or, if the location holds no such number, "+
		"`terraform state rm <address>` and apply.", locationID, key, locationID)
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

// replayRefusedDetail: SIPStation refused a replay as another order under
// the same key.
func replayRefusedDetail(what, locationID, key string, err error) string {
	return fmt.Sprintf("The provider replayed the order of %s for location %s whose answers were lost (idempotency "+
		"key %s), and SIPStation refused the replay because this order differs from that one: the "+
		"configuration of the resource changed since (description, failover, E911 address or SMS). Nothing "+
		"was ordered now, and the resource stays in state as the pending order. Set the resource back as "+
		"it was for that apply and apply again, or find the number (data \"sipstation_numbers\" with "+
		"location_id = %q) and import it.\n\n%s", what, locationID, key, locationID, err)
}

func orderRefusedDetail(what string, err error) string {
	return fmt.Sprintf("SIPStation did not order %s (it refused the order), so nothing is billed. %s\n\n%s", what, orderHint(err), err)
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

// settingsFailedDetail: the number is ordered and billed, its settings not.
func settingsFailedDetail(ordered *sipstation.Number, err error) string {
	return fmt.Sprintf("%s IS ordered and billed (location %s) and is recorded in Terraform state, but "+
		"applying its settings (failover, E911 address, SMS) failed, so they are not set.\n\n"+
		"Terraform now marks the resource tainted, and would plan to replace it: cancel the number "+
		"and order another. The provider refuses that replace, because a cancelled number cannot be "+
		"ordered again. Fix the cause below, then run `terraform untaint <address>` and apply again: "+
		"the settings are then applied in place.\n\n%s",
		ordered.Number, ordered.LocationID, err)
}

// numberRemovedDetail warns that a refresh found the number gone.
func numberRemovedDetail(e164 string) string {
	return fmt.Sprintf("This account no longer holds %s: it was cancelled, or moved out of reach, outside "+
		"Terraform. It is removed from state. If the configuration still declares it, the next apply "+
		"tries to order it again; remove the resource if the number is gone for good.", e164)
}

func cannotReadNumberDetail(e164 string, err error) string {
	return fmt.Sprintf("The provider could not read %s, so it cannot tell whether it changed. Plan again once "+
		"the API answers.\n\n%s", e164, err)
}

// numberGoneDetail: a saved plan changes a number cancelled since.
func numberGoneDetail(e164 string, err error) string {
	return fmt.Sprintf("SIPStation no longer holds %s: it was cancelled, or moved out of reach, outside "+
		"Terraform after this plan was made, so there was nothing to change. Nothing was changed, "+
		"cancelled or ordered. The next plan refreshes it and removes it from state; if the "+
		"configuration still declares it, that plan orders it again (by area_code, a different "+
		"number). Remove the resource if the number is gone for good.\n\n%s", e164, err)
}

func updateFailedDetail(e164 string, u sipstation.NumberUpdate, err error) string {
	return fmt.Sprintf("SIPStation did not change %s; it keeps its previous settings and location, and its "+
		"service is untouched: nothing was cancelled. %s\n\n%s", e164, updateHint(err, u), err)
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

func cannotImportDetail(resourceType, id string, err error) string {
	return fmt.Sprintf("%s imports by the number it holds, and %q is none. %s.",
		resourceType, id, capitalize(err.Error()))
}
