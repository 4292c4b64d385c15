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
	step := func(body, want string) resource.TestStep {
		return resource.TestStep{Config: config(body), PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(`number = "+14155550100"`, `Invalid Phone Number[\s\S]*is a local number[\s\S]*such as\s+\+18005550123`),
			step(`number = "1-800-FLOWERS"`, `Invalid Phone Number[\s\S]*not part of a phone number[\s\S]*toll-free\s+number[\s\S]*\+18005550123,\s+800-555-0123`),
			step(``, `"number" is required`),
		},
	})
}
