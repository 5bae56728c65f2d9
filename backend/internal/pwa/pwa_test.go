package pwa

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"example.com/portal/tenants"
	"github.com/andybalholm/brotli"
)

// fakeWasm is a stand-in app.wasm: compressible like the real one, small
// enough for a test.
func fakeWasm(seed string) []byte {
	var b bytes.Buffer
	b.WriteString("\x00asm\x01\x00\x00\x00")
	for i := range 4000 {
		b.WriteString(seed)
		b.WriteByte(byte(i))
	}
	return b.Bytes()
}

// mustWebDir builds a web/ directory like `make build` leaves it: app.wasm,
// its .br and .gz, portal.css.
func mustWebDir(t testing.TB, wasm []byte) string {
	t.Helper()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "app.wasm"), wasm)
	mustWrite(t, filepath.Join(dir, "app.wasm.br"), brotliBytes(t, wasm))
	mustWrite(t, filepath.Join(dir, "app.wasm.gz"), gzipBytes(t, wasm))
	mustWrite(t, filepath.Join(dir, "portal.css"), []byte(":root{--brand-primary:#000}\n"))
	return dir
}

func mustWrite(t testing.TB, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func brotliBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, 5)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustNew(t testing.TB, webDir string) *Server {
	t.Helper()
	s, err := New(Options{WebDir: webDir})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Two distributors with different branding. Acme has no icons of its own
// (generated ones); Beta has its own.
func acmeTenant() *tenants.Tenant {
	return &tenants.Tenant{
		ID: "00000000-0000-0000-0000-0000000000a1", Slug: "acme", Name: "Acme Metals", Status: tenants.StatusActive,
		Hosts: []string{"acme.test"},
		Branding: tenants.Branding{ShortName: "Acme", PrimaryColor: "#c0392b", AccentColor: "#f1c40f",
			BackgroundColor: "#fff5f3", SupportEmail: "help@acme.example", SupportPhone: "+1 555 0100"},
		Settings: tenants.Settings{Locale: "en-US"},
	}
}

func betaTenant() *tenants.Tenant {
	return &tenants.Tenant{
		ID: "00000000-0000-0000-0000-0000000000b2", Slug: "beta", Name: "Beta Steel", Status: tenants.StatusActive,
		Hosts: []string{"beta.test"},
		Branding: tenants.Branding{ShortName: "Beta", PrimaryColor: "#1f6feb", AccentColor: "#222222",
			BackgroundColor: "#f3f7ff", LogoURL: "/web/tenants/beta/logo.svg",
			IconURL: "/web/tenants/beta/icon-192.png", IconLargeURL: "/web/tenants/beta/icon-512.png"},
	}
}

// do sends a request for t's host with t in the context, as the tenant
// middleware would.
func do(t testing.TB, h http.Handler, tenant *tenants.Tenant, method, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	if tenant != nil {
		r.Host = tenant.Hosts[0] + ":8080"
		r = r.WithContext(tenants.NewContext(r.Context(), tenant))
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestNewWithoutWasm(t *testing.T) {
	_, err := New(Options{WebDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "run make build") {
		t.Fatalf("New without app.wasm: error %v, want one that says run make build", err)
	}
	if _, err := New(Options{}); err == nil {
		t.Fatal("New without WebDir succeeded")
	}
}

type manifest struct {
	Name            string `json:"name"`
	ShortName       string `json:"short_name"`
	StartURL        string `json:"start_url"`
	ThemeColor      string `json:"theme_color"`
	BackgroundColor string `json:"background_color"`
	Icons           []struct {
		Src, Type, Purpose, Sizes string
	} `json:"icons"`
}

func getManifest(t *testing.T, s *Server, tenant *tenants.Tenant) manifest {
	t.Helper()
	rec := do(t, s, tenant, "GET", "/manifest.webmanifest", nil)
	if rec.Code != 200 {
		t.Fatalf("manifest: %d", rec.Code)
	}
	var m manifest
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestManifestPerTenant(t *testing.T) {
	s := mustNew(t, mustWebDir(t, fakeWasm("a")))
	acme, beta := getManifest(t, s, acmeTenant()), getManifest(t, s, betaTenant())

	if acme.Name != "Acme Metals" || acme.ShortName != "Acme" || acme.ThemeColor != "#c0392b" ||
		acme.BackgroundColor != "#fff5f3" || acme.StartURL != "/portal" {
		t.Errorf("acme manifest = %+v", acme)
	}
	if beta.Name != "Beta Steel" || beta.ShortName != "Beta" || beta.ThemeColor != "#1f6feb" || beta.StartURL != "/portal" {
		t.Errorf("beta manifest = %+v", beta)
	}

	icons := func(m manifest) map[string]string {
		out := map[string]string{}
		for _, i := range m.Icons {
			out[i.Sizes+" "+i.Purpose] = i.Src
		}
		return out
	}
	wantAcme := map[string]string{
		"192x192 any":      icon192Path,
		"512x512 any":      icon512Path,
		"512x512 maskable": icon512Path,
		"any any":          iconSVGPath,
	}
	// Beta's own icons: no SVG (its favicon is its PNG), and not declared
	// maskable (a logo not drawn for the safe zone would be cropped).
	wantBeta := map[string]string{
		"192x192 any": "/web/tenants/beta/icon-192.png",
		"512x512 any": "/web/tenants/beta/icon-512.png",
	}
	// A tenant with only a large icon uses it for both sizes.
	gamma := betaTenant()
	gamma.ID, gamma.Branding.IconURL = "gamma", ""
	wantGamma := map[string]string{
		"192x192 any": "/web/tenants/beta/icon-512.png",
		"512x512 any": "/web/tenants/beta/icon-512.png",
	}
	for name, c := range map[string]struct{ got, want map[string]string }{
		"acme": {icons(acme), wantAcme}, "beta": {icons(beta), wantBeta},
		"gamma": {icons(getManifest(t, s, gamma)), wantGamma},
	} {
		if len(c.got) != len(c.want) {
			t.Errorf("%s icons = %v, want %v", name, c.got, c.want)
		}
		for k, v := range c.want {
			if c.got[k] != v {
				t.Errorf("%s icon %q = %q, want %q", name, k, c.got[k], v)
			}
		}
	}
}

func TestPreRenderPerHost(t *testing.T) {
	s := mustNew(t, mustWebDir(t, fakeWasm("a")))
	// Initialise both handlers first: go-app copies each Handler's Env into
	// the process on its first request, so from here on app.Getenv on the
	// server says "Beta" whatever the host. Acme must still render as Acme.
	do(t, s, acmeTenant(), "GET", "/app.js", nil)
	do(t, s, betaTenant(), "GET", "/app.js", nil)

	for _, tc := range []struct {
		tenant         *tenants.Tenant
		want, unwanted []string
	}{
		{acmeTenant(),
			[]string{"<title>Dashboard · Acme Metals</title>", "Welcome to Acme Metals", `content="#c0392b"`,
				"mailto:help@acme.example", `href="/web/theme.css"`, `href="/web/portal.css"`, `href="/web/icon.svg"`,
				`lang="en-US"`, `content="https://acme.test/portal"`},
			[]string{"Beta"}},
		{betaTenant(),
			[]string{"<title>Dashboard · Beta Steel</title>", "Welcome to Beta Steel", `content="#1f6feb"`,
				`src="/web/tenants/beta/logo.svg"`, `href="/web/tenants/beta/icon-192.png"`},
			[]string{"Acme", "go-app/master/docs/web/icon"}},
	} {
		rec := do(t, s, tc.tenant, "GET", "/portal", nil)
		if rec.Code != 200 {
			t.Fatalf("%s GET /portal = %d", tc.tenant.Slug, rec.Code)
		}
		body := rec.Body.String()
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s /portal lacks %s", tc.tenant.Slug, w)
			}
		}
		for _, u := range tc.unwanted {
			if strings.Contains(body, u) {
				t.Errorf("%s /portal contains %q", tc.tenant.Slug, u)
			}
		}
	}
}

func TestNotFound(t *testing.T) {
	s := mustNew(t, mustWebDir(t, fakeWasm("a")))
	for _, tc := range []struct {
		name   string
		tenant *tenants.Tenant
		path   string
	}{
		{"unregistered page", acmeTenant(), "/portal/no-such-page"},
		{"no tenant in context", nil, "/portal"},
		{"no tenant, manifest", nil, "/manifest.webmanifest"},
		{"go-app's own wasm path", acmeTenant(), "/app.wasm"},
		{"missing robots.txt", acmeTenant(), "/robots.txt"},
	} {
		if rec := do(t, s, tc.tenant, "GET", tc.path, nil); rec.Code != 404 {
			t.Errorf("%s: GET %s = %d, want 404", tc.name, tc.path, rec.Code)
		}
	}
}

func TestThemeCSSPerTenant(t *testing.T) {
	s := mustNew(t, mustWebDir(t, fakeWasm("a")))
	acme := do(t, s, acmeTenant(), "GET", themePath, nil)
	beta := do(t, s, betaTenant(), "GET", themePath, nil)
	for _, c := range []struct {
		rec  *httptest.ResponseRecorder
		want []string
	}{
		{acme, []string{"--brand-primary: #c0392b;", "--brand-on-primary: #ffffff;", "--brand-accent: #f1c40f;",
			"--brand-on-accent: #111111;", "--brand-bg: #fff5f3;"}},
		{beta, []string{"--brand-primary: #1f6feb;", "--brand-accent: #222222;", "--brand-on-accent: #ffffff;"}},
	} {
		if c.rec.Code != 200 || !strings.HasPrefix(c.rec.Header().Get("Content-Type"), "text/css") ||
			c.rec.Header().Get("Cache-Control") != "no-cache" || c.rec.Header().Get("ETag") == "" {
			t.Errorf("theme.css: %d %v", c.rec.Code, c.rec.Header())
		}
		for _, w := range c.want {
			if !strings.Contains(c.rec.Body.String(), w) {
				t.Errorf("theme.css lacks %q:\n%s", w, c.rec.Body)
			}
		}
	}
	if acme.Header().Get("ETag") == beta.Header().Get("ETag") {
		t.Error("acme and beta theme.css share an ETag")
	}
	again := do(t, s, acmeTenant(), "GET", themePath, map[string]string{"If-None-Match": acme.Header().Get("ETag")})
	if again.Code != http.StatusNotModified {
		t.Errorf("revalidation = %d, want 304", again.Code)
	}
}

func TestVersion(t *testing.T) {
	dir := mustWebDir(t, fakeWasm("a"))
	s := mustNew(t, dir)
	acme := acmeTenant()
	v1 := s.site(acme).handler.Version
	if s.site(acmeTenant()) != s.site(acme) {
		t.Error("an unchanged tenant got a new site: the handler must be cached")
	}
	if v1 == s.site(betaTenant()).handler.Version {
		t.Error("two tenants share a Version")
	}

	// A branding change must change the Version, or the service worker
	// never notices (its script would be byte-identical).
	worker1 := do(t, s, acme, "GET", "/app-worker.js", nil).Body.String()
	changed := acmeTenant()
	changed.Branding.PrimaryColor = "#2c3e50"
	v2 := s.site(changed).handler.Version
	if v2 == v1 {
		t.Fatal("branding change kept the Version")
	}
	worker2 := do(t, s, changed, "GET", "/app-worker.js", nil).Body.String()
	if worker1 == worker2 || !strings.Contains(worker2, v2) {
		t.Error("app-worker.js did not change with the branding")
	}
	if m := getManifest(t, s, changed); m.ThemeColor != "#2c3e50" {
		t.Errorf("rebuilt manifest theme_color = %s", m.ThemeColor)
	}
	changed.Name = "Acme Metals & Alloys"
	if v3 := s.site(changed).handler.Version; v3 == v2 {
		t.Error("name change kept the Version")
	}

	// The same tenant gets the same Version after a restart (no reinstall
	// for every user on every deploy), and a new one with a new wasm.
	if v := mustNew(t, dir).site(acmeTenant()).handler.Version; v != v1 {
		t.Errorf("restart changed the Version: %s → %s", v1, v)
	}
	if v := mustNew(t, mustWebDir(t, fakeWasm("b"))).site(acmeTenant()).handler.Version; v == v1 {
		t.Error("a new app.wasm kept the Version")
	}
}

func TestResolver(t *testing.T) {
	r := resolver{wasmURL: "/web/app.0123456789abcdef.wasm"}
	for in, want := range map[string]string{
		"/web/app.wasm":         "/web/app.0123456789abcdef.wasm",
		"/web":                  "/web",
		"/web/portal.css":       "/web/portal.css",
		"/":                     "/",
		"":                      "/",
		"/app-worker.js":        "/app-worker.js",
		"/portal":               "/portal",
		"https://cdn.example/x": "https://cdn.example/x",
	} {
		if got := r.Resolve(in); got != want {
			t.Errorf("Resolve(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestConcurrentTenants pre-renders for two tenants at once; run with -race.
// Each page must carry its own tenant's name whatever the interleaving.
func TestConcurrentTenants(t *testing.T) {
	s := mustNew(t, mustWebDir(t, fakeWasm("a")))
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i := range 20 {
		tenant, want := acmeTenant(), "Welcome to Acme Metals"
		if i%2 == 1 {
			tenant, want = betaTenant(), "Welcome to Beta Steel"
		}
		wg.Go(func() {
			r := httptest.NewRequest("GET", "/portal", nil)
			r.Host = tenant.Hosts[0]
			r = r.WithContext(tenants.NewContext(r.Context(), tenant))
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, r)
			if !strings.Contains(rec.Body.String(), want) {
				errs <- tenant.Slug + " page lacks " + want
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
