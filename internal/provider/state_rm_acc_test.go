package provider

// Numbers that leave state without being cancelled (terraform state rm, a
// removed block) and the area-code warning of the order that could follow.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// TestAccStateRm_byAreaCode: a DID ordered by area code that
// leaves state without being cancelled (terraform state rm; here a removed
// block does the same) cannot be told apart from a new order. The plan that
// would order again warns, naming the number the location already holds in
// that area code; importing it instead keeps one number.
func TestAccStateRm_byAreaCode(t *testing.T) {
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
				Config: withDID + importHCL(didAddr, number),
				Check: resource.ComposeTestCheckFunc(
					checkInState(number),
					checkInventory(t, env, number),
					cancelledOnce(t, env, 0),
				),
			},
		},
	})
}

// TestAccStateRm_areaCodeWarningSkipsManaged: the area-code warning of a new
// order names the location's numbers of that area code that no resource in
// this state holds (here one ordered outside Terraform), not the numbers the
// configuration already manages: a warning that named those on every new
// order would be read past, also when it matters. The new order is not
// refused, and exactly one number is ordered for it.
func TestAccStateRm_areaCodeWarningSkipsManaged(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const managed, outside, added = "+12125550100", "+12125550101", "+12125550102"
	base := env.ProviderConfig() + locationHCL("main", "Main") + didHCL("main", `  area_code = "212"`)
	// depends_on orders the plans: the test framework's first plan runs
	// without refresh, where the warning leaves out only the numbers
	// planned before it (with refresh it waits for them; see
	// TestNumberLedgerUnseen).
	withSecond := base + numberBlock("sipstation_did", "second", "sipstation_location.main.id",
		"  area_code  = \"212\"\n  depends_on = [sipstation_did.main]")
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
					n, code := apiNumber(t, env, managed)
					if code != http.StatusOK {
						t.Fatalf("read %s: status %d", managed, code)
					}
					env.OrderNumber(t, n.LocationID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "212"})
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
					env.CancelNumber(t, outside)
				},
				Config: withSecond,
				Check:  checkInventory(t, env, managed, added),
			},
		},
	})
}

// TestAccStateRm_importThenRemoved: a number ordered outside Terraform,
// imported with an import block, then dropped with a removed block
// (destroy = false), the escape hatch the port-out error recommends: state
// forgets it, the number stays active and billed.
func TestAccStateRm_importThenRemoved(t *testing.T) {
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
					env.OrderNumber(t, id, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: number})
					return nil
				},
			},
			{
				Config: base + didHCL("main", `  number = "`+number+`"`) +
					importHCL(didAddr, "(415) 555-0142"),
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
					env.CancelNumber(t, number)
				},
				Config: base,
			},
		},
	})
}
