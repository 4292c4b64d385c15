package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// numbersAt is the attribute path of numbers[i] as tftypes prints it.
func numbersAt(i int) string {
	return `AttributeName("numbers").ElementKeyInt(` + strconv.Itoa(i) + `)`
}

// dashed writes an E.164 NANP number as 415-555-0100; parenthesized as
// (415) 555-0100: the forms people paste into a configuration.
func dashed(e164 string) string { return e164[2:5] + "-" + e164[5:8] + "-" + e164[8:] }
func parenthesized(e164 string) string {
	return "(" + e164[2:5] + ") " + e164[5:8] + "-" + e164[8:]
}

// wantFeeFreeFrom is the first date a port of a number activated at
// activated completes without the early fee: 90 days later, rounded up to a
// whole day.
func wantFeeFreeFrom(activated time.Time) string {
	end := activated.UTC().Add(90 * 24 * time.Hour)
	if end.Hour() == 0 && end.Minute() == 0 && end.Second() == 0 && end.Nanosecond() == 0 {
		return end.Format(time.DateOnly)
	}
	return end.AddDate(0, 0, 1).Format(time.DateOnly)
}

// TestAccPortOutDetailsDataSource_kit: the whole kit for numbers written in
// three forms, one of them toll-free, on a location with statements; on the
// emulator's clock one DID is over 90 days old and the other is not, and the
// fee the kit predicts is the fee SIPStation charges when the port completes.
func TestAccPortOutDetailsDataSource_kit(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)

	loc := env.CreateLocation(t, "HQ")
	older := env.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "415"})
	tollFree := env.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeTollFree, Number: "+18885550177"})
	env.Advance(t, 91*24*time.Hour)
	newer := env.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "303"})
	// The port completes today on the emulator's clock: the day it
	// activated the newer number.
	portDate := newer.ActivatedAt.UTC().Format(time.DateOnly)
	latest, ok := newestStatement(env.Statements(t, loc.ID))
	if !ok {
		t.Fatal("after 91 days the emulator issued no statement")
	}
	freeFrom := wantFeeFreeFrom(newer.ActivatedAt)
	const ds = "data.sipstation_port_out_details.kit"

	rec := &diagRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + kitHCL(loc.ID,
				[]string{dashed(older.Number), parenthesized(tollFree.Number), newer.Number[2:]},
				fmt.Sprintf("  port_date   = %q\n", portDate)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("account_number"), knownvalue.StringExact(loc.AccountNumber)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("organization_name"), knownvalue.StringExact("Acme Dental LLC")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("service_address"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"street1": knownvalue.StringExact("100 Main St"),
					"street2": knownvalue.StringExact(""),
					"city":    knownvalue.StringExact("San Francisco"),
					"state":   knownvalue.StringExact("CA"),
					"zip":     knownvalue.StringExact("94105"),
				})),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("local_numbers"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact(older.Number), knownvalue.StringExact(newer.Number),
				})),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("toll_free_numbers"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact(tollFree.Number),
				})),
				// Only the DID ordered today is under 90 days old on port_date.
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("early_port_out_fees"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"number":        knownvalue.StringExact(newer.Number),
						"activated_at":  knownvalue.StringExact(newer.ActivatedAt.UTC().Format(time.RFC3339)),
						"fee":           knownvalue.StringExact("25.00"),
						"fee_free_from": knownvalue.StringExact(freeFrom),
					}),
				})),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("statement_date"), knownvalue.StringExact(latest.Date)),
			},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttrWith(ds, "statement_pdf_base64",
					statementPDFCheck(loc.AccountNumber, "Acme Dental LLC", latest.Date, older.Number, tollFree.Number)),
				func(*terraform.State) error {
					return rec.requireWarning("data-read", "Early Port-Out Fee",
						newer.Number, "25.00 USD", "on or after "+freeFrom, portDate)
				},
				func(*terraform.State) error {
					for _, d := range rec.find("data-read", "Early Port-Out Fee") {
						if d.Attribute != numbersAt(2) {
							return fmt.Errorf("the fee warning points at %s, want numbers[2]", d.Attribute)
						}
					}
					return rec.requireNoDataRead("No Statement Yet")
				},
			),
		}},
	})

	// The gaining carrier ports both DIDs now: SIPStation charges the fee
	// the kit predicted, for the number it predicted, and no other.
	po := env.RequestPortOut(t, gainingCarrier, "", older.Number, newer.Number)
	env.CompletePortOut(t, po.ID)
	for number, want := range map[string]string{older.Number: "", newer.Number: "25.00"} {
		n, code := apiNumber(t, env, number)
		if code != http.StatusOK {
			t.Fatalf("GET %s: status %d", number, code)
		}
		got := ""
		if n.EarlyPortOutFee != nil {
			got = *n.EarlyPortOutFee
		}
		if got != want {
			t.Errorf("%s: early_port_out_fee %q after the port completed, want %q as the kit predicted", number, got, want)
		}
	}
}

// TestAccPortOutDetailsDataSource_newLocation: a number ordered today on a
// location with no statement yet. port_date defaults to today, so the
// number would cost the fee; the statement attributes are null, and the
// warning names the date the first statement falls due, which is the date
// the emulator then issues it on.
func TestAccPortOutDetailsDataSource_newLocation(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	loc := env.CreateLocation(t, "New office")
	did := env.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "512"})
	const ds = "data.sipstation_port_out_details.kit"

	rec := &diagRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + kitHCL(loc.ID, []string{did.Number}, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("local_numbers"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(did.Number)})),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("toll_free_numbers"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("early_port_out_fees"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"number":        knownvalue.StringExact(did.Number),
						"fee":           knownvalue.StringExact("25.00"),
						"fee_free_from": knownvalue.StringExact(wantFeeFreeFrom(did.ActivatedAt)),
					}),
				})),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("account_number"), knownvalue.StringExact(loc.AccountNumber)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("statement_date"), knownvalue.Null()),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("statement_pdf_base64"), knownvalue.Null()),
			},
			Check: resource.ComposeTestCheckFunc(
				func(*terraform.State) error {
					return rec.requireWarning("data-read", "Early Port-Out Fee", did.Number, "25.00 USD")
				},
				func(*terraform.State) error {
					return rec.requireWarning("data-read", "No Statement Yet", loc.ID, loc.AccountNumber,
						fmt.Sprintf("billing day %d", loc.BillingDay))
				},
			),
		}},
	})

	// The date the warning gave is the date of the first statement.
	warned := rec.find("data-read", "No Statement Yet")
	m := regexp.MustCompile(`falls due on (\d{4}-\d{2}-\d{2})`).FindStringSubmatch(warned[0].Detail)
	if m == nil {
		t.Fatalf("the warning names no date:\n%s", warned[0].Detail)
	}
	env.Advance(t, aMonth)
	issued := env.Statements(t, loc.ID)
	if len(issued) != 1 || issued[0].Date != m[1] {
		t.Fatalf("the warning said the first statement falls due on %s; the emulator issued %+v", m[1], issued)
	}
}

// TestAccPortOutDetailsDataSource_refusals: every number that cannot go on
// an LOA gets its own error at its place in numbers, all from one plan, and
// the data source changes nothing.
func TestAccPortOutDetailsDataSource_refusals(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)

	hq := env.CreateLocation(t, "HQ")
	branch := env.CreateLocation(t, "Branch")
	good := env.OrderNumber(t, hq.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "212"})
	onBranch := env.OrderNumber(t, branch.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "415"})
	cancelled := env.OrderNumber(t, hq.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "206"})
	env.CancelNumber(t, cancelled.Number)
	ported := env.OrderNumber(t, hq.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "303"})
	env.CompletePortOut(t, env.RequestPortOut(t, "Other Telecom", "", ported.Number).ID)
	pending := env.OrderNumber(t, hq.ID, sipstation.NumberOrder{Type: sipstation.TypeTollFree, Number: "+18005550150"})
	po := env.RequestPortOut(t, gainingCarrier, "", pending.Number)
	other := env.OtherAccount(t, "Someone else", "")
	theirs := other.OrderNumber(t, other.CreateLocation(t, "Theirs").ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "702"})
	const neverHeld = "+16175550188"

	numbers := []string{good.Number, onBranch.Number, cancelled.Number, ported.Number, pending.Number, theirs.Number, neverHeld}
	rec := &diagRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{{
			Config:      env.ProviderConfig() + kitHCL(hq.ID, numbers, ""),
			ExpectError: expectDiag("Port-Out Already Pending"),
		}},
	})

	want := []struct {
		at      int
		summary string
		phrases []string
	}{
		{1, "Number Not on This Location", []string{onBranch.Number, branch.ID, `"Branch"`, hq.ID, `location_id = "` + branch.ID + `"`}},
		{2, "Number Not in This Account", []string{cancelled.Number, "does not hold"}},
		{3, "Number Already Ported Out", []string{ported.Number, "Other Telecom", "still bills it (1.50 USD a month)"}},
		{4, "Port-Out Already Pending", []string{pending.Number, gainingCarrier, "FOC date " + po.FOCDate, "lose the number"}},
		{5, "Number Not in This Account", []string{theirs.Number, "does not hold"}},
		{6, "Number Not in This Account", []string{neverHeld, "does not hold"}},
	}
	errs := map[string]recordedDiag{}
	seqs := map[int]bool{}
	for _, d := range rec.all() {
		if d.Call != "data-read" || d.Severity != "error" {
			continue
		}
		if _, dup := errs[d.Attribute]; dup {
			t.Errorf("two errors for %s: %+v", d.Attribute, d)
		}
		errs[d.Attribute] = d
		seqs[d.Seq] = true
	}
	if len(seqs) != 1 {
		t.Errorf("the errors came from %d reads, want all from one", len(seqs))
	}
	if len(errs) != len(want) {
		t.Errorf("%d errors, want one for each of the %d refused numbers: %+v", len(errs), len(want), errs)
	}
	for _, w := range want {
		d, ok := errs[numbersAt(w.at)]
		if !ok {
			t.Errorf("no error for numbers[%d] (%s), want %q", w.at, numbers[w.at], w.summary)
			continue
		}
		if d.Summary != w.summary {
			t.Errorf("numbers[%d]: %q, want %q", w.at, d.Summary, w.summary)
		}
		for _, p := range w.phrases {
			if !strings.Contains(d.Detail, p) {
				t.Errorf("numbers[%d] %q lacks %q:\n%s", w.at, d.Summary, p, d.Detail)
			}
		}
	}

	// Reading the kit changed nothing: the pending port is still pending,
	// the other numbers as they were, nothing forced.
	for number, status := range map[string]string{
		good.Number: sipstation.StatusActive, onBranch.Number: sipstation.StatusActive,
		pending.Number: sipstation.StatusPortOutPending, ported.Number: sipstation.StatusPortedOut,
	} {
		mustCheck(t, checkBilledAt(t, env, number, status))
	}
	mustCheck(t, checkNoForcedCancels(t, env))
}

// TestAccPortOutDetailsDataSource_planTimeErrors: malformed numbers fail at
// plan, one error each with the forms to write, before any API call; a
// number listed twice in two forms too; an unknown location at read.
func TestAccPortOutDetailsDataSource_planTimeErrors(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	rec := &diagRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + kitHCL("loc_1",
					[]string{"415-555-01", "+44 20 7946 0958", "4155550123", "(415) 555-0123", "415-555-0123 ext 2"}, ""),
				ExpectError: expectDiag("Invalid Phone Number"),
			},
			{
				Config:      env.ProviderConfig() + kitHCL("loc_1", []string{}, ""),
				ExpectError: regexp.MustCompile(`(?s)numbers.*at least 1`),
			},
			{
				Config:      env.ProviderConfig() + kitHCL("loc_does_not_exist", []string{"+14155550123"}, ""),
				ExpectError: expectDiag("Cannot Read Port-Out Details", `"loc_does_not_exist"`),
			},
		},
	})

	if n := rec.count("data-read"); n != 1 {
		t.Errorf("the data source was read %d times, want once (only for the unknown location)", n)
	}
	invalid := map[string]recordedDiag{}
	for _, d := range rec.find("data-validate", "Invalid Phone Number") {
		invalid[d.Attribute] = d
	}
	for _, i := range []int{0, 1, 4} {
		d, ok := invalid[numbersAt(i)]
		if !ok {
			t.Errorf("no Invalid Phone Number error at numbers[%d]; recorded %+v", i, rec.all())
			continue
		}
		if !strings.Contains(d.Detail, "+14155550123, 415-555-0123 or (415) 555-0123") {
			t.Errorf("numbers[%d]: the error does not show the forms to write:\n%s", i, d.Detail)
		}
	}
	if len(invalid) != 3 {
		t.Errorf("Invalid Phone Number at %d places, want 3 (numbers[0], [1], [4])", len(invalid))
	}
	twice := rec.find("data-validate", "Number Listed Twice")
	if len(twice) == 0 || twice[0].Attribute != numbersAt(3) || !strings.Contains(twice[0].Detail, "+14155550123") {
		t.Errorf("want one Number Listed Twice at numbers[3] naming +14155550123; got %+v", twice)
	}
}

// TestAccPortOutDetailsDataSource_portDateInPast: a port_date before today
// fails at plan, before anything is read: a port cannot complete on a day
// that has passed, and the fees would be counted for the wrong day.
func TestAccPortOutDetailsDataSource_portDateInPast(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	rec := &diagRecorder{}
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{{
			Config:      env.ProviderConfig() + kitHCL("loc_1", []string{"+14155550123"}, fmt.Sprintf("  port_date   = %q\n", yesterday)),
			ExpectError: expectDiag("Date in the Past", yesterday),
		}},
	})
	if n := rec.count("data-read"); n != 0 {
		t.Errorf("the data source was read %d times, want none: the date is refused before any API call", n)
	}
}

// locationBlanker stands between the provider and the emulator and blanks
// parts of every location it answers, as a location set up by hand in the
// web store may have them: the emulator itself refuses such a location.
type locationBlanker struct {
	mu     sync.Mutex
	fields []string // "organization_name", or service_address fields such as "city"
}

func (b *locationBlanker) set(fields ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fields = fields
}

func newLocationBlanker(t *testing.T, env *acctest.Env) (*locationBlanker, string) {
	b := &locationBlanker{}
	return b, env.Proxy(t, nil, func(resp *http.Response) error {
		if resp.Request.Method != http.MethodGet || !strings.HasPrefix(resp.Request.URL.Path, "/v1/locations/") ||
			strings.Count(resp.Request.URL.Path, "/") != 3 || resp.StatusCode != http.StatusOK {
			return nil
		}
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		var loc map[string]any
		if err := json.Unmarshal(raw, &loc); err != nil {
			return err
		}
		addr, _ := loc["service_address"].(map[string]any)
		b.mu.Lock()
		for _, f := range b.fields {
			if f == "organization_name" {
				loc[f] = ""
			} else if addr != nil {
				addr[f] = ""
			}
		}
		b.mu.Unlock()
		out, err := json.Marshal(loc)
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(out))
		resp.ContentLength = int64(len(out))
		resp.Header.Set("Content-Length", strconv.Itoa(len(out)))
		return nil
	})
}

// TestAccPortOutDetailsDataSource_missingLOADetails: a location with no
// organization name, then no service address, then half a service address,
// warns each time, and the kit is still read.
func TestAccPortOutDetailsDataSource_missingLOADetails(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t)
	loc := env.CreateLocation(t, "Web store")
	did := env.OrderNumber(t, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, AreaCode: "720"})
	blanker, endpoint := newLocationBlanker(t, env)
	config := env.ProviderConfig(acctest.Set("endpoint", endpoint)) +
		kitHCL(loc.ID, []string{did.Number}, "")
	const ds = "data.sipstation_port_out_details.kit"

	rec := &diagRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { blanker.set("organization_name", "street1", "street2", "city", "state", "zip") },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("organization_name"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("account_number"), knownvalue.StringExact(loc.AccountNumber)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("local_numbers"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(did.Number)})),
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						return rec.requireWarning("data-read", "No Organization Name on File", loc.ID, "no organization name")
					},
					func(*terraform.State) error {
						return rec.requireWarning("data-read", "No Service Address on File", loc.ID, "no service address")
					},
					func(*terraform.State) error { return rec.requireNoDataRead("Service Address Incomplete") },
				),
			},
			{
				PreConfig: func() {
					blanker.set("city", "zip")
					rec.mu.Lock()
					rec.diags = nil
					rec.mu.Unlock()
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("organization_name"), knownvalue.StringExact("Acme Dental LLC")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("service_address").AtMapKey("street1"), knownvalue.StringExact("100 Main St")),
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						return rec.requireWarning("data-read", "Service Address Incomplete", loc.ID, "has no city, zip on file")
					},
					func(*terraform.State) error { return rec.requireNoDataRead("No Organization Name on File") },
					func(*terraform.State) error { return rec.requireNoDataRead("No Service Address on File") },
				),
			},
		},
	})
}

func TestFeeFreeFrom(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ activated, want string }{
		{"2026-01-10T15:04:05Z", "2026-04-11"},      // 90 days later at 15:04: the next day is free
		{"2026-01-10T00:00:00Z", "2026-04-10"},      // exactly midnight 90 days later: that day is free
		{"2026-12-01T23:59:59Z", "2027-03-02"},      // across a year
		{"2026-01-10T20:00:00-05:00", "2026-04-12"}, // 2026-01-11T01:00Z
		{"2024-02-28T12:00:00Z", "2024-05-29"},      // a leap year
		{"2026-01-10T00:00:00.5Z", "2026-04-11"},    // half a second after midnight
	} {
		activated, err := time.Parse(time.RFC3339Nano, tc.activated)
		if err != nil {
			t.Fatal(err)
		}
		if got := feeFreeFrom(activated).Format(time.DateOnly); got != tc.want {
			t.Errorf("feeFreeFrom(%s) = %s, want %s", tc.activated, got, tc.want)
		}
	}
}

func TestFirstStatementDate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		created    string
		billingDay int
		want       string
	}{
		{"2026-03-05T10:00:00Z", 5, "2026-04-05"},  // created on its billing day: next month
		{"2026-01-31T10:00:00Z", 28, "2026-02-28"}, // billing day capped at 28, still ahead this month
		{"2026-12-15T00:00:00Z", 15, "2027-01-15"}, // across a year
		{"2026-03-29T10:00:00Z", 28, "2026-04-28"}, // the 28th already passed
		{"2026-06-10T10:00:00Z", 0, "2026-07-10"},  // no billing day given: the day of creation
	} {
		created, err := time.Parse(time.RFC3339, tc.created)
		if err != nil {
			t.Fatal(err)
		}
		loc := &sipstation.Location{CreatedAt: created, BillingDay: tc.billingDay}
		if got := firstStatementDate(loc).Format(time.DateOnly); got != tc.want {
			t.Errorf("firstStatementDate(created %s, billing day %d) = %s, want %s", tc.created, tc.billingDay, got, tc.want)
		}
	}
}
