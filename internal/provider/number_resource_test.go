package provider

import (
	"fmt"
	"maps"
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

// TestAccNumber_lifecycle is the life of a number of each kind, the two
// resources on one implementation (number_resource.go): ordered, its
// settings changed in place, moved to another location in place, imported
// by the number in every common form (and refused as the other kind),
// written in other forms with no change, its settings removed, and
// cancelled, after which its location's statements stop billing it.
func TestAccNumber_lifecycle(t *testing.T) {
	t.Parallel()
	kinds := map[string]struct {
		resourceType string
		number       string // E.164
		// created is the body of the first apply; wantCreated what state
		// holds then besides what both kinds hold (an active, billed
		// number, no port-out).
		created     string
		wantCreated map[string]knownvalue.Check
		// settings is the body with every setting of the kind; wantSettings
		// what state holds then, and settingsAt what the API holds.
		settings     string
		wantSettings map[string]knownvalue.Check
		settingsAt   func(sipstation.Number) error
		// settingsOnTrunk is what the account-key API shows of the number
		// with the settings: its failover and E911 address.
		settingsOnTrunk trunkNumberState
		// sameSettings is settings with the number and the failover written
		// in other forms.
		sameSettings string
		// otherKind is a number of the other kind, which does not import;
		// otherKindError what the import says.
		otherKind      string
		otherKindError *regexp.Regexp
	}{
		"did": {
			resourceType: "sipstation_did",
			number:       "+14155550100",
			created:      `  number = "+14155550100"`,
			wantCreated: map[string]knownvalue.Check{
				"number":             knownvalue.StringExact("+14155550100"),
				"monthly_rate":       knownvalue.StringExact("1.50"),
				"activated_at":       knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)),
				"description":        knownvalue.StringExact(""),
				"sms_enabled":        knownvalue.Bool(false),
				"failover":           knownvalue.Null(),
				"e911_address":       knownvalue.Null(),
				"port_out_pending":   knownvalue.Bool(false),
				"early_port_out_fee": knownvalue.Null(),
			},
			settings: didSettingsHCL("+14155550100", "(415) 555-0199"),
			wantSettings: map[string]knownvalue.Check{
				"id":          knownvalue.StringExact("+14155550100"),
				"description": knownvalue.StringExact("Reception"),
				"sms_enabled": knownvalue.Bool(true),
				"e911_address": knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"zip": knownvalue.StringExact("94105"), "street2": knownvalue.StringExact(""),
				}),
			},
			settingsAt: func(n sipstation.Number) error {
				if n.Failover == nil || n.Failover.Number != "+14155550199" || n.E911Address == nil ||
					n.E911Address.Zip != "94105" || n.SMSEnabled == nil || !*n.SMSEnabled || n.Description != "Reception" {
					return fmt.Errorf("the API holds %+v, want the new settings (failover in E.164)", n)
				}
				return nil
			},
			settingsOnTrunk: trunkNumberState{Failover: trunk.Failover{Number: "+14155550199"}, E911: &sipstation.E911Address{
				Name: "Example Dental LLC", Street1: "1 Market St", City: "San Francisco", State: "CA", Zip: "94105"}},
			// The failover was written "(415) 555-0199" before.
			sameSettings:   didSettingsHCL("1 (415) 555-0100", "+14155550199"),
			otherKind:      "+18005550100",
			otherKindError: expectDiag(cannotImportSummary, `"+18005550100"`, "sipstation_toll_free_number"),
		},
		"toll_free": {
			resourceType: "sipstation_toll_free_number",
			number:       "+18005550100",
			created:      `  number = "800-555-0100"`,
			wantCreated: map[string]knownvalue.Check{
				"resp_org":     knownvalue.StringExact("SIPS1"),
				"monthly_rate": knownvalue.StringExact("2.00"),
			},
			settings: tollFreeSettingsHCL("+18005550100"),
			wantSettings: map[string]knownvalue.Check{
				// Written "800-555-0100"; the apply's refresh stored E.164.
				"number":      knownvalue.StringExact("+18005550100"),
				"description": knownvalue.StringExact("Sales hotline"),
				"failover": knownvalue.ObjectExact(map[string]knownvalue.Check{
					"destination": knownvalue.StringExact("sip:sales@pbx.example.com"),
					"number":      knownvalue.Null(),
				}),
			},
			settingsAt: func(n sipstation.Number) error {
				if n.Failover == nil || n.Failover.Destination != "sip:sales@pbx.example.com" || n.Description != "Sales hotline" {
					return fmt.Errorf("the API holds %+v, want the new settings", n)
				}
				return nil
			},
			settingsOnTrunk: trunkNumberState{Failover: trunk.Failover{Destination: "sip:sales@pbx.example.com"}},
			sameSettings:    tollFreeSettingsHCL("(800) 555-0100"),
			otherKind:       "+14155550100",
			otherKindError:  expectDiag(cannotImportSummary, `"+14155550100"`, "sipstation_did"),
		},
	}
	for name, tc := range kinds {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			addr := tc.resourceType + ".main"
			expect := func(want map[string]knownvalue.Check) []statecheck.StateCheck {
				var checks []statecheck.StateCheck
				for attr, v := range want {
					checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), v))
				}
				return checks
			}
			atLocation := func(loc string) statecheck.StateCheck {
				return statecheck.CompareValuePairs(addr, tfjsonpath.New("location_id"),
					"sipstation_location."+loc, tfjsonpath.New("id"), compare.ValuesSame())
			}
			locations := env.ProviderConfig() + locationHCL("main", "Main") + locationHCL("branch", "Branch")
			config := func(loc, body string) string { return locations + numberHCL(tc.resourceType, loc, body) }
			updates := resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
			}
			// Settings written or cleared through the v1 API show on the
			// account's trunk: the whole account is asserted each time.
			onTrunk := func(want trunkNumberState) resource.TestCheckFunc {
				return checkTrunkState(t, env, trunkState{Numbers: map[string]trunkNumberState{tc.number: want}})
			}
			created := maps.Clone(tc.wantCreated)
			maps.Copy(created, map[string]knownvalue.Check{
				"id":             knownvalue.StringExact(tc.number),
				"status":         knownvalue.StringExact("active"),
				"billing_active": knownvalue.Bool(true),
				"port_out":       knownvalue.Null(),
			})
			steps := []resource.TestStep{
				{
					Config:            config("main", tc.created),
					ConfigStateChecks: append(expect(created), atLocation("main")),
					Check: resource.ComposeAggregateTestCheckFunc(
						checkBilledAt(t, env, tc.number, sipstation.StatusActive),
						onTrunk(trunkNumberState{}),
					),
				},
				{
					// Settings change in place.
					Config:            config("main", tc.settings),
					ConfigPlanChecks:  updates,
					ConfigStateChecks: expect(tc.wantSettings),
					Check: resource.ComposeAggregateTestCheckFunc(
						func(*terraform.State) error {
							n, _ := apiNumber(t, env, tc.number)
							return tc.settingsAt(n)
						},
						onTrunk(tc.settingsOnTrunk),
					),
				},
				{
					// Moving to another location is an update: same number, same service.
					Config:           config("branch", tc.settings),
					ConfigPlanChecks: updates,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(tc.number)),
						atLocation("branch"),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						func(s *terraform.State) error {
							branch, err := locationID(s, "sipstation_location.branch")
							if err != nil {
								return err
							}
							n, _ := apiNumber(t, env, tc.number)
							if n.LocationID != branch || n.Status != sipstation.StatusActive {
								return fmt.Errorf("the API holds %s at %s (%s), want it active at %s", tc.number, n.LocationID, n.Status, branch)
							}
							return nil
						},
						// The settings moved with the number.
						onTrunk(tc.settingsOnTrunk),
					),
				},
			}
			// Import by the number in every common form: terraform import
			// matches state, and an import block plans nothing else.
			forms := []string{tc.number, dashed(tc.number), parenthesized(tc.number), tc.number[2:]}
			for _, id := range forms {
				steps = append(steps, importStep(addr, id))
			}
			for _, id := range forms {
				steps = append(steps, importBlockStep(addr, id, tc.number))
			}
			steps = append(steps,
				resource.TestStep{
					// A number of the other kind does not import.
					ResourceName:  addr,
					ImportState:   true,
					ImportStateId: tc.otherKind,
					ExpectError:   tc.otherKindError,
				},
				resource.TestStep{
					// The number and the failover written in other forms are no change.
					Config: config("branch", tc.sameSettings),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
				},
				resource.TestStep{
					// Settings removed from the configuration are removed at SIPStation.
					Config:           config("branch", fmt.Sprintf("  number = %q", tc.number)),
					ConfigPlanChecks: updates,
					Check: resource.ComposeAggregateTestCheckFunc(
						func(*terraform.State) error {
							n, _ := apiNumber(t, env, tc.number)
							if n.Failover != nil || n.E911Address != nil || (n.SMSEnabled != nil && *n.SMSEnabled) || n.Description != "" {
								return fmt.Errorf("the API still holds settings: %+v", n)
							}
							return nil
						},
						onTrunk(trunkNumberState{}),
					),
				},
				resource.TestStep{
					// The block removed: the number is cancelled, and the
					// location's statements stop billing it.
					Config: locations,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy)},
					},
					Check: resource.ComposeTestCheckFunc(
						checkCancelled(t, env, tc.number),
						checkBillingStopped(t, env, "sipstation_location.branch", tc.number),
						// Cancelled, the number has left the trunk.
						checkTrunkState(t, env, trunkState{}),
					),
				},
			)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             resource.ComposeTestCheckFunc(checkCancelled(t, env, tc.number), checkTrunkState(t, env, trunkState{})),
				Steps:                    steps,
			})
		})
	}
}

// importStep imports address by id and verifies it matches state.
func importStep(address, id string) resource.TestStep {
	return resource.TestStep{
		ResourceName:      address,
		ImportState:       true,
		ImportStateId:     id,
		ImportStateVerify: true,
		// Neither is something the API tells: the area code ordered by, and the
		// key of the order.
		ImportStateVerifyIgnore: []string{"area_code", "order_idempotency_key"},
	}
}

// importBlockStep imports address by id through an import block, into a
// copy of the state without it, and checks that the plan imports the number
// as e164 and changes nothing: import, then plan, is empty.
func importBlockStep(address, id, e164 string) resource.TestStep {
	return resource.TestStep{
		ResourceName:    address,
		ImportState:     true,
		ImportStateKind: resource.ImportBlockWithID,
		ImportStateId:   id,
		ImportPlanChecks: resource.ImportPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
				plancheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(e164)),
				plancheck.ExpectKnownValue(address, tfjsonpath.New("number"), knownvalue.StringExact(e164)),
			},
		},
	}
}
