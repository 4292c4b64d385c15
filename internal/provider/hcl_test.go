package provider

// The configurations the Terraform-driven tests apply: every HCL builder of
// the package's tests is here. Provider blocks come from acctest.Env's
// ProviderConfig and its siblings.

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

// numberBlock is resource resourceType.name with location_id = location (an
// HCL expression) and the given body lines.
func numberBlock(resourceType, name, location, body string) string {
	return fmt.Sprintf(`
resource %q %q {
  location_id = %s
%s
}
`, resourceType, name, location, body)
}

// numberHCL is a number resource named main in location loc with the given
// body lines.
func numberHCL(resourceType, loc, body string) string {
	return numberBlock(resourceType, "main", "sipstation_location."+loc+".id", body)
}

// didHCL is sipstation_did.main in location loc.
func didHCL(loc, body string) string { return numberHCL("sipstation_did", loc, body) }

// tollFreeHCL is sipstation_toll_free_number.main in location loc.
func tollFreeHCL(loc, body string) string { return numberHCL("sipstation_toll_free_number", loc, body) }

// namedDIDHCL is sipstation_did.<name> holding number in location main.
func namedDIDHCL(name, number string) string {
	return numberBlock("sipstation_did", name, "sipstation_location.main.id", fmt.Sprintf("  number      = %q", number))
}

// didListHCL is sipstation_did.<name> with count over the numbers, in
// location main: dropping the first number shifts every index.
func didListHCL(name string, numbers ...string) string {
	quoted := make([]string, len(numbers))
	for i, n := range numbers {
		quoted[i] = strconv.Quote(n)
	}
	return fmt.Sprintf(`
locals {
  numbers = [%s]
}
resource "sipstation_did" %q {
  count       = length(local.numbers)
  location_id = sipstation_location.main.id
  number      = local.numbers[count.index]
}
`, strings.Join(quoted, ", "), name)
}

// didForEachHCL is sipstation_did.<name> with for_each over each (an HCL map
// of keys to numbers), in location main.
func didForEachHCL(name, each string) string {
	return fmt.Sprintf(`
resource "sipstation_did" %q {
  for_each    = %s
  location_id = sipstation_location.main.id
  number      = each.value
}
`, name, each)
}

// didSettingsHCL is the body of a DID with every setting: a failover
// number, an E911 address, SMS.
func didSettingsHCL(number, failover string) string {
	return fmt.Sprintf(`
  number      = %q
  description = "Reception"
  failover = {
    number = %q
  }
  e911_address = {
    name    = "Example Dental LLC"
    street1 = "1 Market St"
    city    = "San Francisco"
    state   = "CA"
    zip     = "94105"
  }
  sms_enabled = true
`, number, failover)
}

// tollFreeSettingsHCL is the body of a toll-free number with every setting:
// a failover destination.
func tollFreeSettingsHCL(number string) string {
	return fmt.Sprintf(`
  number      = %q
  description = "Sales hotline"
  failover = {
    destination = "sip:sales@pbx.example.com"
  }
`, number)
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

// triggeredDIDHCL is sipstation_did.main in location main, chosen by choose
// (a number or an area_code line), replaced whenever trigger changes
// (replace_triggered_by, as -replace would), with more lifecycle lines.
func triggeredDIDHCL(trigger, choose, lifecycle string) string {
	return fmt.Sprintf(`
resource "terraform_data" "trigger" {
  input = %q
}
resource "sipstation_did" "main" {
  location_id = sipstation_location.main.id
%s
  lifecycle {
    replace_triggered_by = [terraform_data.trigger]
%s
  }
}
`, trigger, choose, lifecycle)
}

// cbdLifecycle is a lifecycle block of create_before_destroy, for a body.
const cbdLifecycle = "\n  lifecycle {\n    create_before_destroy = true\n  }\n"

// cbd is create_before_destroy, for the lifecycle of triggeredDIDHCL.
const cbd = "    create_before_destroy = true"

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

// lostOrderHCL is a DID chosen by choose whose order may take 3 s, with one
// retry.
func lostOrderHCL(env *acctest.Env, choose, lifecycle string) string {
	return env.ProviderConfig(acctest.Set("max_retries", 1)) + locationHCL("main", "Main") + didHCL("main", choose+`
  timeouts {
    create = "3s"
  }`+lifecycle)
}

// removedHCL stops managing address without destroying it.
func removedHCL(address string) string {
	return fmt.Sprintf("\nremoved {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", address)
}

// movedHCL is a moved block from one address to another.
func movedHCL(from, to string) string {
	return fmt.Sprintf("\nmoved {\n  from = %s\n  to   = %s\n}\n", from, to)
}

// importHCL is an import block of id into address.
func importHCL(address, id string) string {
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", address, id)
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

// e911HCL is sipstation_e911_address.main for number.
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

// failoverHCL is sipstation_failover.<name> of number ("" for the
// account-wide failover).
func failoverHCL(name, number, failover string) string {
	n := ""
	if number != "" {
		n = fmt.Sprintf("  number   = %q\n", number)
	}
	return fmt.Sprintf("\nresource \"sipstation_failover\" %q {\n%s  failover = %s\n}\n", name, n, failover)
}
