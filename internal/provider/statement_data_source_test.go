package provider

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

func TestAccStatementDataSource_latestWithPDF(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)

	loc := env.CreateLocation(t, "HQ")
	did := env.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "303"})
	tollFree := env.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeTollFree, Number: "+18885550177"})
	env.Advance(t, aMonth)
	env.Advance(t, aMonth)
	issued := env.Statements(t, loc.ID)
	if len(issued) != 2 {
		t.Fatalf("after two months the emulator issued %d statements, want 2", len(issued))
	}
	newer, older := issued[0], issued[1]

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
data "sipstation_statement" "latest" {
  location_id = %q
  include_pdf = true
}

data "sipstation_statement" "older" {
  id = %q
}
`, loc.ID, older.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sipstation_statement.latest", tfjsonpath.New("id"), knownvalue.StringExact(newer.ID)),
				statecheck.ExpectKnownValue("data.sipstation_statement.latest", tfjsonpath.New("date"), knownvalue.StringExact(newer.Date)),
				statecheck.ExpectKnownValue("data.sipstation_statement.latest", tfjsonpath.New("account_number"), knownvalue.StringExact(loc.AccountNumber)),
				statecheck.ExpectKnownValue("data.sipstation_statement.latest", tfjsonpath.New("line_items"), knownvalue.SetPartial([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"kind": knownvalue.StringExact(sipstation.LineItemDID), "number": knownvalue.StringExact(did.Number), "amount": knownvalue.StringExact("1.50"),
					}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"kind": knownvalue.StringExact(sipstation.LineItemTollFree), "number": knownvalue.StringExact(tollFree.Number), "amount": knownvalue.StringExact("2.00"),
					}),
				})),
				// By id: the location comes from the statement, and no
				// PDF unless asked for.
				statecheck.ExpectKnownValue("data.sipstation_statement.older", tfjsonpath.New("location_id"), knownvalue.StringExact(loc.ID)),
				statecheck.ExpectKnownValue("data.sipstation_statement.older", tfjsonpath.New("date"), knownvalue.StringExact(older.Date)),
				statecheck.ExpectKnownValue("data.sipstation_statement.older", tfjsonpath.New("total"), knownvalue.StringExact(older.Total)),
				statecheck.ExpectKnownValue("data.sipstation_statement.older", tfjsonpath.New("pdf_url"),
					knownvalue.StringExact(env.Endpoint+"/v1/statements/"+older.ID+"/pdf")),
				statecheck.ExpectKnownValue("data.sipstation_statement.older", tfjsonpath.New("pdf_base64"), knownvalue.Null()),
			},
			Check: resource.TestCheckResourceAttrWith("data.sipstation_statement.latest", "pdf_base64",
				statementPDFCheck(loc.AccountNumber, "Acme Dental LLC", newer.Date, did.Number, tollFree.Number)),
		}},
	})
}

// statementPDFCheck decodes pdf_base64 and checks that it is a whole PDF
// showing what a gaining carrier looks for. The emulator writes its PDFs
// uncompressed, so the text can be searched in the bytes.
func statementPDFCheck(want ...string) func(string) error {
	return func(encoded string) error {
		pdf, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			return fmt.Errorf("pdf_base64 is not base64: %w", err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) {
			return fmt.Errorf("the decoded file does not start with a PDF header: %.20q", pdf)
		}
		if !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
			return fmt.Errorf("the decoded PDF does not end with %%%%EOF: it is truncated")
		}
		for _, part := range [][]byte{[]byte("/Type /Catalog"), []byte("/Type /Page"), []byte("startxref")} {
			if !bytes.Contains(pdf, part) {
				return fmt.Errorf("the decoded PDF has no %s", part)
			}
		}
		for _, text := range want {
			if !bytes.Contains(pdf, []byte(text)) {
				return fmt.Errorf("the statement PDF does not show %q", text)
			}
		}
		return nil
	}
}

func TestAccStatementDataSource_noStatementYet(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	loc := env.CreateLocation(t, "New office")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
data "sipstation_statement" "latest" {
  location_id = %q
}
`, loc.ID),
			ExpectError: expectDiag("No Statement Yet", strconv.Quote(loc.ID), fmt.Sprintf("day %d", loc.BillingDay), loc.AccountNumber),
		}},
	})
}

func TestAccStatementDataSource_arguments(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + `
data "sipstation_statement" "both" {
  id          = "stmt_1"
  location_id = "loc_1"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*Exactly one of these attributes must be\s+configured`),
			},
			{
				Config: env.ProviderConfig() + `
data "sipstation_statement" "neither" {
  include_pdf = true
}
`,
				ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*Exactly one of these attributes must be\s+configured`),
			},
			{
				Config: env.ProviderConfig() + `
data "sipstation_statement" "unknown" {
  id = "stmt_does_not_exist"
}
`,
				ExpectError: expectDiag("Cannot Read Statement", `"stmt_does_not_exist"`),
			},
		},
	})
}
