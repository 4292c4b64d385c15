package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

var (
	_ datasource.DataSource              = &NumbersDataSource{}
	_ datasource.DataSourceWithConfigure = &NumbersDataSource{}
)

// NumbersDataSource is data "sipstation_numbers": the number inventory of a
// location or of the whole account, whatever declared the numbers.
type NumbersDataSource struct {
	client *sipstation.Client
}

// NewNumbersDataSource returns the sipstation_numbers data source.
func NewNumbersDataSource() datasource.DataSource {
	return &NumbersDataSource{}
}

type numbersDataSourceModel struct {
	LocationID         types.String      `tfsdk:"location_id"`
	Type               types.String      `tfsdk:"type"`
	Status             types.String      `tfsdk:"status"`
	BilledAfterPortOut types.Bool        `tfsdk:"billed_after_port_out"`
	Numbers            []numberDataModel `tfsdk:"numbers"`
}

type numberDataModel struct {
	Number          types.String `tfsdk:"number"`
	Type            types.String `tfsdk:"type"`
	LocationID      types.String `tfsdk:"location_id"`
	Description     types.String `tfsdk:"description"`
	Status          types.String `tfsdk:"status"`
	BillingActive   types.Bool   `tfsdk:"billing_active"`
	MonthlyRate     types.String `tfsdk:"monthly_rate"`
	ActivatedAt     types.String `tfsdk:"activated_at"`
	PortOut         types.Object `tfsdk:"port_out"`
	EarlyPortOutFee types.String `tfsdk:"early_port_out_fee"`
}

// Metadata names the data source.
func (d *NumbersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_numbers"
}

// Schema describes the data source.
func (d *NumbersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The numbers (local DIDs and toll-free numbers) that SIPStation holds for one location " +
			"or for the whole account, whether or not any Terraform configuration declares them.\n\n" +
			"After a port-out completes, SIPStation keeps billing the ported number until it is cancelled. " +
			"With `billed_after_port_out = true` this data source lists exactly those numbers, so a `check` block " +
			"or a postcondition can fail a pipeline on numbers you no longer have but still pay for, including " +
			"numbers ordered by hand in the web store. Cancel such a number by removing its resource, or, if no " +
			"configuration declares it, by importing it and then removing it.",
		Attributes: map[string]schema.Attribute{
			"location_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only numbers of this location. Omit it for the whole account.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only numbers of this type: `local` (DIDs) or `toll_free`.",
				Validators:          []validator.String{stringvalidator.OneOf(sipstation.TypeLocal, sipstation.TypeTollFree)},
			},
			"status": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only numbers in this status: `active`, `port_out_pending` (a gaining carrier " +
					"has requested the number; cancelling it now would lose it) or `ported_out` (the port completed; " +
					"the number may still be billed). Cancelled numbers leave the inventory.",
				Validators: []validator.String{stringvalidator.OneOf(
					sipstation.StatusActive, sipstation.StatusPortOutPending, sipstation.StatusPortedOut)},
			},
			"billed_after_port_out": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "`true`: only numbers that were ported out and are still billed (status " +
					"`ported_out` with `billing_active = true`), which only a cancel stops. `false`: only the other " +
					"numbers. Omit it to list both.",
			},
			"numbers": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The numbers that match, ordered by number.",
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
						"location_id": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The location that holds and is billed for the number.",
						},
						"description": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The number's description.",
						},
						"status": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "`active`, `port_out_pending` or `ported_out`.",
						},
						"billing_active": schema.BoolAttribute{
							Computed: true,
							MarkdownDescription: "Whether the number is billed. Stays `true` after a port-out " +
								"completes, until the number is cancelled.",
						},
						"monthly_rate": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The monthly rate in USD, a decimal string such as `\"1.50\"`.",
						},
						"activated_at": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "When the number was activated (RFC 3339, UTC).",
						},
						"port_out": schema.SingleNestedAttribute{
							Computed: true,
							MarkdownDescription: "The number's port-out, requested by a gaining carrier; null when " +
								"none was ever requested.",
							Attributes: map[string]schema.Attribute{
								"status": schema.StringAttribute{
									Computed:            true,
									MarkdownDescription: "`pending`, `completed`, `rejected` or `cancelled`.",
								},
								"carrier_name": schema.StringAttribute{
									Computed:            true,
									MarkdownDescription: "The gaining carrier.",
								},
								"foc_date": schema.StringAttribute{
									Computed: true,
									MarkdownDescription: "The firm order commitment date (`YYYY-MM-DD`) on which the " +
										"number moves; the requested date until the carriers confirm one.",
								},
								"completed_at": schema.StringAttribute{
									Computed:            true,
									MarkdownDescription: "When the port completed (RFC 3339, UTC); null until then.",
								},
							},
						},
						"early_port_out_fee": schema.StringAttribute{
							Computed: true,
							MarkdownDescription: "The fee charged on the next statement because the number was held " +
								"under 90 days when its port-out completed, such as `\"25.00\"`; null when none applies.",
						},
					},
				},
			},
		},
	}
}

// Configure takes the provider's client.
func (d *NumbersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	client, diags := clientFromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.client = client
}

// Read lists the numbers.
func (d *NumbersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.client, &resp.Diagnostics) {
		return
	}
	var data numbersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// The API lists nothing for a location id it does not know. Check the
	// location first, so that a mistyped id fails instead of passing every
	// check on the numbers as an empty list.
	if !data.LocationID.IsNull() {
		if _, err := d.client.GetLocation(ctx, data.LocationID.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("location_id"), "Cannot List Numbers",
				locationErrorDetail(data.LocationID.ValueString(), "read", err))
			return
		}
	}

	filter := sipstation.NumberFilter{
		LocationID: data.LocationID.ValueString(),
		Type:       data.Type.ValueString(),
		Status:     data.Status.ValueString(),
	}
	// Only ported numbers can be billed after a port-out; let the API narrow
	// the list when the user did not pick a status.
	if data.BilledAfterPortOut.ValueBool() && filter.Status == "" {
		filter.Status = sipstation.StatusPortedOut
	}
	numbers, err := d.client.ListNumbers(ctx, filter)
	if err != nil {
		resp.Diagnostics.AddError("Cannot List Numbers",
			fmt.Sprintf("SIPStation did not list the numbers, so the data source has no result. Plan again once "+
				"the API answers.\n\n%s", err))
		return
	}

	slices.SortFunc(numbers, func(a, b sipstation.Number) int { return strings.Compare(a.Number, b.Number) })
	data.Numbers = make([]numberDataModel, 0, len(numbers))
	for _, n := range numbers {
		if !data.BilledAfterPortOut.IsNull() && n.BilledAfterPortOut() != data.BilledAfterPortOut.ValueBool() {
			continue
		}
		m, diags := newNumberDataModel(ctx, n)
		resp.Diagnostics.Append(diags...)
		data.Numbers = append(data.Numbers, m)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

func newNumberDataModel(ctx context.Context, n sipstation.Number) (numberDataModel, diag.Diagnostics) {
	portOut, diags := portOutObject(ctx, &n)
	return numberDataModel{
		Number:          types.StringValue(n.Number),
		Type:            types.StringValue(n.Type),
		LocationID:      types.StringValue(n.LocationID),
		Description:     types.StringValue(n.Description),
		Status:          types.StringValue(n.Status),
		BillingActive:   types.BoolValue(n.Billing.Active),
		MonthlyRate:     types.StringValue(n.Billing.MonthlyRate),
		ActivatedAt:     types.StringValue(n.ActivatedAt.UTC().Format(time.RFC3339)),
		PortOut:         portOut,
		EarlyPortOutFee: types.StringPointerValue(n.EarlyPortOutFee),
	}, diags
}
