package provider

// The number ledger: what one configured provider (one Terraform walk, such
// as the plan of `terraform plan` or `terraform apply`) has seen of the
// numbers in state. Terraform tells a provider neither a resource's address
// nor that an object is tainted: it plans the replace of a tainted object
// exactly like a new resource, with no prior state. What it does do, in one
// plan walk, is refresh every object in state (ReadResource, which gets the
// tainted object too) and then plan each one; a kept or destroyed object is
// planned from its state, a tainted one is not. The ledger records both, so
// that the plan of a number ordered by area code can see that a number of
// that area code and location was refreshed and is not being planned from
// its state: the tainted object this plan would replace.
//
// The area-code warning asks it which numbers of a location no resource in
// this state holds (unseen): those the walk neither refreshed nor planned.
//
// It also carries the pending orders (see pendingOrderPrefix) that Read
// found in state to the create plan that replays them. A pending order that no
// create plan claims and no plan keeps or destroys is replaced without a
// replay, which the create plans warn of (unsettledOrders).

import (
	"context"
	"sync"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
)

// taintedWait bounds how long the plan of a new area-code order waits for
// the numbers of its area code and location that were refreshed to be
// planned. Terraform plans an object right after refreshing it, so a kept
// number is planned within milliseconds; one still unplanned after this
// long is taken for tainted (the plan then fails, which is always safe).
const taintedWait = 5 * time.Second

// numberLedger is one walk's record; see newNumberLedger.
type numberLedger struct {
	mu sync.Mutex
	// refreshed holds the numbers Read refreshed in this walk, by E.164;
	// planned is closed once ModifyPlan planned the number from its state.
	refreshed map[string]*refreshedNumber
	// planned holds the numbers planned from state in this walk, also
	// those planned before their refresh (Terraform 1.9 to 1.11 plan the
	// destroy of a removed resource first, hashicorp/terraform#35568).
	planned map[string]bool
	orders  []*pendingOrder
	// refreshing is set once Read refreshed a number or a location in
	// this walk: a plan with refresh, which refreshes every object in
	// state. changed is closed, and replaced, whenever a number is
	// refreshed or planned; seenBy ends the walk's one wait in unseen.
	refreshing bool
	changed    chan struct{}
	seenBy     time.Time
}

type refreshedNumber struct {
	number, locationID string
	planned            chan struct{}
	done               bool
}

// pendingOrder is an order Read found in state whose outcome is unknown.
type pendingOrder struct {
	key, locationID, apiType, number, areaCode string
	claimed                                    bool
	// fromDelete marks an order recorded by Delete in an apply, whose plan
	// has already said what becomes of it.
	fromDelete bool
	// settled is closed once the order is claimed or planned from its
	// state (kept, or destroyed): then this walk says what becomes of it.
	settled chan struct{}
	done    bool
}

// settle closes o.settled once; l.mu is held.
func (o *pendingOrder) settle() {
	if !o.done {
		o.done = true
		close(o.settled)
	}
}

// newNumberLedger returns the ledger of one walk: the provider's Configure
// makes one and hands it to every resource in its providerData.
func newNumberLedger() *numberLedger {
	return &numberLedger{refreshed: map[string]*refreshedNumber{}, planned: map[string]bool{}, changed: make(chan struct{})}
}

// sawRefresh records that Read refreshed number, held at locationID.
func (l *numberLedger) sawRefresh(number, locationID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := &refreshedNumber{number: number, locationID: locationID, planned: make(chan struct{})}
	if l.planned[number] {
		e.done = true
		close(e.planned)
	}
	l.refreshed[number] = e
	l.refreshing = true
	l.notify()
}

// sawLocationRefresh records that Read refreshed a location in this walk:
// a plan with refresh, even before any number is refreshed.
func (l *numberLedger) sawLocationRefresh() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refreshing = true
}

// notify wakes the waiters of unseen; l.mu is held.
func (l *numberLedger) notify() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// sawPlan records that ModifyPlan planned number from its state.
func (l *numberLedger) sawPlan(number string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.planned[number] = true
	if e, ok := l.refreshed[number]; ok && !e.done {
		e.done = true
		close(e.planned)
	}
	for _, o := range l.orders {
		if pendingOrderPrefix+o.key == number {
			o.settle()
		}
	}
	l.notify()
}

// unseen returns those of numbers that this walk neither refreshed nor
// planned from state: numbers that no resource in this state holds (one
// dropped with terraform state rm, another workspace's, one ordered
// outside Terraform). Terraform plans resources that do not depend on each
// other in any order, so in a walk that refreshes, a number of this state
// may be refreshed after the plan that asks: unseen waits for them, until
// wait after the walk's first wait. The numbers that no resource holds are
// never seen, and the one deadline per walk bounds what they cost. Without
// refresh nothing is waited for: only the numbers planned so far are known.
func (l *numberLedger) unseen(ctx context.Context, numbers []string, wait time.Duration) []string {
	for {
		l.mu.Lock()
		var left []string
		for _, n := range numbers {
			if _, refreshed := l.refreshed[n]; !refreshed && !l.planned[n] {
				left = append(left, n)
			}
		}
		if len(left) == 0 || !l.refreshing {
			l.mu.Unlock()
			return left
		}
		if l.seenBy.IsZero() {
			l.seenBy = time.Now().Add(wait)
		}
		remaining := time.Until(l.seenBy)
		changed := l.changed
		l.mu.Unlock()
		if remaining <= 0 {
			return left
		}
		timer := time.NewTimer(remaining)
		select {
		case <-changed:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return left
		}
		timer.Stop()
	}
}

// unplanned returns the numbers of areaCode at locationID that were
// refreshed in this walk and are still not planned from their state after
// waiting up to wait for them.
func (l *numberLedger) unplanned(ctx context.Context, locationID, areaCode string, wait time.Duration) []string {
	return l.waitPlanned(ctx, wait, func(e *refreshedNumber) bool {
		return e.locationID == locationID && phonenumber.AreaCode(e.number) == areaCode
	})
}

// unplannedNumber reports whether number was refreshed in this walk and is
// still not planned from its state after waiting up to wait for it.
func (l *numberLedger) unplannedNumber(ctx context.Context, number string, wait time.Duration) bool {
	return len(l.waitPlanned(ctx, wait, func(e *refreshedNumber) bool { return e.number == number })) > 0
}

// waitPlanned waits up to wait for the refreshed numbers that match to be
// planned, and returns those that are not.
func (l *numberLedger) waitPlanned(ctx context.Context, wait time.Duration, match func(*refreshedNumber) bool) []string {
	l.mu.Lock()
	var waiting []*refreshedNumber
	for _, e := range l.refreshed {
		if !e.done && match(e) {
			waiting = append(waiting, e)
		}
	}
	l.mu.Unlock()
	if len(waiting) == 0 {
		return nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var left []string
	expired := false
	for _, e := range waiting {
		if !expired {
			select {
			case <-e.planned:
				continue
			case <-timer.C:
				expired = true
			case <-ctx.Done():
				expired = true
			}
		}
		select {
		case <-e.planned:
		default:
			left = append(left, e.number)
		}
	}
	return left
}

// sawPendingOrder records a pending order found in state.
func (l *numberLedger) sawPendingOrder(o pendingOrder) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, have := range l.orders {
		if have.key == o.key {
			return
		}
	}
	o.settled = make(chan struct{})
	if l.planned[pendingOrderPrefix+o.key] {
		o.settle()
	}
	l.orders = append(l.orders, &o)
}

// unsettledOrders returns the pending orders Read found in this walk that,
// after waiting up to wait for them, no create plan claimed and no plan
// kept or destroyed: the orders this plan replaces without replaying, as
// no resource asks for the same order any more. A pending order's own plan
// follows its refresh at once, so only those wait the whole time.
func (l *numberLedger) unsettledOrders(ctx context.Context, wait time.Duration) []pendingOrder {
	l.mu.Lock()
	var waiting []*pendingOrder
	for _, o := range l.orders {
		if !o.done && !o.fromDelete {
			waiting = append(waiting, o)
		}
	}
	l.mu.Unlock()
	if len(waiting) == 0 {
		return nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	expired := false
	for _, o := range waiting {
		if expired {
			break
		}
		select {
		case <-o.settled:
		case <-timer.C:
			expired = true
		case <-ctx.Done():
			expired = true
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var left []pendingOrder
	for _, o := range waiting {
		if !o.done {
			left = append(left, pendingOrder{key: o.key, locationID: o.locationID, apiType: o.apiType, number: o.number, areaCode: o.areaCode})
		}
	}
	return left
}

// claimPendingOrder hands the key of an unclaimed pending order of the
// same kind to the create plan that replays it. Pending orders that match
// are interchangeable: each asked for the same thing, and whichever plan
// replays a key gets the number ordered under it.
func (l *numberLedger) claimPendingOrder(locationID, apiType, number, areaCode string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, o := range l.orders {
		if !o.claimed && o.locationID == locationID && o.apiType == apiType && o.number == number && o.areaCode == areaCode {
			o.claimed = true
			o.settle()
			return o.key, true
		}
	}
	return "", false
}
