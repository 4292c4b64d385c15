// Command sipstation-emulator serves the SIPStation number-inventory API v1
// (the contract in shared/design/api.md), and under /sipstation the
// account-key API FreePBX's module speaks, on a local port, in memory or on a
// durable SQLite file. See package internal/emulator.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
)

// seedAccountName is the account -seed creates once and finds again.
const seedAccountName = "demo"

// shutdownGrace is how long requests in flight may take to finish once a
// signal asked the emulator to stop.
const shutdownGrace = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sipstation-emulator:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends (SIGINT or SIGTERM in main), then shuts down
// gracefully. The lines scripts read (endpoint, API key) go to stdout, the
// request log to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sipstation-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8787", "address to listen on")
	dbPath := fs.String("db", "", "SQLite file that keeps the data across restarts (default: in memory)")
	admin := fs.Bool("admin", false, "serve the /_emulator/ control routes")
	seed := fs.Bool("seed", false, "create (once) a demo account and print SIPSTATION_API_KEY=<key>, SIPSTATION_TRUNK_ENDPOINT=<url> and SIPSTATION_ACCOUNT_KEY=<key>")
	latency := fs.Duration("latency", 0, "latency added to every /v1 and /sipstation answer")
	rateLimit := fs.Float64("rate-limit", 0, fmt.Sprintf("requests per second per API key (0: %d; negative: off, that is %d)", emulator.DefaultRateLimit, emulator.UnlimitedRate))
	quiet := fs.Bool("quiet", false, "do not log requests")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h: the usage is printed, nothing failed
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; every setting is a flag (see -h)", strings.Join(fs.Args(), " "))
	}
	if *latency < 0 {
		return fmt.Errorf("-latency %s is negative", *latency)
	}

	logger := log.New(stderr, "sipstation-emulator: ", log.LstdFlags)
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
	if _, err := fmt.Fprintf(stdout, "SIPSTATION_ENDPOINT=http://%s\n", ln.Addr()); err != nil {
		return errors.Join(fmt.Errorf("print the endpoint: %w", err), ln.Close())
	}
	if *seed {
		acct, err := srv.EnsureAccount(seedAccountName)
		if err != nil {
			return errors.Join(fmt.Errorf("seed the demo account: %w", err), ln.Close())
		}
		if _, err := fmt.Fprintf(stdout, "SIPSTATION_API_KEY=%s\n", acct.APIKey); err != nil {
			return errors.Join(fmt.Errorf("print the API key: %w", err), ln.Close())
		}
		// The same account on the account-key API, which the emulator
		// serves under /sipstation.
		if _, err := fmt.Fprintf(stdout, "SIPSTATION_TRUNK_ENDPOINT=http://%s/sipstation\nSIPSTATION_ACCOUNT_KEY=%s\n", ln.Addr(), acct.AccountKey); err != nil {
			return errors.Join(fmt.Errorf("print the account key: %w", err), ln.Close())
		}
	}

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
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
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
