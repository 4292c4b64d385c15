package provider

// Terraform-driven tests of the paths by which a number could be cancelled,
// replaced or ordered twice that the guard alone does not cover: tainted
// resources (with and without create_before_destroy), orders and cancels
// whose answers are lost, and the plan-time refusals of replaces and moves.
// Each asserts the emulator's inventory afterwards.

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

const cbdLifecycle = "\n  lifecycle {\n    create_before_destroy = true\n  }\n"

// checkInventory is a check that the account holds exactly the numbers
// given, all billed, and that nothing was cancelled with force.
func checkInventory(t *testing.T, env *acctest.Env, numbers ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var list struct {
			Data []sipstation.Number `json:"data"`
		}
		if code := env.Get(t, "/v1/numbers?page[size]=1000", &list); code != http.StatusOK {
			return fmt.Errorf("list numbers: status %d", code)
		}
		want := map[string]bool{}
		for _, n := range numbers {
			want[n] = true
		}
		var got []string
		for _, n := range list.Data {
			got = append(got, n.Number)
			if !want[n.Number] || !n.Billing.Active {
				return fmt.Errorf("the account holds %v (billed %v for %s), want exactly %v", got, n.Billing.Active, n.Number, numbers)
			}
		}
		if len(list.Data) != len(numbers) {
			return fmt.Errorf("the account holds %d numbers, want exactly %v", len(list.Data), numbers)
		}
		return checkNoForcedCancels(t, env)(s)
	}
}

// checkInState is a check that sipstation_did.main holds number, not tainted.
func checkInState(number string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[didAddr]
		if !ok {
			return fmt.Errorf("%s is not in state", didAddr)
		}
		if rs.Primary.ID != number || rs.Primary.Tainted {
			return fmt.Errorf("%s: id %s tainted %v, want %s untainted", didAddr, rs.Primary.ID, rs.Primary.Tainted, number)
		}
		return nil
	}
}

// first212 is the number the emulator gives the first order in area code 212.
const first212 = "+12125550100"

// taintedError is the plan error for the tainted DID holding first212.
func taintedError() *regexp.Regexp {
	return regexp.MustCompile(`Refusing to Replace a Tainted Number[\s\S]*` + regexp.QuoteMeta(first212) +
		`[\s\S]*terraform\s+untaint[\s\S]*Nothing\s+was\s+ordered\s+or\s+cancelled`)
}

// TestAccSafety_taintedByAreaCode: a tainted number ordered by area code,
// with or without create_before_destroy, fails the plan before anything is
// ordered or cancelled, and with a pending port the plan names the port.
func TestAccSafety_taintedByAreaCode(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+12125550100" // the first free number of 212
	config := func(lifecycle string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + didHCL("main", `  area_code = "212"`+lifecycle)
	}
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: config(cbdLifecycle), Check: checkInventory(t, env, number)},
			{
				Taint:       []string{didAddr},
				Config:      config(cbdLifecycle),
				ExpectError: taintedError(),
			},
			{
				PreConfig:   func() { mustCheck(t, checkInventory(t, env, number)) },
				Config:      config(""),
				ExpectError: taintedError(),
			},
			{
				PreConfig:   func() { portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number) },
				Config:      config(cbdLifecycle),
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				Config:      config(""),
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				// Still the one number, pending; nothing was ordered or
				// cancelled. The port completes, and destroy cancels it.
				PreConfig: func() {
					mustCheck(t, checkInventory(t, env, number))
					mustCheck(t, cancelledOnce(t, env, 0))
					env.CompletePortOut(t, portOut.ID)
				},
				Config: env.ProviderConfig() + locationHCL("main", "Main"),
				Check:  checkCancelled(t, env, number),
			},
		},
	})
}

// TestAccSafety_taintedByNumber: a tainted number given by number fails the
// plan with and without create_before_destroy, saying it is tainted (the
// plan refreshed it and does not plan it from state), and with a pending
// port the plan names the port.
func TestAccSafety_taintedByNumber(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	config := func(lifecycle string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + didHCL("main", `  number = "`+number+`"`+lifecycle)
	}
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: config(cbdLifecycle)},
			{
				Taint:  []string{didAddr},
				Config: config(cbdLifecycle),
				ExpectError: regexp.MustCompile(`Refusing to Replace a Tainted Number[\s\S]*` + regexp.QuoteMeta(number) +
					`[\s\S]*terraform\s+untaint[\s\S]*Nothing\s+was\s+ordered\s+or\s+cancelled`),
			},
			{
				PreConfig:   func() { portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number) },
				Config:      config(cbdLifecycle),
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				Config:      config(""),
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				PreConfig: func() {
					mustCheck(t, checkInventory(t, env, number))
					mustCheck(t, cancelledOnce(t, env, 0))
					env.CompletePortOut(t, portOut.ID)
				},
				Config: env.ProviderConfig() + locationHCL("main", "Main"),
				Check:  checkCancelled(t, env, number),
			},
		},
	})
}

// lostOrderHCL is a DID chosen by choose whose order may take 3 s.
func lostOrderHCL(env *acctest.Env, choose, lifecycle string) string {
	provider := fmt.Sprintf("provider \"sipstation\" {\n  endpoint    = %q\n  api_key     = %q\n  max_retries = 1\n}\n", env.Endpoint, env.APIKey)
	return provider + locationHCL("main", "Main") + didHCL("main", choose+`
  timeouts {
    create = "3s"
  }`+lifecycle)
}

// lostOrderSteps drops every answer to the order of the DID in config: the
// apply says the outcome is unknown (what says what was ordered) and how to
// find the number, and state holds a pending order.
func lostOrderSteps(t *testing.T, env *acctest.Env, config, what string) []resource.TestStep {
	return []resource.TestStep{
		{Config: env.ProviderConfig() + locationHCL("main", "Main")},
		{
			PreConfig: func() {
				env.SetFaults(t, emulator.Faults{DropAfterCommit: 1, Methods: []string{http.MethodPost}})
			},
			Config: config,
			ExpectError: regexp.MustCompile(`Order Outcome Unknown[\s\S]*` + what +
				`[\s\S]*whether\s+SIPStation\s+ordered\s+it\s+is\s+unknown[\s\S]*pending\s+order[\s\S]*Apply\s+again` +
				`[\s\S]*never\s+a\s+second\s+number[\s\S]*data\s+"sipstation_numbers"[\s\S]*terraform\s+import`),
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

// TestAccSafety_orderAnswersLost: every answer to an order is lost after
// SIPStation committed it. The next apply replays the order and gets the
// number ordered then: one number, never two. By area code and by number
// (written in another form than E.164).
func TestAccSafety_orderAnswersLost(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ choose, number, what string }{
		"area_code": {`  area_code = "212"`, "+12125550100", `a\s+local\s+number\s+in\s+area\s+code\s+212`},
		"number":    {`  number = "(415) 555-0100"`, "+14155550100", `the\s+local\s+number\s+\+14155550100`},
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

// TestAccSafety_orderAnswersLostCreateBeforeDestroy: with
// create_before_destroy Terraform creates the replacement of a pending order
// before it removes it, so the provider cannot hand the replacement the
// order's key. The apply stops before ordering anything: still one number.
func TestAccSafety_orderAnswersLostCreateBeforeDestroy(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+12125550100"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: append(lostOrderSteps(t, env, lostOrderHCL(env, `  area_code = "212"`, cbdLifecycle), `area\s+code\s+212`),
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
					if code := env.Do(t, http.MethodDelete, "/v1/numbers/"+url.PathEscape(number), nil, nil); code != http.StatusOK {
						t.Fatalf("cancel %s: status %d", number, code)
					}
				},
				Config: env.ProviderConfig() + locationHCL("main", "Main"),
			},
		),
	})
}

// TestAccSafety_orderAnswersLostWithoutRefresh: the replay after lost
// answers, planned with -refresh=false. The plan does not see the tainted
// pending order and plans a new order, but the apply removes the pending
// order first and hands its key to the order: the number ordered then, one
// number. With create_before_destroy the order goes first and cannot get
// the key: a second number is billed and the first is left outside state,
// the limit the guide states ("run terraform untaint first").
func TestAccSafety_orderAnswersLostWithoutRefresh(t *testing.T) {
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
				Steps: append(lostOrderSteps(t, env, config, `area\s+code\s+212`),
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
								if code := env.Do(t, http.MethodDelete, "/v1/numbers/"+url.PathEscape(n), nil, nil); code != http.StatusOK {
									t.Fatalf("cancel %s: status %d", n, code)
								}
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

// TestAccSafety_orderAnswersLostConfigChanged: a pending order whose
// resource then asks for another order (area_code changed) cannot be
// replayed; the plan warns that it leaves state unresolved, naming its key
// and how to find the number, instead of dropping it without a word. The
// apply orders the new number; the one ordered under the lost key stays
// billed, as the warning says.
func TestAccSafety_orderAnswersLostConfigChanged(t *testing.T) {
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
		Steps: append(lostOrderSteps(t, env, lostOrderHCL(env, `  area_code = "212"`, ""), `area\s+code\s+212`),
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
					if code := env.Do(t, http.MethodDelete, "/v1/numbers/"+url.PathEscape(first212), nil, nil); code != http.StatusOK {
						t.Fatalf("cancel %s: status %d", first212, code)
					}
				},
				Config: changed,
				Check:  checkInventory(t, env, ordered213),
			},
		),
	})
}

// TestAccSafety_cancelAnswersLost: every answer to a cancel is lost after
// SIPStation cancelled the number. The provider asks and finds it gone: the
// apply succeeds, the resource leaves state, nothing says "still billed".
func TestAccSafety_cancelAnswersLost(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	base := fmt.Sprintf("provider \"sipstation\" {\n  endpoint    = %q\n  api_key     = %q\n  max_retries = 1\n}\n", env.Endpoint, env.APIKey) +
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

// TestAccSafety_stateRemovedByAreaCode: a DID ordered by area code that
// leaves state without being cancelled (terraform state rm; here a removed
// block does the same) cannot be told apart from a new order. The plan that
// would order again warns, naming the number the location already holds in
// that area code; importing it instead keeps one number.
func TestAccSafety_stateRemovedByAreaCode(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+12125550100"
	base := env.ProviderConfig() + locationHCL("main", "Main")
	withDID := base + didHCL("main", `  area_code = "212"`)
	rec := &diagRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: withDID},
			{Config: base + removedHCL(didAddr), Check: checkInventory(t, env, number)},
			{
				PreConfig:          rec.reset,
				Config:             withDID,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					if err := rec.requireWarning("plan", "Location Already Holds Numbers in This Area Code",
						"area code 212", number, "terraform state rm", "orders a second, billed number", "terraform import"); err != nil {
						t.Fatal(err)
					}
				},
				// The way the warning gives: import the number.
				Config: withDID + "\nimport {\n  to = " + didAddr + "\n  id = \"" + number + "\"\n}\n",
				Check: resource.ComposeTestCheckFunc(
					checkInState(number),
					checkInventory(t, env, number),
					cancelledOnce(t, env, 0),
				),
			},
		},
	})
}

// TestAccSafety_areaCodeWarningSkipsManaged: the area-code warning of a new
// order names the location's numbers of that area code that no resource in
// this state holds (here one ordered outside Terraform), not the numbers the
// configuration already manages: a warning that named those on every new
// order would be read past, also when it matters. The new order is not
// refused, and exactly one number is ordered for it.
func TestAccSafety_areaCodeWarningSkipsManaged(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const managed, outside, added = "+12125550100", "+12125550101", "+12125550102"
	base := env.ProviderConfig() + locationHCL("main", "Main") + didHCL("main", `  area_code = "212"`)
	// depends_on orders the plans: the test framework's first plan runs
	// without refresh, where the warning leaves out only the numbers
	// planned before it (with refresh it waits for them; see
	// TestNumberLedgerUnseen).
	withSecond := base + `
resource "sipstation_did" "second" {
  location_id = sipstation_location.main.id
  area_code   = "212"
  depends_on  = [sipstation_did.main]
}
`
	const summary = "Location Already Holds Numbers in This Area Code"
	rec := &diagRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy: resource.ComposeTestCheckFunc(
			checkCancelled(t, env, managed), checkCancelled(t, env, added), cancelledOnce(t, env, 3)),
		Steps: []resource.TestStep{
			{Config: base, Check: checkInventory(t, env, managed)},
			{
				PreConfig: func() {
					rec.reset()
					var n sipstation.Number
					if code := env.Get(t, "/v1/numbers/"+url.PathEscape(managed), &n); code != http.StatusOK {
						t.Fatalf("read %s: status %d", managed, code)
					}
					order := map[string]string{"type": "local", "area_code": "212"}
					if code := env.Do(t, http.MethodPost, "/v1/locations/"+n.LocationID+"/numbers", order, nil); code != http.StatusCreated {
						t.Fatalf("order outside Terraform: status %d", code)
					}
					mustCheck(t, checkInventory(t, env, managed, outside))
				},
				Config:             withSecond,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					if err := rec.requireWarning("plan", summary, "area code 212", outside); err != nil {
						t.Fatal(err)
					}
					for _, d := range rec.find("plan", summary) {
						if strings.Contains(d.Detail, managed) {
							t.Fatalf("the warning names %s, which sipstation_did.main holds:\n%s", managed, d.Detail)
						}
					}
				},
				Config: withSecond,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("sipstation_did.second", "id", added),
					checkInventory(t, env, managed, outside, added),
					cancelledOnce(t, env, 0),
				),
			},
			{
				// The location closes at destroy only once the number
				// ordered outside Terraform is cancelled.
				PreConfig: func() {
					if code := env.Do(t, http.MethodDelete, "/v1/numbers/"+url.PathEscape(outside), nil, nil); code != http.StatusOK {
						t.Fatalf("cancel %s: status %d", outside, code)
					}
				},
				Config: withSecond,
				Check:  checkInventory(t, env, managed, added),
			},
		},
	})
}

// TestAccSafety_replaceByAreaCode: the replace of a DID ordered by area code
// (replace_triggered_by here, as -replace) cancels the number and orders a
// different one, as documented: one number billed after, the old one
// cancelled once, never with force.
func TestAccSafety_replaceByAreaCode(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const first = "+12125550100"
	config := func(trigger string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + fmt.Sprintf(`
resource "terraform_data" "trigger" {
  input = %q
}
resource "sipstation_did" "main" {
  location_id = sipstation_location.main.id
  area_code   = "212"
  lifecycle {
    replace_triggered_by = [terraform_data.trigger]
  }
}
`, trigger)
	}
	var second string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             func(s *terraform.State) error { return checkCancelled(t, env, second)(s) },
		Steps: []resource.TestStep{
			{Config: config("one"), Check: checkInState(first)},
			{
				Config: config("two"),
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						second = s.RootModule().Resources[didAddr].Primary.ID
						if second == first || phonenumber.AreaCode(second) != "212" {
							return fmt.Errorf("after the replace %s holds %s, want another number of 212", didAddr, second)
						}
						return checkInventory(t, env, second)(s)
					},
					checkCancelled(t, env, first),
					cancelledOnce(t, env, 1),
				),
			},
		},
	})
}

// TestAccSafety_faultsAtScale: 200 DIDs applied and destroyed while 10% of
// the requests are refused with a 503, 10% with a 429, and 5% lose their
// answer after SIPStation committed them. Exactly the 200 numbers are
// ordered (none twice), the plan after the apply is empty, and the destroy
// cancels each once, never with force: nothing is left billed. It runs
// under one CLI (Terraform) to keep the suite's wall time down.
func TestAccSafety_faultsAtScale(t *testing.T) {
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" {
		t.Skip("the fault run at scale runs under Terraform only (make test runs it there)")
	}
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	var numbers []string
	for _, ac := range []string{"206", "212"} {
		for line := 100; line <= 199; line++ {
			numbers = append(numbers, fmt.Sprintf("+1%s555%04d", ac, line))
		}
	}
	quoted := make([]string, len(numbers))
	for i, n := range numbers {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	provider := fmt.Sprintf("provider \"sipstation\" {\n  endpoint    = %q\n  api_key     = %q\n  max_retries = 10\n}\n", env.Endpoint, env.APIKey)
	config := provider + locationHCL("main", "Main") + fmt.Sprintf(`
locals {
  numbers = [%s]
}
resource "sipstation_did" "each" {
  count       = length(local.numbers)
  location_id = sipstation_location.main.id
  number      = local.numbers[count.index]
}
`, strings.Join(quoted, ", "))
	faults := emulator.Faults{Rate5xx: 0.1, Rate429: 0.1, DropAfterCommit: 0.05}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			env.SetFaults(t, emulator.Faults{})
			return resource.ComposeTestCheckFunc(checkInventory(t, env), cancelledOnce(t, env, int64(len(numbers))))(s)
		},
		Steps: []resource.TestStep{
			{Config: provider + locationHCL("main", "Main")},
			{
				PreConfig: func() { env.SetFaults(t, faults) },
				Config:    config,
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						env.SetFaults(t, emulator.Faults{})
						defer env.SetFaults(t, faults) // the post-apply plan and the destroy run with faults
						for i, n := range numbers {
							if rs, ok := s.RootModule().Resources[fmt.Sprintf("sipstation_did.each.%d", i)]; !ok || rs.Primary.ID != n || rs.Primary.Tainted {
								return fmt.Errorf("%s is not in state as itself, untainted", n)
							}
						}
						if m := env.Metrics(t); m.FaultsInjected.DroppedAfterCommit == 0 || m.FaultsInjected.TooManyRequests == 0 || m.FaultsInjected.Unavailable == 0 {
							return fmt.Errorf("the faults were not injected: %+v", m.FaultsInjected)
						}
						return resource.ComposeTestCheckFunc(checkInventory(t, env, numbers...), cancelledOnce(t, env, 0))(s)
					},
				),
			},
		},
	})
}

// planCall is what one PlanResourceChange of sipstation_did was given.
type planCall struct{ priorNull, privateEmpty bool }

// TestAccSafety_whatTaintedPlansLookLike pins what the number ledger
// (number_ledger.go) is built on, as Terraform and OpenTofu send it: the plan
// of a tainted resource, with or without create_before_destroy, is one call
// with no prior state and no private state, exactly like a new resource's;
// a replace (replace_triggered_by, like -replace) is a call from the prior
// state, then one without it that carries the first one's private state.
func TestAccSafety_whatTaintedPlansLookLike(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+12125550100"
	var mu sync.Mutex
	var calls []planCall
	rec := &diagRecorder{beforePlan: func(req *tfprotov6.PlanResourceChangeRequest) {
		if req.TypeName != "sipstation_did" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		null := req.PriorState == nil || (len(req.PriorState.MsgPack) == 1 && req.PriorState.MsgPack[0] == 0xc0)
		calls = append(calls, planCall{priorNull: null, privateEmpty: len(req.PriorPrivate) == 0})
	}}
	reset := func() {
		mu.Lock()
		defer mu.Unlock()
		calls = nil
	}
	got := func() []planCall {
		mu.Lock()
		defer mu.Unlock()
		return append([]planCall(nil), calls...)
	}
	config := func(trigger, lifecycle, extra string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + fmt.Sprintf(`
resource "terraform_data" "trigger" {
  input = %q
}
resource "sipstation_did" "main" {
  location_id = sipstation_location.main.id
  area_code   = "212"
  lifecycle {
    replace_triggered_by = [terraform_data.trigger]
%s
  }
}
`, trigger, lifecycle) + extra
	}
	const cbd = "    create_before_destroy = true"
	fresh := "\nresource \"sipstation_did\" \"fresh\" {\n  location_id = sipstation_location.main.id\n  area_code   = \"415\"\n}\n"
	// onlyCreateShaped checks that every call had neither prior nor private state.
	onlyCreateShaped := func(what string) {
		c := got()
		if len(c) == 0 {
			t.Fatalf("%s: no plan of sipstation_did was recorded", what)
		}
		for _, call := range c {
			if !call.priorNull || !call.privateEmpty {
				t.Fatalf("%s: a plan had prior state or private state: %+v", what, c)
			}
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: config("one", cbd, "")},
			{
				// A new resource next to the kept one: its plan has no prior
				// and no private state.
				PreConfig:          reset,
				Config:             config("one", cbd, fresh),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					var create []planCall
					for _, c := range got() {
						if c.priorNull {
							create = append(create, c)
						}
					}
					if len(create) == 0 || !create[0].privateEmpty {
						t.Fatalf("the new resource's plan: %+v", got())
					}
					reset()
				},
				// A replace: from the prior state, then without it but with
				// the first plan's private state.
				Config:             config("two", cbd, ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					c := got()
					fromPrior, createHalf := false, false
					for _, call := range c {
						fromPrior = fromPrior || !call.priorNull
						createHalf = createHalf || (call.priorNull && !call.privateEmpty)
					}
					if !fromPrior || !createHalf {
						t.Fatalf("the replace's plans: %+v; want one from the prior state and a create half with private state", c)
					}
					reset()
				},
				Taint:       []string{didAddr},
				Config:      config("one", cbd, ""),
				ExpectError: taintedError(),
			},
			{
				PreConfig: func() {
					onlyCreateShaped("tainted, create_before_destroy")
					reset()
				},
				Config:      config("one", "", ""),
				ExpectError: taintedError(),
			},
			{
				PreConfig: func() {
					onlyCreateShaped("tainted")
					mustCheck(t, checkInventory(t, env, number))
				},
				Config: env.ProviderConfig() + locationHCL("main", "Main"),
			},
		},
	})
}
