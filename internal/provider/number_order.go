package provider

// Ordering a number: Create, the idempotent order that survives lost
// answers (orderUntilAnswered), and the pending orders that record an order
// whose every answer was lost, until a later apply replays it under the
// same idempotency key.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// defaultCreateTimeout bounds ordering a number and applying its settings.
const defaultCreateTimeout = 10 * time.Minute

// Create orders the number with its settings, then applies what the answer
// shows was not set. Once the order succeeded the number is billed, so it
// reaches state whatever fails after it; an order whose answers are all
// lost reaches state as a pending order that the next apply replays.
func (r *numberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan := r.requestModel(ctx, req.Plan, &resp.Diagnostics)
	if plan == nil {
		return
	}
	p := plan.base()

	timeout, diags := p.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	orderCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	order := sipstation.NumberOrder{Type: r.kind.apiType, Description: p.Description.ValueString()}
	if !p.Number.IsUnknown() && !p.Number.IsNull() {
		e164, err := checkNumber(p.Number.ValueString(), r.kind.class)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("number"), invalidPhoneNumberSummary, capitalize(err.Error())+".")
			return
		}
		order.Number = e164
	}
	// The settings go with the order, so that one SIPStation refuses (an
	// E911 address, say) refuses the order: nothing is billed, nothing is
	// left tainted.
	failover, diags := p.failoverAPI(ctx)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(plan.order(ctx, &order)...)
	if resp.Diagnostics.HasError() {
		return
	}
	order.Failover = failover

	// A key known at plan time is a pending order's: replay it.
	key := p.OrderKey.ValueString()
	replay := !p.OrderKey.IsUnknown() && key != ""
	if !replay {
		key = uuid.NewString()
	}
	what := "the " + r.kind.noun + " " + order.Number
	if order.Number == "" {
		what = "a " + r.kind.noun + " in area code " + order.AreaCode
	}
	ordered, outcome, err := r.orderUntilAnswered(orderCtx, p.LocationID.ValueString(), order, key)
	switch outcome {
	case orderUnknown:
		r.savePendingOrder(ctx, plan, key, resp)
		resp.Diagnostics.AddError(orderOutcomeUnknownSummary, orderUnknownDetail(what, order, p.LocationID.ValueString(), key, timeout, err))
		return
	case orderRefused:
		if replay && errors.Is(err, sipstation.ErrIdempotencyConflict) {
			// The pending order must stay in state: a new order could be a
			// second number.
			r.savePendingOrder(ctx, plan, key, resp)
			resp.Diagnostics.AddError(cannotReplayOrderSummary, replayRefusedDetail(what, p.LocationID.ValueString(), key, err))
			return
		}
		resp.Diagnostics.AddError(cannotOrderSummary, orderRefusedDetail(what, err))
		return
	}
	tflog.Info(ctx, "ordered number", map[string]any{"number": ordered.Number, "location_id": ordered.LocationID, "replayed": replay})
	p.OrderKey = types.StringValue(key)

	// Whatever the answer shows was not set as planned (the API may not
	// take every setting with an order) is patched.
	current := r.kind.newModel()
	*current.base() = numberModel{Timeouts: p.Timeouts, OrderKey: p.OrderKey}
	current.keep(plan)
	resp.Diagnostics.Append(setFromAPI(ctx, current, ordered, true)...)
	var u sipstation.NumberUpdate
	var settingsErr error
	diags = p.sharedUpdate(ctx, current.base(), &u)
	diags.Append(plan.update(ctx, current, &u)...)
	if diags.HasError() {
		settingsErr = fmt.Errorf("reading the planned settings: %s", diags.Errors())
	}
	u.LocationID = nil // ordered there

	final := ordered
	if settingsErr == nil && !emptyUpdate(u) {
		final, settingsErr = r.client.UpdateNumber(orderCtx, ordered.Number, u)
	}
	if settingsErr != nil {
		// Ordered and billed: it must not be forgotten. State gets what the
		// API holds, and Terraform marks the resource tainted.
		resp.Diagnostics.Append(resp.State.Set(ctx, current)...)
		resp.Diagnostics.AddError(settingsFailedSummary, settingsFailedDetail(ordered, settingsErr))
		return
	}

	resp.Diagnostics.Append(setFromAPI(ctx, plan, final, false)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// orderOutcome is what is known of an order.
type orderOutcome int

const (
	orderDone    orderOutcome = iota // answered with the number
	orderRefused                     // answered with a refusal: nothing ordered
	orderUnknown                     // no answer tells: maybe ordered
)

// orderUntilAnswered sends the order under key until SIPStation answers it
// or ctx ends. Each send after the first is a replay, which the contract
// makes safe: an order executed once is answered as then, never executed
// again. Only a 429 is known not to have been executed.
func (r *numberResource) orderUntilAnswered(ctx context.Context, locationID string, order sipstation.NumberOrder, key string) (*sipstation.Number, orderOutcome, error) {
	wait := time.Second
	maybeExecuted := false
	for {
		n, err := r.client.OrderNumber(ctx, locationID, order, key)
		if err == nil {
			return n, orderDone, nil
		}
		var apiErr *sipstation.APIError
		answered := errors.As(err, &apiErr)
		if answered && apiErr.StatusCode != http.StatusTooManyRequests && apiErr.StatusCode < 500 {
			return nil, orderRefused, err
		}
		maybeExecuted = maybeExecuted || !answered || apiErr.StatusCode != http.StatusTooManyRequests
		tflog.Warn(ctx, "order not answered; replaying it with the same idempotency key", map[string]any{
			"location_id": locationID, "idempotency_key": key, "error": err.Error(),
		})
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			if !maybeExecuted {
				return nil, orderRefused, err
			}
			return nil, orderUnknown, err
		case <-timer.C:
		}
		wait = min(2*wait, 15*time.Second)
	}
}

// savePendingOrder puts the planned resource in state as a pending order:
// id pendingOrderPrefix+key, the key, the configuration as planned, and
// null for what only the answer would have told.
func (r *numberResource) savePendingOrder(ctx context.Context, plan numberState, key string, resp *resource.CreateResponse) {
	p := plan.base()
	p.ID = types.StringValue(pendingOrderPrefix + key)
	p.OrderKey = types.StringValue(key)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	raw, err := tftypes.Transform(resp.State.Raw, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		resp.Diagnostics.AddError(cannotRecordPendingSummary, fmt.Sprintf("null the unknown values: %s", err))
		return
	}
	resp.State.Raw = raw
}

// pendingOrderPrefix starts the id of a pending order: a resource whose
// order was sent but never answered (see Create). The rest is the order's
// idempotency key.
const pendingOrderPrefix = "pending-order:"

// isPendingOrder reports whether id is a pending order's, not a number's.
func isPendingOrder(id string) bool { return strings.HasPrefix(id, pendingOrderPrefix) }

// sawPendingOrder records a pending order Read (or, at apply, Delete) found
// in state, for the plan that replays it.
func (r *numberResource) sawPendingOrder(ctx context.Context, st tfsdk.State, s *numberModel, fromDelete bool) {
	var areaCode types.String
	if r.kind.apiType == sipstation.TypeLocal {
		if diags := st.GetAttribute(ctx, path.Root("area_code"), &areaCode); diags.HasError() {
			tflog.Warn(ctx, "reading the pending order's area code failed", map[string]any{"error": fmt.Sprint(diags.Errors())})
		}
	}
	// The plan holds the number as configured; the claim compares E.164.
	number := s.Number.ValueString()
	if e164, err := phonenumber.Normalize(number); err == nil {
		number = e164
	}
	r.ledger.sawPendingOrder(pendingOrder{
		key:        strings.TrimPrefix(s.ID.ValueString(), pendingOrderPrefix),
		locationID: s.LocationID.ValueString(),
		apiType:    r.kind.apiType,
		number:     number,
		areaCode:   areaCode.ValueString(),
		fromDelete: fromDelete,
	})
}

// planReplay plans the order whose answers were lost, under its key.
func (r *numberResource) planReplay(ctx context.Context, key, locationID string, resp *resource.ModifyPlanResponse) {
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("order_idempotency_key"), key)...)
	resp.Diagnostics.AddWarning(replayingOrderSummary, replayingOrderDetail(locationID, key))
}
