package provider

// Renames in the configuration: a resource renamed without a moved block, a
// for_each key renamed, a count list shifted. Terraform plans destroy and
// create of numbers the configuration still wants; the create half fails the
// plan, so nothing is cancelled, and moved blocks make them no-ops.

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// TestAccRename_withoutMoved: renaming a resource without a moved block
// plans destroy + create of the same number. The create half fails the plan
// (the account already holds the number), so the destroy half never runs;
// with a pending port the destroy half fails too. A moved block is a no-op.
func TestAccRename_withoutMoved(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	base := env.ProviderConfig() + locationHCL("main", "Main")
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: base + namedDIDHCL("a", number)},
			{
				Config:      base + namedDIDHCL("b", number),
				ExpectError: alreadyHeldError(number),
			},
			{
				PreConfig: func() {
					mustCheck(t, checkAllBilled(t, env, sipstation.StatusActive, number))
					portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number)
				},
				Config:      base + namedDIDHCL("b", number),
				ExpectError: regexp.MustCompile(pendingError(number, "sipstation_did").String() + `|` + alreadyHeldError(number).String()),
			},
			{
				// With a moved block the rename changes nothing at SIPStation.
				PreConfig: func() { mustCheck(t, checkAllBilled(t, env, sipstation.StatusPortOutPending, number)) },
				Config:    base + namedDIDHCL("b", number) + movedHCL("sipstation_did.a", "sipstation_did.b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("sipstation_did.b", plancheck.ResourceActionNoop)},
				},
				Check: checkAllBilled(t, env, sipstation.StatusPortOutPending, number),
			},
			{
				// The port completes; removing the number now cancels it.
				PreConfig: func() { env.CompletePortOut(t, portOut.ID) },
				Config:    base,
				Check:     resource.ComposeTestCheckFunc(checkCancelled(t, env, number), cancelledOnce(t, env, 1)),
			},
		},
	})
}

// TestAccRename_keyAndIndexShift: renaming a for_each key, or dropping the
// first element of a count list, plans destroy + create (or replace) of
// numbers the configuration still wants. The create halves fail the plan, so
// nothing is cancelled; moved blocks make the same change a no-op.
func TestAccRename_keyAndIndexShift(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const n0, n1 = "+14155550100", "+14155550101"
	base := env.ProviderConfig() + locationHCL("main", "Main")
	forEach := func(m string) string { return base + didForEachHCL("each", m) }
	count := func(numbers ...string) string { return base + didListHCL("list", numbers...) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkCancelled(t, env, n0), checkCancelled(t, env, n1)),
		Steps: []resource.TestStep{
			{Config: forEach(`{ reception = "` + n0 + `", sales = "` + n1 + `" }`)},
			{
				// A key renamed: destroy each["reception"], create each["front"].
				Config:      forEach(`{ front = "` + n0 + `", sales = "` + n1 + `" }`),
				ExpectError: alreadyHeldError(n0),
			},
			{
				// for_each to count with moved blocks: nothing changes.
				PreConfig: func() { mustCheck(t, checkAllBilled(t, env, sipstation.StatusActive, n0, n1)) },
				Config: count(n0, n1) +
					movedHCL(`sipstation_did.each["reception"]`, "sipstation_did.list[0]") +
					movedHCL(`sipstation_did.each["sales"]`, "sipstation_did.list[1]"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("sipstation_did.list[0]", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("sipstation_did.list[1]", plancheck.ResourceActionNoop),
					},
				},
			},
			{
				// The first element dropped: list[0] would be replaced by n1,
				// which the account holds, and list[1] (n1) destroyed.
				Config:      count(n1),
				ExpectError: alreadyHeldError(n1),
			},
			{
				// Nothing was cancelled; the configuration is back as it was.
				Config: count(n0, n1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkAllBilled(t, env, sipstation.StatusActive, n0, n1),
					cancelledOnce(t, env, 0),
				),
			},
		},
	})
}
