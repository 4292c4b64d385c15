package provider

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

func TestAccTrunkDataSource_basic(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.OrderLocalNumbers(t, "+14155550140", "+14155550141")
	env.UpdateNumber(t, "+14155550140", map[string]any{
		"e911_address": sipstation.E911Address{Name: "Example Dental", Street1: "1 Market St", Street2: "Suite 5", City: "San Francisco", State: "CA", Zip: "94105"},
	})
	env.UpdateNumber(t, "+14155550141", map[string]any{"failover": sipstation.Failover{Destination: "pbx.example.com"}})
	// Both tiers, as FreePBX's module sets them.
	env.SetTrunkFailover(t, "+14155550141", trunk.Failover{Destination: "pbx.example.com", Number: "+14155550198"})
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
					statecheck.ExpectKnownValue(address, tfjsonpath.New("verify_message"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("premium_trunks"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("cid_format"), knownvalue.StringExact("NANP")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("message"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("trunk_group_id"), knownvalue.StringExact("7101")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("destination_is_trunk_group"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("trunk_groups"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id": knownvalue.StringExact("7101"), "title": knownvalue.StringExact("Head office PBX"), "own": knownvalue.Bool(true),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id": knownvalue.StringExact("7102"), "title": knownvalue.StringExact("Disaster recovery PBX"), "own": knownvalue.Bool(false),
						}),
					})),
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
								"number": knownvalue.StringExact("+14155550198"), "destination": knownvalue.StringExact("pbx.example.com"),
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

// TEMPNOTAVAIL, SIPStation's "try again shortly" in a 200 answer, is read
// again after a backoff: two of them and the plan still reads the trunk.
// (Running out of time is the client's test, on a fake clock.)
func TestAccTrunkDataSource_tempNotAvail(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.SetFaults(t, emulator.Faults{RateTempNotAvail: 1, MaxFaults: 2})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.TrunkProviderConfig() + `data "sipstation_trunk" "this" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sipstation_trunk.this", tfjsonpath.New("trunk_group_id"), knownvalue.StringExact("7101")),
			},
			Check: func(*terraform.State) error {
				if n := env.Metrics(t).FaultsInjected.TempNotAvail; n != 2 {
					return fmt.Errorf("%d TEMPNOTAVAIL answers, want the 2 injected", n)
				}
				return nil
			},
		}},
	})
}

// Every request names the provider and its version in CLIENT_TYPE, as
// FreePBX's module names itself: the version reaches the client through
// the provider's Configure.
func TestAccTrunkDataSource_clientType(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get(trunk.HeaderClientType))
		mu.Unlock()
		_, _ = io.WriteString(w, `{"version":"1.0.3","query_status":"SUCCESS","customer_info":{"account_type":"FULL"},"dids":[]}`)
	}))
	t.Cleanup(ts.Close)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(acctest.Set("trunk_endpoint", ts.URL), acctest.Set("account_key", "k3y")) +
				`data "sipstation_trunk" "this" {}`,
		}},
	})
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("no request reached the stub")
	}
	for _, v := range seen {
		if v != "terraform-provider-sipstation-test" {
			t.Errorf("CLIENT_TYPE %q, want terraform-provider-sipstation-test (the provider served as version test)", v)
		}
	}
}

// A failed read of the account is explained by its cause: BADKEY names the
// key's settings; TEMPNOTAVAIL that outlasted the operation's retries (the
// client's TestTempNotAvailUntilDeadline, on a fake clock) says to try again
// and that nothing was changed; anything else names trunk_endpoint.
func TestAddTrunkReadError(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		err     error
		summary string
		phrases []string
	}{
		"bad key": {fmt.Errorf("read the SIPStation account: %w", trunk.ErrBadKey),
			"SIPStation Refused the Account Key", []string{"BADKEY", "SIPSTATION_ACCOUNT_KEY", "`account_key`"}},
		"temporarily not available": {fmt.Errorf("%w; it answered so to 9 reads over 10m0s", trunk.ErrTemporarilyUnavailable),
			"SIPStation Account Temporarily Not Available", []string{"TEMPNOTAVAIL", "Nothing was changed", "Try again in a few minutes", "9 reads"}},
		"no answer": {fmt.Errorf("read the SIPStation account: gave up after 5 attempts"),
			"Cannot Read the SIPStation Account", []string{"trunk_endpoint", "gave up after 5 attempts"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			addTrunkReadError(&diags, tc.err)
			if len(diags) != 1 || diags[0].Summary() != tc.summary {
				t.Fatalf("diagnostics %v, want one %q", diags, tc.summary)
			}
			for _, p := range tc.phrases {
				if !strings.Contains(diags[0].Detail(), p) {
					t.Errorf("detail lacks %q:\n%s", p, diags[0].Detail())
				}
			}
		})
	}
}
