package emulator_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// reopen closes the emulator and starts a new one on the same database file.
func (h *harness) reopen(opts emulator.Options) {
	h.t.Helper()
	h.ts.Close()
	if err := h.srv.Close(); err != nil {
		h.t.Fatalf("Close: %v", err)
	}
	opts.Admin, opts.RateLimit = true, -1
	srv, err := emulator.New(opts)
	if err != nil {
		h.t.Fatalf("reopen: %v", err)
	}
	h.srv, h.ts = srv, httptest.NewServer(srv)
	h.base, h.client = h.ts.URL, h.ts.Client()
}

// snapshot is everything an account can read, and the emulator's clock.
type snapshot struct {
	Locations  []sipstation.Location
	Numbers    []sipstation.Number
	PortOuts   []sipstation.PortOut
	Statements []sipstation.Statement
	PDF        []byte
	Clock      emulator.ClockState
}

func (h *harness) snapshot(locationID string) snapshot {
	h.t.Helper()
	var s snapshot
	var locs struct{ Data []sipstation.Location }
	h.call(http.MethodGet, "/v1/locations", nil, http.StatusOK, &locs)
	var nums struct{ Data []sipstation.Number }
	h.call(http.MethodGet, "/v1/numbers", nil, http.StatusOK, &nums)
	var pos struct{ Data []sipstation.PortOut }
	h.call(http.MethodGet, "/v1/port-outs", nil, http.StatusOK, &pos)
	s.Locations, s.Numbers, s.PortOuts = locs.Data, nums.Data, pos.Data
	s.Statements = statements(h, locationID, "")
	if len(s.Statements) > 0 {
		s.PDF = h.do(http.MethodGet, s.Statements[0].Links.PDF, h.key, nil).body
	}
	h.call(http.MethodGet, "/_emulator/clock", nil, http.StatusOK, &s.Clock)
	return s
}

func TestPersistence(t *testing.T) {
	t.Parallel()
	opts := emulator.Options{DBPath: filepath.Join(t.TempDir(), "emulator.db")}
	h := newHarness(t, opts)
	opts.Clock = h.clock
	seeded, err := h.srv.EnsureAccount("demo")
	if err != nil {
		t.Fatal(err)
	}
	loc := h.newLocation(h.key, "HQ")
	h.numbersInEveryState(loc.ID) // +1415555010x: 0 active, 1 aging, 2 lost, 3 ported out and billed
	h.orderLocal(h.key, loc.ID, "+14155550104")
	h.portOut("Other Co", "2025-05-01", "+14155550104") // pending
	h.advance(40 * day)                                 // a statement, and a clock offset
	order := sipstation.NumberOrder{Type: "toll_free", Number: "+18005550100"}
	ordered := h.do(http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", h.key, order, "Idempotency-Key", "tf-1")
	before := h.snapshot(loc.ID)
	if len(before.Numbers) != 4 || len(before.PortOuts) != 3 || len(before.Statements) != 1 {
		t.Fatalf("before the restart: %d numbers, %d port-outs, %d statements", len(before.Numbers), len(before.PortOuts), len(before.Statements))
	}

	h.reopen(opts)

	after := h.snapshot(loc.ID)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("after the restart (-before +after):\n%s", diff)
	}
	if !bytes.HasPrefix(after.PDF, []byte("%PDF")) {
		t.Errorf("PDF after restart: %.10q", after.PDF)
	}
	// Idempotency keys survive.
	replayed := h.do(http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", h.key, order, "Idempotency-Key", "tf-1")
	if replayed.status != http.StatusCreated || !bytes.Equal(replayed.body, ordered.body) {
		t.Errorf("replay after restart: %d %s", replayed.status, replayed.body)
	}
	// Aging and lost numbers stay unavailable; the seeded account is found again.
	for _, n := range []string{"+14155550101", "+14155550102", "+14155550103"} {
		if s, _ := h.apiError(h.key, http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", sipstation.NumberOrder{Type: "local", Number: n}); s != http.StatusConflict {
			t.Errorf("order %s after restart: %d", n, s)
		}
	}
	again, err := h.srv.EnsureAccount("demo")
	if err != nil || again != seeded {
		t.Errorf("EnsureAccount after restart: %+v %v, want %+v", again, err, seeded)
	}
	// The next statement still falls due on time, and account numbers keep counting.
	h.advance(31 * day)
	if got := statements(h, loc.ID, ""); len(got) != 2 {
		t.Errorf("statements after restart and a month: %d", len(got))
	}
	if l := h.newLocation(h.key, "Branch"); l.AccountNumber == loc.AccountNumber {
		t.Errorf("account number %s handed out twice", l.AccountNumber)
	}
}
