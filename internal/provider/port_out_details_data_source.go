package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

var (
	_ datasource.DataSource                   = &PortOutDetailsDataSource{}
	_ datasource.DataSourceWithConfigure      = &PortOutDetailsDataSource{}
	_ datasource.DataSourceWithValidateConfig = &PortOutDetailsDataSource{}
)

// earlyPortOutFee is what SIPStation charges for a number whose port-out
// completes under earlyPortOutPeriod after it was activated. The API shows
// the fee on a number (early_port_out_fee) only once its port has completed,
// never the fee a number would cost, so the provider states the rate it
// knows: the one api.md gives and the bundled emulator charges.
const (
	earlyPortOutFee    = "25.00"
	earlyPortOutPeriod = 90 * 24 * time.Hour
)

// PortOutDetailsDataSource is data "sipstation_port_out_details": everything
// a gaining carrier's Letter of Authorization asks for, for numbers of one
// location, checked before the request is made.
type PortOutDetailsDataSource struct {
	client *sipstation.Client
}

// NewPortOutDetailsDataSource returns the sipstation_port_out_details data source.
func NewPortOutDetailsDataSource() datasource.DataSource {
	return &PortOutDetailsDataSource{}
}

type portOutDetailsModel struct {
	LocationID         types.String           `tfsdk:"location_id"`
	Numbers            types.List             `tfsdk:"numbers"`
	PortDate           types.String           `tfsdk:"port_date"`
	AccountNumber      types.String           `tfsdk:"account_number"`
	OrganizationName   types.String           `tfsdk:"organization_name"`
	ServiceAddress     *addressModel          `tfsdk:"service_address"`
	LocalNumbers       []types.String         `tfsdk:"local_numbers"`
	TollFreeNumbers    []types.String         `tfsdk:"toll_free_numbers"`
	EarlyPortOutFees   []earlyPortOutFeeModel `tfsdk:"early_port_out_fees"`
	StatementDate      types.String           `tfsdk:"statement_date"`
	StatementPDFBase64 types.String           `tfsdk:"statement_pdf_base64"`
}

type earlyPortOutFeeModel struct {
	Number      types.String `tfsdk:"number"`
	ActivatedAt types.String `tfsdk:"activated_at"`
	Fee         types.String `tfsdk:"fee"`
	FeeFreeFrom types.String `tfsdk:"fee_free_from"`
}

// Metadata names the data source.
func (d *PortOutDetailsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_port_out_details"
}

// Schema describes the data source.
func (d *PortOutDetailsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedString := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Everything a gaining carrier's Letter of Authorization (LOA) asks for when you port " +
			"numbers away from SIPStation, for numbers of one location: the `organization_name` and " +
			"`service_address` exactly as SIPStation has them on file, the `account_number` printed on the " +
			"location's statements, the numbers in E.164 split into local and toll-free (new carriers often want " +
			"a separate LOA for each type), the early port-out fee of each number held under 90 days, and the " +
			"latest statement as a PDF, which the new carrier usually asks for too.\n\n" +
			"List only the numbers that are leaving. Reading fails, with one error per number, for a number " +
			"that is not on the location, not in the account (never held, cancelled, or ported and cancelled), " +
			"already ported out, or already being ported out (that port is under way; do not cancel the number). " +
			"It warns for each number that would cost the early port-out fee, when the location has no " +
			"organization name or service address on file, and when no statement has been issued yet.\n\n" +
			"You never request the port-out from SIPStation: the new carrier does, with the LOA. Keep the numbers " +
			"in your configuration until the port completes, then remove them to cancel the service, which " +
			"SIPStation keeps billing otherwise.",
		Attributes: map[string]schema.Attribute{
			"location_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The location that holds the numbers, such as `sipstation_location.office.id`. " +
					"Each location has its own account number, so numbers of two locations need two LOAs (and two " +
					"of these data sources).",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"numbers": schema.ListAttribute{
				Required:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The numbers to port away, in any common form (`+14155550123`, `415-555-0123`, " +
					"`(415) 555-0123`, `4155550123`). Only the numbers that are leaving: an LOA that lists a number " +
					"you keep ports that one away too.",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(numberValidator{class: anyNumber}),
				},
			},
			"port_date": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The date (`YYYY-MM-DD`, UTC) on which you expect the port to complete: the " +
					"FOC date you will ask the new carrier for. `early_port_out_fees` lists the numbers that would " +
					"still be under 90 days old on that date. Defaults to today (UTC) by the clock of the machine " +
					"running Terraform; a date before today is refused.",
				Validators: []validator.String{dateValidator{}, portDateValidator{}},
			},
			"account_number": computedString("The location's account number, printed at the top of its statements: " +
				"the account number the LOA asks for."),
			"organization_name": computedString("The organization name on file for the location, as the LOA must " +
				"name it, character for character. Empty (with a warning) when none is on file."),
			"service_address": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The service address on file for the location, as the LOA must state it.",
				Attributes: map[string]schema.Attribute{
					"street1": computedString("Street and number."),
					"street2": computedString("Suite, floor or unit; empty when none is on file."),
					"city":    computedString("City."),
					"state":   computedString("Two-letter state code, such as `CA`."),
					"zip":     computedString("ZIP code."),
				},
			},
			"local_numbers": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The local numbers (DIDs) of `numbers`, in E.164 and in the order given: " +
					"one LOA can usually carry all of them.",
			},
			"toll_free_numbers": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The toll-free numbers of `numbers`, in E.164 and in the order given. Toll-free " +
					"numbers move to a new RespOrg, and many carriers want a separate LOA for them: ask yours.",
			},
			"early_port_out_fees": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "The numbers that would be held under 90 days on `port_date`, each with the " +
					"fee it would cost; empty when none. SIPStation charges the fee on the location's next " +
					"statement once the port completes, and it then shows as the number's `early_port_out_fee`.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"number":       computedString("The number, in E.164."),
						"activated_at": computedString("When the number was activated (RFC 3339, UTC)."),
						"fee": computedString("The fee in USD, `\"" + earlyPortOutFee + "\"`. The API tells the " +
							"fee only once a port has completed, so this is the rate the provider knows (SIPStation's " +
							"rate as the API contract gives it, and what the bundled emulator charges); SIPStation's " +
							"current Rates document is the authority."),
						"fee_free_from": computedString("The first date (`YYYY-MM-DD`, UTC) on which the port can " +
							"complete without the fee: 90 days after activation. Ask the new carrier for a FOC date " +
							"on or after it to avoid the fee."),
					},
				},
			},
			"statement_date": computedString("The date (`YYYY-MM-DD`) of the location's latest statement; null " +
				"while no statement has been issued yet."),
			"statement_pdf_base64": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The latest statement as a PDF, base64-encoded: the bill the new carrier asks " +
					"for, showing the account number, the organization and every billed number. Null while no " +
					"statement has been issued yet (a warning says when the first one falls due). Write it to a " +
					"file with `terraform output -raw <name> | base64 -d > statement.pdf` (the output needs " +
					"`sensitive = true`), or with the `content_base64` argument of a `local_file` resource. It is " +
					"kept in state like any attribute.",
			},
		},
	}
}

// Configure takes the provider's client.
func (d *PortOutDetailsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	client, diags := clientFromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.client = client
}

// ValidateConfig refuses a number listed twice, in any two forms: an LOA
// lists each number once. The form of each number is checked by its
// validator.
func (d *PortOutDetailsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var numbers types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("numbers"), &numbers)...)
	if resp.Diagnostics.HasError() || numbers.IsNull() || numbers.IsUnknown() {
		return
	}
	firstAt := map[string]int{}
	for i, el := range numbers.Elements() {
		s, ok := el.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		e164, err := phonenumber.Normalize(s.ValueString())
		if err != nil {
			continue // its validator reports it
		}
		if first, seen := firstAt[e164]; seen {
			resp.Diagnostics.AddAttributeError(path.Root("numbers").AtListIndex(i), "Number Listed Twice",
				fmt.Sprintf("%s is listed twice in numbers (at positions %d and %d, counting from 0). An LOA lists "+
					"each number once: remove one of them.", e164, first, i))
			continue
		}
		firstAt[e164] = i
	}
}

// Read gathers the kit: the location's details, each number checked, the
// latest statement with its PDF.
func (d *PortOutDetailsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.client, &resp.Diagnostics) {
		return
	}
	var data portOutDetailsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var given []string
	resp.Diagnostics.Append(data.Numbers.ElementsAs(ctx, &given, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	portDate := time.Now().UTC().Truncate(24 * time.Hour)
	if !data.PortDate.IsNull() {
		parsed, err := time.Parse(time.DateOnly, data.PortDate.ValueString())
		if err != nil { // the validator refused it already; never reached
			resp.Diagnostics.AddAttributeError(path.Root("port_date"), "Invalid Date", err.Error())
			return
		}
		portDate = parsed
	}

	locationID := data.LocationID.ValueString()
	location, err := d.client.GetLocation(ctx, locationID)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("location_id"), "Cannot Read Port-Out Details",
			locationErrorDetail(locationID, "read", err))
		return
	}

	data.LocalNumbers = []types.String{}
	data.TollFreeNumbers = []types.String{}
	data.EarlyPortOutFees = []earlyPortOutFeeModel{}
	others := map[string]string{} // names of the account's other locations, read once each
	for i, s := range given {
		at := path.Root("numbers").AtListIndex(i)
		e164, err := phonenumber.Normalize(s)
		if err != nil { // the validator refused it already; never reached
			resp.Diagnostics.AddAttributeError(at, "Invalid Phone Number", capitalize(err.Error())+".")
			continue
		}
		n, ok := d.checkNumber(ctx, e164, location, others, at, &resp.Diagnostics)
		if !ok {
			continue
		}
		if n.Type == sipstation.TypeTollFree {
			data.TollFreeNumbers = append(data.TollFreeNumbers, types.StringValue(n.Number))
		} else {
			data.LocalNumbers = append(data.LocalNumbers, types.StringValue(n.Number))
		}
		if freeFrom := feeFreeFrom(n.ActivatedAt); portDate.Before(freeFrom) {
			activated := n.ActivatedAt.UTC().Format(time.RFC3339)
			data.EarlyPortOutFees = append(data.EarlyPortOutFees, earlyPortOutFeeModel{
				Number:      types.StringValue(n.Number),
				ActivatedAt: types.StringValue(activated),
				Fee:         types.StringValue(earlyPortOutFee),
				FeeFreeFrom: types.StringValue(freeFrom.Format(time.DateOnly)),
			})
			resp.Diagnostics.AddAttributeWarning(at, "Early Port-Out Fee",
				fmt.Sprintf("%s was activated on %s: on %s, the port date this kit assumes (port_date, today "+
					"unless set), SIPStation will have held it under 90 days. A port-out that completes before %s "+
					"costs the early port-out fee, %s USD, on the next statement of location %s. Ask the new "+
					"carrier for a FOC date on or after %s to avoid it, or accept the fee.",
					n.Number, activated[:len(time.DateOnly)], portDate.Format(time.DateOnly),
					freeFrom.Format(time.DateOnly), earlyPortOutFee, location.ID, freeFrom.Format(time.DateOnly)))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	data.AccountNumber = types.StringValue(location.AccountNumber)
	data.OrganizationName = types.StringValue(location.OrganizationName)
	data.ServiceAddress = addressFromAPI(location.ServiceAddress)
	warnMissingLOADetails(location, &resp.Diagnostics)

	if !d.latestStatement(ctx, location, &data, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// checkNumber reads a number and reports, at its place in numbers, why it
// cannot go on an LOA of location. others caches the names of the account's
// other locations.
func (d *PortOutDetailsDataSource) checkNumber(ctx context.Context, e164 string, location *sipstation.Location,
	others map[string]string, at path.Path, diags *diag.Diagnostics) (*sipstation.Number, bool) {
	n, err := d.client.GetNumber(ctx, e164)
	switch {
	case errors.Is(err, sipstation.ErrNotFound):
		diags.AddAttributeError(at, "Number Not in This Account",
			fmt.Sprintf("This SIPStation account does not hold %s: it was cancelled, it was ported out and then "+
				"cancelled, or the account never had it. Only a number the account holds can be ported away. "+
				"Check the number, or remove it from numbers; data \"sipstation_numbers\" lists what the account "+
				"holds.\n\n%v", e164, err))
		return nil, false
	case err != nil:
		diags.AddAttributeError(at, "Cannot Read Number",
			fmt.Sprintf("SIPStation did not answer about %s, so it cannot be checked for the LOA. Plan again once "+
				"the API answers.\n\n%v", e164, err))
		return nil, false
	case n.Gone():
		diags.AddAttributeError(at, "Number Not in This Account",
			fmt.Sprintf("%s was cancelled: SIPStation no longer holds it, so it cannot be ported away. Remove it "+
				"from numbers.", e164))
		return nil, false
	case n.LocationID != location.ID:
		diags.AddAttributeError(at, "Number Not on This Location",
			fmt.Sprintf("%s is on location %s, not on location %s (%q) that this kit is for. Each location has "+
				"its own account number, so its numbers need an LOA of their own: read the kit of that location "+
				"for it (a second sipstation_port_out_details with location_id = %q), or move the number to "+
				"location %s first (its location_id), or remove it from numbers.",
				e164, d.locationLabel(ctx, n.LocationID, others), location.ID, location.Name, n.LocationID, location.ID))
		return nil, false
	case n.PortOutPending():
		info := portOutInfoFromAPI(n)
		diags.AddAttributeError(at, "Port-Out Already Pending",
			fmt.Sprintf("%s is already being ported out to %s (FOC date %s): that request is under way, and the "+
				"number cannot go on a second LOA. Remove it from numbers. Keep the number's resource in your "+
				"configuration until the port completes: cancelling it now would lose the number for good. If the "+
				"port is rejected, the number becomes active again and can go in a new kit.",
				e164, info.carrier, info.focDate))
		return nil, false
	case n.Status == sipstation.StatusPortedOut:
		info := portOutInfoFromAPI(n)
		when := info.focDate
		if n.PortOut != nil && n.PortOut.CompletedAt != nil {
			when = n.PortOut.CompletedAt.UTC().Format(time.DateOnly)
		}
		detail := fmt.Sprintf("%s was already ported out to %s on %s and has left SIPStation: there is nothing "+
			"left to port. Remove it from numbers.", e164, info.carrier, when)
		if n.Billing.Active {
			detail += fmt.Sprintf(" SIPStation still bills it (%s USD a month) until its service is cancelled: "+
				"remove its resource from your configuration (or import it, then remove it) and apply.",
				n.Billing.MonthlyRate)
		}
		diags.AddAttributeError(at, "Number Already Ported Out", detail)
		return nil, false
	}
	return n, true
}

// locationLabel names another location of the account by id and name; the
// id alone when it cannot be read.
func (d *PortOutDetailsDataSource) locationLabel(ctx context.Context, id string, cache map[string]string) string {
	if label, ok := cache[id]; ok {
		return label
	}
	label := id
	if loc, err := d.client.GetLocation(ctx, id); err == nil {
		label = fmt.Sprintf("%s (%q)", id, loc.Name)
	}
	cache[id] = label
	return label
}

// feeFreeFrom is the first date on which a port of a number activated at
// activated completes without the early fee: the day 90 days later, or the
// day after when that instant falls after midnight.
func feeFreeFrom(activated time.Time) time.Time {
	end := activated.UTC().Add(earlyPortOutPeriod)
	day := end.Truncate(24 * time.Hour)
	if day.Before(end) {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// warnMissingLOADetails warns when the location lacks what the LOA must
// match.
func warnMissingLOADetails(location *sipstation.Location, diags *diag.Diagnostics) {
	fix := fmt.Sprintf("Set it on the sipstation_location resource of location %s, or in the SIPStation store, "+
		"before you fill in the LOA.", location.ID)
	if strings.TrimSpace(location.OrganizationName) == "" {
		diags.AddWarning("No Organization Name on File",
			fmt.Sprintf("Location %s (%q) has no organization name on file. The new carrier's LOA must name the "+
				"organization exactly as SIPStation has it (the store shows it under Account Overview, Organization "+
				"Information), and a port whose LOA does not match is rejected. %s",
				location.ID, location.Name, fix))
	}
	a := location.ServiceAddress
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"street1", a.Street1}, {"city", a.City}, {"state", a.State}, {"zip", a.Zip},
	} {
		if strings.TrimSpace(f.value) == "" {
			missing = append(missing, f.name)
		}
	}
	switch {
	case len(missing) == 4 && strings.TrimSpace(a.Street2) == "":
		diags.AddWarning("No Service Address on File",
			fmt.Sprintf("Location %s (%q) has no service address on file. The new carrier's LOA must state the "+
				"service address as SIPStation has it, and a port whose LOA does not match is rejected. %s",
				location.ID, location.Name, fix))
	case len(missing) > 0:
		diags.AddWarning("Service Address Incomplete",
			fmt.Sprintf("The service address of location %s (%q) has no %s on file. The new carrier's LOA must "+
				"state the service address as SIPStation has it, and a port whose LOA does not match is "+
				"rejected. %s", location.ID, location.Name, strings.Join(missing, ", "), fix))
	}
}

// latestStatement sets statement_date and statement_pdf_base64 from the
// location's newest statement. With none issued yet it warns when the first
// one falls due and leaves both null. It reports false when reading failed.
func (d *PortOutDetailsDataSource) latestStatement(ctx context.Context, location *sipstation.Location, data *portOutDetailsModel, diags *diag.Diagnostics) bool {
	data.StatementDate = types.StringNull()
	data.StatementPDFBase64 = types.StringNull()
	statements, err := d.client.ListStatements(ctx, location.ID, sipstation.StatementFilter{})
	if err != nil {
		diags.AddAttributeError(path.Root("location_id"), "Cannot Read Latest Statement",
			locationErrorDetail(location.ID, "list the statements of", err))
		return false
	}
	newest, ok := newestStatement(statements)
	if !ok {
		diags.AddAttributeWarning(path.Root("location_id"), "No Statement Yet",
			fmt.Sprintf("Location %s (%q) has no statement yet, so statement_date and statement_pdf_base64 are "+
				"null. Its first statement falls due on %s (billing day %d). The new carrier usually asks for the "+
				"latest bill: read this data source again after that date, or ask the carrier whether the LOA "+
				"with account number %s will do until then.",
				location.ID, location.Name, firstStatementDate(location).Format(time.DateOnly),
				location.BillingDay, location.AccountNumber))
		return true
	}
	pdf, err := d.client.StatementPDF(ctx, newest.ID)
	if err != nil {
		diags.AddError("Cannot Download Statement PDF",
			fmt.Sprintf("SIPStation did not send the PDF of statement %s (%s) of location %s. Plan again once "+
				"the API answers.\n\n%v", newest.ID, newest.Date, location.ID, err))
		return false
	}
	data.StatementDate = types.StringValue(newest.Date)
	data.StatementPDFBase64 = types.StringValue(base64.StdEncoding.EncodeToString(pdf))
	return true
}

// firstStatementDate is the date of a location's first statement: its
// first billing day strictly after the day it was created.
func firstStatementDate(location *sipstation.Location) time.Time {
	created := location.CreatedAt.UTC()
	day := location.BillingDay
	if day < 1 {
		day = created.Day()
	}
	first := time.Date(created.Year(), created.Month(), day, 0, 0, 0, 0, time.UTC)
	if !first.After(created.Truncate(24 * time.Hour)) {
		first = first.AddDate(0, 1, 0)
	}
	return first
}

// newestStatement is the statement with the latest date; false when there
// is none.
func newestStatement(statements []sipstation.Statement) (sipstation.Statement, bool) {
	if len(statements) == 0 {
		return sipstation.Statement{}, false
	}
	newest := statements[0]
	for _, s := range statements[1:] {
		if s.Date > newest.Date {
			newest = s
		}
	}
	return newest, true
}
