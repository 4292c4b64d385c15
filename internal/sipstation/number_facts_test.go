package sipstation_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// decodeNumber decodes testdata/numbers/<name>.json: a number as
// GET /v1/numbers/{e164} answers it, written by hand from the Numbers and
// Port-outs sections of shared/design/api.md, not produced by the types
// under test.
func decodeNumber(t *testing.T, name string) *sipstation.Number {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "numbers", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var n sipstation.Number
	if err := json.Unmarshal(data, &n); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return &n
}

func TestNumberFacts(t *testing.T) {
	t.Parallel()
	type facts struct {
		PortOutPending, BilledAfterPortOut, Gone bool
		FOCDate                                  string
	}
	tests := []struct {
		fixture string
		want    facts
	}{
		{fixture: "active", want: facts{}},
		// The losing carrier has not confirmed a date: foc_date is null.
		{fixture: "pending_unconfirmed", want: facts{PortOutPending: true, FOCDate: "2026-03-01"}},
		{fixture: "pending_confirmed", want: facts{PortOutPending: true, FOCDate: "2026-03-02"}},
		// The port_out block says pending before the status follows.
		{fixture: "pending_by_block", want: facts{PortOutPending: true, FOCDate: "2026-03-01"}},
		{fixture: "port_rejected", want: facts{FOCDate: "2026-03-01"}},
		// The port completed: the number has left and stays billed.
		{fixture: "ported_billed", want: facts{BilledAfterPortOut: true, FOCDate: "2026-03-02"}},
		// DELETE's answer: billing stopped, status cancelled.
		{fixture: "cancelled", want: facts{Gone: true}},
		{fixture: "ported_cancelled", want: facts{Gone: true, FOCDate: "2026-03-02"}},
		// The two that fixture_test.go serves: settings change no fact.
		{fixture: "local_with_settings", want: facts{}},
		{fixture: "toll_free_ported_billed", want: facts{BilledAfterPortOut: true, FOCDate: "2025-03-20"}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			n := decodeNumber(t, tt.fixture)
			got := facts{
				PortOutPending:     n.PortOutPending(),
				BilledAfterPortOut: n.BilledAfterPortOut(),
				Gone:               n.Gone(),
				FOCDate:            n.FOCDate(),
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNumberGone(t *testing.T) {
	t.Parallel()
	notFound := fmt.Errorf("get number +14155550123: %w",
		&sipstation.APIError{StatusCode: 404, ErrorObject: sipstation.ErrorObject{Code: sipstation.CodeNotFound}})
	tests := []struct {
		name string
		n    *sipstation.Number
		err  error
		want bool
	}{
		{name: "404", err: notFound, want: true},
		{name: "cancelled", n: decodeNumber(t, "cancelled"), want: true},
		{name: "held", n: decodeNumber(t, "active"), want: false},
		{name: "ported out, still billed", n: decodeNumber(t, "ported_billed"), want: false},
		{name: "no answer", err: errors.New("get number +14155550123: connection refused"), want: false},
	}
	for _, tt := range tests {
		if got := sipstation.NumberGone(tt.n, tt.err); got != tt.want {
			t.Errorf("%s: NumberGone = %t, want %t", tt.name, got, tt.want)
		}
	}
}
