package sipstation

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
)

// ListAvailableNumbers returns numbers free to order. The service answers
// with at most q.Limit of them (its own default when 0); this is a sample
// to pick from, not a list to page through.
func (c *Client) ListAvailableNumbers(ctx context.Context, q AvailableNumbersQuery) ([]AvailableNumber, error) {
	query := filter("type", q.Type, "area_code", q.AreaCode)
	if q.Limit > 0 {
		query.Set("limit", strconv.Itoa(q.Limit))
	}
	var out struct {
		Data []AvailableNumber `json:"data"`
	}
	if err := c.do(ctx, request{method: http.MethodGet, path: []string{"available-numbers"}, query: query}, &out); err != nil {
		return nil, fmt.Errorf("list available numbers: %w", err)
	}
	return out.Data, nil
}

// OrderNumber orders a number for a location under the caller's
// Idempotency-Key (a new one when key is ""), kept across the client's
// retries, so a lost answer is replayed by the service and never orders a
// second number. Sending the same order with the same key again, within the
// 24 hours the service keeps keys, is always safe: if the first order was
// executed, the service answers as it did then (the number, or the refusal)
// and orders nothing more. A caller whose answers were lost keeps the key
// and asks again.
func (c *Client) OrderNumber(ctx context.Context, locationID string, in NumberOrder, key string) (*Number, error) {
	defer c.dropSnapshots([]string{locationID}, in.Number)
	var n Number
	r := request{method: http.MethodPost, path: []string{"locations", locationID, "numbers"}, body: in, idempotencyKey: key}
	if err := c.do(ctx, r, &n); err != nil {
		what := in.Number
		if what == "" {
			what = "in area code " + in.AreaCode
		}
		return nil, fmt.Errorf("order number %s for location %s: %w", what, locationID, err)
	}
	return &n, nil
}

// ListNumbers returns every number matching f, across all pages.
func (c *Client) ListNumbers(ctx context.Context, f NumberFilter) ([]Number, error) {
	query := filter("location_id", f.LocationID, "type", f.Type, "status", f.Status)
	nums, err := listAll[Number](ctx, c, []string{"numbers"}, query)
	if err != nil {
		return nil, fmt.Errorf("list numbers: %w", err)
	}
	return nums, nil
}

// GetNumber returns one number by its E.164 form; ErrNotFound when the
// account does not hold it (a cancelled number included).
func (c *Client) GetNumber(ctx context.Context, e164 string) (*Number, error) {
	var n Number
	if err := c.do(ctx, request{method: http.MethodGet, path: []string{"numbers", e164}}, &n); err != nil {
		return nil, fmt.Errorf("get number %s: %w", e164, err)
	}
	return &n, nil
}

// UpdateNumber changes what in sets (see NumberUpdate), moving the number to
// another location of the account when LocationID is set.
func (c *Client) UpdateNumber(ctx context.Context, e164 string, in NumberUpdate) (*Number, error) {
	// A move drops both locations: the one that held the number (found by
	// the number) and the one it goes to.
	var to []string
	if in.LocationID != nil {
		to = append(to, *in.LocationID)
	}
	defer func() { c.dropSnapshots(to, e164) }()
	var n Number
	if err := c.do(ctx, request{method: http.MethodPatch, path: []string{"numbers", e164}, body: in}, &n); err != nil {
		return nil, fmt.Errorf("update number %s: %w", e164, err)
	}
	return &n, nil
}

// CancelNumber cancels a number's service, which stops its billing. It
// fails with ErrPortOutPending while a port-out of the number is pending.
//
// It never sends force=true, and no option of this client can: forcing the
// cancel of a number whose port is pending makes the port fail and loses the
// number for everyone, the customer included. Wait for the port to complete
// (the number becomes ported_out, still billed) and cancel then.
func (c *Client) CancelNumber(ctx context.Context, e164 string) error {
	defer c.dropSnapshots(nil, e164)
	if err := c.do(ctx, request{method: http.MethodDelete, path: []string{"numbers", e164}}, nil); err != nil {
		return fmt.Errorf("cancel number %s: %w", e164, err)
	}
	return nil
}
