package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the
// Terraform (or OpenTofu) binary that terraform-plugin-testing runs. Every
// Terraform-driven test of this package uses it.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"sipstation": ProtocolServer("test"),
}

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

// locationHCL is a sipstation_location named name.
func locationHCL(name, displayName string) string {
	return fmt.Sprintf(`
resource "sipstation_location" %[1]q {
  name              = %[2]q
  organization_name = "Example Dental LLC"
  email             = "it@example.com"
  service_address = {
    street1 = "1 Market St"
    city    = "San Francisco"
    state   = "CA"
    zip     = "94105"
  }
}
`, name, displayName)
}

// apiNumber reads a number from the API as the test's account sees it; the
// status is 404 once the number is cancelled.
func apiNumber(t *testing.T, env *acctest.Env, e164 string) (sipstation.Number, int) {
	t.Helper()
	var n sipstation.Number
	status := env.Get(t, "/v1/numbers/"+url.PathEscape(e164), &n)
	return n, status
}

// checkBilledAt is a check that the API holds e164 with the status given,
// and bills it.
func checkBilledAt(t *testing.T, env *acctest.Env, e164, status string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n, code := apiNumber(t, env, e164)
		if code != 200 {
			return fmt.Errorf("GET %s: status %d, want 200", e164, code)
		}
		if n.Status != status || !n.Billing.Active {
			return fmt.Errorf("%s: status %q billed %v, want %q and billed", e164, n.Status, n.Billing.Active, status)
		}
		return nil
	}
}

// checkCancelled is a check that the account no longer holds e164 and
// that nothing was ever cancelled with force: the API answers 404 and no
// listing shows the number.
func checkCancelled(t *testing.T, env *acctest.Env, e164 string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if _, code := apiNumber(t, env, e164); code != 404 {
			return fmt.Errorf("GET %s: status %d, want 404 after the cancel", e164, code)
		}
		var list struct {
			Data []sipstation.Number `json:"data"`
		}
		if code := env.Get(t, "/v1/numbers?page[size]=1000", &list); code != 200 {
			return fmt.Errorf("list numbers: status %d", code)
		}
		for _, n := range list.Data {
			if n.Number == e164 {
				return fmt.Errorf("%s is still listed (status %q, billed %v)", e164, n.Status, n.Billing.Active)
			}
		}
		return checkNoForcedCancels(t, env)(s)
	}
}

// checkNoForcedCancels is a check that nothing was ever cancelled with
// force. Only the emulator counts them; a live endpoint has no metrics.
func checkNoForcedCancels(t *testing.T, env *acctest.Env) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if !env.IsEmulator() {
			return nil
		}
		if n := env.Metrics(t).ForcedCancellations; n != 0 {
			return fmt.Errorf("the emulator saw %d forced cancellations, want 0", n)
		}
		return nil
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, version, terraform, want string
	}{
		{"release", "1.2.3", "1.8.5", "terraform-provider-sipstation/1.2.3 (+https://registry.terraform.io/providers/sipstation-community/sipstation) terraform/1.8.5"},
		{"no terraform version", "dev", "", "terraform-provider-sipstation/dev (+https://registry.terraform.io/providers/sipstation-community/sipstation) terraform/unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, userAgent(tt.version, tt.terraform)); diff != "" {
				t.Errorf("userAgent(%q, %q) mismatch (-want +got):\n%s", tt.version, tt.terraform, diff)
			}
		})
	}
}

// TestAccProvider_configErrors shows that a bad provider configuration is
// one provider-level error at plan time, before any resource is planned.
func TestAccProvider_configErrors(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	rec := &diagRecorder{}
	resources := locationHCL("a", "A") + locationHCL("b", "B")
	provider := func(endpoint, key, extra string) string {
		return fmt.Sprintf("provider \"sipstation\" {\n  endpoint = %q\n  api_key = %q\n%s}\n", endpoint, key, extra)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				Config:      provider(env.Endpoint, "", "") + resources,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Missing SIPStation API Key[\s\S]*` + envAPIKey),
			},
			{
				Config:      provider("", env.APIKey, "") + resources,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Missing SIPStation Endpoint[\s\S]*` + envEndpoint),
			},
			{
				Config:      provider(env.Endpoint, "not-the-key", "") + resources,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`SIPStation Refused the API Key[\s\S]*refused the configured API key`),
			},
			{
				Config:      provider("http://api.sipstation.example", env.APIKey, "") + resources,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid SIPStation Endpoint[\s\S]*plain http`),
			},
			{
				Config:      provider(env.Endpoint, env.APIKey, "  request_timeout = \"30\"\n") + resources,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid Duration[\s\S]*such as 30s`),
			},
		},
	})
	// Each configuration error stopped the plan before any resource was
	// planned: one provider-level error, none per resource.
	if n := rec.count("plan"); n != 0 {
		t.Errorf("resources were planned %d times despite the provider configuration error", n)
	}
	// And each call that failed returned exactly one error.
	errorsPerCall := map[int][]string{}
	for _, d := range rec.all() {
		if d.Severity == "error" {
			errorsPerCall[d.Seq] = append(errorsPerCall[d.Seq], d.Call+": "+d.Summary)
		}
	}
	if len(errorsPerCall) == 0 {
		t.Error("no provider call returned an error")
	}
	for _, summaries := range errorsPerCall {
		if len(summaries) != 1 {
			t.Errorf("one provider call returned %d errors, want 1: %q", len(summaries), summaries)
		}
	}
}

// TestAccProvider_unknownConfig shows that the provider checks nothing while
// its configuration is unknown, and that a valid configuration with
// max_retries and request_timeout plans.
func TestAccProvider_unknownConfig(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	createsLocation := []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("sipstation_location.main", plancheck.ResourceActionCreate),
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "terraform_data" "endpoint" {
  input = %q
}
provider "sipstation" {
  endpoint        = terraform_data.endpoint.output
  api_key         = %q
  max_retries     = 2
  request_timeout = "20s"
}
`, env.Endpoint, env.APIKey) + locationHCL("main", "Main"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: createsLocation},
			},
			{
				Config: fmt.Sprintf("provider \"sipstation\" {\n  endpoint = %q\n  api_key = %q\n  max_retries = 0\n  request_timeout = \"20s\"\n}\n",
					env.Endpoint, env.APIKey) + locationHCL("main", "Main"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: createsLocation},
			},
		},
	})
}
