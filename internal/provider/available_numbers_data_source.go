package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

var (
	_ datasource.DataSource                   = &AvailableNumbersDataSource{}
	_ datasource.DataSourceWithConfigure      = &AvailableNumbersDataSource{}
	_ datasource.DataSourceWithValidateConfig = &AvailableNumbersDataSource{}
)

// The API's own bounds of limit; the default is stated here too so that
// state shows the limit that applied.
const (
	availableNumbersDefaultLimit = 20
	availableNumbersMaxLimit     = 1000
)

// AvailableNumbersDataSource is data "sipstation_available_numbers": numbers
// free to order, to pick one for a sipstation_did or
// sipstation_toll_free_number.
type AvailableNumbersDataSource struct {
	client *sipstation.Client
}

// NewAvailableNumbersDataSource returns the sipstation_available_numbers data source.
func NewAvailableNumbersDataSource() datasource.DataSource {
	return &AvailableNumbersDataSource{}
}

type availableNumbersDataSourceModel struct {
	Type     types.String               `tfsdk:"type"`
	AreaCode types.String               `tfsdk:"area_code"`
	Limit    types.Int64                `tfsdk:"limit"`
	Numbers  []availableNumberDataModel `tfsdk:"numbers"`
}

type availableNumberDataModel struct {
	Number      types.String `tfsdk:"number"`
	Type        types.String `tfsdk:"type"`
	MonthlyRate types.String `tfsdk:"monthly_rate"`
}

// Metadata names the data source.
func (d *AvailableNumbersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_available_numbers"
}

// Schema describes the data source.
func (d *AvailableNumbersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Numbers that SIPStation has free to order, local or toll-free, optionally in one area " +
			"code: pick one and write it as `number` of a `sipstation_did` or `sipstation_toll_free_number`.\n\n" +
			"The list is a snapshot taken when Terraform reads the data source. Nothing is reserved: another " +
			"customer may order a listed number before your apply, which then fails with the number unavailable; " +
			"plan again to get a fresh list.\n\n" +
			"Copy the number you pick into the configuration as a literal. A `number` that refers to this data " +
			"source (`numbers[0].number`) changes at the next plan, because the number you ordered is no longer " +
			"free: Terraform would then replace the resource, cancelling your number and ordering another. If " +
			"you must refer to it, add `lifecycle { ignore_changes = [number] }` to the resource.\n\n" +
			"To order whichever local number is free in an area code, you need no list: give `sipstation_did` an " +
			"`area_code` instead of a `number`.",
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Which numbers to list: `local` (DIDs, the default) or `toll_free`.",
				Validators:          []validator.String{stringvalidator.OneOf(sipstation.TypeLocal, sipstation.TypeTollFree)},
			},
			"area_code": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only numbers in this area code. For local numbers a NANP area code such as " +
					"`\"415\"`; for toll-free numbers a toll-free prefix: " + prefixList() + ". Omit it to list " +
					"numbers of any area code.",
			},
			"limit": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: fmt.Sprintf("At most this many numbers, from 1 to %d; %d when omitted. SIPStation "+
					"offers a sample to pick from, not its whole inventory.", availableNumbersMaxLimit, availableNumbersDefaultLimit),
				Validators: []validator.Int64{int64validator.Between(1, availableNumbersMaxLimit)},
			},
			"numbers": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "The free numbers, in the order SIPStation offers them; empty when the area " +
					"code has none free.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"number": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The number in E.164 form, such as `+14155550123`.",
						},
						"type": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "`local` or `toll_free`.",
						},
						"monthly_rate": schema.StringAttribute{
							Computed: true,
							MarkdownDescription: "What the number would cost a month in USD once ordered, a decimal " +
								"string such as `\"1.50\"`.",
						},
					},
				},
			},
		},
	}
}

// prefixList is the toll-free prefixes as Markdown code spans.
func prefixList() string {
	quoted := make([]string, 0, len(phonenumber.TollFreePrefixes))
	for _, p := range phonenumber.TollFreePrefixes {
		quoted = append(quoted, "`\""+p+"\"`")
	}
	return strings.Join(quoted, ", ")
}

// Configure takes the provider's client.
func (d *AvailableNumbersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	client, diags := clientFromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.client = client
}

// ValidateConfig checks area_code against type: what an area code may be
// depends on whether local or toll-free numbers are listed, and a wrong one
// would silently list nothing.
func (d *AvailableNumbersDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var config availableNumbersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || config.AreaCode.IsNull() || config.AreaCode.IsUnknown() || config.Type.IsUnknown() {
		return
	}
	code := config.AreaCode.ValueString()
	tollFreePrefix := slices.Contains(phonenumber.TollFreePrefixes, code)
	switch {
	case config.Type.ValueString() == sipstation.TypeTollFree && !tollFreePrefix:
		resp.Diagnostics.AddAttributeError(path.Root("area_code"), "Invalid Toll-Free Prefix",
			fmt.Sprintf("%q is no toll-free prefix. With type = \"toll_free\", area_code is one of %s; omit it to "+
				"list toll-free numbers of any prefix.", code, strings.Join(phonenumber.TollFreePrefixes, ", ")))
	case config.Type.ValueString() != sipstation.TypeTollFree && tollFreePrefix:
		resp.Diagnostics.AddAttributeError(path.Root("area_code"), "Invalid Area Code",
			fmt.Sprintf("%s is a toll-free prefix, and local numbers are listed. Set type = \"toll_free\" to list "+
				"toll-free numbers with this prefix, or give a local area code such as \"415\".", code))
	case !tollFreePrefix:
		if msg := areaCodeProblem(code); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("area_code"), "Invalid Area Code", msg)
		}
	}
}

// Read lists the available numbers.
func (d *AvailableNumbersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.client, &resp.Diagnostics) {
		return
	}
	var data availableNumbersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if data.Type.IsNull() {
		data.Type = types.StringValue(sipstation.TypeLocal)
	}
	if data.Limit.IsNull() {
		data.Limit = types.Int64Value(availableNumbersDefaultLimit)
	}

	numbers, err := d.client.ListAvailableNumbers(ctx, sipstation.AvailableNumbersQuery{
		Type:     data.Type.ValueString(),
		AreaCode: data.AreaCode.ValueString(),
		Limit:    int(data.Limit.ValueInt64()),
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot List Available Numbers",
			fmt.Sprintf("SIPStation did not list the numbers free to order, so the data source has no result. "+
				"Plan again once the API answers.\n\n%s", err))
		return
	}

	data.Numbers = make([]availableNumberDataModel, 0, len(numbers))
	for _, n := range numbers {
		data.Numbers = append(data.Numbers, availableNumberDataModel{
			Number:      types.StringValue(n.Number),
			Type:        types.StringValue(n.Type),
			MonthlyRate: types.StringValue(n.MonthlyRate),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
