package provider

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the
// Terraform (or OpenTofu) binary that terraform-plugin-testing runs. Every
// Terraform-driven test of this package uses it.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"sipstation": ProtocolServer("test"),
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
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				Config:      env.ProviderConfig(acctest.Set("api_key", "")) + resources,
				PlanOnly:    true,
				ExpectError: expectDiag("Missing SIPStation API Key", envAPIKey),
			},
			{
				Config:      env.ProviderConfig(acctest.Set("endpoint", "")) + resources,
				PlanOnly:    true,
				ExpectError: expectDiag("Missing SIPStation Endpoint", envEndpoint),
			},
			{
				Config:      env.ProviderConfig(acctest.Set("api_key", "not-the-key")) + resources,
				PlanOnly:    true,
				ExpectError: expectDiag("SIPStation Refused the API Key"),
			},
			{
				Config:      env.ProviderConfig(acctest.Set("endpoint", "http://api.sipstation.example")) + resources,
				PlanOnly:    true,
				ExpectError: expectDiag("Invalid SIPStation Endpoint", `"http://api.sipstation.example"`, "https://"),
			},
			{
				Config:      env.ProviderConfig(acctest.Set("request_timeout", "30")) + resources,
				PlanOnly:    true,
				ExpectError: expectDiag("Invalid Duration", `"30"`, "30s"),
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
`, env.Endpoint) + env.ProviderConfig(acctest.Set("endpoint", acctest.Expr("terraform_data.endpoint.output")),
					acctest.Set("max_retries", 2), acctest.Set("request_timeout", "20s")) + locationHCL("main", "Main"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: createsLocation},
			},
			{
				Config:             env.ProviderConfig(acctest.Set("max_retries", 0), acctest.Set("request_timeout", "20s")) + locationHCL("main", "Main"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: createsLocation},
			},
		},
	})
}
