package sipstation_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

const (
	routeList = "GET /v1/numbers"
	routeGet  = "GET /v1/numbers/{number}"
)

// orderLines orders +14155550100 and the n-1 lines after it for a location.
func orderLines(t *testing.T, c *sipstation.Client, locationID string, n int) []string {
	t.Helper()
	var out []string
	for line := 100; line < 100+n; line++ {
		num := fmt.Sprintf("+1415555%04d", line)
		if _, err := c.OrderNumber(t.Context(), locationID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: num}, ""); err != nil {
			t.Fatalf("OrderNumber %s: %v", num, err)
		}
		out = append(out, num)
	}
	return out
}

// counts returns the list and single-number GETs the emulator served.
func counts(t *testing.T, env *acctest.Env) (list, get int64) {
	t.Helper()
	m := env.Metrics(t)
	return m.Count(routeList), m.Count(routeGet)
}

// Forty reads of one location in parallel cost one list request; later
// reads cost nothing; a write through the client drops the location's
// snapshot, so the next read lists again and sees the write.
func TestSnapshotOneListPerLocation(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	setup := emulatorClient(t, env, nil)
	loc := createLocation(t, setup)
	nums := orderLines(t, setup, loc.ID, 40)

	c := emulatorClient(t, env, nil) // a fresh client, as a new Terraform command has
	list0, get0 := counts(t, env)
	var wg sync.WaitGroup
	for _, num := range nums {
		wg.Go(func() {
			n, err := c.ReadNumber(t.Context(), loc.ID, num)
			if err != nil || n.Number != num || n.LocationID != loc.ID {
				t.Errorf("ReadNumber %s = %+v, %v", num, n, err)
			}
		})
	}
	wg.Wait()
	if _, err := c.ReadNumber(t.Context(), loc.ID, nums[0]); err != nil {
		t.Fatal(err)
	}
	if list, get := counts(t, env); list-list0 != 1 || get != get0 {
		t.Errorf("41 reads cost %d list and %d single GETs; want 1 and 0", list-list0, get-get0)
	}

	desc := "changed"
	if _, err := c.UpdateNumber(t.Context(), nums[1], sipstation.NumberUpdate{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	n, err := c.ReadNumber(t.Context(), loc.ID, nums[1])
	if err != nil || n.Description != desc {
		t.Fatalf("ReadNumber after the update = %+v, %v; want description %q", n, err, desc)
	}
	if list, _ := counts(t, env); list-list0 != 2 {
		t.Errorf("%d lists after a write and a read; want 2", list-list0)
	}
}

// A number moved to another location is not in its old location's list: it
// is asked for on its own and found where it went. One cancelled is not
// found at all. A write drops both locations of a move.
func TestSnapshotMissingNumberFallsBack(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	setup := emulatorClient(t, env, nil)
	from, to := createLocation(t, setup), createLocation(t, setup)
	nums := orderLines(t, setup, from.ID, 3)

	c := emulatorClient(t, env, nil)
	for _, num := range nums {
		if _, err := c.ReadNumber(t.Context(), from.ID, num); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.ReadNumber(t.Context(), to.ID, "+14155550199"); !errors.Is(err, sipstation.ErrNotFound) {
		t.Fatalf("a number the account never held: err = %v; want ErrNotFound", err)
	}
	// Moved and cancelled behind this client's back: the snapshot still has
	// them, as a refresh of this command saw them.
	if _, err := setup.UpdateNumber(t.Context(), nums[0], sipstation.NumberUpdate{LocationID: &to.ID}); err != nil {
		t.Fatal(err)
	}
	if err := setup.CancelNumber(t.Context(), nums[1]); err != nil {
		t.Fatal(err)
	}
	if n, err := c.ReadNumber(t.Context(), from.ID, nums[0]); err != nil || n.LocationID != from.ID {
		t.Fatalf("ReadNumber from the snapshot = %+v, %v; want it as first listed", n, err)
	}
	// Through this client, a move drops both locations.
	if _, err := c.UpdateNumber(t.Context(), nums[2], sipstation.NumberUpdate{LocationID: &to.ID}); err != nil {
		t.Fatal(err)
	}
	list0, get0 := counts(t, env)
	for _, num := range []string{nums[0], nums[2]} {
		n, err := c.ReadNumber(t.Context(), from.ID, num)
		if err != nil || n.LocationID != to.ID {
			t.Errorf("ReadNumber %s of its old location = %+v, %v; want it in %s", num, n, err, to.ID)
		}
	}
	if _, err := c.ReadNumber(t.Context(), from.ID, nums[1]); !errors.Is(err, sipstation.ErrNotFound) {
		t.Errorf("ReadNumber of a cancelled number: err = %v; want ErrNotFound", err)
	}
	if n, err := c.ReadNumber(t.Context(), to.ID, nums[2]); err != nil || n.LocationID != to.ID {
		t.Errorf("ReadNumber %s of its new location = %+v, %v", nums[2], n, err)
	}
	if list, get := counts(t, env); list-list0 != 2 || get-get0 != 3 {
		t.Errorf("%d lists and %d GETs; want 2 (both locations, once each) and 3 (the numbers not in the old list)", list-list0, get-get0)
	}
}

// With the snapshot off, every read is its own GET.
func TestSnapshotOff(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	setup := emulatorClient(t, env, nil)
	loc := createLocation(t, setup)
	nums := orderLines(t, setup, loc.ID, 5)
	c, err := sipstation.New(sipstation.Config{Endpoint: env.Endpoint, APIKey: env.APIKey, NoSnapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	list0, get0 := counts(t, env)
	for _, num := range nums {
		if _, err := c.ReadNumber(t.Context(), loc.ID, num); err != nil {
			t.Fatal(err)
		}
	}
	if list, get := counts(t, env); list != list0 || get-get0 != 5 {
		t.Errorf("%d lists and %d GETs; want 0 and 5", list-list0, get-get0)
	}
}

// A list that fails (here a 503 that outlasts the retries) is not kept:
// the read falls back to its own GET, and the next read lists again.
func TestSnapshotListFailureFallsBack(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	setup := emulatorClient(t, env, nil)
	loc := createLocation(t, setup)
	nums := orderLines(t, setup, loc.ID, 2)
	c, err := sipstation.New(sipstation.Config{Endpoint: env.Endpoint, APIKey: env.APIKey, Options: apihttp.Options{MaxRetries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	env.SetFaults(t, emulator.Faults{Rate5xx: 1, MaxFaults: 1})
	list0, get0 := counts(t, env)
	if n, err := c.ReadNumber(t.Context(), loc.ID, nums[0]); err != nil || n.Number != nums[0] {
		t.Fatalf("ReadNumber after a failed list = %+v, %v", n, err)
	}
	if _, err := c.ReadNumber(t.Context(), loc.ID, nums[1]); err != nil {
		t.Fatal(err)
	}
	if list, get := counts(t, env); list-list0 != 2 || get-get0 != 1 {
		t.Errorf("%d lists and %d GETs; want 2 (the failed one, then one kept) and 1", list-list0, get-get0)
	}
}
