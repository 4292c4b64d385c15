package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

var (
	_ datasource.DataSource                     = &StatementDataSource{}
	_ datasource.DataSourceWithConfigure        = &StatementDataSource{}
	_ datasource.DataSourceWithConfigValidators = &StatementDataSource{}
)

// StatementDataSource is data "sipstation_statement": one statement, by id or
// the latest of a location, optionally with its PDF.
type StatementDataSource struct {
	client *sipstation.Client
}

// NewStatementDataSource returns the sipstation_statement data source.
func NewStatementDataSource() datasource.DataSource {
	return &StatementDataSource{}
}

type statementDataSourceModel struct {
	statementDataModel
	IncludePDF types.Bool   `tfsdk:"include_pdf"`
	PDFBase64  types.String `tfsdk:"pdf_base64"`
}

// Metadata names the data source.
func (d *StatementDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_statement"
}

// Schema describes the data source.
func (d *StatementDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := statementAttributes()
	attrs["id"] = schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: "The statement to read. Give either `id` or `location_id`.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["location_id"] = schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "Read the latest statement of this location. Give either `id` or `location_id`. " +
			"Reading fails while the location has no statement yet: the first one is issued on its first billing day.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["include_pdf"] = schema.BoolAttribute{
		Optional:            true,
		MarkdownDescription: "Also download the statement's PDF into `pdf_base64`. Defaults to `false`.",
	}
	attrs["pdf_base64"] = schema.StringAttribute{
		Computed: true,
		MarkdownDescription: "The statement as a PDF, base64-encoded; null unless `include_pdf = true`. The PDF " +
			"shows the account number, the organization and every billed number: the bill a gaining carrier asks " +
			"for with a port-out request. Write it to a file with `terraform output -raw <name> | base64 -d > " +
			"statement.pdf`, or with the `content_base64` argument of a `local_file` resource. The PDF is kept " +
			"in state like any attribute.",
	}

	resp.Schema = schema.Schema{
		MarkdownDescription: "One statement (monthly bill) of a location: by `id`, or the latest one of a " +
			"`location_id`, with its PDF on request.\n\n" +
			"When you port numbers out, the gaining carrier usually asks for a copy of your most recent bill, and " +
			"its Letter of Authorization (LOA) asks for the `account_number` printed on it. Read the latest " +
			"statement with `include_pdf = true` to hand over both. The line items also show numbers that were " +
			"ported out but are still billed, and any early port-out fee.",
		Attributes: attrs,
	}
}

// ConfigValidators requires exactly one way of choosing the statement.
func (d *StatementDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("location_id")),
	}
}

// Configure takes the provider's client.
func (d *StatementDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	client, diags := clientFromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.client = client
}

// Read fetches the statement and, when asked, its PDF.
func (d *StatementDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.client, &resp.Diagnostics) {
		return
	}
	var data statementDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var statement sipstation.Statement
	if !data.ID.IsNull() {
		s, err := d.client.GetStatement(ctx, data.ID.ValueString())
		if err != nil {
			detail := fmt.Sprintf("SIPStation did not return statement %q. Plan again once the API answers.\n\n%s",
				data.ID.ValueString(), err)
			if errors.Is(err, sipstation.ErrNotFound) {
				detail = fmt.Sprintf("Statement %q was not found in this account. Check the id, or use location_id "+
					"to read a location's latest statement.\n\n%v", data.ID.ValueString(), err)
			}
			resp.Diagnostics.AddError("Cannot Read Statement", detail)
			return
		}
		statement = *s
	} else {
		s, ok := d.latest(ctx, data.LocationID.ValueString(), resp)
		if !ok {
			return
		}
		statement = s
	}

	includePDF := data.IncludePDF.ValueBool()
	data.statementDataModel = newStatementDataModel(d.client, statement)
	data.PDFBase64 = types.StringNull()
	if includePDF {
		pdf, err := d.client.StatementPDF(ctx, statement.ID)
		if err != nil {
			resp.Diagnostics.AddError("Cannot Download Statement PDF",
				fmt.Sprintf("SIPStation did not send the PDF of statement %q (%s). Plan again once the API "+
					"answers, or set include_pdf = false to read the statement without it.\n\n%s",
					statement.ID, statement.Date, err))
			return
		}
		data.PDFBase64 = types.StringValue(base64.StdEncoding.EncodeToString(pdf))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// latest returns the newest statement of a location, or reports why there is
// none.
func (d *StatementDataSource) latest(ctx context.Context, locationID string, resp *datasource.ReadResponse) (sipstation.Statement, bool) {
	statements, err := d.client.ListStatements(ctx, locationID, sipstation.StatementFilter{})
	if err != nil {
		resp.Diagnostics.AddError("Cannot Read Latest Statement", locationErrorDetail(locationID, "list the statements of", err))
		return sipstation.Statement{}, false
	}
	if newest, ok := newestStatement(statements); ok {
		return newest, true
	}

	// No statement yet: say when the first one comes, which needs the
	// location's billing day.
	location, err := d.client.GetLocation(ctx, locationID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Read Latest Statement", locationErrorDetail(locationID, "read", err))
		return sipstation.Statement{}, false
	}
	resp.Diagnostics.AddAttributeError(path.Root("location_id"), "No Statement Yet",
		fmt.Sprintf("Location %q (%s) has no statement yet. Statements are issued on the location's billing day, "+
			"day %d of each month; the first one comes on the first billing day after "+
			"the location was created.\n\nIf a gaining carrier needs the account number for a port-out "+
			"before then, it is %s (also the account_number attribute of the sipstation_location resource).",
			locationID, location.Name, location.BillingDay, location.AccountNumber))
	return sipstation.Statement{}, false
}
