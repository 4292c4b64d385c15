package sipstation

import (
	"context"
	"fmt"
	"net/http"
)

// GetLocation returns one location; ErrNotFound when the account has none
// with that id.
func (c *Client) GetLocation(ctx context.Context, id string) (*Location, error) {
	var loc Location
	if err := c.do(ctx, request{method: http.MethodGet, path: []string{"locations", id}}, &loc); err != nil {
		return nil, fmt.Errorf("get location %s: %w", id, err)
	}
	return &loc, nil
}

// CreateLocation creates a location.
func (c *Client) CreateLocation(ctx context.Context, in LocationCreate) (*Location, error) {
	var loc Location
	if err := c.do(ctx, request{method: http.MethodPost, path: []string{"locations"}, body: in}, &loc); err != nil {
		return nil, fmt.Errorf("create location %q: %w", in.Name, err)
	}
	return &loc, nil
}

// UpdateLocation changes the non-nil fields of in.
func (c *Client) UpdateLocation(ctx context.Context, id string, in LocationUpdate) (*Location, error) {
	defer c.dropSnapshots([]string{id})
	var loc Location
	if err := c.do(ctx, request{method: http.MethodPatch, path: []string{"locations", id}, body: in}, &loc); err != nil {
		return nil, fmt.Errorf("update location %s: %w", id, err)
	}
	return &loc, nil
}

// CloseLocation closes a location; ErrLocationHasActiveNumbers while any of
// its numbers is still billed.
func (c *Client) CloseLocation(ctx context.Context, id string) error {
	defer c.dropSnapshots([]string{id})
	if err := c.do(ctx, request{method: http.MethodDelete, path: []string{"locations", id}}, nil); err != nil {
		return fmt.Errorf("close location %s: %w", id, err)
	}
	return nil
}
