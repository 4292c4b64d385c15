package provider

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"

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

// trunkNumbers orders local numbers (E.164) on a new location of the test's
// account through the v1 API, so that they are on its trunk.
func trunkNumbers(t *testing.T, env *acctest.Env, numbers ...string) {
	t.Helper()
	var loc sipstation.Location
	if s := env.Do(t, http.MethodPost, "/v1/locations", sipstation.LocationCreate{
		Name: "Trunk", OrganizationName: "Example Dental LLC", Email: "it@example.com",
		ServiceAddress: sipstation.Address{Street1: "1 Market St", City: "San Francisco", State: "CA", Zip: "94105"},
	}, &loc); s != http.StatusCreated {
		t.Fatalf("create a location: status %d", s)
	}
	for _, n := range numbers {
		if s := env.Do(t, http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: n}, nil); s != http.StatusCreated {
			t.Fatalf("order %s: status %d", n, s)
		}
	}
}

// trialEnv is env for a new trial account of the same emulator, for the
// refusals SIPStation gives trial accounts.
func trialEnv(t *testing.T, env *acctest.Env) *acctest.Env {
	t.Helper()
	trial := *env
	acct := env.CreateAccountOfType(t, t.Name()+" trial", "TRIAL")
	trial.APIKey, trial.AccountKey = acct.APIKey, acct.AccountKey
	return &trial
}

// requirePortedStillBilled fails the test unless e164 is ported out and
// still billed: a resource that left state with the left-the-trunk warning
// changed nothing of the number.
func requirePortedStillBilled(t *testing.T, env *acctest.Env, e164 string) {
	t.Helper()
	if n, _ := apiNumber(t, env, e164); n.Status != sipstation.StatusPortedOut || !n.Billing.Active {
		t.Errorf("the ported number %s: %s, billed %v; the test changed what it should not", e164, n.Status, n.Billing.Active)
	}
}

// patchNumber changes a number through the v1 API.
func patchNumber(t *testing.T, env *acctest.Env, e164 string, body map[string]any) {
	t.Helper()
	if s := env.Do(t, http.MethodPatch, "/v1/numbers/"+url.PathEscape(e164), body, nil); s != http.StatusOK {
		t.Fatalf("PATCH %s: status %d", e164, s)
	}
}

func TestAccTrunkDataSource_basic(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	trunkNumbers(t, env, "+14155550140", "+14155550141")
	patchNumber(t, env, "+14155550140", map[string]any{
		"e911_address": sipstation.E911Address{Name: "Example Dental", Street1: "1 Market St", Street2: "Suite 5", City: "San Francisco", State: "CA", Zip: "94105"},
	})
	patchNumber(t, env, "+14155550141", map[string]any{"failover": sipstation.Failover{Destination: "pbx.example.com"}})
	// Both tiers, as FreePBX's module sets them.
	setFailoverOutside(t, env, "+14155550141", trunk.Failover{Destination: "pbx.example.com", Number: "+14155550198"})
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
			Config: fmt.Sprintf("provider \"sipstation\" {\n  trunk_endpoint = %q\n  account_key = \"not-the-key\"\n}\n", env.TrunkEndpoint) +
				`data "sipstation_trunk" "this" {}`,
			ExpectError: regexp.MustCompile(`SIPStation Refused the Account Key[\s\S]*BADKEY`),
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
				ExpectError: regexp.MustCompile(`SIPStation API v1 Not Configured[\s\S]*SIPSTATION_ENDPOINT[\s\S]*SIPSTATION_API_KEY`),
			},
			{
				Config:      env.TrunkProviderConfig() + `data "sipstation_numbers" "all" {}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`SIPStation API v1 Not Configured`),
			},
			{
				Config:      env.ProviderConfig() + `data "sipstation_trunk" "this" {}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`SIPStation Account Key Not Configured[\s\S]*FreePBX[\s\S]*SIPSTATION_ACCOUNT_KEY`),
			},
			{
				Config:      "provider \"sipstation\" {}\n" + `data "sipstation_trunk" "this" {}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`No SIPStation API Configured[\s\S]*SIPSTATION_ACCOUNT_KEY`),
			},
			{
				Config:      fmt.Sprintf("provider \"sipstation\" {\n  trunk_endpoint = %q\n}\n", env.TrunkEndpoint) + `data "sipstation_trunk" "this" {}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Missing SIPStation Account Key[\s\S]*SIPSTATION_ACCOUNT_KEY`),
			},
			{
				Config:      "provider \"sipstation\" {\n  trunk_endpoint = \"http://push2.example.com/sipstation\"\n  account_key = \"k\"\n}\n" + `data "sipstation_trunk" "this" {}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid SIPStation Trunk Endpoint[\s\S]*plain http`),
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
			Config: fmt.Sprintf("provider \"sipstation\" {\n  trunk_endpoint = %q\n  account_key = \"k3y\"\n}\n", ts.URL) +
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
