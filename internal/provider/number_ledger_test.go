package provider

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

func TestNumberLedgerUnplanned(t *testing.T) {
	t.Parallel()
	l := newNumberLedger()
	l.sawRefresh("+12125550100", "loc_a") // tainted: never planned
	l.sawRefresh("+12125550101", "loc_a") // planned while the order waits
	l.sawRefresh("+12125550102", "loc_a") // planned before
	l.sawRefresh("+14155550100", "loc_a") // another area code
	l.sawRefresh("+12125550103", "loc_b") // another location
	l.sawPlan("+12125550102")
	go func() {
		time.Sleep(20 * time.Millisecond)
		l.sawPlan("+12125550101")
	}()
	began := time.Now()
	got := l.unplanned(context.Background(), "loc_a", "212", 300*time.Millisecond)
	if diff := cmp.Diff([]string{"+12125550100"}, got); diff != "" {
		t.Errorf("unplanned (-want +got):\n%s", diff)
	}
	if took := time.Since(began); took < 300*time.Millisecond {
		t.Errorf("returned after %s, before the wait was over", took)
	}
	// Nothing left to wait for: no wait at all.
	l.sawPlan("+12125550100")
	began = time.Now()
	if got := l.unplanned(context.Background(), "loc_a", "212", time.Minute); len(got) != 0 || time.Since(began) > time.Second {
		t.Errorf("unplanned after every number was planned: %v after %s", got, time.Since(began))
	}
}

func TestNumberLedgerClaimPendingOrder(t *testing.T) {
	t.Parallel()
	l := newNumberLedger()
	l.sawPendingOrder(pendingOrder{key: "k1", locationID: "loc_a", apiType: sipstation.TypeLocal, areaCode: "212"})
	l.sawPendingOrder(pendingOrder{key: "k1", locationID: "loc_a", apiType: sipstation.TypeLocal, areaCode: "212"}) // seen twice
	l.sawPendingOrder(pendingOrder{key: "k2", locationID: "loc_a", apiType: sipstation.TypeLocal, number: "+14155550100"})
	if key, ok := l.claimPendingOrder("loc_b", sipstation.TypeLocal, "", "212"); ok {
		t.Errorf("another location claimed %s", key)
	}
	if key, ok := l.claimPendingOrder("loc_a", sipstation.TypeLocal, "", "212"); !ok || key != "k1" {
		t.Errorf("claim by area code: %q %v, want k1", key, ok)
	}
	if key, ok := l.claimPendingOrder("loc_a", sipstation.TypeLocal, "", "212"); ok {
		t.Errorf("k1 claimed twice: %q", key)
	}
	if key, ok := l.claimPendingOrder("loc_a", sipstation.TypeLocal, "+14155550100", ""); !ok || key != "k2" {
		t.Errorf("claim by number: %q %v, want k2", key, ok)
	}
}

// TestNumberLedgerPlannedBeforeRefresh: a number planned before its
// refresh (Terraform 1.9 to 1.11 plan a removed resource's destroy first)
// is not taken for unplanned.
func TestNumberLedgerPlannedBeforeRefresh(t *testing.T) {
	t.Parallel()
	l := newNumberLedger()
	l.sawPlan("+12125550100")
	l.sawRefresh("+12125550100", "loc_a")
	if got := l.unplanned(context.Background(), "loc_a", "212", time.Minute); len(got) != 0 {
		t.Errorf("unplanned: %v", got)
	}
	l.sawRefresh("+12125550101", "loc_a")
	if !l.unplannedNumber(context.Background(), "+12125550101", 10*time.Millisecond) {
		t.Error("a number refreshed and never planned is not reported")
	}
}

func TestNumberLedgerUnseen(t *testing.T) {
	t.Parallel()
	held := []string{"+12125550100", "+12125550101", "+12125550102"}

	// Without refresh nothing is waited for: what was planned so far is known.
	l := newNumberLedger()
	l.sawPlan("+12125550100")
	began := time.Now()
	if diff := cmp.Diff(held[1:], l.unseen(context.Background(), held, time.Minute)); diff != "" || time.Since(began) > time.Second {
		t.Errorf("unseen without refresh after %s (-want +got):\n%s", time.Since(began), diff)
	}

	// With refresh: waits for the numbers refreshed later, and the deadline
	// is one for the walk.
	l = newNumberLedger()
	l.sawLocationRefresh()
	l.sawRefresh("+12125550100", "loc_a")
	go func() {
		time.Sleep(20 * time.Millisecond)
		l.sawRefresh("+12125550101", "loc_a")
	}()
	began = time.Now()
	if diff := cmp.Diff(held[2:], l.unseen(context.Background(), held, 300*time.Millisecond)); diff != "" {
		t.Errorf("unseen with refresh (-want +got):\n%s", diff)
	}
	if took := time.Since(began); took < 300*time.Millisecond {
		t.Errorf("returned after %s, before the wait was over", took)
	}
	began = time.Now()
	if diff := cmp.Diff(held[2:], l.unseen(context.Background(), held, time.Minute)); diff != "" || time.Since(began) > time.Second {
		t.Errorf("a second wait of the walk after %s (-want +got):\n%s", time.Since(began), diff)
	}
}

func TestNumberLedgerUnsettledOrders(t *testing.T) {
	t.Parallel()
	l := newNumberLedger()
	l.sawPendingOrder(pendingOrder{key: "claimed", locationID: "loc_a", apiType: sipstation.TypeLocal, areaCode: "212"})
	l.sawPendingOrder(pendingOrder{key: "destroyed", locationID: "loc_a", apiType: sipstation.TypeLocal, areaCode: "212"})
	l.sawPendingOrder(pendingOrder{key: "changed", locationID: "loc_a", apiType: sipstation.TypeLocal, areaCode: "303"})
	l.sawPendingOrder(pendingOrder{key: "deleted", locationID: "loc_a", apiType: sipstation.TypeLocal, areaCode: "206", fromDelete: true})
	go func() {
		time.Sleep(20 * time.Millisecond)
		l.claimPendingOrder("loc_a", sipstation.TypeLocal, "", "212")
		l.sawPlan(pendingOrderPrefix + "destroyed")
	}()
	began := time.Now()
	got := l.unsettledOrders(context.Background(), 300*time.Millisecond)
	if len(got) != 1 || got[0].key != "changed" {
		t.Errorf("unsettled orders: %+v, want only the changed one", got)
	}
	if took := time.Since(began); took < 300*time.Millisecond {
		t.Errorf("returned after %s, before the wait was over", took)
	}
	// One planned before its refresh (Terraform 1.9 to 1.11) is settled.
	l = newNumberLedger()
	l.sawPlan(pendingOrderPrefix + "early")
	l.sawPendingOrder(pendingOrder{key: "early", locationID: "loc_a", apiType: sipstation.TypeLocal, areaCode: "212"})
	if got := l.unsettledOrders(context.Background(), time.Minute); len(got) != 0 {
		t.Errorf("unsettled orders: %+v, want none", got)
	}
}
