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
)

func TestAccTollFree_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const number = "+18005550100"
	locations := env.ProviderConfig() + locationHCL("main", "Main") + locationHCL("branch", "Branch")
	settings := `
  number      = "+18005550100"
  description = "Sales hotline"
  failover = {
    destination = "sip:sales@pbx.example.com"
  }
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{
				Config: locations + tollFreeHCL("main", `  number = "800-555-0100"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectTollFree("id", knownvalue.StringExact(number)),
					expectTollFree("resp_org", knownvalue.StringExact("SIPS1")),
					expectTollFree("monthly_rate", knownvalue.StringExact("2.00")),
					expectTollFree("status", knownvalue.StringExact("active")),
					expectTollFree("billing_active", knownvalue.Bool(true)),
					expectTollFree("port_out", knownvalue.Null()),
				},
				Check: checkBilledAt(t, env, number, sipstation.StatusActive),
			},
			{
				Config: locations + tollFreeHCL("main", settings),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tollFreeAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// Written "800-555-0100"; the apply's refresh stored E.164.
					expectTollFree("number", knownvalue.StringExact(number)),
					expectTollFree("description", knownvalue.StringExact("Sales hotline")),
					expectTollFree("failover", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"destination": knownvalue.StringExact("sip:sales@pbx.example.com"),
						"number":      knownvalue.Null(),
					})),
				},
			},
			{
				Config: locations + tollFreeHCL("branch", settings),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tollFreeAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectTollFree("id", knownvalue.StringExact(number)),
					statecheck.CompareValuePairs(tollFreeAddr, tfjsonpath.New("location_id"),
						"sipstation_location.branch", tfjsonpath.New("id"), compare.ValuesSame()),
				},
				Check: func(s *terraform.State) error {
					branch, err := locationID(s, "sipstation_location.branch")
					if err != nil {
						return err
					}
					if n, _ := apiNumber(t, env, number); n.LocationID != branch {
						return fmt.Errorf("the API holds %s at %s, want %s", number, n.LocationID, branch)
					}
					return nil
				},
			},
			importStep(tollFreeAddr, "+18005550100"),
			importStep(tollFreeAddr, "800-555-0100"),
			importStep(tollFreeAddr, "(800) 555-0100"),
			importStep(tollFreeAddr, "8005550100"),
			importBlockStep(tollFreeAddr, "+18005550100", number),
			importBlockStep(tollFreeAddr, "800-555-0100", number),
			importBlockStep(tollFreeAddr, "(800) 555-0100", number),
			importBlockStep(tollFreeAddr, "8005550100", number),
			{
				Config: locations + tollFreeHCL("branch", `
  number      = "(800) 555-0100"
  description = "Sales hotline"
  failover = {
    destination = "sip:sales@pbx.example.com"
  }
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// The block removed: the number is cancelled, and the
				// location's statements stop billing it.
				Config: locations,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tollFreeAddr, plancheck.ResourceActionDestroy)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkCancelled(t, env, number),
					checkBillingStopped(t, env, "sipstation_location.branch", number),
				),
			},
		},
	})
}

func TestAccTollFree_validation(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	config := func(body string) string {
		return env.ProviderConfig() + numberBlock("sipstation_toll_free_number", "main", `"loc_x"`, body)
	}
	step := func(body, want string) resource.TestStep {
		return resource.TestStep{Config: config(body), PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(`number = "+14155550100"`, `Invalid Phone Number[\s\S]*is a local number[\s\S]*such as\s+\+18005550123`),
			step(`number = "1-800-FLOWERS"`, `Invalid Phone Number[\s\S]*not part of a phone number[\s\S]*toll-free\s+number[\s\S]*\+18005550123,\s+800-555-0123`),
			step(``, `"number" is required`),
		},
	})
}
