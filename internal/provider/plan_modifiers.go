package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// numberPlanModifier plans the number attribute of the number resources:
//   - the same number written in another form plans the stored value, so
//     "415-555-0123" against "+14155550123" is no change;
//   - no number in the configuration (ordered by area code, or the attribute
//     removed) keeps the number: nothing but a different number replaces;
//   - a number known only at apply (computed from a resource that changes,
//     or from a data source read during apply) plans no replace: it is
//     almost always the same number, and a replace would cancel a number
//     that cannot be ordered again. Should it turn out to be another number,
//     the re-plan during apply asks for a replace, which Terraform refuses
//     as an inconsistent final plan: the apply fails, nothing is cancelled,
//     and the next plan shows the replace;
//   - a different number replaces the resource.
type numberPlanModifier struct{}

var _ planmodifier.String = numberPlanModifier{}

func (numberPlanModifier) Description(_ context.Context) string {
	return "Only a different number replaces the resource; the same number in another form changes nothing."
}

func (m numberPlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (numberPlanModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.Plan.Raw.IsNull() {
		return // create or destroy
	}
	switch {
	case req.ConfigValue.IsNull():
		resp.PlanValue = req.StateValue
	case req.ConfigValue.IsUnknown():
		return // planned unknown, as an update; see above
	case sameNumber(req.ConfigValue.ValueString(), req.StateValue.ValueString()):
		resp.PlanValue = req.StateValue
	default:
		resp.RequiresReplace = true
	}
}

// sameNumberPlanModifier plans the stored value when the configuration holds
// the same number in another form, so that the form never shows as a change.
type sameNumberPlanModifier struct{}

var _ planmodifier.String = sameNumberPlanModifier{}

func (sameNumberPlanModifier) Description(_ context.Context) string {
	return "The same number written in another form changes nothing."
}

func (m sameNumberPlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (sameNumberPlanModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if sameNumber(req.ConfigValue.ValueString(), req.StateValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}

// stateValuePlanModifier plans the stored value of a computed attribute
// whenever the resource exists, null included (UseStateForUnknown leaves a
// null unknown, which would plan a change on every resource stored before
// the attribute existed). A new resource keeps it unknown, unless ModifyPlan
// knows it.
type stateValuePlanModifier struct{}

var _ planmodifier.String = stateValuePlanModifier{}

func (stateValuePlanModifier) Description(_ context.Context) string {
	return "Keeps the stored value; known for a new resource only when the provider knows it at plan time."
}

func (m stateValuePlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (stateValuePlanModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	resp.PlanValue = req.StateValue
}
