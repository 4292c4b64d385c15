package provider

// The number resources' model: the attributes both kinds share
// (numberModel), the nested objects, and the one conversion from the API's
// number (setFromAPI).

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// numberState is a kind's model: the shared numberModel plus the kind's own
// attributes.
type numberState interface {
	base() *numberModel
	// kindFromAPI writes the kind's own attributes as the API holds them: all
	// of them when overwrite is set, else only those still unknown. Only
	// setFromAPI calls it, with the shared attributes.
	kindFromAPI(ctx context.Context, n *sipstation.Number, overwrite bool) diag.Diagnostics
	// order adds to o what the kind orders by, and the kind's settings.
	order(ctx context.Context, o *sipstation.NumberOrder) diag.Diagnostics
	// update adds to u the kind's settings that differ from current.
	update(ctx context.Context, current numberState, u *sipstation.NumberUpdate) diag.Diagnostics
	// keep copies from prior what the API does not hold.
	keep(prior numberState)
}

// numberModel holds the attributes both number resources share.
type numberModel struct {
	ID              types.String   `tfsdk:"id"`
	LocationID      types.String   `tfsdk:"location_id"`
	Number          types.String   `tfsdk:"number"`
	Description     types.String   `tfsdk:"description"`
	Failover        types.Object   `tfsdk:"failover"`
	Status          types.String   `tfsdk:"status"`
	BillingActive   types.Bool     `tfsdk:"billing_active"`
	MonthlyRate     types.String   `tfsdk:"monthly_rate"`
	ActivatedAt     types.String   `tfsdk:"activated_at"`
	PortOutPending  types.Bool     `tfsdk:"port_out_pending"`
	PortOut         types.Object   `tfsdk:"port_out"`
	EarlyPortOutFee types.String   `tfsdk:"early_port_out_fee"`
	OrderKey        types.String   `tfsdk:"order_idempotency_key"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// objectAsOptions converts known objects only; callers check for null and
// unknown first.
var objectAsOptions = basetypes.ObjectAsOptions{}

var failoverAttrTypes = map[string]attr.Type{
	"number":      types.StringType,
	"destination": types.StringType,
}

// failoverModel is the failover object.
type failoverModel struct {
	Number      types.String `tfsdk:"number"`
	Destination types.String `tfsdk:"destination"`
}

var portOutAttrTypes = map[string]attr.Type{
	"status":       types.StringType,
	"carrier_name": types.StringType,
	"foc_date":     types.StringType,
	"completed_at": types.StringType,
}

// portOutModel is the port_out object, in the number resources and in
// data "sipstation_numbers".
type portOutModel struct {
	Status      types.String `tfsdk:"status"`
	CarrierName types.String `tfsdk:"carrier_name"`
	FOCDate     types.String `tfsdk:"foc_date"`
	CompletedAt types.String `tfsdk:"completed_at"`
}

// setString sets *dst to v when overwrite is set or *dst is unknown: Create
// and Update keep what the plan already knows, Read takes everything.
func setString(dst *types.String, v types.String, overwrite bool) {
	if overwrite || dst.IsUnknown() {
		*dst = v
	}
}

func setBool(dst *types.Bool, v bool, overwrite bool) {
	if overwrite || dst.IsUnknown() {
		*dst = types.BoolValue(v)
	}
}

func setObject(dst *types.Object, v types.Object, overwrite bool) {
	if overwrite || dst.IsUnknown() {
		*dst = v
	}
}

// stringOrNull maps the API's empty string to null.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// setFromAPI writes into s the number n as the API holds it: the shared
// attributes and the kind's own, all of them when overwrite is set, else
// only those still unknown. It is the one conversion from the API's number
// to a resource's model.
func setFromAPI(ctx context.Context, s numberState, n *sipstation.Number, overwrite bool) diag.Diagnostics {
	diags := s.base().sharedFromAPI(ctx, n, overwrite)
	diags.Append(s.kindFromAPI(ctx, n, overwrite)...)
	return diags
}

// sharedFromAPI writes the shared attributes as the API holds them; see
// setFromAPI. The plan-time guard reads only these (liveState).
func (m *numberModel) sharedFromAPI(ctx context.Context, n *sipstation.Number, overwrite bool) diag.Diagnostics {
	var diags diag.Diagnostics
	setString(&m.ID, types.StringValue(n.Number), overwrite)
	setString(&m.Number, types.StringValue(n.Number), overwrite)
	setString(&m.LocationID, types.StringValue(n.LocationID), overwrite)
	setString(&m.Description, types.StringValue(n.Description), overwrite)
	setString(&m.Status, types.StringValue(n.Status), overwrite)
	setBool(&m.BillingActive, n.Billing.Active, overwrite)
	setString(&m.MonthlyRate, types.StringValue(n.Billing.MonthlyRate), overwrite)
	setString(&m.ActivatedAt, types.StringValue(n.ActivatedAt.UTC().Format(time.RFC3339)), overwrite)
	setBool(&m.PortOutPending, n.PortOutPending(), overwrite)
	if n.EarlyPortOutFee != nil {
		setString(&m.EarlyPortOutFee, types.StringValue(*n.EarlyPortOutFee), overwrite)
	} else {
		setString(&m.EarlyPortOutFee, types.StringNull(), overwrite)
	}

	failover := types.ObjectNull(failoverAttrTypes)
	if n.Failover != nil && (n.Failover.Number != "" || n.Failover.Destination != "") {
		v, d := types.ObjectValueFrom(ctx, failoverAttrTypes, failoverModel{
			Number:      stringOrNull(n.Failover.Number),
			Destination: stringOrNull(n.Failover.Destination),
		})
		diags.Append(d...)
		failover = v
	}
	setObject(&m.Failover, failover, overwrite)

	portOut, d := portOutObject(ctx, n)
	diags.Append(d...)
	setObject(&m.PortOut, portOut, overwrite)
	return diags
}

// portOutObject is a number's port_out attribute, in the resources and in
// data "sipstation_numbers": null when no port-out was ever requested.
// foc_date falls back to the requested date until the carriers confirm one,
// as the guard reports it.
func portOutObject(ctx context.Context, n *sipstation.Number) (types.Object, diag.Diagnostics) {
	p := n.PortOut
	if p == nil {
		return types.ObjectNull(portOutAttrTypes), nil
	}
	completed := types.StringNull()
	if p.CompletedAt != nil {
		completed = types.StringValue(p.CompletedAt.UTC().Format(time.RFC3339))
	}
	return types.ObjectValueFrom(ctx, portOutAttrTypes, portOutModel{
		Status:      types.StringValue(p.Status),
		CarrierName: types.StringValue(p.CarrierName),
		FOCDate:     stringOrNull(n.FOCDate()),
		CompletedAt: completed,
	})
}

// portOut returns the port_out object; all null when there is none.
func (m *numberModel) portOut(ctx context.Context) (portOutModel, diag.Diagnostics) {
	var p portOutModel
	if m.PortOut.IsNull() || m.PortOut.IsUnknown() {
		return p, nil
	}
	diags := m.PortOut.As(ctx, &p, objectAsOptions)
	return p, diags
}

// portOutInfo is what the guard says about the number, from state: as
// portOutInfoFromAPI says it from the API's answer.
func (m *numberModel) portOutInfo(ctx context.Context) (portOutInfo, diag.Diagnostics) {
	p, diags := m.portOut(ctx)
	return newPortOutInfo(m.ID.ValueString(), p.CarrierName.ValueString(), p.FOCDate.ValueString()), diags
}

// billedAfterPortOut reports whether state shows the number ported out and
// still billed, by the client's own rule.
func (m *numberModel) billedAfterPortOut() bool {
	n := sipstation.Number{Status: m.Status.ValueString(), Billing: sipstation.Billing{Active: m.BillingActive.ValueBool()}}
	return n.BilledAfterPortOut()
}

// failoverAPI returns the failover to send, nil when none is configured.
func (m *numberModel) failoverAPI(ctx context.Context) (*sipstation.Failover, diag.Diagnostics) {
	if m.Failover.IsNull() || m.Failover.IsUnknown() {
		return nil, nil
	}
	var f failoverModel
	diags := m.Failover.As(ctx, &f, objectAsOptions)
	out := &sipstation.Failover{Destination: f.Destination.ValueString()}
	if !f.Number.IsNull() {
		// Send E.164: the form the API stores and compares.
		e164, err := phonenumber.Normalize(f.Number.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("failover").AtName("number"), invalidPhoneNumberSummary, capitalize(err.Error())+".")
			return nil, diags
		}
		out.Number = e164
	}
	return out, diags
}

// sameFailover compares two failover objects, numbers by value.
func sameFailover(ctx context.Context, a, b types.Object) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	var fa, fb failoverModel
	if a.As(ctx, &fa, objectAsOptions).HasError() || b.As(ctx, &fb, objectAsOptions).HasError() {
		return a.Equal(b)
	}
	return fa.Destination.Equal(fb.Destination) &&
		fa.Number.IsNull() == fb.Number.IsNull() &&
		sameNumber(fa.Number.ValueString(), fb.Number.ValueString())
}

// sharedUpdate adds to u the shared settings of m that differ from current.
func (m *numberModel) sharedUpdate(ctx context.Context, current *numberModel, u *sipstation.NumberUpdate) diag.Diagnostics {
	var diags diag.Diagnostics
	if !m.LocationID.Equal(current.LocationID) {
		u.LocationID = m.LocationID.ValueStringPointer()
	}
	if !m.Description.Equal(current.Description) {
		u.Description = m.Description.ValueStringPointer()
	}
	if !sameFailover(ctx, m.Failover, current.Failover) {
		if m.Failover.IsNull() {
			u.RemoveFailover = true
		} else {
			f, d := m.failoverAPI(ctx)
			diags.Append(d...)
			u.Failover = f
		}
	}
	return diags
}

// emptyUpdate reports whether u changes nothing.
func emptyUpdate(u sipstation.NumberUpdate) bool {
	return u == (sipstation.NumberUpdate{})
}
