package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
)

func TestAccTollFree_validation(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	config := func(body string) string {
		return env.ProviderConfig() + numberBlock("sipstation_toll_free_number", "main", `"loc_x"`, body)
	}
	step := func(body string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: config(body), PlanOnly: true, ExpectError: want}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(`number = "+14155550100"`, expectDiag("Invalid Phone Number", `"+14155550100"`, "+18005550123", "sipstation_did")),
			step(`number = "1-800-FLOWERS"`, expectDiag("Invalid Phone Number", `"1-800-FLOWERS"`, "+18005550123, 800-555-0123")),
			step(``, regexp.MustCompile(`"number" is required`)), // Terraform's own
		},
	})
}
