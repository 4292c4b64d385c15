package provider

// Replaces: -replace and replace_triggered_by, a number ordered by area
// code replaced on purpose, a number that becomes known only at apply. Each
// test asserts the emulator's inventory afterwards.

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// TestAccReplace_sameNumber: replace_triggered_by (like -replace,
// which terraform-plugin-testing cannot pass) plans to cancel a configured
// number and order it again. The create half fails the plan: the number is
// held, or, while its port is pending, with the port-out error.
func TestAccReplace_sameNumber(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	config := func(trigger string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + triggeredDIDHCL(trigger, `  number = "`+number+`"`, "")
	}
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: config("one")},
			{
				Config:      config("two"),
				ExpectError: expectDiag("Refusing to Replace Number", number, "replace_triggered_by"),
			},
			{
				PreConfig: func() {
					mustCheck(t, checkAllBilled(t, env, sipstation.StatusActive, number))
					portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number)
				},
				Config:      config("two"),
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				// Back to the first trigger: no replace, the number is kept.
				PreConfig: func() { mustCheck(t, checkAllBilled(t, env, sipstation.StatusPortOutPending, number)) },
				Config:    config("one"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionNoop)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkAllBilled(t, env, sipstation.StatusPortOutPending, number),
					cancelledOnce(t, env, 0),
				),
			},
			{
				PreConfig: func() { env.CompletePortOut(t, portOut.ID) },
				Config:    config("one"),
			},
		},
	})
}

// TestAccReplace_byAreaCode: the replace of a DID ordered by area code
// (replace_triggered_by here, as -replace) cancels the number and orders a
// different one, as documented: one number billed after, the old one
// cancelled once, never with force.
func TestAccReplace_byAreaCode(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const first = "+12125550100"
	config := func(trigger string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + triggeredDIDHCL(trigger, `  area_code = "212"`, "")
	}
	var second string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             func(s *terraform.State) error { return checkCancelled(t, env, second)(s) },
		Steps: []resource.TestStep{
			{Config: config("one"), Check: checkInState(first)},
			{
				Config: config("two"),
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						second = s.RootModule().Resources[didAddr].Primary.ID
						if second == first || phonenumber.AreaCode(second) != "212" {
							return fmt.Errorf("after the replace %s holds %s, want another number of 212", didAddr, second)
						}
						return checkInventory(t, env, second)(s)
					},
					checkCancelled(t, env, first),
					cancelledOnce(t, env, 1),
				),
			},
		},
	})
}

// TestAccReplace_byAreaCodeWhilePending: a number ordered by area code
// carries no number in its configuration, so the create half of a
// replace_triggered_by (or -replace) cannot tell that it replaces a held
// number. The plan still fails while the port is pending (the replace is
// guarded like a destroy), even with create_before_destroy, which would
// otherwise order a second number before the refused cancel.
func TestAccReplace_byAreaCodeWhilePending(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+12125550100" // the first free number of 212
	config := func(trigger, lifecycle string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + triggeredDIDHCL(trigger, `  area_code = "212"`, lifecycle)
	}
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: config("one", "")},
			{
				PreConfig:   func() { portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number) },
				Config:      config("two", ""),
				PlanOnly:    true,
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{Config: config("one", cbd)},
			{
				Config:      config("two", cbd),
				PlanOnly:    true,
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				Config: config("one", ""),
				Check: resource.ComposeTestCheckFunc(
					checkAllBilled(t, env, sipstation.StatusPortOutPending, number),
					cancelledOnce(t, env, 0),
					func(*terraform.State) error {
						var list struct {
							Data []sipstation.Number `json:"data"`
						}
						env.Get(t, "/v1/numbers", &list)
						if len(list.Data) != 1 {
							return fmt.Errorf("the account holds %d numbers, want only %s", len(list.Data), number)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() { env.CompletePortOut(t, portOut.ID) },
				Config:    config("one", ""),
			},
		},
	})
}

// TestAccReplace_numberKnownOnlyAtApply: a number computed during apply plans no
// replace. The same number then changes nothing; a different one fails the
// apply without cancelling or ordering anything, and the next plan, with
// the number known, shows the replace.
func TestAccReplace_numberKnownOnlyAtApply(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const number, other = "+14155550100", "+14155550101"
	config := func(input string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + fmt.Sprintf(`
resource "terraform_data" "number" {
  input = %q
}
`, input) + didHCL("main", `  number = terraform_data.number.output`)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, other),
		Steps: []resource.TestStep{
			{
				Config:            config(number),
				ConfigStateChecks: []statecheck.StateCheck{expectDID("id", knownvalue.StringExact(number))},
			},
			{
				// The input changes, so the number is unknown until apply;
				// it is the same number in another form.
				Config: config("415-555-0100"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(didAddr, tfjsonpath.New("number")),
						plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionUpdate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{expectDID("id", knownvalue.StringExact(number))},
				Check:             checkBilledAt(t, env, number, sipstation.StatusActive),
			},
			{
				// Another number, unknown until apply: planned as an update,
				// refused when it becomes known.
				Config: config(other),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionUpdate)},
				},
				ExpectError: regexp.MustCompile(`inconsistent final plan[\s\S]*from Update to DeleteThenCreate`),
			},
			{
				// Nothing was cancelled or ordered; now that the number is
				// known, the plan shows the replace.
				PreConfig: func() {
					if err := checkBilledAt(t, env, number, sipstation.StatusActive)(nil); err != nil {
						t.Fatal(err)
					}
					if _, code := apiNumber(t, env, other); code != 404 {
						t.Fatalf("GET %s: status %d, want 404: it was ordered", other, code)
					}
				},
				Config:             config(other),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
			},
			{
				Config:            config(other),
				ConfigStateChecks: []statecheck.StateCheck{expectDID("id", knownvalue.StringExact(other))},
				Check: resource.ComposeTestCheckFunc(
					checkCancelled(t, env, number),
					checkBilledAt(t, env, other, sipstation.StatusActive),
				),
			},
		},
	})
}
