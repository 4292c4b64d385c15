// Command bench-provider is the provider binary Terraform launches in the
// benchmark: the SIPStation provider (-provider sipstation), served as the
// repository's main.go serves it, or the benchmark's do-nothing provider
// (-provider noop), served as the framework serves any provider. Terraform
// launches it as it launches any provider (through dev_overrides), so the
// plan pays what a user's plan pays, reading the provider's logs included.
//
// When it stops, it writes its CPU time and peak RSS to
// $BENCH_STATS_DIR/stats-<pid>.json, and with $BENCH_CPU_PROFILE_DIR set it
// writes a pprof CPU profile there (cpu-<pid>.pprof). Not for users: build
// the provider from the repository root for that.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/bench"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/process"
	sipprovider "github.com/sipstation-community/terraform-provider-sipstation/internal/provider"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-provider:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 3 || os.Args[1] != "-provider" {
		return fmt.Errorf("usage: bench-provider -provider sipstation|noop")
	}
	var address string
	var server tfprotov6.ProviderServer
	switch os.Args[2] {
	case "sipstation":
		if err := process.Prepare(); err != nil {
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
		return fmt.Errorf("-provider %q: want sipstation or noop", os.Args[2])
	}
	if dir := os.Getenv("BENCH_CPU_PROFILE_DIR"); dir != "" {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
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
	// Serve returns when Terraform shuts the plugin down.
	err := tf6server.Serve(address, func() tfprotov6.ProviderServer { return server })
	if dir := os.Getenv("BENCH_STATS_DIR"); dir != "" {
		err = writeStats(filepath.Join(dir, fmt.Sprintf("stats-%d.json", os.Getpid())))
	}
	return err
}

// writeStats records this process's CPU time and peak RSS (Linux).
func writeStats(file string) error {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return fmt.Errorf("getrusage: %w", err)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return fmt.Errorf("read the peak RSS (Linux /proc only): %w", err)
	}
	var rss int64
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return fmt.Errorf("VmHWM %q: %w", v, err)
			}
			rss = kb << 10
		}
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	data, err := json.Marshal(bench.ProviderStats{CPU: cpu, PeakRSS: rss})
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}
