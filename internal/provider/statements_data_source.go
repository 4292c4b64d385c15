package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

var (
	_ datasource.DataSource                   = &StatementsDataSource{}
	_ datasource.DataSourceWithConfigure      = &StatementsDataSource{}
	_ datasource.DataSourceWithValidateConfig = &StatementsDataSource{}
)

// StatementsDataSource is data "sipstation_statements": a location's
// statements, newest first.
type StatementsDataSource struct {
	client *sipstation.Client
}

// NewStatementsDataSource returns the sipstation_statements data source.
func NewStatementsDataSource() datasource.DataSource {
	return &StatementsDataSource{}
}

type statementsDataSourceModel struct {
	LocationID types.String         `tfsdk:"location_id"`
	From       types.String         `tfsdk:"from"`
	To         types.String         `tfsdk:"to"`
	Statements []statementDataModel `tfsdk:"statements"`
}

// Metadata names the data source.
func (d *StatementsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_statements"
}

// Schema describes the data source.
func (d *StatementsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The statements (monthly bills) of one location, newest first. SIPStation issues one " +
			"statement per location on the location's billing day.\n\n" +
			"Statements matter when you port numbers out: the gaining carrier usually asks for your most recent " +
			"bill, and its Letter of Authorization asks for the account number printed on it. They also show " +
			"what you still pay for: a number that was ported out keeps a line on every statement until it is " +
			"cancelled, and a number held under 90 days when its port-out completed carries an early port-out " +
			"fee (`kind = \"port_out_fee\"`). For the latest statement and its PDF, use `sipstation_statement`.",
		Attributes: map[string]schema.Attribute{
			"location_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The location whose statements to list.",
			},
			"from": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only statements dated on or after this day (`YYYY-MM-DD`).",
				Validators:          []validator.String{dateValidator{}},
			},
			"to": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only statements dated on or before this day (`YYYY-MM-DD`).",
				Validators:          []validator.String{dateValidator{}},
			},
			"statements": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The statements, newest first; empty before the location's first billing day.",
				NestedObject:        schema.NestedAttributeObject{Attributes: statementAttributes()},
			},
		},
	}
}

// Configure takes the provider's client.
func (d *StatementsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	client, diags := clientFromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.client = client
}

// ValidateConfig rejects a date range that ends before it starts, which
// would silently list nothing.
func (d *StatementsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var config statementsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	from, to := config.From, config.To
	if from.IsNull() || from.IsUnknown() || to.IsNull() || to.IsUnknown() {
		return
	}
	// Both are YYYY-MM-DD (the attribute validators check that), so they
	// compare as strings.
	if from.ValueString() > to.ValueString() {
		resp.Diagnostics.AddAttributeError(path.Root("to"), "Invalid Date Range",
			fmt.Sprintf("to (%s) is before from (%s); no statement could match. Swap them or widen the range.",
				to.ValueString(), from.ValueString()))
	}
}

// Read lists the statements.
func (d *StatementsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.client, &resp.Diagnostics) {
		return
	}
	var data statementsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}

	locationID := data.LocationID.ValueString()
	statements, err := d.client.ListStatements(ctx, locationID, sipstation.StatementFilter{
		From: data.From.ValueString(),
		To:   data.To.ValueString(),
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot List Statements", locationErrorDetail(locationID, "list the statements of", err))
		return
	}

	// Newest first is the documented order; hold to it whatever order the
	// pages came in.
	slices.SortStableFunc(statements, func(a, b sipstation.Statement) int { return strings.Compare(b.Date, a.Date) })
	data.Statements = make([]statementDataModel, 0, len(statements))
	for _, s := range statements {
		data.Statements = append(data.Statements, newStatementDataModel(d.client, s))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
