package provider

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
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

func e911HCL(number, street2, extra string) string {
	return fmt.Sprintf(`
resource "sipstation_e911_address" "main" {
  number  = %q
  name    = "Example Dental LLC"
  street1 = "1 Market St"
  street2 = %q
  city    = "San Francisco"
  state   = "CA"
  zip     = "94105"
%s}
`, number, street2, extra)
}

func TestAccE911Address_lifecycle(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	trunkNumbers(t, env, "+14155550160", "+14155550161")
	const address = "sipstation_e911_address.main"
	addr := sipstation.E911Address{Name: "Example Dental LLC", Street1: "1 Market St", City: "San Francisco", State: "CA", Zip: "94105"}
	moved := addr
	moved.Street2 = "Suite 5"
	state := func(on160, on161 trunkNumberState) resource.TestCheckFunc {
		return checkTrunkState(t, env, trunkState{Numbers: map[string]trunkNumberState{"+14155550160": on160, "+14155550161": on161}})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             state(trunkNumberState{}, trunkNumberState{}),
		Steps: []resource.TestStep{
			{
				Config: env.BothProviderConfig() + e911HCL("415-555-0160", "", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact("+14155550160")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("number"), knownvalue.StringExact("415-555-0160")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("street2"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("master"), knownvalue.Bool(false)),
				},
				Check: state(trunkNumberState{E911: &addr}, trunkNumberState{}),
			},
			{
				// Street and master change in place.
				Config: env.BothProviderConfig() + e911HCL("415-555-0160", "Suite 5", "  master = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("master"), knownvalue.Bool(true)),
				},
				Check: state(trunkNumberState{E911: &moved, Master: true}, trunkNumberState{}),
			},
			{
				// The same number in another form changes nothing.
				Config: env.BothProviderConfig() + e911HCL("(415) 555-0160", "Suite 5", "  master = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				Check: state(trunkNumberState{E911: &moved, Master: true}, trunkNumberState{}),
			},
			{
				ResourceName:            address,
				ImportState:             true,
				ImportStateId:           "4155550160",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"number"},
			},
			{
				// Another number replaces: the old address is deleted.
				Config: env.BothProviderConfig() + e911HCL("+14155550161", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: state(trunkNumberState{}, trunkNumberState{E911: &addr}),
			},
		},
	})
}

// A number that is not on the trunk fails the plan, and a trial account's
// refusal is an error quoting SIPStation's message.
func TestAccE911Address_refused(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	trial := trialEnv(t, env)
	trunkNumbers(t, trial, "+14155550170")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.TrunkProviderConfig() + e911HCL("+14155550179", "", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Number Not on the SIPStation Trunk[\s\S]*\+14155550179 is not on`),
			},
			{
				Config:      trial.TrunkProviderConfig() + e911HCL("+14155550170", "", ""),
				ExpectError: regexp.MustCompile(`Cannot Set E911 Address[\s\S]*"Trial\s+accounts\s+cannot\s+set\s+E911`),
			},
			{
				Config:      env.ProviderConfig() + e911HCL("+14155550170", "", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`SIPStation Account Key Not Configured[\s\S]*SIPSTATION_ACCOUNT_KEY`),
			},
		},
	})
	if err := checkTrunkState(t, trial, trunkState{Numbers: numbers([]string{"+14155550170"}, nil)})(nil); err != nil {
		t.Errorf("the trial account after its refusal: %v", err)
	}
}

// A number that leaves the trunk (its port-out completes) leaves state with
// a warning that names it and says it is still billed; the plan then fails
// rather than trying to set an address for a number that is gone.
func TestAccE911Address_leftTrunk(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	trunkNumbers(t, env, "+14155550180")
	rec := &diagRecorder{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				Config: env.BothProviderConfig() + e911HCL("+14155550180", "", ""),
				Check: checkTrunkState(t, env, trunkState{Numbers: map[string]trunkNumberState{"+14155550180": {E911: &sipstation.E911Address{
					Name: "Example Dental LLC", Street1: "1 Market St", City: "San Francisco", State: "CA", Zip: "94105"}}}}),
			},
			{
				PreConfig: func() {
					po := env.RequestPortOut(t, "Gaining Co", "", "+14155550180")
					env.CompletePortOut(t, po.ID)
				},
				Config:      env.BothProviderConfig() + e911HCL("+14155550180", "", ""),
				ExpectError: regexp.MustCompile(`Number Not on the SIPStation Trunk`),
			},
			{
				Config: env.BothProviderConfig(),
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						return rec.requireWarning("read", "Number Left the SIPStation Trunk",
							"+14155550180", "Billing will continue", "still billed", "SIPStation Store")
					},
					checkTrunkState(t, env, trunkState{}),
				),
			},
		},
	})
	requirePortedStillBilled(t, env, "+14155550180")
}
