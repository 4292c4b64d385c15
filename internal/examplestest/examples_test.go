package examplestest

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const providerAddress = "registry.terraform.io/sipstation-community/sipstation"

// TestExamples runs `fmt -check` and `validate` on every directory under
// examples/ that holds .tf files.
func TestExamples(t *testing.T) {
	cli, env, root := setup(t)
	dirs := exampleDirs(t, filepath.Join(root, "examples"))
	if len(dirs) == 0 {
		t.Fatal("found no example directories under examples/")
	}
	for _, dir := range dirs {
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			t.Fatalf("relative path of %s: %v", dir, err)
		}
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			work := copyExample(t, dir)
			run(t, env, cli, "-chdir="+work, "fmt", "-check", "-diff", "-no-color")
			run(t, env, cli, "-chdir="+work, "validate", "-no-color")
		})
	}
}

// TestExamplesCoverSchema checks that every resource, data source and function
// of the provider's schema has the example files tfplugindocs renders into its
// page: a new resource without examples fails here, not on the registry.
func TestExamplesCoverSchema(t *testing.T) {
	cli, env, root := setup(t)
	work := copyExample(t, filepath.Join(root, "examples", "provider"))
	out := run(t, env, cli, "-chdir="+work, "providers", "schema", "-json")

	var doc struct {
		ProviderSchemas map[string]providerSchema `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("decode providers schema -json: %v", err)
	}
	var schema providerSchema
	for address, s := range doc.ProviderSchemas {
		// OpenTofu reports the provider under its own registry host.
		if strings.HasSuffix(address, "/sipstation-community/sipstation") {
			schema = s
		}
	}
	if len(schema.ResourceSchemas) == 0 {
		t.Fatalf("the schema of %s lists no resources:\n%s", providerAddress, out)
	}

	var want []string
	for name := range schema.ResourceSchemas {
		for _, file := range []string{"resource.tf", "import.sh", "import-by-string-id.tf"} {
			want = append(want, filepath.Join("examples", "resources", name, file))
		}
	}
	for name := range schema.DataSourceSchemas {
		want = append(want, filepath.Join("examples", "data-sources", name, "data-source.tf"))
	}
	for name := range schema.Functions {
		want = append(want, filepath.Join("examples", "functions", name, "function.tf"))
	}
	slices.Sort(want)
	for _, file := range want {
		if _, err := os.Stat(filepath.Join(root, file)); err != nil {
			t.Errorf("missing example %s: %v", filepath.ToSlash(file), err)
		}
	}
}

// providerSchema is the part of `providers schema -json` that names what
// the provider offers.
type providerSchema struct {
	ResourceSchemas   map[string]json.RawMessage `json:"resource_schemas"`
	DataSourceSchemas map[string]json.RawMessage `json:"data_source_schemas"`
	Functions         map[string]json.RawMessage `json:"functions"`
}

// setup skips unless TF_ACC is set, builds the provider from this tree and
// returns the CLI to use (TF_ACC_TERRAFORM_PATH, Terraform or OpenTofu, else
// terraform on PATH), an environment whose CLI configuration points at the
// built provider through dev_overrides (so nothing is downloaded and no init
// is needed), and the repository root.
func setup(t *testing.T) (cli string, env []string, root string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to check examples/ with a Terraform CLI")
	}
	cli = os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		path, err := exec.LookPath("terraform")
		if err != nil {
			t.Fatalf("TF_ACC_TERRAFORM_PATH is not set and terraform is not on PATH: %v", err)
		}
		cli = path
	}
	root = repoRoot(t)

	tmp := t.TempDir()
	plugins := filepath.Join(tmp, "plugins")
	binary := filepath.Join(plugins, "terraform-provider-sipstation")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the provider: %v\n%s", err, out)
	}

	// Both registry hosts: OpenTofu resolves "sipstation-community/sipstation"
	// to registry.opentofu.org, Terraform to registry.terraform.io.
	dir := filepath.ToSlash(plugins)
	config := "provider_installation {\n  dev_overrides {\n" +
		"    \"" + providerAddress + "\" = \"" + dir + "\"\n" +
		"    \"registry.opentofu.org/sipstation-community/sipstation\" = \"" + dir + "\"\n" +
		"  }\n  direct {}\n}\n"
	tfrc := filepath.Join(tmp, "dev.tfrc")
	if err := os.WriteFile(tfrc, []byte(config), 0o600); err != nil {
		t.Fatalf("write CLI configuration: %v", err)
	}
	env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+tfrc,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
	)
	return cli, env, root
}

// run runs the CLI, returning its standard output; it fails the test with
// the CLI's output when the CLI fails.
func run(t *testing.T, env []string, cli string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(cli, args...)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", filepath.Base(cli), strings.Join(args[1:], " "), err, out, stderr.String())
	}
	return out
}

// repoRoot is two levels above this package: internal/examplestest.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatalf("repository root: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root %s has no go.mod: %v", root, err)
	}
	return root
}

// exampleDirs lists the directories under base that hold .tf files, sorted.
func exampleDirs(t *testing.T, base string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".terraform" {
			return filepath.SkipDir
		}
		if !d.IsDir() && filepath.Ext(path) == ".tf" && !slices.Contains(dirs, filepath.Dir(path)) {
			dirs = append(dirs, filepath.Dir(path))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", base, err)
	}
	slices.Sort(dirs)
	return dirs
}

// requiredProviders is added to a copied example that does not declare the
// provider's source. The examples rendered into resource and data source
// pages leave it out, as users' configurations declare it once; without it
// Terraform would look for hashicorp/sipstation.
const requiredProviders = `terraform {
  required_providers {
    sipstation = {
      source = "sipstation-community/sipstation"
    }
  }
}
`

// copyExample copies the .tf files of an example directory into a fresh
// temporary directory and returns it, so that no .terraform directory or lock
// file is ever left in examples/. It adds requiredProviders when no file
// declares required_providers.
func copyExample(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatalf("read %s: %v", src, err)
	}
	declared := false
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".tf" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatalf("read %s: %v", e.Name(), err)
		}
		declared = declared || strings.Contains(string(data), "required_providers")
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o600); err != nil {
			t.Fatalf("write %s: %v", e.Name(), err)
		}
	}
	if !declared {
		if err := os.WriteFile(filepath.Join(dst, "zz_required_providers.tf"), []byte(requiredProviders), 0o600); err != nil {
			t.Fatalf("write required_providers: %v", err)
		}
	}
	return dst
}
