package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
)

// manyDIDsHCL is count DIDs +1415555 0100 onwards in location main.
func manyDIDsHCL(count int) string {
	return fmt.Sprintf(`
resource "sipstation_did" "many" {
  count       = %d
  location_id = sipstation_location.main.id
  number      = format("+1415555%%04d", 100 + count.index)
}
`, count)
}

// The refresh of a plan reads a location's numbers with one list, not a GET
// per number; refresh_by_list = false reads each on its own. At a rate
// limit of 2 requests per second an apply of new numbers (-parallelism 10,
// Terraform's default) still succeeds: the provider paces itself and waits
// out the 429s.
func TestAccProvider_refreshByList(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const n = 10
	withSetting := func(on bool) string {
		return fmt.Sprintf("provider \"sipstation\" {\n  endpoint        = %q\n  api_key         = %q\n  refresh_by_list = %t\n}\n", env.Endpoint, env.APIKey, on)
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
			return nil
		},
	})
	// The 429s of the apply at 2 requests/s were answered, none surfaced
	// (the step passed); pacing kept them few.
	m := env.Metrics(t)
	t.Logf("429s answered at 2 requests/s: %d of %d requests", m.RateLimited, m.TotalRequests-before.TotalRequests)
}
