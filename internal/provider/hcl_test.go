package provider

// The configurations the Terraform-driven tests apply: every HCL builder
// of the package's tests is here.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
)

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

const didAddr = "sipstation_did.main"

const tollFreeAddr = "sipstation_toll_free_number.main"

// numberHCL is a number resource named main in location loc with the given
// body lines.
func numberHCL(resourceType, loc, body string) string {
	return fmt.Sprintf(`
resource %q "main" {
  location_id = sipstation_location.%s.id
%s
}
`, resourceType, loc, body)
}

// didHCL is sipstation_did.main in location loc.
func didHCL(loc, body string) string { return numberHCL("sipstation_did", loc, body) }

// tollFreeHCL is sipstation_toll_free_number.main in location loc.
func tollFreeHCL(loc, body string) string { return numberHCL("sipstation_toll_free_number", loc, body) }

// namedDIDHCL is sipstation_did.<name> holding number in location main.
func namedDIDHCL(name, number string) string {
	return fmt.Sprintf(`
resource "sipstation_did" %q {
  location_id = sipstation_location.main.id
  number      = %q
}
`, name, number)
}

// removedHCL stops managing address without destroying it.
func removedHCL(address string) string {
	return fmt.Sprintf("\nremoved {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", address)
}

const cbdLifecycle = "\n  lifecycle {\n    create_before_destroy = true\n  }\n"

// first212 is the number the emulator gives the first order in area code 212.
const first212 = "+12125550100"

// badE911 is an E911 address SIPStation refuses (the ZIP code).
const badE911 = `
  e911_address = {
    name    = "Example Dental LLC"
    street1 = "1 Market St"
    city    = "San Francisco"
    state   = "CA"
    zip     = "ABCDE"
  }
`

// lostOrderHCL is a DID chosen by choose whose order may take 3 s.
func lostOrderHCL(env *acctest.Env, choose, lifecycle string) string {
	provider := fmt.Sprintf("provider \"sipstation\" {\n  endpoint    = %q\n  api_key     = %q\n  max_retries = 1\n}\n", env.Endpoint, env.APIKey)
	return provider + locationHCL("main", "Main") + didHCL("main", choose+`
  timeouts {
    create = "3s"
  }`+lifecycle)
}

// manyDIDsHCL is count DIDs +1415555 0100 onwards in location main.
func manyDIDsHCL(count int) string {
	return fmt.Sprintf(`
resource "sipstation_did" "many" {
  count       = %d
  location_id = sipstation_location.main.id
  number      = format("+1415555%%04d", 100 + count.index)
}
`, count)
}

// kitHCL is a sipstation_port_out_details "kit" block.
func kitHCL(locationID string, numbers []string, extra string) string {
	quoted := make([]string, len(numbers))
	for i, n := range numbers {
		quoted[i] = strconv.Quote(n)
	}
	return fmt.Sprintf(`
data "sipstation_port_out_details" "kit" {
  location_id = %q
  numbers     = [%s]
%s}
`, locationID, strings.Join(quoted, ", "), extra)
}

func e911HCL(number, street2, extra string) string {
	return fmt.Sprintf(`
resource "sipstation_e911_address" "main" {
  number  = %q
  name    = "Example Dental LLC"
  street1 = "1 Market St"
  street2 = %q
  city    = "San Francisco"
  state   = "CA"
  zip     = "94105"
%s}
`, number, street2, extra)
}

func failoverHCL(name, number, failover string) string {
	n := ""
	if number != "" {
		n = fmt.Sprintf("  number   = %q\n", number)
	}
	return fmt.Sprintf("\nresource \"sipstation_failover\" %q {\n%s  failover = %s\n}\n", name, n, failover)
}
