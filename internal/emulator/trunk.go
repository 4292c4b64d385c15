package emulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/phonenumber"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

// The account-key API, served under /sipstation from the same store as /v1
// (see the package documentation for each choice, with the FreePBX module
// file it comes from, and the choices made where the module is silent).

const (
	trunkPrefix = "/sipstation"
	// trunkAPIVersion is the newest version module 15 reads (15
	// sapi/Sipstation.php ~5): its Config103 class reads premium_trunks,
	// which the emulator answers.
	trunkAPIVersion = trunk.VersionMax
	accountTypeFull = "FULL"
	// trialDays is how long a trial account runs, for its expiration date.
	trialDays = 30
	// trunkCount is the num_trunks every emulated account has.
	trunkCount = 2
)

// trunkGateways are the gateways every emulated account registers with.
var trunkGateways = []string{"trunk1.freepbx.com", "trunk2.freepbx.com"}

// trunkGroups are every emulated account's trunk groups; the first is the
// one the account's own trunk is in (its trunk_group_id).
var trunkGroups = []trunk.TrunkGroup{{ID: "7101", Title: "Head office PBX"}, {ID: "7102", Title: "Disaster recovery PBX"}}

func accountType(a *accountRec) string {
	if a.AccountType == "" {
		return accountTypeFull
	}
	return a.AccountType
}

func (s *Server) trunkRoutes() {
	s.trunk("GET "+trunkPrefix+"/2/full/{key}", trunkFull)
	// The module appends the PBX's install id when it has one.
	s.trunk("GET "+trunkPrefix+"/2/full/{key}/{uid}", trunkFull)
	s.trunk("POST "+trunkPrefix+"/2/e911/{did}/{key}", trunkSetE911)
	s.trunk("DELETE "+trunkPrefix+"/2/e911/{did}/{key}", trunkDeleteE911)
	s.trunk("POST "+trunkPrefix+"/2/failover/{key}", trunkSetFailover)
	s.trunk("DELETE "+trunkPrefix+"/2/failover/{key}", trunkClearFailover)
	// The path forms of modules 12 and 13 for one number.
	s.trunk("POST "+trunkPrefix+"/2/failover/{did}/{key}", trunkSetFailover)
	s.trunk("DELETE "+trunkPrefix+"/2/failover/{did}/{key}", trunkClearFailover)
	s.mux.HandleFunc(trunkPrefix+"/", func(w http.ResponseWriter, r *http.Request) {
		writeTrunkError(w, notFound("no route %s %s; the account-key routes are GET /2/full/{key}, POST and DELETE /2/e911/{did}/{key}, "+
			"POST and DELETE /2/failover/{key} and /2/failover/{did}/{key}", r.Method, redactKey(r.URL.Path)))
	})
}

// redactKey keeps the emulator's account keys (ak + 32 hex digits) out of
// its request log and of answers about unknown paths.
func redactKey(path string) string {
	if !strings.HasPrefix(path, trunkPrefix+"/") {
		return path
	}
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "ak") && len(seg) > 8 {
			segs[i] = "{key}"
		}
	}
	return strings.Join(segs, "/")
}

// trunk registers an account-key route: latency, rate limit (per key) and
// faults as on /v1, then the handler in a transaction. Failures answer the
// API's {status: false, message} document.
func (s *Server) trunk(pattern string, h handler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		// The latency comes first, as on /v1: a 429 costs the round trip too.
		if err := s.delay(r.Context()); err != nil {
			return // the client is gone; nothing was executed
		}
		if e := s.admit(w, "account-key "+r.PathValue("key")); e != nil {
			s.metrics.rateLimited()
			writeTrunkError(w, e)
			return
		}
		if e := s.faults.before(&s.metrics, r); e != nil {
			writeTrunkError(w, e)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			writeTrunkError(w, invalid("", "cannot read the request body (at most %d bytes): %v", maxBody, err))
			return
		}
		if r.Method == http.MethodDelete {
			// A PHP service reads no body on DELETE: counted, then dropped.
			s.metrics.deleteBody(body)
			body = nil
		}
		res, err := s.execute(r, body, "", false, h)
		if err != nil {
			s.logf("internal error on %s %s: %v", r.Method, redactKey(r.URL.Path), err)
			writeTrunkError(w, errf(http.StatusInternalServerError, sipstation.CodeInternalError, "the emulator failed: %v", err))
			return
		}
		if s.faults.dropAfterCommit(&s.metrics, r) {
			if rec, ok := w.(*recorder); ok {
				rec.status, rec.dropped = res.status, true
			}
			panic(http.ErrAbortHandler)
		}
		writeResult(w, res)
	})
}

// writeTrunkError answers an error of the emulator's own (rate limit, fault,
// unknown route) in the account-key API's shape, with its HTTP status.
func writeTrunkError(w http.ResponseWriter, e *apiError) {
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(e.retryAfter))
	}
	res, err := jsonResult(e.status, trunk.Result{Status: false, Message: trunk.Text(e.obj.Detail)})
	if err != nil {
		writeError(w, e)
		return
	}
	writeResult(w, res)
}

// trunkResult is the answer of a mutation: HTTP 200 with {status, message},
// a refusal included, as the module expects.
func trunkResult(ok bool, format string, args ...any) (*result, error) {
	return jsonResult(http.StatusOK, trunk.Result{Status: trunk.Flag(ok), Message: trunk.Text(fmt.Sprintf(format, args...))})
}

// trunkAccount is the account of the key in the path, nil when none has it.
func trunkAccount(c *call) (*accountRec, error) {
	return c.tx.accountByAccountKey(c.r.PathValue("key"))
}

// trunkNumbers are the account's numbers on the trunk: active, or with a
// port-out pending (ported-out and cancelled numbers have left it).
func trunkNumbers(c *call, acct *accountRec) ([]*numberRec, error) {
	return numberRows(c.tx, `WHERE account_id = ? AND seq IN (SELECT MAX(seq) FROM numbers GROUP BY number)
		AND json_extract(data, '$.status') IN (?, ?) ORDER BY number`,
		acct.ID, sipstation.StatusActive, sipstation.StatusPortOutPending)
}

func onTrunk(n *numberRec, acct *accountRec) bool {
	return n != nil && n.AccountID == acct.ID &&
		(n.Status == sipstation.StatusActive || n.Status == sipstation.StatusPortOutPending)
}

func trunkFull(c *call) (*result, error) {
	acct, err := trunkAccount(c)
	if err != nil {
		return nil, err
	}
	if acct == nil {
		// With a version: the module checks it before query_status.
		return jsonResult(http.StatusOK, trunk.Query{Version: trunkAPIVersion, QueryStatus: trunk.QueryBadKey, QueryStatusMessage: "Invalid key"})
	}
	if c.s.faults.tempNotAvail(&c.s.metrics, c.r) {
		return jsonResult(http.StatusOK, trunk.Query{Version: trunkAPIVersion, QueryStatus: trunk.QueryTempNotAvail,
			QueryStatusMessage: "injected fault: account information is temporarily not available, try again shortly"})
	}
	numbers, err := trunkNumbers(c, acct)
	if err != nil {
		return nil, err
	}
	billed, err := numberRows(c.tx, `WHERE account_id = ? AND seq IN (SELECT MAX(seq) FROM numbers GROUP BY number)
		AND json_extract(data, '$.billing.active')`, acct.ID)
	if err != nil {
		return nil, err
	}
	var cents int64
	for _, n := range billed {
		cents += monthlyRateCents(n.Type)
	}
	full := trunk.Full{
		Query: trunk.Query{Version: trunkAPIVersion, QueryStatus: trunk.QuerySuccess},
		CustomerInfo: trunk.CustomerInfo{
			AccountType:   trunk.Text(accountType(acct)),
			MonthlyCost:   trunk.Text(money(cents)),
			NumTrunks:     trunk.Text(fmt.Sprint(trunkCount)),
			VerifyStatus:  "VERIFIED",
			TrunkGroupID:  trunkGroups[0].ID,
			PremiumTrunks: "NO",
			Settings:      trunk.Settings{SMS: true},
		},
		GatewayInfo: trunk.GatewayInfos{},
		SIPInfo:     trunk.SIPInfo{SIPUsername: trunk.Text(sipUsername(acct)), SIPPassword: trunk.Text(acct.SIPPassword)},
		DIDs:        make(trunk.List[trunk.DID], 0, len(numbers)),
		TrunkGroups: trunkGroups,
		CIDFormat:   "NANP",
	}
	if accountType(acct) == trunk.AccountTypeTrial {
		full.CustomerInfo.Expiration = trunk.Text(acct.CreatedAt.AddDate(0, 0, trialDays).Format(dateLayout))
	}
	if f := acct.Failover; f != nil {
		fo := wireFailover(f)
		full.CustomerInfo.FailoverNum, full.CustomerInfo.FailoverDest = fo.Num, fo.Dest
		full.CustomerInfo.DestinationIsTrunkGroup = trunk.Flag(trunk.IsTrunkGroupID(f.Destination))
	}
	for _, gw := range trunkGateways {
		full.Gateways = append(full.Gateways, trunk.Text(gw))
		full.GatewayInfo[gw] = trunk.GatewayInfo{Name: trunk.Text(gw)}
	}
	for _, n := range numbers {
		d := trunk.DID{Number: trunk.Text(n.Number.Number[2:])}
		if n.Failover != nil {
			d.Failover = wireFailover(n.Failover)
		}
		if a := n.E911Address; a != nil {
			d.E911Address = trunk.E911Address{
				Name: trunk.Text(a.Name), Street1: trunk.Text(a.Street1), Street2: trunk.Text(a.Street2),
				City: trunk.Text(a.City), State: trunk.Text(a.State), Zip: trunk.Text(a.Zip),
				Master: trunk.Flag(acct.E911Master == n.Number.Number),
			}
		}
		full.DIDs = append(full.DIDs, d)
	}
	return jsonResult(http.StatusOK, full)
}

// sipUsername is the trunk's SIP user name, derived from the account ID.
func sipUsername(a *accountRec) string {
	return strings.TrimPrefix(a.ID, "acct_")
}

// wireFailover is a stored failover as /2/full shows it: the number in 10
// digits.
func wireFailover(f *sipstation.Failover) trunk.DIDFailover {
	return trunk.DIDFailover{Num: trunk.Text(strings.TrimPrefix(f.Number, "+1")), Dest: trunk.Text(f.Destination)}
}

// trunkForm reads a POST's fields from a form-encoded body (what modules 12
// and 13 send, through Pest's post) or a JSON object (what module 15 sends,
// through PestJSON's); only the fields named are accepted. A field sent
// empty is kept, as "" (module 15 clears a failover tier so).
func trunkForm(c *call, allowed ...string) (map[string]string, string) {
	out := map[string]string{}
	body := bytes.TrimSpace(c.body)
	if len(body) > 0 {
		mediaType, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
		if mediaType == "application/x-www-form-urlencoded" || (mediaType == "" && body[0] != '{') {
			q, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, fmt.Sprintf("the form-encoded body cannot be read: %v", err)
			}
			for k, v := range q {
				if len(v) > 0 {
					out[k] = v[len(v)-1]
				}
			}
		} else {
			var obj map[string]trunk.Text
			if err := json.Unmarshal(body, &obj); err != nil {
				return nil, fmt.Sprintf("the body is neither form-encoded nor a JSON object of strings: %v", err)
			}
			for k, v := range obj {
				out[k] = string(v)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(out)) {
		if !slices.Contains(allowed, k) {
			return nil, fmt.Sprintf("unknown field %q; this request takes %s", k, strings.Join(allowed, ", "))
		}
	}
	return out, ""
}

// trunkDID is the number a mutation names (10 digits, or a +1 form),
// checked to be on the account's trunk.
func trunkDID(c *call, acct *accountRec, raw string) (*numberRec, string) {
	e164, err := phonenumber.Normalize(raw)
	if err != nil {
		return nil, fmt.Sprintf("DID %q is not valid: %v", raw, err)
	}
	n, err := c.tx.latestNumber(e164)
	if err != nil {
		return nil, err.Error()
	}
	if !onTrunk(n, acct) {
		return nil, fmt.Sprintf("DID %s is not on this account's trunk", e164[2:])
	}
	return n, ""
}

// trunkWritable is the account of the key, refusing what a trial cannot do.
func trunkWritable(c *call, what string) (*accountRec, *result, error) {
	acct, err := trunkAccount(c)
	if err != nil {
		return nil, nil, err
	}
	if acct == nil {
		res, err := trunkResult(false, "%s: invalid key", trunk.QueryBadKey)
		return nil, res, err
	}
	if accountType(acct) == trunk.AccountTypeTrial {
		res, err := trunkResult(false, "Trial accounts cannot set %s; convert the trial to a full account in the SIPStation store first", what)
		return nil, res, err
	}
	return acct, nil, nil
}

func trunkSetE911(c *call) (*result, error) {
	acct, res, err := trunkWritable(c, "E911 addresses")
	if acct == nil {
		return res, err
	}
	n, problem := trunkDID(c, acct, c.r.PathValue("did"))
	if problem != "" {
		return trunkResult(false, "%s", problem)
	}
	if n.Type != sipstation.TypeLocal {
		return trunkResult(false, "DID %s is toll-free; E911 addresses are for local numbers only", n.Number.Number[2:])
	}
	f, problem := trunkForm(c, "name", "address1", "address2", "city", "state", "zip", "master")
	if problem != "" {
		return trunkResult(false, "%s", problem)
	}
	a := &sipstation.E911Address{Name: f["name"], Street1: f["address1"], Street2: f["address2"], City: f["city"], State: f["state"], Zip: f["zip"]}
	if e := validateE911(a); e != nil {
		return trunkResult(false, "%s", strings.ReplaceAll(strings.ReplaceAll(apiDetail(e), "e911_address.street1", "address1"), "e911_address.", ""))
	}
	var master trunk.Flag
	if err := master.UnmarshalJSON([]byte(fmt.Sprintf("%q", f["master"]))); err != nil {
		return trunkResult(false, "master %q: %v", f["master"], err)
	}
	n.E911Address = a
	if err := c.tx.putNumber(n); err != nil {
		return nil, err
	}
	switch {
	case bool(master):
		acct.E911Master = n.Number.Number
	case acct.E911Master == n.Number.Number:
		acct.E911Master = ""
	}
	if err := c.tx.updateAccount(acct); err != nil {
		return nil, err
	}
	return trunkResult(true, "E911 address of %s saved; it may take up to 15 minutes to show", n.Number.Number[2:])
}

func apiDetail(err error) string {
	if e, ok := err.(*apiError); ok {
		return e.obj.Detail
	}
	return err.Error()
}

func trunkDeleteE911(c *call) (*result, error) {
	acct, res, err := trunkWritable(c, "E911 addresses")
	if acct == nil {
		return res, err
	}
	n, problem := trunkDID(c, acct, c.r.PathValue("did"))
	if problem != "" {
		return trunkResult(false, "%s", problem)
	}
	had := n.E911Address != nil
	n.E911Address = nil
	if err := c.tx.putNumber(n); err != nil {
		return nil, err
	}
	if acct.E911Master == n.Number.Number {
		acct.E911Master = ""
		if err := c.tx.updateAccount(acct); err != nil {
			return nil, err
		}
	}
	if !had {
		return trunkResult(true, "DID %s had no E911 address", n.Number.Number[2:])
	}
	return trunkResult(true, "E911 address of %s removed", n.Number.Number[2:])
}

// trunkSetFailover is POST /2/failover/{key} (and the path form
// /2/failover/{did}/{key}): num, dest or both; a field sent empty clears
// its tier, a field left out keeps it.
func trunkSetFailover(c *call) (*result, error) {
	acct, res, err := trunkWritable(c, "failover")
	if acct == nil {
		return res, err
	}
	f, problem := trunkForm(c, "num", "dest", "did")
	if problem != "" {
		return trunkResult(false, "%s", problem)
	}
	num, hasNum := f["num"]
	dest, hasDest := f["dest"]
	if !hasNum && !hasDest {
		return trunkResult(false, "No valid data received: give num (a phone number) or dest (an IP, host or URI, or a trunk-group id); sent empty, either clears its tier")
	}
	did := cmp.Or(c.r.PathValue("did"), f["did"])
	var n *numberRec
	current := acct.Failover
	if strings.TrimSpace(did) != "" {
		n, problem = trunkDID(c, acct, did)
		if problem != "" {
			return trunkResult(false, "%s", problem)
		}
		current = n.Failover
	}
	fo := sipstation.Failover{}
	if current != nil {
		fo = *current
	}
	if hasNum {
		fo.Number = ""
		if num = strings.TrimSpace(num); num != "" {
			e164, err := phonenumber.Normalize(num)
			if err != nil {
				return trunkResult(false, "Phone number appears to be invalid: %v", err)
			}
			fo.Number = e164
		}
	}
	if hasDest {
		fo.Destination = strings.TrimSpace(dest)
		if problem := checkTrunkDestination(fo.Destination); problem != "" {
			return trunkResult(false, "%s", problem)
		}
	}
	var next *sipstation.Failover
	if fo != (sipstation.Failover{}) {
		next = &fo
	}
	return setTrunkFailover(c, acct, n, next, "saved")
}

// checkTrunkDestination refuses a destination with spaces or too long, and
// a trunk-group id (a numeric destination) that is not one of the account's
// groups or is the group of its own trunk.
func checkTrunkDestination(dest string) string {
	switch {
	case dest == "":
		return ""
	case len(dest) > 255 || strings.ContainsAny(dest, " \t\r\n"):
		return "Destination appears to be an invalid URI: dest must be an IP, host or URI without spaces, at most 255 characters, or a trunk-group id"
	case !trunk.IsTrunkGroupID(dest):
		return ""
	case dest == string(trunkGroups[0].ID):
		return fmt.Sprintf("trunk group %s is the one this account's trunk is in; calls cannot fail over to it", dest)
	}
	for _, g := range trunkGroups {
		if string(g.ID) == dest {
			return ""
		}
	}
	return fmt.Sprintf("trunk group %s is not one of this account's trunk groups", dest)
}

// trunkClearFailover is DELETE /2/failover/{key}: the number the path
// (/2/failover/{did}/{key}, modules 12 and 13) or the did header (modules
// 13 and 15) names, else the account-wide failover. A body is never read.
func trunkClearFailover(c *call) (*result, error) {
	acct, res, err := trunkWritable(c, "failover")
	if acct == nil {
		return res, err
	}
	var n *numberRec
	if did := cmp.Or(c.r.PathValue("did"), c.r.Header.Get(trunk.HeaderDID)); strings.TrimSpace(did) != "" {
		var problem string
		if n, problem = trunkDID(c, acct, did); problem != "" {
			return trunkResult(false, "%s", problem)
		}
	}
	return setTrunkFailover(c, acct, n, nil, "cleared")
}

// setTrunkFailover stores fo (nil: none) as the failover of the number n,
// or as the account-wide one when n is nil.
func setTrunkFailover(c *call, acct *accountRec, n *numberRec, fo *sipstation.Failover, verb string) (*result, error) {
	if n == nil {
		acct.Failover = fo
		if err := c.tx.updateAccount(acct); err != nil {
			return nil, err
		}
		return trunkResult(true, "Account failover %s", verb)
	}
	n.Failover = fo
	if err := c.tx.putNumber(n); err != nil {
		return nil, err
	}
	return trunkResult(true, "Failover of %s %s", n.Number.Number[2:], verb)
}
