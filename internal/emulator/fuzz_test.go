package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// FuzzServe sends arbitrary methods, paths, queries and bodies to an
// emulator holding a location, a number and a pending port-out. Whatever
// comes in, the emulator answers (a panic fails the test: ServeHTTP is called
// directly, without net/http's recovery), and every error answer is an error
// body of the contract. `go test` runs the seeds; `go test -fuzz FuzzServe`
// looks further.
func FuzzServe(f *testing.F) {
	srv, err := emulator.New(emulator.Options{Admin: true, RateLimit: -1})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		if err := srv.Close(); err != nil {
			f.Error(err)
		}
	})
	acct, err := srv.CreateAccount("fuzz")
	if err != nil {
		f.Fatal(err)
	}
	serve := func(method, target, body string) *httptest.ResponseRecorder {
		req, err := http.NewRequest(method, "http://emulator"+target, strings.NewReader(body))
		if err != nil {
			return nil
		}
		req.Header.Set("Authorization", "Bearer "+acct.APIKey)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w
	}
	loc := serve(http.MethodPost, "/v1/locations", `{"name":"HQ","organization_name":"Acme","email":"a@acme.example","service_address":{"street1":"1 Main St","city":"Austin","state":"TX","zip":"78701"}}`)
	var l sipstation.Location
	if err := json.Unmarshal(loc.Body.Bytes(), &l); err != nil || loc.Code != http.StatusCreated {
		f.Fatalf("create location: %d %s", loc.Code, loc.Body)
	}
	for _, step := range [][2]string{
		{"/v1/locations/" + l.ID + "/numbers", `{"type":"local","number":"+14155550100"}`},
		{"/v1/locations/" + l.ID + "/numbers", `{"type":"local","number":"+14155550101"}`},
		{"/_emulator/port-outs", `{"numbers":["+14155550101"],"carrier_name":"X"}`},
	} {
		if w := serve(http.MethodPost, step[0], step[1]); w.Code != http.StatusCreated {
			f.Fatalf("POST %s: %d %s", step[0], w.Code, w.Body)
		}
	}

	seeds := []struct{ method, target, body string }{
		{"GET", "/v1/locations?page[number]=9223372036854775807&page[size]=1000", ""},
		{"GET", "/v1/locations?page[number]=-1&page[size]=99999999999999999999", ""},
		{"GET", "/v1/numbers?location_id=" + l.ID + "&type=local&status=active&page[size]=1", ""},
		{"GET", "/v1/numbers/%2B14155550100", ""},
		{"GET", "/v1/numbers/+1", ""},
		{"GET", "/v1/numbers/%2B%2B%2B", ""},
		{"GET", "/v1/numbers/%00", ""},
		{"GET", "/v1/available-numbers?type=toll_free&area_code=800&limit=1000", ""},
		{"GET", "/v1/available-numbers?limit=-5&area_code=%FF", ""},
		{"GET", "/v1/locations/" + l.ID + "/statements?from=0000-00-00&to=9999-12-31", ""},
		{"POST", "/v1/locations", `{"name":"x","service_address":null}`},
		{"POST", "/v1/locations", `[1,2,3]`},
		{"POST", "/v1/locations", `{"name":{"a":1}}`},
		{"POST", "/v1/locations", `{} {}`},
		{"POST", "/v1/locations", "\x00\xff"},
		{"PATCH", "/v1/locations/" + l.ID, `{"service_address":{"zip":[1]}}`},
		{"POST", "/v1/locations/" + l.ID + "/numbers", `{"type":"local","area_code":"415","failover":{"number":"+1"}}`},
		{"POST", "/v1/locations/" + l.ID + "/numbers", `{"type":"toll_free","number":"+18005550100","description":null}`},
		{"PATCH", "/v1/numbers/%2B14155550100", `{"failover":{"destination":"sip:x"},"e911_address":{"name":1}}`},
		{"PATCH", "/v1/numbers/%2B14155550100", `{"location_id":null,"sms_enabled":null}`},
		{"PATCH", "/v1/numbers/%2B14155550100", `null`},
		{"PATCH", "/v1/numbers/%2B14155550100", `{"a/b~c":1}`},
		{"DELETE", "/v1/numbers/%2B14155550101?force=maybe", ""},
		{"DELETE", "/v1/locations/" + l.ID, ""},
		{"POST", "/_emulator/port-outs", `{"numbers":["+14155550100","+14155550100"],"carrier_name":"X","foc_date":"2025-02-30"}`},
		{"POST", "/_emulator/port-outs/po_x/complete", `{}`},
		{"POST", "/_emulator/accounts", `{"name":""}`},
		{"PUT", "/v1/locations", ""},
		{"GET", "/v1/../v1/locations", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, s.body)
	}
	f.Fuzz(func(t *testing.T, method, target, body string) {
		// Faults would change every answer after them, and a clock advance
		// could issue centuries of statements: neither is about parsing
		// input, and TestValidation checks theirs.
		if strings.Contains(target, "/_emulator/faults") || strings.Contains(target, "/_emulator/clock") {
			t.Skip()
		}
		w := serve(method, target, body)
		if w == nil {
			t.Skip() // not a request Go's client could send
		}
		if w.Code >= 400 {
			var eb sipstation.ErrorBody
			if err := json.Unmarshal(w.Body.Bytes(), &eb); err != nil || len(eb.Errors) != 1 || eb.Errors[0].Code == "" || eb.Errors[0].Detail == "" {
				t.Errorf("%s %s %q: %d with body %q", method, target, body, w.Code, w.Body)
			}
		}
		if w.Code >= 500 && w.Code != http.StatusServiceUnavailable {
			t.Errorf("%s %s %q: %d %s", method, target, body, w.Code, w.Body)
		}
	})
}
