package sipstation

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ListStatements returns every statement of a location within f, across all
// pages, newest first as the service serves them.
func (c *Client) ListStatements(ctx context.Context, locationID string, f StatementFilter) ([]Statement, error) {
	query := filter("from", f.From, "to", f.To)
	sts, err := listAll[Statement](ctx, c, []string{"locations", locationID, "statements"}, query)
	if err != nil {
		return nil, fmt.Errorf("list statements of location %s: %w", locationID, err)
	}
	return sts, nil
}

// GetStatement returns one statement.
func (c *Client) GetStatement(ctx context.Context, id string) (*Statement, error) {
	var st Statement
	if err := c.do(ctx, request{method: http.MethodGet, path: []string{"statements", id}}, &st); err != nil {
		return nil, fmt.Errorf("get statement %s: %w", id, err)
	}
	return &st, nil
}

// StatementPDF returns a statement as a PDF: what a gaining carrier asks for,
// showing the account number, organization and every billed number.
func (c *Client) StatementPDF(ctx context.Context, id string) ([]byte, error) {
	return c.statementFile(ctx, id, "pdf", "application/pdf")
}

func (c *Client) statementFile(ctx context.Context, id, file, accept string) ([]byte, error) {
	data, err := c.send(ctx, request{method: http.MethodGet, path: []string{"statements", id, file}, accept: accept})
	if err != nil {
		return nil, fmt.Errorf("download %s of statement %s: %w", file, id, err)
	}
	return data, nil
}

// LinkURL turns a link the API returns, a path from the API root such as
// /v1/statements/{id}/pdf, into an absolute URL on the configured endpoint,
// so that it can be shown or fetched as it is. Absolute links stay as they
// are; an empty link stays empty.
func (c *Client) LinkURL(link string) string {
	if link == "" {
		return ""
	}
	if u, err := url.Parse(link); err == nil && u.IsAbs() {
		return link
	}
	return strings.TrimSuffix(c.baseURL, "/v1") + "/" + strings.TrimPrefix(link, "/")
}
