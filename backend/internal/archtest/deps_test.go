package archtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "example.com/portal"

// deps lists the non-standard packages pkg depends on, transitively, for the
// given GOOS/GOARCH ("" for the host).
func deps(t *testing.T, goos, goarch, pkg string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg)
	cmd.Dir = moduleRoot(t)
	cmd.Env = os.Environ()
	if goos != "" {
		cmd.Env = append(cmd.Env, "GOOS="+goos, "GOARCH="+goarch)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", pkg, err, out)
	}
	var list []string
	for _, l := range strings.Fields(string(out)) {
		if l != pkg && l != module+"/"+strings.TrimPrefix(pkg, "./") {
			list = append(list, l)
		}
	}
	return list
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s", dir)
	}
	return dir
}

// TestLeafPackages: the wire contract and the tenant identity compile into
// the Wasm UI, so they may use only the standard library; the domain may add
// only the tenants package.
func TestLeafPackages(t *testing.T) {
	for pkg, allowed := range map[string][]string{
		module + "/backend/api":             nil,
		module + "/tenants":                 nil,
		module + "/backend/internal/portal": {module + "/tenants"},
	} {
		for _, d := range deps(t, "", "", pkg) {
			if d == pkg || slices.Contains(allowed, d) {
				continue
			}
			t.Errorf("%s imports %s; it may import only the standard library%s", pkg, d, map[bool]string{true: " and " + strings.Join(allowed, ", ")}[len(allowed) > 0])
		}
	}
}

// TestWasmStaysSmallAndClean: server code and net/http's client (about 5 MB
// of Wasm; the UI uses the browser's fetch) must not reach app.wasm.
func TestWasmStaysSmallAndClean(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./app/cmd/wasm")
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{"net/http", module + "/backend/internal/", "github.com/jackc/", "github.com/uptrace/",
		"github.com/stripe/", "github.com/casbin/", "github.com/minio/", "github.com/riverqueue/", "database/sql"}
	for _, d := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if d == f || (strings.HasSuffix(f, "/") && strings.HasPrefix(d, f)) {
				t.Errorf("app.wasm depends on %s", d)
			}
		}
	}
}

// TestAdaptersDoNotImportEachOther: each technology's adapter stands alone;
// only the command wires them together.
func TestAdaptersDoNotImportEachOther(t *testing.T) {
	adapters := []string{"postgres", "http", "minio", "pwa"}
	for _, a := range adapters {
		pkg := module + "/backend/internal/" + a
		for _, d := range deps(t, "", "", pkg) {
			for _, other := range adapters {
				if other != a && d == module+"/backend/internal/"+other {
					t.Errorf("adapter %s imports adapter %s", a, other)
				}
			}
		}
	}
}
