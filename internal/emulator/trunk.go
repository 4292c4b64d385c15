package emulator

import (
	"bytes"
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
// (see the package documentation for the choices made where FreePBX's
// module, the only description of the real API, is silent).

const (
	trunkPrefix     = "/sipstation"
	trunkAPIVersion = "1.0.2"
	accountTypeFull = "FULL"
	// trialDays is how long a trial account runs, for its expiration date.
	trialDays = 30
	// trunkCount is the num_trunks every emulated account has.
	trunkCount = 2
)

// trunkGateways are the gateways every emulated account registers with.
var trunkGateways = []string{"trunk1.freepbx.com", "trunk2.freepbx.com"}

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
	s.mux.HandleFunc(trunkPrefix+"/", func(w http.ResponseWriter, r *http.Request) {
		writeTrunkError(w, notFound("no route %s %s; the account-key routes are GET /2/full/{key}, POST and DELETE /2/e911/{did}/{key}, POST and DELETE /2/failover/{key}", r.Method, redactKey(r.URL.Path)))
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
		return jsonResult(http.StatusOK, trunk.Full{Version: trunkAPIVersion, QueryStatus: trunk.QueryBadKey})
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
		Version:     trunkAPIVersion,
		QueryStatus: trunk.QuerySuccess,
		CustomerInfo: trunk.CustomerInfo{
			AccountType:  trunk.Text(accountType(acct)),
			MonthlyCost:  trunk.Text(money(cents)),
			NumTrunks:    trunk.Text(fmt.Sprint(trunkCount)),
			VerifyStatus: "VERIFIED",
			Settings:     trunk.Settings{SMS: true},
		},
		GatewayInfo: map[string]trunk.GatewayInfo{},
		SIPInfo:     trunk.SIPInfo{SIPUsername: trunk.Text(sipUsername(acct)), SIPPassword: trunk.Text(acct.SIPPassword)},
		DIDs:        make([]trunk.DID, 0, len(numbers)),
	}
	if accountType(acct) == trunk.AccountTypeTrial {
		full.CustomerInfo.Expiration = trunk.Text(acct.CreatedAt.AddDate(0, 0, trialDays).Format(dateLayout))
	}
	if f := acct.Failover; f != nil {
		full.CustomerInfo.FailoverNum, full.CustomerInfo.FailoverDest = wireFailoverParts(f)
	}
	for _, gw := range trunkGateways {
		full.Gateways = append(full.Gateways, trunk.Text(gw))
		full.GatewayInfo[gw] = trunk.GatewayInfo{Name: trunk.Text(gw)}
	}
	for _, n := range numbers {
		d := trunk.DID{Number: trunk.Text(n.Number.Number[2:])}
		if n.Failover != nil {
			d.Failover.Num, d.Failover.Dest = wireFailoverParts(n.Failover)
		}
		if a := n.E911Address; a != nil {
			d.E911Address = &trunk.E911Address{
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

func wireFailoverParts(f *sipstation.Failover) (num, dest trunk.Text) {
	if f.Number != "" {
		return trunk.Text(strings.TrimPrefix(f.Number, "+1")), ""
	}
	return "", trunk.Text(f.Destination)
}

// trunkForm reads a mutation's fields from a form-encoded body (what the
// older module sends) or a JSON object (the newer one), plus the query
// string; only the fields named are accepted.
func trunkForm(c *call, allowed ...string) (map[string]string, string) {
	out := map[string]string{}
	for k, v := range c.r.URL.Query() {
		if len(v) > 0 {
			out[k] = v[len(v)-1]
		}
	}
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
	if _, problem := trunkForm(c); problem != "" {
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

func trunkSetFailover(c *call) (*result, error) {
	acct, res, err := trunkWritable(c, "failover")
	if acct == nil {
		return res, err
	}
	f, problem := trunkForm(c, "num", "dest", "did")
	if problem != "" {
		return trunkResult(false, "%s", problem)
	}
	num, dest := strings.TrimSpace(f["num"]), strings.TrimSpace(f["dest"])
	fo := &sipstation.Failover{Destination: dest}
	if (num == "") == (dest == "") {
		return trunkResult(false, "give exactly one of num (a phone number) or dest (an IP, host or URI, or a trunk group)")
	}
	if num != "" {
		e164, err := phonenumber.Normalize(num)
		if err != nil {
			return trunkResult(false, "Phone number appears to be invalid: %v", err)
		}
		fo.Number = e164
	}
	if e := validateFailover(fo); e != nil {
		return trunkResult(false, "%s", strings.ReplaceAll(apiDetail(e), "failover.destination", "dest"))
	}
	return setTrunkFailover(c, acct, f["did"], fo)
}

func trunkClearFailover(c *call) (*result, error) {
	acct, res, err := trunkWritable(c, "failover")
	if acct == nil {
		return res, err
	}
	f, problem := trunkForm(c, "did")
	if problem != "" {
		return trunkResult(false, "%s", problem)
	}
	return setTrunkFailover(c, acct, f["did"], nil)
}

// setTrunkFailover sets (fo) or clears (nil) the failover of the number did,
// or the account-wide one when did is "".
func setTrunkFailover(c *call, acct *accountRec, did string, fo *sipstation.Failover) (*result, error) {
	verb := "saved"
	if fo == nil {
		verb = "cleared"
	}
	if strings.TrimSpace(did) == "" {
		acct.Failover = fo
		if err := c.tx.updateAccount(acct); err != nil {
			return nil, err
		}
		return trunkResult(true, "account failover %s", verb)
	}
	n, problem := trunkDID(c, acct, did)
	if problem != "" {
		return trunkResult(false, "%s", problem)
	}
	n.Failover = fo
	if err := c.tx.putNumber(n); err != nil {
		return nil, err
	}
	return trunkResult(true, "failover of %s %s", n.Number.Number[2:], verb)
}
