package provider

import (
	"context"
	"fmt"
	"iter"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// ProtocolServer is the provider as Terraform talks to it: the framework's
// protocol 6 server, with every request's context released when the
// request returns (or, for a streamed answer such as a list's results, when
// Terraform has read the stream).
//
// Why: terraform-plugin-framework (v1.19.0, internal/proto6server/serve.go,
// registerContext) keeps the cancel function of every request's context
// until Terraform calls StopProvider, which a plan never does. Each of those
// holds the request's whole context, with the loggers and log buffers
// terraform-plugin-go puts there: about 13 KB per call, four calls per
// resource, so a plan of 5,000 numbers kept some 260 MB live to the end and
// spent a good part of its CPU collecting garbage around it. The framework
// is given a context that forgets its parent once the call has returned, so
// what it keeps is a few words per call.
func ProtocolServer(version string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		s, err := providerserver.NewProtocol6WithError(New(version)())()
		if err != nil {
			return nil, err
		}
		fs, ok := s.(frameworkServer)
		if !ok {
			return nil, fmt.Errorf("the provider cannot serve: terraform-plugin-framework's server %T lacks the list resource, action or state store calls the provider passes on", s)
		}
		return releasingServer{fs}, nil
	}
}

// frameworkServer is every call terraform-plugin-framework's server answers.
// terraform-plugin-go (v0.31.0) finds list resources, actions and state
// stores by asserting interfaces beyond tfprotov6.ProviderServer
// (ProviderServerWithListResource and the like), so a wrapper that served
// only ProviderServer would hide them: `terraform query` would be told the
// provider has no list resources. TestReleasingServer_servesAllTheFrameworkServes
// fails when the framework's server gains a method this does not pass on.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// releasingServer passes every call on with a releasingContext.
type releasingServer struct{ next frameworkServer }

// call runs f with a context that lets go of ctx when f returns.
func call[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := holding(ctx)
	defer rc.release()
	return f(rc, req)
}

// callStream is call for the calls whose answer Terraform reads from an
// iterator after the call has returned (a list's results, an action's
// events, a state's chunks). The iterator runs in the call's context, so
// that context lets go of ctx only once the reader has drained or abandoned
// the iterator (terraform-plugin-go ranges over it until its own context
// is done), or at once when there is nothing to read.
func callStream[Req, Resp, T any](ctx context.Context, req Req, f func(context.Context, Req) (*Resp, error), stream func(*Resp) *iter.Seq[T]) (*Resp, error) {
	rc := holding(ctx)
	handedOver := false
	defer func() {
		if !handedOver {
			rc.release()
		}
	}()
	resp, err := f(rc, req)
	if err != nil || resp == nil || *stream(resp) == nil {
		return resp, err
	}
	seq := *stream(resp)
	*stream(resp) = func(yield func(T) bool) {
		defer rc.release()
		seq(yield)
	}
	handedOver = true
	return resp, nil
}

// holding returns a releasingContext that is ctx until released.
func holding(ctx context.Context) *releasingContext {
	rc := &releasingContext{}
	rc.parent.Store(&ctx)
	return rc
}

// releasingContext is its parent until released, then a cancelled context
// that holds no values.
type releasingContext struct {
	parent atomic.Pointer[context.Context]
}

// released is what a releasingContext becomes: the request is over.
var released = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

func (c *releasingContext) release() { c.parent.Store(&released) }

func (c *releasingContext) ctx() context.Context { return *c.parent.Load() }

func (c *releasingContext) Deadline() (deadline time.Time, ok bool) { return c.ctx().Deadline() }
func (c *releasingContext) Done() <-chan struct{}                   { return c.ctx().Done() }
func (c *releasingContext) Err() error                              { return c.ctx().Err() }
func (c *releasingContext) Value(key any) any                       { return c.ctx().Value(key) }

func (s releasingServer) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return call(ctx, req, s.next.GetMetadata)
}

func (s releasingServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return call(ctx, req, s.next.GetProviderSchema)
}

func (s releasingServer) GetResourceIdentitySchemas(ctx context.Context, req *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return call(ctx, req, s.next.GetResourceIdentitySchemas)
}

func (s releasingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return call(ctx, req, s.next.ValidateProviderConfig)
}

func (s releasingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return call(ctx, req, s.next.ConfigureProvider)
}

func (s releasingServer) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return call(ctx, req, s.next.StopProvider)
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, s.next.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, s.next.UpgradeResourceState)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return call(ctx, req, s.next.UpgradeResourceIdentity)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, s.next.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, s.next.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, s.next.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, s.next.ImportResourceState)
}

func (s releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return call(ctx, req, s.next.MoveResourceState)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, s.next.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, s.next.ReadDataSource)
}

func (s releasingServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return call(ctx, req, s.next.CallFunction)
}

func (s releasingServer) GetFunctions(ctx context.Context, req *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return call(ctx, req, s.next.GetFunctions)
}

func (s releasingServer) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return call(ctx, req, s.next.ValidateEphemeralResourceConfig)
}

func (s releasingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return call(ctx, req, s.next.OpenEphemeralResource)
}

func (s releasingServer) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return call(ctx, req, s.next.RenewEphemeralResource)
}

func (s releasingServer) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return call(ctx, req, s.next.CloseEphemeralResource)
}

func (s releasingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return call(ctx, req, s.next.GenerateResourceConfig)
}

func (s releasingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return call(ctx, req, s.next.ValidateListResourceConfig)
}

func (s releasingServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return callStream(ctx, req, s.next.ListResource, func(r *tfprotov6.ListResourceServerStream) *iter.Seq[tfprotov6.ListResourceResult] {
		return &r.Results
	})
}

func (s releasingServer) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return call(ctx, req, s.next.ValidateActionConfig)
}

func (s releasingServer) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return call(ctx, req, s.next.PlanAction)
}

func (s releasingServer) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	return callStream(ctx, req, s.next.InvokeAction, func(r *tfprotov6.InvokeActionServerStream) *iter.Seq[tfprotov6.InvokeActionEvent] {
		return &r.Events
	})
}

func (s releasingServer) ValidateStateStoreConfig(ctx context.Context, req *tfprotov6.ValidateStateStoreConfigRequest) (*tfprotov6.ValidateStateStoreConfigResponse, error) {
	return call(ctx, req, s.next.ValidateStateStoreConfig)
}

func (s releasingServer) ConfigureStateStore(ctx context.Context, req *tfprotov6.ConfigureStateStoreRequest) (*tfprotov6.ConfigureStateStoreResponse, error) {
	return call(ctx, req, s.next.ConfigureStateStore)
}

func (s releasingServer) ReadStateBytes(ctx context.Context, req *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	return callStream(ctx, req, s.next.ReadStateBytes, func(r *tfprotov6.ReadStateBytesStream) *iter.Seq[tfprotov6.ReadStateByteChunk] {
		return &r.Chunks
	})
}

// WriteStateBytes reads Terraform's chunks within the call, so call fits.
func (s releasingServer) WriteStateBytes(ctx context.Context, req *tfprotov6.WriteStateBytesStream) (*tfprotov6.WriteStateBytesResponse, error) {
	return call(ctx, req, s.next.WriteStateBytes)
}

func (s releasingServer) GetStates(ctx context.Context, req *tfprotov6.GetStatesRequest) (*tfprotov6.GetStatesResponse, error) {
	return call(ctx, req, s.next.GetStates)
}

func (s releasingServer) DeleteState(ctx context.Context, req *tfprotov6.DeleteStateRequest) (*tfprotov6.DeleteStateResponse, error) {
	return call(ctx, req, s.next.DeleteState)
}

func (s releasingServer) LockState(ctx context.Context, req *tfprotov6.LockStateRequest) (*tfprotov6.LockStateResponse, error) {
	return call(ctx, req, s.next.LockState)
}

func (s releasingServer) UnlockState(ctx context.Context, req *tfprotov6.UnlockStateRequest) (*tfprotov6.UnlockStateResponse, error) {
	return call(ctx, req, s.next.UnlockState)
}
