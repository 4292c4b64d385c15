package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

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
