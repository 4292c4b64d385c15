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
// of package trunk. The module's source is the only description of it; where
// the module is silent the emulator chooses:
//   - Every account has an account key ("ak" and 32 hex digits; POST
//     /_emulator/accounts answers it as account_key, -seed prints it) and an
//     account_type: FULL, or TRIAL when POST /_emulator/accounts asks for it.
//     The module only ever tests for TRIAL; FULL is the emulator's name.
//   - GET /2/full/{key} (and /2/full/{key}/{install id}, which the module
//     sends when it has an install id) answers version 1.0.2. A key nobody
//     has is HTTP 200 with query_status BADKEY and nothing else;
//     TEMPNOTAVAIL is never answered (an injected 503 stands for an outage).
//   - dids are the account's numbers still on the trunk: active or with a
//     port-out pending; not ported out, not cancelled. Toll-free numbers are
//     listed too. number is 10 digits; failover.num is 10 digits. Their E911
//     address and failover are the fields /v1 PATCH changes, and
//     e911_address is null when the number has none.
//   - customer_info: monthly_cost is the sum of the monthly rates of the
//     account's billed numbers (ported-out ones included, as they are still
//     billed), num_trunks is 2, verify_status VERIFIED, settings sms on,
//     international and fax off, email empty; expiration is empty, or for a
//     trial 30 days after the account was created (YYYY-MM-DD). Gateways are
//     trunk1.freepbx.com and trunk2.freepbx.com, never registered (no PBX
//     registers with the emulator). sip_info is a user name derived from the
//     account ID and a random password.
//   - Mutations answer HTTP 200 with {status, message}, refusals included: a
//     wrong key (message "BADKEY: invalid key"), a trial account ("Trial
//     accounts cannot set ..."), a number not on the trunk, an E911 address
//     on a toll-free number, an address /v1 would refuse (name, address1,
//     city required; a two-letter state; a ZIP code), an unknown field.
//     Bodies may be form-encoded or JSON (string, number or boolean values),
//     and the query string counts too (DELETE /2/failover may name the did
//     there).
//   - One master E911 number per account: a write with master=1 makes the
//     number the master and takes the flag from any other; a write without
//     it on the master number, or a DELETE of its address, leaves the account
//     without one. The first address is not made the master by itself.
//   - DELETE /2/e911 of a number without an address succeeds (status true).
//     POST /2/failover takes exactly one of num (any NANP form) or dest (no
//     spaces, at most 255 characters: an IP, host, URI or trunk-group id);
//     without did it sets the account-wide failover, which DELETE without
//     did clears. A number holds one or the other, as on /v1, and a POST
//     replaces what it held; FreePBX's module sets both (the destination as
//     the primary failover, the number as the secondary one), so the real
//     service can show both at once, which the emulator never does.
//   - Changes show at once, though the portal warns that E911 changes can
//     take up to 15 minutes on the real service.
//   - Rate limits apply per account key as presented, like API keys on /v1;
//     refusals of the emulator's own (429, injected 503, unknown route) carry
//     the {status: false, message} body with their HTTP status. The request
//     log shows account keys as {key}.
package emulator
