package provider

// Plans that do not see the account as it is at apply: a saved plan applied
// after numbers were cancelled outside Terraform, and -refresh=false.

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// TestAccSavedPlan_cancelledBeforeApply: numbers cancelled outside
// Terraform between the plan of a change and its apply (a saved plan
// applied later) fail the apply saying so, not as a refused setting or an
// unknown location; neither the change nor the move orders or cancels
// anything, and the next plan drops the numbers from state.
func TestAccSavedPlan_cancelledBeforeApply(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const changed, moved = "+14155550100", "+14155550101"
	config := func(desc, loc string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + locationHCL("branch", "Branch") +
			didHCL("main", fmt.Sprintf("  number      = %q\n  description = %q", changed, desc)) +
			numberBlock("sipstation_did", "moved", "sipstation_location."+loc+".id", fmt.Sprintf("  number = %q", moved))
	}
	rec := &diagRecorder{}
	var cancelOnce sync.Once
	armed := false
	rec.beforeApply = func(req *tfprotov6.ApplyResourceChangeRequest) {
		if armed && req.TypeName == "sipstation_did" {
			cancelOnce.Do(func() {
				for _, n := range []string{changed, moved} {
					if code := env.Do(t, http.MethodDelete, "/v1/numbers/"+url.PathEscape(n), nil, nil); code != http.StatusOK {
						t.Errorf("cancel %s outside Terraform: status %d", n, code)
					}
				}
			})
		}
	}
	const summary = "Number No Longer in This Account"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{Config: config("Reception", "main"), Check: checkInventory(t, env, changed, moved)},
			{
				PreConfig:   func() { armed = true; rec.reset() },
				Config:      config("Front desk", "branch"),
				ExpectError: expectDiag(summary),
			},
			{
				PreConfig: func() {
					mustCheck(t, checkInventory(t, env))
					named := map[string]bool{}
					for _, d := range rec.find("apply", summary) {
						if d.Severity != "error" || !strings.Contains(d.Detail, "outside Terraform") ||
							!strings.Contains(d.Detail, "Nothing was changed, cancelled or ordered") {
							t.Fatalf("%s: %s %s", summary, d.Severity, d.Detail)
						}
						for _, n := range []string{changed, moved} {
							named[n] = named[n] || strings.Contains(d.Detail, n)
						}
					}
					if !named[changed] || !named[moved] {
						t.Fatalf("the apply errors %q name %v, want both numbers; recorded: %+v", summary, named, rec.all())
					}
				},
				Config:             config("Front desk", "branch"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(didAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("sipstation_did.moved", plancheck.ResourceActionCreate),
					},
				},
			},
			{
				Config: env.ProviderConfig() + locationHCL("main", "Main") + locationHCL("branch", "Branch"),
				Check:  checkInventory(t, env),
			},
		},
	})
}

// TestAccSavedPlan_portOutWithoutRefresh: with -refresh=false the state says
// nothing of the port-out, and the plan still fails, because the destroy plan
// asks the API.
func TestAccSavedPlan_portOutWithoutRefresh(t *testing.T) {
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
