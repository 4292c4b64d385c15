package provider

// Checks of what the API holds after a step (the inventory: numbers billed,
// none lost, nothing cancelled with force; the account's failover and E911
// state) and of state and plans.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

// apiNumber reads a number from the API as the test's account sees it; the
// status is 404 once the number is cancelled.
func apiNumber(t *testing.T, env *acctest.Env, e164 string) (sipstation.Number, int) {
	t.Helper()
	var n sipstation.Number
	status := env.Get(t, "/v1/numbers/"+url.PathEscape(e164), &n)
	return n, status
}

// checkBilledAt is a check that the API holds e164 with the status given,
// and bills it.
func checkBilledAt(t *testing.T, env *acctest.Env, e164, status string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n, code := apiNumber(t, env, e164)
		if code != 200 {
			return fmt.Errorf("GET %s: status %d, want 200", e164, code)
		}
		if n.Status != status || !n.Billing.Active {
			return fmt.Errorf("%s: status %q billed %v, want %q and billed", e164, n.Status, n.Billing.Active, status)
		}
		return nil
	}
}

// checkCancelled is a check that the account no longer holds e164 and
// that nothing was ever cancelled with force: the API answers 404 and no
// listing shows the number.
func checkCancelled(t *testing.T, env *acctest.Env, e164 string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if _, code := apiNumber(t, env, e164); code != 404 {
			return fmt.Errorf("GET %s: status %d, want 404 after the cancel", e164, code)
		}
		var list struct {
			Data []sipstation.Number `json:"data"`
		}
		if code := env.Get(t, "/v1/numbers?page[size]=1000", &list); code != 200 {
			return fmt.Errorf("list numbers: status %d", code)
		}
		for _, n := range list.Data {
			if n.Number == e164 {
				return fmt.Errorf("%s is still listed (status %q, billed %v)", e164, n.Status, n.Billing.Active)
			}
		}
		return checkNoForcedCancels(t, env)(s)
	}
}

// checkNoForcedCancels is a check that nothing was ever cancelled with
// force. Only the emulator counts them; a live endpoint has no metrics.
func checkNoForcedCancels(t *testing.T, env *acctest.Env) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if !env.IsEmulator() {
			return nil
		}
		if n := env.Metrics(t).ForcedCancellations; n != 0 {
			return fmt.Errorf("the emulator saw %d forced cancellations, want 0", n)
		}
		return nil
	}
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

// routeCancelNumber is the emulator's metrics name of the cancel of a number.
const routeCancelNumber = "DELETE /v1/numbers/{number}"

// cancelledOnce is a check that the emulator answered exactly one DELETE of
// a number with 200: the cancels that happened, counted across the test.
func cancelledOnce(t *testing.T, env *acctest.Env, want int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m := env.Metrics(t)
		if got := m.Routes[routeCancelNumber].Statuses["200"]; got != want {
			return fmt.Errorf("the emulator cancelled %d numbers, want %d: %+v", got, want, m.Routes[routeCancelNumber])
		}
		if m.ForcedCancellations != 0 {
			return fmt.Errorf("%d forced cancellations", m.ForcedCancellations)
		}
		return nil
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

// expectDID lists state checks of sipstation_did.main.
func expectDID(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(didAddr, tfjsonpath.New(attr), v)
}

func expectTollFree(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(tollFreeAddr, tfjsonpath.New(attr), v)
}

// requirePortedStillBilled fails the test unless e164 is ported out and
// still billed: a resource that left state with the left-the-trunk warning
// changed nothing of the number.
func requirePortedStillBilled(t *testing.T, env *acctest.Env, e164 string) {
	t.Helper()
	if n, _ := apiNumber(t, env, e164); n.Status != sipstation.StatusPortedOut || !n.Billing.Active {
		t.Errorf("the ported number %s: %s, billed %v; the test changed what it should not", e164, n.Status, n.Billing.Active)
	}
}

// A number's failover and E911 address keep calls and 911 working when a
// PBX is down: every test that writes or clears one ends by asserting the
// whole account's state with checkTrunkState, not only the number touched.

// trunkState is an account's failover and E911 state as the account-key
// API shows it: the account-wide failover, and every number on the trunk.
type trunkState struct {
	Failover trunk.Failover
	// Numbers are every number on the trunk, by E.164.
	Numbers map[string]trunkNumberState
}

// trunkNumberState is one number's failover and E911 address (nil: none),
// and whether the address is the account's master.
type trunkNumberState struct {
	Failover trunk.Failover
	E911     *sipstation.E911Address
	Master   bool
}

// checkTrunkState is a check that the whole account is want: the
// account-wide failover and every number on the trunk, no more and no
// fewer, as GET /2/full shows them (read as written, not through the
// client); and, on the emulator, that no client sent a DELETE with a body,
// which a PHP service would not read. On a live endpoint it needs
// SIPSTATION_ACCOUNT_KEY: without it there is no account-key API to read,
// and the check fails rather than pass unread.
func checkTrunkState(t *testing.T, env *acctest.Env, want trunkState) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if env.AccountKey == "" {
			return fmt.Errorf("no account key to read the account's failover and E911 state with; set %s with the live endpoint", acctest.EnvAccountKey)
		}
		full := env.TrunkFull(t)
		accountWide, err := wireFailover(full.CustomerInfo.FailoverNum, full.CustomerInfo.FailoverDest)
		if err != nil {
			return err
		}
		got := trunkState{Failover: accountWide, Numbers: map[string]trunkNumberState{}}
		for _, d := range full.DIDs {
			f, err := wireFailover(d.Failover.Num, d.Failover.Dest)
			if err != nil {
				return err
			}
			n := trunkNumberState{Failover: f, Master: bool(d.E911Address.Master)}
			if a := d.E911Address; !a.IsZero() {
				n.E911 = &sipstation.E911Address{Name: a.Name.String(), Street1: a.Street1.String(), Street2: a.Street2.String(),
					City: a.City.String(), State: a.State.String(), Zip: a.Zip.String()}
			}
			e164, err := phonenumber.Normalize(d.Number.String())
			if err != nil {
				return fmt.Errorf("GET /2/full lists a number that is no NANP number: %v", err)
			}
			got.Numbers[e164] = n
		}
		if want.Numbers == nil {
			want.Numbers = map[string]trunkNumberState{}
		}
		if d := cmp.Diff(want, got); d != "" {
			return fmt.Errorf("the account's failover and E911 state (-want +got):\n%s", d)
		}
		if !env.IsEmulator() {
			return nil // only the emulator counts the requests it served
		}
		if m := env.Metrics(t); m.DeletesWithBody != 0 {
			return fmt.Errorf("the provider sent %d DELETE requests with a body, which a PHP service does not read", m.DeletesWithBody)
		}
		return nil
	}
}

// wireFailover is a failover as GET /2/full writes it (10-digit num), in
// E.164.
func wireFailover(num, dest trunk.Text) (trunk.Failover, error) {
	f := trunk.Failover{Destination: dest.String()}
	if n := num.String(); n != "" {
		e164, err := phonenumber.Normalize(n)
		if err != nil {
			return f, fmt.Errorf("GET /2/full shows failover number %q, which is no NANP number: %v", n, err)
		}
		f.Number = e164
	}
	return f, nil
}

// numbers is a trunkState's Numbers: each number with no failover and no
// E911 address, then the states given.
func numbers(bare []string, set map[string]trunkNumberState) map[string]trunkNumberState {
	out := make(map[string]trunkNumberState, len(bare)+len(set))
	for _, n := range bare {
		out[n] = trunkNumberState{}
	}
	for n, s := range set {
		out[n] = s
	}
	return out
}
