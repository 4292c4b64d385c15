package trunk_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/trunk"
)

// What each call sends, in the module's terms: route, method, headers, body.

// failoverDoc is a /2/full answer whose account-wide failover and whose
// number 4155550100's failover are the tiers given (num, dest).
func failoverDoc(accountNum, accountDest, didNum, didDest string) string {
	return fmt.Sprintf(`{"version":"1.0.3","query_status":"SUCCESS","customer_info":{"failover_num":%q,"failover_dest":%q},`+
		`"dids":[{"number":"4155550100","failover":{"num":%q,"dest":%q},"e911_address":[]}]}`, accountNum, accountDest, didNum, didDest)
}

// Every request names the calling program in CLIENT_TYPE, written as the
// module writes it; E911 writes and deletes use the module's routes.
func TestRequestHeadersAndRoutes(t *testing.T) {
	t.Parallel()
	f := &fakeService{answer: func(r sent) (int, string) {
		if r.Method == http.MethodGet {
			return http.StatusOK, failoverDoc("", "", "", "")
		}
		return http.StatusOK, `{"status":true,"message":"ok"}`
	}}
	c := fakeClient(t, f)
	ctx := context.Background()
	if err := c.SetE911(ctx, "+14155550100", trunk.E911{Name: "Acme", Street1: "1 Main St", City: "Austin", State: "TX", Zip: "78701"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteE911(ctx, "(415) 555-0100"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`POST /sipstation/2/e911/4155550100/` + key + ` {"name":"Acme","address1":"1 Main St","address2":"","city":"Austin","state":"TX","zip":"78701"}`,
		`DELETE /sipstation/2/e911/4155550100/` + key,
	}
	if d := cmp.Diff(want, f.requests()); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
	for _, s := range f.sent {
		// Written as the module writes it, not as Go would canonicalize it.
		var got []string
		for k, v := range s.Header {
			if k == trunk.HeaderClientType {
				got = v
			}
		}
		if len(got) != 1 || got[0] != "terraform-provider-sipstation-1.2.3" {
			t.Errorf("%s %s: CLIENT_TYPE %q (headers %v)", s.Method, s.Path, got, s.Header)
		}
	}
}

// SetFailover sends one tier a request, only the tiers that change, the
// ones it sets before the one it clears (an empty value, as module 15's
// dialogs clear a tier).
func TestSetFailoverTiers(t *testing.T) {
	t.Parallel()
	post := "POST /sipstation/2/failover/" + key + " "
	tests := map[string]struct {
		current [2]string // num, dest the number shows
		set     trunk.Failover
		want    []string
	}{
		"both, from none": {[2]string{"", ""}, trunk.Failover{Destination: "pbx.example.com", Number: "415-555-0198"},
			[]string{post + `{"dest":"pbx.example.com","did":"4155550100"}`, post + `{"num":"4155550198","did":"4155550100"}`}},
		"drop the number": {[2]string{"4155550198", "pbx.example.com"}, trunk.Failover{Destination: "pbx.example.com"},
			[]string{post + `{"num":"","did":"4155550100"}`}},
		"drop the destination": {[2]string{"4155550198", "pbx.example.com"}, trunk.Failover{Number: "+14155550198"},
			[]string{post + `{"dest":"","did":"4155550100"}`}},
		"number for destination: set first": {[2]string{"", "pbx.example.com"}, trunk.Failover{Number: "4155550198"},
			[]string{post + `{"num":"4155550198","did":"4155550100"}`, post + `{"dest":"","did":"4155550100"}`}},
		"the same in another form": {[2]string{"4155550198", ""}, trunk.Failover{Number: "(415) 555-0198"}, []string{}},
		"a trunk group":            {[2]string{"", ""}, trunk.Failover{Destination: "7102"}, []string{post + `{"dest":"7102","did":"4155550100"}`}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := &fakeService{answer: func(r sent) (int, string) {
				if r.Method == http.MethodGet {
					return http.StatusOK, failoverDoc("4155550199", "", tc.current[0], tc.current[1])
				}
				return http.StatusOK, `{"status":true,"message":"Failover Updated"}`
			}}
			if err := fakeClient(t, f).SetFailover(context.Background(), "+14155550100", tc.set); err != nil {
				t.Fatalf("SetFailover: %v", err)
			}
			var writes []string
			for _, r := range f.requests() {
				if !strings.HasPrefix(r, "GET ") {
					writes = append(writes, r)
				}
			}
			if d := cmp.Diff(tc.want, append([]string{}, writes...)); d != "" {
				t.Errorf("writes (-want +got):\n%s", d)
			}
		})
	}
	// The account-wide failover: no did.
	f := &fakeService{answer: func(r sent) (int, string) {
		if r.Method == http.MethodGet {
			return http.StatusOK, failoverDoc("", "", "", "")
		}
		return http.StatusOK, `{"status":true,"message":"Failover Updated"}`
	}}
	if err := fakeClient(t, f).SetFailover(context.Background(), "", trunk.Failover{Destination: "7102", Number: "4155550199"}); err != nil {
		t.Fatal(err)
	}
	want := []string{"GET /sipstation/2/full/" + key, post + `{"dest":"7102"}`, post + `{"num":"4155550199"}`}
	if d := cmp.Diff(want, f.requests()); d != "" {
		t.Errorf("account-wide (-want +got):\n%s", d)
	}
}

// One number's failover is cleared with the path form of modules 12 and
// 13; the account-wide one with the bare route; neither with a body or a
// did header.
func TestClearFailoverForms(t *testing.T) {
	t.Parallel()
	f := &fakeService{answer: func(r sent) (int, string) {
		if r.Method == http.MethodGet {
			return http.StatusOK, failoverDoc("", "", "4155550198", "")
		}
		return http.StatusOK, `{"status":true,"message":"Failover Cleared"}`
	}}
	c := fakeClient(t, f)
	if err := c.ClearFailover(context.Background(), "+14155550100"); err != nil {
		t.Fatal(err)
	}
	if err := c.ClearFailover(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"GET /sipstation/2/full/" + key,
		"DELETE /sipstation/2/failover/4155550100/" + key,
		"DELETE /sipstation/2/failover/" + key,
	}
	if d := cmp.Diff(want, f.requests()); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
	for _, s := range f.sent {
		if _, ok := s.Header[http.CanonicalHeaderKey(trunk.HeaderDID)]; ok {
			t.Errorf("%s %s carries a did header", s.Method, s.Path)
		}
	}
}

// A service that clears the account-wide failover with one number's: the
// client sees it, sets it back, and says so.
func TestClearFailoverRestoresAccountFailover(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	num, dest := "4155550199", "7102"
	f := &fakeService{answer: func(r sent) (int, string) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.Method == http.MethodGet:
			return http.StatusOK, failoverDoc(num, dest, "4155550198", "")
		case r.Method == http.MethodDelete:
			num, dest = "", "" // the wrong failover
		case strings.Contains(r.Body, `"num"`):
			num = strings.TrimSuffix(strings.TrimPrefix(r.Body, `{"num":"`), `"}`)
		case strings.Contains(r.Body, `"dest"`):
			dest = strings.TrimSuffix(strings.TrimPrefix(r.Body, `{"dest":"`), `"}`)
		}
		return http.StatusOK, `{"status":true,"message":"ok"}`
	}}
	err := fakeClient(t, f).ClearFailover(context.Background(), "+14155550100")
	if !errors.Is(err, trunk.ErrAccountFailoverLost) || !strings.Contains(err.Error(), "set it back") ||
		!strings.Contains(err.Error(), "destination 7102 and number +14155550199") {
		t.Errorf("ClearFailover: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if num != "4155550199" || dest != "7102" {
		t.Errorf("the account-wide failover after: num %q dest %q, want it set back", num, dest)
	}
}

// A refused change that names BADKEY is the key's error too.
func TestRefusedWithBadKey(t *testing.T) {
	t.Parallel()
	f := &fakeService{answer: func(sent) (int, string) { return http.StatusOK, string(fixture(t, "result-badkey.json")) }}
	err := fakeClient(t, f).ClearFailover(context.Background(), "")
	if !errors.Is(err, trunk.ErrBadKey) || !errors.Is(err, trunk.ErrRefused) {
		t.Errorf("ClearFailover: %v", err)
	}
}
