package emulator

import (
	"slices"
	"testing"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// The pool: the dozen area codes the tests name come first and in order,
// then every other geographic area code; about 68,500 local numbers.
func TestPool(t *testing.T) {
	t.Parallel()
	if got := poolAreaCodes[:len(firstAreaCodes)]; !slices.Equal(got, firstAreaCodes) {
		t.Errorf("the pool starts with %v; want %v", got, firstAreaCodes)
	}
	if len(poolAreaCodes) != 685 {
		t.Errorf("%d area codes in the pool; want 685", len(poolAreaCodes))
	}
	var first []string
	n := 0
	for num := range poolNumbers(sipstation.TypeLocal, "") {
		if n < 2 {
			first = append(first, num)
		}
		n++
	}
	if n != 68500 || !slices.Equal(first, []string{"+12065550100", "+12065550101"}) {
		t.Errorf("%d local numbers starting %v; want 68500 starting +12065550100", n, first)
	}
	for num, want := range map[string]bool{
		"+19075550150": true, "+12015550199": true, "+18005550100": true,
		"+19115550100": false, "+12995550100": false, "+13705550100": false,
		"+14155551234": false, "+14155550200": false,
	} {
		if inPool(num) != want {
			t.Errorf("inPool(%s) = %v; want %v", num, !want, want)
		}
	}
}
