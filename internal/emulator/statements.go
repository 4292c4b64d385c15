package emulator

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

const (
	localPerMinuteCents    = 1 // local calls, either direction
	tollFreePerMinuteCents = 3 // inbound toll-free calls
	csvContentType         = "text/csv; charset=utf-8"
)

// cdrRec is one synthetic call detail record.
type cdrRec struct {
	CallID        string    `json:"call_id"`
	Number        string    `json:"number"`
	Direction     string    `json:"direction"`
	From          string    `json:"from"`
	To            string    `json:"to"`
	StartedAt     time.Time `json:"started_at"`
	DurationS     int       `json:"duration_s"`
	BilledMinutes int       `json:"billed_minutes"`
	RateCents     int64     `json:"rate_cents"`
	AmountCents   int64     `json:"amount_cents"`
}

// smsRec is one synthetic message; messages are included in the monthly rate.
type smsRec struct {
	MessageID string    `json:"message_id"`
	Number    string    `json:"number"`
	Direction string    `json:"direction"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	SentAt    time.Time `json:"sent_at"`
	Segments  int       `json:"segments"`
}

// issueDueStatements issues every statement whose date the clock has
// reached: statements are issued lazily, when a request comes.
func issueDueStatements(c *call) error {
	today := c.now.Format(dateLayout)
	locs, err := listJSON[locationRec](c.tx, `SELECT data FROM locations WHERE next_due != '' AND next_due <= ? ORDER BY rowid`, today)
	if err != nil {
		return err
	}
	for i := range locs {
		l := &locs[i]
		for l.NextDue != "" && l.NextDue <= today {
			if err := issueStatement(c, l); err != nil {
				return fmt.Errorf("statement of location %s due %s: %w", l.ID, l.NextDue, err)
			}
		}
		if err := c.tx.putLocation(l); err != nil {
			return err
		}
	}
	return nil
}

// issueStatement bills the period from l.PeriodStart to the day before
// l.NextDue: the monthly rate of every number billed on l at any time in it
// (no proration), the usage of its synthetic calls while on l, and the fees
// charged while it was on l.
func issueStatement(c *call, l *locationRec) error {
	start, err := time.Parse(dateLayout, l.PeriodStart)
	if err != nil {
		return fmt.Errorf("period start %q: %w", l.PeriodStart, err)
	}
	end, err := time.Parse(dateLayout, l.NextDue)
	if err != nil {
		return fmt.Errorf("statement date %q: %w", l.NextDue, err)
	}
	// Every number of the account, not only those on l now: a number moved
	// away since still counts for the time it was here.
	nums, err := numberRows(c.tx, `WHERE account_id = ? ORDER BY number, seq`, l.AccountID)
	if err != nil {
		return err
	}
	id, err := newID("stmt")
	if err != nil {
		return err
	}
	st := &statementRec{
		Statement: sipstation.Statement{
			ID:            id,
			LocationID:    l.ID,
			Date:          l.NextDue,
			PeriodStart:   l.PeriodStart,
			PeriodEnd:     end.AddDate(0, 0, -1).Format(dateLayout),
			AccountNumber: l.AccountNumber,
			// The card on file is charged when the statement is issued.
			OutstandingAmount: money(0),
			Currency:          "USD",
			LineItems:         []sipstation.LineItem{},
			Links: sipstation.StatementLinks{
				PDF:  "/v1/statements/" + id + "/pdf",
				CDRs: "/v1/statements/" + id + "/cdrs",
				SMS:  "/v1/statements/" + id + "/sms",
			},
		},
		AccountID:        l.AccountID,
		LocationName:     l.Name,
		OrganizationName: l.OrganizationName,
		ServiceAddress:   l.ServiceAddress,
		CDRs:             []cdrRec{},
		SMS:              []smsRec{},
	}
	var total int64
	add := func(kind, number, desc string, cents int64) {
		st.LineItems = append(st.LineItems, sipstation.LineItem{Kind: kind, Number: number, Description: desc, Amount: money(cents)})
		total += cents
	}
	for _, n := range nums {
		if spans := billedOn(n, l.ID, start, end); len(spans) > 0 {
			kind, label := sipstation.LineItemDID, "Local DID"
			if n.Type == sipstation.TypeTollFree {
				kind, label = sipstation.LineItemTollFree, "Toll-free number"
			}
			add(kind, n.Number.Number, fmt.Sprintf("%s %s, monthly service", label, n.Number.Number), monthlyRateCents(n.Type))
			var calls []cdrRec
			for _, sp := range spans {
				from, to := sp[0], sp[1]
				// A ported number carries no more traffic here, billed or not.
				if n.PortedAway && n.PortOut != nil && n.PortOut.CompletedAt != nil && n.PortOut.CompletedAt.Before(to) {
					to = *n.PortOut.CompletedAt
				}
				calls = append(calls, synthCalls(n, from, to)...)
				st.SMS = append(st.SMS, synthSMS(n, from, to)...)
			}
			if len(calls) > 0 {
				var cents int64
				minutes := 0
				for _, cdr := range calls {
					cents += cdr.AmountCents
					minutes += cdr.BilledMinutes
				}
				add(sipstation.LineItemUsage, n.Number.Number,
					fmt.Sprintf("Usage of %s: %d call(s), %d billed minute(s) at $%s/min", n.Number.Number, len(calls), minutes, money(calls[0].RateCents)), cents)
				st.CDRs = append(st.CDRs, calls...)
			}
		}
		for _, fee := range n.Fees {
			if !fee.ChargedAt.Before(start) && fee.ChargedAt.Before(end) && n.onLocation(l.ID, fee.ChargedAt) {
				add(sipstation.LineItemPortOutFee, n.Number.Number,
					fmt.Sprintf("Early port-out fee, held under 90 days (port-out %s)", fee.PortOutID), fee.Cents)
			}
		}
	}
	st.Total = money(total)
	if err := c.tx.putStatement(st); err != nil {
		return err
	}
	l.PeriodStart = l.NextDue
	if l.ClosedAt != nil && l.ClosedAt.Before(end) {
		l.NextDue = "" // that was the closed location's final statement
	} else {
		l.NextDue = nextBillingDate(end, l.BillingDay).Format(dateLayout)
	}
	return nil
}

// billedOn are the stretches [from, to) of the period [start, end) in which
// n was billed while on location locationID; none when it was not. A
// billing that ended exactly at a stretch's start still counts, as a
// number ordered and cancelled in the same second is billed once.
func billedOn(n *numberRec, locationID string, start, end time.Time) [][2]time.Time {
	b := n.Billing
	if b.StartedAt == nil {
		return nil
	}
	st := n.stints()
	var out [][2]time.Time
	for i, s := range st {
		if s.LocationID != locationID {
			continue
		}
		from, to := latest(start, *b.StartedAt, s.From), end
		if i+1 < len(st) && !st[i+1].From.After(to) {
			// It left for another location: that moment is no longer here.
			if to = st[i+1].From; !from.Before(to) {
				continue
			}
		}
		if b.EndedAt != nil && b.EndedAt.Before(to) {
			to = *b.EndedAt
		}
		if from.Before(end) && !to.Before(from) {
			out = append(out, [2]time.Time{from, to})
		}
	}
	return out
}

func latest(t time.Time, more ...time.Time) time.Time {
	for _, m := range more {
		if m.After(t) {
			t = m
		}
	}
	return t
}

// rng is a generator seeded by what it describes, so that the same number and
// period always give the same synthetic records.
func rng(parts ...string) *rand.Rand {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p + "|")) // hash writes never fail
	}
	s := h.Sum64()
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}

// otherParty is a fictional 555-01XX number of area code 202.
func otherParty(r *rand.Rand) string {
	return fmt.Sprintf("+1202555%04d", 100+r.IntN(100))
}

func randomTime(r *rand.Rand, from, to time.Time) time.Time {
	secs := int64(to.Sub(from) / time.Second)
	if secs <= 0 {
		return from
	}
	return from.Add(time.Duration(r.Int64N(secs)) * time.Second)
}

// synthCalls makes 0 to 5 calls of n between from and to.
func synthCalls(n *numberRec, from, to time.Time) []cdrRec {
	if !to.After(from) {
		return nil
	}
	number := n.Number.Number
	r := rng("cdr", number, from.Format(time.RFC3339), to.Format(time.RFC3339))
	rate := int64(localPerMinuteCents)
	if n.Type == sipstation.TypeTollFree {
		rate = tollFreePerMinuteCents
	}
	count := r.IntN(6)
	out := make([]cdrRec, 0, count)
	for range count {
		cdr := cdrRec{Number: number, Direction: "inbound", From: otherParty(r), To: number, StartedAt: randomTime(r, from, to), DurationS: 15 + r.IntN(886), RateCents: rate}
		if n.Type == sipstation.TypeLocal && r.IntN(2) == 0 {
			cdr.Direction, cdr.From, cdr.To = "outbound", number, cdr.From
		}
		cdr.BilledMinutes = (cdr.DurationS + 59) / 60
		cdr.AmountCents = int64(cdr.BilledMinutes) * rate
		out = append(out, cdr)
	}
	slices.SortFunc(out, func(a, b cdrRec) int { return a.StartedAt.Compare(b.StartedAt) })
	for i := range out {
		out[i].CallID = fmt.Sprintf("call-%s-%s-%d", number[1:], from.Format("20060102T150405"), i+1)
	}
	return out
}

// synthSMS makes 0 to 4 messages of an SMS-enabled local number.
func synthSMS(n *numberRec, from, to time.Time) []smsRec {
	if n.Type != sipstation.TypeLocal || n.SMSEnabled == nil || !*n.SMSEnabled || !to.After(from) {
		return nil
	}
	number := n.Number.Number
	r := rng("sms", number, from.Format(time.RFC3339), to.Format(time.RFC3339))
	count := r.IntN(5)
	out := make([]smsRec, 0, count)
	for range count {
		m := smsRec{Number: number, Direction: "inbound", From: otherParty(r), To: number, SentAt: randomTime(r, from, to), Segments: 1 + r.IntN(3)}
		if r.IntN(2) == 0 {
			m.Direction, m.From, m.To = "outbound", number, m.From
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b smsRec) int { return a.SentAt.Compare(b.SentAt) })
	for i := range out {
		out[i].MessageID = fmt.Sprintf("sms-%s-%s-%d", number[1:], from.Format("20060102T150405"), i+1)
	}
	return out
}

func listStatements(c *call) (*result, error) {
	l, err := c.ownLocation(c.r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p, err := parsePage(c.r)
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	bounds := map[string]string{}
	for _, name := range []string{"from", "to"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		if _, err := time.Parse(dateLayout, v); err != nil {
			return nil, invalid("", "query parameter %s must be a date written YYYY-MM-DD, not %q", name, v)
		}
		bounds[name] = v
	}
	recs, err := listJSON[statementRec](c.tx, `SELECT data FROM statements WHERE location_id = ? ORDER BY date DESC`, l.ID)
	if err != nil {
		return nil, err
	}
	out := []sipstation.Statement{}
	for _, st := range recs {
		if from, ok := bounds["from"]; ok && st.Date < from {
			continue
		}
		if to, ok := bounds["to"]; ok && st.Date > to {
			continue
		}
		out = append(out, st.Statement)
	}
	return paged(p, out)
}

// ownStatement is the caller's statement, or 404.
func ownStatement(c *call) (*statementRec, error) {
	id := c.r.PathValue("id")
	st, err := c.tx.statement(id)
	if err != nil {
		return nil, err
	}
	if st == nil || st.AccountID != c.acct.ID {
		return nil, notFound("statement %q not found", id)
	}
	return st, nil
}

func getStatement(c *call) (*result, error) {
	st, err := ownStatement(c)
	if err != nil {
		return nil, err
	}
	return jsonResult(http.StatusOK, st.Statement)
}

func statementPDF(c *call) (*result, error) {
	st, err := ownStatement(c)
	if err != nil {
		return nil, err
	}
	pdf, err := renderPDF(st)
	if err != nil {
		return nil, fmt.Errorf("statement %s: %w", st.ID, err)
	}
	return &result{status: http.StatusOK, contentType: "application/pdf", body: pdf}, nil
}

func statementCDRs(c *call) (*result, error) {
	st, err := ownStatement(c)
	if err != nil {
		return nil, err
	}
	rows := [][]string{{"call_id", "number", "direction", "from", "to", "started_at", "duration_seconds", "billed_minutes", "rate_per_minute", "amount"}}
	for _, r := range st.CDRs {
		rows = append(rows, []string{r.CallID, r.Number, r.Direction, r.From, r.To, r.StartedAt.Format(time.RFC3339),
			strconv.Itoa(r.DurationS), strconv.Itoa(r.BilledMinutes), money(r.RateCents), money(r.AmountCents)})
	}
	return csvResult(rows)
}

func statementSMS(c *call) (*result, error) {
	st, err := ownStatement(c)
	if err != nil {
		return nil, err
	}
	rows := [][]string{{"message_id", "number", "direction", "from", "to", "sent_at", "segments"}}
	for _, m := range st.SMS {
		rows = append(rows, []string{m.MessageID, m.Number, m.Direction, m.From, m.To, m.SentAt.Format(time.RFC3339), strconv.Itoa(m.Segments)})
	}
	return csvResult(rows)
}

func csvResult(rows [][]string) (*result, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("write CSV: %w", err)
	}
	return &result{status: http.StatusOK, contentType: csvContentType, body: buf.Bytes()}, nil
}
