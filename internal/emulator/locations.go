package emulator

import (
	"fmt"
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

var (
	stateRE = regexp.MustCompile(`^[A-Z]{2}$`)
	zipRE   = regexp.MustCompile(`^[0-9]{5}(-[0-9]{4})?$`)
)

// ownLocation is the caller's location, or 404 exactly as if it did not exist.
func (c *call) ownLocation(id string) (*locationRec, error) {
	l, err := c.tx.location(id)
	if err != nil {
		return nil, err
	}
	if l == nil || l.AccountID != c.acct.ID {
		return nil, notFound("location %q not found", id)
	}
	return l, nil
}

func listLocations(c *call) (*result, error) {
	p, err := parsePage(c.r)
	if err != nil {
		return nil, err
	}
	recs, err := listJSON[locationRec](c.tx, `SELECT data FROM locations WHERE account_id = ? ORDER BY rowid`, c.acct.ID)
	if err != nil {
		return nil, err
	}
	out := make([]sipstation.Location, len(recs))
	for i := range recs {
		out[i] = recs[i].Location
	}
	return paged(p, out)
}

func getLocation(c *call) (*result, error) {
	l, err := c.ownLocation(c.r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return jsonResult(http.StatusOK, l.Location)
}

func createLocation(c *call) (*result, error) {
	var in sipstation.LocationCreate
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	if err := validateLocation(&in.Name, &in.OrganizationName, &in.Email, &in.ServiceAddress); err != nil {
		return nil, err
	}
	id, err := newID("loc")
	if err != nil {
		return nil, err
	}
	acctNo, err := nextAccountNumber(c.tx)
	if err != nil {
		return nil, err
	}
	// Billing day: the day of creation, capped so that every month has it.
	day := min(c.now.Day(), 28)
	l := &locationRec{
		Location: sipstation.Location{
			ID:               id,
			Name:             in.Name,
			OrganizationName: in.OrganizationName,
			Email:            in.Email,
			ServiceAddress:   in.ServiceAddress,
			AccountNumber:    acctNo,
			BillingDay:       day,
			Status:           sipstation.LocationActive,
			CreatedAt:        c.now,
		},
		AccountID:   c.acct.ID,
		PeriodStart: c.now.Format(dateLayout),
		NextDue:     nextBillingDate(c.now, day).Format(dateLayout),
	}
	if err := c.tx.putLocation(l); err != nil {
		return nil, err
	}
	return jsonResult(http.StatusCreated, l.Location)
}

// nextBillingDate is the first billing day strictly after t's date.
func nextBillingDate(t time.Time, day int) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), day, 0, 0, 0, 0, time.UTC)
	if d.Format(dateLayout) <= t.Format(dateLayout) {
		d = d.AddDate(0, 1, 0) // day <= 28: never spills into the month after
	}
	return d
}

// nextAccountNumber hands out the 10-digit account numbers printed on
// statements, in order, so they are stable across a restart.
func nextAccountNumber(t *tx) (string, error) {
	raw, err := t.meta(metaAccountNumber)
	if err != nil {
		return "", err
	}
	n := int64(4100000000)
	if raw != "" {
		if n, err = strconv.ParseInt(raw, 10, 64); err != nil {
			return "", fmt.Errorf("stored account number %q: %w", raw, err)
		}
	}
	n++
	if err := t.setMeta(metaAccountNumber, strconv.FormatInt(n, 10)); err != nil {
		return "", err
	}
	return strconv.FormatInt(n, 10), nil
}

func updateLocation(c *call) (*result, error) {
	l, err := c.ownLocation(c.r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if l.Status == sipstation.LocationClosed {
		return nil, invalid("", "location %s is closed and cannot be changed", l.ID)
	}
	var in sipstation.LocationUpdate
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	if err := validateLocation(in.Name, in.OrganizationName, in.Email, in.ServiceAddress); err != nil {
		return nil, err
	}
	if in.Name != nil {
		l.Name = *in.Name
	}
	if in.OrganizationName != nil {
		l.OrganizationName = *in.OrganizationName
	}
	if in.Email != nil {
		l.Email = *in.Email
	}
	if in.ServiceAddress != nil {
		l.ServiceAddress = *in.ServiceAddress
	}
	if err := c.tx.putLocation(l); err != nil {
		return nil, err
	}
	return jsonResult(http.StatusOK, l.Location)
}

// closeLocation closes a location with no billed numbers. Closing a closed
// location answers it again.
func closeLocation(c *call) (*result, error) {
	l, err := c.ownLocation(c.r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if l.Status == sipstation.LocationClosed {
		return jsonResult(http.StatusOK, l.Location)
	}
	nums, err := numberRows(c.tx, `WHERE location_id = ? ORDER BY number`, l.ID)
	if err != nil {
		return nil, err
	}
	var billed []string
	for _, n := range nums {
		if n.Billing.Active {
			billed = append(billed, fmt.Sprintf("%s (%s)", n.Number.Number, n.Status))
		}
	}
	if len(billed) > 0 {
		return nil, errf(http.StatusConflict, sipstation.CodeLocationHasActiveNumbers,
			"location %s still has %d billed number(s): %s; cancel them (DELETE /v1/numbers/{number}) or move them to another location first",
			l.ID, len(billed), strings.Join(billed, ", "))
	}
	l.Status = sipstation.LocationClosed
	now := c.now
	l.ClosedAt = &now
	if err := c.tx.putLocation(l); err != nil {
		return nil, err
	}
	return jsonResult(http.StatusOK, l.Location)
}

// validateLocation checks the fields given (nil = not given).
func validateLocation(name, org, email *string, addr *sipstation.Address) error {
	if name != nil && (strings.TrimSpace(*name) == "" || len(*name) > 100) {
		return invalid("/name", "name is required and at most 100 characters long")
	}
	if org != nil && (strings.TrimSpace(*org) == "" || len(*org) > 100) {
		return invalid("/organization_name", "organization_name is required and at most 100 characters long: the name a gaining carrier's Letter of Authorization must match")
	}
	if email != nil {
		a, err := mail.ParseAddress(*email)
		if err != nil || a.Address != *email {
			return invalid("/email", "email %q is not a plain e-mail address such as billing@example.com", *email)
		}
	}
	if addr == nil {
		return nil
	}
	switch {
	case strings.TrimSpace(addr.Street1) == "":
		return invalid("/service_address/street1", "service_address.street1 is required")
	case strings.TrimSpace(addr.City) == "":
		return invalid("/service_address/city", "service_address.city is required")
	case !stateRE.MatchString(addr.State):
		return invalid("/service_address/state", "service_address.state %q must be a two-letter US state code such as CA", addr.State)
	case !zipRE.MatchString(addr.Zip):
		return invalid("/service_address/zip", "service_address.zip %q must be a ZIP code such as 94107 or 94107-1234", addr.Zip)
	}
	return nil
}
