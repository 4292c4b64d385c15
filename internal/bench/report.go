package bench

import (
	"fmt"
	"math"
	"strings"
	"time"
)

func secs(d time.Duration) string { return fmt.Sprintf("%.1f", d.Seconds()) }

// find returns the plan of size n and case letter, nil when not run.
func (r *Report) find(n int, letter string) *Plan {
	for i := range r.Plans {
		if r.Plans[i].N == n && r.Plans[i].Case.Letter == letter {
			return &r.Plans[i]
		}
	}
	return nil
}

// Table is the plan table, in Markdown.
func (r *Report) Table() string {
	var b strings.Builder
	b.WriteString("| N | case | wall (s) | requests | answered 429 | provider CPU (s) | provider peak RSS (MB) | terraform CPU (s) |\n")
	b.WriteString("|---:|---|---:|---:|---:|---:|---:|---:|\n")
	for _, p := range r.Plans {
		cpu, rss, reqs := "–", "–", "–"
		if p.Case.Letter != "d" {
			cpu, rss = secs(p.ProviderCPU), fmt.Sprintf("%d", p.ProviderRSS>>20)
		}
		if p.Case.Letter <= "c" {
			reqs = fmt.Sprint(p.Requests)
		}
		name := p.Case.Name
		if p.Runs > 1 {
			name += fmt.Sprintf(" (median of %d)", p.Runs)
		}
		if p.Changes {
			name += " (plan proposed changes)"
		}
		fmt.Fprintf(&b, "| %d | (%s) %s | %s | %s | %d | %s | %s | %s |\n",
			p.N, p.Case.Letter, name, secs(p.Wall), reqs, p.Limited, cpu, rss, secs(p.TerraformCPU))
	}
	return b.String()
}

// Targets checks the targets against what was measured.
func (r *Report) Targets() string {
	var b strings.Builder
	check := func(ok bool, format string, args ...any) {
		mark := "met"
		if !ok {
			mark = "**not met**"
		}
		fmt.Fprintf(&b, "- %s: "+format+"\n", append([]any{mark}, args...)...)
	}
	ratio := func(x, y *Plan) float64 { return x.Wall.Seconds() / y.Wall.Seconds() }
	if a, c, e := r.find(1000, "a"), r.find(1000, "c"), r.find(1000, "e"); a != nil && c != nil && e != nil {
		check(ratio(a, c) <= 1.2, "N = 1,000: (a) within 1.2× of (c): %.2f×", ratio(a, c))
		check(ratio(c, e) <= 1.5, "N = 1,000: (c) within 1.5× of (e): %.2f×", ratio(c, e))
		limit := int64(math.Ceil(1000.0/1000)) + 2
		check(a.Requests <= limit, "N = 1,000: the refresh of one location at most ceil(N/1000) + 2 = %d requests: %d (the key check and one list page)", limit, a.Requests)
	}
	if a, c := r.find(5000, "a"), r.find(5000, "c"); a != nil && c != nil {
		check(a.ProviderRSS < 150<<20, "N = 5,000: the provider's peak RSS under 150 MB: %d MB", a.ProviderRSS>>20)
		check(ratio(a, c) <= 1.2, "N = 5,000: (a) within 1.2× of (c): %.2f×", ratio(a, c))
	}
	if a := r.Apply; a != nil {
		share := float64(a.Limited) / math.Max(1, float64(a.Requests))
		check(a.OK && a.Surfaced == 0 && share < 0.05, "%d new DIDs at -parallelism=%d: the apply succeeded (%v), no 429 reached the user (%d), %.1f%% of %d requests answered 429 (under 5%%)",
			a.DIDs, a.Parallelism, a.OK, a.Surfaced, 100*share, a.Requests)
	}
	for _, p := range r.Parallel {
		check(p.Failed == 0, "%d workspaces of %d numbers planned in parallel on one key (refresh by list %v): every plan succeeded (%d failed)", p.Workspaces, p.PerWorkspace, p.RefreshByList, p.Failed)
	}
	return b.String()
}

// Markdown is the whole report, for docs/performance.md.
func (r *Report) Markdown(profileNotes string) string {
	var b strings.Builder
	o := r.Options
	b.WriteString("# Performance\n\n")
	b.WriteString("This page is written by `make bench` (internal/bench); do not edit it by hand. It measures `terraform plan` over one location of N numbers against the bundled emulator, with Terraform launching the providers as it launches any (a benchmark build of each, through `dev_overrides`); every provider process writes its CPU time and peak RSS when it stops, so `provider CPU` is the providers' own and `terraform CPU` Terraform's without them.\n\n")
	fmt.Fprintf(&b, "Run %s, %s, %d CPUs, load average %s at the start and %s at the end (a machine shared with other work: walls are indicative, ratios within one run are what counts); the whole run took %s.\n\n",
		r.Started.Format("2006-01-02 15:04 MST"), r.Terraform, r.CPUs, r.LoadStart, r.LoadEnd, r.Took.Round(time.Second))
	fmt.Fprintf(&b, "Cases (a) and (b) add %s of latency to every answer and limit the key to %g requests per second; (c) has neither. (d) is N `terraform_data` (no provider at all) and (e) a framework provider whose resource has six attributes and a Read that does nothing: the floors. Every plan refreshes a state of N numbers and proposes no change; `requests` counts what the emulator received during the plan, the provider's key check included.\n\n",
		o.Latency, o.Rate)
	b.WriteString("## Plans\n\n")
	b.WriteString(r.Table())
	b.WriteString("\n## Targets\n\n")
	b.WriteString(r.Targets())
	if a := r.Apply; a != nil {
		b.WriteString("\n## Applying new numbers\n\n")
		fmt.Fprintf(&b, "`terraform apply -parallelism=%d` of %d new DIDs (ordered by number) at %s and %g requests/s: %s s, %d requests, %d answered 429 and retried, %d surfaced to the user; the apply %s.\n",
			a.Parallelism, a.DIDs, o.Latency, o.Rate, secs(a.Wall), a.Requests, a.Limited, a.Surfaced, map[bool]string{true: "succeeded", false: "**failed**"}[a.OK])
	}
	if len(r.Parallel) > 0 {
		b.WriteString("\n## Workspaces in parallel on one key\n\n")
		fmt.Fprintf(&b, "One workspace per location, each of %d numbers, planned at the same time with one API key limited to %g requests/s (and %s latency):\n\n", r.Parallel[0].PerWorkspace, o.Rate, o.Latency)
		b.WriteString("| refresh | workspaces | slowest plan (s) | each plan (s) | requests | answered 429 | failed |\n|---|---:|---:|---:|---:|---:|---:|\n")
		for _, p := range r.Parallel {
			mode := "by list (default)"
			if !p.RefreshByList {
				mode = "a GET per number (`refresh_by_list = false`)"
			}
			var slowest time.Duration
			var each []string
			for _, w := range p.Walls {
				slowest = max(slowest, w)
				each = append(each, secs(w))
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %d | %d | %d |\n", mode, p.Workspaces, secs(slowest), strings.Join(each, ", "), p.Requests, p.Limited, p.Failed)
		}
		b.WriteString("\nThe key's limit is shared by every workspace using it: by list, each plan needs a handful of requests and the limit does not show; with a request per number, the workspaces together get the limit of one, so each plan takes about as long as all of them would one after the other. The provider paces itself to the limit the API announces and halves its pace when a 429 says the key is busier than its own requests make it; a 429 never fails a plan.\n")
	}
	if profileNotes != "" || r.Profile != "" {
		b.WriteString("\n## Where the time goes\n\n")
		b.WriteString(profileNotes)
		if r.Profile != "" {
			fmt.Fprintf(&b, "\nThe provider's CPU profile of plan (c) at N = %d (`go tool pprof -top -cum`: the calls that hold the most time, with what they call):\n\n```text\n%s```\n", o.ProfileSize, r.Profile)
		}
	}
	b.WriteString("\nRun it yourself with `make bench` (about a quarter of an hour; `go run ./internal/bench/cmd/bench -h` for its flags).\n")
	return b.String()
}
