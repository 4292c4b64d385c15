package provider

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// availableExactly checks a numbers list of n entries, each of the type and
// rate given and with a number of +1, an area code matching areaCode (a
// regular expression) and seven digits.
func availableExactly(n int, typ, areaCode, rate string) knownvalue.Check {
	re := regexp.MustCompile(`^\+1(` + areaCode + `)\d{7}$`)
	checks := make([]knownvalue.Check, 0, n)
	for range n {
		checks = append(checks, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"number":       knownvalue.StringRegexp(re),
			"type":         knownvalue.StringExact(typ),
			"monthly_rate": knownvalue.StringExact(rate),
		}))
	}
	return knownvalue.ListExact(checks)
}

func TestAccAvailableNumbersDataSource_typesAreaCodesAndLimits(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	check := func(name string, attr string, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.sipstation_available_numbers."+name, tfjsonpath.New(attr), v)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "sipstation_available_numbers" "defaults" {}

data "sipstation_available_numbers" "sf" {
  area_code = "415"
  limit     = 5
}

data "sipstation_available_numbers" "one" {
  type  = "local"
  limit = 1
}

data "sipstation_available_numbers" "toll_free" {
  type  = "toll_free"
  limit = 3
}

data "sipstation_available_numbers" "toll_free_888" {
  type      = "toll_free"
  area_code = "888"
  limit     = 4
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				// The defaults the API applies show in state.
				check("defaults", "type", knownvalue.StringExact(sipstation.TypeLocal)),
				check("defaults", "limit", knownvalue.Int64Exact(20)),
				check("defaults", "area_code", knownvalue.Null()),
				check("defaults", "numbers", availableExactly(20, sipstation.TypeLocal, `[2-9]\d\d`, "1.50")),
				check("sf", "type", knownvalue.StringExact(sipstation.TypeLocal)),
				check("sf", "limit", knownvalue.Int64Exact(5)),
				check("sf", "numbers", availableExactly(5, sipstation.TypeLocal, "415", "1.50")),
				check("one", "numbers", availableExactly(1, sipstation.TypeLocal, `[2-9]\d\d`, "1.50")),
				check("toll_free", "numbers", availableExactly(3, sipstation.TypeTollFree, strings.Join(phonenumber.TollFreePrefixes, "|"), "2.00")),
				check("toll_free_888", "numbers", availableExactly(4, sipstation.TypeTollFree, "888", "2.00")),
			},
		}},
	})
}

func TestAccAvailableNumbersDataSource_orderedNumberLeavesTheList(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	// A live endpoint's stock changes under the test; only the emulator's
	// pool is listed in a known order.
	env.RequireEmulator(t)
	var available struct {
		Data []sipstation.AvailableNumber `json:"data"`
	}
	if code := env.Get(t, "/v1/available-numbers?area_code=212&limit=4", &available); code != http.StatusOK {
		t.Fatalf("list the available numbers: status %d", code)
	}
	free := available.Data
	if len(free) != 4 {
		t.Fatalf("want 4 free numbers in 212 to start from, got %v", free)
	}
	config := env.ProviderConfig() + `
data "sipstation_available_numbers" "ny" {
  area_code = "212"
  limit     = 3
}
`
	listed := func(ns ...sipstation.AvailableNumber) statecheck.StateCheck {
		want := make([]string, 0, len(ns))
		for _, n := range ns {
			want = append(want, n.Number)
		}
		return statecheck.ExpectKnownValue("data.sipstation_available_numbers.ny", tfjsonpath.New("numbers"), numbersExactly(want...))
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{listed(free[0], free[1], free[2])},
			},
			{
				// Someone orders the second number listed, as in the web store.
				PreConfig: func() {
					env.OrderNumber(t, env.CreateLocation(t, "Elsewhere").ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: free[1].Number})
				},
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{listed(free[0], free[2], free[3])},
			},
		},
	})
}

func TestAccAvailableNumbersDataSource_invalidConfig(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	step := func(body string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config:      env.ProviderConfig() + "data \"sipstation_available_numbers\" \"a\" {\n" + body + "\n}\n",
			PlanOnly:    true,
			ExpectError: want,
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// The framework's validators.
			step(`type = "mobile"`, regexp.MustCompile(`(?s)Invalid Attribute Value Match.*"local".*"toll_free"`)),
			step(`limit = 0`, regexp.MustCompile(`(?s)Invalid Attribute Value.*between 1 and 1000`)),
			step(`limit = 1001`, regexp.MustCompile(`(?s)Invalid Attribute Value.*between 1 and 1000`)),
			// The provider's.
			step(`area_code = "4"`, expectDiag("Invalid Area Code", `"4"`, `"415"`)),
			step(`area_code = "123"`, expectDiag("Invalid Area Code", `"123"`)),
			step(`area_code = "800"`, expectDiag("Invalid Area Code", "800", `type = "toll_free"`)),
			step("type = \"toll_free\"\narea_code = \"415\"", expectDiag("Invalid Toll-Free Prefix", `"415"`, "800, 833")),
		},
	})
}

func TestAccAvailableNumbersDataSource_orderAListedNumber(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const (
		dataAddr = "data.sipstation_available_numbers.sf"
		didX     = "sipstation_did.x"
	)
	config := func(lifecycle string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + `
data "sipstation_available_numbers" "sf" {
  area_code = "415"
  limit     = 1
}

resource "sipstation_did" "x" {
  location_id = sipstation_location.main.id
  number      = data.sipstation_available_numbers.sf.numbers[0].number
` + lifecycle + `
}
`
	}
	// Once ordered, the number is no longer free: the next read lists
	// another one, so the reference must not follow it.
	pinned := config("  lifecycle {\n    ignore_changes = [number]\n  }")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: pinned,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs(didX, tfjsonpath.New("number"),
						dataAddr, tfjsonpath.New("numbers").AtSliceIndex(0).AtMapKey("number"), compare.ValuesSame()),
					statecheck.ExpectKnownValue(didX, tfjsonpath.New("number"), knownvalue.StringRegexp(regexp.MustCompile(`^\+1415\d{7}$`))),
					statecheck.ExpectKnownValue(didX, tfjsonpath.New("status"), knownvalue.StringExact(sipstation.StatusActive)),
				},
			},
			{
				// Without ignore_changes the next plan follows the list to
				// another number: it would cancel the number just ordered.
				Config:             config(""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didX, plancheck.ResourceActionReplace)},
				},
			},
		},
	})
}
