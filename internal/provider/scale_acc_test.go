package provider

// Many numbers at once: faults at scale, and the refresh of a location's
// numbers by one list under a rate limit.

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
)

// TestAccScale_faults: 200 DIDs applied and destroyed while 10% of
// the requests are refused with a 503, 10% with a 429, and 5% lose their
// answer after SIPStation committed them. Exactly the 200 numbers are
// ordered (none twice), the plan after the apply is empty, and the destroy
// cancels each once, never with force: nothing is left billed. It runs
// under one CLI (Terraform) to keep the suite's wall time down.
func TestAccScale_faults(t *testing.T) {
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
	provider := env.ProviderConfig(acctest.Set("max_retries", 10))
	config := provider + locationHCL("main", "Main") + didListHCL("each", numbers...)
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

// The refresh of a plan reads a location's numbers with one list, not a GET
// per number; refresh_by_list = false reads each on its own. At a rate
// limit of 2 requests per second an apply of new numbers (-parallelism 10,
// Terraform's default) still succeeds: the provider paces itself and waits
// out the 429s.
func TestAccScale_refreshByList(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const n = 10
	withSetting := func(on bool) string {
		return env.ProviderConfig(acctest.Set("refresh_by_list", on))
	}
	var before emulator.Metrics
	record := func() { before = env.Metrics(t) }
	delta := func(route string) int64 { return env.Metrics(t).Count(route) - before.Count(route) }
	const list, get = "GET /v1/numbers", "GET /v1/numbers/{number}"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + locationHCL("main", "Main") + manyDIDsHCL(n),
			},
			{
				PreConfig: record,
				Config:    env.ProviderConfig() + locationHCL("main", "Main") + manyDIDsHCL(n),
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					// Each Terraform command of the step above (a plan, maybe
					// a second one) listed the location once.
					if l, g := delta(list), delta(get); l < 1 || l > 2 || g != 0 {
						t.Errorf("the refresh of %d numbers cost %d lists and %d GETs; want 1 or 2 lists, no GET", n, l, g)
					}
					record()
				},
				Config:   withSetting(false) + locationHCL("main", "Main") + manyDIDsHCL(n),
				PlanOnly: true,
			},
			{
				PreConfig: func() {
					if l, g := delta(list), delta(get); l != 0 || g < n {
						t.Errorf("with refresh_by_list = false the refresh cost %d lists and %d GETs; want none and at least %d", l, g, n)
					}
					env.SetFaults(t, emulator.Faults{RateLimitPerS: 2})
					record()
				},
				Config: withSetting(true) + locationHCL("main", "Main") + manyDIDsHCL(n+6),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("sipstation_did.many[15]", tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			env.SetFaults(t, emulator.Faults{})
			var left struct {
				Data []struct{ Number string } `json:"data"`
			}
			env.Get(t, "/v1/numbers", &left)
			if len(left.Data) != 0 {
				return fmt.Errorf("%d numbers left after destroy: %v", len(left.Data), left.Data)
			}
			return checkNoForcedCancels(t, env)(nil)
		},
	})
	// The 429s of the apply at 2 requests/s were answered, none surfaced
	// (the step passed); pacing kept them few.
	m := env.Metrics(t)
	t.Logf("429s answered at 2 requests/s: %d of %d requests", m.RateLimited, m.TotalRequests-before.TotalRequests)
}
