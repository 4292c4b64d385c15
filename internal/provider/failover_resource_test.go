package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

// accountWide is the account-wide failover every test of one number's
// failover starts with: clearing the number's must leave it.
var accountWide = trunk.Failover{Destination: "7102", Number: "+14155550199"}

// One number's failover, in two tiers: set, changed in place, one tier
// dropped, imported; the account-wide failover and the other number are
// never touched.
func TestAccFailover_number(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.OrderLocalNumbers(t, "+14155550190", "+14155550191")
	env.SetTrunkFailover(t, "", accountWide)
	const address = "sipstation_failover.main"
	state := func(f trunk.Failover) tfresource.TestCheckFunc {
		return checkTrunkState(t, env, trunkState{Failover: accountWide,
			Numbers: numbers([]string{"+14155550191"}, map[string]trunkNumberState{"+14155550190": {Failover: f}})})
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             state(trunk.Failover{}),
		Steps: []tfresource.TestStep{
			{
				Config: env.BothProviderConfig() + failoverHCL("main", "4155550190", `{ number = "(415) 555-0198" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact("+14155550190")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("failover").AtMapKey("number"), knownvalue.StringExact("(415) 555-0198")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("failover").AtMapKey("destination"), knownvalue.Null()),
				},
				Check: state(trunk.Failover{Number: "+14155550198"}),
			},
			{
				// The primary failover added beside the number.
				Config: env.BothProviderConfig() + failoverHCL("main", "4155550190",
					`{ destination = "sip:frontdesk@pbx.example.com", number = "(415) 555-0198" }`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				Check: state(trunk.Failover{Destination: "sip:frontdesk@pbx.example.com", Number: "+14155550198"}),
			},
			{
				// Dropping the number clears that tier only.
				Config: env.BothProviderConfig() + failoverHCL("main", "4155550190", `{ destination = "sip:frontdesk@pbx.example.com" }`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("failover").AtMapKey("number"), knownvalue.Null()),
				},
				Check: state(trunk.Failover{Destination: "sip:frontdesk@pbx.example.com"}),
			},
			{
				ResourceName:            address,
				ImportState:             true,
				ImportStateId:           "+1 415 555 0190",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"number"},
			},
			{
				// Dropping the destination for a number: set before cleared.
				Config: env.BothProviderConfig() + failoverHCL("main", "4155550190", `{ number = "+14155550197" }`) +
					`data "sipstation_trunk" "this" { depends_on = [sipstation_failover.main] }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sipstation_trunk.this", tfjsonpath.New("numbers").AtSliceIndex(0).AtMapKey("failover"),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"number": knownvalue.StringExact("+14155550197"), "destination": knownvalue.Null()})),
				},
				Check: state(trunk.Failover{Number: "+14155550197"}),
			},
		},
	})
}

// The account-wide failover, in two tiers; a number's own failover set
// outside Terraform is never touched.
func TestAccFailover_account(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.OrderLocalNumbers(t, "+14155550193")
	own := trunk.Failover{Destination: "pbx.example.com"}
	env.SetTrunkFailover(t, "+14155550193", own)
	const address = "sipstation_failover.account"
	state := func(f trunk.Failover) tfresource.TestCheckFunc {
		return checkTrunkState(t, env, trunkState{Failover: f, Numbers: map[string]trunkNumberState{"+14155550193": {Failover: own}}})
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             state(trunk.Failover{}),
		Steps: []tfresource.TestStep{
			{
				Config: env.TrunkProviderConfig() + failoverHCL("account", "", `{ destination = "pbx.example.com" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact("account")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("number"), knownvalue.Null()),
				},
				Check: state(trunk.Failover{Destination: "pbx.example.com"}),
			},
			{
				// A trunk group as the primary failover, a number as the secondary.
				Config: env.TrunkProviderConfig() + failoverHCL("account", "", `{ destination = "7102", number = "+14155550199" }`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				Check: state(trunk.Failover{Destination: "7102", Number: "+14155550199"}),
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     "account",
				ImportStateVerify: true,
			},
			{
				// Dropping the destination clears that tier only.
				Config: env.TrunkProviderConfig() + failoverHCL("account", "", `{ number = "+14155550199" }`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				Check: state(trunk.Failover{Number: "+14155550199"}),
			},
		},
	})
}

// An account-wide failover with both tiers, set outside Terraform, is
// imported with an import block: the plan is a no-op import, nothing is
// sent, and the next plan is empty.
func TestAccFailover_importAccountWithBoth(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.SetTrunkFailover(t, "", accountWide)
	const address = "sipstation_failover.account"
	config := env.TrunkProviderConfig() + failoverHCL("account", "", `{ destination = "7102", number = "+14155550199" }`)
	writes := func() int64 {
		m := env.Metrics(t)
		return m.Count("POST /sipstation/2/failover/{key}") + m.Count("DELETE /sipstation/2/failover/{key}") +
			m.Count("POST /sipstation/2/failover/{did}/{key}") + m.Count("DELETE /sipstation/2/failover/{did}/{key}")
	}
	before := writes()
	unchanged := func(*terraform.State) error {
		if n := writes() - before; n != 0 {
			return fmt.Errorf("the import sent %d failover writes, want none", n)
		}
		return checkTrunkState(t, env, trunkState{Failover: accountWide})(nil)
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				// The plannable import: a no-op.
				Config:          config,
				ResourceName:    address,
				ImportState:     true,
				ImportStateKind: tfresource.ImportBlockWithID,
				ImportStateId:   "account",
				ImportPlanChecks: tfresource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
				}},
			},
			{
				// Imported for good, with an import block in the configuration.
				Config: config + "\nimport {\n  to = sipstation_failover.account\n  id = \"account\"\n}\n",
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("failover"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"destination": knownvalue.StringExact("7102"), "number": knownvalue.StringExact("+14155550199"),
					})),
				},
				Check: unchanged,
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     "account",
				ImportStateVerify: true,
			},
			{
				// Nothing to plan after the import.
				Config: config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: unchanged,
			},
			{
				// Stop managing it without clearing it.
				Config: env.TrunkProviderConfig() + "\nremoved {\n  from = sipstation_failover.account\n  lifecycle {\n    destroy = false\n  }\n}\n",
				Check:  unchanged,
			},
		},
	})
}

// A tier set outside Terraform that the configuration leaves out (FreePBX's
// module sets a secondary number beside the destination) is never dropped
// silently: the refresh reads it, the plan shows an update clearing that
// tier, and the apply clears it alone, with one POST and no DELETE, which
// would clear the destination too.
func TestAccFailover_tierSetOutside(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.OrderLocalNumbers(t, "+14155550195")
	const address = "sipstation_failover.account"
	config := env.TrunkProviderConfig() + failoverHCL("account", "", `{ destination = "pbx.example.com" }`)
	state := func(f trunk.Failover) tfresource.TestCheckFunc {
		return checkTrunkState(t, env, trunkState{Failover: f, Numbers: numbers([]string{"+14155550195"}, nil)})
	}
	var posts, deletes int64
	count := func() (int64, int64) {
		m := env.Metrics(t)
		return m.Count("POST /sipstation/2/failover/{key}"), m.Count("DELETE /sipstation/2/failover/{key}")
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             state(trunk.Failover{}),
		Steps: []tfresource.TestStep{
			{
				Config: config,
				Check:  state(trunk.Failover{Destination: "pbx.example.com"}),
			},
			{
				PreConfig: func() {
					env.SetTrunkFailover(t, "", trunk.Failover{Destination: "pbx.example.com", Number: "+14155550199"})
					posts, deletes = count()
				},
				Config: config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(address, tfjsonpath.New("failover"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"destination": knownvalue.StringExact("pbx.example.com"), "number": knownvalue.Null(),
					})),
				}},
				Check: tfresource.ComposeAggregateTestCheckFunc(
					state(trunk.Failover{Destination: "pbx.example.com"}),
					func(*terraform.State) error {
						p, d := count()
						if p-posts != 1 || d-deletes != 0 {
							return fmt.Errorf("clearing the number tier sent %d POSTs and %d DELETEs, want 1 POST and none", p-posts, d-deletes)
						}
						return nil
					},
				),
			},
		},
	})
}

// A trunk-group destination must name one of the account's trunk groups,
// other than its own: checked at plan when the destination is known then,
// else at apply; the error names the id and the groups there are.
func TestAccFailover_trunkGroup(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.OrderLocalNumbers(t, "+14155550194")
	const groups = "7101 (Head office PBX, the one this trunk is in), 7102 (Disaster recovery PBX)"
	rec := &diagRecorder{}
	planErrors := 0 // plan-time errors before the step whose destination is unknown at plan
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []tfresource.TestStep{
			{
				Config:      env.TrunkProviderConfig() + failoverHCL("main", "+14155550194", `{ destination = "9999" }`),
				PlanOnly:    true,
				ExpectError: expectDiag("Trunk Group Not Found", `"9999"`, "no trunk group 9999", groups),
			},
			{
				Config:      env.TrunkProviderConfig() + failoverHCL("account", "", `{ destination = "7101" }`),
				PlanOnly:    true,
				ExpectError: expectDiag("Failover to the Trunk's Own Trunk Group", `"7101"`),
			},
			{
				// Unknown at plan: the plan passes, and the apply fails (in
				// the plan Terraform makes again with the value known),
				// before anything is sent.
				// (terraform_data's id is known at apply only, so the sum is too.)
				PreConfig: func() { planErrors = len(rec.find("plan", "Trunk Group Not Found")) },
				Config: env.TrunkProviderConfig() + `resource "terraform_data" "group" {}` +
					failoverHCL("main", "+14155550194", `{ destination = tostring(9999 + 0 * length(terraform_data.group.id)), number = "+14155550198" }`),
				// "Error running apply" is terraform-plugin-testing's: the error
				// came at apply, not at plan.
				ExpectError: regexp.MustCompile(`Error running apply[\s\S]*` + expectDiag("Trunk Group Not Found", groups).String()),
			},
			{
				PreConfig: func() {
					if err := checkTrunkState(t, env, trunkState{Numbers: numbers([]string{"+14155550194"}, nil)})(nil); err != nil {
						t.Errorf("after the refused apply: %v", err)
					}
				},
				Config: env.TrunkProviderConfig() + failoverHCL("main", "+14155550194", `{ destination = "7102" }`),
				Check: checkTrunkState(t, env, trunkState{Numbers: map[string]trunkNumberState{
					"+14155550194": {Failover: trunk.Failover{Destination: "7102"}},
				}}),
			},
		},
	})
	if n := len(rec.find("plan", "Trunk Group Not Found")); planErrors == 0 || n != planErrors+1 {
		t.Errorf("errors of plans: %d before the unknown destination, %d after; want one more, the apply's", planErrors, n)
	}
}

// Neither tier fails validation; a number not on the trunk fails the plan;
// a trial account's refusal quotes SIPStation.
func TestAccFailover_refused(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	trial := env.OtherAccount(t, t.Name()+" trial", "TRIAL")
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config:      env.TrunkProviderConfig() + failoverHCL("main", "", `{}`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Missing Attribute Configuration[\s\S]*failover.number,failover.destination`),
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
	if err := checkTrunkState(t, trial, trunkState{})(nil); err != nil {
		t.Errorf("the trial account after its refusal: %v", err)
	}
}

// A number that leaves the trunk leaves state with the warning.
func TestAccFailover_leftTrunk(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.OrderLocalNumbers(t, "+14155550192")
	rec := &diagRecorder{}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []tfresource.TestStep{
			{
				Config: env.BothProviderConfig() + failoverHCL("main", "+14155550192", `{ destination = "pbx.example.com" }`),
				Check: checkTrunkState(t, env, trunkState{Numbers: map[string]trunkNumberState{
					"+14155550192": {Failover: trunk.Failover{Destination: "pbx.example.com"}},
				}}),
			},
			{
				PreConfig: func() {
					po := env.RequestPortOut(t, "Gaining Co", "", "+14155550192")
					env.CompletePortOut(t, po.ID)
				},
				Config: env.BothProviderConfig(),
				Check: tfresource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						return rec.requireWarning("read", "Number Left the SIPStation Trunk", "+14155550192", "still billed")
					},
					checkTrunkState(t, env, trunkState{}),
				),
			},
		},
	})
	requirePortedStillBilled(t, env, "+14155550192")
}

// The failover schema keeps the shape of the resource's first version, so
// state written by it reads as it is, with no state upgrader: a tier the
// old version never set beside the other is null in its state, as now.
func TestFailoverStatePriorVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var sresp resource.SchemaResponse
	NewFailoverResource().Schema(ctx, resource.SchemaRequest{}, &sresp)
	if sresp.Schema.Version != 0 {
		t.Fatalf("schema version %d: state of version 0 needs an upgrader now", sresp.Schema.Version)
	}
	typ := sresp.Schema.Type().TerraformType(ctx)
	for name, tc := range map[string]struct {
		json string
		want failoverResourceModel
	}{
		"a number's destination": {
			`{"id":"+14155550190","number":"4155550190","failover":{"number":null,"destination":"sip:frontdesk@pbx.example.com"}}`,
			failoverResourceModel{ID: types.StringValue("+14155550190"), Number: types.StringValue("4155550190"),
				Failover: &failoverModel{Number: types.StringNull(), Destination: types.StringValue("sip:frontdesk@pbx.example.com")}},
		},
		"the account's number": {
			`{"id":"account","number":null,"failover":{"number":"+14155550199","destination":null}}`,
			failoverResourceModel{ID: types.StringValue("account"), Number: types.StringNull(),
				Failover: &failoverModel{Number: types.StringValue("+14155550199"), Destination: types.StringNull()}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := (&tfprotov6.RawState{JSON: []byte(tc.json)}).UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{})
			if err != nil {
				t.Fatalf("state of the prior version does not decode: %v", err)
			}
			var got failoverResourceModel
			if diags := (tfsdk.State{Raw: raw, Schema: sresp.Schema}).Get(ctx, &got); diags.HasError() {
				t.Fatalf("state of the prior version: %v", diags)
			}
			if !got.ID.Equal(tc.want.ID) || !got.Number.Equal(tc.want.Number) || *got.Failover != *tc.want.Failover {
				t.Errorf("read %+v %+v, want %+v %+v", got, *got.Failover, tc.want, *tc.want.Failover)
			}
		})
	}
}
