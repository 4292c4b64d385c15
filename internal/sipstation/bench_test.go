package sipstation_test

import (
	"fmt"
	"testing"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/acctest"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// BenchmarkListNumbers walks the 1000 numbers of a location with the client
// against the emulator over loopback HTTP: ten pages of 100. Run it with
//
//	go test -run '^$' -bench ListNumbers -benchmem ./internal/sipstation
func BenchmarkListNumbers(b *testing.B) {
	env := acctest.New(b)
	env.RequireEmulator(b)
	c, err := sipstation.New(sipstation.Config{Endpoint: env.Endpoint, APIKey: env.APIKey})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	loc, err := c.CreateLocation(ctx, sipstation.LocationCreate{
		Name: "HQ", OrganizationName: "Acme", Email: "ops@acme.example",
		ServiceAddress: sipstation.Address{Street1: "1 Main St", City: "Austin", State: "TX", Zip: "78701"},
	})
	if err != nil {
		b.Fatal(err)
	}
	codes := []string{"206", "212", "213", "303", "305", "312", "404", "415", "512", "617"}
	for i := range 1000 {
		number := fmt.Sprintf("+1%s555%04d", codes[i/100], 100+i%100)
		if _, err := c.OrderNumber(ctx, loc.ID, sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: number}, ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		nums, err := c.ListNumbers(ctx, sipstation.NumberFilter{LocationID: loc.ID})
		if err != nil || len(nums) != 1000 {
			b.Fatalf("ListNumbers: %d numbers, %v", len(nums), err)
		}
	}
}
