package provider

// Adversarial tests: every path a user can take that might make Terraform
// cancel a number it should not. Each proves, against the emulator, that the
// number is either kept (active and billed) or cancelled exactly once when
// the configuration really asks for it, and never with force. The paths
// already covered elsewhere (a plain destroy or replace during a port-out,
// -refresh=false, a port filed after the plan, a tainted replace) are in
// guard_acc_test.go.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// namedDIDHCL is sipstation_did.<name> holding number in location main.
func namedDIDHCL(name, number string) string {
	return fmt.Sprintf(`
resource "sipstation_did" %q {
  location_id = sipstation_location.main.id
  number      = %q
}
`, name, number)
}

// alreadyHeldError is the create-plan error for a number the account holds.
func alreadyHeldError(number string) *regexp.Regexp {
	return regexp.MustCompile(`Number Already in This Account[\s\S]*` + regexp.QuoteMeta(number))
}

// checkAllBilled is a check that the API holds every number, with the status
// given, billed, and that nothing was ever cancelled with force.
func checkAllBilled(t *testing.T, env *acctest.Env, status string, numbers ...string) resource.TestCheckFunc {
	checks := []resource.TestCheckFunc{checkNoForcedCancels(t, env)}
	for _, n := range numbers {
		checks = append(checks, checkBilledAt(t, env, n, status))
	}
	return resource.ComposeTestCheckFunc(checks...)
}

// noDeleteCheck fails when the plan deletes the resource at address, whatever
// else it does with it (plancheck has no action for "forget").
type noDeleteCheck struct{ address string }

func expectNoDelete(address string) plancheck.PlanCheck { return noDeleteCheck{address} }

func (c noDeleteCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address == c.address && rc.Change != nil && (rc.Change.Actions.Delete() || rc.Change.Actions.Replace()) {
			resp.Error = fmt.Errorf("%s is planned for %v, want it kept at SIPStation", c.address, rc.Change.Actions)
		}
	}
}

// mustCheck runs a check outside a step (in PreConfig), failing the test.
func mustCheck(t *testing.T, check resource.TestCheckFunc) {
	t.Helper()
	if err := check(nil); err != nil {
		t.Fatal(err)
	}
}

// cancelledOnce is a check that the emulator answered exactly one DELETE of
// a number with 200: the cancels that happened, counted across the test.
func cancelledOnce(t *testing.T, env *acctest.Env, want int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m := env.Metrics(t)
		if got := m.Routes["DELETE /v1/numbers/{number}"].Statuses["200"]; got != want {
			return fmt.Errorf("the emulator cancelled %d numbers, want %d: %+v", got, want, m.Routes["DELETE /v1/numbers/{number}"])
		}
		if m.ForcedCancellations != 0 {
			return fmt.Errorf("%d forced cancellations", m.ForcedCancellations)
		}
		return nil
	}
}

// TestAccSafety_renameWithoutMoved: renaming a resource without a moved block
// plans destroy + create of the same number. The create half fails the plan
// (the account already holds the number), so the destroy half never runs;
// with a pending port the destroy half fails too. A moved block is a no-op.
func TestAccSafety_renameWithoutMoved(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	base := env.ProviderConfig() + locationHCL("main", "Main")
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: base + namedDIDHCL("a", number)},
			{
				Config:      base + namedDIDHCL("b", number),
				ExpectError: alreadyHeldError(number),
			},
			{
				PreConfig: func() {
					mustCheck(t, checkAllBilled(t, env, sipstation.StatusActive, number))
					portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number)
				},
				Config:      base + namedDIDHCL("b", number),
				ExpectError: regexp.MustCompile(pendingError(number, "sipstation_did").String() + `|` + alreadyHeldError(number).String()),
			},
			{
				// With a moved block the rename changes nothing at SIPStation.
				PreConfig: func() { mustCheck(t, checkAllBilled(t, env, sipstation.StatusPortOutPending, number)) },
				Config:    base + namedDIDHCL("b", number) + "\nmoved {\n  from = sipstation_did.a\n  to   = sipstation_did.b\n}\n",
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("sipstation_did.b", plancheck.ResourceActionNoop)},
				},
				Check: checkAllBilled(t, env, sipstation.StatusPortOutPending, number),
			},
			{
				// The port completes; removing the number now cancels it.
				PreConfig: func() { env.CompletePortOut(t, portOut.ID) },
				Config:    base,
				Check:     resource.ComposeTestCheckFunc(checkCancelled(t, env, number), cancelledOnce(t, env, 1)),
			},
		},
	})
}

// TestAccSafety_keyAndIndexShift: renaming a for_each key, or dropping the
// first element of a count list, plans destroy + create (or replace) of
// numbers the configuration still wants. The create halves fail the plan, so
// nothing is cancelled; moved blocks make the same change a no-op.
func TestAccSafety_keyAndIndexShift(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const n0, n1 = "+14155550100", "+14155550101"
	base := env.ProviderConfig() + locationHCL("main", "Main")
	forEach := func(m string) string {
		return base + fmt.Sprintf(`
resource "sipstation_did" "each" {
  for_each    = %s
  location_id = sipstation_location.main.id
  number      = each.value
}
`, m)
	}
	count := func(list string) string {
		return base + fmt.Sprintf(`
locals {
  numbers = %s
}
resource "sipstation_did" "list" {
  count       = length(local.numbers)
  location_id = sipstation_location.main.id
  number      = local.numbers[count.index]
}
`, list)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkCancelled(t, env, n0), checkCancelled(t, env, n1)),
		Steps: []resource.TestStep{
			{Config: forEach(`{ reception = "` + n0 + `", sales = "` + n1 + `" }`)},
			{
				// A key renamed: destroy each["reception"], create each["front"].
				Config:      forEach(`{ front = "` + n0 + `", sales = "` + n1 + `" }`),
				ExpectError: alreadyHeldError(n0),
			},
			{
				// for_each to count with moved blocks: nothing changes.
				PreConfig: func() { mustCheck(t, checkAllBilled(t, env, sipstation.StatusActive, n0, n1)) },
				Config: count(`["`+n0+`", "`+n1+`"]`) +
					"\nmoved {\n  from = sipstation_did.each[\"reception\"]\n  to   = sipstation_did.list[0]\n}\n" +
					"\nmoved {\n  from = sipstation_did.each[\"sales\"]\n  to   = sipstation_did.list[1]\n}\n",
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("sipstation_did.list[0]", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("sipstation_did.list[1]", plancheck.ResourceActionNoop),
					},
				},
			},
			{
				// The first element dropped: list[0] would be replaced by n1,
				// which the account holds, and list[1] (n1) destroyed.
				Config:      count(`["` + n1 + `"]`),
				ExpectError: alreadyHeldError(n1),
			},
			{
				// Nothing was cancelled; the configuration is back as it was.
				Config: count(`["` + n0 + `", "` + n1 + `"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkAllBilled(t, env, sipstation.StatusActive, n0, n1),
					cancelledOnce(t, env, 0),
				),
			},
		},
	})
}

// TestAccSafety_destroyAllWithOnePending: terraform destroy of a
// configuration where one number's port is pending fails at plan, naming
// that number only. Terraform applies nothing of a failed plan, so the other
// number and the location stay too.
func TestAccSafety_destroyAllWithOnePending(t *testing.T) {
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

// TestAccSafety_replaceTriggeredBy: replace_triggered_by (like -replace,
// which terraform-plugin-testing cannot pass) plans to cancel a configured
// number and order it again. The create half fails the plan: the number is
// held, or, while its port is pending, with the port-out error.
func TestAccSafety_replaceTriggeredBy(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	config := func(trigger string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + fmt.Sprintf(`
resource "terraform_data" "trigger" {
  input = %q
}
resource "sipstation_did" "main" {
  location_id = sipstation_location.main.id
  number      = %q
  lifecycle {
    replace_triggered_by = [terraform_data.trigger]
  }
}
`, trigger, number)
	}
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: config("one")},
			{
				Config:      config("two"),
				ExpectError: regexp.MustCompile(`Refusing to Replace Number[\s\S]*` + regexp.QuoteMeta(number) + `[\s\S]*replace_triggered_by[\s\S]*Nothing\s+was\s+cancelled\s+or\s+ordered`),
			},
			{
				PreConfig: func() {
					mustCheck(t, checkAllBilled(t, env, sipstation.StatusActive, number))
					portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number)
				},
				Config:      config("two"),
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				// Back to the first trigger: no replace, the number is kept.
				PreConfig: func() { mustCheck(t, checkAllBilled(t, env, sipstation.StatusPortOutPending, number)) },
				Config:    config("one"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionNoop)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkAllBilled(t, env, sipstation.StatusPortOutPending, number),
					cancelledOnce(t, env, 0),
				),
			},
			{
				PreConfig: func() { env.CompletePortOut(t, portOut.ID) },
				Config:    config("one"),
			},
		},
	})
}

// TestAccSafety_moveWhilePending: moving a number to another location while
// its port is pending fails at plan (SIPStation would refuse it with a 409);
// the number stays where it was, pending, billed, and in state at its old
// location.
func TestAccSafety_moveWhilePending(t *testing.T) {
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
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`Number Has a Pending Port-Out: Not Moved[\s\S]*` + regexp.QuoteMeta(number) +
					`[\s\S]*` + gainingCarrier + `\s+\(FOC\s+date\s+` + testFOCDate + `\)[\s\S]*moves\s+no\s+number[\s\S]*Keep\s+location_id`),
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

// TestAccSafety_moveToAnotherAccount: a location_id of another account's
// location is not found (404): nothing moves, nothing is cancelled. (The
// other account's location is made through the API: an aliased provider
// block would share the one in-process provider server, and so its client,
// with the default one.)
func TestAccSafety_moveToAnotherAccount(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	other := *env
	other.APIKey = env.CreateAccount(t, t.Name()+" other")
	var foreign sipstation.Location
	create := sipstation.LocationCreate{
		Name: "Other account", OrganizationName: "Someone Else LLC", Email: "it@example.net",
		ServiceAddress: sipstation.Address{Street1: "2 Market St", City: "San Francisco", State: "CA", Zip: "94105"},
	}
	if code := other.Do(t, http.MethodPost, "/v1/locations", create, &foreign); code != http.StatusCreated {
		t.Fatalf("create another account's location: status %d", code)
	}
	config := env.ProviderConfig() + locationHCL("main", "Main")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: config + didHCL("main", `  number = "`+number+`"`)},
			{
				Config: config + fmt.Sprintf("\nresource \"sipstation_did\" \"main\" {\n  location_id = %q\n  number      = %q\n}\n", foreign.ID, number),
				ExpectError: regexp.MustCompile(`Cannot Update Number[\s\S]*` + regexp.QuoteMeta(number) +
					`[\s\S]*nothing\s+was\s+cancelled[\s\S]*Check\s+location_id:\s+this\s+account\s+has\s+no\s+location\s+` +
					regexp.QuoteMeta(foreign.ID) + `[\s\S]*404\s+not_found`),
			},
			{
				Config: config + didHCL("main", `  number = "`+number+`"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkAllBilled(t, env, sipstation.StatusActive, number),
					cancelledOnce(t, env, 0),
				),
			},
		},
	})
}

// TestAccSafety_closeLocationWithPendingNumber: a location holding a number
// (here ordered outside Terraform) whose port is pending is not closed; the
// error lists the number with its port and says to wait for the port (not to
// cancel or move the number, which SIPStation refuses while it is pending);
// the number stays untouched.
func TestAccSafety_closeLocationWithPendingNumber(t *testing.T) {
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
					order := sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: number}
					if code := env.Do(t, http.MethodPost, "/v1/locations/"+url.PathEscape(id)+"/numbers", order, nil); code != http.StatusCreated {
						return fmt.Errorf("order %s outside Terraform: status %d", number, code)
					}
					portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number)
					return nil
				},
			},
			{
				Config: env.ProviderConfig(),
				ExpectError: regexp.MustCompile(`Location Still Has Billed Numbers[\s\S]*` + regexp.QuoteMeta(number) +
					`\s+\(local,\s+port_out_pending,\s+1\.50\s+a\s+month\):\s+being\s+ported\s+out\s+to\s+` + gainingCarrier +
					`\s+\(FOC\s+date\s+` + testFOCDate + `\)[\s\S]*neither\s+cancels\s+nor\s+moves[\s\S]*Wait\s+until\s+the\s+port\s+completes`),
			},
			{
				PreConfig: func() {
					mustCheck(t, checkAllBilled(t, env, sipstation.StatusPortOutPending, number))
					mustCheck(t, cancelledOnce(t, env, 0))
					// The port completes and the number is cancelled outside
					// Terraform: the location can close.
					env.CompletePortOut(t, portOut.ID)
					if code := env.Do(t, http.MethodDelete, "/v1/numbers/"+url.PathEscape(number), nil, nil); code != http.StatusOK {
						t.Fatalf("cancel %s after its port: status %d", number, code)
					}
				},
				Config: env.ProviderConfig(),
			},
		},
	})
}

// TestAccSafety_importThenRemoved: a number ordered outside Terraform,
// imported with an import block, then dropped with a removed block
// (destroy = false), the escape hatch the port-out error recommends: state
// forgets it, the number stays active and billed.
func TestAccSafety_importThenRemoved(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const number = "+14155550142"
	base := env.ProviderConfig() + locationHCL("main", "Main")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoForcedCancels(t, env),
		Steps: []resource.TestStep{
			{
				Config: base,
				Check: func(s *terraform.State) error {
					id, err := locationID(s, "sipstation_location.main")
					if err != nil {
						return err
					}
					order := sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: number}
					if code := env.Do(t, http.MethodPost, "/v1/locations/"+url.PathEscape(id)+"/numbers", order, nil); code != http.StatusCreated {
						return fmt.Errorf("order %s outside Terraform: status %d", number, code)
					}
					return nil
				},
			},
			{
				Config: base + didHCL("main", `  number = "`+number+`"`) +
					"\nimport {\n  to = " + didAddr + "\n  id = \"(415) 555-0142\"\n}\n",
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionNoop)},
				},
			},
			{
				Config: base + removedHCL(didAddr),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectNoDelete(didAddr)},
				},
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						if _, ok := s.RootModule().Resources[didAddr]; ok {
							return fmt.Errorf("%s is still in state", didAddr)
						}
						return nil
					},
					checkAllBilled(t, env, sipstation.StatusActive, number),
					cancelledOnce(t, env, 0),
				),
			},
			{
				// The location cannot close while the kept number is there:
				// cancel it outside Terraform first, so the test can clean up.
				PreConfig: func() {
					if code := env.Do(t, http.MethodDelete, "/v1/numbers/"+url.PathEscape(number), nil, nil); code != http.StatusOK {
						t.Fatalf("cancel %s outside Terraform: status %d", number, code)
					}
				},
				Config: base,
			},
		},
	})
}

// TestAccSafety_wrongKeyDuringDestroy: with a refused API key, removing a
// number or terraform destroy is one provider-level error and cancels
// nothing. With another account's valid key the number is invisible: it
// leaves state with a warning and is not cancelled either.
func TestAccSafety_wrongKeyDuringDestroy(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	provider := func(key string) string {
		return fmt.Sprintf("provider \"sipstation\" {\n  endpoint = %q\n  api_key  = %q\n}\n", env.Endpoint, key)
	}
	otherKey := env.CreateAccount(t, t.Name()+" other")
	withDID := locationHCL("main", "Main") + didHCL("main", `  number = "`+number+`"`)
	refused := regexp.MustCompile(`SIPStation Refused the API Key`)
	rec := &diagRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig() + withDID},
			{
				PreConfig:   rec.reset,
				Config:      provider("not-the-key") + locationHCL("main", "Main"),
				ExpectError: refused,
			},
			{
				Config:      provider("not-the-key") + withDID,
				Destroy:     true,
				ExpectError: refused,
			},
			{
				PreConfig: func() {
					mustCheck(t, checkAllBilled(t, env, sipstation.StatusActive, number))
					// Each refused configuration is one error, and no
					// resource was planned or changed.
					for _, d := range rec.all() {
						if d.Severity == "error" && d.Summary != "SIPStation Refused the API Key" {
							t.Fatalf("unexpected error %q: %s", d.Summary, d.Detail)
						}
					}
					if n := rec.count("plan") + rec.count("apply"); n != 0 {
						t.Fatalf("%d resource plans or applies despite the refused key", n)
					}
				},
				// Another account's key: the number and the location are not
				// found, so the plan would forget them and create the location
				// anew. Nothing is destroyed.
				Config:             provider(otherKey) + locationHCL("main", "Main"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						expectNoDelete(didAddr),
						plancheck.ExpectResourceAction("sipstation_location.main", plancheck.ResourceActionCreate),
					},
				},
			},
			{
				// The right key again: nothing was lost, nothing changes.
				Config: env.ProviderConfig() + withDID,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkAllBilled(t, env, sipstation.StatusActive, number),
					cancelledOnce(t, env, 0),
				),
			},
		},
	})
}

// deleteFaultProxy stands between the provider and the emulator and spoils
// the DELETEs of numbers: it answers the next `fail` of them itself with a
// 503 (Retry-After: 1), never reaching the emulator, or, when `drop` is set,
// forwards the next one and then cuts the connection before the answer.
type deleteFaultProxy struct {
	mu      sync.Mutex
	fail    int // DELETEs still to answer 503; negative: all of them
	drop    bool
	refused int // DELETEs answered 503 so far
}

func newDeleteFaultProxy(t *testing.T, env *acctest.Env) (*deleteFaultProxy, string) {
	target, err := url.Parse(env.Endpoint)
	if err != nil {
		t.Fatalf("parse endpoint: %v", err)
	}
	p := &deleteFaultProxy{}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete || !strings.HasPrefix(r.URL.Path, "/v1/numbers/") {
			rp.ServeHTTP(w, r)
			return
		}
		p.mu.Lock()
		fail, drop := p.fail != 0, p.drop
		if fail {
			p.fail--
			p.refused++
		}
		p.drop = false
		p.mu.Unlock()
		switch {
		case fail:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(sipstation.ErrorBody{Errors: []sipstation.ErrorObject{{
				Code: sipstation.CodeTemporarilyUnavailable, Title: "Service Unavailable", Detail: "test proxy: try again",
			}}})
		case drop:
			// The emulator cancels the number; the answer never arrives.
			rec := httptest.NewRecorder()
			rp.ServeHTTP(rec, r)
			panic(http.ErrAbortHandler)
		default:
			rp.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return p, srv.URL
}

func (p *deleteFaultProxy) set(fail int, drop bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fail, p.drop, p.refused = fail, drop, 0
}

func (p *deleteFaultProxy) refusedCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused
}

// TestAccSafety_faultsDuringDelete: a cancel that keeps failing with 503 is
// retried, then reported with the number still active, billed and in state;
// one that fails twice and then succeeds cancels once; one whose answer is
// lost after SIPStation cancelled is retried, finds the number gone (404)
// and counts it cancelled. Never a force.
func TestAccSafety_faultsDuringDelete(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const n0, n1 = "+14155550100", "+14155550101"
	proxy, endpoint := newDeleteFaultProxy(t, env)
	base := fmt.Sprintf("provider \"sipstation\" {\n  endpoint    = %q\n  api_key     = %q\n  max_retries = 2\n}\n",
		endpoint, env.APIKey) + locationHCL("main", "Main")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkCancelled(t, env, n0), checkCancelled(t, env, n1)),
		Steps: []resource.TestStep{
			{Config: base + didHCL("main", `  number = "`+n0+`"`)},
			{
				PreConfig: func() { proxy.set(-1, false) },
				Config:    base,
				ExpectError: regexp.MustCompile(`Cannot Cancel Number[\s\S]*` + regexp.QuoteMeta(n0) +
					`[\s\S]*still\s+active\s+and\s+billed[\s\S]*stays\s+in\s+state[\s\S]*gave\s+up\s+after\s+3\s+attempts`),
			},
			{
				PreConfig: func() {
					if n := proxy.refusedCount(); n != 3 {
						t.Fatalf("the provider sent %d DELETEs, want 3 (1 + max_retries 2)", n)
					}
					mustCheck(t, checkAllBilled(t, env, sipstation.StatusActive, n0))
					mustCheck(t, cancelledOnce(t, env, 0))
					proxy.set(0, false)
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
				PreConfig: func() { proxy.set(2, false) },
				Config:    base,
				Check:     resource.ComposeTestCheckFunc(checkCancelled(t, env, n0), cancelledOnce(t, env, 1)),
			},
			{Config: base + didHCL("main", `  number = "`+n1+`"`)},
			{
				PreConfig: func() { proxy.set(0, true) },
				Config:    base,
				Check:     resource.ComposeTestCheckFunc(checkCancelled(t, env, n1), cancelledOnce(t, env, 2)),
			},
		},
	})
}

// TestAccSafety_replaceByAreaCodeWhilePending: a number ordered by area code
// carries no number in its configuration, so the create half of a
// replace_triggered_by (or -replace) cannot tell that it replaces a held
// number. The plan still fails while the port is pending (the replace is
// guarded like a destroy), even with create_before_destroy, which would
// otherwise order a second number before the refused cancel.
func TestAccSafety_replaceByAreaCodeWhilePending(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+12125550100" // the first free number of 212
	config := func(trigger, lifecycle string) string {
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
`, trigger, lifecycle)
	}
	var portOut sipstation.PortOut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: config("one", "")},
			{
				PreConfig:   func() { portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, number) },
				Config:      config("two", ""),
				PlanOnly:    true,
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{Config: config("one", "    create_before_destroy = true")},
			{
				Config:      config("two", "    create_before_destroy = true"),
				PlanOnly:    true,
				ExpectError: pendingError(number, "sipstation_did"),
			},
			{
				Config: config("one", ""),
				Check: resource.ComposeTestCheckFunc(
					checkAllBilled(t, env, sipstation.StatusPortOutPending, number),
					cancelledOnce(t, env, 0),
					func(*terraform.State) error {
						var list struct {
							Data []sipstation.Number `json:"data"`
						}
						env.Get(t, "/v1/numbers", &list)
						if len(list.Data) != 1 {
							return fmt.Errorf("the account holds %d numbers, want only %s", len(list.Data), number)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() { env.CompletePortOut(t, portOut.ID) },
				Config:    config("one", ""),
			},
		},
	})
}
