package bench

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// NoopAddress is where Terraform finds the do-nothing provider.
const NoopAddress = "registry.terraform.io/bench/noop"

// NewNoop is a framework provider whose one resource, noop_number, has six
// attributes and a Read that does nothing: the floor of what any framework
// provider costs per resource, to set this provider's cost against.
func NewNoop() provider.Provider { return &noopProvider{} }

type noopProvider struct{}

func (*noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (*noopProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (*noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (*noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &noopNumber{} }}
}

func (*noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type noopNumber struct{}

type noopModel struct {
	ID            types.String `tfsdk:"id"`
	LocationID    types.String `tfsdk:"location_id"`
	Number        types.String `tfsdk:"number"`
	Description   types.String `tfsdk:"description"`
	Status        types.String `tfsdk:"status"`
	BillingActive types.Bool   `tfsdk:"billing_active"`
}

func (*noopNumber) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "noop_number"
}

func (*noopNumber) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":             schema.StringAttribute{Required: true},
		"location_id":    schema.StringAttribute{Required: true},
		"number":         schema.StringAttribute{Required: true},
		"description":    schema.StringAttribute{Optional: true},
		"status":         schema.StringAttribute{Optional: true},
		"billing_active": schema.BoolAttribute{Optional: true},
	}}
}

func (*noopNumber) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m noopModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read does nothing: the state stays as it is.
func (*noopNumber) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (*noopNumber) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m noopModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (*noopNumber) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
