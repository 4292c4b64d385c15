package provider

// The diagnostics the tests expect, and the recorder that sees every
// diagnostic the provider returns to Terraform (warnings included, which
// terraform-plugin-testing cannot match).

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// diagRecorder serves the provider like testAccProtoV6ProviderFactories and
// keeps every diagnostic it returns to Terraform. terraform-plugin-testing
// can only match errors; warnings (the billed-after-port-out warning, a
// number dropped by Read) are asserted through the recorder, on what the
// provider really sent to the Terraform or OpenTofu binary.
type diagRecorder struct {
	mu    sync.Mutex
	diags []recordedDiag
	// calls per kind: "plan", "read", "apply", "configure", "validate" of
	// the provider and resources; "data-validate", "data-read" of data sources
	calls map[string]int
	seq   int // calls of any kind so far
	// beforeApply, when set, runs before each ApplyResourceChange: the gap
	// between a plan and its apply, where the outside world can change.
	beforeApply func(req *tfprotov6.ApplyResourceChangeRequest)
	// beforePlan, when set, runs before each PlanResourceChange.
	beforePlan func(req *tfprotov6.PlanResourceChangeRequest)
}

// recordedDiag is one diagnostic and the call that returned it.
type recordedDiag struct {
	Call, TypeName, Severity, Summary, Detail string
	// Attribute is the path the diagnostic points at, as tftypes prints
	// it; "" for none.
	Attribute string
	// Seq numbers the calls: diagnostics of one call share it.
	Seq int
}

func (r *diagRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"sipstation": func() (tfprotov6.ProviderServer, error) {
			s, err := ProtocolServer("test")()
			if err != nil {
				return nil, err
			}
			return &recordingServer{ProviderServer: s, rec: r}, nil
		},
	}
}

func (r *diagRecorder) record(call, typeName string, diags []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	r.calls[call]++
	r.seq++
	for _, d := range diags {
		severity := "warning"
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			severity = "error"
		}
		rd := recordedDiag{Call: call, TypeName: typeName, Severity: severity, Summary: d.Summary, Detail: d.Detail, Seq: r.seq}
		if d.Attribute != nil {
			rd.Attribute = d.Attribute.String()
		}
		r.diags = append(r.diags, rd)
	}
}

// reset forgets what was recorded so far.
func (r *diagRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.diags = nil
	r.calls = nil
}

// count returns how often the provider served a kind of call.
func (r *diagRecorder) count(call string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[call]
}

// find returns the recorded diagnostics of a call with a summary.
func (r *diagRecorder) find(call, summary string) []recordedDiag {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []recordedDiag
	for _, d := range r.diags {
		if d.Call == call && d.Summary == summary {
			out = append(out, d)
		}
	}
	return out
}

// requireWarning is a check that the provider warned, in call, with summary
// and a detail holding every phrase.
func (r *diagRecorder) requireWarning(call, summary string, phrases ...string) error {
	found := r.find(call, summary)
	if len(found) == 0 {
		return fmt.Errorf("no %s warning %q was recorded; recorded: %+v", call, summary, r.all())
	}
	for _, d := range found {
		if d.Severity != "warning" {
			return fmt.Errorf("%q was a %s, want a warning", summary, d.Severity)
		}
		for _, p := range phrases {
			if !strings.Contains(d.Detail, p) {
				return fmt.Errorf("warning %q lacks %q:\n%s", summary, p, d.Detail)
			}
		}
	}
	return nil
}

// requireNoDataRead is a check that no data-source read returned a
// diagnostic with summary.
func (r *diagRecorder) requireNoDataRead(summary string) error {
	if found := r.find("data-read", summary); len(found) > 0 {
		return fmt.Errorf("unexpected data-read diagnostic %q: %+v", summary, found)
	}
	return nil
}

// requireOnePerCall is a check that no single call of a kind returned the
// diagnostic with summary more than once.
func (r *diagRecorder) requireOnePerCall(call, summary string) error {
	perCall := map[int]int{}
	for _, d := range r.find(call, summary) {
		perCall[d.Seq]++
	}
	for _, n := range perCall {
		if n > 1 {
			return fmt.Errorf("one %s call returned %q %d times, want once", call, summary, n)
		}
	}
	return nil
}

func (r *diagRecorder) all() []recordedDiag {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recordedDiag(nil), r.diags...)
}

// recordingServer is the provider server with the recorder in front.
type recordingServer struct {
	tfprotov6.ProviderServer
	rec *diagRecorder
}

func (s *recordingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateProviderConfig(ctx, req)
	if resp != nil {
		s.rec.record("validate", "", resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	resp, err := s.ProviderServer.ConfigureProvider(ctx, req)
	if resp != nil {
		s.rec.record("configure", "", resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if s.rec.beforePlan != nil {
		s.rec.beforePlan(req)
	}
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.record("plan", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.rec.record("read", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateDataResourceConfig(ctx, req)
	if resp != nil {
		s.rec.record("data-validate", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.rec.record("data-read", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if s.rec.beforeApply != nil {
		s.rec.beforeApply(req)
	}
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.rec.record("apply", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

// pendingPlanError is what a plan that would cancel a number with a pending
// port-out fails with.
func pendingError(number, resourceType string) *regexp.Regexp {
	return regexp.MustCompile(`Number Has a Pending Port-Out: Not Cancelled[\s\S]*` + regexp.QuoteMeta(number) +
		`\s+is\s+being\s+ported\s+out[\s\S]*` + gainingCarrier + `\s+\(FOC\s+date\s+` + testFOCDate +
		`\)[\s\S]*would\s+lose\s+the\s+number\s+for\s+good[\s\S]*permanent\s+loss[\s\S]*keep\s+the\s+resource` +
		`[\s\S]*removed\s+\{\s+from\s+=\s+` + resourceType + `\.<name>\s+lifecycle\s+\{\s+destroy\s+=\s+false`)
}

// alreadyHeldError is the create-plan error for a number the account holds.
func alreadyHeldError(number string) *regexp.Regexp {
	return regexp.MustCompile(`Number Already in This Account[\s\S]*` + regexp.QuoteMeta(number))
}

// taintedError is the plan error for the tainted DID holding first212.
func taintedError() *regexp.Regexp {
	return regexp.MustCompile(`Refusing to Replace a Tainted Number[\s\S]*` + regexp.QuoteMeta(first212) +
		`[\s\S]*terraform\s+untaint[\s\S]*Nothing\s+was\s+ordered\s+or\s+cancelled`)
}
