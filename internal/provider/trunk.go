package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

// What the resources of the account-key API (sipstation_e911_address,
// sipstation_failover) share.

// trunkClientType is the CLIENT_TYPE header of every request to the
// account-key API: the provider and its version, in the shape of the
// "ssmodule-<module version>" FreePBX's module sends (15
// sapi/PestSipstation.php ~22).
func trunkClientType(version string) string {
	return "terraform-provider-sipstation-" + cmp.Or(version, "dev")
}

// replaceIfOtherNumber replaces the resource when its number changes to
// another number (or appears or goes away); the same number written in
// another form is an update in place, which changes nothing at SIPStation.
func replaceIfOtherNumber() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			if req.ConfigValue.IsUnknown() {
				return // known at apply; the number is almost always the same
			}
			if req.ConfigValue.IsNull() != req.StateValue.IsNull() {
				resp.RequiresReplace = true
				return
			}
			resp.RequiresReplace = !sameNumber(req.ConfigValue.ValueString(), req.StateValue.ValueString())
		},
		"A different number replaces the resource; the same number in another form changes nothing.",
		"A different number replaces the resource; the same number in another form changes nothing.",
	)
}

// leftTrunkWarning is the warning of a resource whose number has left the
// trunk, and leaves state.
func leftTrunkWarning(diags *diag.Diagnostics, resourceType, e164 string) {
	diags.AddWarning("Number Left the SIPStation Trunk",
		fmt.Sprintf("%s is no longer on the account's SIPStation trunk: it was ported away to another carrier "+
			"or its service was cancelled. The provider removes this %s from state; nothing was changed at "+
			"SIPStation.\n\n"+
			"In SIPStation's words: \"SIPStation DIDs and Toll-Free numbers are usually not automatically cancelled "+
			"after a port-out unless you are explicitly notified of such. Billing will continue unless the services "+
			"are cancelled.\" If %s was ported away, it is still billed until its service is removed: log into the "+
			"SIPStation Store at http://www.sipstation.com, choose the location if applicable, and cancel the "+
			"number's service there (or, with the v1 API configured, remove its sipstation_did or "+
			"sipstation_toll_free_number resource, which cancels it). Then remove this %s from your configuration, "+
			"or the next plan will try to create it again.", e164, resourceType, e164, resourceType))
}

// numberOnTrunk reads the account and reports whether e164 is on the trunk;
// it adds an error when the account cannot be read.
func numberOnTrunk(ctx context.Context, client *trunk.Client, e164 string, diags *diag.Diagnostics) (*trunk.Account, trunk.Number, bool) {
	acct, err := client.Account(ctx)
	if err != nil {
		addTrunkReadError(diags, err)
		return nil, trunk.Number{}, false
	}
	n, ok := acct.Number(e164)
	return acct, n, ok
}

// planOnTrunk is the ModifyPlan of the resources of the account-key API: it
// fails the plan of a resource whose number (in the given class) is not on
// the trunk, when the resource is new or its number changes. what names what
// the resource sets, for the error ("an E911 address").
func planOnTrunk(ctx context.Context, client *trunk.Client, class numberClass, what string,
	req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || client == nil {
		return // destroy, or validation before the provider is configured
	}
	var number types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("number"), &number)...)
	if resp.Diagnostics.HasError() || number.IsUnknown() || number.IsNull() {
		return
	}
	if !req.State.Raw.IsNull() {
		var id types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
		if sameNumber(id.ValueString(), number.ValueString()) {
			return // an update of a resource Read found on the trunk
		}
	}
	e164, err := checkNumber(number.ValueString(), class)
	if err != nil {
		return // the validator reports it
	}
	requireOnTrunk(ctx, client, e164, what, &resp.Diagnostics)
}

// requireOnTrunk reports whether e164 is on the trunk, before the provider
// sets what (such as "an E911 address") for it; when it is not, or the
// account cannot be read, it adds the error that says so.
func requireOnTrunk(ctx context.Context, client *trunk.Client, e164, what string, diags *diag.Diagnostics) bool {
	acct, _, ok := numberOnTrunk(ctx, client, e164, diags)
	if acct != nil && !ok {
		notOnTrunkError(diags, acct, what, e164)
	}
	return ok
}

// readOnTrunk finds the number of a resource in state on the trunk, for its
// Read. It returns false when Read is done: the account could not be read
// (an error), or the number has left the trunk (the warning, and the
// resource leaves state).
func readOnTrunk(ctx context.Context, client *trunk.Client, resourceType, e164 string, resp *resource.ReadResponse) (trunk.Number, bool) {
	acct, n, ok := numberOnTrunk(ctx, client, e164, &resp.Diagnostics)
	if acct == nil {
		return trunk.Number{}, false
	}
	if !ok {
		leftTrunkWarning(&resp.Diagnostics, resourceType, e164)
		resp.State.RemoveResource(ctx)
		return trunk.Number{}, false
	}
	return n, true
}

// deleteOnTrunk reports whether the Delete of a resource for e164 has
// anything to remove at SIPStation: not when the account cannot be read (an
// error) nor when the number has left the trunk (logged: what, such as "E911
// address to delete", went with it).
func deleteOnTrunk(ctx context.Context, client *trunk.Client, e164, what string, diags *diag.Diagnostics) bool {
	acct, _, ok := numberOnTrunk(ctx, client, e164, diags)
	if acct != nil && !ok {
		tflog.Info(ctx, "number left the trunk; no "+what, map[string]any{"number": e164})
	}
	return ok
}

// importNumber sets the id and number of a resource imported by its number.
func importNumber(ctx context.Context, e164 string, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), e164)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("number"), e164)...)
}

// notOnTrunkError explains a number that is not on the trunk, for a plan or
// an apply that would set something on it.
func notOnTrunkError(diags *diag.Diagnostics, acct *trunk.Account, resourceType, e164 string) {
	const shown = 10
	listed := make([]string, 0, shown)
	for _, n := range acct.Numbers[:min(shown, len(acct.Numbers))] {
		listed = append(listed, n.Number)
	}
	onTrunk := "none"
	if len(listed) > 0 {
		onTrunk = strings.Join(listed, ", ")
	}
	if more := len(acct.Numbers) - len(listed); more > 0 {
		onTrunk += fmt.Sprintf(" and %d more", more)
	}
	diags.AddError("Number Not on the SIPStation Trunk",
		fmt.Sprintf("%s is not on the account's SIPStation trunk, so %s cannot be set for it. The numbers on "+
			"the trunk are: %s (data.sipstation_trunk lists them). Order the number first: in the SIPStation "+
			"store, or with sipstation_did and the v1 API; when the same configuration orders it, refer to the "+
			"number resource's id (such as sipstation_did.main.id), so that this check waits for the order.",
			e164, resourceType, onTrunk))
}

// addTrunkChangeError explains a change the account-key API did not make.
func addTrunkChangeError(diags *diag.Diagnostics, summary, e164 string, err error) {
	switch {
	case errors.Is(err, trunk.ErrAccountFailoverLost):
		diags.AddError("Account-Wide Failover Was Cleared Too",
			fmt.Sprintf("The provider asked SIPStation to clear the failover of %s (DELETE /2/failover/{did}/{key}, "+
				"the form FreePBX's SIPStation module 12 and 13 use), and SIPStation also cleared the account-wide "+
				"failover, which every number without a failover of its own relies on. The error below says whether "+
				"the provider could set it back. Check the account-wide failover in data.sipstation_trunk or the "+
				"SIPStation portal now, and please report this: it means the service reads that request otherwise "+
				"than the module's source shows.\n\n%s", e164, err))
		return
	case errors.Is(err, trunk.ErrBadKey):
		diags.AddError(summary,
			fmt.Sprintf("SIPStation answered BADKEY to the change for %s: it does not know the configured account key, "+
				"so nothing was changed. Check "+envAccountKey+" or `account_key`: copy the key again from the "+
				"SIPStation portal, and check that `trunk_endpoint` is SIPStation's ("+trunk.DefaultEndpoint+").\n\n%s", e164, err))
		return
	}
	if errors.Is(err, trunk.ErrRefused) {
		hint := "Correct what the reason names, then apply again."
		if strings.Contains(strings.ToLower(err.Error()), "trial") {
			hint = "Trial accounts cannot set E911 addresses or failover: convert the trial to a full account " +
				"in the SIPStation store first."
		}
		diags.AddError(summary,
			fmt.Sprintf("SIPStation refused the change for %s and gave the reason below; nothing was changed. %s\n\n%s",
				e164, hint, err))
		return
	}
	diags.AddError(summary,
		fmt.Sprintf("The change for %s did not complete: the account-key API did not answer it, or answered an "+
			"error. SIPStation may or may not have made it; the next plan reads the account again and shows what "+
			"is left to do. Check trunk_endpoint and the network, then apply again.\n\n%s", e164, err))
}

// accountNumber names the number of a resource for messages: the number, or
// the whole account.
func accountNumber(e164 string) string {
	if e164 == "" {
		return "the account"
	}
	return e164
}
