package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

var (
	_ datasource.DataSource              = &TrunkDataSource{}
	_ datasource.DataSourceWithConfigure = &TrunkDataSource{}
)

// TrunkDataSource is data "sipstation_trunk": the account as the account-key
// API's GET /2/full shows it.
type TrunkDataSource struct {
	client *trunk.Client
}

// NewTrunkDataSource returns the sipstation_trunk data source.
func NewTrunkDataSource() datasource.DataSource {
	return &TrunkDataSource{}
}

type trunkDataSourceModel struct {
	IncludeSIPPassword types.Bool          `tfsdk:"include_sip_password"`
	Version            types.String        `tfsdk:"version"`
	AccountType        types.String        `tfsdk:"account_type"`
	VerifyStatus       types.String        `tfsdk:"verify_status"`
	MonthlyCost        types.String        `tfsdk:"monthly_cost"`
	Trunks             types.Int64         `tfsdk:"trunks"`
	Email              types.String        `tfsdk:"email"`
	Expiration         types.String        `tfsdk:"expiration"`
	VerifyMessage      types.String        `tfsdk:"verify_message"`
	PremiumTrunks      types.Bool          `tfsdk:"premium_trunks"`
	CIDFormat          types.String        `tfsdk:"cid_format"`
	Message            *trunkMessageModel  `tfsdk:"message"`
	TrunkGroupID       types.String        `tfsdk:"trunk_group_id"`
	TrunkGroups        []trunkGroupModel   `tfsdk:"trunk_groups"`
	DestIsTrunkGroup   types.Bool          `tfsdk:"destination_is_trunk_group"`
	Settings           *trunkSettingsModel `tfsdk:"settings"`
	Gateways           []trunkGatewayModel `tfsdk:"gateways"`
	Failover           *trunkFailoverModel `tfsdk:"failover"`
	SIPUsername        types.String        `tfsdk:"sip_username"`
	SIPPassword        types.String        `tfsdk:"sip_password"`
	Numbers            []trunkNumberModel  `tfsdk:"numbers"`
}

type trunkMessageModel struct {
	Type    types.String `tfsdk:"type"`
	Message types.String `tfsdk:"message"`
}

type trunkGroupModel struct {
	ID    types.String `tfsdk:"id"`
	Title types.String `tfsdk:"title"`
	Own   types.Bool   `tfsdk:"own"`
}

type trunkSettingsModel struct {
	SMS           types.Bool `tfsdk:"sms"`
	International types.Bool `tfsdk:"international"`
	Fax           types.Bool `tfsdk:"fax"`
}

type trunkGatewayModel struct {
	Host       types.String `tfsdk:"host"`
	Name       types.String `tfsdk:"name"`
	Registered types.Bool   `tfsdk:"registered"`
	ContactIP  types.String `tfsdk:"contact_ip"`
}

type trunkFailoverModel struct {
	Number      types.String `tfsdk:"number"`
	Destination types.String `tfsdk:"destination"`
}

type trunkNumberModel struct {
	Number      types.String        `tfsdk:"number"`
	TollFree    types.Bool          `tfsdk:"toll_free"`
	E911Address *trunkE911Model     `tfsdk:"e911_address"`
	Failover    *trunkFailoverModel `tfsdk:"failover"`
}

type trunkE911Model struct {
	Name    types.String `tfsdk:"name"`
	Street1 types.String `tfsdk:"street1"`
	Street2 types.String `tfsdk:"street2"`
	City    types.String `tfsdk:"city"`
	State   types.String `tfsdk:"state"`
	Zip     types.String `tfsdk:"zip"`
	Master  types.Bool   `tfsdk:"master"`
}

// Metadata names the data source.
func (d *TrunkDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_trunk"
}

func failoverAttributes(what string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"destination": schema.StringAttribute{
			MarkdownDescription: "The primary failover of " + what + " calls: an IP address, a host or a SIP URI, or a " +
				"trunk-group ID (digits only; `trunk_groups` names it); null when none is set.",
			Computed: true,
		},
		"number": schema.StringAttribute{
			MarkdownDescription: "The secondary failover number of " + what + " calls, in E.164 (such as " +
				"`+14155550123`) when it is a NANP number, else as SIPStation shows it; null when none is set. In " +
				"SIPStation's words: \"If we can't deliver the call to this address or trunk group and you have a " +
				"failover number set, we will send the call there\".",
			Computed: true,
		},
	}
}

// Schema describes the data source.
func (d *TrunkDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	computedBool := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The SIPStation trunk of the account, as the account-key API (the one FreePBX's " +
			"SIPStation module uses) shows it: the account, its gateways, its account-wide failover, and every " +
			"number on the trunk with its E911 address and failover. Numbers leave the trunk when their port-out " +
			"completes or they are cancelled.\n\n" +
			"Needs `account_key` in the provider configuration. All of it comes from one read of the account, " +
			"shared with `sipstation_e911_address` and `sipstation_failover` in the same run. SIPStation says E911 " +
			"changes can take up to 15 minutes to show.",
		Attributes: map[string]schema.Attribute{
			"include_sip_password": schema.BoolAttribute{
				MarkdownDescription: "Whether to fill `sip_password`. Off by default, so the trunk's SIP password " +
					"enters state only when a configuration asks for it.",
				Optional: true,
			},
			"version":       computed("The version of the account document SIPStation served, such as `1.0.2`."),
			"account_type":  computed("The account type, such as `TRIAL`. Trial accounts cannot set E911 addresses or failover."),
			"verify_status": computed("The account's verification status, as SIPStation reports it."),
			"monthly_cost":  computed("What the account costs a month, in USD, as SIPStation reports it (a decimal string such as `\"24.95\"`)."),
			"trunks": schema.Int64Attribute{
				MarkdownDescription: "How many trunks (`num_trunks`) the account has.",
				Computed:            true,
			},
			"email":      computed("The account's email address."),
			"expiration": computed("When the account expires, as SIPStation writes it (trial accounts); empty when it does not."),
			"verify_message": computed("Why the account is not verified, as SIPStation says it (FreePBX's SIPStation module " +
				"shows it while `verify_status` is not `VERIFIED`); empty when it says nothing."),
			"premium_trunks": computedBool("Whether the account has premium trunks (SIPStation's `premium_trunks` is " +
				"`YES`); false when the answer does not say."),
			"cid_format": computed("The trunk's caller-ID format, as SIPStation writes it; empty when it does not say."),
			"message": schema.SingleNestedAttribute{
				MarkdownDescription: "A notice SIPStation has for the account, which FreePBX's SIPStation module shows " +
					"at the top of its page; null when there is none.",
				Computed: true,
				Attributes: map[string]schema.Attribute{
					"type":    computed("The kind of notice, such as `info` or `danger`."),
					"message": computed("The notice's text."),
				},
			},
			"trunk_group_id": computed("The ID of the trunk group this account's trunk is in; calls cannot fail over to " +
				"it. Empty when SIPStation does not say."),
			"trunk_groups": schema.ListNestedAttribute{
				MarkdownDescription: "The account's trunk groups, in SIPStation's order. A failover `destination` names one " +
					"by its `id` (FreePBX's SIPStation module: \"select another trunk group that you have\").",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":    computed("The trunk group's ID, digits only, as a failover `destination` takes it."),
					"title": computed("The trunk group's name."),
					"own": computedBool("Whether this is the trunk group this account's trunk is in (`trunk_group_id`), " +
						"which is no failover destination."),
				}},
			},
			"destination_is_trunk_group": computedBool("Whether the account-wide failover's destination is a trunk-group " +
				"ID, as SIPStation reports it."),
			"settings": schema.SingleNestedAttribute{
				MarkdownDescription: "The account's service options.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"sms":           computedBool("Whether SMS is enabled."),
					"international": computedBool("Whether international calling is enabled."),
					"fax":           computedBool("Whether fax is enabled."),
				},
			},
			"gateways": schema.ListNestedAttribute{
				MarkdownDescription: "The SIPStation gateways the PBX registers with, in SIPStation's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"host":       computed("The gateway as SIPStation lists it."),
					"name":       computed("The gateway's host name, which the PBX's trunk registers with."),
					"registered": computedBool("Whether the PBX is registered with the gateway right now."),
					"contact_ip": computed("The contact IP address of the registration; empty when not registered."),
				}},
			},
			"failover": schema.SingleNestedAttribute{
				MarkdownDescription: "The account-wide failover: where calls go when the PBX cannot be reached and " +
					"a number has no failover of its own, in two tiers, `destination` then `number`. Null when " +
					"neither is set.",
				Computed:   true,
				Attributes: failoverAttributes("the account's"),
			},
			"sip_username": computed("The trunk's SIP user name."),
			"sip_password": schema.StringAttribute{
				MarkdownDescription: "The trunk's SIP password; null unless `include_sip_password = true`.",
				Computed:            true,
				Sensitive:           true,
			},
			"numbers": schema.ListNestedAttribute{
				MarkdownDescription: "The numbers on the trunk, in SIPStation's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"number": computed("The number in E.164, such as `+14155550123`."),
					"toll_free": computedBool("Whether the number is toll-free (area code 800, 833, 844, 855, 866, " +
						"877 or 888). Toll-free numbers take no E911 address."),
					"e911_address": schema.SingleNestedAttribute{
						MarkdownDescription: "The emergency address 911 dispatchers get for calls from the number; " +
							"null when it has none.",
						Computed: true,
						Attributes: map[string]schema.Attribute{
							"name":    computed("The name on the address."),
							"street1": computed("The street address."),
							"street2": computed("The second address line; empty when none."),
							"city":    computed("The city."),
							"state":   computed("The two-letter state code."),
							"zip":     computed("The ZIP code."),
							"master":  computedBool("Whether this is the account's master E911 address (one number per account)."),
						},
					},
					"failover": schema.SingleNestedAttribute{
						MarkdownDescription: "Where the number's calls go when the PBX cannot be reached, in two " +
							"tiers, `destination` then `number`; null when the number has neither (the account-wide " +
							"failover applies).",
						Computed:   true,
						Attributes: failoverAttributes("the number's"),
					},
				}},
			},
		},
	}
}

// Configure receives the provider's clients.
func (d *TrunkDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	client, diags := trunkClientFromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.client = client
}

// Read reads the account.
func (d *TrunkDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireTrunkClient(d.client, &resp.Diagnostics) {
		return
	}
	var m trunkDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	acct, err := d.client.Account(ctx)
	if err != nil {
		addTrunkReadError(&resp.Diagnostics, err)
		return
	}
	ci := acct.CustomerInfo
	m.Version = types.StringValue(acct.Version.String())
	m.AccountType = types.StringValue(ci.AccountType.String())
	m.VerifyStatus = types.StringValue(ci.VerifyStatus.String())
	m.MonthlyCost = types.StringValue(ci.MonthlyCost.String())
	m.Email = types.StringValue(ci.Email.String())
	m.Expiration = types.StringValue(ci.Expiration.String())
	m.VerifyMessage = types.StringValue(ci.VerifyMessage.String())
	m.PremiumTrunks = types.BoolValue(strings.EqualFold(ci.PremiumTrunks.String(), "YES"))
	m.CIDFormat = types.StringValue(acct.CIDFormat.String())
	m.Message = nil
	if msg := acct.Message; msg != (trunk.Message{}) {
		m.Message = &trunkMessageModel{Type: types.StringValue(msg.Type.String()), Message: types.StringValue(msg.Message.String())}
	}
	m.TrunkGroupID = types.StringValue(ci.TrunkGroupID.String())
	m.TrunkGroups = make([]trunkGroupModel, 0, len(acct.Groups))
	for _, g := range acct.Groups {
		m.TrunkGroups = append(m.TrunkGroups, trunkGroupModel{ID: types.StringValue(g.ID), Title: types.StringValue(g.Title), Own: types.BoolValue(g.Own)})
	}
	m.DestIsTrunkGroup = types.BoolValue(bool(ci.DestinationIsTrunkGroup))
	if ci.NumTrunks.String() == "" {
		m.Trunks = types.Int64Null()
	} else {
		n, err := strconv.ParseInt(ci.NumTrunks.String(), 10, 64)
		if err != nil {
			resp.Diagnostics.AddError("Unexpected SIPStation Answer",
				fmt.Sprintf("SIPStation's account document gives num_trunks as %q, which is not a whole number. "+
					"This provider cannot read it; please report it.", ci.NumTrunks))
			return
		}
		m.Trunks = types.Int64Value(n)
	}
	m.Settings = &trunkSettingsModel{
		SMS:           types.BoolValue(bool(ci.Settings.SMS)),
		International: types.BoolValue(bool(ci.Settings.International)),
		Fax:           types.BoolValue(bool(ci.Settings.Fax)),
	}
	m.Gateways = make([]trunkGatewayModel, 0, len(acct.Gateways))
	for _, gw := range acct.Gateways {
		info := acct.GatewayInfo[gw.String()]
		m.Gateways = append(m.Gateways, trunkGatewayModel{
			Host:       types.StringValue(gw.String()),
			Name:       types.StringValue(info.Name.String()),
			Registered: types.BoolValue(bool(info.ClientStatus.Registered)),
			ContactIP:  types.StringValue(info.ClientStatus.ContactIP.String()),
		})
	}
	m.Failover = trunkFailover(acct.AccountFailover())
	m.SIPUsername = types.StringValue(acct.SIPInfo.SIPUsername.String())
	m.SIPPassword = types.StringNull()
	if m.IncludeSIPPassword.ValueBool() {
		m.SIPPassword = types.StringValue(acct.SIPInfo.SIPPassword.String())
	}
	m.Numbers = make([]trunkNumberModel, 0, len(acct.Numbers))
	for _, n := range acct.Numbers {
		nm := trunkNumberModel{
			Number:   types.StringValue(n.Number),
			TollFree: types.BoolValue(phonenumber.IsTollFree(n.Number)),
			Failover: trunkFailover(n.Failover),
		}
		if n.E911Address != nil {
			a := trunkE911(n.E911Address)
			nm.E911Address = &a
		}
		m.Numbers = append(m.Numbers, nm)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// trunkE911 is an E911 address as /2/full shows it, in the shape of
// sipstation_trunk's numbers and of sipstation_e911_address.
func trunkE911(a *trunk.E911Address) trunkE911Model {
	return trunkE911Model{
		Name: types.StringValue(a.Name.String()), Street1: types.StringValue(a.Street1.String()),
		Street2: types.StringValue(a.Street2.String()), City: types.StringValue(a.City.String()),
		State: types.StringValue(a.State.String()), Zip: types.StringValue(a.Zip.String()),
		Master: types.BoolValue(bool(a.Master)),
	}
}

func trunkFailover(f trunk.Failover) *trunkFailoverModel {
	if f.IsZero() {
		return nil
	}
	return &trunkFailoverModel{Number: stringOrNull(f.Number), Destination: stringOrNull(f.Destination)}
}

// addTrunkReadError explains a failed read of the account.
func addTrunkReadError(diags *diag.Diagnostics, err error) {
	switch {
	case errors.Is(err, trunk.ErrBadKey):
		diags.AddError("SIPStation Refused the Account Key",
			"SIPStation answered BADKEY: it does not know the configured account key, so nothing of the trunk can "+
				"be read or changed. Check "+envAccountKey+" or `account_key`: copy the key again from the SIPStation "+
				"portal, and check that `trunk_endpoint` is SIPStation's ("+trunk.DefaultEndpoint+").\n\n"+err.Error())
	case errors.Is(err, trunk.ErrTemporarilyUnavailable):
		diags.AddError("SIPStation Account Temporarily Not Available",
			"SIPStation answered TEMPNOTAVAIL: the account's data cannot be read right now. The provider read it "+
				"again after growing waits for as long as the operation had time (up to 10 minutes), and SIPStation "+
				"kept answering so. Nothing was changed. Try again in a few minutes.\n\n"+err.Error())
	default:
		diags.AddError("Cannot Read the SIPStation Account",
			"The provider could not read the account from the account-key API, so it cannot tell what is on the "+
				"trunk. Check trunk_endpoint and the network, then try again.\n\n"+err.Error())
	}
}
