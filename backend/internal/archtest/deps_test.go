package archtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"example.com/portal/backend/internal/pgtest"
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
// only the tenants package; webhook signing and dialing stands alone beside
// the Standard Webhooks library; PDF rendering only the domain and fpdf.
func TestLeafPackages(t *testing.T) {
	for pkg, allowed := range map[string][]string{
		module + "/backend/api":              nil,
		module + "/tenants":                  nil,
		module + "/backend/internal/portal":  {module + "/tenants"},
		module + "/backend/internal/webhook": {"github.com/standard-webhooks/standard-webhooks/libraries/go"},
		module + "/backend/internal/pdfdoc":  {module + "/backend/internal/portal", module + "/tenants", "codeberg.org/go-pdf/fpdf"},
	} {
		for _, d := range deps(t, "", "", pkg) {
			if d == pkg || slices.Contains(allowed, d) {
				continue
			}
			t.Errorf("%s imports %s; it may import only the standard library%s", pkg, d, map[bool]string{true: " and " + strings.Join(allowed, ", ")}[len(allowed) > 0])
		}
	}
}

// TestWasmStaysSmallAndClean: server code must not reach app.wasm, and
// neither may net/http's client (about 5 MB of Wasm; the UI uses the
// browser's fetch). go-app itself imports net/http for its server-side
// Handler, so the package is in the dependency graph either way; what counts
// is that none of our Wasm packages calls it, so the linker drops the client.
func TestWasmStaysSmallAndClean(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \",\"}}", "./app/cmd/wasm")
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{module + "/backend/internal/", "github.com/jackc/", "github.com/uptrace/",
		"github.com/stripe/", "github.com/casbin/", "github.com/minio/", "github.com/riverqueue/", "database/sql"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		for _, f := range forbidden {
			if pkg == f || (strings.HasSuffix(f, "/") && strings.HasPrefix(pkg, f)) {
				t.Errorf("app.wasm depends on %s", pkg)
			}
		}
		if strings.HasPrefix(pkg, module+"/") && slices.Contains(strings.Split(imports, ","), "net/http") {
			t.Errorf("%s imports net/http in the Wasm build; use the fetch transport of app/apiclient", pkg)
		}
	}
}

// TestBuiltWasmHasNoHTTPClient checks the built binary itself (make test
// builds it first): Go keeps function names even in a stripped binary, so
// the HTTP client's transport would show.
func TestBuiltWasmHasNoHTTPClient(t *testing.T) {
	dir := os.Getenv("PORTAL_TEST_WEB_DIR")
	if dir == "" {
		dir = filepath.Join(moduleRoot(t), "web")
	}
	b, err := os.ReadFile(filepath.Join(dir, "app.wasm"))
	if err != nil {
		pgtest.Unavailable(t, "built app.wasm (make build): %v", err)
	}
	for _, sym := range []string{"net/http.(*Transport).roundTrip", "crypto/tls.(*Conn).Handshake"} {
		if strings.Contains(string(b), sym) {
			t.Errorf("app.wasm contains %s", sym)
		}
	}
	if !strings.Contains(string(b), "github.com/maxence-charriere/go-app/v10/pkg/app") {
		t.Error("app.wasm does not look like the go-app build: the symbol check above proves nothing")
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

// TestTenantSettingOnlyTransactionLocal: the tenant may only be set
// transaction-locally (set_config(…, true)); a session-level SET or
// set_config(…, false) would outlive the request on a pooled connection and
// hand the next request another tenant's rows (reliability checklist §3 T5).
func TestTenantSettingOnlyTransactionLocal(t *testing.T) {
	bad := regexp.MustCompile(`(?i)(\bSET\s+(SESSION\s+)?app\.|set_config\(\s*'app\.[a-z_]+'\s*,[^)]*,\s*false\s*\))`)
	root := moduleRoot(t)
	found := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".sql")) || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		found++
		for i, line := range strings.Split(string(b), "\n") {
			if bad.MatchString(line) && !strings.Contains(line, "SET LOCAL") {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s:%d sets the tenant beyond the transaction: %s", rel, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 20 {
		t.Fatalf("scanned only %d files; the walk is broken", found)
	}
	if !bad.MatchString("SELECT set_config('app.tenant_id', $1, false)") || !bad.MatchString("SET app.tenant_id = 'x'") ||
		bad.MatchString("SELECT set_config('app.tenant_id', ?, true)") {
		t.Fatal("the pattern does not tell the bad forms from the good one")
	}
}
