package sipstation

import (
	"context"
	"fmt"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
)

// snapshotPageSize is the largest page the contract allows: a location of
// 1,000 numbers is one request.
const snapshotPageSize = 1000

// snapshots is the read-through inventory snapshot of a Client, by
// location id: the first ReadNumber of a location lists that location's
// numbers, calls arriving meanwhile wait for that one list, and later ones
// are answered from it. A write through the client drops the snapshot of
// every location it touches. It lives as long as the Client, that is one
// Terraform command in the provider: nothing is kept across commands.
//
// A list runs detached from the cancellation of the read that starts it,
// so a read that gives up (its ctx ended) does not fail the others waiting
// for the same location; each of its requests is still bounded by the
// request timeout.
type snapshots = apihttp.ReadThrough[string, map[string]Number]

// ReadNumber returns number e164 as the API holds it, for a refresh: from
// the snapshot of location locationID (the location the caller last knew
// it in), listed once per location in pages of 1,000. A number the
// snapshot does not hold (moved, cancelled, or ordered since) is asked for
// on its own, as is every number when the snapshot is off (Config
// NoSnapshot) or locationID is empty; so errors are GetNumber's, ErrNotFound
// for a number the account no longer holds.
//
// The snapshot is as fresh as the first read of the location in this
// client: use GetNumber where the answer must be live, such as the check
// before a cancel.
func (c *Client) ReadNumber(ctx context.Context, locationID, e164 string) (*Number, error) {
	if c.snaps == nil || locationID == "" {
		return c.GetNumber(ctx, e164)
	}
	nums, listErr := c.snaps.Get(ctx, locationID, c.listLocationNumbers)
	if listErr == nil {
		if n, ok := nums[e164]; ok {
			return &n, nil
		}
	}
	n, err := c.GetNumber(ctx, e164)
	if err != nil && listErr != nil && ctx.Err() == nil {
		return nil, fmt.Errorf("%w (listing location %s failed too: %s)", err, locationID, listErr.Error())
	}
	return n, err
}

// listLocationNumbers lists every number of a location, in the largest
// pages, by number.
func (c *Client) listLocationNumbers(ctx context.Context, locationID string) (map[string]Number, error) {
	list, err := listPages[Number](ctx, c, []string{"numbers"}, filter("location_id", locationID), snapshotPageSize)
	if err != nil {
		return nil, fmt.Errorf("list the numbers of location %s: %w", locationID, err)
	}
	nums := make(map[string]Number, len(list))
	for _, n := range list {
		nums[n.Number] = n
	}
	return nums, nil
}

// dropSnapshots forgets what the snapshot knows of the locations named and
// of the numbers named: called after every write, whatever its outcome (an
// error may come after the write was done).
func (c *Client) dropSnapshots(locationIDs []string, numbers ...string) {
	if c.snaps == nil {
		return
	}
	c.snaps.Drop(locationIDs...)
	for _, e164 := range numbers {
		if e164 != "" {
			// Every location whose snapshot holds it, and every snapshot
			// still being listed, which might.
			c.snaps.DropIf(func(nums map[string]Number) bool {
				_, ok := nums[e164]
				return ok
			})
		}
	}
}
