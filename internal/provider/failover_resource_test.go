package provider

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// checkFailover is a check that the emulator holds want (nil: none) as the
// failover of e164, as /v1 shows it.
func checkFailover(t *testing.T, env *acctest.Env, e164 string, want *sipstation.Failover) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n, code := apiNumber(t, env, e164)
		if code != 200 {
			return fmt.Errorf("GET %s: status %d", e164, code)
		}
		switch {
		case want == nil && n.Failover != nil:
			return fmt.Errorf("%s still has failover %+v", e164, *n.Failover)
		case want != nil && (n.Failover == nil || *n.Failover != *want):
			return fmt.Errorf("%s has failover %+v, want %+v", e164, n.Failover, *want)
		}
		return nil
	}
}

// checkAccountFailover is a check of the account-wide failover as /2/full
// shows it (num, dest).
func checkAccountFailover(t *testing.T, env *acctest.Env, num, dest string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ci := env.TrunkFull(t).CustomerInfo
		if ci.FailoverNum.String() != num || ci.FailoverDest.String() != dest {
			return fmt.Errorf("account failover num=%q dest=%q, want num=%q dest=%q", ci.FailoverNum, ci.FailoverDest, num, dest)
		}
		return nil
	}
}

func TestAccFailover_number(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.OrderLocalNumbers(t, "+14155550190")
	const address = "sipstation_failover.main"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkFailover(t, env, "+14155550190", nil),
		Steps: []resource.TestStep{
			{
				Config: env.BothProviderConfig() + failoverHCL("main", "4155550190", `{ number = "(415) 555-0199" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact("+14155550190")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("failover").AtMapKey("number"), knownvalue.StringExact("(415) 555-0199")),
				},
				Check: checkFailover(t, env, "+14155550190", &sipstation.Failover{Number: "+14155550199"}),
			},
			{
				Config: env.BothProviderConfig() + failoverHCL("main", "4155550190", `{ destination = "sip:frontdesk@pbx.example.com" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				Check: checkFailover(t, env, "+14155550190", &sipstation.Failover{Destination: "sip:frontdesk@pbx.example.com"}),
			},
			{
				ResourceName:            address,
				ImportState:             true,
				ImportStateId:           "+1 415 555 0190",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"number"},
			},
			{
				// The data source shows what the resource set.
				Config: env.BothProviderConfig() + failoverHCL("main", "4155550190", `{ destination = "sip:frontdesk@pbx.example.com" }`) +
					`data "sipstation_trunk" "this" { depends_on = [sipstation_failover.main] }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sipstation_trunk.this", tfjsonpath.New("numbers").AtSliceIndex(0).AtMapKey("failover").AtMapKey("destination"),
						knownvalue.StringExact("sip:frontdesk@pbx.example.com")),
				},
			},
		},
	})
}

func TestAccFailover_account(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	const address = "sipstation_failover.account"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkAccountFailover(t, env, "", ""),
		Steps: []resource.TestStep{
			{
				Config: env.TrunkProviderConfig() + failoverHCL("account", "", `{ destination = "pbx.example.com" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact("account")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("number"), knownvalue.Null()),
				},
				Check: checkAccountFailover(t, env, "", "pbx.example.com"),
			},
			{
				Config: env.TrunkProviderConfig() + failoverHCL("account", "", `{ number = "+14155550199" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				Check: checkAccountFailover(t, env, "4155550199", ""),
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     "account",
				ImportStateVerify: true,
			},
		},
	})
}

// Both or neither of number and destination fail validation; a number not
// on the trunk fails the plan; a trial account's refusal quotes SIPStation.
func TestAccFailover_refused(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	trial := env.OtherAccount(t, t.Name()+" trial", "TRIAL")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.TrunkProviderConfig() + failoverHCL("main", "", `{ number = "+14155550199", destination = "pbx.example.com" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				Config:      env.TrunkProviderConfig() + failoverHCL("main", "+14155550191", `{ destination = "pbx.example.com" }`),
				PlanOnly:    true,
				ExpectError: expectDiag("Number Not on the SIPStation Trunk", "+14155550191"),
			},
			{
				Config:      trial.TrunkProviderConfig() + failoverHCL("main", "", `{ destination = "pbx.example.com" }`),
				ExpectError: expectDiag("Cannot Set Failover", `"Trial accounts cannot set failover`),
			},
		},
	})
}

// A number that leaves the trunk leaves state with the warning.
func TestAccFailover_leftTrunk(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.OrderLocalNumbers(t, "+14155550192")
	rec := &diagRecorder{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{Config: env.BothProviderConfig() + failoverHCL("main", "+14155550192", `{ destination = "pbx.example.com" }`)},
			{
				PreConfig: func() {
					po := env.RequestPortOut(t, "Gaining Co", "", "+14155550192")
					env.CompletePortOut(t, po.ID)
				},
				Config: env.BothProviderConfig(),
				Check: func(*terraform.State) error {
					return rec.requireWarning("read", "Number Left the SIPStation Trunk", "+14155550192", "still billed")
				},
			},
		},
	})
	requirePortedStillBilled(t, env, "+14155550192")
}

// SIPStation can hold a failover destination and a number at once: FreePBX's
// module sets the number as a secondary failover beside the destination. A
// resource that manages the destination keeps the number out of state with
// a warning, never sends it, and plans no change for it. A stub server
// stands in for SIPStation: the emulator, like the v1 API, holds one or the
// other.
func TestAccFailover_numberBesideDestination(t *testing.T) {
	var (
		mu     sync.Mutex
		dest   string
		writes []string
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/2/full/k3y":
			_, _ = fmt.Fprintf(w, `{"version":"1.0.2","query_status":"SUCCESS","customer_info":{"account_type":"FULL",`+
				`"failover_num":"4155550199","failover_dest":%q},"gateways":[],"gateway_info":{},"sip_info":{},"dids":[]}`, dest)
		case r.URL.Path == "/2/failover/k3y":
			body, _ := io.ReadAll(r.Body)
			writes = append(writes, r.Method+" "+string(body))
			var f struct{ Dest string }
			_ = json.Unmarshal(body, &f)
			if r.Method == http.MethodPost {
				dest = f.Dest
			} else {
				dest = ""
			}
			_, _ = io.WriteString(w, `{"status":true,"message":"Failover Updated"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	config := acctest.ProviderBlock(acctest.Set("trunk_endpoint", ts.URL), acctest.Set("account_key", "k3y")) +
		failoverHCL("account", "", `{ destination = "pbx.example.com" }`)
	const address = "sipstation_failover.account"
	rec := &diagRecorder{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("failover").AtMapKey("destination"), knownvalue.StringExact("pbx.example.com")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("failover").AtMapKey("number"), knownvalue.Null()),
				},
			},
			{
				// A refresh sees the number too: no change to plan, a warning.
				Config:   config,
				PlanOnly: true,
				Check: func(*terraform.State) error {
					return rec.requireWarning("read", "Failover Has Both a Number and a Destination",
						"the account", "manages the destination only", "number (+14155550199)", "secondary")
				},
			},
		},
	})
	mu.Lock()
	defer mu.Unlock()
	for _, w := range writes {
		if strings.Contains(w, `"num"`) {
			t.Errorf("the provider sent the failover number it does not manage: %s", w)
		}
	}
	if len(writes) == 0 || !strings.HasPrefix(writes[0], "POST ") {
		t.Errorf("writes %q, want the destination set first", writes)
	}
}

func TestKeepOneFailover(t *testing.T) {
	t.Parallel()
	both := func() *failoverModel {
		return &failoverModel{Number: types.StringValue("+14155550199"), Destination: types.StringValue("pbx.example.com")}
	}
	tests := map[string]struct {
		prior      failoverModel
		want       failoverModel
		wantPhrase string
	}{
		"destination managed": {
			prior:      failoverModel{Number: types.StringNull(), Destination: types.StringValue("pbx.example.com")},
			want:       failoverModel{Number: types.StringNull(), Destination: types.StringValue("pbx.example.com")},
			wantPhrase: "manages the destination only: the number (+14155550199)",
		},
		"number managed": {
			prior:      failoverModel{Number: types.StringValue("(415) 555-0199"), Destination: types.StringNull()},
			want:       failoverModel{Number: types.StringValue("+14155550199"), Destination: types.StringNull()},
			wantPhrase: "manages the number only: the destination (pbx.example.com)",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			read := both()
			var diags diag.Diagnostics
			keepOneFailover(read, &tc.prior, "+14155550190", &diags)
			if *read != tc.want {
				t.Errorf("kept %+v, want %+v", *read, tc.want)
			}
			if len(diags) != 1 || diags.WarningsCount() != 1 || !strings.Contains(diags[0].Detail(), tc.wantPhrase) ||
				!strings.Contains(diags[0].Detail(), "+14155550190") {
				t.Errorf("diagnostics %v, want one warning naming +14155550190 and saying %q", diags, tc.wantPhrase)
			}
		})
	}
}
