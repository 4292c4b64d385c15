package bench_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/bench"
)

// A smoke run of the benchmark: every case once at N = 20, a small apply and
// two small workspaces in parallel, so that `make bench` keeps working. The
// numbers it measures are not checked, only that each was measured and
// that nothing failed.
func TestSmoke(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs terraform: set TF_ACC=1 (make test does)")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no terraform: set TF_ACC_TERRAFORM_PATH")
		}
	}
	if out, err := exec.Command(tf, "version").Output(); err != nil || !strings.HasPrefix(string(out), "Terraform") {
		t.Skipf("%s is not Terraform (the benchmark measures Terraform): %s", tf, out)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	rep, err := bench.Run(t.Context(), bench.Options{
		Terraform: tf, Root: root, WorkDir: t.TempDir(), Log: &log,
		Sizes: []int{20}, ApplyDIDs: 10, Workspaces: 2, PerWorkload: 20, ProfileSize: 20,
	})
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, log.String())
	}
	if len(rep.Plans) != len(bench.Cases) {
		t.Fatalf("%d plans measured; want one per case: %+v", len(rep.Plans), rep.Plans)
	}
	for _, p := range rep.Plans {
		if p.Wall <= 0 || p.Changes {
			t.Errorf("plan (%s): wall %s, changes %v; want a plan of no change", p.Case.Letter, p.Wall, p.Changes)
		}
		if p.Case.Letter != "d" && (p.ProviderRSS <= 0 || p.ProviderCPU <= 0) {
			t.Errorf("plan (%s): provider peak RSS %d, CPU %s; want both measured", p.Case.Letter, p.ProviderRSS, p.ProviderCPU)
		}
		// Terraform's own CPU is its rusage less the providers' it reaped:
		// not above zero, the providers' were not in it.
		if p.TerraformCPU <= 0 {
			t.Errorf("plan (%s): terraform CPU %s; want Terraform's rusage to hold the providers' it reaped", p.Case.Letter, p.TerraformCPU)
		}
	}
	// By list: the key check and one list; a GET per number otherwise.
	// (429s are not executed, so they are left out.)
	for letter, want := range map[string]int64{"a": 2, "c": 2, "b": 21, "d": 0, "e": 0} {
		for _, p := range rep.Plans {
			if p.Case.Letter == letter && p.Requests-p.Limited != want {
				t.Errorf("plan (%s) cost %d requests (%d answered 429); want %d executed", letter, p.Requests, p.Limited, want)
			}
		}
	}
	if a := rep.Apply; a == nil || !a.OK || a.Surfaced != 0 {
		t.Errorf("apply: %+v; want a success with no 429 surfaced\n%s", a, log.String())
	}
	if len(rep.Parallel) != 2 || rep.Parallel[0].Failed+rep.Parallel[1].Failed != 0 {
		t.Errorf("parallel workspaces: %+v; want every plan to succeed", rep.Parallel)
	}
	if rep.Profile == "" {
		t.Errorf("no CPU profile summary\n%s", log.String())
	}
	md := rep.Markdown("")
	for _, want := range []string{"# Performance", "| 20 | (a)", "## Targets", "## Workspaces in parallel"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
