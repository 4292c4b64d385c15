package sipstation_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// The documents of testdata/ were written by hand from the contract
// (shared/design/api.md; testdata/README.md names the section of each), so
// that the client's types are held to the contract, not to what the
// emulator, which shares them, writes.

// fixtureServer serves testdata files by route; every request is checked:
// a DELETE must carry no body.
func fixtureServer(t *testing.T) http.Handler {
	t.Helper()
	routes := map[string]struct {
		status int
		file   string
	}{
		"GET /v1/locations/loc_8d78cd03df6b7f67":    {http.StatusOK, "location.json"},
		"GET /v1/numbers/+14155550100":              {http.StatusOK, "numbers/local_with_settings.json"},
		"GET /v1/numbers/+18005550100":              {http.StatusOK, "numbers/toll_free_ported_billed.json"},
		"GET /v1/numbers?page[number]=1":            {http.StatusOK, "numbers-page-1.json"},
		"GET /v1/numbers?page[number]=2":            {http.StatusOK, "numbers-page-2.json"},
		"GET /v1/port-outs/po_1a2b3c4d5e6f7081":     {http.StatusOK, "port-out.json"},
		"GET /v1/statements/st_5e1c0a9b7d3f2468":    {http.StatusOK, "statement.json"},
		"DELETE /v1/numbers/+14155550101":           {http.StatusConflict, "error-port-out-pending.json"},
		"DELETE /v1/locations/loc_8d78cd03df6b7f67": {http.StatusOK, "location.json"},
		"PATCH /v1/numbers/+14155550100":            {http.StatusOK, "numbers/local_with_settings.json"},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method == http.MethodDelete && len(body) > 0 {
			t.Errorf("DELETE %s carries a body: %q", r.URL.Path, body)
		}
		route := r.Method + " " + strings.ReplaceAll(r.URL.EscapedPath(), "%2B", "+")
		if r.URL.Path == "/v1/numbers" {
			route += "?page[number]=" + r.URL.Query().Get("page[number]")
		}
		rt, ok := routes[route]
		if !ok {
			t.Errorf("unexpected request %s", route)
			w.WriteHeader(http.StatusNotFound)
			return
		}
		doc, err := os.ReadFile(filepath.Join("testdata", rt.file))
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-RateLimit-Limit", "50")
		w.Header().Set("X-RateLimit-Remaining", "49")
		w.WriteHeader(rt.status)
		_, _ = w.Write(doc)
	})
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFixturesDecode(t *testing.T) {
	t.Parallel()
	c := newClient(t, fixtureServer(t))
	ctx := context.Background()
	str := func(s string) *string { return &s }
	yes := true

	loc, err := c.GetLocation(ctx, "loc_8d78cd03df6b7f67")
	if err != nil {
		t.Fatal(err)
	}
	wantLoc := sipstation.Location{ID: "loc_8d78cd03df6b7f67", Name: "Head office", OrganizationName: "Example Widgets LLC",
		Email: "telecom@example.com", ServiceAddress: sipstation.Address{Street1: "100 Market St", Street2: "Floor 3", City: "San Francisco", State: "CA", Zip: "94105"},
		AccountNumber: "4100000001", BillingDay: 25, Status: sipstation.LocationActive, CreatedAt: at("2025-01-25T09:30:00Z")}
	if d := cmp.Diff(wantLoc, *loc); d != "" {
		t.Errorf("location.json (-want +got):\n%s", d)
	}

	local, err := c.GetNumber(ctx, "+14155550100")
	if err != nil {
		t.Fatal(err)
	}
	started := at("2025-01-25T09:31:00Z")
	wantLocal := sipstation.Number{Number: "+14155550100", Type: sipstation.TypeLocal, LocationID: "loc_8d78cd03df6b7f67", Description: "Sales",
		Status: sipstation.StatusActive, Billing: sipstation.Billing{Active: true, MonthlyRate: "1.50", StartedAt: &started}, ActivatedAt: started,
		Failover:    &sipstation.Failover{Number: "+14155550199"},
		E911Address: &sipstation.E911Address{Name: "Example Widgets LLC", Street1: "100 Market St", Street2: "Floor 3", City: "San Francisco", State: "CA", Zip: "94105"},
		SMSEnabled:  &yes}
	if d := cmp.Diff(wantLocal, *local); d != "" {
		t.Errorf("numbers/local_with_settings.json (-want +got):\n%s", d)
	}

	ported, err := c.GetNumber(ctx, "+18005550100")
	if err != nil {
		t.Fatal(err)
	}
	completed := at("2025-03-20T14:22:05Z")
	if !ported.BilledAfterPortOut() || ported.RespOrg != "SIPS1" || ported.EarlyPortOutFee == nil || *ported.EarlyPortOutFee != "25.00" ||
		ported.PortOut == nil || *ported.PortOut != (sipstation.NumberPortOut{ID: "po_77526a8fe3ca04c0", Status: "completed", CarrierName: "Acme Telecom",
		RequestedFOCDate: "2025-03-20", FOCDate: "2025-03-20", CompletedAt: ported.PortOut.CompletedAt}) || !ported.PortOut.CompletedAt.Equal(completed) ||
		ported.Failover == nil || ported.Failover.Destination != "sip:support@pbx.example.com" || ported.E911Address != nil || ported.SMSEnabled != nil {
		t.Errorf("numbers/toll_free_ported_billed.json: %+v %+v", ported, ported.PortOut)
	}

	all, err := c.ListNumbers(ctx, sipstation.NumberFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Number != "+14155550100" || all[1].Status != sipstation.StatusPortOutPending || all[1].PortOut == nil || all[1].PortOut.CompletedAt != nil {
		t.Errorf("numbers-page-*.json: %+v", all)
	}

	po, err := c.GetPortOut(ctx, "po_1a2b3c4d5e6f7081")
	if err != nil {
		t.Fatal(err)
	}
	wantPO := sipstation.PortOut{ID: "po_1a2b3c4d5e6f7081", LocationID: "loc_8d78cd03df6b7f67", Numbers: []string{"+14155550101"}, CarrierName: "Acme Telecom",
		Status: "pending", RequestedFOCDate: "2025-04-02", FOCDate: "2025-04-02", CreatedAt: at("2025-03-26T10:00:00Z")}
	if d := cmp.Diff(wantPO, *po); d != "" {
		t.Errorf("port-out.json (-want +got):\n%s", d)
	}

	st, err := c.GetStatement(ctx, "st_5e1c0a9b7d3f2468")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, li := range st.LineItems {
		kinds[li.Kind]++
	}
	if st.Total != "30.67" || st.AccountNumber != "4100000001" || st.Currency != "USD" || len(st.LineItems) != 5 ||
		kinds[sipstation.LineItemDID] != 1 || kinds[sipstation.LineItemTollFree] != 1 || kinds[sipstation.LineItemPortOutFee] != 1 || kinds[sipstation.LineItemUsage] != 2 ||
		st.Links.PDF != "/v1/statements/st_5e1c0a9b7d3f2468/pdf" {
		t.Errorf("statement.json: %+v", st)
	}

	// The error document, as a typed error; DELETEs carry no body.
	err = c.CancelNumber(ctx, "+14155550101")
	var apiErr *sipstation.APIError
	if !errors.Is(err, sipstation.ErrPortOutPending) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict ||
		!strings.Contains(apiErr.Detail, "po_1a2b3c4d5e6f7081") {
		t.Errorf("error-port-out-pending.json: %v", err)
	}
	if err := c.CloseLocation(ctx, "loc_8d78cd03df6b7f67"); err != nil {
		t.Errorf("CloseLocation: %v", err)
	}
	if _, err := c.UpdateNumber(ctx, "+14155550100", sipstation.NumberUpdate{Description: str("Sales")}); err != nil {
		t.Errorf("UpdateNumber: %v", err)
	}
}
