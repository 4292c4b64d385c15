package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// envRunMain makes the test binary run main instead of the tests, so that
// the tests can start the real command, signals and all, without building
// it separately.
const envRunMain = "SIPSTATION_EMULATOR_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// syncBuffer is a bytes.Buffer written by the child's stderr copier and read
// by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is a running sipstation-emulator.
type process struct {
	cmd      *exec.Cmd
	stderr   *syncBuffer
	done     chan error // the exit, once
	stopped  bool       // the exit was received
	endpoint string
	key      string
	// trunkEndpoint and accountKey are the account-key API's, with -seed.
	trunkEndpoint string
	accountKey    string
}

// start runs the command with args and waits for its stdout lines: the
// endpoint, and the API key, trunk endpoint and account key when -seed is
// given.
func start(t *testing.T, args ...string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", args, err)
	}
	// One reader: it passes the first lines on, and once stdout closes
	// (the process ended) it reaps the process.
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // nobody reads past the first lines
			}
		}
		close(lines)
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if !p.stopped {
			if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Errorf("kill the emulator: %v", err)
			}
			// Killed, it exits with an error; the test already failed.
			if err := <-p.done; err != nil {
				t.Logf("the emulator, killed: %v; stderr:\n%s", err, p.stderr)
			}
		}
	})
	want := 1
	for _, a := range args {
		if a == "-seed" {
			want = 4
		}
	}
	timeout := time.After(30 * time.Second)
	for got := 0; got < want; got++ {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the emulator ended before printing its lines; stderr:\n%s", p.stderr)
			}
			name, value, _ := strings.Cut(line, "=")
			switch name {
			case "SIPSTATION_ENDPOINT":
				p.endpoint = value
			case "SIPSTATION_API_KEY":
				p.key = value
			case "SIPSTATION_TRUNK_ENDPOINT":
				p.trunkEndpoint = value
			case "SIPSTATION_ACCOUNT_KEY":
				p.accountKey = value
			default:
				t.Fatalf("unexpected stdout line %q", line)
			}
		case <-timeout:
			t.Fatalf("no stdout lines within 30s; stderr:\n%s", p.stderr)
		}
	}
	return p
}

// stop sends SIGTERM and wants a clean exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case err := <-p.done:
		p.stopped = true
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; stderr:\n%s", err, p.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("still running 30s after SIGTERM; stderr:\n%s", p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "shutting down") {
		t.Errorf("stderr does not say it shut down:\n%s", p.stderr)
	}
}

func (p *process) do(t *testing.T, method, path string, body any, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, p.endpoint+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	return resp
}

// The command as a user runs it: -seed prints the endpoint and a key that
// works, -admin serves the control routes, -db keeps the data and the key
// across a restart, and SIGTERM stops it cleanly.
func TestCommand(t *testing.T) {
	t.Parallel()
	args := []string{"-listen", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "emulator.db"), "-admin", "-seed"}
	first := start(t, args...)
	if !strings.HasPrefix(first.endpoint, "http://127.0.0.1:") || !strings.HasPrefix(first.key, "sk_emu_") {
		t.Fatalf("printed endpoint %q, key %q", first.endpoint, first.key)
	}
	if first.trunkEndpoint != first.endpoint+"/sipstation" || first.accountKey == "" {
		t.Fatalf("printed trunk endpoint %q, account key %q", first.trunkEndpoint, first.accountKey)
	}
	var full struct {
		QueryStatus string `json:"query_status"`
	}
	if resp := first.do(t, http.MethodGet, "/sipstation/2/full/"+first.accountKey, nil, &full); resp.StatusCode != http.StatusOK || full.QueryStatus != "SUCCESS" {
		t.Errorf("GET /sipstation/2/full with the seeded account key: %d, query_status %q", resp.StatusCode, full.QueryStatus)
	}
	if strings.Contains(first.stderr.String(), first.accountKey) {
		t.Errorf("the request log shows the account key:\n%s", first.stderr)
	}
	var loc sipstation.Location
	resp := first.do(t, http.MethodPost, "/v1/locations", sipstation.LocationCreate{
		Name: "HQ", OrganizationName: "Acme", Email: "ops@acme.example",
		ServiceAddress: sipstation.Address{Street1: "1 Main St", City: "Austin", State: "TX", Zip: "78701"},
	}, &loc)
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("X-RateLimit-Limit") != "50" {
		t.Errorf("create a location with the seeded key: %d, X-RateLimit-Limit %q (the default is 50)", resp.StatusCode, resp.Header.Get("X-RateLimit-Limit"))
	}
	if resp := first.do(t, http.MethodGet, "/_emulator/metrics", nil, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("-admin: GET /_emulator/metrics: %d", resp.StatusCode)
	}
	if !strings.Contains(first.stderr.String(), "POST /v1/locations -> 201") {
		t.Errorf("the request log lacks the POST:\n%s", first.stderr)
	}
	first.stop(t)

	second := start(t, append(args, "-quiet")...)
	if second.key != first.key || second.accountKey != first.accountKey {
		t.Errorf("keys after a restart on the same -db: %q and %q, want %q and %q", second.key, second.accountKey, first.key, first.accountKey)
	}
	var got sipstation.Location
	if resp := second.do(t, http.MethodGet, "/v1/locations/"+loc.ID, nil, &got); resp.StatusCode != http.StatusOK || got.Name != "HQ" {
		t.Errorf("the location after a restart: %d %+v", resp.StatusCode, got)
	}
	second.stop(t)
	if strings.Contains(second.stderr.String(), "GET /v1/locations") {
		t.Errorf("-quiet still logs requests:\n%s", second.stderr)
	}
}

// Without -admin the control routes do not exist; without -seed no key is
// printed.
func TestCommandWithoutAdmin(t *testing.T) {
	t.Parallel()
	p := start(t, "-listen", "127.0.0.1:0", "-quiet")
	if p.key != "" {
		t.Errorf("a key without -seed: %q", p.key)
	}
	if resp := p.do(t, http.MethodGet, "/_emulator/metrics", nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /_emulator/metrics without -admin: %d", resp.StatusCode)
	}
	if resp := p.do(t, http.MethodGet, "/healthz", nil, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz: %d", resp.StatusCode)
	}
	p.stop(t)
}

// Wrong invocations fail at once with a message that says what is wrong.
func TestRunErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" for none
	}{
		{"unknown flag", []string{"-nope"}, "flag provided but not defined: -nope"},
		{"arguments", []string{"serve"}, `unexpected arguments "serve"`},
		{"negative latency", []string{"-latency", "-1s"}, "-latency -1s is negative"},
		{"bad listen address", []string{"-listen", "256.0.0.1:1"}, "listen on 256.0.0.1:1"},
		{"database in a missing directory", []string{"-db", filepath.Join(t.TempDir(), "missing", "e.db")}, "e.db"},
		{"help", []string{"-h"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("run(%q) = %v", tt.args, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("run(%q) = %v; want an error containing %q", tt.args, err, tt.wantErr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q; nothing is served, so nothing should be printed", stdout.String())
			}
			if tt.name == "help" && !strings.Contains(stderr.String(), "-rate-limit") {
				t.Errorf("-h prints no usage: %q", stderr.String())
			}
		})
	}
}
