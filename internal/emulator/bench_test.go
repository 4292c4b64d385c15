package emulator_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
)

// BenchmarkListNumbers is the emulator's hot path: GET /v1/numbers of a
// location holding 1000 numbers, one page of 1000, served in-process (no
// network). Run it with
//
//	go test -run '^$' -bench ListNumbers -benchmem ./internal/emulator
func BenchmarkListNumbers(b *testing.B) {
	srv, err := emulator.New(emulator.Options{RateLimit: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := srv.Close(); err != nil {
			b.Error(err)
		}
	})
	acct, err := srv.CreateAccount("bench")
	if err != nil {
		b.Fatal(err)
	}
	serve := func(method, target, body string, want int) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+acct.APIKey)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != want {
			b.Fatalf("%s %s: %d %s", method, target, w.Code, w.Body)
		}
		return w
	}
	loc := serve(http.MethodPost, "/v1/locations", `{"name":"HQ","organization_name":"Acme","email":"a@acme.example","service_address":{"street1":"1 Main St","city":"Austin","state":"TX","zip":"78701"}}`, http.StatusCreated)
	locID := strings.Split(strings.Split(loc.Body.String(), `"id":"`)[1], `"`)[0]
	codes := []string{"206", "212", "213", "303", "305", "312", "404", "415", "512", "617"}
	for i := range 1000 {
		number := fmt.Sprintf("+1%s555%04d", codes[i/100], 100+i%100)
		serve(http.MethodPost, "/v1/locations/"+locID+"/numbers", `{"type":"local","number":"`+number+`"}`, http.StatusCreated)
	}
	target := "/v1/numbers?location_id=" + locID + "&page[size]=1000"
	if w := serve(http.MethodGet, target, "", http.StatusOK); !strings.Contains(w.Body.String(), `"total_results":1000`) {
		b.Fatalf("list: %.200s", w.Body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		serve(http.MethodGet, target, "", http.StatusOK)
	}
}
