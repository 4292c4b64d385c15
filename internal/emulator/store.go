package emulator

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// schema keeps each entity as a JSON blob, with only the columns that queries
// filter on pulled out beside it.
const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, api_key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS locations (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, next_due TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS locations_next_due ON locations (next_due);
CREATE TABLE IF NOT EXISTS numbers (seq INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT NOT NULL, account_id TEXT NOT NULL, location_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS numbers_number ON numbers (number, seq);
CREATE INDEX IF NOT EXISTS numbers_account ON numbers (account_id);
CREATE INDEX IF NOT EXISTS numbers_location ON numbers (location_id);
CREATE INDEX IF NOT EXISTS numbers_listing ON numbers (account_id, json_extract(data, '$.status'), json_extract(data, '$.type'), location_id, number);
CREATE TABLE IF NOT EXISTS port_outs (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS statements (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, location_id TEXT NOT NULL, date TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS statements_location ON statements (location_id, date);
CREATE TABLE IF NOT EXISTS idempotency (account_id TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (account_id, key));
`

const (
	dateLayout        = "2006-01-02"
	metaClockOffset   = "clock_offset_ns"
	metaAccountNumber = "last_account_number"
)

// openDB opens (and creates) the emulator's database: a file when path is
// given, else a private in-memory database.
func openDB(path string) (*sql.DB, error) {
	dsn := ":memory:"
	if path != "" {
		dsn = path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %q: %w", path, err)
	}
	// One connection: every new connection to ":memory:" would be a new empty
	// database, and a single writer is what the emulator wants anyway.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if _, err := db.Exec(schema); err != nil {
		return nil, errors.Join(fmt.Errorf("create schema in %q: %w", path, err), db.Close())
	}
	return db, nil
}

// tx is one request's transaction.
type tx struct {
	*sql.Tx
}

func getJSON(t *tx, out any, query string, args ...any) (bool, error) {
	var data string
	err := t.QueryRow(query, args...).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("query %q: %w", query, err)
	}
	if err := json.Unmarshal([]byte(data), out); err != nil {
		return false, fmt.Errorf("decode row of %q: %w", query, err)
	}
	return true, nil
}

func listJSON[T any](t *tx, query string, args ...any) ([]T, error) {
	rows, err := t.Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", query, err)
	}
	defer func() { _ = rows.Close() }()
	var out []T
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("scan row of %q: %w", query, err)
		}
		var v T
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return nil, fmt.Errorf("decode row of %q: %w", query, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read rows of %q: %w", query, err)
	}
	return out, nil
}

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	res, err := t.Exec(query, args...)
	if err != nil {
		return nil, fmt.Errorf("exec %q: %w", query, err)
	}
	return res, nil
}

func mustJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %T: %w", v, err)
	}
	return string(b), nil
}

func (t *tx) meta(key string) (string, error) {
	var v string
	err := t.QueryRow(`SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read meta %s: %w", key, err)
	}
	return v, nil
}

func (t *tx) setMeta(key, value string) error {
	_, err := t.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// clockOffset is how far the emulator's clock runs ahead of its base clock.
func (t *tx) clockOffset() (time.Duration, error) {
	raw, err := t.meta(metaClockOffset)
	if err != nil || raw == "" {
		return 0, err
	}
	ns, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("stored clock offset %q: %w", raw, err)
	}
	return time.Duration(ns), nil
}

// Records: the wire types plus what only the emulator knows. The extra fields
// are prefixed x_ in the stored JSON and never sent.

type accountRec struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	APIKey    string    `json:"api_key"`
	CreatedAt time.Time `json:"created_at"`
	// What the account-key API (/sipstation, trunk.go) adds: the key the
	// SIPStation portal shows, the account type, the trunk's SIP password,
	// the account-wide failover and the one master E911 number (E.164).
	// Accounts stored before these were kept get a key on first use.
	AccountKey  string               `json:"account_key,omitempty"`
	AccountType string               `json:"account_type,omitempty"`
	SIPPassword string               `json:"sip_password,omitempty"`
	Failover    *sipstation.Failover `json:"account_failover,omitempty"`
	E911Master  string               `json:"e911_master,omitempty"`
}

type locationRec struct {
	sipstation.Location
	AccountID string     `json:"x_account_id"`
	ClosedAt  *time.Time `json:"x_closed_at"`
	// PeriodStart is the first day of the billing period not yet stated.
	PeriodStart string `json:"x_period_start"`
	// NextDue is the date of the next statement; "" once a closed location
	// had its final statement.
	NextDue string `json:"x_next_due"`
}

type feeRec struct {
	PortOutID string    `json:"port_out_id"`
	Cents     int64     `json:"cents"`
	ChargedAt time.Time `json:"charged_at"`
}

type numberRec struct {
	sipstation.Number
	Seq       int64  `json:"-"`
	AccountID string `json:"x_account_id"`
	// Lost: cancelled with force during a pending port-out; nobody can order
	// the number again.
	Lost bool `json:"x_lost"`
	// PortedAway: the number now lives with another carrier; it never returns
	// to the pool.
	PortedAway bool     `json:"x_ported_away"`
	Fees       []feeRec `json:"x_fees"`
	// Stints are the locations the number was on, oldest first: statements
	// bill it to where it was in their period, not to where it is now.
	Stints []stint `json:"x_stints,omitempty"`
}

// stint is a stretch of time a number spent on one location: from From
// until the From of the next stint.
type stint struct {
	LocationID string    `json:"location_id"`
	From       time.Time `json:"from"`
}

// stints are n's locations over time. A number stored before stints were
// kept has been on its location since its activation.
func (n *numberRec) stints() []stint {
	if len(n.Stints) > 0 {
		return n.Stints
	}
	return []stint{{LocationID: n.LocationID, From: n.ActivatedAt}}
}

// moveTo puts n on another location from now on.
func (n *numberRec) moveTo(locationID string, now time.Time) {
	n.Stints = append(n.stints(), stint{LocationID: locationID, From: now})
	n.LocationID = locationID
}

// onLocation reports whether n was on location locationID at t.
func (n *numberRec) onLocation(locationID string, t time.Time) bool {
	st := n.stints()
	for i := len(st) - 1; i >= 0; i-- {
		if !t.Before(st[i].From) {
			return st[i].LocationID == locationID
		}
	}
	return false // before it was ordered
}

type portOutRec struct {
	sipstation.PortOut
	AccountID string `json:"x_account_id"`
}

type statementRec struct {
	sipstation.Statement
	AccountID        string             `json:"x_account_id"`
	LocationName     string             `json:"x_location_name"`
	OrganizationName string             `json:"x_organization_name"`
	ServiceAddress   sipstation.Address `json:"x_service_address"`
	CDRs             []cdrRec           `json:"x_cdrs"`
	SMS              []smsRec           `json:"x_sms"`
}

type idempotencyRec struct {
	Fingerprint string    `json:"fingerprint"`
	Status      int       `json:"status"`
	ContentType string    `json:"content_type"`
	Body        []byte    `json:"body"`
	CreatedAt   time.Time `json:"created_at"`
}

func newID(prefix string) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random id: %w", err)
	}
	return prefix + "_" + hex.EncodeToString(b), nil
}

func newAPIKey() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random api key: %w", err)
	}
	return "sk_emu_" + hex.EncodeToString(b), nil
}

// newAccountKey is an account key of the account-key API: like the
// portal's, one URL path segment of letters and digits.
func newAccountKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random account key: %w", err)
	}
	return "ak" + hex.EncodeToString(b), nil
}

// ensureTrunk gives an account stored before the account-key API was
// emulated its account key and SIP password; it reports whether it changed a.
func ensureTrunk(a *accountRec) (bool, error) {
	if a.AccountKey != "" {
		return false, nil
	}
	key, err := newAccountKey()
	if err != nil {
		return false, err
	}
	pw := make([]byte, 12)
	if _, err := rand.Read(pw); err != nil {
		return false, fmt.Errorf("random SIP password: %w", err)
	}
	a.AccountKey, a.SIPPassword = key, hex.EncodeToString(pw)
	return true, nil
}

func (t *tx) updateAccount(a *accountRec) error {
	data, err := mustJSON(a)
	if err != nil {
		return err
	}
	_, err = t.exec(`UPDATE accounts SET data = ? WHERE id = ?`, data, a.ID)
	return err
}

func (t *tx) accountByAccountKey(key string) (*accountRec, error) {
	var a accountRec
	ok, err := getJSON(t, &a, `SELECT data FROM accounts WHERE json_extract(data, '$.account_key') = ?`, key)
	if err != nil || !ok {
		return nil, err
	}
	return &a, nil
}

func (t *tx) putAccount(a *accountRec) error {
	data, err := mustJSON(a)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO accounts (id, api_key, name, data) VALUES (?, ?, ?, ?)`, a.ID, a.APIKey, a.Name, data)
	return err
}

func (t *tx) accountByKey(key string) (*accountRec, error) {
	var a accountRec
	ok, err := getJSON(t, &a, `SELECT data FROM accounts WHERE api_key = ?`, key)
	if err != nil || !ok {
		return nil, err
	}
	return &a, nil
}

func (t *tx) accountByName(name string) (*accountRec, error) {
	var a accountRec
	ok, err := getJSON(t, &a, `SELECT data FROM accounts WHERE name = ? ORDER BY rowid LIMIT 1`, name)
	if err != nil || !ok {
		return nil, err
	}
	return &a, nil
}

func (t *tx) putLocation(l *locationRec) error {
	data, err := mustJSON(l)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO locations (id, account_id, next_due, data) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET next_due = excluded.next_due, data = excluded.data`,
		l.ID, l.AccountID, l.NextDue, data)
	return err
}

func (t *tx) location(id string) (*locationRec, error) {
	var l locationRec
	ok, err := getJSON(t, &l, `SELECT data FROM locations WHERE id = ?`, id)
	if err != nil || !ok {
		return nil, err
	}
	return &l, nil
}

// putNumber inserts a new row (Seq 0) or updates the row it was read from.
func (t *tx) putNumber(n *numberRec) error {
	data, err := mustJSON(n)
	if err != nil {
		return err
	}
	if n.Seq != 0 {
		_, err = t.exec(`UPDATE numbers SET account_id = ?, location_id = ?, data = ? WHERE seq = ?`, n.AccountID, n.LocationID, data, n.Seq)
		return err
	}
	res, err := t.exec(`INSERT INTO numbers (number, account_id, location_id, data) VALUES (?, ?, ?, ?)`, n.Number.Number, n.AccountID, n.LocationID, data)
	if err != nil {
		return err
	}
	n.Seq, err = res.LastInsertId()
	if err != nil {
		return fmt.Errorf("row id of number %s: %w", n.Number.Number, err)
	}
	return nil
}

// numberRows reads number rows with their sequence number: a number ordered
// again after aging gets a new row, and the old one keeps its billing history.
func numberRows(t *tx, where string, args ...any) ([]*numberRec, error) {
	query := `SELECT seq, data FROM numbers ` + where
	rows, err := t.Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", query, err)
	}
	defer func() { _ = rows.Close() }()
	var out []*numberRec
	for rows.Next() {
		var (
			seq  int64
			data string
		)
		if err := rows.Scan(&seq, &data); err != nil {
			return nil, fmt.Errorf("scan row of %q: %w", query, err)
		}
		n := &numberRec{}
		if err := json.Unmarshal([]byte(data), n); err != nil {
			return nil, fmt.Errorf("decode row of %q: %w", query, err)
		}
		n.Seq = seq
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read rows of %q: %w", query, err)
	}
	return out, nil
}

// latestNumber is the newest row of a number: its current state, or nil when
// the number was never ordered.
func (t *tx) latestNumber(number string) (*numberRec, error) {
	rows, err := numberRows(t, `WHERE number = ? ORDER BY seq DESC LIMIT 1`, number)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0], nil
}

// latestNumbers maps every number ever ordered to its newest row.
func (t *tx) latestNumbers() (map[string]*numberRec, error) {
	rows, err := numberRows(t, `WHERE seq IN (SELECT MAX(seq) FROM numbers GROUP BY number)`)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*numberRec, len(rows))
	for _, n := range rows {
		out[n.Number.Number] = n
	}
	return out, nil
}

func (t *tx) putPortOut(p *portOutRec) error {
	data, err := mustJSON(p)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO port_outs (id, account_id, data) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data`, p.ID, p.AccountID, data)
	return err
}

func (t *tx) portOut(id string) (*portOutRec, error) {
	var p portOutRec
	ok, err := getJSON(t, &p, `SELECT data FROM port_outs WHERE id = ?`, id)
	if err != nil || !ok {
		return nil, err
	}
	return &p, nil
}

func (t *tx) putStatement(s *statementRec) error {
	data, err := mustJSON(s)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO statements (id, account_id, location_id, date, data) VALUES (?, ?, ?, ?, ?)`,
		s.ID, s.AccountID, s.LocationID, s.Date, data)
	return err
}

func (t *tx) statement(id string) (*statementRec, error) {
	var s statementRec
	ok, err := getJSON(t, &s, `SELECT data FROM statements WHERE id = ?`, id)
	if err != nil || !ok {
		return nil, err
	}
	return &s, nil
}
