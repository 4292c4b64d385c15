package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

func TestAccE911Address_lifecycle(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.OrderLocalNumbers(t, "+14155550160", "+14155550161")
	const address = "sipstation_e911_address.main"
	addr := sipstation.E911Address{Name: "Example Dental LLC", Street1: "1 Market St", City: "San Francisco", State: "CA", Zip: "94105"}
	moved := addr
	moved.Street2 = "Suite 5"
	state := func(on160, on161 trunkNumberState) resource.TestCheckFunc {
		return checkTrunkState(t, env, trunkState{Numbers: map[string]trunkNumberState{"+14155550160": on160, "+14155550161": on161}})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             state(trunkNumberState{}, trunkNumberState{}),
		Steps: []resource.TestStep{
			{
				Config: env.BothProviderConfig() + e911HCL("415-555-0160", "", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact("+14155550160")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("number"), knownvalue.StringExact("415-555-0160")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("street2"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("master"), knownvalue.Bool(false)),
				},
				Check: state(trunkNumberState{E911: &addr}, trunkNumberState{}),
			},
			{
				// Street and master change in place.
				Config: env.BothProviderConfig() + e911HCL("415-555-0160", "Suite 5", "  master = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("master"), knownvalue.Bool(true)),
				},
				Check: state(trunkNumberState{E911: &moved, Master: true}, trunkNumberState{}),
			},
			{
				// The same number in another form changes nothing.
				Config: env.BothProviderConfig() + e911HCL("(415) 555-0160", "Suite 5", "  master = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				Check: state(trunkNumberState{E911: &moved, Master: true}, trunkNumberState{}),
			},
			{
				ResourceName:            address,
				ImportState:             true,
				ImportStateId:           "4155550160",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"number"},
			},
			{
				// Another number replaces: the old address is deleted.
				Config: env.BothProviderConfig() + e911HCL("+14155550161", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: state(trunkNumberState{}, trunkNumberState{E911: &addr}),
			},
		},
	})
}

// A number that is not on the trunk fails the plan, and a trial account's
// refusal is an error quoting SIPStation's message.
func TestAccE911Address_refused(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	trial := env.OtherAccount(t, t.Name()+" trial", "TRIAL")
	trial.OrderLocalNumbers(t, "+14155550170")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.TrunkProviderConfig() + e911HCL("+14155550179", "", ""),
				PlanOnly:    true,
				ExpectError: expectDiag("Number Not on the SIPStation Trunk", "+14155550179"),
			},
			{
				Config:      trial.TrunkProviderConfig() + e911HCL("+14155550170", "", ""),
				ExpectError: expectDiag("Cannot Set E911 Address", `"Trial accounts cannot set E911`),
			},
			{
				Config:      env.ProviderConfig() + e911HCL("+14155550170", "", ""),
				PlanOnly:    true,
				ExpectError: expectDiag("SIPStation Account Key Not Configured", "SIPSTATION_ACCOUNT_KEY"),
			},
		},
	})
	if err := checkTrunkState(t, trial, trunkState{Numbers: numbers([]string{"+14155550170"}, nil)})(nil); err != nil {
		t.Errorf("the trial account after its refusal: %v", err)
	}
}

// A number that leaves the trunk (its port-out completes) leaves state with
// a warning that names it and says it is still billed; the plan then fails
// rather than trying to set an address for a number that is gone.
func TestAccE911Address_leftTrunk(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t)
	env.OrderLocalNumbers(t, "+14155550180")
	rec := &diagRecorder{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				Config: env.BothProviderConfig() + e911HCL("+14155550180", "", ""),
				Check: checkTrunkState(t, env, trunkState{Numbers: map[string]trunkNumberState{"+14155550180": {E911: &sipstation.E911Address{
					Name: "Example Dental LLC", Street1: "1 Market St", City: "San Francisco", State: "CA", Zip: "94105"}}}}),
			},
			{
				PreConfig: func() {
					po := env.RequestPortOut(t, "Gaining Co", "", "+14155550180")
					env.CompletePortOut(t, po.ID)
				},
				Config:      env.BothProviderConfig() + e911HCL("+14155550180", "", ""),
				ExpectError: expectDiag("Number Not on the SIPStation Trunk"),
			},
			{
				Config: env.BothProviderConfig(),
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						return rec.requireWarning("read", "Number Left the SIPStation Trunk",
							"+14155550180", "Billing will continue", "still billed", "SIPStation Store")
					},
					checkTrunkState(t, env, trunkState{}),
				),
			},
		},
	})
	requirePortedStillBilled(t, env, "+14155550180")
}

// privateState is a resource's private state as the framework hands it to
// Read, Create and Update (GetKey and SetKey), in memory.
type privateState map[string][]byte

func (p privateState) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}

func (p privateState) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	p[key] = value
	return nil
}

// TestE911Propagation: for e911Propagation (15 minutes) after the provider
// wrote an address, a read keeps what was written; from then on it takes
// what SIPStation shows. On an injected clock.
func TestE911Propagation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	written := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	now := written
	r := &E911AddressResource{now: func() time.Time { return now }}
	private := privateState{}
	if r.writtenRecently(ctx, private) {
		t.Error("written recently with nothing written")
	}
	if diags := r.stampWritten(ctx, private); diags.HasError() {
		t.Fatalf("stampWritten: %v", diags)
	}
	if got := string(private[privateE911WrittenAt]); got != `"2026-03-10T15:00:00Z"` {
		t.Errorf("stamp %s, want the time of the write in RFC 3339", got)
	}
	for _, tc := range []struct {
		after time.Duration
		want  bool
	}{
		{0, true},
		{e911Propagation - time.Second, true},
		{e911Propagation, false},
		{time.Hour, false},
	} {
		now = written.Add(tc.after)
		if got := r.writtenRecently(ctx, private); got != tc.want {
			t.Errorf("%s after the write: written recently %v, want %v", tc.after, got, tc.want)
		}
	}
	private[privateE911WrittenAt] = []byte(`"not a time"`)
	if r.writtenRecently(ctx, private) {
		t.Error("written recently by a stamp that is no time")
	}
}
