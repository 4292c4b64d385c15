// Package bench measures terraform plan over many numbers: this provider
// against the bundled emulator at a realistic latency and rate limit, with
// and without its refresh by list, against the floors of N terraform_data
// and of a framework provider that does nothing. It builds its states
// directly (numbers ordered through the API, the state file written), runs
// the real terraform, which launches the providers as it launches any
// (cmd/bench-provider, through dev_overrides); each provider process writes
// its CPU time and peak RSS when it stops, and can be profiled. `make bench`
// runs it through cmd/bench.
package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/emulator"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// SipstationAddress is where Terraform finds this provider.
const SipstationAddress = "registry.terraform.io/sipstation-community/sipstation"

// Options of a run. The zero value of a field is its default.
type Options struct {
	Terraform string // path of the terraform CLI (required)
	Root      string // the repository, to build the binaries from (required)
	WorkDir   string // scratch space (required); left in place

	Sizes       []int         // numbers per plan: 100, 1000, 5000
	Latency     time.Duration // of the realistic cases: 50ms
	Rate        float64       // requests per second per key: 20
	ApplyDIDs   int           // new DIDs applied with -parallelism=10; 0: none
	Workspaces  int           // planned in parallel on one key; 0: none
	PerWorkload int           // numbers per parallel workspace: 500
	// ProfileSize is the N whose zero-latency plan (c) runs under a CPU
	// profile, written to WorkDir/profile/ (one file per provider process,
	// merged in the report); 0: none.
	ProfileSize int
	// Cases limits the plans run per size to these letters (a..e); all
	// when empty.
	Cases string
	Log   io.Writer `json:"-"` // progress; os.Stderr when nil
}

func (o *Options) defaults() {
	if len(o.Sizes) == 0 {
		o.Sizes = []int{100, 1000, 5000}
	}
	if o.Latency == 0 {
		o.Latency = 50 * time.Millisecond
	}
	if o.Rate == 0 {
		o.Rate = 20
	}
	if o.PerWorkload == 0 {
		o.PerWorkload = 500
	}
	if o.Cases == "" {
		o.Cases = "abcde"
	}
	if o.Log == nil {
		o.Log = os.Stderr
	}
}

// Case is one kind of plan.
type Case struct {
	Letter, Name string
}

// Cases, in the order of the issue that asked for them.
var Cases = []Case{
	{"a", "sipstation, 50 ms and 20 req/s, refresh by list"},
	{"b", "sipstation, 50 ms and 20 req/s, a GET per number"},
	{"c", "sipstation, no latency, no limit"},
	{"d", "terraform_data (no provider)"},
	{"e", "do-nothing framework provider"},
}

// Plan is the measure of one terraform plan.
type Plan struct {
	N        int
	Case     Case
	Wall     time.Duration
	Requests int64 // the emulator received during the plan
	Limited  int64 // of them answered 429
	// TerraformCPU and ProviderCPU are user+system time of the terraform
	// process and of the provider process (0 for terraform_data).
	TerraformCPU, ProviderCPU time.Duration
	ProviderRSS               int64 // peak resident set of the provider process, bytes
	Changes                   bool  // the plan proposed changes (it should not)
	Runs                      int   // of which this is the median; 0 or 1: one
}

// Apply is the measure of the apply of new DIDs.
type Apply struct {
	DIDs, Parallelism int
	Wall              time.Duration
	Requests, Limited int64
	Surfaced          int // 429s in Terraform's output: errors a user saw
	OK                bool
}

// Parallel is the measure of workspaces planned at once on one key.
type Parallel struct {
	Workspaces, PerWorkspace int
	RefreshByList            bool
	Walls                    []time.Duration
	Requests, Limited        int64
	Failed                   int
}

// Report is everything a run measured.
type Report struct {
	Options   Options
	Started   time.Time
	Took      time.Duration
	Terraform string // its version line
	LoadStart string // /proc/loadavg
	LoadEnd   string
	CPUs      int
	Plans     []Plan
	Apply     *Apply
	Parallel  []Parallel
	Profile   string // go tool pprof -top of the profiled plan, when any
}

// env is a run in progress.
type env struct {
	o        Options
	bin      string // directory of built binaries
	endpoint string
	srv      *emulator.Server
	hs       *http.Server
	key      string
	tfrc     string // CLI config with dev_overrides for the built provider
}

// Run measures everything Options asks for.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.defaults()
	if o.Terraform == "" || o.Root == "" || o.WorkDir == "" {
		return nil, errors.New("bench: Terraform, Root and WorkDir are required")
	}
	rep := &Report{Options: o, Started: time.Now().UTC(), LoadStart: loadavg(), CPUs: runtime.NumCPU()}
	e := &env{o: o, bin: filepath.Join(o.WorkDir, "bin")}
	if err := e.build(ctx); err != nil {
		return nil, err
	}
	if err := e.startEmulator(); err != nil {
		return nil, err
	}
	defer e.stop()
	out, err := exec.CommandContext(ctx, o.Terraform, "version").Output()
	if err != nil {
		return nil, fmt.Errorf("terraform version: %w", err)
	}
	rep.Terraform = strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]

	for _, n := range o.Sizes {
		loc, nums, err := e.location(ctx, n)
		if err != nil {
			return nil, err
		}
		for _, c := range Cases {
			if !strings.Contains(o.Cases, c.Letter) {
				continue
			}
			p, err := e.medianPlan(ctx, c, loc, nums)
			if err != nil {
				return nil, fmt.Errorf("plan of %d numbers, case (%s): %w", n, c.Letter, err)
			}
			e.logf("N=%d (%s) %s: %s, %d requests, %d answered 429, provider CPU %s, peak RSS %d MB",
				n, c.Letter, c.Name, p.Wall.Round(10*time.Millisecond), p.Requests, p.Limited, p.ProviderCPU.Round(10*time.Millisecond), p.ProviderRSS>>20)
			rep.Plans = append(rep.Plans, *p)
		}
	}
	if o.ProfileSize > 0 {
		if top, err := e.pprofTop(ctx); err != nil {
			e.logf("profile: %v", err)
		} else {
			rep.Profile = top
		}
	}
	if o.ApplyDIDs > 0 {
		a, err := e.apply(ctx)
		if err != nil {
			return nil, err
		}
		rep.Apply = a
	}
	if o.Workspaces > 0 {
		locs := make([]parallelLocation, o.Workspaces)
		for i := range locs {
			if locs[i].id, locs[i].nums, err = e.location(ctx, o.PerWorkload); err != nil {
				return nil, err
			}
		}
		for _, byList := range []bool{true, false} {
			p, err := e.parallel(ctx, byList, locs)
			if err != nil {
				return nil, err
			}
			rep.Parallel = append(rep.Parallel, *p)
		}
	}
	rep.Took = time.Since(rep.Started)
	rep.LoadEnd = loadavg()
	return rep, nil
}

func (e *env) logf(format string, args ...any) {
	_, _ = fmt.Fprintf(e.o.Log, "bench: "+format+"\n", args...)
}

// build compiles the bench provider and writes the CLI config that makes
// Terraform launch it for both providers of the benchmark, through a
// wrapper script per provider.
func (e *env) build(ctx context.Context) error {
	if err := os.MkdirAll(e.bin, 0o755); err != nil {
		return err
	}
	binary := filepath.Join(e.bin, "bench-provider")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", binary, "./internal/bench/cmd/bench-provider")
	cmd.Dir = e.o.Root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build the bench provider: %w\n%s", err, out)
	}
	for _, which := range []string{"sipstation", "noop"} {
		script := fmt.Sprintf("#!/bin/sh\nexec %q -provider %s\n", binary, which)
		if err := os.WriteFile(filepath.Join(e.bin, "terraform-provider-"+which), []byte(script), 0o755); err != nil {
			return err
		}
	}
	e.tfrc = filepath.Join(e.o.WorkDir, "dev.tfrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		"sipstation-community/sipstation", e.bin, "bench/noop", e.bin)
	return os.WriteFile(e.tfrc, []byte(rc), 0o644)
}

func (e *env) startEmulator() error {
	srv, err := emulator.New(emulator.Options{Admin: true, RateLimit: -1})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return errors.Join(err, srv.Close())
	}
	e.srv, e.endpoint = srv, "http://"+ln.Addr().String()
	e.hs = &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.hs.Serve(ln) }()
	var acct emulator.Account
	if err := e.call(http.MethodPost, "/_emulator/accounts", "", map[string]string{"name": "bench"}, &acct); err != nil {
		return err
	}
	e.key = acct.APIKey
	return nil
}

func (e *env) stop() {
	_ = e.hs.Close()
	_ = e.srv.Close()
}

// call sends one request to the emulator; a non-2xx answer is an error.
func (e *env) call(method, path, key string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.endpoint+path, rd)
	if err != nil {
		return err
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(data))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// setFaults sets the latency and rate limit in force (0, 0: none).
func (e *env) setFaults(latency time.Duration, rate float64) error {
	return e.call(http.MethodPost, "/_emulator/faults", "", emulator.Faults{LatencyMS: int(latency / time.Millisecond), RateLimitPerS: rate}, nil)
}

func (e *env) metrics() (emulator.Metrics, error) {
	var m emulator.Metrics
	err := e.call(http.MethodGet, "/_emulator/metrics", "", nil, &m)
	return m, err
}

// apiRequests counts the /v1 requests of m: the API's, not the benchmark's
// own calls to the emulator's control routes.
func apiRequests(m emulator.Metrics) int64 {
	var n int64
	for route, rm := range m.Routes {
		if strings.Contains(route, " /v1/") || strings.HasSuffix(route, " /v1") {
			n += rm.Count
		}
	}
	return n
}

// location creates a location holding n numbers, ordered through the API
// with no latency and no limit, and returns them.
func (e *env) location(ctx context.Context, n int) (string, []sipstation.Number, error) {
	if err := e.setFaults(0, 0); err != nil {
		return "", nil, err
	}
	var loc sipstation.Location
	err := e.call(http.MethodPost, "/v1/locations", e.key, sipstation.LocationCreate{
		Name: fmt.Sprintf("Bench %d", n), OrganizationName: "Bench LLC", Email: "bench@example.com",
		ServiceAddress: sipstation.Address{Street1: "1 Main St", City: "San Francisco", State: "CA", Zip: "94105"},
	}, &loc)
	if err != nil {
		return "", nil, err
	}
	free, err := e.free(n)
	if err != nil {
		return "", nil, err
	}
	nums := make([]sipstation.Number, len(free))
	errs := make([]error, len(free))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				errs[i] = e.call(http.MethodPost, "/v1/locations/"+loc.ID+"/numbers", e.key,
					sipstation.NumberOrder{Type: sipstation.TypeLocal, Number: free[i]}, &nums[i])
			}
		})
	}
	for i := range free {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errors.Join(errs...), ctx.Err()); err != nil {
		return "", nil, err
	}
	return loc.ID, nums, nil
}

// free returns n numbers free to order, asking area code by area code
// (an available-numbers answer holds at most 100 of one area code).
func (e *env) free(n int) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for ac := 200; ac <= 999 && len(out) < n; ac++ {
		code := strconv.Itoa(ac)
		var page struct {
			Data []sipstation.AvailableNumber `json:"data"`
		}
		if err := e.call(http.MethodGet, "/v1/available-numbers?type=local&limit=100&area_code="+code, e.key, nil, &page); err != nil {
			return nil, err
		}
		for _, a := range page.Data {
			if !seen[a.Number] && len(out) < n {
				seen[a.Number] = true
				out = append(out, a.Number)
			}
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("the emulator has only %d free numbers, want %d", len(out), n)
	}
	return out, nil
}

// workspace writes a configuration and state of the numbers for case c.
func (e *env) workspace(dir string, c Case, loc string, nums []sipstation.Number, byList bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	list := make([]string, len(nums))
	for i, n := range nums {
		list[i] = n.Number
	}
	data, err := json.Marshal(list)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "numbers.json"), data, 0o644); err != nil {
		return err
	}
	var cfg string
	var res stateResource
	switch c.Letter {
	case "d":
		cfg = "resource \"terraform_data\" \"n\" {\n  count = " + strconv.Itoa(len(nums)) + "\n}\n"
		res = stateResource{Mode: "managed", Type: "terraform_data", Name: "n", Provider: `provider["terraform.io/builtin/terraform"]`}
		for i, n := range nums {
			res.Instances = append(res.Instances, stateInstance{IndexKey: i, Attributes: map[string]any{
				"id": "bench-" + n.Number, "input": nil, "output": nil, "triggers_replace": nil,
			}})
		}
	case "e":
		cfg = `terraform {
  required_providers {
    noop = { source = "bench/noop" }
  }
}

locals { numbers = jsondecode(file("${path.module}/numbers.json")) }

resource "noop_number" "n" {
  count          = length(local.numbers)
  id             = local.numbers[count.index]
  location_id    = "` + loc + `"
  number         = local.numbers[count.index]
  description    = ""
  status         = "active"
  billing_active = true
}
`
		res = stateResource{Mode: "managed", Type: "noop_number", Name: "n", Provider: `provider["` + NoopAddress + `"]`}
		for i, n := range nums {
			res.Instances = append(res.Instances, stateInstance{IndexKey: i, Attributes: map[string]any{
				"id": n.Number, "location_id": loc, "number": n.Number, "description": "", "status": "active", "billing_active": true,
			}})
		}
	default:
		cfg = fmt.Sprintf(`terraform {
  required_providers {
    sipstation = { source = "sipstation-community/sipstation" }
  }
}

provider "sipstation" {
  endpoint        = %q
  api_key         = %q
  refresh_by_list = %t
}

locals { numbers = jsondecode(file("${path.module}/numbers.json")) }

resource "sipstation_did" "n" {
  count       = length(local.numbers)
  location_id = %q
  number      = local.numbers[count.index]
}
`, e.endpoint, e.key, byList, loc)
		res = stateResource{Mode: "managed", Type: "sipstation_did", Name: "n", Provider: `provider["` + SipstationAddress + `"]`}
		for i, n := range nums {
			res.Instances = append(res.Instances, stateInstance{IndexKey: i, Attributes: didAttributes(n)})
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o644); err != nil {
		return err
	}
	return writeState(filepath.Join(dir, "terraform.tfstate"), res)
}

// didAttributes is a sipstation_did as its Read would store it.
func didAttributes(n sipstation.Number) map[string]any {
	return map[string]any{
		"id": n.Number, "number": n.Number, "location_id": n.LocationID, "area_code": nil,
		"description": n.Description, "failover": nil, "e911_address": nil, "sms_enabled": false,
		"status": n.Status, "billing_active": n.Billing.Active, "monthly_rate": n.Billing.MonthlyRate,
		"activated_at": n.ActivatedAt.UTC().Format(time.RFC3339), "port_out_pending": false, "port_out": nil,
		"early_port_out_fee": nil, "timeouts": nil,
	}
}

type stateResource struct {
	Mode      string          `json:"mode"`
	Type      string          `json:"type"`
	Name      string          `json:"name"`
	Provider  string          `json:"provider"`
	Instances []stateInstance `json:"instances"`
}

type stateInstance struct {
	IndexKey            int            `json:"index_key"`
	SchemaVersion       int            `json:"schema_version"`
	Attributes          map[string]any `json:"attributes"`
	SensitiveAttributes []any          `json:"sensitive_attributes"`
}

func writeState(path string, res stateResource) error {
	for i := range res.Instances {
		res.Instances[i].SensitiveAttributes = []any{}
	}
	st := map[string]any{
		"version": 4, "terraform_version": "1.8.0", "serial": 1,
		"lineage": "00000000-0000-0000-0000-00000000be4c", "outputs": map[string]any{},
		"resources": []stateResource{res}, "check_results": nil,
	}
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// quickPlan is the wall under which a plan is run quickRuns times and the
// median kept: a short plan is the one a busy machine skews most.
const (
	quickPlan = 15 * time.Second
	quickRuns = 5
)

// medianPlan measures a plan, quickRuns times when it is quick, and keeps the
// run of the median wall time. The plan to profile runs once more under
// the profiler, whose measures are not kept: profiling slows it down.
func (e *env) medianPlan(ctx context.Context, c Case, loc string, nums []sipstation.Number) (*Plan, error) {
	if c.Letter == "c" && len(nums) == e.o.ProfileSize {
		if _, err := e.plan(ctx, c, loc, nums, true); err != nil {
			return nil, err
		}
	}
	first, err := e.plan(ctx, c, loc, nums, false)
	if err != nil || first.Wall >= quickPlan {
		return first, err
	}
	runs := []*Plan{first}
	for range quickRuns - 1 {
		p, err := e.plan(ctx, c, loc, nums, false)
		if err != nil {
			return nil, err
		}
		runs = append(runs, p)
	}
	slices.SortFunc(runs, func(x, y *Plan) int { return cmp.Compare(x.Wall, y.Wall) })
	median := runs[len(runs)/2]
	median.Runs = len(runs)
	return median, nil
}

// plan runs one terraform plan of case c and measures it, under the CPU
// profiler when profile is set.
func (e *env) plan(ctx context.Context, c Case, loc string, nums []sipstation.Number, profile bool) (*Plan, error) {
	dir := filepath.Join(e.o.WorkDir, fmt.Sprintf("plan-%d-%s", len(nums), c.Letter))
	if err := e.workspace(dir, c, loc, nums, c.Letter != "b"); err != nil {
		return nil, err
	}
	switch c.Letter {
	case "a", "b":
		if err := e.setFaults(e.o.Latency, e.o.Rate); err != nil {
			return nil, err
		}
	default:
		if err := e.setFaults(0, 0); err != nil {
			return nil, err
		}
	}
	stats := filepath.Join(dir, "stats")
	if err := os.RemoveAll(stats); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(stats, 0o755); err != nil {
		return nil, err
	}
	env := []string{"TF_CLI_CONFIG_FILE=" + e.tfrc, "BENCH_STATS_DIR=" + stats}
	if profile {
		if err := os.RemoveAll(e.profileDir()); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(e.profileDir(), 0o755); err != nil {
			return nil, err
		}
		env = append(env, "BENCH_CPU_PROFILE_DIR="+e.profileDir())
	}
	before, err := e.metrics()
	if err != nil {
		return nil, err
	}
	res, err := e.terraform(ctx, dir, env, "plan", "-input=false", "-lock=false", "-no-color", "-detailed-exitcode", "-parallelism=10")
	if err != nil {
		return nil, err
	}
	if res.code != 0 && res.code != 2 {
		return nil, fmt.Errorf("terraform plan failed (exit %d):\n%s", res.code, tail(res.out, 40))
	}
	after, err := e.metrics()
	if err != nil {
		return nil, err
	}
	p := &Plan{
		N: len(nums), Case: c, Wall: res.wall, TerraformCPU: res.cpu, Changes: res.code == 2,
		Requests: apiRequests(after) - apiRequests(before), Limited: after.RateLimited - before.RateLimited,
	}
	if c.Letter != "d" {
		if p.ProviderCPU, p.ProviderRSS, err = readStats(stats); err != nil {
			return nil, err
		}
		// Terraform's rusage includes the provider processes it reaped.
		p.TerraformCPU -= p.ProviderCPU
	}
	if p.Changes {
		e.logf("N=%d (%s): the plan proposed changes:\n%s", len(nums), c.Letter, tail(res.out, 30))
	}
	return p, nil
}

type tfResult struct {
	code int
	wall time.Duration
	cpu  time.Duration
	out  string
}

func (e *env) terraform(ctx context.Context, dir string, env []string, args ...string) (*tfResult, error) {
	cmd := exec.CommandContext(ctx, e.o.Terraform, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_LOG=")
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return nil, fmt.Errorf("run terraform %s: %w", args[0], err)
	}
	ps := cmd.ProcessState
	return &tfResult{code: ps.ExitCode(), wall: wall, cpu: ps.UserTime() + ps.SystemTime(), out: out.String()}, nil
}

// ProviderStats is what a bench provider process writes when it stops.
type ProviderStats struct {
	CPU     time.Duration // user+system
	PeakRSS int64         // bytes
}

// readStats adds up the CPU time of the provider processes of one plan
// (Terraform may launch more than one) and keeps the highest peak RSS.
func readStats(dir string) (cpu time.Duration, rss int64, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "stats-*.json"))
	if err != nil {
		return 0, 0, err
	}
	if len(files) == 0 {
		return 0, 0, fmt.Errorf("no provider process wrote its stats to %s (did Terraform kill it?)", dir)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return 0, 0, err
		}
		var s ProviderStats
		if err := json.Unmarshal(data, &s); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", f, err)
		}
		cpu += s.CPU
		rss = max(rss, s.PeakRSS)
	}
	return cpu, rss, nil
}

// apply orders ApplyDIDs new DIDs with -parallelism=10 at the realistic
// latency and limit, through the bench provider Terraform launches.
func (e *env) apply(ctx context.Context) (*Apply, error) {
	if err := e.setFaults(0, 0); err != nil {
		return nil, err
	}
	var loc sipstation.Location
	if err := e.call(http.MethodPost, "/v1/locations", e.key, sipstation.LocationCreate{
		Name: "Bench apply", OrganizationName: "Bench LLC", Email: "bench@example.com",
		ServiceAddress: sipstation.Address{Street1: "1 Main St", City: "San Francisco", State: "CA", Zip: "94105"},
	}, &loc); err != nil {
		return nil, err
	}
	free, err := e.free(e.o.ApplyDIDs)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(e.o.WorkDir, "apply")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	data, err := json.Marshal(free)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "numbers.json"), data, 0o644); err != nil {
		return nil, err
	}
	nums := make([]sipstation.Number, 0)
	cfgDir := filepath.Join(dir, "cfg")
	if err := e.workspace(cfgDir, Cases[0], loc.ID, nums, true); err != nil {
		return nil, err
	}
	// The workspace of no numbers, with the numbers to order instead and
	// no state.
	if err := os.WriteFile(filepath.Join(cfgDir, "numbers.json"), data, 0o644); err != nil {
		return nil, err
	}
	if err := os.Remove(filepath.Join(cfgDir, "terraform.tfstate")); err != nil {
		return nil, err
	}
	if err := e.setFaults(e.o.Latency, e.o.Rate); err != nil {
		return nil, err
	}
	before, err := e.metrics()
	if err != nil {
		return nil, err
	}
	const parallelism = 10
	res, err := e.terraform(ctx, cfgDir, []string{"TF_CLI_CONFIG_FILE=" + e.tfrc},
		"apply", "-auto-approve", "-input=false", "-lock=false", "-no-color", "-parallelism="+strconv.Itoa(parallelism))
	if err != nil {
		return nil, err
	}
	after, err := e.metrics()
	if err != nil {
		return nil, err
	}
	a := &Apply{
		DIDs: len(free), Parallelism: parallelism, Wall: res.wall, OK: res.code == 0,
		Requests: apiRequests(after) - apiRequests(before), Limited: after.RateLimited - before.RateLimited,
		Surfaced: strings.Count(res.out, "too_many_requests") + strings.Count(res.out, "429 "),
	}
	if !a.OK {
		e.logf("the apply failed (exit %d):\n%s", res.code, tail(res.out, 40))
	}
	e.logf("apply of %d DIDs: %s, %d requests, %d answered 429, %d surfaced, ok %v", a.DIDs, a.Wall.Round(10*time.Millisecond), a.Requests, a.Limited, a.Surfaced, a.OK)
	return a, nil
}

// parallel plans Workspaces workspaces of PerWorkload numbers at once, one
// location each, all on one key, at the realistic latency and limit.
type parallelLocation struct {
	id   string
	nums []sipstation.Number
}

func (e *env) parallel(ctx context.Context, byList bool, locs []parallelLocation) (*Parallel, error) {
	dirs := make([]string, len(locs))
	for i, l := range locs {
		dirs[i] = filepath.Join(e.o.WorkDir, fmt.Sprintf("parallel-%v-%d", byList, i))
		if err := e.workspace(dirs[i], Cases[0], l.id, l.nums, byList); err != nil {
			return nil, err
		}
	}
	if err := e.setFaults(e.o.Latency, e.o.Rate); err != nil {
		return nil, err
	}
	before, err := e.metrics()
	if err != nil {
		return nil, err
	}
	p := &Parallel{Workspaces: len(dirs), PerWorkspace: e.o.PerWorkload, RefreshByList: byList, Walls: make([]time.Duration, len(dirs))}
	results := make([]*tfResult, len(dirs))
	errs := make([]error, len(dirs))
	var wg sync.WaitGroup
	for i, dir := range dirs {
		wg.Go(func() {
			results[i], errs[i] = e.terraform(ctx, dir, []string{"TF_CLI_CONFIG_FILE=" + e.tfrc},
				"plan", "-input=false", "-lock=false", "-no-color", "-detailed-exitcode", "-parallelism=10")
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	after, err := e.metrics()
	if err != nil {
		return nil, err
	}
	p.Requests, p.Limited = apiRequests(after)-apiRequests(before), after.RateLimited-before.RateLimited
	for i, r := range results {
		p.Walls[i] = r.wall
		if r.code != 0 && r.code != 2 {
			p.Failed++
			e.logf("parallel workspace %d failed (exit %d):\n%s", i, r.code, tail(r.out, 30))
		}
	}
	e.logf("%d workspaces of %d in parallel (refresh by list %v): %v, %d requests, %d answered 429, %d failed", p.Workspaces, p.PerWorkspace, byList, p.Walls, p.Requests, p.Limited, p.Failed)
	return p, nil
}

// profileDir holds the CPU profiles of the profiled plan's provider
// processes.
func (e *env) profileDir() string { return filepath.Join(e.o.WorkDir, "profile") }

// pprofTop summarises the CPU profiles of the profiled plan, merged.
func (e *env) pprofTop(ctx context.Context) (string, error) {
	profs, err := filepath.Glob(filepath.Join(e.profileDir(), "cpu-*.pprof"))
	if err != nil || len(profs) == 0 {
		return "", fmt.Errorf("no CPU profile in %s: %v", e.profileDir(), err)
	}
	args := append([]string{"tool", "pprof", "-top", "-cum", "-nodecount=40", filepath.Join(e.bin, "bench-provider")}, profs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = e.o.Root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go tool pprof: %w\n%s", err, out)
	}
	return string(out), nil
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}

func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
