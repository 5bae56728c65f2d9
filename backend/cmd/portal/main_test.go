package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/browsertest"
	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/sealed"
	"example.com/portal/tenants"
)

// syncBuffer collects the server's output across goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testEnv is the environment of a portal run against the test's own
// database, the MinIO of make test and the built web/ directory.
type testEnv map[string]string

func (e testEnv) get(k string) string { return e[k] }

// portalEnv returns the configuration for a portal over a fresh database.
func portalEnv(t *testing.T) (testEnv, *pgtest.Database) {
	t.Helper()
	d := pgtest.New(t)
	env := testEnv{
		"PORTAL_DATABASE_URL":       d.AppURL,
		"PORTAL_OWNER_DATABASE_URL": d.OwnerURL,
		"PORTAL_BASE_DOMAIN":        "localhost",
		"PORTAL_LOG_LEVEL":          "warn",
		"PORTAL_MAIL_LOG_ONLY":      "true",
		"PORTAL_ENCRYPTION_KEYS":    base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
	}
	for _, k := range []string{"PORTAL_S3_ENDPOINT", "PORTAL_S3_ACCESS_KEY", "PORTAL_S3_SECRET_KEY"} {
		env[k] = os.Getenv(k)
	}
	if env["PORTAL_S3_ENDPOINT"] == "" {
		pgtest.Unavailable(t, "MinIO: PORTAL_S3_ENDPOINT is not set (make test starts MinIO)")
	}
	env["PORTAL_S3_BUCKET"] = "e2e-" + strings.TrimPrefix(d.Name, "portal_test_")
	return env, d
}

// testSecrets is the Box of the server env configures: what it seals, the
// server opens.
func testSecrets(t *testing.T, env testEnv) *sealed.Box {
	t.Helper()
	keys, err := sealed.ParseKeys(env.get("PORTAL_ENCRYPTION_KEYS"))
	if err != nil {
		t.Fatal(err)
	}
	box, err := sealed.New(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return box
}

// webDir returns the built web/ directory, which must hold app.wasm.
func webDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PORTAL_TEST_WEB_DIR")
	if dir == "" {
		dir, _ = filepath.Abs("../../../web")
	}
	if _, err := os.Stat(filepath.Join(dir, "app.wasm")); err != nil {
		pgtest.Unavailable(t, "built web/app.wasm (make build): %v", err)
	}
	return dir
}

// mustRunMain applies the demo tenants, then runs `portal serve` on a free
// loopback port until the test ends, and returns its port and its output
// (JSON logs, where the log-only mailer also writes the e-mails).
func mustRunMain(t *testing.T, env testEnv) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	if err := run(ctx, []string{"tenants", "apply", "-demo"}, env.get, out, out); err != nil {
		cancel()
		t.Fatalf("tenants apply: %v\n%s", err, out)
	}
	// Port 0: the kernel picks a free port and the server logs which.
	env["PORTAL_ADDR"] = "127.0.0.1:0"
	env["PORTAL_LOG_LEVEL"] = "info"
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env.get, out, out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve ended with %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not shut down within 30 s")
		}
		if t.Failed() {
			t.Logf("server output:\n%s", out)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	port := ""
	for {
		if port == "" {
			port = boundPort(out.String())
		}
		var err error = errors.New("not listening yet")
		var resp *http.Response
		if port != "" {
			resp, err = http.Get("http://127.0.0.1:" + port + "/readyz")
		}
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return port, out
			}
			err = fmt.Errorf("%d %s", resp.StatusCode, body)
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready: %v\n%s", err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// boundPort finds the port in the server's "serving" log line.
func boundPort(log string) string {
	for _, line := range strings.Split(log, "\n") {
		var rec struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "serving" {
			if _, p, err := net.SplitHostPort(rec.Addr); err == nil {
				return p
			}
		}
	}
	return ""
}

// TestServeRefusesRolesThatBypassRLS: the server must not run as the owner
// (or a superuser): row-level security would not isolate tenants.
func TestServeRefusesRolesThatBypassRLS(t *testing.T) {
	env, d := portalEnv(t)
	for name, url := range map[string]string{"owner": d.OwnerURL, "superuser": d.AdminURL} {
		env["PORTAL_DATABASE_URL"] = url
		env["PORTAL_WEB_DIR"] = t.TempDir()
		err := run(context.Background(), []string{"serve"}, env.get, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "refusing to start") || !strings.Contains(err.Error(), "row-level security") {
			t.Errorf("serve as %s: %v", name, err)
		}
	}
}

func TestMigrateStatusAndTenantsCommands(t *testing.T) {
	env, _ := portalEnv(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "up"}, env.get, &out, &out); err != nil || !strings.Contains(out.String(), "up to date") {
		t.Fatalf("migrate up on a migrated database: %v\n%s", err, &out)
	}
	out.Reset()
	if err := run(ctx, []string{"migrate", "status"}, env.get, &out, &out); err != nil || strings.Contains(out.String(), "pending") {
		t.Fatalf("migrate status: %v\n%s", err, &out)
	}
	out.Reset()
	if err := run(ctx, []string{"tenants", "apply"}, env.get, &out, &out); err != nil {
		t.Fatalf("tenants apply: %v\n%s", err, &out)
	}
	if !strings.Contains(out.String(), "http://acme-metals.localhost:8080/portal") {
		t.Errorf("apply does not print the portal address:\n%s", &out)
	}
	out.Reset()
	if err := run(ctx, []string{"tenants", "suspend", "acme-metals"}, env.get, &out, &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"tenants", "list"}, env.get, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !regexpLine(out.String(), "acme-metals", "suspended") || !regexpLine(out.String(), "northwind-steel", "active") {
		t.Errorf("list after suspend:\n%s", &out)
	}
	// Re-applying the definitions (as every make run does) keeps the
	// suspension, and without -demo loads no customers.
	out.Reset()
	if err := run(ctx, []string{"tenants", "apply"}, env.get, &out, &out); err != nil || strings.Contains(out.String(), "demo sign-ins") {
		t.Fatalf("re-apply: %v\n%s", err, &out)
	}
	out.Reset()
	if err := run(ctx, []string{"tenants", "list"}, env.get, &out, &out); err != nil || !regexpLine(out.String(), "acme-metals", "suspended") {
		t.Errorf("re-apply lifted the suspension (%v):\n%s", err, &out)
	}
	// A new tenant's first tenant admin comes from the operator.
	out.Reset()
	if err := run(ctx, []string{"tenants", "invite-staff", "northwind-steel", "Boss@Northwind.example", "Pat Boss"}, env.get, &out, &out); err != nil {
		t.Fatalf("invite-staff: %v\n%s", err, &out)
	}
	m := regexp.MustCompile(`http://northwind-steel\.localhost:8080/portal/reset-password#invite=1&token=([A-Za-z0-9_-]{43})\n`).FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(out.String(), "boss@northwind.example") || !strings.Contains(out.String(), "tenant_admin") {
		t.Fatalf("invite-staff output:\n%s", &out)
	}
	app, err := postgres.Open(ctx, env.get("PORTAL_DATABASE_URL"), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	tn, err := app.FindTenantBySlug(ctx, "northwind-steel")
	if err != nil {
		t.Fatal(err)
	}
	auth, tctx := postgres.NewAuthService(app), tenants.NewContext(ctx, tn)
	if err := auth.ResetPassword(tctx, m[1], "Blue-Lathe-Morning-42", portal.Client{}); err != nil {
		t.Fatalf("the printed link does not set a password: %v", err)
	}
	if _, _, u, err := auth.SignIn(tctx, portal.SignInInput{Email: "boss@northwind.example", Password: "Blue-Lathe-Morning-42"}); err != nil || !u.Staff() || u.Role != "tenant_admin" {
		t.Errorf("the invited tenant admin signs in: %+v %v", u, err)
	}
	for _, args := range [][]string{
		{"tenants", "invite-staff", "northwind-steel", "boss@northwind.example", "Again"}, // taken
		{"tenants", "invite-staff", "-role", "buyer", "northwind-steel", "rep@northwind.example", "Rep"},
		{"tenants", "invite-staff", "no-such-tenant", "rep@northwind.example", "Rep"},
		{"tenants", "invite-staff", "northwind-steel"},
	} {
		if err := run(ctx, args, env.get, io.Discard, io.Discard); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
	if err := run(ctx, []string{"tenants", "suspend", "no-such-tenant"}, env.get, io.Discard, io.Discard); err == nil {
		t.Error("suspending an unknown tenant succeeded")
	}
	if err := run(ctx, []string{"bogus"}, env.get, io.Discard, io.Discard); err == nil {
		t.Error("unknown command accepted")
	}
}

// regexpLine reports whether one line of s holds both words.
func regexpLine(s, a, b string) bool {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, a) && strings.Contains(l, b) {
			return true
		}
	}
	return false
}

// mailSubmatch waits for the log-only mailer's line for the newest mail to
// email whose text matches re, and returns re's submatches in it.
func mailSubmatch(t *testing.T, log *syncBuffer, email string, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var found []string
		for _, line := range strings.Split(log.String(), "\n") {
			var rec struct {
				Msg  string
				To   any
				Text string
			}
			if json.Unmarshal([]byte(line), &rec) != nil || !strings.HasPrefix(rec.Msg, "mail: not sent") {
				continue
			}
			if to, _ := json.Marshal(rec.To); !strings.Contains(string(to), email) {
				continue
			}
			if m := re.FindStringSubmatch(rec.Text); m != nil {
				found = m
			}
		}
		if found != nil {
			return found
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail to %s matching %s in the server log:\n%s", email, re, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// mailFromLog is the part of the newest mail to email that re matches.
func mailFromLog(t *testing.T, log *syncBuffer, email string, re *regexp.Regexp) string {
	t.Helper()
	return mailSubmatch(t, log, email, re)[0]
}

// mfaCodeFromLog is the code of the newest code mail to email.
func mfaCodeFromLog(t *testing.T, log *syncBuffer, email string) string {
	t.Helper()
	return mailSubmatch(t, log, email, regexp.MustCompile(`portal is:\s+(\d{6})`))[1]
}

// resetLinkFromLog is the reset link of the newest reset mail to email.
func resetLinkFromLog(t *testing.T, log *syncBuffer, email, origin string) string {
	t.Helper()
	return mailFromLog(t, log, email, regexp.MustCompile(regexp.QuoteMeta(origin+"/portal/reset-password#token=")+`[A-Za-z0-9_%=.~-]+`))
}

// browserSteps are the helpers of one browser test: step runs actions with
// a deadline and keeps a screenshot on failure; text reads an element.
type browserSteps struct {
	t   *testing.T
	ctx context.Context
}

func (b browserSteps) step(name string, d time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := browsertest.WaitFor(b.ctx, d, actions...); err != nil {
		browsertest.Screenshot(b.t, b.ctx, name+"-failed")
		b.t.Fatalf("%s: %v", name, err)
	}
}

func (b browserSteps) text(sel string) string {
	b.t.Helper()
	c, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// tenantTx returns a function running fn in a transaction of the tenant
// slug as the owner of d (the test fails on an error), and the tenant's id:
// how a browser test sets up or checks the data behind its screens.
func tenantTx(t *testing.T, d *pgtest.Database, slug string) (func(fn func(ctx context.Context, tx bun.Tx) error), string) {
	t.Helper()
	owner := d.OpenOwner(t)
	tn, err := owner.FindTenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return func(fn func(ctx context.Context, tx bun.Tx) error) {
		t.Helper()
		if err := owner.InTx(context.Background(), tn.ID, fn); err != nil {
			t.Fatal(err)
		}
	}, tn.ID
}
