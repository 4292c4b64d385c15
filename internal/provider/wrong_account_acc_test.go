package provider

// Another account: a refused API key, another account's valid key, another
// account's location. Nothing is cancelled or moved.

import (
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// TestAccWrongAccount_keyDuringDestroy: with a refused API key, removing a
// number or terraform destroy is one provider-level error and cancels
// nothing. With another account's valid key the number is invisible: it
// leaves state with a warning and is not cancelled either.
func TestAccWrongAccount_keyDuringDestroy(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	refusedKey := env.ProviderConfig(acctest.Set("api_key", "not-the-key"))
	other := env.OtherAccount(t, t.Name()+" other", "")
	withDID := locationHCL("main", "Main") + didHCL("main", `  number = "`+number+`"`)
	refused := expectDiag("SIPStation Refused the API Key")
	rec := &diagRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig() + withDID},
			{
				PreConfig:   rec.reset,
				Config:      refusedKey + locationHCL("main", "Main"),
				ExpectError: refused,
			},
			{
				Config:      refusedKey + withDID,
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
				Config:             other.ProviderConfig() + locationHCL("main", "Main"),
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

// TestAccWrongAccount_location: a location_id of another account's
// location is not found (404): nothing moves, nothing is cancelled. (The
// other account's location is made through the API: an aliased provider
// block would share the one in-process provider server, and so its client,
// with the default one.)
func TestAccWrongAccount_location(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+14155550100"
	foreign := env.OtherAccount(t, t.Name()+" other", "").CreateLocation(t, "Other account")
	config := env.ProviderConfig() + locationHCL("main", "Main")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: config + didHCL("main", `  number = "`+number+`"`)},
			{
				Config:      config + numberBlock("sipstation_did", "main", strconv.Quote(foreign.ID), `  number = "`+number+`"`),
				ExpectError: expectDiag("Cannot Update Number", number, "location_id", foreign.ID, "404 not_found"),
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
