package provider

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type ctxKey struct{}

// payload stands for what terraform-plugin-go puts in a request's context:
// loggers and their buffers.
type payload struct{ _ [1 << 16]byte }

// heldAfterCall reports whether the server still holds the context of a
// call once the call has returned, by a weak pointer to a value in it.
func heldAfterCall(t *testing.T, s tfprotov6.ProviderServer) bool {
	t.Helper()
	p := &payload{}
	ptr := weak.Make(p)
	func() {
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, p))
		defer cancel()
		if _, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
			t.Fatal(err)
		}
	}()
	p = nil
	runtime.GC()
	held := ptr.Value() != nil
	runtime.KeepAlive(s) // a server that is gone holds nothing
	return held
}

func TestProtocolServer_releasesRequestContexts(t *testing.T) {
	s, err := ProtocolServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	if heldAfterCall(t, s) {
		t.Fatal("the provider's server still holds a request's context after the call returned")
	}
	// The framework on its own keeps every request's context until
	// StopProvider; when a release stops doing so, releasingServer can go.
	raw, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	if !heldAfterCall(t, raw) {
		t.Log("terraform-plugin-framework no longer keeps request contexts: releasingServer is no longer needed")
	}
}

// captureServer keeps the context of the last call.
type captureServer struct {
	tfprotov6.ProviderServer
	ctx    context.Context
	during error
	value  any
}

func (c *captureServer) ReadResource(ctx context.Context, _ *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	c.ctx, c.during, c.value = ctx, ctx.Err(), ctx.Value(ctxKey{})
	return &tfprotov6.ReadResourceResponse{}, nil
}

func TestReleasingContext(t *testing.T) {
	c := &captureServer{}
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "request"))
	defer cancel()
	if _, err := (releasingServer{c}).ReadResource(ctx, &tfprotov6.ReadResourceRequest{}); err != nil {
		t.Fatal(err)
	}
	if c.during != nil || c.value != "request" {
		t.Fatalf("during the call: err %v, value %v; want the request's context", c.during, c.value)
	}
	if v := c.ctx.Value(ctxKey{}); v != nil {
		t.Fatalf("after the call the context still gives the request's value %v", v)
	}
	if !errors.Is(c.ctx.Err(), context.Canceled) {
		t.Fatalf("after the call Err() = %v, want context.Canceled: the request is over", c.ctx.Err())
	}
	select {
	case <-c.ctx.Done():
	default:
		t.Fatal("after the call Done() is not closed")
	}
}

func TestReleasingContext_cancelledRequest(t *testing.T) {
	c := &captureServer{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (releasingServer{c}).ReadResource(ctx, &tfprotov6.ReadResourceRequest{}); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(c.during, context.Canceled) {
		t.Fatalf("a cancelled request's context gave Err() = %v during the call", c.during)
	}
}
