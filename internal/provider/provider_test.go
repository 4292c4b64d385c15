package provider

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the
// Terraform (or OpenTofu) binary that terraform-plugin-testing runs. Every
// Terraform-driven test of this package uses it.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"sipstation": providerserver.NewProtocol6WithError(New("test")()),
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
