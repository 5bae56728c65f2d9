package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/portal/backend/api"
	porthttp "example.com/portal/backend/internal/http"
	"example.com/portal/backend/internal/mail"
	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/sealed"
	"example.com/portal/backend/internal/stripe"
	"example.com/portal/backend/internal/stripe/stripetest"
	"example.com/portal/backend/internal/webhook"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// env is a server over a real test database holding two tenants, acme
// (with the custom domain portal.acme.example) and suspended "dormant".
// syncBuilder is a strings.Builder safe for the server's background mail.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testStripeWebhookSecret signs the Stripe events the tests send.
const testStripeWebhookSecret = "whsec_test_portal"

type env struct {
	srv    *porthttp.Server
	logs   *syncBuilder
	db     *postgres.DB // as the app role
	owner  *postgres.DB
	stripe *stripetest.Recorder // requests to stripe-mock
	pg     *pgtest.Database
	authz  *policies.Authorizer // the server's; a test may customise a tenant's rows
}

func newEnv(t *testing.T, pwa http.Handler, checks ...porthttp.Check) *env {
	t.Helper()
	ctx := context.Background()
	d := pgtest.New(t)
	owner := d.OpenOwner(t)
	acme := newTenant("acme", "Acme Metals", tenants.StatusActive, "portal.acme.example")
	acme.Settings.StripeAccount = "acct_1AcmeTest"
	for _, tn := range []*tenants.Tenant{
		acme,
		newTenant("dormant", "Dormant Steel", tenants.StatusSuspended),
	} {
		if err := owner.ApplyTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
	}
	seedUser(t, owner, "acme", "jane@acme-customer.example", "Jane Buyer", "buyer")
	box, err := sealed.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	db := d.OpenApp(t, postgres.Options{Secrets: box})
	if pwa == nil {
		pwa = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tn, _ := tenants.FromContext(r.Context())
			io.WriteString(w, "page of "+tn.Name)
		})
	}
	logs := &syncBuilder{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	sender, err := mail.New(mail.Config{From: "no-reply@portal.test", LogOnly: true}, logger)
	if err != nil {
		t.Fatal(err)
	}
	auth := postgres.NewAuthService(db)
	cards, rec := stripetest.Unchecked(t)
	cardPayments := postgres.NewCardPaymentService(db, cards)
	cart := postgres.NewCartService(db, cards) // checkout (issue 8)
	invoices := postgres.NewInvoiceService(db)
	keys := postgres.NewAPIKeyService(db)
	webhooks := postgres.NewWebhookService(db)
	webhooks.AllowHTTP = true // receivers of the tests are on loopback
	deliverer, err := postgres.NewDeliverer(db, webhooks, postgres.DeliveryConfig{Client: webhook.Guard{AllowLoopback: true}.Client(5 * time.Second), Workers: 4, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	authz, err := policies.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := porthttp.NewServer(&porthttp.Server{
		Tenants: db, BaseDomain: "portal.test", PWA: pwa, Ready: checks, Auth: auth, Resets: auth,
		Mailer: &mail.Notifier{Sender: sender},
		Authz:  authz, Sessions: auth, MFA: auth, Users: postgres.NewUserService(db), Account: postgres.NewAccountService(db),
		Orders:   postgres.NewOrderService(db),
		Invoices: invoices, Ledger: invoices,
		CardPayments: cardPayments, StripePublishableKey: "pk_test_portal", CardEvents: cardPayments, PaymentMethods: cardPayments,
		ParseCardEvent: func(payload []byte, sig string) (*portal.CardEvent, error) {
			return stripe.ParseEvent(payload, sig, testStripeWebhookSecret)
		},
		Onboarding: postgres.NewOnboardingService(db), OnboardingMail: &mail.Notifier{Sender: sender},
		DocumentMail: &mail.Notifier{Sender: sender},
		Logger:       logger,
		// The back-office API: tenant API keys and the ERP's batches.
		APIKeys: keys, KeyManager: keys, Webhooks: webhooks, WebhookDeliveries: deliverer, WebhookClient: webhook.Guard{AllowLoopback: true}.Client(5 * time.Second), BackOffice: postgres.NewBackOfficeService(db),
		Ecommerce: postgres.NewEcommerceService(db, nil), RateLimiter: postgres.NewRateLimiter(db),
		// Reorder, order approvals and product reviews (issue 8).
		Reorders: postgres.NewReorderService(db), Approvals: postgres.NewApprovalService(db), Reviews: postgres.NewReviewService(db),
		ApprovalMail: &mail.Notifier{Sender: sender},
		// Cart, checkout and purchase lists (issue 8).
		Cart: cart, CheckoutMail: &mail.Notifier{Sender: sender}, PurchaseLists: postgres.NewPurchaseListService(db, cart),
		// Quotes feature.
		Quotes: postgres.NewQuoteService(db, nil), QuoteMail: &mail.Notifier{Sender: sender},
		Shop: postgres.NewShopService(db), CatalogSync: postgres.NewBackOfficeService(db), // shop (issue 8)
	})
	return &env{srv: srv, logs: logs, db: db, owner: owner, stripe: rec, pg: d, authz: authz}
}

func newTenant(slug, name string, status tenants.Status, hosts ...string) *tenants.Tenant {
	return &tenants.Tenant{Slug: slug, Name: name, Status: status, Hosts: hosts,
		Branding: tenants.Branding{PrimaryColor: "#aa0000", AccentColor: "#00aa00", BackgroundColor: "#ffffff", SupportEmail: "help@" + slug + ".example"}}
}

func (e *env) do(method, host, path string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	r.Host = host
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	return w
}

func TestTenantResolution(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, host, path string
		status           int
		body             string
	}{
		{"sub-domain", "acme.portal.test:8080", "/portal", 200, "page of Acme Metals"},
		{"sub-domain, any case", "ACME.Portal.Test", "/portal", 200, "page of Acme Metals"},
		{"custom domain", "portal.acme.example", "/portal", 200, "page of Acme Metals"},
		{"unknown sub-domain", "nobody.portal.test", "/portal", 404, "There is no portal at this address."},
		{"unknown host", "evil.example", "/portal", 404, "There is no portal at this address."},
		{"base domain itself", "portal.test", "/portal", 404, "There is no portal at this address."},
		{"suspended tenant", "dormant.portal.test", "/portal", 403, "currently unavailable"},
		{"suspended tenant api", "dormant.portal.test", "/api/v1/tenant", 403, `"code":"forbidden"`},
		{"unknown host api", "nobody.portal.test", "/api/v1/tenant", 404, `"code":"not_found"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do("GET", tt.host, tt.path)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.body) {
				t.Fatalf("GET %s%s = %d %q; want %d containing %q", tt.host, tt.path, w.Code, w.Body.String(), tt.status, tt.body)
			}
			for h, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
				if w.Header().Get(h) != v {
					t.Errorf("%s = %q, want %q", h, w.Header().Get(h), v)
				}
			}
			if tt.status == 404 && strings.Contains(w.Body.String(), "Acme") {
				t.Error("404 page names a tenant")
			}
		})
	}
}

func TestTenantAPI(t *testing.T) {
	e := newEnv(t, nil)
	w := e.do("GET", "acme.portal.test", api.PathTenant)
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var got api.Tenant
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Name != "Acme Metals" || got.Slug != "acme" || got.SupportEmail != "help@acme.example" || got.PrimaryColor != "#aa0000" {
		t.Errorf("tenant = %+v", got)
	}

	w = e.do("GET", "acme.portal.test", api.PathMe)
	p := decodeProblem(t, w, http.StatusUnauthorized)
	if p.Code != api.CodeUnauthorized || p.RequestID == "" || p.RequestID != w.Header().Get("X-Request-Id") {
		t.Errorf("problem = %+v, header id %q", p, w.Header().Get("X-Request-Id"))
	}

	w = e.do("GET", "acme.portal.test", "/api/v1/no-such-thing")
	if p := decodeProblem(t, w, http.StatusNotFound); p.Code != api.CodeNotFound {
		t.Errorf("unknown api path: %+v", p)
	}
	w = e.do("POST", "acme.portal.test", api.PathTenant)
	if p := decodeProblem(t, w, http.StatusMethodNotAllowed); p.Code != api.CodeInvalid {
		t.Errorf("wrong method: %+v", p)
	}
}

func TestSuspensionTakesEffect(t *testing.T) {
	e := newEnv(t, nil)
	if w := e.do("GET", "acme.portal.test", "/portal"); w.Code != 200 {
		t.Fatalf("before suspension: %d", w.Code)
	}
	if err := e.owner.SetTenantStatus(context.Background(), "acme", tenants.StatusSuspended); err != nil {
		t.Fatal(err)
	}
	// Within the cache's TTL the old answer stands; a server whose TTL has
	// passed (here: a new one, with an empty cache) refuses.
	if w := e.do("GET", "acme.portal.test", "/portal"); w.Code != 200 {
		t.Errorf("cached resolution not used: %d", w.Code)
	}
	fresh := porthttp.NewServer(&porthttp.Server{Tenants: e.db, BaseDomain: "portal.test", PWA: e.srv.PWA, Logger: e.srv.Logger})
	r := httptest.NewRequest("GET", "/portal", nil)
	r.Host = "acme.portal.test"
	w := httptest.NewRecorder()
	fresh.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden {
		t.Errorf("after suspension: %d, want 403", w.Code)
	}
}

func TestAppRoleCannotWriteTenants(t *testing.T) {
	e := newEnv(t, nil)
	for _, q := range []string{
		`UPDATE tenants SET status = 'active'`,
		`INSERT INTO tenant_hosts (host, tenant_id) SELECT 'evil.example', id FROM tenants LIMIT 1`,
		`DELETE FROM tenant_hosts`,
	} {
		if _, err := e.db.Pool.Exec(context.Background(), q); err == nil {
			t.Errorf("app role may run %q", q)
		}
	}
}

func TestPanicIsA500WithRequestID(t *testing.T) {
	e := newEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("secret connection string postgres://u:hunter2@db")
	}))
	w := e.do("GET", "acme.portal.test", "/portal")
	p := decodeProblem(t, w, http.StatusInternalServerError)
	if p.Code != api.CodeInternal || p.RequestID == "" {
		t.Errorf("problem = %+v", p)
	}
	if strings.Contains(w.Body.String(), "hunter2") || strings.Contains(w.Body.String(), "goroutine") {
		t.Errorf("500 body leaks the panic: %s", w.Body)
	}
	if !strings.Contains(e.logs.String(), p.RequestID) || !strings.Contains(e.logs.String(), "goroutine") {
		t.Error("the log lacks the request id or the stack")
	}
}

func TestRequestIDs(t *testing.T) {
	e := newEnv(t, nil)
	r := httptest.NewRequest("GET", "/portal", nil)
	r.Host = "acme.portal.test"
	r.Header.Set("X-Request-Id", "proxy-assigned-1234")
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	if got := w.Header().Get("X-Request-Id"); got != "proxy-assigned-1234" {
		t.Errorf("well-formed proxy id not kept: %q", got)
	}
	r.Header.Set("X-Request-Id", "bad\nid injected into logs")
	w = httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	if got := w.Header().Get("X-Request-Id"); strings.Contains(got, "\n") || len(got) != 24 {
		t.Errorf("malformed proxy id accepted: %q", got)
	}
	// One JSON log line per request, naming the tenant, never the query.
	e.do("GET", "acme.portal.test", "/portal?token=s3cret")
	lines := strings.Split(strings.TrimSpace(e.logs.String()), "\n")
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatalf("log line is not JSON: %v", err)
	}
	if last["tenant"] != "acme" || last["path"] != "/portal" || last["request_id"] == "" || last["status"] != float64(200) {
		t.Errorf("log line = %v", last)
	}
	if strings.Contains(e.logs.String(), "s3cret") {
		t.Error("query string logged")
	}
}

type pingFunc func(context.Context) error

func (f pingFunc) Ping(ctx context.Context) error { return f(ctx) }

func TestHealth(t *testing.T) {
	down := pingFunc(func(context.Context) error { return errors.New("dial tcp 10.1.2.3:9000: refused") })
	up := pingFunc(func(context.Context) error { return nil })

	e := newEnv(t, nil, porthttp.Check{Name: "up", Ping: up}, porthttp.Check{Name: "down", Ping: down})
	if w := e.do("GET", "10.0.0.1:8080", "/healthz"); w.Code != 200 {
		t.Errorf("/healthz on a bare address = %d", w.Code)
	}
	w := e.do("GET", "10.0.0.1:8080", "/readyz")
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), `"down":"unavailable"`) ||
		!strings.Contains(w.Body.String(), `"up":"ok"`) {
		t.Errorf("/readyz with a failing check = %d %s", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "10.1.2.3") {
		t.Error("/readyz leaks an internal address")
	}

	e = newEnv(t, nil, porthttp.Check{Name: "postgres", Ping: e.db})
	if w := e.do("GET", "localhost", "/readyz"); w.Code != 200 {
		t.Errorf("/readyz with PostgreSQL up = %d %s", w.Code, w.Body)
	}
}

func decodeProblem(t *testing.T, w *httptest.ResponseRecorder, status int) api.Problem {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status = %d, want %d: %s", w.Code, status, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q", ct)
	}
	var p api.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != status {
		t.Errorf("problem status %d, want %d", p.Status, status)
	}
	return p
}
