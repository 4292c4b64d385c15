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
	"testing"

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
	return r.require("warning", call, summary, phrases...)
}

// requireError is a check that the provider returned the error summary in
// call (an error at "apply" rather than at "plan", say), its detail holding
// every phrase.
func (r *diagRecorder) requireError(call, summary string, phrases ...string) error {
	return r.require("error", call, summary, phrases...)
}

func (r *diagRecorder) require(severity, call, summary string, phrases ...string) error {
	found := r.find(call, summary)
	if len(found) == 0 {
		return fmt.Errorf("no %s %s %q was recorded; recorded: %+v", call, severity, summary, r.all())
	}
	for _, d := range found {
		if d.Severity != severity {
			return fmt.Errorf("%q was a %s, want a %s", summary, d.Severity, severity)
		}
		for _, p := range phrases {
			if !strings.Contains(d.Detail, p) {
				return fmt.Errorf("%s %q lacks %q:\n%s", severity, summary, p, d.Detail)
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

// expectDiag matches a diagnostic in Terraform's output by its summary and
// the facts its detail must name, in the order it names them: the number,
// the carrier, a date, a key, the setting, command or block to write. It
// does not match the sentences around them, so that rewording a diagnostic
// breaks no test while dropping a fact does. Terraform wraps the detail
// where it likes: a space in the summary or a fact matches any whitespace,
// and everything else is matched as written.
func expectDiag(summary string, facts ...string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(spaced(summary))
	for _, f := range facts {
		b.WriteString(`[\s\S]*`)
		b.WriteString(spaced(f))
	}
	return regexp.MustCompile(b.String())
}

// spaced is s as a regular expression in which each run of spaces matches
// any whitespace.
func spaced(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, `\s+`)
}

// pendingError is what a plan (or an apply) that would cancel a number with
// a pending port-out fails with: the number, its port, and the removed
// block that lets it go without a cancel; then any more facts.
func pendingError(number, resourceType string, more ...string) *regexp.Regexp {
	return expectDiag("Number Has a Pending Port-Out: Not Cancelled", append([]string{number, gainingCarrier, "FOC date " + testFOCDate,
		"removed { from = " + resourceType + ".<name> lifecycle { destroy = false"}, more...)...)
}

// alreadyHeldError is the create-plan error for a number the account holds.
func alreadyHeldError(number string) *regexp.Regexp {
	return expectDiag("Number Already in This Account", number)
}

// taintedError is the plan error for the tainted DID holding first212.
func taintedError() *regexp.Regexp {
	return expectDiag("Refusing to Replace a Tainted Number", first212, "terraform untaint")
}

func TestExpectDiag(t *testing.T) {
	t.Parallel()
	re := expectDiag("Location Still Has Billed Numbers", "+14155550142 (local, active, 1.50 a month)", "FOC date 2030-01-15")
	for out, want := range map[string]bool{
		// As Terraform prints it, the detail wrapped anywhere.
		"Error: Location Still Has Billed Numbers\n\nSIPStation keeps it: +14155550142 (local,\nactive, 1.50 a month) until\nthe FOC\n  date 2030-01-15.": true,
		"Error: Location Still Has Billed Numbers\n\n+14155550142 (local, active, 1.50 a month), FOC date 2030-01-15":                                     true,
		// A fact missing, out of order, or only alike.
		"Error: Location Still Has Billed Numbers\n\n+14155550142 (local, active, 1.50 a month)":                      false,
		"Error: Location Still Has Billed Numbers\n\nFOC date 2030-01-15, +14155550142 (local, active, 1.50 a month)": false,
		"Error: Location Still Has Billed Numbers\n\n+14155550142 (local, active, 1x50 a month), FOC date 2030-01-15": false,
		"Error: Location Has Billed Numbers\n\n+14155550142 (local, active, 1.50 a month), FOC date 2030-01-15":       false,
	} {
		if got := re.MatchString(out); got != want {
			t.Errorf("%s matches %q: %v, want %v", re, out, got, want)
		}
	}
}
