// Package provider is the Terraform provider for SIPStation: locations,
// local DIDs and toll-free numbers, statements, and the port-out guard that
// keeps Terraform from cancelling a number while a new carrier is porting it.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/apihttp"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

const (
	envEndpoint      = "SIPSTATION_ENDPOINT"
	envAPIKey        = "SIPSTATION_API_KEY"
	envAccountKey    = "SIPSTATION_ACCOUNT_KEY"
	envTrunkEndpoint = "SIPSTATION_TRUNK_ENDPOINT"

	registryURL = "https://registry.terraform.io/providers/sipstation-community/sipstation"
)

var (
	_ provider.Provider              = &SipstationProvider{}
	_ provider.ProviderWithFunctions = &SipstationProvider{}
)

// SipstationProvider is the provider. version is the release it was built as,
// "dev" for local builds and "test" in acceptance tests.
type SipstationProvider struct {
	version string
}

// providerModel is the provider block.
type providerModel struct {
	Endpoint       types.String `tfsdk:"endpoint"`
	APIKey         types.String `tfsdk:"api_key"`
	AccountKey     types.String `tfsdk:"account_key"`
	TrunkEndpoint  types.String `tfsdk:"trunk_endpoint"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	RefreshByList  types.Bool   `tfsdk:"refresh_by_list"`
}

// providerData is what Configure hands every resource and data source: a
// client per API that is configured, nil for one that is not, and the
// walk's number ledger. Terraform configures the provider once per walk
// (the plan of `terraform plan`, or each of `terraform apply`'s plan and
// apply), so what one providerData holds lasts one walk.
type providerData struct {
	v1     *sipstation.Client
	trunk  *trunk.Client
	ledger *numberLedger
}

// New returns the constructor main.go hands to providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &SipstationProvider{version: version}
	}
}

// Metadata sets the type name every resource and data source prefixes.
func (p *SipstationProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "sipstation"
	resp.Version = p.version
}

// Schema describes the provider block.
func (p *SipstationProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages a SIPStation account: its billed locations, the local DIDs and toll-free " +
			"numbers each location holds, and its statements.\n\n" +
			"The provider speaks two APIs, each selected by its own settings; give either pair alone, or both:\n\n" +
			"- **The SIPStation API v1** (`endpoint` and `api_key`): locations, ordering and cancelling numbers, " +
			"the port-out guard, statements. `sipstation_location`, `sipstation_did`, `sipstation_toll_free_number` " +
			"and the statement and number data sources need it.\n" +
			"- **The account-key API** (`account_key`, and `trunk_endpoint` which defaults to SIPStation's " +
			"`" + trunk.DefaultEndpoint + "`): the API FreePBX's SIPStation module calls with the account key from " +
			"the SIPStation portal. It shows the trunk and its numbers and sets their E911 addresses and failover: " +
			"`data.sipstation_trunk`, `sipstation_e911_address` and `sipstation_failover` need it. Its routes follow " +
			"the module's public source and are tested against the bundled emulator only.\n\n" +
			"A resource or data source whose API is not configured fails at plan, naming the settings it needs.\n\n" +
			"Removing a number from configuration **cancels its service**, and billing stops. While a new " +
			"carrier is porting a number away (a port-out is pending), the provider refuses to cancel it: " +
			"cancelling before the port completes can lose the number for good. After a port completes, " +
			"SIPStation keeps billing the number until it is cancelled, and every plan warns about it.\n\n" +
			"The provider checks the API key when it is configured, so a missing or refused key is one " +
			"error at plan time rather than one per resource.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the SIPStation API, without the `/v1` suffix, for example " +
					"`https://api.sipstation.example`. Defaults to the `" + envEndpoint + "` environment variable. " +
					"Plain `http://` is accepted only for a loopback host (such as the bundled emulator on " +
					"`http://127.0.0.1:8787`), so that the API key never crosses a network unencrypted.",
				Optional: true,
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "API key of the SIPStation account. One key sees every location of its " +
					"account and nothing of any other. Defaults to the `" + envAPIKey + "` environment variable; " +
					"prefer the variable, so the key stays out of configuration files.",
				Optional:  true,
				Sensitive: true,
			},
			"account_key": schema.StringAttribute{
				MarkdownDescription: "Account key of the SIPStation account, for the account-key API (the one " +
					"FreePBX's SIPStation module uses): the key the SIPStation store shows once the account has " +
					"service and a valid E911 address. It " +
					"travels in the request path, and the provider keeps it out of every log line and error. " +
					"Defaults to the `" + envAccountKey + "` environment variable; prefer the variable.",
				Optional:  true,
				Sensitive: true,
			},
			"trunk_endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the account-key API. Defaults to the `" + envTrunkEndpoint +
					"` environment variable, else to `" + trunk.DefaultEndpoint + "`, where FreePBX's module " +
					"calls it. The bundled emulator serves it at `http://127.0.0.1:8787/sipstation`. Plain " +
					"`http://` is accepted only for a loopback host.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried after a temporary outage (503, " +
					"other 5xx) or a connection error, with jittered backoff that honours `Retry-After`. " +
					"Other errors are never retried. Orders are safe to retry: each carries an idempotency " +
					"key, so a retry never orders a number twice. Defaults to the client's default; `0` " +
					"turns these retries off. A rate limit (429) is not counted here: the provider paces " +
					"its requests to the limit the API announces, and a request the API refused for the " +
					"limit was never executed, so it is retried after `Retry-After` for as long as the " +
					"operation has time left (its `timeouts`, or 10 minutes). Applies to both APIs.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one HTTP request may take before it is abandoned (and retried, " +
					"when retries are left), as a Go duration such as `30s` or `2m`. Defaults to the client's " +
					"default; applies to both APIs. The resources' `timeouts` blocks bound a whole operation instead.",
				Optional:   true,
				Validators: []validator.String{durationValidator{}},
			},
			"refresh_by_list": schema.BoolAttribute{
				MarkdownDescription: "When `true` (the default), a plan reads each location's numbers with one " +
					"paged list (1,000 numbers a request) instead of one request per number, and answers every " +
					"number of that location from it; a number missing from the list (moved, cancelled) is asked " +
					"for on its own. The list is kept for one Terraform command only, and a change the provider " +
					"makes to a location drops it. The check before cancelling a number always asks the API " +
					"directly. Set `false` to read every number on its own, for example to compare.",
				Optional: true,
			},
		},
	}
}

// Configure builds the API client and checks the key once, so that a missing
// or refused key is a single provider-level error instead of one per resource.
func (p *SipstationProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Values computed by other resources are unknown during plan: nothing can be
	// checked yet. Defer when the client allows it; otherwise leave the provider
	// unconfigured and let the resources say so if they need the API.
	if cfg.Endpoint.IsUnknown() || cfg.APIKey.IsUnknown() || cfg.AccountKey.IsUnknown() || cfg.TrunkEndpoint.IsUnknown() ||
		cfg.MaxRetries.IsUnknown() || cfg.RequestTimeout.IsUnknown() {
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		return
	}

	opts := apihttp.Options{
		UserAgent: userAgent(p.version, req.TerraformVersion),
		Log:       tflogHook,
	}
	if !cfg.MaxRetries.IsNull() {
		// The clients read 0 as "the default" and a negative value as "none".
		opts.MaxRetries = int(cfg.MaxRetries.ValueInt64())
		if opts.MaxRetries == 0 {
			opts.MaxRetries = -1
		}
	}
	// Off only when set to false; unknown at plan, it stays on.
	noSnapshot := !cfg.RefreshByList.IsNull() && !cfg.RefreshByList.IsUnknown() && !cfg.RefreshByList.ValueBool()
	if !cfg.RequestTimeout.IsNull() {
		// The validator already refused a malformed duration.
		d, err := time.ParseDuration(cfg.RequestTimeout.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid Request Timeout",
				fmt.Sprintf("%q is not a duration. Write a number with a unit, such as 30s or 2m.\n\n%s",
					cfg.RequestTimeout.ValueString(), err))
			return
		}
		opts.RequestTimeout = d
	}

	endpoint := stringOrEnv(cfg.Endpoint, envEndpoint)
	apiKey := stringOrEnv(cfg.APIKey, envAPIKey)
	accountKey := stringOrEnv(cfg.AccountKey, envAccountKey)
	trunkEndpoint := stringOrEnv(cfg.TrunkEndpoint, envTrunkEndpoint)
	// The v1 API is wanted when either of its settings is given (an empty
	// string in the provider block counts as given); the account-key API
	// when its key is.
	wantV1 := endpoint != "" || apiKey != "" || !cfg.Endpoint.IsNull() || !cfg.APIKey.IsNull()
	if trunkEndpoint != "" && accountKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("account_key"), "Missing SIPStation Account Key",
			"A trunk endpoint ("+trunkEndpoint+") is set, but no account key for it. Set the "+envAccountKey+
				" environment variable or `account_key` to the account key the SIPStation portal shows, or leave "+
				"`trunk_endpoint` and "+envTrunkEndpoint+" unset when you do not use the account-key API.")
		return
	}

	if !wantV1 && accountKey == "" {
		resp.Diagnostics.AddError("No SIPStation API Configured",
			"The provider needs the credentials of at least one SIPStation API:\n\n"+
				"- the SIPStation API v1 (locations, ordering and cancelling numbers, statements): set "+
				envEndpoint+" and "+envAPIKey+", or `endpoint` and `api_key` in the provider block;\n"+
				"- the account-key API that FreePBX's SIPStation module uses (the trunk, E911 addresses, failover): "+
				"set "+envAccountKey+" (the account key from the SIPStation portal), or `account_key`.")
		return
	}
	data := &providerData{ledger: newNumberLedger()}
	if wantV1 {
		data.v1 = p.configureV1(ctx, endpoint, apiKey, opts, noSnapshot, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if accountKey != "" {
		client, err := trunk.New(trunk.Config{Endpoint: trunkEndpoint, AccountKey: accountKey, ClientType: trunkClientType(p.version), Options: opts})
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("trunk_endpoint"), "Invalid SIPStation Trunk Endpoint",
				fmt.Sprintf("The provider cannot use the account-key API with this configuration. Use an https:// "+
					"trunk_endpoint (the default is %s); plain http:// is accepted only for a loopback host such as "+
					"the bundled emulator, so the account key never crosses a network unencrypted.\n\n%s",
					trunk.DefaultEndpoint, err))
			return
		}
		data.trunk = client
	}
	resp.ResourceData = data
	resp.DataSourceData = data
}

// configureV1 builds the v1 client and checks its key once, so that a
// missing or refused key is a single provider-level error instead of one per
// resource. It returns nil after adding an error.
func (p *SipstationProvider) configureV1(ctx context.Context, endpoint, apiKey string, opts apihttp.Options, noSnapshot bool, diags *diag.Diagnostics) *sipstation.Client {
	if endpoint == "" {
		diags.AddAttributeError(path.Root("endpoint"), "Missing SIPStation Endpoint",
			"The provider needs the base URL of the SIPStation API. Set `endpoint` in the provider block "+
				"or the "+envEndpoint+" environment variable, for example https://api.sipstation.example.")
	}
	if apiKey == "" {
		diags.AddAttributeError(path.Root("api_key"), "Missing SIPStation API Key",
			"The provider needs the API key of the SIPStation account. Set the "+envAPIKey+
				" environment variable (preferred, it keeps the key out of files) or `api_key` in the provider block.")
	}
	if diags.HasError() {
		return nil
	}
	client, err := sipstation.New(sipstation.Config{Endpoint: endpoint, APIKey: apiKey, NoSnapshot: noSnapshot, Options: opts})
	if err != nil {
		diags.AddAttributeError(path.Root("endpoint"), "Invalid SIPStation Endpoint",
			fmt.Sprintf("The provider cannot use the endpoint %q. Use an https:// URL; plain http:// is "+
				"accepted only for a loopback host such as the bundled emulator, so the API key never "+
				"crosses a network unencrypted.\n\n%s", endpoint, err))
		return nil
	}
	if err := client.CheckAuth(ctx); err != nil {
		if errors.Is(err, sipstation.ErrUnauthenticated) {
			diags.AddAttributeError(path.Root("api_key"), "SIPStation Refused the API Key",
				fmt.Sprintf("The API at %s refused the configured API key, so nothing can be read or changed. "+
					"Check the "+envAPIKey+" environment variable or `api_key`: the key may be mistyped, revoked, "+
					"or belong to another endpoint.\n\n%s", endpoint, err))
			return nil
		}
		diags.AddError("Cannot Reach the SIPStation API",
			fmt.Sprintf("The provider could not check its API key against %s, so it cannot plan. Check the "+
				"endpoint and the network, then try again.\n\n%s", endpoint, err))
		return nil
	}
	return client
}

// Resources lists the managed resources.
func (p *SipstationProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewLocationResource,
		NewDIDResource,
		NewTollFreeNumberResource,
		NewE911AddressResource,
		NewFailoverResource,
	}
}

// DataSources lists the data sources.
func (p *SipstationProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewStatementsDataSource,
		NewStatementDataSource,
		NewNumbersDataSource,
		NewAvailableNumbersDataSource,
		NewPortOutDetailsDataSource,
		NewTrunkDataSource,
	}
}

// Functions lists the provider-defined functions.
func (p *SipstationProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewNormalizeNumberFunction,
	}
}

// userAgent names the provider release, where to find it, and the Terraform
// version running it, so the API's operators can tell clients apart.
func userAgent(version, terraformVersion string) string {
	if terraformVersion == "" {
		terraformVersion = "unknown"
	}
	return fmt.Sprintf("terraform-provider-sipstation/%s (+%s) terraform/%s", version, registryURL, terraformVersion)
}

// stringOrEnv returns the configured value, or the environment variable when
// the attribute is not set.
func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// tflogHook sends the client's request log to Terraform's log (TF_LOG=debug).
// The client never passes the API key to it.
func tflogHook(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

// requireClient reports whether the provider has an API client; without one
// (its configuration was unknown when Terraform configured it) it says so.
func requireClient(client *sipstation.Client, diags *diag.Diagnostics) bool {
	if client != nil {
		return true
	}
	diags.AddError("Provider Not Configured",
		"The sipstation provider has no API client, because its endpoint or api_key depends on values that "+
			"are known only after apply. Apply the resources those values come from first (for example with "+
			"-target), or set SIPSTATION_ENDPOINT and SIPSTATION_API_KEY.")
	return false
}

// requireTrunkClient is requireClient for the account-key API.
func requireTrunkClient(client *trunk.Client, diags *diag.Diagnostics) bool {
	if client != nil {
		return true
	}
	diags.AddError("Provider Not Configured",
		"The sipstation provider has no client for the account-key API, because its account_key or "+
			"trunk_endpoint depends on values that are known only after apply. Apply the resources those values "+
			"come from first (for example with -target), or set "+envAccountKey+".")
	return false
}

// Where each API's credentials come from, for the errors of a resource or
// data source whose API is not configured.
const (
	needsV1 = "It needs the SIPStation API v1, which manages locations, orders and cancels numbers, guards " +
		"port-outs and serves statements, and the provider is configured without it. Set " + envEndpoint +
		" and " + envAPIKey + " (or `endpoint` and `api_key` in the provider block). The account-key API that " +
		"`account_key` selects shows the trunk and sets E911 addresses and failover only."
	needsTrunk = "It needs the account-key API, the one FreePBX's SIPStation module uses (the trunk, its " +
		"numbers, their E911 addresses and failover), and the provider is configured without it. Set " +
		envAccountKey + " (or `account_key` in the provider block) to the account key the SIPStation portal " +
		"shows; `trunk_endpoint` defaults to " + trunk.DefaultEndpoint + "."
)

// providerDataOf is the shared body of every Configure: nil data (validation
// runs before configuration) is fine, anything else but *providerData is a
// bug of this provider.
func providerDataOf(data any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if data == nil {
		return nil, diags
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *provider.providerData, got %T. This is a bug in the provider; please report it.", data))
	}
	return pd, diags
}

// clientFromProviderData is the shared body of the Configure of every
// resource and data source of the v1 API: it returns the v1 client, or an
// error when the provider is configured without that API, which fails the
// plan of any configuration that uses one.
func clientFromProviderData(data any) (*sipstation.Client, diag.Diagnostics) {
	pd, diags := v1ProviderData(data)
	if pd == nil {
		return nil, diags
	}
	return pd.v1, diags
}

// v1ProviderData is clientFromProviderData for the resources that also
// record in the walk's number ledger (numbers, locations): the provider data
// when the v1 API is configured, else nil (with an error unless data is
// nil).
func v1ProviderData(data any) (*providerData, diag.Diagnostics) {
	pd, diags := providerDataOf(data)
	if pd == nil {
		return nil, diags
	}
	if pd.v1 == nil {
		diags.AddError("SIPStation API v1 Not Configured", needsV1)
		return nil, diags
	}
	return pd, diags
}

// trunkClientFromProviderData is clientFromProviderData for the resources
// and data sources of the account-key API.
func trunkClientFromProviderData(data any) (*trunk.Client, diag.Diagnostics) {
	pd, diags := providerDataOf(data)
	if pd == nil {
		return nil, diags
	}
	if pd.trunk == nil {
		diags.AddError("SIPStation Account Key Not Configured", needsTrunk)
	}
	return pd.trunk, diags
}
