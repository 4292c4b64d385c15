package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

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
// client); and that no client sent the emulator a DELETE with a body, which
// a PHP service would not read.
func checkTrunkState(t *testing.T, env *acctest.Env, want trunkState) resource.TestCheckFunc {
	return func(*terraform.State) error {
		full := env.TrunkFull(t)
		got := trunkState{
			Failover: wireFailover(full.CustomerInfo.FailoverNum, full.CustomerInfo.FailoverDest),
			Numbers:  map[string]trunkNumberState{},
		}
		for _, d := range full.DIDs {
			n := trunkNumberState{Failover: wireFailover(d.Failover.Num, d.Failover.Dest), Master: bool(d.E911Address.Master)}
			if a := d.E911Address; !a.IsZero() {
				n.E911 = &sipstation.E911Address{Name: a.Name.String(), Street1: a.Street1.String(), Street2: a.Street2.String(),
					City: a.City.String(), State: a.State.String(), Zip: a.Zip.String()}
			}
			got.Numbers[e164Of(d.Number.String())] = n
		}
		if want.Numbers == nil {
			want.Numbers = map[string]trunkNumberState{}
		}
		if d := cmp.Diff(want, got); d != "" {
			return fmt.Errorf("the account's failover and E911 state (-want +got):\n%s", d)
		}
		if m := env.Metrics(t); m.DeletesWithBody != 0 {
			return fmt.Errorf("the provider sent %d DELETE requests with a body, which a PHP service does not read", m.DeletesWithBody)
		}
		return nil
	}
}

// wireFailover is a failover as GET /2/full writes it (10-digit num), in
// E.164.
func wireFailover(num, dest trunk.Text) trunk.Failover {
	f := trunk.Failover{Destination: dest.String()}
	if n := num.String(); n != "" {
		f.Number = e164Of(n)
	}
	return f
}

// e164Of is a 10-digit NANP number in E.164.
func e164Of(tenDigits string) string {
	return "+1" + strings.TrimPrefix(tenDigits, "+1")
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

func TestTrunkClientType(t *testing.T) {
	t.Parallel()
	for version, want := range map[string]string{"1.2.3": "terraform-provider-sipstation-1.2.3", "": "terraform-provider-sipstation-dev"} {
		if got := trunkClientType(version); got != want {
			t.Errorf("trunkClientType(%q) = %q, want %q", version, got, want)
		}
	}
}

// A refused or failed change says what happened and what to do, by cause.
func TestAddTrunkChangeError(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		err     error
		summary string
		phrases []string
	}{
		"account failover lost": {fmt.Errorf("clear the failover of +14155550190: %w (it was destination 7102); the client set it back", trunk.ErrAccountFailoverLost),
			"Account-Wide Failover Was Cleared Too", []string{"+14155550190", "DELETE /2/failover/{did}/{key}", "set it back", "please report"}},
		"bad key": {fmt.Errorf("x: %w: %w: %q", trunk.ErrRefused, trunk.ErrBadKey, "BADKEY: invalid key"),
			"Cannot Clear Failover", []string{"BADKEY", "SIPSTATION_ACCOUNT_KEY", "`account_key`", "nothing was changed"}},
		"trial": {fmt.Errorf("x: %w: %q", trunk.ErrRefused, "Trial accounts cannot set failover"),
			"Cannot Clear Failover", []string{"refused the change for +14155550190", "convert the trial"}},
		"no answer": {fmt.Errorf("x: gave up after 5 attempts"),
			"Cannot Clear Failover", []string{"may or may not have made it", "trunk_endpoint"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			addTrunkChangeError(&diags, "Cannot Clear Failover", "+14155550190", tc.err)
			if len(diags) != 1 || diags[0].Summary() != tc.summary {
				t.Fatalf("diagnostics %v, want one %q", diags, tc.summary)
			}
			for _, p := range tc.phrases {
				if !strings.Contains(diags[0].Detail(), p) {
					t.Errorf("detail lacks %q:\n%s", p, diags[0].Detail())
				}
			}
		})
	}
}
