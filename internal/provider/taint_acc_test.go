package provider

// A tainted number (terraform taint, or a create that failed part-way):
// its replace would cancel it and order again, so the plan refuses it, with
// or without create_before_destroy, before anything is ordered or
// cancelled. Each test asserts the emulator's inventory afterwards.

import (
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// TestAccTaint_planRefused: a tainted number, ordered by area code or given
// by number, with create_before_destroy (and by area code without it too),
// fails the plan before anything is ordered or cancelled, saying it is
// tainted (the plan refreshed it and does not plan it from state); with a
// pending port the plan names the port, with or without
// create_before_destroy.
func TestAccTaint_planRefused(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		choose, number string
		// withoutCBD plans the tainted number without create_before_destroy
		// too. A tainted plan waits up to 5 seconds for the refresh of its
		// number, so the path, the same by number, runs once.
		withoutCBD bool
	}{
		"by_area_code": {`  area_code = "212"`, first212, true},
		"by_number":    {`  number = "+14155550100"`, "+14155550100", false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			env.RequireEmulator(t)
			config := func(lifecycle string) string {
				return env.ProviderConfig() + locationHCL("main", "Main") + didHCL("main", tc.choose+lifecycle)
			}
			tainted := expectDiag("Refusing to Replace a Tainted Number", tc.number, "terraform untaint")
			var portOut sipstation.PortOut
			steps := []resource.TestStep{
				{Config: config(cbdLifecycle), Check: checkInventory(t, env, tc.number)},
				{
					Taint:       []string{didAddr},
					Config:      config(cbdLifecycle),
					ExpectError: tainted,
				},
			}
			if tc.withoutCBD {
				steps = append(steps, resource.TestStep{
					PreConfig:   func() { mustCheck(t, checkInventory(t, env, tc.number)) },
					Config:      config(""),
					ExpectError: tainted,
				})
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkCancelled(t, env, tc.number),
				Steps: append(steps, []resource.TestStep{
					{
						PreConfig:   func() { portOut = env.RequestPortOut(t, gainingCarrier, testFOCDate, tc.number) },
						Config:      config(cbdLifecycle),
						ExpectError: pendingError(tc.number, "sipstation_did"),
					},
					{
						Config:      config(""),
						ExpectError: pendingError(tc.number, "sipstation_did"),
					},
					{
						// Still the one number, pending; nothing was ordered or
						// cancelled. The port completes, and destroy cancels it.
						PreConfig: func() {
							mustCheck(t, checkInventory(t, env, tc.number))
							mustCheck(t, cancelledOnce(t, env, 0))
							env.CompletePortOut(t, portOut.ID)
						},
						Config: env.ProviderConfig() + locationHCL("main", "Main"),
						Check:  checkCancelled(t, env, tc.number),
					},
				}...),
			})
		})
	}
}

// planCall is what one PlanResourceChange of sipstation_did was given.
type planCall struct{ priorNull, privateEmpty bool }

// TestAccTaint_whatPlansLookLike pins what the number ledger
// (number_ledger.go) is built on, as Terraform and OpenTofu send it: the plan
// of a tainted resource, with or without create_before_destroy, is one call
// with no prior state and no private state, exactly like a new resource's;
// a replace (replace_triggered_by, like -replace) is a call from the prior
// state, then one without it that carries the first one's private state.
func TestAccTaint_whatPlansLookLike(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	const number = "+12125550100"
	var mu sync.Mutex
	var calls []planCall
	rec := &diagRecorder{beforePlan: func(req *tfprotov6.PlanResourceChangeRequest) {
		if req.TypeName != "sipstation_did" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		null := req.PriorState == nil || (len(req.PriorState.MsgPack) == 1 && req.PriorState.MsgPack[0] == 0xc0)
		calls = append(calls, planCall{priorNull: null, privateEmpty: len(req.PriorPrivate) == 0})
	}}
	reset := func() {
		mu.Lock()
		defer mu.Unlock()
		calls = nil
	}
	got := func() []planCall {
		mu.Lock()
		defer mu.Unlock()
		return append([]planCall(nil), calls...)
	}
	config := func(trigger, lifecycle, extra string) string {
		return env.ProviderConfig() + locationHCL("main", "Main") + triggeredDIDHCL(trigger, `  area_code = "212"`, lifecycle) + extra
	}
	fresh := numberBlock("sipstation_did", "fresh", "sipstation_location.main.id", `  area_code = "415"`)
	// onlyCreateShaped checks that every call had neither prior nor private state.
	onlyCreateShaped := func(what string) {
		c := got()
		if len(c) == 0 {
			t.Fatalf("%s: no plan of sipstation_did was recorded", what)
		}
		for _, call := range c {
			if !call.priorNull || !call.privateEmpty {
				t.Fatalf("%s: a plan had prior state or private state: %+v", what, c)
			}
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             checkCancelled(t, env, number),
		Steps: []resource.TestStep{
			{Config: config("one", cbd, "")},
			{
				// A new resource next to the kept one: its plan has no prior
				// and no private state.
				PreConfig:          reset,
				Config:             config("one", cbd, fresh),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					var create []planCall
					for _, c := range got() {
						if c.priorNull {
							create = append(create, c)
						}
					}
					if len(create) == 0 || !create[0].privateEmpty {
						t.Fatalf("the new resource's plan: %+v", got())
					}
					reset()
				},
				// A replace: from the prior state, then without it but with
				// the first plan's private state.
				Config:             config("two", cbd, ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					c := got()
					fromPrior, createHalf := false, false
					for _, call := range c {
						fromPrior = fromPrior || !call.priorNull
						createHalf = createHalf || (call.priorNull && !call.privateEmpty)
					}
					if !fromPrior || !createHalf {
						t.Fatalf("the replace's plans: %+v; want one from the prior state and a create half with private state", c)
					}
					reset()
				},
				Taint:       []string{didAddr},
				Config:      config("one", cbd, ""),
				ExpectError: taintedError(),
			},
			{
				PreConfig: func() {
					onlyCreateShaped("tainted, create_before_destroy")
					reset()
				},
				Config:      config("one", "", ""),
				ExpectError: taintedError(),
			},
			{
				PreConfig: func() {
					onlyCreateShaped("tainted")
					mustCheck(t, checkInventory(t, env, number))
				},
				Config: env.ProviderConfig() + locationHCL("main", "Main"),
			},
		},
	})
}
