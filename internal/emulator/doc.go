// Package emulator is a faithful, real HTTP server of the SIPStation
// number-inventory API v1 (shared/design/api.md). It serves the wire types and
// error codes of package sipstation, so that the client, the emulator and the
// tests share one contract. Data lives in SQLite (modernc.org/sqlite, pure
// Go): in memory, or in a file that keeps accounts, locations, numbers (with
// their history: cancelled, aging, lost), port-outs, statements, idempotency
// keys and the clock offset across restarts. Metrics and fault settings are
// runtime state and start afresh.
//
// # Routes
//
//	GET    /v1/locations                       POST /v1/locations
//	GET    /v1/locations/{id}                  PATCH /v1/locations/{id}    DELETE /v1/locations/{id}
//	GET    /v1/locations/{id}/statements       POST /v1/locations/{location_id}/numbers
//	GET    /v1/available-numbers               GET  /v1/numbers
//	GET    /v1/numbers/{number}                PATCH /v1/numbers/{number}  DELETE /v1/numbers/{number}
//	GET    /v1/port-outs                       GET  /v1/port-outs/{id}
//	GET    /v1/statements/{id}                 GET  /v1/statements/{id}/pdf|cdrs|sms
//	POST   /_emulator/accounts                 POST /_emulator/port-outs
//	POST   /_emulator/port-outs/{id}/complete  POST /_emulator/port-outs/{id}/reject
//	GET|POST /_emulator/clock                  GET|POST /_emulator/faults
//	GET    /_emulator/metrics                  GET  /healthz
//
// The /_emulator/ routes exist only with Options.Admin and need no key.
// These patterns are also the route names in the metrics.
//
// # Choices the contract leaves open
//
// Requests and answers:
//   - Bodies are decoded strictly: an unknown field or a wrong JSON type is 422
//     validation_failed with source.pointer naming it (as /service_address/zip).
//     Query parameters are named in the detail, without a pointer.
//   - Numbers in bodies must be E.164 exactly (+14155550100); any other form is
//     422 invalid_number whose detail gives the E.164 form. So must the
//     {number} path segment, escaped (%2B) or not.
//   - DELETE /v1/locations/{id} and DELETE /v1/numbers/{number} answer 200
//     with the closed location or the cancelled number. Closing a closed
//     location answers it again; cancelling a cancelled number is 404.
//   - GET /v1/available-numbers answers {"data": [...]} without a meta block:
//     type defaults to local, limit to 20 (1..1000), area_code filters (the
//     prefix, for toll-free).
//   - Lists of no results have total_pages 0. A page past the end is empty.
//   - Unknown routes, and known paths with another method, are 404 not_found.
//
// Numbers:
//   - The pool is the fictional 555-0100..0199 lines of area codes 206 212 213
//     303 305 312 404 415 512 617 702 720, then of every other area code that
//     can serve local numbers (NXX but not N11, N9X, 37X, 96X or toll-free;
//     685 codes, 68,500 numbers), and of every toll-free prefix, listed
//     and handed out in order. A valid number outside it is 409
//     number_unavailable ("not in SIPStation's inventory"), as is an area code
//     with no free number. Monthly rates: local 1.50, toll-free 2.00.
//   - An order gives number, or (local only) area_code, never both (422).
//     A toll-free number ordered as local, or the other way round, is 422
//     invalid_number on /number. Local numbers get sms_enabled (default
//     false) and may get e911_address; toll-free numbers get resp_org "SIPS1"
//     and refuse both (422).
//   - A cancelled number ages for 90 days of emulator time before it is free
//     again; a number cancelled with force during a pending port-out is lost,
//     and a number ported out never returns: both are 409 number_unavailable
//     forever. A number held by the caller itself is 409 too.
//   - PATCH location_id moves a number to another active location of the same
//     account: another account's location is 404, a closed one 422, and while
//     a port-out is pending 409 port_out_pending (the port-out belongs to its
//     location). The other fields may change at any status.
//   - DELETE ?force=true during a pending port-out cancels the number, marks
//     it lost, sets the port-out to cancelled and puts the port-out's other
//     numbers back to active. force has no effect otherwise.
//
// Port-outs (POST /_emulator/port-outs): the numbers must be active and on one
// location (422 otherwise; 404 for a number not in service). foc_date
// defaults to a week ahead; requested_foc_date and foc_date are equal (the
// date is confirmed as requested). Only a pending port-out can be completed or
// rejected (422). The number keeps showing the port_out block of its latest
// port-out, with that port-out's status. Completion sets
// early_port_out_fee "25.00" when the number was activated under 90 days
// before.
//
// Statements:
//   - billing_day is the day of month of the location's creation, capped at
//     28. The first statement is dated the first billing day after creation
//     and covers creation day to the day before; each next one covers from the
//     previous statement date to the day before its own date.
//   - Statements are issued lazily: each request first issues every statement
//     whose date (00:00 UTC) the clock has reached, so real time passing works
//     like POST /_emulator/clock.
//   - Line items, per number in number order: the full monthly rate of every
//     number billed at any time in the period (no proration; kind did or
//     toll_free), a usage item when its synthetic calls cost anything, and any
//     early port-out fee charged in the period (kind port_out_fee). The
//     emulator keeps each number's moves: a number counts on every location
//     it was on while billed in the period (moved mid-period, it is on both
//     locations' statements at the full rate), and its calls and fees on the
//     location it was on at the time, however late the statement is issued.
//   - Usage is derived from deterministic synthetic CDRs (0 to 5 calls per
//     number and period; local 0.01/min either way, toll-free 0.03/min
//     inbound; minutes rounded up). SMS of SMS-enabled local numbers are
//     listed but included in the monthly rate. A ported-out number has no
//     traffic after its port completes, though it stays billed.
//   - outstanding_amount is "0.00": the card on file is charged when the
//     statement is issued. A closed location gets a final statement for the
//     period it closed in, then no more.
//   - links are absolute paths: /v1/statements/{id}/pdf, /cdrs, /sms. The PDF
//     (go-pdf/fpdf) is deterministic and uncompressed; CDRs and SMS are CSV
//     with a header row.
//
// Transport:
//   - Rate limit: a token bucket per presented API key on the wall clock,
//     burst of one second's worth. X-RateLimit-Limit is the rate per second,
//     X-RateLimit-Remaining the whole tokens left. A 429 carries Retry-After
//     in whole seconds (at least 1) and was not executed. The limit off
//     (negative Options.RateLimit, no fault override) is UnlimitedRate, a
//     rate no client reaches, so every /v1 answer still carries the headers.
//   - Order of a /v1 request: rate limit, latency, injected 429/503, key,
//     statements falling due, idempotency, the route in one transaction,
//     commit, then maybe drop the answer.
//   - Idempotency-Key (at most 255 characters) on /v1 POSTs, scoped per
//     account: the fingerprint is the route path and the body compared as JSON
//     (key order and spacing do not matter). Every answer below 500 is stored
//     and replayed for 24 hours of emulator time, with the header
//     Idempotent-Replayed: true.
//   - Faults (POST /_emulator/faults replaces them all) apply to /v1 and to
//     the account-key routes under /sipstation.
//     max_faults is an emulator extension: after that many injected faults the
//     three rates switch themselves off (0 = no limit). methods, an extension
//     too, limits the faults to requests with those HTTP methods, and paths,
//     another, to requests whose decoded path starts with one of those
//     prefixes (["/v1/numbers/"]: one number's routes, not the list); a
//     request must match both when both are set. Go's http.Transport
//     retries a request carrying an Idempotency-Key by itself when a reused
//     connection drops, so a test that wants to see the drop uses a fresh
//     connection.
//   - Metrics count every request by route pattern and status, the
//     DELETE /v1/numbers/{number} requests that carried force=true (whatever
//     their outcome), rate-limited requests, replays and injected faults.
//
// The account-key API (/sipstation, trunk.go), the one FreePBX's SIPStation
// module calls, served from the same store as /v1: its wire types are those
// of package trunk. The module's source (12.0.8.2, 13.0.13.19 and 15.0.16,
// folder admin/modules/sipstation/) is the only description of it; the
// emulator answers as the PHP service the module talks to would, and each
// choice names the module file it comes from (15 = 15.0.16, 13 = 13.0.13.19,
// 12 = 12.0.8.2). Its answers have the shapes of the documents written by
// hand from the module in internal/trunk/testdata (checked by
// TestTrunkAnswersMatchFixtures).
//
// Routes and requests:
//   - GET /2/full/{key}, and /2/full/{key}/{install id}, which the module
//     sends when the PBX has an install id (15 sapi/Sipstation.php ~384-388).
//   - POST and DELETE /2/e911/{did}/{key} (15 sapi/Sipstation.php ~88 and
//     ~115, 13 functions.inc/ajax.inc.php ~450 and ~470).
//   - POST /2/failover/{key}, with did for one number (15
//     sapi/Sipstation.php ~164-168), and the path form POST
//     /2/failover/{did}/{key} of 12 and 13 (functions.inc/ajax.inc.php
//     ~373-374).
//   - DELETE /2/failover/{did}/{key} clears one number's failover, the path
//     form of 12 and 13 (functions.inc/ajax.inc.php ~386-387); so does DELETE
//     /2/failover/{key} with the header "did: N", which is what 13's
//     Sipstation.class.php ~509 and 15's sapi/Sipstation.php ~181 send (their
//     PHP HTTP library turns the array they pass into headers). DELETE
//     /2/failover/{key} without either clears the account-wide failover (15
//     assets/js/sipstation.js ~413). Both tiers are cleared.
//   - A DELETE's body is never read, as a PHP service reads none: DELETE
//     /2/failover/{key} with a body {"did": N} clears the account-wide
//     failover. Metrics count such requests (deletes_with_body), on /v1 too.
//     This is the form the contract still lists
//     (shared/design/api.md: "DELETE /2/failover/{key} {did?}"), and the one
//     the provider's client sent before: no module version sends it (their
//     HTTP library's delete($url, $headers) takes no body), and a service
//     that reads no DELETE body sees in it the module's request to clear the
//     account-wide failover, where one number's was meant. The client never
//     sends it (internal/trunk ClearFailover), and the provider's tests fail
//     if anything does (checkTrunkState reads deletes_with_body). The
//     emulator answers it as such a service would, so that a client sending
//     it loses the account-wide failover in tests too.
//   - POST bodies may be JSON, as 15 sends them (PestJSON's post), or
//     form-encoded, as 12 and 13 send them (Pest's post), with string,
//     number or boolean values; the query string is not read. An unknown
//     field is refused.
//   - The CLIENT_TYPE header the module sends (15 sapi/PestSipstation.php
//     ~22) is accepted and not required.
//
// Answers, as PHP writes them:
//   - An empty object is [] (PHP's json_encode of an empty array): a
//     number's e911_address and failover when it has none, message (the
//     emulator has no notices), trunk_groups of none. The gateways'
//     client_status is written whole, registered "0" when not registered
//     (15 sapi/config/ConfigBase.php ~187 tests it with PHP's truthiness).
//   - Numbers and flags are strings: number and failover num in 10 digits,
//     monthly_cost "3.00", num_trunks "2", flags "1" or "0". Only a
//     mutation's status is a JSON boolean: 15 Sipstation.class.php ~1155
//     compares it with === true.
//   - GET /2/full answers version 1.0.3, the newest module 15 reads (15
//     sapi/Sipstation.php ~4-5; its Config103 reads premium_trunks, which
//     the emulator answers "NO"). Module 13 reads 1.0.1 and 1.0.2 only (13
//     functions.inc/sipstation.inc.php ~941-945).
//   - A key nobody has is HTTP 200 with query_status BADKEY, a version and
//     query_status_message "Invalid key", nothing else: the module checks
//     the version before query_status (15 sapi/Sipstation.php ~745), so only
//     a BADKEY with a version reaches its "invalid key" page. A change with
//     such a key answers {status: false, message: "BADKEY: invalid key"}.
//   - TEMPNOTAVAIL (15 sapi/Sipstation.php ~274) is answered only as a fault:
//     POST /_emulator/faults with rate_tempnotavail answers GET /2/full with
//     HTTP 200, query_status TEMPNOTAVAIL and a version instead of the
//     account (counted in faults_injected.tempnotavail). An injected 503
//     stands for an outage.
//   - Mutations answer HTTP 200 with {status, message}, refusals included:
//     a wrong key, a trial account ("Trial accounts cannot set ..."), a
//     number not on the trunk, an E911 address on a toll-free number, an
//     address /v1 would refuse (name, address1, city required; a two-letter
//     state; a ZIP code), an unknown field, a failover the rules below
//     refuse.
//
// Where the module is silent the emulator chooses:
//   - Every account has an account key ("ak" and 32 hex digits; POST
//     /_emulator/accounts answers it as account_key, -seed prints it) and an
//     account_type: FULL, or TRIAL when POST /_emulator/accounts asks for it.
//     The module only ever tests for TRIAL; FULL is the emulator's name.
//   - dids are the account's numbers still on the trunk: active or with a
//     port-out pending; not ported out, not cancelled. Toll-free numbers are
//     listed too. Their E911 address and failover are the fields /v1 PATCH
//     changes.
//   - customer_info: monthly_cost is the sum of the monthly rates of the
//     account's billed numbers (ported-out ones included, as they are still
//     billed), num_trunks 2, verify_status VERIFIED with an empty
//     verify_message, settings sms on, international and fax off, email
//     empty; expiration is empty, or for a trial 30 days after the account
//     was created (YYYY-MM-DD). cid_format is "NANP". Gateways are
//     trunk1.freepbx.com and trunk2.freepbx.com, never registered (no PBX
//     registers with the emulator). sip_info is a user name derived from the
//     account ID and a random password.
//   - Every account has two trunk groups, 7101 "Head office PBX", the one its
//     own trunk is in (trunk_group_id), and 7102 "Disaster recovery PBX".
//   - Failover has two tiers, as the module shows them (15
//     views/failover.php ~23-58): dest, the primary (an IP, host or URI, or
//     a trunk-group id), and num, the secondary number. A POST sets the
//     tiers it names and keeps the other; a tier sent empty is cleared (15
//     assets/js/sipstation.js ~349-356 and ~613-621 send both fields, empty
//     when blank). A POST naming neither is refused ("No valid data
//     received", 15 sapi/Sipstation.php ~162). num is any NANP form; dest
//     has no spaces and at most 255 characters; a numeric dest is a
//     trunk-group id (15 views/failover.php ~4), which must be one of the
//     account's trunk groups and not its own (15 Sipstation.class.php
//     ~1417-1419 does not offer that one). destination_is_trunkgroup is "1"
//     when the account-wide dest is one. /v1 shows both tiers of a number;
//     /v1 PATCH still sets one (api.md).
//   - One master E911 number per account: a write with master=1 makes the
//     number the master and takes the flag from any other; a write without
//     it on the master number, or a DELETE of its address, leaves the account
//     without one. The first address is not made the master by itself.
//   - DELETE /2/e911 of a number without an address succeeds (status true).
//   - Changes show at once, though the portal warns that E911 changes can
//     take up to 15 minutes on the real service.
//   - Rate limits apply per account key as presented, like API keys on /v1;
//     refusals of the emulator's own (429, injected 503, unknown route) carry
//     the {status: false, message} body with their HTTP status. The request
//     log shows account keys as {key}.
package emulator
