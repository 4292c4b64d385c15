package emulator_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

func cents(t *testing.T, amount string) int64 {
	t.Helper()
	whole, frac, ok := strings.Cut(amount, ".")
	if !ok || len(frac) != 2 {
		t.Fatalf("amount %q is not a decimal string with two places", amount)
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("amount %q: %v %v", amount, err1, err2)
	}
	return w*100 + f
}

func statements(h *harness, locationID, query string) []sipstation.Statement {
	h.t.Helper()
	var list struct{ Data []sipstation.Statement }
	h.call(http.MethodGet, "/v1/locations/"+locationID+"/statements"+query, nil, http.StatusOK, &list)
	return list.Data
}

// charges are a statement's line items other than usage, which is synthetic.
func charges(st sipstation.Statement) []sipstation.LineItem {
	var out []sipstation.LineItem
	for _, li := range st.LineItems {
		if li.Kind != sipstation.LineItemUsage {
			out = append(out, sipstation.LineItem{Kind: li.Kind, Number: li.Number, Amount: li.Amount})
		}
	}
	return out
}

func csvRows(t *testing.T, h *harness, path string) [][]string {
	t.Helper()
	a := h.do(http.MethodGet, path, h.key, nil)
	if a.status != http.StatusOK || a.header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("GET %s: %d %s", path, a.status, a.header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(bytes.NewReader(a.body)).ReadAll()
	if err != nil {
		t.Fatalf("GET %s: CSV: %v", path, err)
	}
	return rows
}

func TestStatements(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	const (
		a  = "+14155550100" // kept throughout
		d  = "+14155550101" // ported out on day 10, cancelled two months later
		c  = "+14155550102" // ordered on day 5, cancelled on day 20
		tf = "+18005550100"
	)
	h.order(h.key, loc.ID, sipstation.NumberOrder{Type: "local", Number: a, SMSEnabled: ptr(true)})
	h.orderLocal(h.key, loc.ID, d)
	h.order(h.key, loc.ID, sipstation.NumberOrder{Type: "toll_free", Number: tf})
	h.advance(5 * day)
	h.orderLocal(h.key, loc.ID, c)
	h.advance(5 * day)
	po := h.portOut("Gaining Telecom", "", d)
	h.call(http.MethodPost, "/_emulator/port-outs/"+po.ID+"/complete", nil, http.StatusOK, nil)
	h.advance(10 * day)
	h.call(http.MethodDelete, numberPath(c), nil, http.StatusOK, nil)
	if got := statements(h, loc.ID, ""); len(got) != 0 {
		t.Fatalf("statements before the billing day: %+v", got)
	}

	h.advance(11 * day) // 2025-04-10 15:00: the first billing day has passed
	got := statements(h, loc.ID, "")
	if len(got) != 1 {
		t.Fatalf("statements after the first billing day: %d", len(got))
	}
	first := got[0]
	wantHead := sipstation.Statement{
		ID: first.ID, LocationID: loc.ID, Date: "2025-04-10", PeriodStart: "2025-03-10", PeriodEnd: "2025-04-09",
		AccountNumber: loc.AccountNumber, Total: first.Total, OutstandingAmount: "0.00", Currency: "USD",
		Links: sipstation.StatementLinks{
			PDF: "/v1/statements/" + first.ID + "/pdf", CDRs: "/v1/statements/" + first.ID + "/cdrs", SMS: "/v1/statements/" + first.ID + "/sms",
		},
	}
	head := first
	head.LineItems = nil
	if diff := cmp.Diff(wantHead, head); diff != "" {
		t.Errorf("first statement (-want +got):\n%s", diff)
	}
	wantCharges := []sipstation.LineItem{
		{Kind: "did", Number: a, Amount: "1.50"},
		{Kind: "did", Number: d, Amount: "1.50"},
		{Kind: "port_out_fee", Number: d, Amount: "25.00"},
		{Kind: "did", Number: c, Amount: "1.50"},
		{Kind: "toll_free", Number: tf, Amount: "2.00"},
	}
	if diff := cmp.Diff(wantCharges, charges(first)); diff != "" {
		t.Errorf("first statement's charges (-want +got):\n%s", diff)
	}
	checkTotals(t, h, first)

	h.advance(30 * day) // 2025-05-10 15:00
	h.call(http.MethodDelete, numberPath(d), nil, http.StatusOK, nil)
	h.advance(31 * day) // 2025-06-10 15:00
	h.advance(31 * day) // 2025-07-11 15:00
	got = statements(h, loc.ID, "")
	var dates []string
	for _, st := range got {
		dates = append(dates, st.Date)
	}
	if diff := cmp.Diff([]string{"2025-07-10", "2025-06-10", "2025-05-10", "2025-04-10"}, dates); diff != "" {
		t.Fatalf("statement dates, newest first (-want +got):\n%s", diff)
	}
	wantLater := map[string][]sipstation.LineItem{
		// c was cancelled in the first period; the fee was charged once.
		"2025-05-10": {{Kind: "did", Number: a, Amount: "1.50"}, {Kind: "did", Number: d, Amount: "1.50"}, {Kind: "toll_free", Number: tf, Amount: "2.00"}},
		// d was billed until its cancellation on the 10th of May.
		"2025-06-10": {{Kind: "did", Number: a, Amount: "1.50"}, {Kind: "did", Number: d, Amount: "1.50"}, {Kind: "toll_free", Number: tf, Amount: "2.00"}},
		"2025-07-10": {{Kind: "did", Number: a, Amount: "1.50"}, {Kind: "toll_free", Number: tf, Amount: "2.00"}},
	}
	for _, st := range got[:3] {
		if diff := cmp.Diff(wantLater[st.Date], charges(st)); diff != "" {
			t.Errorf("charges of %s (-want +got):\n%s", st.Date, diff)
		}
		checkTotals(t, h, st)
	}
	// Once ported, d is billed but carries no calls here.
	portedAt := start.Add(10 * day)
	for _, st := range got {
		for _, r := range csvRows(t, h, st.Links.CDRs)[1:] {
			if at, err := time.Parse(time.RFC3339, r[5]); r[1] == d && (err != nil || !at.Before(portedAt)) {
				t.Errorf("statement %s: call of %s after its port: %v", st.Date, d, r)
			}
		}
	}
	if st := got[1]; st.PeriodStart != "2025-05-10" || st.PeriodEnd != "2025-06-09" {
		t.Errorf("period of %s: %s to %s", st.Date, st.PeriodStart, st.PeriodEnd)
	}

	var one sipstation.Statement
	h.call(http.MethodGet, "/v1/statements/"+first.ID, nil, http.StatusOK, &one)
	if diff := cmp.Diff(first, one); diff != "" {
		t.Errorf("GET /v1/statements/{id} (-want +got):\n%s", diff)
	}

	filters := map[string][]string{
		"?from=2025-05-10":                             {"2025-07-10", "2025-06-10", "2025-05-10"},
		"?to=2025-05-09":                               {"2025-04-10"},
		"?from=2025-05-01&to=2025-06-30":               {"2025-06-10", "2025-05-10"},
		"?page[size]=1&page[number]=2":                 {"2025-06-10"},
		"?from=2025-05-01&page[size]=2&page[number]=2": {"2025-05-10"},
	}
	for query, want := range filters {
		var dates []string
		for _, st := range statements(h, loc.ID, query) {
			dates = append(dates, st.Date)
		}
		if diff := cmp.Diff(want, dates); diff != "" {
			t.Errorf("statements%s (-want +got):\n%s", query, diff)
		}
	}
}

// checkTotals checks the total against the line items, and the usage items
// against the CDRs they come from.
func checkTotals(t *testing.T, h *harness, st sipstation.Statement) {
	t.Helper()
	var sum int64
	usage := map[string]int64{}
	for _, li := range st.LineItems {
		sum += cents(t, li.Amount)
		if li.Kind == sipstation.LineItemUsage {
			usage[li.Number] += cents(t, li.Amount)
		}
	}
	if sum != cents(t, st.Total) {
		t.Errorf("statement %s: total %s, line items sum to %d cents", st.Date, st.Total, sum)
	}
	rows := csvRows(t, h, st.Links.CDRs)
	fromCDRs := map[string]int64{}
	for _, r := range rows[1:] {
		fromCDRs[r[1]] += cents(t, r[9])
	}
	if diff := cmp.Diff(fromCDRs, usage); diff != "" {
		t.Errorf("statement %s: usage items vs CDRs (-cdrs +usage):\n%s", st.Date, diff)
	}
}

func TestStatementsFallDueLazily(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	h.orderLocal(h.key, loc.ID, "+14155550100")
	// The base clock moves on its own, as real time does: no control route.
	h.clock.Add(time.Date(2025, 4, 9, 23, 59, 59, 0, time.UTC).Sub(start))
	if got := statements(h, loc.ID, ""); len(got) != 0 {
		t.Fatalf("statements a second before the billing day: %d", len(got))
	}
	h.clock.Add(time.Second)
	if got := statements(h, loc.ID, ""); len(got) != 1 || got[0].Date != "2025-04-10" {
		t.Fatalf("statements on the billing day: %+v", got)
	}
	// A year at once: every statement that fell due is issued.
	h.clock.Add(365 * day)
	if got := statements(h, loc.ID, "?page[size]=100"); len(got) != 13 || got[0].Date != "2026-04-10" {
		t.Errorf("statements after a year: %d, newest %+v", len(got), got[0].Date)
	}
}

func TestClosedLocationGetsFinalStatement(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	h.orderLocal(h.key, loc.ID, "+14155550100")
	h.advance(3 * day)
	h.call(http.MethodDelete, numberPath("+14155550100"), nil, http.StatusOK, nil)
	h.call(http.MethodDelete, "/v1/locations/"+loc.ID, nil, http.StatusOK, nil)
	h.advance(100 * day)
	got := statements(h, loc.ID, "")
	if len(got) != 1 || len(charges(got[0])) != 1 {
		t.Errorf("statements of a location closed in its first period: %+v", got)
	}
}

func TestStatementDownloads(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loc := h.newLocation(h.key, "HQ")
	h.order(h.key, loc.ID, sipstation.NumberOrder{Type: "local", Number: "+14155550100", SMSEnabled: ptr(true)})
	h.orderLocal(h.key, loc.ID, "+14155550101")
	h.order(h.key, loc.ID, sipstation.NumberOrder{Type: "toll_free", Number: "+18885550100"})
	h.advance(62 * day)
	sts := statements(h, loc.ID, "")
	if len(sts) != 2 {
		t.Fatalf("statements: %d", len(sts))
	}
	st := sts[1]

	t.Run("pdf", func(t *testing.T) {
		a := h.do(http.MethodGet, st.Links.PDF, h.key, nil)
		if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("GET pdf: %d %s", a.status, a.header.Get("Content-Type"))
		}
		if !bytes.HasPrefix(a.body, []byte("%PDF-")) || !bytes.Contains(a.body[len(a.body)-16:], []byte("%%EOF")) {
			t.Errorf("not a PDF: %.20q ... %q", a.body, a.body[len(a.body)-16:])
		}
		for _, want := range []string{loc.AccountNumber, "Acme Widgets LLC", "100 Market St", "San Francisco, CA 94105", "+14155550100", "+14155550101", "+18885550100", st.PeriodStart, st.PeriodEnd, "$" + st.Total} {
			if !bytes.Contains(a.body, []byte(want)) {
				t.Errorf("the PDF does not show %q", want)
			}
		}
		if again := h.do(http.MethodGet, st.Links.PDF, h.key, nil); !bytes.Equal(a.body, again.body) {
			t.Errorf("the PDF differs between two downloads")
		}
	})
	t.Run("cdrs", func(t *testing.T) {
		rows := csvRows(t, h, st.Links.CDRs)
		want := []string{"call_id", "number", "direction", "from", "to", "started_at", "duration_seconds", "billed_minutes", "rate_per_minute", "amount"}
		if diff := cmp.Diff(want, rows[0]); diff != "" {
			t.Errorf("CDR header (-want +got):\n%s", diff)
		}
		for _, r := range rows[1:] {
			started, err := time.Parse(time.RFC3339, r[5])
			if err != nil || started.Before(start) || !started.Before(time.Date(2025, 4, 10, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("CDR outside the period: %v (%v)", r, err)
			}
		}
	})
	t.Run("sms", func(t *testing.T) {
		rows := csvRows(t, h, st.Links.SMS)
		want := []string{"message_id", "number", "direction", "from", "to", "sent_at", "segments"}
		if diff := cmp.Diff(want, rows[0]); diff != "" {
			t.Errorf("SMS header (-want +got):\n%s", diff)
		}
		for _, r := range rows[1:] {
			if r[1] != "+14155550100" {
				t.Errorf("SMS of a number without SMS: %v", r)
			}
		}
	})
}

// A number moved between locations is billed on each location it was on in
// a period, its calls and fees on the one it was on at the time, also when
// the statements are issued long after the move.
func TestStatementsFollowMoves(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	const (
		x = "+14155550100" // on A, moved to B on 2025-03-20, ported out there
		y = "+14155550101" // on A throughout
	)
	a := h.newLocation(h.key, "A") // billing day 10
	h.orderLocal(h.key, a.ID, x)
	h.orderLocal(h.key, a.ID, y)
	h.advance(5 * day)
	b := h.newLocation(h.key, "B") // billing day 15
	h.advance(5 * day)
	movedAt := start.Add(10 * day)
	h.call(http.MethodPatch, numberPath(x), map[string]string{"location_id": b.ID}, http.StatusOK, nil)
	h.advance(day)
	po := h.portOut("Gaining Telecom", "", x)
	h.call(http.MethodPost, "/_emulator/port-outs/"+po.ID+"/complete", nil, http.StatusOK, nil)
	h.advance(70 * day) // 2025-05-30: two statements of each location at once

	want := map[string]map[string][]sipstation.LineItem{
		a.ID: {
			"2025-04-10": {{Kind: "did", Number: x, Amount: "1.50"}, {Kind: "did", Number: y, Amount: "1.50"}},
			"2025-05-10": {{Kind: "did", Number: y, Amount: "1.50"}},
		},
		b.ID: {
			"2025-04-15": {{Kind: "did", Number: x, Amount: "1.50"}, {Kind: "port_out_fee", Number: x, Amount: "25.00"}},
			"2025-05-15": {{Kind: "did", Number: x, Amount: "1.50"}},
		},
	}
	for _, loc := range []sipstation.Location{a, b} {
		got := map[string][]sipstation.LineItem{}
		for _, st := range statements(h, loc.ID, "") {
			got[st.Date] = charges(st)
			checkTotals(t, h, st)
			for _, r := range csvRows(t, h, st.Links.CDRs)[1:] {
				at, err := time.Parse(time.RFC3339, r[5])
				if err != nil || (r[1] == x && (loc.ID == a.ID) != at.Before(movedAt)) {
					t.Errorf("location %s, statement %s: call of %s at %s, moved to B at %s", loc.Name, st.Date, r[1], r[5], movedAt)
				}
			}
		}
		if diff := cmp.Diff(want[loc.ID], got); diff != "" {
			t.Errorf("charges of location %s by statement date (-want +got):\n%s", loc.Name, diff)
		}
	}
}
