package provider

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

func TestAccTrunkDataSource_basic(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.OrderLocalNumbers(t, "+14155550140", "+14155550141")
	env.UpdateNumber(t, "+14155550140", map[string]any{
		"e911_address": sipstation.E911Address{Name: "Example Dental", Street1: "1 Market St", Street2: "Suite 5", City: "San Francisco", State: "CA", Zip: "94105"},
	})
	env.UpdateNumber(t, "+14155550141", map[string]any{"failover": sipstation.Failover{Destination: "pbx.example.com"}})
	const address = "data.sipstation_trunk.this"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.TrunkProviderConfig() + `data "sipstation_trunk" "this" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("account_type"), knownvalue.StringExact("FULL")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("monthly_cost"), knownvalue.StringExact("3.00")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("trunks"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("failover"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("sip_password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("sip_username"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("gateways"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("gateways").AtSliceIndex(0).AtMapKey("registered"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("settings").AtMapKey("sms"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("numbers"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"number":    knownvalue.StringExact("+14155550140"),
							"toll_free": knownvalue.Bool(false),
							"e911_address": knownvalue.ObjectExact(map[string]knownvalue.Check{
								"name": knownvalue.StringExact("Example Dental"), "street1": knownvalue.StringExact("1 Market St"),
								"street2": knownvalue.StringExact("Suite 5"), "city": knownvalue.StringExact("San Francisco"),
								"state": knownvalue.StringExact("CA"), "zip": knownvalue.StringExact("94105"), "master": knownvalue.Bool(false),
							}),
							"failover": knownvalue.Null(),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"number":       knownvalue.StringExact("+14155550141"),
							"toll_free":    knownvalue.Bool(false),
							"e911_address": knownvalue.Null(),
							"failover": knownvalue.ObjectExact(map[string]knownvalue.Check{
								"number": knownvalue.Null(), "destination": knownvalue.StringExact("pbx.example.com"),
							}),
						}),
					})),
				},
			},
			{
				// The SIP password only when asked for.
				Config: env.TrunkProviderConfig() + `data "sipstation_trunk" "this" { include_sip_password = true }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("sip_password"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{24}$`))),
				},
			},
		},
	})
}

// A wrong account key is one clear error, not a failed decode.
func TestAccTrunkDataSource_badKey(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.TrunkProviderConfig(acctest.Set("account_key", "not-the-key")) +
				`data "sipstation_trunk" "this" {}`,
			ExpectError: expectDiag("SIPStation Refused the Account Key", "BADKEY"),
		}},
	})
}

// A resource or data source whose API is not configured fails at plan,
// naming the settings it needs; an API key alone and an account key alone
// are each a valid configuration.
func TestAccProvider_missingAPI(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.TrunkProviderConfig() + locationHCL("main", "Main"),
				PlanOnly:    true,
				ExpectError: expectDiag("SIPStation API v1 Not Configured", "SIPSTATION_ENDPOINT", "SIPSTATION_API_KEY"),
			},
			{
				Config:      env.TrunkProviderConfig() + `data "sipstation_numbers" "all" {}`,
				PlanOnly:    true,
				ExpectError: expectDiag("SIPStation API v1 Not Configured"),
			},
			{
				Config:      env.ProviderConfig() + `data "sipstation_trunk" "this" {}`,
				PlanOnly:    true,
				ExpectError: expectDiag("SIPStation Account Key Not Configured", "FreePBX", "SIPSTATION_ACCOUNT_KEY"),
			},
			{
				Config:      acctest.ProviderBlock() + `data "sipstation_trunk" "this" {}`,
				PlanOnly:    true,
				ExpectError: expectDiag("No SIPStation API Configured", "SIPSTATION_ACCOUNT_KEY"),
			},
			{
				Config:      env.TrunkProviderConfig(acctest.Set("account_key", nil)) + `data "sipstation_trunk" "this" {}`,
				PlanOnly:    true,
				ExpectError: expectDiag("Missing SIPStation Account Key", "SIPSTATION_ACCOUNT_KEY"),
			},
			{
				Config: acctest.ProviderBlock(acctest.Set("trunk_endpoint", "http://push2.example.com/sipstation"), acctest.Set("account_key", "k")) +
					`data "sipstation_trunk" "this" {}`,
				PlanOnly:    true,
				ExpectError: expectDiag("Invalid SIPStation Trunk Endpoint", "https://"),
			},
			{
				Config: env.BothProviderConfig() + `data "sipstation_trunk" "this" {}` + "\n" + `data "sipstation_numbers" "all" {}`,
			},
		},
	})
}

// TEMPNOTAVAIL (a 200 answer) is a temporary error that says to try again.
func TestAccTrunkDataSource_tempNotAvail(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"version":"1.0.2","query_status":"TEMPNOTAVAIL"}`)
	}))
	t.Cleanup(ts.Close)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(acctest.Set("trunk_endpoint", ts.URL), acctest.Set("account_key", "k3y")) +
				`data "sipstation_trunk" "this" {}`,
			ExpectError: expectDiag("SIPStation Account Temporarily Not Available"),
		}},
	})
}
