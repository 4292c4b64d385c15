package provider

import (
	"fmt"
	"net/url"
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

// apiLocation reads a location from the API.
func apiLocation(t *testing.T, env *acctest.Env, id string) (sipstation.Location, int) {
	t.Helper()
	var loc sipstation.Location
	status := env.Get(t, "/v1/locations/"+url.PathEscape(id), &loc)
	return loc, status
}

// locationID returns the ID of a location in state.
func locationID(s *terraform.State, address string) (string, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		return "", fmt.Errorf("%s is not in state", address)
	}
	return rs.Primary.ID, nil
}

func TestAccLocation_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	var id string
	updated := env.ProviderConfig() + `
resource "sipstation_location" "main" {
  name              = "Main office"
  organization_name = "Example Dental Group LLC"
  email             = "billing@example.com"
  service_address = {
    street1 = "1 Market St"
    street2 = "Suite 300"
    city    = "San Francisco"
    state   = "CA"
    zip     = "94105"
  }
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			loc, code := apiLocation(t, env, id)
			if code == 404 || loc.Status == sipstation.LocationClosed {
				return nil
			}
			return fmt.Errorf("location %s: status %d %q after destroy, want closed", id, code, loc.Status)
		},
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + locationHCL("main", "Main"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("sipstation_location.main", tfjsonpath.New("name"), knownvalue.StringExact("Main")),
					statecheck.ExpectKnownValue("sipstation_location.main", tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue("sipstation_location.main", tfjsonpath.New("account_number"), knownvalue.StringRegexp(regexp.MustCompile(`\S`))),
					statecheck.ExpectKnownValue("sipstation_location.main", tfjsonpath.New("billing_day"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("sipstation_location.main", tfjsonpath.New("service_address").AtMapKey("street2"), knownvalue.StringExact("")),
				},
				Check: func(s *terraform.State) error {
					var err error
					id, err = locationID(s, "sipstation_location.main")
					return err
				},
			},
			{
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("sipstation_location.main", plancheck.ResourceActionUpdate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("sipstation_location.main", tfjsonpath.New("organization_name"), knownvalue.StringExact("Example Dental Group LLC")),
					statecheck.ExpectKnownValue("sipstation_location.main", tfjsonpath.New("service_address").AtMapKey("street2"), knownvalue.StringExact("Suite 300")),
				},
				Check: func(s *terraform.State) error {
					loc, code := apiLocation(t, env, id)
					if code != 200 || loc.Name != "Main office" || loc.ServiceAddress.Street2 != "Suite 300" {
						return fmt.Errorf("the API holds %d %+v, want the updated location", code, loc)
					}
					if got, _ := locationID(s, "sipstation_location.main"); got != id {
						return fmt.Errorf("the location was replaced: id %s, was %s", got, id)
					}
					return nil
				},
			},
			{
				ResourceName:      "sipstation_location.main",
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccLocation_closeRefusedWhileBilled shows that a location whose numbers
// are still billed is not closed, and that the error lists those numbers.
func TestAccLocation_closeRefusedWhileBilled(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + locationHCL("main", "Main"),
				Check: func(s *terraform.State) error {
					var err error
					if id, err = locationID(s, "sipstation_location.main"); err != nil {
						return err
					}
					// A number ordered outside this configuration.
					env.OrderNumber(t, id, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: "+14155550142"})
					return nil
				},
			},
			{
				Config:      env.ProviderConfig(),
				ExpectError: expectDiag("Location Still Has Billed Numbers", "+14155550142 (local, active, 1.50 a month)"),
			},
			{
				PreConfig: func() {
					if loc, code := apiLocation(t, env, id); code != 200 || loc.Status != sipstation.LocationActive {
						t.Fatalf("after the refused close the location is %d %q, want active", code, loc.Status)
					}
					env.CancelNumber(t, "+14155550142")
				},
				Config: env.ProviderConfig(),
				Check: func(*terraform.State) error {
					if loc, code := apiLocation(t, env, id); code == 200 && loc.Status != sipstation.LocationClosed {
						return fmt.Errorf("location %s is %q, want closed", id, loc.Status)
					}
					return nil
				},
			},
		},
	})
}

// TestAccLocation_closedOutside shows Read dropping a location closed outside
// Terraform, with a warning naming it.
func TestAccLocation_closedOutside(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	rec := &diagRecorder{}
	config := env.ProviderConfig() + locationHCL("main", "Main")
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					var err error
					id, err = locationID(s, "sipstation_location.main")
					return err
				},
			},
			{
				PreConfig: func() {
					env.CloseLocation(t, id)
					rec.reset()
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("sipstation_location.main", plancheck.ResourceActionCreate),
					},
				},
			},
			{
				PreConfig: func() {
					if err := rec.requireWarning("read", "Location Removed From State", id, `"Main"`, "has been closed"); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.ProviderConfig(),
			},
		},
	})
}
