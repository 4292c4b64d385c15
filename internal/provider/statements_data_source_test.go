package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// aMonth moves the emulator's clock past the next billing day whatever the
// day of creation: billing days are capped at 28, so the next one is at most
// 31 days away.
const aMonth = 31 * 24 * time.Hour

func TestAccStatementsDataSource_lineItemsAndPortOutFee(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)

	loc := env.CreateLocation(t, "HQ")
	did := env.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "415", Description: "Main line"})
	tollFree := env.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeTollFree, Number: "+18005550142", Description: "Sales"})
	// The DID ports out days after it was ordered: held under 90 days, it
	// carries the early port-out fee, and it stays billed until cancelled.
	po := env.RequestPortOut(t, "Gaining Telecom", "", did.Number)
	env.CompletePortOut(t, po.ID)
	env.Advance(t, aMonth)

	issued := env.Statements(t, loc.ID)
	if len(issued) != 1 {
		t.Fatalf("after a month the emulator issued %d statements, want 1", len(issued))
	}
	st := issued[0]

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
data "sipstation_statements" "hq" {
  location_id = %q
}

output "charges" {
  value = { for li in data.sipstation_statements.hq.statements[0].line_items : "${li.kind} ${li.number}" => li.amount }
}
`, loc.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sipstation_statements.hq", tfjsonpath.New("statements"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.sipstation_statements.hq", tfjsonpath.New("statements").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"id":                 knownvalue.StringExact(st.ID),
					"location_id":        knownvalue.StringExact(loc.ID),
					"date":               knownvalue.StringExact(st.Date),
					"period_start":       knownvalue.StringExact(st.PeriodStart),
					"period_end":         knownvalue.StringExact(st.PeriodEnd),
					"account_number":     knownvalue.StringExact(loc.AccountNumber),
					"total":              knownvalue.StringExact(st.Total),
					"outstanding_amount": knownvalue.StringExact(st.OutstandingAmount),
					"currency":           knownvalue.StringExact("USD"),
					"pdf_url":            knownvalue.StringExact(env.Endpoint + "/v1/statements/" + st.ID + "/pdf"),
					"cdrs_url":           knownvalue.StringExact(env.Endpoint + "/v1/statements/" + st.ID + "/cdrs"),
					"sms_url":            knownvalue.StringExact(env.Endpoint + "/v1/statements/" + st.ID + "/sms"),
				})),
				statecheck.ExpectKnownValue("data.sipstation_statements.hq",
					tfjsonpath.New("statements").AtSliceIndex(0).AtMapKey("line_items"),
					knownvalue.ListSizeExact(len(st.LineItems))),
				// The ported DID is still billed, the toll-free number is
				// billed, and the early port-out fee is charged.
				statecheck.ExpectKnownOutputValue("charges", knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"did " + did.Number:            knownvalue.StringExact("1.50"),
					"toll_free " + tollFree.Number: knownvalue.StringExact("2.00"),
					"port_out_fee " + did.Number:   knownvalue.StringExact("25.00"),
				})),
			},
		}},
	})
}

func TestAccStatementsDataSource_dateRange(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)

	loc := env.CreateLocation(t, "Branch")
	env.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "212"})
	env.Advance(t, aMonth)
	env.Advance(t, aMonth)
	issued := env.Statements(t, loc.ID)
	if len(issued) != 2 {
		t.Fatalf("after two months the emulator issued %d statements, want 2", len(issued))
	}
	newer, older := issued[0], issued[1]
	dayBefore := func(date string) string {
		d, err := time.Parse(time.DateOnly, date)
		if err != nil {
			t.Fatalf("statement date %q: %v", date, err)
		}
		return d.AddDate(0, 0, -1).Format(time.DateOnly)
	}

	ids := func(wantIDs ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, 0, len(wantIDs))
		for _, id := range wantIDs {
			checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}))
		}
		return knownvalue.ListExact(checks)
	}
	statements := tfjsonpath.New("statements")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + fmt.Sprintf(`
data "sipstation_statements" "all" {
  location_id = %[1]q
}

data "sipstation_statements" "both_bounds" {
  location_id = %[1]q
  from        = %[2]q
  to          = %[3]q
}

data "sipstation_statements" "from_newer" {
  location_id = %[1]q
  from        = %[3]q
}

data "sipstation_statements" "to_older" {
  location_id = %[1]q
  to          = %[2]q
}

data "sipstation_statements" "before_any" {
  location_id = %[1]q
  to          = %[4]q
}
`, loc.ID, older.Date, newer.Date, dayBefore(older.Date)),
				ConfigStateChecks: []statecheck.StateCheck{
					// Newest first.
					statecheck.ExpectKnownValue("data.sipstation_statements.all", statements, ids(newer.ID, older.ID)),
					statecheck.ExpectKnownValue("data.sipstation_statements.both_bounds", statements, ids(newer.ID, older.ID)),
					statecheck.ExpectKnownValue("data.sipstation_statements.from_newer", statements, ids(newer.ID)),
					statecheck.ExpectKnownValue("data.sipstation_statements.to_older", statements, ids(older.ID)),
					statecheck.ExpectKnownValue("data.sipstation_statements.before_any", statements, knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config: env.ProviderConfig() + fmt.Sprintf(`
data "sipstation_statements" "swapped" {
  location_id = %q
  from        = %q
  to          = %q
}
`, loc.ID, newer.Date, older.Date),
				ExpectError: expectDiag("Invalid Date Range", older.Date, newer.Date),
			},
			{
				Config: env.ProviderConfig() + fmt.Sprintf(`
data "sipstation_statements" "bad" {
  location_id = %q
  from        = "2025-13-01"
}
`, loc.ID),
				ExpectError: expectDiag("Invalid Date", `"2025-13-01"`, "YYYY-MM-DD"),
			},
			{
				Config: env.ProviderConfig() + `
data "sipstation_statements" "missing" {
  location_id = "loc_does_not_exist"
}
`,
				ExpectError: expectDiag("Cannot List Statements", `"loc_does_not_exist"`),
			},
		},
	})
}
