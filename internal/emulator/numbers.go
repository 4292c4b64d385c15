package emulator

import (
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// The seeded pool: the fictional 555-0100..0199 lines of every area code
// that can serve local numbers, and of every toll-free prefix. A dozen
// area codes come first, in this order, and then the others in numeric
// order: deterministic, so tests can name numbers and know which one an
// order by area code gets. That is about 68,500 local numbers, enough for a
// location of tens of thousands.
var firstAreaCodes = []string{"206", "212", "213", "303", "305", "312", "404", "415", "512", "617", "702", "720"}

// poolAreaCodes are the pool's local area codes, in pool order.
var poolAreaCodes = func() []string {
	codes := slices.Clone(firstAreaCodes)
	for ac := 200; ac <= 999; ac++ {
		code := strconv.Itoa(ac)
		if localAreaCode(code) && !slices.Contains(firstAreaCodes, code) {
			codes = append(codes, code)
		}
	}
	return codes
}()

// poolAreaCodeSet answers inPool without a walk through 685 codes.
var poolAreaCodeSet = func() map[string]bool {
	m := map[string]bool{}
	for _, ac := range poolAreaCodes {
		m[ac] = true
	}
	for _, ac := range phonenumber.TollFreePrefixes {
		m[ac] = true
	}
	return m
}()

// localAreaCode reports whether a three-digit code can be a geographic area
// code: NXX, but not N11 (service codes such as 411 and 911), N9X (kept for
// expanding the plan), 37X and 96X (reserved) or a toll-free prefix.
func localAreaCode(code string) bool {
	switch {
	case !phonenumber.IsAreaCode(code), code[1:] == "11", code[1] == '9',
		code[:2] == "37", code[:2] == "96", slices.Contains(phonenumber.TollFreePrefixes, code):
		return false
	}
	return true
}

const (
	localRateCents    = 150 // monthly rate of a local DID
	tollFreeRateCents = 200 // monthly rate of a toll-free number
	earlyFeeCents     = 2500
	agingPeriod       = 90 * 24 * time.Hour // a cancelled number rests this long before it is free again
	earlyPortOutLimit = 90 * 24 * time.Hour // a port completing sooner after activation costs the early fee
	respOrg           = "SIPS1"             // the RespOrg of SIPStation's toll-free numbers
)

// poolNumbers yields the pool's numbers of a type, optionally of one area
// code (a toll-free prefix for toll-free numbers), in order.
func poolNumbers(typ, areaCode string) iter.Seq[string] {
	codes := poolAreaCodes
	if typ == sipstation.TypeTollFree {
		codes = phonenumber.TollFreePrefixes
	}
	return func(yield func(string) bool) {
		for _, ac := range codes {
			if areaCode != "" && ac != areaCode {
				continue
			}
			for line := 100; line <= 199; line++ {
				if !yield("+1" + ac + "5550" + strconv.Itoa(line)) {
					return
				}
			}
		}
	}
}

func inPool(n string) bool {
	if len(n) != 12 || n[5:8] != "555" || n[8:10] != "01" {
		return false
	}
	return poolAreaCodeSet[phonenumber.AreaCode(n)]
}

func numberType(n string) string {
	if phonenumber.IsTollFree(n) {
		return sipstation.TypeTollFree
	}
	return sipstation.TypeLocal
}

func monthlyRateCents(typ string) int64 {
	if typ == sipstation.TypeTollFree {
		return tollFreeRateCents
	}
	return localRateCents
}

// unavailable explains why a number cannot be ordered now (nil: it can).
// latest is the number's newest row, nil when it was never ordered.
func unavailable(c *call, number string, latest *numberRec) *apiError {
	conflict := func(format string, args ...any) *apiError {
		return errf(http.StatusConflict, sipstation.CodeNumberUnavailable, format, args...)
	}
	if !inPool(number) {
		return conflict("number %s is not in SIPStation's inventory; GET /v1/available-numbers lists the numbers that can be ordered", number)
	}
	switch {
	case latest == nil:
		return nil
	case latest.Lost:
		return conflict("number %s was lost: its service was cancelled while a port-out was pending, and it can never be ordered again", number)
	case latest.PortedAway:
		return conflict("number %s was ported out to another carrier and is not SIPStation's to sell", number)
	case latest.Status != sipstation.StatusCancelled && latest.AccountID == c.acct.ID:
		return conflict("number %s is already on your location %s", number, latest.LocationID)
	case latest.Status != sipstation.StatusCancelled:
		return conflict("number %s is held by another account", number)
	case latest.CancelledAt != nil && c.now.Before(latest.CancelledAt.Add(agingPeriod)):
		return conflict("number %s was cancelled on %s and is aging until %s; it cannot be ordered before then",
			number, latest.CancelledAt.Format(dateLayout), latest.CancelledAt.Add(agingPeriod).Format(dateLayout))
	}
	return nil
}

func listAvailableNumbers(c *call) (*result, error) {
	typ, err := oneOf(c.r, "type", sipstation.TypeLocal, sipstation.TypeTollFree)
	if err != nil {
		return nil, err
	}
	if typ == "" {
		typ = sipstation.TypeLocal
	}
	q := c.r.URL.Query()
	areaCode := q.Get("area_code")
	if areaCode != "" && !phonenumber.IsAreaCode(areaCode) {
		return nil, invalid("", "query parameter area_code must be three digits, the first 2-9, not %q", areaCode)
	}
	limit := 20
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			return nil, invalid("", "query parameter limit must be a whole number from 1 to 1000, not %q", v)
		}
	}
	latest, err := c.tx.latestNumbers()
	if err != nil {
		return nil, err
	}
	out := []sipstation.AvailableNumber{}
	for n := range poolNumbers(typ, areaCode) {
		if len(out) == limit {
			break
		}
		if unavailable(c, n, latest[n]) == nil {
			out = append(out, sipstation.AvailableNumber{Number: n, Type: typ, MonthlyRate: money(monthlyRateCents(typ))})
		}
	}
	return jsonResult(http.StatusOK, map[string]any{"data": out})
}

// e164Field checks a number given in a request body: E.164 exactly.
func e164Field(v, pointer string) (string, error) {
	n, err := phonenumber.Normalize(v)
	if err != nil {
		return "", fieldErr(sipstation.CodeInvalidNumber, pointer, "%s: %v", fieldName(pointer), err)
	}
	if n != v {
		return "", fieldErr(sipstation.CodeInvalidNumber, pointer, "%s %q must be written in E.164, as %s", fieldName(pointer), v, n)
	}
	return n, nil
}

func validateFailover(f *sipstation.Failover) error {
	if (f.Number == "") == (f.Destination == "") {
		return invalid("/failover", "failover needs exactly one of number (E.164) or destination (a SIP URI or host)")
	}
	if f.Number != "" {
		_, err := e164Field(f.Number, "/failover/number")
		return err
	}
	if len(f.Destination) > 255 || strings.ContainsAny(f.Destination, " \t\r\n") {
		return invalid("/failover/destination", "failover.destination must be a SIP URI or host without spaces, at most 255 characters")
	}
	return nil
}

func validateE911(a *sipstation.E911Address) error {
	switch {
	case strings.TrimSpace(a.Name) == "":
		return invalid("/e911_address/name", "e911_address.name is required")
	case strings.TrimSpace(a.Street1) == "":
		return invalid("/e911_address/street1", "e911_address.street1 is required")
	case strings.TrimSpace(a.City) == "":
		return invalid("/e911_address/city", "e911_address.city is required")
	case !stateRE.MatchString(a.State):
		return invalid("/e911_address/state", "e911_address.state %q must be a two-letter US state code such as CA", a.State)
	case !zipRE.MatchString(a.Zip):
		return invalid("/e911_address/zip", "e911_address.zip %q must be a ZIP code such as 94107 or 94107-1234", a.Zip)
	}
	return nil
}

func validateDescription(d string) error {
	if len(d) > 255 {
		return invalid("/description", "description is %d characters long; at most 255 are allowed", len(d))
	}
	return nil
}

func orderNumber(c *call) (*result, error) {
	loc, err := c.ownLocation(c.r.PathValue("location_id"))
	if err != nil {
		return nil, err
	}
	if loc.Status == sipstation.LocationClosed {
		return nil, invalid("", "location %s is closed; a closed location cannot get new numbers", loc.ID)
	}
	var in sipstation.NumberOrder
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	number, err := validateOrder(&in)
	if err != nil {
		return nil, err
	}
	if number == "" { // by area code: the first free one
		latest, err := c.tx.latestNumbers()
		if err != nil {
			return nil, err
		}
		for n := range poolNumbers(sipstation.TypeLocal, in.AreaCode) {
			if unavailable(c, n, latest[n]) == nil {
				number = n
				break
			}
		}
		if number == "" {
			return nil, errf(http.StatusConflict, sipstation.CodeNumberUnavailable, "no local number is free in area code %s", in.AreaCode)
		}
	} else {
		latest, err := c.tx.latestNumber(number)
		if err != nil {
			return nil, err
		}
		if e := unavailable(c, number, latest); e != nil {
			return nil, e
		}
	}
	now := c.now
	n := &numberRec{
		Number: sipstation.Number{
			Number:      number,
			Type:        in.Type,
			LocationID:  loc.ID,
			Description: in.Description,
			Status:      sipstation.StatusActive,
			Billing:     sipstation.Billing{Active: true, MonthlyRate: money(monthlyRateCents(in.Type)), StartedAt: &now},
			ActivatedAt: now,
			Failover:    in.Failover,
		},
		AccountID: c.acct.ID,
		Stints:    []stint{{LocationID: loc.ID, From: now}},
	}
	if in.Type == sipstation.TypeLocal {
		n.E911Address = in.E911Address
		sms := in.SMSEnabled != nil && *in.SMSEnabled
		n.SMSEnabled = &sms
	} else {
		n.RespOrg = respOrg
	}
	if err := c.tx.putNumber(n); err != nil {
		return nil, err
	}
	return jsonResult(http.StatusCreated, wireNumber(n.Number))
}

// validateOrder checks an order; it returns the number asked for, or "" when
// ordering by area code.
func validateOrder(in *sipstation.NumberOrder) (string, error) {
	if in.Type != sipstation.TypeLocal && in.Type != sipstation.TypeTollFree {
		return "", invalid("/type", "type must be %q or %q, not %q", sipstation.TypeLocal, sipstation.TypeTollFree, in.Type)
	}
	if err := validateDescription(in.Description); err != nil {
		return "", err
	}
	if in.Failover != nil {
		if err := validateFailover(in.Failover); err != nil {
			return "", err
		}
	}
	if in.Type == sipstation.TypeTollFree {
		switch {
		case in.E911Address != nil:
			return "", invalid("/e911_address", "toll-free numbers have no e911_address; it is for local numbers only")
		case in.SMSEnabled != nil:
			return "", invalid("/sms_enabled", "toll-free numbers have no sms_enabled; it is for local numbers only")
		case in.AreaCode != "":
			return "", invalid("/area_code", "area_code orders local numbers only; give the toll-free number to order")
		}
	}
	if in.E911Address != nil {
		if err := validateE911(in.E911Address); err != nil {
			return "", err
		}
	}
	switch {
	case in.Number != "" && in.AreaCode != "":
		return "", invalid("/area_code", "give number or area_code, not both")
	case in.Number == "" && in.AreaCode == "":
		return "", invalid("/number", "give the number to order (E.164, such as +14155550100) or, for a local number, an area_code")
	case in.AreaCode != "":
		if !phonenumber.IsAreaCode(in.AreaCode) {
			return "", invalid("/area_code", "area_code must be three digits, the first 2-9, not %q", in.AreaCode)
		}
		if slices.Contains(phonenumber.TollFreePrefixes, in.AreaCode) {
			return "", invalid("/area_code", "area_code %s is a toll-free prefix; order toll-free numbers by number with type toll_free", in.AreaCode)
		}
		return "", nil
	}
	number, err := e164Field(in.Number, "/number")
	if err != nil {
		return "", err
	}
	if t := numberType(number); t != in.Type {
		if t == sipstation.TypeTollFree {
			return "", fieldErr(sipstation.CodeInvalidNumber, "/number", "number %s is toll-free (prefix %s); order it with type toll_free", number, phonenumber.AreaCode(number))
		}
		return "", fieldErr(sipstation.CodeInvalidNumber, "/number", "number %s is not toll-free (toll-free prefixes are %s); order it with type local",
			number, strings.Join(phonenumber.TollFreePrefixes, ", "))
	}
	return number, nil
}

// pathNumber reads the {number} path segment: E.164 exactly (URL-escaped or not).
func pathNumber(c *call) (string, error) {
	raw := c.r.PathValue("number")
	n, err := phonenumber.Normalize(raw)
	if err != nil {
		return "", errf(http.StatusUnprocessableEntity, sipstation.CodeInvalidNumber, "the number in the path: %v", err)
	}
	if n != raw {
		return "", errf(http.StatusUnprocessableEntity, sipstation.CodeInvalidNumber, "the number in the path, %q, must be written in E.164, as %s (URL-escaped: %%2B%s)", raw, n, n[1:])
	}
	return n, nil
}

// ownNumber is the caller's current (not cancelled) number, or 404.
func ownNumber(c *call) (*numberRec, error) {
	number, err := pathNumber(c)
	if err != nil {
		return nil, err
	}
	n, err := c.tx.latestNumber(number)
	if err != nil {
		return nil, err
	}
	if n == nil || n.AccountID != c.acct.ID || n.Status == sipstation.StatusCancelled {
		return nil, notFound("number %s not found", number)
	}
	return n, nil
}

func getNumber(c *call) (*result, error) {
	n, err := ownNumber(c)
	if err != nil {
		return nil, err
	}
	return jsonResult(http.StatusOK, wireNumber(n.Number))
}

func listNumbers(c *call) (*result, error) {
	p, err := parsePage(c.r)
	if err != nil {
		return nil, err
	}
	typ, err := oneOf(c.r, "type", sipstation.TypeLocal, sipstation.TypeTollFree)
	if err != nil {
		return nil, err
	}
	if c.r.URL.Query().Get("status") == sipstation.StatusCancelled {
		return nil, invalid("", "query parameter status cannot be cancelled: cancelled numbers leave the listings")
	}
	status, err := oneOf(c.r, "status", sipstation.StatusActive, sipstation.StatusPortOutPending, sipstation.StatusPortedOut)
	if err != nil {
		return nil, err
	}
	// Filtered, counted and paged by SQLite: a walk through a large
	// inventory decodes each number once, not the whole account per page.
	where := "WHERE account_id = ? AND json_extract(data, '$.status') != ?"
	args := []any{c.acct.ID, sipstation.StatusCancelled}
	if v := c.r.URL.Query().Get("location_id"); v != "" {
		where += " AND location_id = ?"
		args = append(args, v)
	}
	if typ != "" {
		where += " AND json_extract(data, '$.type') = ?"
		args = append(args, typ)
	}
	if status != "" {
		where += " AND json_extract(data, '$.status') = ?"
		args = append(args, status)
	}
	var total int
	if err := c.tx.QueryRow(`SELECT COUNT(*) FROM numbers `+where, args...).Scan(&total); err != nil {
		return nil, fmt.Errorf("count numbers: %w", err)
	}
	start, end := p.bounds(total)
	rows, err := numberRows(c.tx, where+` ORDER BY number LIMIT ? OFFSET ?`, append(args, end-start, start)...)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(rows))
	for i, n := range rows {
		out[i] = wireNumber(n.Number)
	}
	return pageResult(p, out, total)
}

var numberPatchFields = []string{"description", "failover", "e911_address", "sms_enabled", "location_id"}

func updateNumber(c *call) (*result, error) {
	n, err := ownNumber(c)
	if err != nil {
		return nil, err
	}
	var in map[string]json.RawMessage
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(in)) { // sorted: the same error every time
		if !slices.Contains(numberPatchFields, k) {
			return nil, invalid("/"+k, "unknown field %q: PATCH changes only %s", k, strings.Join(numberPatchFields, ", "))
		}
	}
	local := n.Type == sipstation.TypeLocal
	if raw, ok := in["description"]; ok {
		var d string
		if err := decodeField(raw, "/description", &d); err != nil {
			return nil, err
		}
		if err := validateDescription(d); err != nil {
			return nil, err
		}
		n.Description = d
	}
	if raw, ok := in["failover"]; ok {
		if n.Failover, err = patchObject(raw, "/failover", validateFailover); err != nil {
			return nil, err
		}
	}
	if raw, ok := in["e911_address"]; ok {
		if !local {
			return nil, invalid("/e911_address", "%s is toll-free; e911_address is for local numbers only", n.Number.Number)
		}
		if n.E911Address, err = patchObject(raw, "/e911_address", validateE911); err != nil {
			return nil, err
		}
	}
	if raw, ok := in["sms_enabled"]; ok {
		if !local {
			return nil, invalid("/sms_enabled", "%s is toll-free; sms_enabled is for local numbers only", n.Number.Number)
		}
		var b bool
		if string(raw) == "null" {
			return nil, invalid("/sms_enabled", "sms_enabled must be true or false, not null")
		}
		if err := decodeField(raw, "/sms_enabled", &b); err != nil {
			return nil, err
		}
		n.SMSEnabled = &b
	}
	if raw, ok := in["location_id"]; ok {
		if err := moveNumber(c, n, raw); err != nil {
			return nil, err
		}
	}
	if err := c.tx.putNumber(n); err != nil {
		return nil, err
	}
	return jsonResult(http.StatusOK, wireNumber(n.Number))
}

// patchObject reads a PATCH member that is either null, which removes the
// setting, or an object, which check validates.
func patchObject[T any](raw json.RawMessage, pointer string, check func(*T) error) (*T, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	var v T
	if err := decodeField(raw, pointer, &v); err != nil {
		return nil, err
	}
	if err := check(&v); err != nil {
		return nil, err
	}
	return &v, nil
}

// moveNumber moves a number to another active location of the same account.
func moveNumber(c *call, n *numberRec, raw json.RawMessage) error {
	var id string
	if err := decodeField(raw, "/location_id", &id); err != nil {
		return err
	}
	if id == n.LocationID {
		return nil
	}
	if id == "" {
		return invalid("/location_id", "location_id cannot be empty")
	}
	l, err := c.tx.location(id)
	if err != nil {
		return err
	}
	if l == nil || l.AccountID != c.acct.ID {
		return notFound("location %q not found", id)
	}
	if l.Status == sipstation.LocationClosed {
		return invalid("/location_id", "location %s is closed; a number can move only to an active location", id)
	}
	if n.Status == sipstation.StatusPortOutPending {
		return portOutPendingError(n, "it cannot move to another location while the port is in progress")
	}
	n.moveTo(id, c.now)
	return nil
}

// portOutPendingError is the 409 for an action blocked by a pending port-out,
// naming the number, the gaining carrier and the FOC date, and saying what
// the pending port means for the action refused.
func portOutPendingError(n *numberRec, consequence string) error {
	po := n.PortOut
	if po == nil {
		return fmt.Errorf("number %s is port_out_pending without a port-out", n.Number.Number)
	}
	return errf(http.StatusConflict, sipstation.CodePortOutPending,
		"number %s has a pending port-out (%s) to %s with FOC date %s; %s. Keep it until the port completes (it then shows status ported_out) or is rejected",
		n.Number.Number, po.ID, po.CarrierName, po.FOCDate, consequence)
}

func cancelNumber(c *call) (*result, error) {
	n, err := ownNumber(c)
	if err != nil {
		return nil, err
	}
	force := false
	if v := c.r.URL.Query().Get("force"); v != "" {
		if force, err = strconv.ParseBool(v); err != nil {
			return nil, invalid("", "query parameter force must be true or false, not %q", v)
		}
	}
	if n.Status == sipstation.StatusPortOutPending {
		if !force {
			return nil, portOutPendingError(n, "cancelling it now would lose the number for good")
		}
		// As the web store does: the port fails and the number is lost.
		if err := failPortOut(c, n); err != nil {
			return nil, err
		}
	}
	now := c.now
	n.Status = sipstation.StatusCancelled
	n.Billing.Active = false
	n.Billing.EndedAt = &now
	n.CancelledAt = &now
	if err := c.tx.putNumber(n); err != nil {
		return nil, err
	}
	return jsonResult(http.StatusOK, wireNumber(n.Number))
}

// failPortOut cancels the pending port-out of n, which is being force
// cancelled: n is lost; the port's other numbers go back to active.
func failPortOut(c *call, n *numberRec) error {
	po, err := c.tx.portOut(n.PortOut.ID)
	if err != nil {
		return err
	}
	if po == nil {
		return fmt.Errorf("port-out %s of %s not found", n.PortOut.ID, n.Number.Number)
	}
	po.Status = sipstation.PortOutCancelled
	if err := c.tx.putPortOut(po); err != nil {
		return err
	}
	for _, other := range po.Numbers {
		if other == n.Number.Number {
			continue
		}
		o, err := c.tx.latestNumber(other)
		if err != nil {
			return err
		}
		if o == nil || o.Status != sipstation.StatusPortOutPending {
			continue
		}
		o.Status = sipstation.StatusActive
		o.PortOut.Status = sipstation.PortOutCancelled
		if err := c.tx.putNumber(o); err != nil {
			return err
		}
	}
	n.PortOut.Status = sipstation.PortOutCancelled
	n.Lost = true
	return nil
}

// localNumber is a local number as the contract shows it: e911_address is
// always there, null when unset. The shared type omits it when unset, so
// that toll-free numbers, which have none, do not carry it.
type localNumber struct {
	sipstation.Number
	E911Address *sipstation.E911Address `json:"e911_address"` // shadows the embedded, omitempty field
}

// wireNumber is what the API answers for n.
func wireNumber(n sipstation.Number) any {
	if n.Type == sipstation.TypeLocal {
		return localNumber{Number: n, E911Address: n.E911Address}
	}
	return n
}
