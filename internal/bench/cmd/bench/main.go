// Command bench runs the benchmark of package internal/bench, prints its
// table and writes the report (by default docs/performance.md). Run it
// from the repository root: make bench.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	tf := flag.String("terraform", "", "terraform CLI (default: terraform on PATH)")
	out := flag.String("out", "docs/performance.md", "report to write; empty: none")
	notes := flag.String("notes", "internal/bench/notes.md", "Markdown added under \"Where the time goes\"; empty: none")
	sizes := flag.String("sizes", "100,1000,5000", "numbers per plan, comma-separated")
	cases := flag.String("cases", "abcde", "plans to run per size (letters a..e)")
	apply := flag.Int("apply", 200, "new DIDs to apply with -parallelism=10; 0: skip")
	workspaces := flag.Int("workspaces", 4, "workspaces to plan in parallel on one key; 0: skip")
	perWorkspace := flag.Int("per-workspace", 500, "numbers per parallel workspace")
	profile := flag.Int("profile", 1000, "N whose zero-latency plan is CPU-profiled; 0: none")
	work := flag.String("work", "", "scratch directory (default: a new temporary one, removed after)")
	saveJSON := flag.String("json", "", "also save the measures here, as JSON")
	render := flag.String("render", "", "measure nothing: write the report from measures saved with -json")
	flag.Parse()

	if *render != "" {
		data, err := os.ReadFile(*render)
		if err != nil {
			return err
		}
		var rep bench.Report
		if err := json.Unmarshal(data, &rep); err != nil {
			return fmt.Errorf("-render %s: %w", *render, err)
		}
		return writeReport(&rep, *out, *notes)
	}

	o := bench.Options{Cases: *cases, ApplyDIDs: *apply, Workspaces: *workspaces, PerWorkload: *perWorkspace, ProfileSize: *profile}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a positive number", s)
		}
		o.Sizes = append(o.Sizes, n)
	}
	if *apply < 0 || *workspaces < 0 {
		return fmt.Errorf("-apply and -workspaces cannot be negative")
	}
	var err error
	if o.Terraform = *tf; o.Terraform == "" {
		if o.Terraform, err = exec.LookPath("terraform"); err != nil {
			return fmt.Errorf("no terraform on PATH; give -terraform: %w", err)
		}
	}
	if o.Root, err = os.Getwd(); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(o.Root, "go.mod")); err != nil {
		return fmt.Errorf("run from the repository root (no go.mod here): %w", err)
	}
	if o.WorkDir = *work; o.WorkDir == "" {
		if o.WorkDir, err = os.MkdirTemp("", "sipstation-bench-"); err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(o.WorkDir) }()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	rep, err := bench.Run(ctx, o)
	if err != nil {
		return err
	}
	fmt.Print(rep.Table())
	fmt.Println()
	fmt.Print(rep.Targets())
	fmt.Printf("took %s\n", time.Since(start).Round(time.Second))
	if *saveJSON != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*saveJSON, data, 0o644); err != nil {
			return err
		}
	}
	return writeReport(rep, *out, *notes)
}

func writeReport(rep *bench.Report, out, notes string) error {
	if out == "" {
		return nil
	}
	var extra []byte
	if notes != "" {
		var err error
		if extra, err = os.ReadFile(notes); err != nil {
			return fmt.Errorf("-notes: %w", err)
		}
	}
	return os.WriteFile(out, []byte(rep.Markdown(string(extra))), 0o644)
}
