package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// This file holds what the statement and number data sources share: the
// statement model and attributes (used by sipstation_statements and
// sipstation_statement), and small conversions from the wire types.

// statementDataModel is one statement as the data sources expose it. Money
// stays a decimal string as the API sends it ("25.00"), so no amount is ever
// rounded through a float.
type statementDataModel struct {
	ID                types.String        `tfsdk:"id"`
	LocationID        types.String        `tfsdk:"location_id"`
	Date              types.String        `tfsdk:"date"`
	PeriodStart       types.String        `tfsdk:"period_start"`
	PeriodEnd         types.String        `tfsdk:"period_end"`
	AccountNumber     types.String        `tfsdk:"account_number"`
	Total             types.String        `tfsdk:"total"`
	OutstandingAmount types.String        `tfsdk:"outstanding_amount"`
	Currency          types.String        `tfsdk:"currency"`
	LineItems         []lineItemDataModel `tfsdk:"line_items"`
	PDFURL            types.String        `tfsdk:"pdf_url"`
	CDRsURL           types.String        `tfsdk:"cdrs_url"`
	SMSURL            types.String        `tfsdk:"sms_url"`
}

type lineItemDataModel struct {
	Kind        types.String `tfsdk:"kind"`
	Number      types.String `tfsdk:"number"`
	Description types.String `tfsdk:"description"`
	Amount      types.String `tfsdk:"amount"`
}

// newStatementDataModel converts a wire statement; links become absolute URLs
// on the configured endpoint so they can be fetched or shown as they are.
func newStatementDataModel(c *sipstation.Client, s sipstation.Statement) statementDataModel {
	items := make([]lineItemDataModel, 0, len(s.LineItems))
	for _, li := range s.LineItems {
		items = append(items, lineItemDataModel{
			Kind:        types.StringValue(li.Kind),
			Number:      stringOrNull(li.Number),
			Description: types.StringValue(li.Description),
			Amount:      types.StringValue(li.Amount),
		})
	}
	return statementDataModel{
		ID:                types.StringValue(s.ID),
		LocationID:        types.StringValue(s.LocationID),
		Date:              types.StringValue(s.Date),
		PeriodStart:       types.StringValue(s.PeriodStart),
		PeriodEnd:         types.StringValue(s.PeriodEnd),
		AccountNumber:     types.StringValue(s.AccountNumber),
		Total:             types.StringValue(s.Total),
		OutstandingAmount: types.StringValue(s.OutstandingAmount),
		Currency:          types.StringValue(s.Currency),
		LineItems:         items,
		PDFURL:            linkURL(c, s.Links.PDF),
		CDRsURL:           linkURL(c, s.Links.CDRs),
		SMSURL:            linkURL(c, s.Links.SMS),
	}
}

// statementAttributes are the computed attributes of one statement. The
// singular data source overrides id and location_id, which it also takes as
// arguments.
func statementAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The statement's identifier.",
		},
		"location_id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The location billed by this statement. Each location of an account is billed on its own.",
		},
		"date": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The statement date (`YYYY-MM-DD`): the location's billing day on which it was issued.",
		},
		"period_start": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "First day of the billed period (`YYYY-MM-DD`).",
		},
		"period_end": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Last day of the billed period (`YYYY-MM-DD`).",
		},
		"account_number": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "The account number printed at the top of the statement. A gaining carrier's " +
				"Letter of Authorization (LOA) asks for it when you port numbers out.",
		},
		"total": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The statement total, a decimal string such as `\"27.50\"`.",
		},
		"outstanding_amount": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "What is still unpaid of this statement, a decimal string such as `\"0.00\"`.",
		},
		"currency": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The currency of all amounts, `USD`.",
		},
		"line_items": schema.ListNestedAttribute{
			Computed: true,
			MarkdownDescription: "The charges on the statement. Every billed number has a line, including numbers " +
				"that were ported out but not cancelled: billing goes on until they are cancelled.",
			NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"kind": schema.StringAttribute{
						Computed: true,
						MarkdownDescription: "What the line charges for: `did` (a local number's monthly rate), " +
							"`toll_free` (a toll-free number's monthly rate), `port_out_fee` (the early port-out fee " +
							"of a number held under 90 days when its port-out completed) or `usage`.",
					},
					"number": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "The number charged for, in E.164 form; null for lines not tied to one number.",
					},
					"description": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "The line's text as printed on the statement.",
					},
					"amount": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "The amount, a decimal string such as `\"25.00\"`.",
					},
				},
			},
		},
		"pdf_url": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "Absolute URL of the statement as a PDF, showing the account number, the organization " +
				"and every billed number. Fetching it needs the API key; use `sipstation_statement` with " +
				"`include_pdf = true` to get the file itself.",
		},
		"cdrs_url": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Absolute URL of the period's call detail records (CSV). Fetching it needs the API key.",
		},
		"sms_url": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Absolute URL of the period's SMS records (CSV). Fetching it needs the API key.",
		},
	}
}

// linkURL is a link from the API as an absolute URL, or null when the API
// gave none.
func linkURL(c *sipstation.Client, link string) types.String {
	return stringOrNull(c.LinkURL(link))
}

// locationErrorDetail explains a failed call about a location; a 404 means
// the id is wrong or belongs to another account, which the API does not tell
// apart.
func locationErrorDetail(locationID, doing string, err error) string {
	if errors.Is(err, sipstation.ErrNotFound) {
		return fmt.Sprintf("Location %q was not found in this account. Check location_id: it must be the id of a "+
			"location of the account the API key belongs to (for example sipstation_location.<name>.id).\n\n%v", locationID, err)
	}
	return fmt.Sprintf("SIPStation did not %s location %q. Plan again once the API answers.\n\n%v", doing, locationID, err)
}
