package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// numbersExactly checks a numbers list by its E.164 numbers, in order.
func numbersExactly(numbers ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(numbers))
	for _, n := range numbers {
		checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"number": knownvalue.StringExact(n)}))
	}
	return knownvalue.ListExact(checks)
}

func TestAccNumbersDataSource_inventoryAndFilters(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)

	// Everything here is ordered outside Terraform: the inventory must show
	// numbers no configuration declares.
	hq := env.CreateLocation(t, "HQ")
	branch := env.CreateLocation(t, "Branch")
	main := env.OrderNumber(t, hq.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: "+14155550101", Description: "Main line"})
	fax := env.OrderNumber(t, hq.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: "+14155550102", Description: "Fax"})
	leaving := env.OrderNumber(t, hq.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: "+14155550103", Description: "Old sales"})
	tollFree := env.OrderNumber(t, hq.ID, sipstation.NumberOrder{Type: sipstation.TypeTollFree, Number: "+18005550104", Description: "Support"})
	other := env.OrderNumber(t, branch.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: "+12125550105", Description: "Branch"})

	ported := env.RequestPortOut(t, "Gaining Telecom", "", leaving.Number)
	env.CompletePortOut(t, ported.ID)
	pending := env.RequestPortOut(t, "Other Carrier", "2031-01-15", fax.Number)

	numbers := tfjsonpath.New("numbers")
	rfc3339 := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
data "sipstation_numbers" "account" {}

data "sipstation_numbers" "hq" {
  location_id = %[1]q
}

data "sipstation_numbers" "hq_toll_free" {
  location_id = %[1]q
  type        = "toll_free"
}

data "sipstation_numbers" "local" {
  type = "local"
}

data "sipstation_numbers" "pending" {
  status = "port_out_pending"
}

data "sipstation_numbers" "billed_after_port_out" {
  billed_after_port_out = true
}

data "sipstation_numbers" "not_billed_after_port_out" {
  location_id           = %[1]q
  billed_after_port_out = false
}
`, hq.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sipstation_numbers.account", numbers,
					numbersExactly(other.Number, main.Number, fax.Number, leaving.Number, tollFree.Number)),
				statecheck.ExpectKnownValue("data.sipstation_numbers.hq", numbers,
					numbersExactly(main.Number, fax.Number, leaving.Number, tollFree.Number)),
				statecheck.ExpectKnownValue("data.sipstation_numbers.hq_toll_free", numbers, numbersExactly(tollFree.Number)),
				statecheck.ExpectKnownValue("data.sipstation_numbers.local", numbers,
					numbersExactly(other.Number, main.Number, fax.Number, leaving.Number)),
				statecheck.ExpectKnownValue("data.sipstation_numbers.pending", numbers, knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"number": knownvalue.StringExact(fax.Number),
						"status": knownvalue.StringExact(sipstation.StatusPortOutPending),
						"port_out": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"status":       knownvalue.StringExact(sipstation.PortOutPending),
							"carrier_name": knownvalue.StringExact("Other Carrier"),
							"foc_date":     knownvalue.StringExact(pending.FOCDate),
							"completed_at": knownvalue.Null(),
						}),
					}),
				})),
				// Every attribute of a number ported and still billed.
				statecheck.ExpectKnownValue("data.sipstation_numbers.billed_after_port_out", numbers, knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"number":         knownvalue.StringExact(leaving.Number),
						"type":           knownvalue.StringExact(sipstation.TypeLocal),
						"location_id":    knownvalue.StringExact(hq.ID),
						"description":    knownvalue.StringExact("Old sales"),
						"status":         knownvalue.StringExact(sipstation.StatusPortedOut),
						"billing_active": knownvalue.Bool(true),
						"monthly_rate":   knownvalue.StringExact("1.50"),
						"activated_at":   knownvalue.StringExact(leaving.ActivatedAt.UTC().Format(time.RFC3339)),
						"port_out": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"status":       knownvalue.StringExact(sipstation.PortOutCompleted),
							"carrier_name": knownvalue.StringExact("Gaining Telecom"),
							"foc_date":     knownvalue.StringExact(ported.FOCDate),
							"completed_at": knownvalue.StringRegexp(rfc3339),
						}),
						"early_port_out_fee": knownvalue.StringExact("25.00"),
					}),
				})),
				statecheck.ExpectKnownValue("data.sipstation_numbers.not_billed_after_port_out", numbers,
					numbersExactly(main.Number, fax.Number, tollFree.Number)),
				// A number that never ported has neither port-out nor fee.
				statecheck.ExpectKnownValue("data.sipstation_numbers.hq_toll_free", numbers.AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"status":             knownvalue.StringExact(sipstation.StatusActive),
					"billing_active":     knownvalue.Bool(true),
					"monthly_rate":       knownvalue.StringExact("2.00"),
					"activated_at":       knownvalue.StringRegexp(rfc3339),
					"port_out":           knownvalue.Null(),
					"early_port_out_fee": knownvalue.Null(),
				})),
			},
		}},
	})
}

// billedAfterPortOutGate is what a pipeline puts in front of its apply: a
// postcondition that fails the plan while any number of the account is
// ported out and still billed, whether or not a configuration declares it.
const billedAfterPortOutGate = `
data "sipstation_numbers" "billed_after_port_out" {
  billed_after_port_out = true

  lifecycle {
    postcondition {
      condition     = length(self.numbers) == 0
      error_message = "Ported out but still billed: ${join(", ", self.numbers[*].number)}. Cancel them to stop the billing."
    }
  }
}
`

func TestAccNumbersDataSource_billedAfterPortOutFailsThePlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)

	hq := env.CreateLocation(t, "HQ")
	env.OrderNumber(t, hq.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: "+16175550110"})
	leaving := env.OrderNumber(t, hq.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: "+16175550111"})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Nothing ported: the gate passes.
				Config: env.ProviderConfig() + billedAfterPortOutGate,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sipstation_numbers.billed_after_port_out", tfjsonpath.New("numbers"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				// The port completes; nobody cancels the number.
				PreConfig: func() {
					po := env.RequestPortOut(t, "Gaining Telecom", "", leaving.Number)
					env.CompletePortOut(t, po.ID)
				},
				Config:      env.ProviderConfig() + billedAfterPortOutGate,
				ExpectError: regexp.MustCompile(`(?s)Ported out but still billed: \+16175550111\.`),
			},
			{
				// Cancelling the ported number stops the billing and clears
				// the gate.
				PreConfig: func() {
					env.CancelNumber(t, leaving.Number)
				},
				Config: env.ProviderConfig() + billedAfterPortOutGate,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sipstation_numbers.billed_after_port_out", tfjsonpath.New("numbers"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

func TestAccNumbersDataSource_invalidFilters(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.ProviderConfig() + `data "sipstation_numbers" "x" { type = "mobile" }`,
				ExpectError: regexp.MustCompile(`(?s)type.*value must be one of.*"local".*"toll_free"`),
			},
			{
				Config:      env.ProviderConfig() + `data "sipstation_numbers" "x" { status = "cancelled" }`,
				ExpectError: regexp.MustCompile(`(?s)status.*value must be one of.*"port_out_pending"`),
			},
			{
				Config:      env.ProviderConfig() + `data "sipstation_numbers" "x" { location_id = "loc_does_not_exist" }`,
				ExpectError: expectDiag("Cannot List Numbers", `"loc_does_not_exist"`),
			},
		},
	})
}
