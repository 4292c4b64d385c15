package sipstation

// Routes of the contract that the provider does not call, kept for the
// tests: they hold the emulator and the client's request handling to
// api.md on every route. Being test code, they add no API surface to the
// client.

import (
	"context"
	"fmt"
	"net/http"
)

// ListLocations returns every location of the account.
func (c *Client) ListLocations(ctx context.Context) ([]Location, error) {
	locs, err := listAll[Location](ctx, c, []string{"locations"}, nil)
	if err != nil {
		return nil, fmt.Errorf("list locations: %w", err)
	}
	return locs, nil
}

// ListPortOuts returns every port-out matching f, across all pages.
func (c *Client) ListPortOuts(ctx context.Context, f PortOutFilter) ([]PortOut, error) {
	query := filter("location_id", f.LocationID, "status", f.Status)
	pos, err := listAll[PortOut](ctx, c, []string{"port-outs"}, query)
	if err != nil {
		return nil, fmt.Errorf("list port-outs: %w", err)
	}
	return pos, nil
}

// GetPortOut returns one port-out.
func (c *Client) GetPortOut(ctx context.Context, id string) (*PortOut, error) {
	var po PortOut
	if err := c.do(ctx, request{method: http.MethodGet, path: []string{"port-outs", id}}, &po); err != nil {
		return nil, fmt.Errorf("get port-out %s: %w", id, err)
	}
	return &po, nil
}

// StatementCDRs returns the call records of a statement's period as CSV.
func (c *Client) StatementCDRs(ctx context.Context, id string) ([]byte, error) {
	return c.statementFile(ctx, id, "cdrs", "text/csv")
}

// StatementSMS returns the SMS records of a statement's period as CSV.
func (c *Client) StatementSMS(ctx context.Context, id string) ([]byte, error) {
	return c.statementFile(ctx, id, "sms", "text/csv")
}

// PortOutFilter filters GET /v1/port-outs; empty fields do not filter.
type PortOutFilter struct {
	LocationID string
	Status     string
}
