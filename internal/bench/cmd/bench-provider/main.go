// Command bench-provider serves the SIPStation provider (-provider
// sipstation) or the benchmark's do-nothing provider (-provider noop) as a
// debug server that Terraform attaches to through TF_REATTACH_PROVIDERS, so
// that the benchmark owns the provider process: it reads its CPU time and
// peak RSS, and -cpuprofile writes a pprof CPU profile when it stops
// (SIGINT or SIGTERM). Not for users: build the provider from the
// repository root for that.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/bench"
	sipprovider "github.com/sipstation-community/terraform-provider-sipstation/internal/provider"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-provider:", err)
		os.Exit(1)
	}
}

func run() error {
	which := flag.String("provider", "sipstation", "sipstation or noop")
	reattachFile := flag.String("reattach-file", "", "file to write the TF_REATTACH_PROVIDERS value to (required)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile here when stopped")
	memProfile := flag.String("memprofile", "", "write a heap profile (of what is still held, without a GC first) here when stopped")
	flag.Parse()
	if *reattachFile == "" {
		return errors.New("-reattach-file is required")
	}
	// The SIPStation provider is served as its main.go serves it; the
	// do-nothing one as the framework serves any provider, the floor.
	var address string
	var server tfprotov6.ProviderServer
	switch *which {
	case "sipstation":
		if err := sipprovider.QuietSDKLogsUnlessAsked(); err != nil {
			return err
		}
		s, err := sipprovider.ProtocolServer("bench")()
		if err != nil {
			return err
		}
		address, server = bench.SipstationAddress, s
	case "noop":
		address, server = bench.NoopAddress, providerserver.NewProtocol6(bench.NewNoop())()
	default:
		return fmt.Errorf("-provider %q: want sipstation or noop", *which)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
	}

	if *memProfile != "" {
		defer func() {
			if f, err := os.Create(*memProfile); err == nil {
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				_ = f.Close()
			}
		}()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- tf6server.Serve(address, func() tfprotov6.ProviderServer { return server },
			tf6server.WithDebug(ctx, reattach, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
	}()
	select {
	case rc := <-reattach:
		type addr struct{ Network, String string }
		cfg := map[string]any{address: map[string]any{
			"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": true,
			"Addr": addr{rc.Addr.Network(), rc.Addr.String()},
		}}
		data, err := json.Marshal(cfg)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*reattachFile, data, 0o600); err != nil {
			return err
		}
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	}
	<-closed
	return nil
}
