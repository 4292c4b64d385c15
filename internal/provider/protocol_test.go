package provider

import (
	"context"
	"errors"
	"iter"
	"reflect"
	"runtime"
	"strings"
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

// TestReleasingServer_servesAllTheFrameworkServes: terraform-plugin-go finds
// the optional calls (list resources, actions, state stores, and whatever a
// later release adds) by asserting interfaces on the server it is given, and
// answers "not implemented" when the assertion fails. releasingServer
// satisfies every interface the framework's server satisfies exactly when it
// has each of that server's methods with the same signature; comparing the
// method sets needs no list of interfaces that could fall behind.
func TestReleasingServer_servesAllTheFrameworkServes(t *testing.T) {
	raw, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	framework := reflect.TypeOf(raw)
	if _, ok := framework.MethodByName("ListResource"); !ok {
		t.Fatalf("the framework's server %v has no ListResource: is this still the server list resources need?", framework)
	}
	wrapper := reflect.TypeFor[releasingServer]()
	for i := range framework.NumMethod() {
		want := framework.Method(i)
		got, ok := wrapper.MethodByName(want.Name)
		if !ok {
			t.Errorf("the framework's server answers %s and releasingServer does not pass it on: Terraform would be told the provider lacks it", want.Name)
			continue
		}
		if w, g := signature(want.Type), signature(got.Type); w != g {
			t.Errorf("%s: the framework's server has %s, releasingServer %s", want.Name, w, g)
		}
	}
}

// signature is a method's type without its receiver.
func signature(method reflect.Type) string {
	in := make([]string, 0, method.NumIn()-1)
	for i := 1; i < method.NumIn(); i++ {
		in = append(in, method.In(i).String())
	}
	out := make([]string, 0, method.NumOut())
	for i := range method.NumOut() {
		out = append(out, method.Out(i).String())
	}
	return "func(" + strings.Join(in, ", ") + ") (" + strings.Join(out, ", ") + ")"
}

// streamServer answers the streamed calls with two results each, noting
// what the call's context gives as each result is read.
type streamServer struct {
	frameworkServer
	fail error // when set, the calls answer this error and no stream
	ctx  context.Context
	seen []any // ctx.Value(ctxKey{}) as each result was read
}

func twoResults[T any](s *streamServer, ctx context.Context) iter.Seq[T] {
	s.ctx = ctx
	return func(yield func(T) bool) {
		for range 2 {
			s.seen = append(s.seen, ctx.Value(ctxKey{}))
			var result T
			if !yield(result) {
				return
			}
		}
	}
}

func (s *streamServer) ListResource(ctx context.Context, _ *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	if s.fail != nil {
		s.ctx = ctx
		return nil, s.fail
	}
	return &tfprotov6.ListResourceServerStream{Results: twoResults[tfprotov6.ListResourceResult](s, ctx)}, nil
}

func (s *streamServer) InvokeAction(ctx context.Context, _ *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	if s.fail != nil {
		s.ctx = ctx
		return nil, s.fail
	}
	return &tfprotov6.InvokeActionServerStream{Events: twoResults[tfprotov6.InvokeActionEvent](s, ctx)}, nil
}

func (s *streamServer) ReadStateBytes(ctx context.Context, _ *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	if s.fail != nil {
		s.ctx = ctx
		return nil, s.fail
	}
	return &tfprotov6.ReadStateBytesStream{Chunks: twoResults[tfprotov6.ReadStateByteChunk](s, ctx)}, nil
}

// count is how many results a reader takes from a stream.
func count[T any](seq iter.Seq[T], limit int) int {
	n := 0
	for range seq {
		if n++; n == limit {
			break
		}
	}
	return n
}

// The results of a list (and an action's events, a state's chunks) are read
// after the call has returned: their context must hold until they are read,
// and let go once the reader is done with them.
func TestReleasingServer_streamsHoldTheirContextUntilRead(t *testing.T) {
	streams := map[string]func(context.Context, releasingServer, int) (int, error){
		"ListResource": func(ctx context.Context, s releasingServer, limit int) (int, error) {
			r, err := s.ListResource(ctx, &tfprotov6.ListResourceRequest{})
			if err != nil {
				return 0, err
			}
			return count(r.Results, limit), nil
		},
		"InvokeAction": func(ctx context.Context, s releasingServer, limit int) (int, error) {
			r, err := s.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{})
			if err != nil {
				return 0, err
			}
			return count(r.Events, limit), nil
		},
		"ReadStateBytes": func(ctx context.Context, s releasingServer, limit int) (int, error) {
			r, err := s.ReadStateBytes(ctx, &tfprotov6.ReadStateBytesRequest{})
			if err != nil {
				return 0, err
			}
			return count(r.Chunks, limit), nil
		},
	}
	for name, read := range streams {
		for _, tc := range []struct {
			how   string
			limit int
		}{{"drained", 3}, {"abandoned after one result", 1}} {
			t.Run(name+" "+tc.how, func(t *testing.T) {
				s := &streamServer{}
				ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "request"))
				defer cancel()
				n, err := read(ctx, releasingServer{s}, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				if want := min(tc.limit, 2); n != want || len(s.seen) != want {
					t.Fatalf("read %d results (the server saw %d), want %d", n, len(s.seen), want)
				}
				for i, v := range s.seen {
					if v != "request" {
						t.Fatalf("result %d was read with the context giving %v, want the request's value: the context was let go before the stream was read", i, v)
					}
				}
				if v := s.ctx.Value(ctxKey{}); v != nil {
					t.Fatalf("once the stream was read the context still gives the request's value %v", v)
				}
				if !errors.Is(s.ctx.Err(), context.Canceled) {
					t.Fatalf("once the stream was read Err() = %v, want context.Canceled", s.ctx.Err())
				}
			})
		}
		t.Run(name+" failed", func(t *testing.T) {
			s := &streamServer{fail: errors.New("no stream")}
			ctx := context.WithValue(context.Background(), ctxKey{}, "request")
			if _, err := read(ctx, releasingServer{s}, 3); !errors.Is(err, s.fail) {
				t.Fatalf("err = %v, want the server's %v", err, s.fail)
			}
			if v := s.ctx.Value(ctxKey{}); v != nil {
				t.Fatalf("a call that answered no stream still holds its context (value %v)", v)
			}
		})
	}
}

// captureServer keeps the context of the last call.
type captureServer struct {
	frameworkServer
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
