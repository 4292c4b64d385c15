// Command sipstation-emulator serves the SIPStation number-inventory API v1
// (the contract in shared/design/api.md) on a local port, in memory or on a
// durable SQLite file. See package internal/emulator.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
)

// seedAccountName is the account -seed creates once and finds again.
const seedAccountName = "demo"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sipstation-emulator:", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", "127.0.0.1:8787", "address to listen on")
	dbPath := flag.String("db", "", "SQLite file that keeps the data across restarts (default: in memory)")
	admin := flag.Bool("admin", false, "serve the /_emulator/ control routes")
	seed := flag.Bool("seed", false, "create (once) a demo account and print SIPSTATION_API_KEY=<key>")
	latency := flag.Duration("latency", 0, "latency added to every /v1 answer")
	rateLimit := flag.Float64("rate-limit", 0, fmt.Sprintf("requests per second per API key (0: %d; negative: off)", emulator.DefaultRateLimit))
	quiet := flag.Bool("quiet", false, "do not log requests")
	flag.Parse()

	logger := log.New(os.Stderr, "sipstation-emulator: ", log.LstdFlags)
	opts := emulator.Options{DBPath: *dbPath, Admin: *admin, Latency: *latency, RateLimit: *rateLimit}
	if !*quiet {
		opts.Logf = logger.Printf
	}
	srv, err := emulator.New(opts)
	if err != nil {
		return err
	}
	defer func() {
		if err := srv.Close(); err != nil {
			logger.Print(err)
		}
	}()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	// Machine-readable lines on stdout, so scripts can eval them.
	fmt.Printf("SIPSTATION_ENDPOINT=http://%s\n", ln.Addr())
	if *seed {
		acct, err := srv.EnsureAccount(seedAccountName)
		if err != nil {
			return errors.Join(fmt.Errorf("seed the demo account: %w", err), ln.Close())
		}
		fmt.Printf("SIPSTATION_API_KEY=%s\n", acct.APIKey)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	logger.Printf("serving on http://%s (admin routes: %v, database: %s)", ln.Addr(), *admin, dbName(*dbPath))

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Print("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

func dbName(path string) string {
	if path == "" {
		return "in memory"
	}
	return path
}
