package provider

// The port-out guard (guard.go), one test per way a user can reach it: a
// number whose port-out is pending is never cancelled or moved, at plan and
// again at apply; a number ported out and still billed warns on every plan
// and is cancelled once removed.

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

const (
	gainingCarrier = "Acme Telecom"
	testFOCDate    = "2030-01-15"
)

// TestAccPortOutGuard_atPlan: while a port-out is pending, removing
// the number fails at plan time (and so does terraform destroy); the number
// stays active; a removed block lets it go without cancelling.
func TestAccPortOutGuard_atPlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	withDID := env.ProviderConfig() + locationHCL("main", "Main") + didHCL("main", `  number = "+14155550100"`)
	locationOnly := env.ProviderConfig() + locationHCL("main", "Main")
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: withDID},
			{
				// The resource removed from the configuration: plan fails.
				PreConfig: func() {
					portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number)
				},
				Config:      locationOnly,
				PlanOnly:    true,
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				// So does a replace, which would cancel the number too.
				Config:      env.ProviderConfig() + locationHCL("main", "Main") + didHCL("main", `  number = "+14155550101"`),
				PlanOnly:    true,
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				// terraform destroy fails the same way.
				Config:      withDID,
				Destroy:     true,
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				// Kept in the configuration, the number refreshes as pending.
				Config: withDID,
				ConfigStateChecks: []statecheck.StateCheck{
					expectDID("port_out_pending", knownvalue.Bool(true)),
					expectDID("status", knownvalue.StringExact(sipstation.StatusPortOutPending)),
					expectDID("port_out", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"status":       knownvalue.StringExact("pending"),
						"carrier_name": knownvalue.StringExact(gainingCarrier),
						"foc_date":     knownvalue.StringExact(testFOCDate),
						"completed_at": knownvalue.Null(),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					checkBilledAt(t, env, number, sipstation.StatusPortOutPending),
					checkNoForcedCancels(t, env),
				),
			},
			{
				// A removed block stops managing it without cancelling.
				Config: locationOnly + removedHCL(didAddr),
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						if _, ok := s.RootModule().Resources[didAddr]; ok {
							return fmt.Errorf("%s is still in state", didAddr)
						}
						return nil
					},
					checkBilledAt(t, env, number, sipstation.StatusPortOutPending),
					checkNoForcedCancels(t, env),
				),
			},
			{
				// Clean up: the port completes and the number is cancelled
				// outside Terraform, so the location can close.
				PreConfig: func() {
					env.CompletePortOut(t, portOut.ID)
					env.CancelNumber(t, number)
				},
				Config: locationOnly,
			},
		},
	})
}

// TestAccPortOutGuard_destroyAllWithOnePending: terraform destroy of a
// configuration where one number's port is pending fails at plan, naming
// that number only. Terraform applies nothing of a failed plan, so the other
// number and the location stay too.
func TestAccPortOutGuard_destroyAllWithOnePending(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const pending, other = "+14155550100", "+14155550101"
	config := env.ProviderConfig() + locationHCL("main", "Main") +
		namedDIDHCL("pending", pending) + namedDIDHCL("other", other)
	rec := &diagRecorder{}
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             resource.ComposeTestCheckFunc(checkCancelled(t, env, pending), checkCancelled(t, env, other)),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, pending)
					rec.reset()
				},
				Config:      config,
				Destroy:     true,
				ExpectError: pendingError(pending, "sipstation_did"),
			},
			{
				PreConfig: func() {
					found := rec.find("plan", portOutPendingSummary)
					if len(found) != 1 || !strings.Contains(found[0].Detail, pending) || strings.Contains(found[0].Detail, other) {
						t.Fatalf("the destroy plan's port-out errors: %+v; want one, naming %s only", found, pending)
					}
					if n := rec.count("apply"); n != 0 {
						t.Fatalf("the failed destroy plan was applied: %d resource changes", n)
					}
					mustCheck(t, checkAllBilled(t, env, sipstation.StatusActive, other))
					mustCheck(t, checkAllBilled(t, env, sipstation.StatusPortOutPending, pending))
				},
				// Everything is still in state: refreshing changes nothing.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: cancelledOnce(t, env, 0),
			},
			{
				// The port completes: destroy now cancels both (CheckDestroy).
				PreConfig: func() { env.CompletePortOut(t, portOut.ID) },
				Config:    config,
			},
		},
	})
}

// portOutProxy stands between the provider and the emulator and, when armed,
// files a port-out of a number just before forwarding the DELETE that would
// cancel it: a port requested between the provider's check and its cancel,
// which no fault of the emulator's can stand for.
type portOutProxy struct {
	t      *testing.T
	mu     sync.Mutex
	number string // armed for this number; "" when disarmed
	filed  []sipstation.PortOut
}

func newPortOutProxy(t *testing.T, env *acctest.Env) (*portOutProxy, string) {
	p := &portOutProxy{t: t}
	endpoint := env.Proxy(t, func(r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if r.Method == http.MethodDelete && p.number != "" && strings.HasSuffix(r.URL.Path, "/v1/numbers/"+p.number) {
			p.filed = append(p.filed, env.RequestPortOut(t, gainingCarrier, testFOCDate, p.number))
			p.number = ""
		}
	}, nil)
	return p, endpoint
}

func (p *portOutProxy) arm(number string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.number = number
}

func (p *portOutProxy) lastPortOut() sipstation.PortOut {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.filed) == 0 {
		p.t.Fatal("the proxy filed no port-out")
	}
	return p.filed[len(p.filed)-1]
}

// TestAccPortOutGuard_atApply: state is stale at apply time, so
// Delete asks again. A port filed after the plan stops the cancel (found by
// the check before the DELETE); a port filed between that check and the
// DELETE is refused by SIPStation with a 409, which gives the same error.
// Nothing is cancelled; the number stays in state; no force, ever. Once the
// port completes, removing the number cancels it.
func TestAccPortOutGuard_atApply(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	proxy, endpoint := newPortOutProxy(t, env)
	provider := env.ProviderConfig(acctest.Set("endpoint", endpoint))
	withDID := provider + locationHCL("main", "Main") + didHCL("main", `  number = "+14155550100"`)
	locationOnly := provider + locationHCL("main", "Main")

	rec := &diagRecorder{}
	var portOut sipstation.PortOut
	var fileOnApply sync.Once
	armed := false
	rec.beforeApply = func(req *tfprotov6.ApplyResourceChangeRequest) {
		if armed && req.TypeName == "sipstation_did" {
			fileOnApply.Do(func() { portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number) })
		}
	}
	stillInState := func(s *terraform.State) error {
		if _, ok := s.RootModule().Resources[didAddr]; !ok {
			return fmt.Errorf("%s left state", didAddr)
		}
		return nil
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: withDID},
			{
				// Planned with no port-out; the port is filed before the apply.
				PreConfig:   func() { armed = true; rec.reset() },
				Config:      locationOnly,
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				// Refused by the apply, not the plan; the number is untouched
				// and still in state.
				PreConfig: func() {
					armed = false
					if err := rec.requireError("apply", "Number Has a Pending Port-Out: Not Cancelled", number); err != nil {
						t.Fatal(err)
					}
					if err := checkBilledAt(t, env, number, sipstation.StatusPortOutPending)(nil); err != nil {
						t.Fatal(err)
					}
					// The carrier withdraws; the number is active again.
					env.RejectPortOut(t, portOut.ID)
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true, // the configuration still drops the number
				Check:              resource.ComposeTestCheckFunc(stillInState, checkNoForcedCancels(t, env)),
			},
			{
				// Now a port is filed between the provider's check and its DELETE.
				PreConfig:   func() { proxy.arm(number); rec.reset() },
				Config:      locationOnly,
				ExpectError: pendingError(number, "sipstation_did", "409 port_out_pending"),
			},
			{
				// Refused by SIPStation at apply; kept in the configuration
				// meanwhile, the number refreshes as pending.
				PreConfig: func() {
					if err := rec.requireError("apply", "Number Has a Pending Port-Out: Not Cancelled", number, "409 port_out_pending"); err != nil {
						t.Fatal(err)
					}
				},
				Config: withDID,
				Check: resource.ComposeTestCheckFunc(
					stillInState,
					checkBilledAt(t, env, number, sipstation.StatusPortOutPending),
					checkNoForcedCancels(t, env),
				),
			},
			{
				// The port completes: removing the number cancels it.
				PreConfig: func() { env.CompletePortOut(t, proxy.lastPortOut().ID) },
				Config:    locationOnly,
				Check:     checkCancelled(t, env, number),
			},
		},
	})
}

// TestAccPortOutGuard_move: moving a number to another location while
// its port is pending fails at plan (SIPStation would refuse it with a 409);
// the number stays where it was, pending, billed, and in state at its old
// location.
func TestAccPortOutGuard_move(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	locations := env.ProviderConfig() + locationHCL("main", "Main") + locationHCL("branch", "Branch")
	var mainID string
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{
				Config: locations + didHCL("main", `  number = "`+number+`"`),
				Check: func(s *terraform.State) (err error) {
					mainID, err = locationID(s, "sipstation_location.main")
					return err
				},
			},
			{
				PreConfig: func() { portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number) },
				Config:    locations + didHCL("branch", `  number = "`+number+`"`),
				// Refused at plan time, naming the port.
				PlanOnly:    true,
				ExpectError: expectDiag("Number Has a Pending Port-Out: Not Moved", number, gainingCarrier, "FOC date "+testFOCDate, "location_id"),
			},
			{
				Config: locations + didHCL("main", `  number = "`+number+`"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkAllBilled(t, env, sipstation.StatusPortOutPending, number),
					func(*terraform.State) error {
						if n, _ := apiNumber(t, env, number); n.LocationID != mainID {
							return fmt.Errorf("%s moved to %s despite the refusal, want %s", number, n.LocationID, mainID)
						}
						return nil
					},
					cancelledOnce(t, env, 0),
				),
			},
			{
				PreConfig: func() { env.CompletePortOut(t, portOut.ID) },
				Config:    locations + didHCL("main", `  number = "`+number+`"`),
			},
		},
	})
}

// TestAccPortOutGuard_closeLocation: a location holding a number
// (here ordered outside Terraform) whose port is pending is not closed; the
// error lists the number with its port and says to wait for the port (not to
// cancel or move the number, which SIPStation refuses while it is pending);
// the number stays untouched.
func TestAccPortOutGuard_closeLocation(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550142"
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + locationHCL("main", "Main"),
				Check: func(s *terraform.State) error {
					id, err := locationID(s, "sipstation_location.main")
					if err != nil {
						return err
					}
					env.OrderNumber(t, id, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: number})
					portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number)
					return nil
				},
			},
			{
				Config: env.ProviderConfig(),
				ExpectError: expectDiag("Location Still Has Billed Numbers", number+" (local, port_out_pending, 1.50 a month)",
					gainingCarrier, "FOC date "+testFOCDate),
			},
			{
				PreConfig: func() {
					mustCheck(t, checkAllBilled(t, env, sipstation.StatusPortOutPending, number))
					mustCheck(t, cancelledOnce(t, env, 0))
					// The port completes and the number is cancelled outside
					// Terraform: the location can close.
					env.CompletePortOut(t, portOut.ID)
					env.CancelNumber(t, number)
				},
				Config: env.ProviderConfig(),
			},
		},
	})
}

// TestAccPortOutGuard_completedStillBilled: a number ported out and still billed warns on
// every plan that keeps it; removing it then cancels it and billing stops.
func TestAccPortOutGuard_completedStillBilled(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	withDID := env.ProviderConfig() + locationHCL("main", "Main") + didHCL("main", `  number = "+14155550100"`)
	rec := &diagRecorder{}
	const billed = "Ported-Out Number Still Billed"
	var portDate string // the day the port completed
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             checkNoForcedCancels(t, env),
		Steps: []resource.TestStep{
			{Config: withDID},
			{
				PreConfig: func() {
					po := env.RequestPortOut(t, gainingCarrier, testFOCDate, number)
					env.CompletePortOut(t, po.ID)
					n, _ := apiNumber(t, env, number)
					if n.PortOut == nil || n.PortOut.CompletedAt == nil {
						t.Fatalf("%s after its port completed: %+v", number, n)
					}
					portDate = n.PortOut.CompletedAt.UTC().Format(time.DateOnly)
					rec.reset()
				},
				Config: withDID,
				ConfigStateChecks: []statecheck.StateCheck{
					expectDID("status", knownvalue.StringExact(sipstation.StatusPortedOut)),
					expectDID("billing_active", knownvalue.Bool(true)),
					expectDID("port_out_pending", knownvalue.Bool(false)),
					expectDID("port_out", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"status":       knownvalue.StringExact("completed"),
						"carrier_name": knownvalue.StringExact(gainingCarrier),
						"completed_at": knownvalue.NotNull(),
					})),
					// Held under 90 days.
					expectDID("early_port_out_fee", knownvalue.StringExact("25.00")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkBilledAt(t, env, number, sipstation.StatusPortedOut),
					func(*terraform.State) error {
						return rec.requireWarning("plan", billed, number, gainingCarrier, "on "+portDate,
							"1.50 USD a month", "Remove this resource from your configuration", "stops the billing")
					},
					// Once per number: no plan warned twice.
					func(*terraform.State) error { return rec.requireOnePerCall("plan", billed) },
				),
			},
			{
				// Removed from the configuration: cancelled without a fight,
				// and the destroy plan does not warn.
				PreConfig: rec.reset,
				Config:    env.ProviderConfig() + locationHCL("main", "Main"),
				Check: resource.ComposeTestCheckFunc(
					checkCancelled(t, env, number),
					func(*terraform.State) error {
						if w := rec.find("plan", billed); len(w) != 0 {
							return fmt.Errorf("the destroy plan warned: %+v", w)
						}
						return nil
					},
					checkBillingStopped(t, env, "sipstation_location.main", number),
				),
			},
		},
	})
}

// TestAccPortOutGuard_tollFree: the guard on a toll-free number moving to a new
// RespOrg: removing it fails at plan while the port is pending; once the port
// completes, plans warn it is still billed and removing it cancels it.
func TestAccPortOutGuard_tollFree(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+18885550100"
	rec := &diagRecorder{}
	withNumber := env.ProviderConfig() + locationHCL("main", "Main") + tollFreeHCL("main", `  number = "+18885550100"`)
	locationOnly := env.ProviderConfig() + locationHCL("main", "Main")
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             checkNoForcedCancels(t, env),
		Steps: []resource.TestStep{
			{Config: withNumber},
			{
				PreConfig:   func() { portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number) },
				Config:      locationOnly,
				ExpectError: pendingError(number, "sipstation_toll_free_number"),
			},
			{
				PreConfig: func() {
					if err := checkBilledAt(t, env, number, sipstation.StatusPortOutPending)(nil); err != nil {
						t.Fatal(err)
					}
					env.CompletePortOut(t, portOut.ID)
					rec.reset()
				},
				Config: withNumber,
				ConfigStateChecks: []statecheck.StateCheck{
					expectTollFree("status", knownvalue.StringExact(sipstation.StatusPortedOut)),
					expectTollFree("billing_active", knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					return rec.requireWarning("plan", "Ported-Out Number Still Billed", number, gainingCarrier, "2.00 USD a month")
				},
			},
			{
				// Removed: cancelled without a fight, and billing stops.
				Config: locationOnly,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tollFreeAddr, plancheck.ResourceActionDestroy)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkCancelled(t, env, number),
					checkBillingStopped(t, env, "sipstation_location.main", number),
				),
			},
		},
	})
}
