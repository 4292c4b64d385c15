package provider

// Orders and cancels whose answers are lost or refused: an order is
// replayed under its idempotency key (one number, never two), a cancel is
// read back before it is reported. Each test asserts the emulator's
// inventory afterwards.

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// lostOrderSteps drops every answer to the order of the DID in config: the
// apply says the outcome is unknown, naming what was ordered (what: the
// number, or "area code 212") and how to find the number and import it, and
// state holds a pending order.
func lostOrderSteps(t *testing.T, env *acctest.Env, config, what string) []resource.TestStep {
	return []resource.TestStep{
		{Config: env.ProviderConfig() + locationHCL("main", "Main")},
		{
			PreConfig: func() {
				env.SetFaults(t, emulator.Faults{DropAfterCommit: 1, Methods: []string{http.MethodPost}})
			},
			Config:      config,
			ExpectError: expectDiag("Order Outcome Unknown", what, `data "sipstation_numbers"`, "terraform import"),
		},
	}
}

// checkReplayed is a check that the order was answered once and replayed.
func checkReplayed(t *testing.T, env *acctest.Env) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m := env.Metrics(t)
		if got := m.Routes["POST /v1/locations/{location_id}/numbers"].Statuses["201"]; got < 2 {
			return fmt.Errorf("%d answered orders, want the first and at least one replay", got)
		}
		if m.IdempotentReplays == 0 {
			return fmt.Errorf("no order was replayed: %+v", m)
		}
		return nil
	}
}

// TestAccLostAnswers_order: every answer to an order is lost after
// SIPStation committed it. The next apply replays the order and gets the
// number ordered then: one number, never two. By area code and by number
// (written in another form than E.164).
func TestAccLostAnswers_order(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ choose, number, what string }{
		"area_code": {`  area_code = "212"`, "+12125550100", "area code 212"},
		"number":    {`  number = "(415) 555-0100"`, "+14155550100", "+14155550100"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			env.RequireEmulator(t)
			config := lostOrderHCL(env, tc.choose, "")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkCancelled(t, env, tc.number),
				Steps: append(lostOrderSteps(t, env, config, tc.what),
					resource.TestStep{
						// The order went through once; the fault is gone; the
						// next apply replays the order and finds that number.
						PreConfig: func() {
							env.SetFaults(t, emulator.Faults{})
							mustCheck(t, checkInventory(t, env, tc.number))
						},
						Config: config,
						Check: resource.ComposeTestCheckFunc(
							checkInState(tc.number),
							checkInventory(t, env, tc.number),
							cancelledOnce(t, env, 0),
							checkReplayed(t, env),
						),
					},
				),
			})
		})
	}
}

// TestAccLostAnswers_orderCreateBeforeDestroy: with
// create_before_destroy Terraform creates the replacement of a pending order
// before it removes it, so the provider cannot hand the replacement the
// order's key. The apply stops before ordering anything: still one number.
func TestAccLostAnswers_orderCreateBeforeDestroy(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+12125550100"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: append(lostOrderSteps(t, env, lostOrderHCL(env, `  area_code = "212"`, cbdLifecycle), "area code 212"),
			resource.TestStep{
				PreConfig:   func() { env.SetFaults(t, emulator.Faults{}) },
				Config:      lostOrderHCL(env, `  area_code = "212"`, cbdLifecycle),
				ExpectError: regexp.MustCompile(`inconsistent final plan[\s\S]*order_idempotency_key`),
			},
			resource.TestStep{
				// Nothing more was ordered. (The way out the error gives is
				// to find the number and import it; here the test cancels
				// it, and the pending order leaves state.)
				PreConfig: func() {
					mustCheck(t, checkInventory(t, env, number))
					mustCheck(t, cancelledOnce(t, env, 0))
					env.CancelNumber(t, number)
				},
				Config: env.ProviderConfig() + locationHCL("main", "Main"),
			},
		),
	})
}

// TestAccLostAnswers_orderWithoutRefresh: the replay after lost
// answers, planned with -refresh=false. The plan does not see the tainted
// pending order and plans a new order, but the apply removes the pending
// order first and hands its key to the order: the number ordered then, one
// number. With create_before_destroy the order goes first and cannot get
// the key: a second number is billed and the first is left outside state,
// the limit the guide states ("run terraform untaint first").
func TestAccLostAnswers_orderWithoutRefresh(t *testing.T) {
	t.Parallel()
	const second = "+12125550101"
	cases := map[string]struct {
		lifecycle string
		inState   string
		billed    []string
	}{
		"destroy_before_create": {"", first212, []string{first212}},
		"create_before_destroy": {cbdLifecycle, second, []string{first212, second}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			env.RequireEmulator(t)
			config := lostOrderHCL(env, `  area_code = "212"`, tc.lifecycle)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
				CheckDestroy:             checkCancelled(t, env, tc.inState),
				Steps: append(lostOrderSteps(t, env, config, "area code 212"),
					resource.TestStep{
						PreConfig: func() {
							env.SetFaults(t, emulator.Faults{})
							mustCheck(t, checkInventory(t, env, first212))
						},
						Config: config,
						Check: resource.ComposeTestCheckFunc(
							checkInState(tc.inState),
							checkInventory(t, env, tc.billed...),
							cancelledOnce(t, env, 0),
						),
					},
					resource.TestStep{
						// The number left outside state is cancelled by hand,
						// so that the location closes at destroy.
						PreConfig: func() {
							for _, n := range tc.billed {
								if n == tc.inState {
									continue
								}
								env.CancelNumber(t, n)
							}
						},
						Config: config,
						Check:  checkInventory(t, env, tc.inState),
					},
				),
			})
		})
	}
}

// TestAccLostAnswers_orderConfigChanged: a pending order whose
// resource then asks for another order (area_code changed) cannot be
// replayed; the plan warns that it leaves state unresolved, naming its key
// and how to find the number, instead of dropping it without a word. The
// apply orders the new number; the one ordered under the lost key stays
// billed, as the warning says.
func TestAccLostAnswers_orderConfigChanged(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const ordered213 = "+12135550100"
	rec := &diagRecorder{}
	changed := lostOrderHCL(env, `  area_code = "213"`, "")
	const summary = "Pending Order Leaves State Unresolved"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             checkCancelled(t, env, ordered213),
		Steps: append(lostOrderSteps(t, env, lostOrderHCL(env, `  area_code = "212"`, ""), "area code 212"),
			resource.TestStep{
				PreConfig: func() {
					env.SetFaults(t, emulator.Faults{})
					mustCheck(t, checkInventory(t, env, first212))
					rec.reset()
				},
				Config:             changed,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			resource.TestStep{
				PreConfig: func() {
					if err := rec.requireWarning("plan", summary, "area code 212", "idempotency key", "unknown",
						"stays billed", "sipstation_numbers", "import it"); err != nil {
						t.Fatal(err)
					}
				},
				Config: changed,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(didAddr, "id", ordered213),
					checkInventory(t, env, first212, ordered213),
					cancelledOnce(t, env, 0),
				),
			},
			resource.TestStep{
				// The number ordered under the lost key is cancelled by
				// hand, so that the location closes at destroy.
				PreConfig: func() {
					env.CancelNumber(t, first212)
				},
				Config: changed,
				Check:  checkInventory(t, env, ordered213),
			},
		),
	})
}

// TestAccLostAnswers_cancel: every answer to a cancel is lost after
// SIPStation cancelled the number. The provider asks and finds it gone: the
// apply succeeds, the resource leaves state, nothing says "still billed".
func TestAccLostAnswers_cancel(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	base := env.ProviderConfig(acctest.Set("max_retries", 1)) +
		locationHCL("main", "Main")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base + didHCL("main", `  number = "`+number+`"`)},
			{
				PreConfig: func() {
					env.SetFaults(t, emulator.Faults{DropAfterCommit: 1, Methods: []string{http.MethodDelete}})
				},
				Config: base,
				Check: resource.ComposeTestCheckFunc(
					checkCancelled(t, env, number),
					checkInventory(t, env),
					func(s *terraform.State) error {
						if _, ok := s.RootModule().Resources[didAddr]; ok {
							return fmt.Errorf("%s is still in state", didAddr)
						}
						if m := env.Metrics(t); m.FaultsInjected.DroppedAfterCommit == 0 {
							return fmt.Errorf("no answer was dropped: %+v", m.FaultsInjected)
						}
						return nil
					},
				),
			},
			{PreConfig: func() { env.SetFaults(t, emulator.Faults{}) }, Config: base},
		},
	})
}

// TestAccLostAnswers_cancelRefused: a cancel that keeps failing with 503 is
// retried, then reported with the number still active, billed and in state;
// one that fails twice and then succeeds cancels once; one whose answer is
// lost after SIPStation cancelled is retried, finds the number gone (404)
// and counts it cancelled. Never a force.
func TestAccLostAnswers_cancelRefused(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const n0, n1 = "+14155550100", "+14155550101"
	base := env.ProviderConfig(acctest.Set("max_retries", 2)) + locationHCL("main", "Main")
	// Faults on the cancels of numbers only: the 503s are answered (with
	// Retry-After: 1) without executing the cancel; the drop executes it and
	// loses the answer.
	cancels := emulator.Faults{Methods: []string{http.MethodDelete}, Paths: []string{"/v1/numbers/"}}
	refuse := func(n int) emulator.Faults { // n = 0: every cancel
		f := cancels
		f.Rate5xx, f.MaxFaults = 1, n
		return f
	}
	dropOne := cancels
	dropOne.DropAfterCommit, dropOne.MaxFaults = 1, 1
	refused := func() int64 { return env.Metrics(t).Routes[routeCancelNumber].Statuses["503"] }
	var refusedBefore int64
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkCancelled(t, env, n0), checkCancelled(t, env, n1)),
		Steps: []resource.TestStep{
			{Config: base + didHCL("main", `  number = "`+n0+`"`)},
			{
				PreConfig: func() {
					refusedBefore = refused()
					env.SetFaults(t, refuse(0))
				},
				Config:      base,
				ExpectError: expectDiag("Cannot Cancel Number", n0, "3 attempts"),
			},
			{
				PreConfig: func() {
					if n := refused() - refusedBefore; n != 3 {
						t.Fatalf("the provider sent %d DELETEs, want 3 (1 + max_retries 2)", n)
					}
					mustCheck(t, checkAllBilled(t, env, sipstation.StatusActive, n0))
					mustCheck(t, cancelledOnce(t, env, 0))
					env.SetFaults(t, emulator.Faults{})
				},
				// Still in state: the plan still destroys it.
				Config:             base,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionDestroy)},
				},
			},
			{
				PreConfig: func() { env.SetFaults(t, refuse(2)) },
				Config:    base,
				Check:     resource.ComposeTestCheckFunc(checkCancelled(t, env, n0), cancelledOnce(t, env, 1)),
			},
			{Config: base + didHCL("main", `  number = "`+n1+`"`)},
			{
				PreConfig: func() { env.SetFaults(t, dropOne) },
				Config:    base,
				Check:     resource.ComposeTestCheckFunc(checkCancelled(t, env, n1), cancelledOnce(t, env, 2)),
			},
		},
	})
}
