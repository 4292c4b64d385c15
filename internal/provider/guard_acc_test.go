package provider

// Terraform-driven tests of the port-out guard (guard.go), one per way a user
// can reach it, and of the protection of numbers that failed part-way
// through their create.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

const (
	gainingCarrier = "Acme Telecom"
	testFOCDate    = "2030-01-15"
)

// pendingPlanError is what a plan that would cancel a number with a pending
// port-out fails with.
func pendingError(number, resourceType string) *regexp.Regexp {
	return regexp.MustCompile(`Number Has a Pending Port-Out: Not Cancelled[\s\S]*` + regexp.QuoteMeta(number) +
		`\s+is\s+being\s+ported\s+out[\s\S]*` + gainingCarrier + `\s+\(FOC\s+date\s+` + testFOCDate +
		`\)[\s\S]*would\s+lose\s+the\s+number\s+for\s+good[\s\S]*permanent\s+loss[\s\S]*keep\s+the\s+resource` +
		`[\s\S]*removed\s+\{\s+from\s+=\s+` + resourceType + `\.<name>\s+lifecycle\s+\{\s+destroy\s+=\s+false`)
}

// removedHCL stops managing address without destroying it.
func removedHCL(address string) string {
	return fmt.Sprintf("\nremoved {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", address)
}

// TestAccDID_portOutPendingBlocksPlan: while a port-out is pending, removing
// the number fails at plan time (and so does terraform destroy); the number
// stays active; a removed block lets it go without cancelling.
func TestAccDID_portOutPendingBlocksPlan(t *testing.T) {
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
					if code := env.Do(t, http.MethodDelete, "/v1/numbers/"+url.PathEscape(number), nil, nil); code != http.StatusOK {
						t.Fatalf("cancel %s after its port: status %d", number, code)
					}
				},
				Config: locationOnly,
			},
		},
	})
}

// portOutProxy stands between the provider and the emulator and, when armed,
// files a port-out of a number just before forwarding the DELETE that would
// cancel it: a port requested between the provider's check and its cancel.
type portOutProxy struct {
	t      *testing.T
	env    *acctest.Env
	mu     sync.Mutex
	number string // armed for this number; "" when disarmed
	filed  []sipstation.PortOut
}

func newPortOutProxy(t *testing.T, env *acctest.Env) (*portOutProxy, string) {
	target, err := url.Parse(env.Endpoint)
	if err != nil {
		t.Fatalf("parse endpoint: %v", err)
	}
	p := &portOutProxy{t: t, env: env}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		number := p.number
		if r.Method == http.MethodDelete && number != "" && strings.HasSuffix(r.URL.Path, "/v1/numbers/"+number) {
			p.filed = append(p.filed, env.RequestPortOut(t, gainingCarrier, testFOCDate, number))
			p.number = ""
		}
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return p, srv.URL
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

// TestAccDID_portOutRequestedAfterPlan: state is stale at apply time, so
// Delete asks again. A port filed after the plan stops the cancel (found by
// the check before the DELETE); a port filed between that check and the
// DELETE is refused by SIPStation with a 409, which gives the same error.
// Nothing is cancelled; the number stays in state; no force, ever. Once the
// port completes, removing the number cancels it.
func TestAccDID_portOutRequestedAfterPlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	proxy, endpoint := newPortOutProxy(t, env)
	provider := fmt.Sprintf("provider \"sipstation\" {\n  endpoint = %q\n  api_key  = %q\n}\n", endpoint, env.APIKey)
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
				PreConfig:   func() { armed = true },
				Config:      locationOnly,
				ExpectError: regexp.MustCompile(pendingError(number, "sipstation_did").String() + `[\s\S]*found\s+at\s+apply\s+time[\s\S]*Nothing\s+was\s+cancelled`),
			},
			{
				// The number is untouched and still in state.
				PreConfig: func() {
					armed = false
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
				PreConfig:   func() { proxy.arm(number) },
				Config:      locationOnly,
				ExpectError: regexp.MustCompile(pendingError(number, "sipstation_did").String() + `[\s\S]*refused\s+the\s+cancel[\s\S]*409\s+port_out_pending`),
			},
			{
				// Kept in the configuration meanwhile, it refreshes as pending.
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

// TestAccDID_portOutCompleted: a number ported out and still billed warns on
// every plan that keeps it; removing it then cancels it and billing stops.
func TestAccDID_portOutCompleted(t *testing.T) {
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

// badE911 is an E911 address SIPStation refuses (the ZIP code).
const badE911 = `
  e911_address = {
    name    = "Example Dental LLC"
    street1 = "1 Market St"
    city    = "San Francisco"
    state   = "CA"
    zip     = "ABCDE"
  }
`

// TestAccDID_createSettingsRefused: the settings go with the order, so an
// E911 address SIPStation refuses refuses the order: nothing is billed,
// nothing enters state (tainted or not), and with the address fixed the
// number is ordered once.
func TestAccDID_createSettingsRefused(t *testing.T) {
	t.Parallel()
	for name, choose := range map[string]string{"number": `  number = "+14155550100"`, "area_code": `  area_code = "212"`} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			number := map[string]string{"number": "+14155550100", "area_code": "+12125550100"}[name]
			config := env.ProviderConfig() + locationHCL("main", "Main")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkCancelled(t, env, number),
				Steps: []resource.TestStep{
					{
						Config: config + didHCL("main", choose+badE911),
						ExpectError: regexp.MustCompile(`Cannot Order Number[\s\S]*did\s+not\s+order[\s\S]*nothing\s+is\s+billed` +
							`[\s\S]*e911_address\.zip`),
					},
					{
						PreConfig: func() { mustCheck(t, checkInventory(t, env)) },
						Config:    config + didHCL("main", choose),
						Check:     resource.ComposeTestCheckFunc(checkInState(number), checkInventory(t, env, number)),
					},
				},
			})
		})
	}
}

// checkBillingStopped is a check, run right after number was cancelled, that
// the statements of the location at address stop billing it: the clock
// moves two billing periods on; the first statement still bills the number
// (for the days it was held), the newest does not. A live endpoint's clock
// cannot move, so there it checks nothing.
func checkBillingStopped(t *testing.T, env *acctest.Env, address, number string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if !env.IsEmulator() {
			return nil
		}
		id, err := locationID(s, address)
		if err != nil {
			return err
		}
		env.Advance(t, 70*24*time.Hour)
		var list struct {
			Data []sipstation.Statement `json:"data"`
		}
		if code := env.Get(t, "/v1/locations/"+url.PathEscape(id)+"/statements", &list); code != http.StatusOK {
			return fmt.Errorf("list statements: status %d", code)
		}
		if len(list.Data) < 2 {
			return fmt.Errorf("%d statements after 70 days, want at least 2", len(list.Data))
		}
		bills := func(st sipstation.Statement) bool {
			for _, li := range st.LineItems {
				if li.Number == number && (li.Kind == sipstation.LineItemDID || li.Kind == sipstation.LineItemTollFree) {
					return true
				}
			}
			return false
		}
		newest, oldest := list.Data[0], list.Data[len(list.Data)-1]
		if !bills(oldest) {
			return fmt.Errorf("the first statement (%s) does not bill %s, which was billed until the cancel: %+v", oldest.Date, number, oldest.LineItems)
		}
		if bills(newest) {
			return fmt.Errorf("the statement of %s still bills %s after its cancel: %+v", newest.Date, number, newest.LineItems)
		}
		return nil
	}
}

// TestAccDID_portOutPendingWithoutRefresh: with -refresh=false the state says
// nothing of the port-out, and the plan still fails, because the destroy plan
// asks the API.
func TestAccDID_portOutPendingWithoutRefresh(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	locationOnly := env.ProviderConfig() + locationHCL("main", "Main")
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: locationOnly + didHCL("main", `  number = "+14155550100"`)},
			{
				PreConfig:   func() { portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number) },
				Config:      locationOnly,
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				PreConfig: func() {
					if err := checkBilledAt(t, env, number, sipstation.StatusPortOutPending)(nil); err != nil {
						t.Fatal(err)
					}
					env.CompletePortOut(t, portOut.ID)
				},
				Config: locationOnly,
				Check:  checkCancelled(t, env, number),
			},
		},
	})
}
