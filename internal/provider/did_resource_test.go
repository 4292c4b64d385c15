package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

func TestAccDID_byAreaCode(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	config := env.ProviderConfig() + locationHCL("main", "Main")
	var ordered string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			return checkCancelled(t, env, ordered)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: config + didHCL("main", `  area_code = "212"
  timeouts {
    create = "2m"
    delete = "2m"
  }`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectDID("number", knownvalue.StringRegexp(regexp.MustCompile(`^\+1212555\d{4}$`))),
					expectDID("area_code", knownvalue.StringExact("212")),
					statecheck.CompareValuePairs(didAddr, tfjsonpath.New("id"), didAddr, tfjsonpath.New("number"), compare.ValuesSame()),
				},
				Check: func(s *terraform.State) error {
					ordered = s.RootModule().Resources[didAddr].Primary.ID
					return checkBilledAt(t, env, ordered, sipstation.StatusActive)(s)
				},
			},
			{
				// Another area code later orders nothing and replaces nothing.
				Config: config + didHCL("main", `  area_code = "415"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionUpdate)},
				},
				Check: func(s *terraform.State) error {
					if got := s.RootModule().Resources[didAddr].Primary.ID; got != ordered {
						return fmt.Errorf("number changed from %s to %s", ordered, got)
					}
					return nil
				},
			},
			{
				// Writing the ordered number instead of the area code: still the same number.
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionUpdate)},
				},
				Config: config + didHCL("main", `  number = "+12125550100"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectDID("id", knownvalue.StringExact("+12125550100")),
					expectDID("area_code", knownvalue.Null()),
				},
			},
			{
				// Only a different number replaces: the old one is cancelled
				// (this replace is the user's, so Delete does not refuse it)
				// and the new one ordered.
				Config: config + didHCL("main", `  number = "+12125550101"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{expectDID("id", knownvalue.StringExact("+12125550101"))},
				Check: resource.ComposeTestCheckFunc(
					checkCancelled(t, env, "+12125550100"),
					checkBilledAt(t, env, "+12125550101", sipstation.StatusActive),
					func(*terraform.State) error { ordered = "+12125550101"; return nil },
				),
			},
		},
	})
}

// TestAccDID_validation shows each configuration mistake failing the plan
// with an attribute error that shows the expected form.
func TestAccDID_validation(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	config := func(body string) string {
		return env.ProviderConfig() + numberBlock("sipstation_did", "main", `"loc_x"`, body)
	}
	step := func(body, summary string, facts ...string) resource.TestStep {
		return resource.TestStep{Config: config(body), PlanOnly: true, ExpectError: expectDiag(summary, facts...)}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(`number = "415-555-CALL"`, "Invalid Phone Number", `"415-555-CALL"`, "+14155550123"),
			step(`number = "555-0123"`, "Invalid Phone Number", `"555-0123"`, "7 digits", "+14155550123"),
			step(`number = "+18005550100"`, "Invalid Phone Number", `"+18005550100"`, "sipstation_toll_free_number"),
			step("number = \"+14155550100\"\n  area_code = \"415\"", "Conflicting Number and Area Code"),
			step(``, "Missing Number or Area Code"),
			step(`area_code = "800"`, "Invalid Area Code", "800", "sipstation_toll_free_number"),
			step(`area_code = "41"`, "Invalid Area Code", `"41"`, `"415"`),
			step("number = \"+14155550100\"\n  failover = {\n    number = \"+14155550199\"\n    destination = \"sip:a@b.example\"\n  }",
				"Invalid Failover", "failover.number", "failover.destination"),
			step("number = \"+14155550100\"\n  failover = {\n    number = \"12\"\n  }", "Invalid Phone Number", `"12"`),
		},
	})
}

// TestAccDID_cancelledOutside shows Read dropping a number cancelled outside
// Terraform, with a warning naming it.
func TestAccDID_cancelledOutside(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	rec := &diagRecorder{}
	config := env.ProviderConfig() + locationHCL("main", "Main") + didHCL("main", `  number = "+14155550100"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.CancelNumber(t, "+14155550100")
					rec.reset()
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionCreate)},
				},
			},
			{
				// Only the location is left to destroy.
				PreConfig: func() {
					if err := rec.requireWarning("read", numberRemovedSummary, "+14155550100", "outside Terraform"); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.ProviderConfig() + locationHCL("main", "Main"),
				Check:  checkInventory(t, env),
			},
		},
	})
}

// TestAccDID_numberInAnotherForm: a number written as people write it
// ("415-555-0100") plans, applies and plans again with no change and no
// inconsistent result. State holds the form written until the first refresh
// stores E.164 (id holds E.164 from the start); neither shows as a diff.
func TestAccDID_numberInAnotherForm(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const number = "+14155550100"
	config := func(description string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + didHCL("main", fmt.Sprintf(`
  number      = "415-555-0100"
  description = %q
  failover = {
    number = "(415) 555-0199"
  }
`, description))
	}
	// The failover goes with the order; the whole account's failover and
	// E911 state is asserted after each write.
	withFailover := checkTrunkState(t, env, trunkState{Numbers: map[string]trunkNumberState{
		number: {Failover: trunk.Failover{Number: "+14155550199"}},
	}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkCancelled(t, env, number), checkTrunkState(t, env, trunkState{})),
		Steps: []resource.TestStep{
			{
				// The plans after this apply, with and without refresh, are empty.
				Config: config("Reception"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectDID("id", knownvalue.StringExact(number)),
					// Terraform requires the configured value until a refresh.
					expectDID("number", knownvalue.StringExact("415-555-0100")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkBilledAt(t, env, number, sipstation.StatusActive), withFailover),
			},
			{
				RefreshState: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(didAddr, "number", number),
					resource.TestCheckResourceAttr(didAddr, "failover.number", "+14155550199"),
				),
			},
			{
				// An update after the refresh keeps the number as it is.
				Config: config("Front desk"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(didAddr, tfjsonpath.New("number"), knownvalue.StringExact(number)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectDID("number", knownvalue.StringExact(number)),
					expectDID("description", knownvalue.StringExact("Front desk")),
				},
				Check: withFailover,
			},
		},
	})
}

// TestAccDID_orderRefused: a number another account holds is not ordered;
// the error names it and says what to do, and nothing enters state.
func TestAccDID_orderRefused(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	other := env.OtherAccount(t, "other", "")
	other.OrderNumber(t, other.CreateLocation(t, "Elsewhere").ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: number})
	config := env.ProviderConfig() + locationHCL("main", "Main")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config + didHCL("main", `  number = "415-555-0100"`),
				ExpectError: expectDiag(cannotOrderSummary, "+14155550100", "number_unavailable"),
			},
			{
				// Nothing entered state: the plan still orders it.
				Config:             config + didHCL("main", `  number = "415-555-0100"`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionCreate)},
				},
			},
			{Config: config, Check: checkInventory(t, env)},
		},
	})
}

// TestAccDID_createSettingsRefused: the settings go with the order, so an
// E911 address SIPStation refuses refuses the order: nothing is billed,
// nothing enters state (tainted or not), and with the address fixed the
// number is ordered once.
func TestAccDID_createSettingsRefused(t *testing.T) {
	t.Parallel()
	for name, choose := range map[string]string{"number": `  number = "+14155550100"`, "area_code": `  area_code = "212"`} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			number := map[string]string{"number": "+14155550100", "area_code": "+12125550100"}[name]
			config := env.ProviderConfig() + locationHCL("main", "Main")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkCancelled(t, env, number),
				Steps: []resource.TestStep{
					{
						Config:      config + didHCL("main", choose+badE911),
						ExpectError: expectDiag(cannotOrderSummary, "e911_address.zip"),
					},
					{
						// Refused, the order left nothing on the trunk.
						PreConfig: func() {
							mustCheck(t, checkInventory(t, env))
							mustCheck(t, checkTrunkState(t, env, trunkState{}))
						},
						Config: config + didHCL("main", choose),
						Check: resource.ComposeTestCheckFunc(checkInState(number), checkInventory(t, env, number),
							checkTrunkState(t, env, trunkState{Numbers: numbers([]string{number}, nil)})),
					},
				},
			})
		})
	}
}
