package emulator

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

// Clock tells the emulator what time it is.
type Clock interface{ Now() time.Time }

// Options configure a Server.
type Options struct {
	DBPath    string        // SQLite file; "" keeps everything in memory
	Admin     bool          // serve the /_emulator/ control routes
	Latency   time.Duration // added to every /v1 and /sipstation answer
	RateLimit float64       // requests per second per API key; 0 = DefaultRateLimit; negative = off (UnlimitedRate)
	// Clock is the base clock; nil is the wall clock. Either way POST
	// /_emulator/clock moves an offset on top of it, persisted with the data.
	Clock Clock
	Logf  func(format string, args ...any) // optional request log
}

// DefaultRateLimit is the per-key rate when Options.RateLimit is 0.
const DefaultRateLimit = 50

// Account is an API account: its key sees only its own data. AccountKey is
// the key of the account-key API (/sipstation) for the same account.
type Account struct {
	ID          string `json:"account_id"`
	Name        string `json:"name"`
	APIKey      string `json:"api_key"`
	AccountKey  string `json:"account_key"`
	AccountType string `json:"account_type"`
}

func accountOf(a *accountRec) Account {
	return Account{ID: a.ID, Name: a.Name, APIKey: a.APIKey, AccountKey: a.AccountKey, AccountType: accountType(a)}
}

// Server is the emulator, an http.Handler.
type Server struct {
	opts    Options
	db      *sql.DB
	mux     *http.ServeMux
	limiter *limiter
	faults  faultState
	metrics metricsCollector

	// mu serializes every transaction: one writer, answers in commit order.
	mu sync.Mutex
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// New opens (or creates) the database and builds the routes.
func New(opts Options) (*Server, error) {
	db, err := openDB(opts.DBPath)
	if err != nil {
		return nil, err
	}
	if opts.Clock == nil {
		opts.Clock = wallClock{}
	}
	s := &Server{opts: opts, db: db, mux: http.NewServeMux(), limiter: newLimiter()}
	// An empty transaction reads the stored clock: a damaged database fails
	// here, at start, rather than on the first request.
	if err := s.inTx(func(*tx, time.Time) error { return nil }); err != nil {
		return nil, errors.Join(fmt.Errorf("open emulator database: %w", err), db.Close())
	}
	s.routes()
	return s, nil
}

// Close closes the database.
func (s *Server) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close emulator database: %w", err)
	}
	return nil
}

// now is the emulator's time, to the second (what the API shows): the base
// clock plus the offset POST /_emulator/clock moved it by. The offset is read
// from the database inside the transaction, never kept in memory, so that it
// changes exactly when the transaction that moves it commits.
func (s *Server) now(t *tx) (time.Time, error) {
	offset, err := t.clockOffset()
	if err != nil {
		return time.Time{}, err
	}
	return s.opts.Clock.Now().Add(offset).UTC().Truncate(time.Second), nil
}

// CreateAccount creates an account with a fresh API key.
func (s *Server) CreateAccount(name string) (Account, error) {
	var acct Account
	err := s.inTx(func(t *tx, now time.Time) error {
		a, err := createAccount(t, name, "", now)
		if err != nil {
			return err
		}
		acct = accountOf(a)
		return nil
	})
	return acct, err
}

// EnsureAccount returns the oldest account of that name, creating it when
// there is none: what -seed needs to print the same key after a restart.
func (s *Server) EnsureAccount(name string) (Account, error) {
	var acct Account
	err := s.inTx(func(t *tx, now time.Time) error {
		a, err := t.accountByName(name)
		if err != nil {
			return err
		}
		if a == nil {
			if a, err = createAccount(t, name, "", now); err != nil {
				return err
			}
		} else if changed, err := ensureTrunk(a); err != nil {
			return err
		} else if changed {
			if err := t.updateAccount(a); err != nil {
				return err
			}
		}
		acct = accountOf(a)
		return nil
	})
	return acct, err
}

// createAccount creates an account; accountType "" is a full account, else
// one of the account types the emulator knows (trunk.go).
func createAccount(t *tx, name, accountType string, now time.Time) (*accountRec, error) {
	if strings.TrimSpace(name) == "" {
		return nil, invalid("/name", "name is required: a label for the account")
	}
	if accountType != "" && accountType != accountTypeFull && accountType != trunk.AccountTypeTrial {
		return nil, invalid("/account_type", "account_type is %s (the default) or %s, not %q", accountTypeFull, trunk.AccountTypeTrial, accountType)
	}
	id, err := newID("acct")
	if err != nil {
		return nil, err
	}
	key, err := newAPIKey()
	if err != nil {
		return nil, err
	}
	a := &accountRec{ID: id, Name: name, APIKey: key, CreatedAt: now, AccountType: accountType}
	if _, err := ensureTrunk(a); err != nil {
		return nil, err
	}
	return a, t.putAccount(a)
}

// inTx runs fn in a transaction under s.mu and commits it.
func (s *Server) inTx(fn func(t *tx, now time.Time) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sqlTx, err := s.db.Begin()
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	t := &tx{sqlTx}
	now, err := s.now(t)
	if err == nil {
		err = fn(t, now)
	}
	if err != nil {
		return errors.Join(err, rollback(sqlTx))
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func rollback(t *sql.Tx) error {
	if err := t.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("rollback: %w", err)
	}
	return nil
}

// call is what a route handler works with: one request inside its transaction.
type call struct {
	s    *Server
	tx   *tx
	now  time.Time
	acct *accountRec // nil on admin routes
	r    *http.Request
	body []byte
}

type handler func(c *call) (*result, error)

func (s *Server) routes() {
	s.api("GET /v1/locations", listLocations)
	s.api("POST /v1/locations", createLocation)
	s.api("GET /v1/locations/{id}", getLocation)
	s.api("PATCH /v1/locations/{id}", updateLocation)
	s.api("DELETE /v1/locations/{id}", closeLocation)
	s.api("GET /v1/locations/{id}/statements", listStatements)
	s.api("POST /v1/locations/{location_id}/numbers", orderNumber)
	s.api("GET /v1/available-numbers", listAvailableNumbers)
	s.api("GET /v1/numbers", listNumbers)
	s.api("GET /v1/numbers/{number}", getNumber)
	s.api("PATCH /v1/numbers/{number}", updateNumber)
	s.api(routeCancelNumber, cancelNumber)
	s.api("GET /v1/port-outs", listPortOuts)
	s.api("GET /v1/port-outs/{id}", getPortOut)
	s.api("GET /v1/statements/{id}", getStatement)
	s.api("GET /v1/statements/{id}/pdf", statementPDF)
	s.api("GET /v1/statements/{id}/cdrs", statementCDRs)
	s.api("GET /v1/statements/{id}/sms", statementSMS)
	s.trunkRoutes()
	if s.opts.Admin {
		s.admin("POST /_emulator/accounts", adminCreateAccount)
		s.admin("POST /_emulator/port-outs", adminCreatePortOut)
		s.admin("POST /_emulator/port-outs/{id}/complete", adminCompletePortOut)
		s.admin("POST /_emulator/port-outs/{id}/reject", adminRejectPortOut)
		s.admin("GET /_emulator/clock", adminGetClock)
		s.admin("POST /_emulator/clock", adminAdvanceClock)
		s.admin("GET /_emulator/faults", adminGetFaults)
		s.admin("POST /_emulator/faults", adminSetFaults)
		s.admin("GET /_emulator/metrics", adminGetMetrics)
	}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		res, err := jsonResult(http.StatusOK, map[string]string{"status": "ok"})
		if err != nil {
			writeError(w, errf(http.StatusInternalServerError, sipstation.CodeInternalError, "%v", err))
			return
		}
		writeResult(w, res)
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			// Still an API answer: rate-limited and with its headers.
			if e := s.admit(w, bearerToken(r)); e != nil {
				s.metrics.rateLimited()
				writeError(w, e)
				return
			}
		}
		writeError(w, notFound("no route %s %s; the routes are those of the SIPStation API v1 contract", r.Method, r.URL.Path))
	})
}

const routeCancelNumber = "DELETE /v1/numbers/{number}"

// ServeHTTP serves the API, counting every request in the metrics.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	defer func() {
		// The mux has set r.Pattern by now, also when the handler panicked to
		// drop the connection.
		route := r.Pattern
		if route == "" || route == "/" {
			route = "unmatched"
		}
		forced := route == routeCancelNumber && isTrue(r.URL.Query().Get("force"))
		s.metrics.record(route, rec.statusOr200(), forced)
		if s.opts.Logf != nil {
			note := ""
			if rec.dropped {
				note = " (answer dropped)"
			}
			s.opts.Logf("%s %s -> %d%s in %s", r.Method, redactKey(r.URL.RequestURI()), rec.statusOr200(), note, time.Since(start).Round(time.Millisecond))
		}
	}()
	s.mux.ServeHTTP(rec, r)
}

func isTrue(v string) bool {
	b, err := strconv.ParseBool(v)
	return err == nil && b
}

// recorder remembers the status for the metrics and the log.
type recorder struct {
	http.ResponseWriter
	status  int
	dropped bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) statusOr200() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

const maxBody = 1 << 20

// api registers a /v1 route: latency, rate limit, faults, authentication,
// idempotency, then the handler in a transaction committed before answering.
func (s *Server) api(pattern string, h handler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		token := bearerToken(r)
		// The latency comes first: a 429 costs a client the round trip too.
		if err := s.delay(r.Context()); err != nil {
			return // the client is gone; nothing was executed
		}
		if e := s.admit(w, token); e != nil {
			s.metrics.rateLimited()
			writeError(w, e)
			return
		}
		if e := s.faults.before(&s.metrics, r); e != nil {
			writeError(w, e)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			writeError(w, invalid("", "cannot read the request body (at most %d bytes): %v", maxBody, err))
			return
		}
		if r.Method == http.MethodDelete {
			s.metrics.deleteBody(body)
			body = nil
		}
		res, err := s.execute(r, body, token, true, h)
		if err != nil {
			s.logf("internal error on %s %s: %v", r.Method, r.URL.Path, err)
			writeError(w, errf(http.StatusInternalServerError, sipstation.CodeInternalError, "the emulator failed: %v", err))
			return
		}
		if s.faults.dropAfterCommit(&s.metrics, r) {
			if rec, ok := w.(*recorder); ok {
				rec.status, rec.dropped = res.status, true
			}
			// Committed, but the client gets no answer: what a lost
			// response looks like.
			panic(http.ErrAbortHandler)
		}
		if res.replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		writeResult(w, res)
	})
}

// admin registers a /_emulator route: no rate limit, faults or key.
func (s *Server) admin(pattern string, h handler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			writeError(w, invalid("", "cannot read the request body (at most %d bytes): %v", maxBody, err))
			return
		}
		res, err := s.execute(r, body, "", false, h)
		if err != nil {
			s.logf("internal error on %s %s: %v", r.Method, r.URL.Path, err)
			writeError(w, errf(http.StatusInternalServerError, sipstation.CodeInternalError, "the emulator failed: %v", err))
			return
		}
		writeResult(w, res)
	})
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

func bearerToken(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

func (s *Server) delay(ctx context.Context) error {
	d := s.opts.Latency + time.Duration(s.faults.get().LatencyMS)*time.Millisecond
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("request cancelled during latency: %w", ctx.Err())
	}
}

// execute runs a handler in one transaction. Errors returned are internal
// failures; answers of the contract, errors included, come back as results.
func (s *Server) execute(r *http.Request, body []byte, token string, authenticate bool, h handler) (*result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// A client that hangs up must not abort a commit halfway.
	sqlTx, err := s.db.BeginTx(context.WithoutCancel(r.Context()), nil)
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			if err := rollback(sqlTx); err != nil {
				s.logf("%v", err)
			}
		}
	}()
	c := &call{s: s, tx: &tx{sqlTx}, r: r, body: body}
	if c.now, err = s.now(c.tx); err != nil {
		return nil, err
	}
	if authenticate {
		if token == "" {
			return errorResult(errf(http.StatusUnauthorized, sipstation.CodeUnauthenticated, "the request has no Authorization: Bearer <api_key> header")), nil
		}
		if c.acct, err = c.tx.accountByKey(token); err != nil {
			return nil, err
		}
		if c.acct == nil {
			return errorResult(errf(http.StatusUnauthorized, sipstation.CodeUnauthenticated, "the API key is not valid")), nil
		}
	}
	if err := issueDueStatements(c); err != nil {
		return nil, fmt.Errorf("issue statements: %w", err)
	}
	key := ""
	if authenticate && r.Method == http.MethodPost {
		key = r.Header.Get("Idempotency-Key")
	}
	fingerprint := requestFingerprint(r, body)
	if key != "" {
		res, err := replay(c, key, fingerprint)
		var e *apiError
		switch {
		case errors.As(err, &e):
			return errorResult(e), commitTx(sqlTx, &committed)
		case err != nil:
			return nil, err
		case res != nil:
			return res, commitTx(sqlTx, &committed)
		}
	}
	if _, err := c.tx.exec(`SAVEPOINT handler`); err != nil {
		return nil, err
	}
	res, err := h(c)
	if e := (*apiError)(nil); errors.As(err, &e) {
		// Undo the handler's partial writes; keep the statements issued.
		if _, err := c.tx.exec(`ROLLBACK TO handler`); err != nil {
			return nil, err
		}
		res, err = errorResult(e), nil
	}
	if err != nil {
		return nil, err
	}
	if key != "" {
		if err := remember(c, key, fingerprint, res); err != nil {
			return nil, err
		}
	}
	return res, commitTx(sqlTx, &committed)
}

func commitTx(t *sql.Tx, committed *bool) error {
	if err := t.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	*committed = true
	return nil
}

// requestFingerprint identifies a POST for idempotency: route and body, the
// body compared as JSON (key order and spacing do not matter).
func requestFingerprint(r *http.Request, body []byte) string {
	canonical := body
	var v any
	if err := json.Unmarshal(body, &v); err == nil {
		if b, err := json.Marshal(v); err == nil {
			canonical = b
		}
	}
	sum := sha256.Sum256([]byte(r.Method + " " + r.URL.Path + "\n" + string(canonical)))
	return hex.EncodeToString(sum[:])
}

const idempotencyWindow = 24 * time.Hour

func replay(c *call, key, fingerprint string) (*result, error) {
	if len(key) > 255 {
		return nil, errf(http.StatusUnprocessableEntity, sipstation.CodeValidationFailed, "the Idempotency-Key header is %d characters long; at most 255 are allowed", len(key))
	}
	var rec idempotencyRec
	ok, err := getJSON(c.tx, &rec, `SELECT data FROM idempotency WHERE account_id = ? AND key = ?`, c.acct.ID, key)
	if err != nil || !ok {
		return nil, err
	}
	if c.now.Sub(rec.CreatedAt) >= idempotencyWindow {
		return nil, nil // expired: the key is fresh again
	}
	if rec.Fingerprint != fingerprint {
		return nil, errf(http.StatusConflict, sipstation.CodeIdempotencyConflict,
			"Idempotency-Key %q was used at %s for another request (other route or body); use a new key for a new request",
			key, rec.CreatedAt.Format(time.RFC3339))
	}
	c.s.metrics.replayed()
	return &result{status: rec.Status, contentType: rec.ContentType, body: rec.Body, replayed: true}, nil
}

func remember(c *call, key, fingerprint string, res *result) error {
	if res.status >= 500 {
		return nil // a failure is worth retrying, not replaying
	}
	data, err := mustJSON(idempotencyRec{Fingerprint: fingerprint, Status: res.status, ContentType: res.contentType, Body: res.body, CreatedAt: c.now})
	if err != nil {
		return err
	}
	_, err = c.tx.exec(`INSERT INTO idempotency (account_id, key, data) VALUES (?, ?, ?)
		ON CONFLICT (account_id, key) DO UPDATE SET data = excluded.data`, c.acct.ID, key, data)
	return err
}
