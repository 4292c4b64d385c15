package sipstation

import (
	"context"
	"fmt"
	"sync"
)

// snapshotPageSize is the largest page the contract allows: a location of
// 1,000 numbers is one request.
const snapshotPageSize = 1000

// snapshots is the read-through inventory snapshot of a Client: the first
// ReadNumber of a location lists that location's numbers, calls arriving
// meanwhile wait for that one list, and later ones are answered from it.
// A write through the client drops the snapshot of every location it
// touches. It lives as long as the Client, that is one Terraform command
// in the provider: nothing is kept across commands.
type snapshots struct {
	mu   sync.Mutex
	locs map[string]*snapshot
}

type snapshot struct {
	ready chan struct{} // closed once nums and err are set
	nums  map[string]Number
	err   error
	// stale is set, under snapshots.mu, when a write touched the location
	// while its list was being fetched: the list is not kept then.
	stale bool
}

func newSnapshots() *snapshots { return &snapshots{locs: map[string]*snapshot{}} }

// get returns the numbers of a location, fetching them with fetch unless a
// snapshot is there or on its way.
func (s *snapshots) get(ctx context.Context, locationID string, fetch func(context.Context, string) ([]Number, error)) (map[string]Number, error) {
	s.mu.Lock()
	sn := s.locs[locationID]
	if sn == nil {
		sn = &snapshot{ready: make(chan struct{})}
		s.locs[locationID] = sn
		s.mu.Unlock()
		list, err := fetch(ctx, locationID)
		nums := make(map[string]Number, len(list))
		for _, n := range list {
			nums[n.Number] = n
		}
		s.mu.Lock()
		sn.nums, sn.err = nums, err
		if (err != nil || sn.stale) && s.locs[locationID] == sn {
			delete(s.locs, locationID) // the next call lists again
		}
		close(sn.ready)
	}
	s.mu.Unlock()
	select {
	case <-sn.ready:
		return sn.nums, sn.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// drop forgets the snapshots of the locations named (empty ids are skipped).
func (s *snapshots) drop(locationIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range locationIDs {
		if sn := s.locs[id]; sn != nil {
			sn.stale = true
			delete(s.locs, id)
		}
	}
}

// dropNumber forgets every snapshot that holds e164, and every snapshot
// still being fetched, which might.
func (s *snapshots) dropNumber(e164 string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, sn := range s.locs {
		select {
		case <-sn.ready:
			if _, ok := sn.nums[e164]; !ok {
				continue
			}
		default:
		}
		sn.stale = true
		delete(s.locs, id)
	}
}

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
	nums, listErr := c.snaps.get(ctx, locationID, c.listLocationNumbers)
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

// listLocationNumbers lists every number of a location, in the largest pages.
func (c *Client) listLocationNumbers(ctx context.Context, locationID string) ([]Number, error) {
	nums, err := listPages[Number](ctx, c, []string{"numbers"}, filter("location_id", locationID), snapshotPageSize)
	if err != nil {
		return nil, fmt.Errorf("list the numbers of location %s: %w", locationID, err)
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
	c.snaps.drop(locationIDs...)
	for _, n := range numbers {
		if n != "" {
			c.snaps.dropNumber(n)
		}
	}
}
