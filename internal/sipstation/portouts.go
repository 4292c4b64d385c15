package sipstation

import (
	"context"
	"fmt"
	"net/http"
)

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
