// Package http is the portal's HTTP layer: one chi router for every tenant,
// tenant resolution from the Host header, the JSON APIs, health endpoints,
// and the per-tenant PWA mounted behind them.
package http

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
)

// Pinger is a dependency whose health /readyz reports.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server holds what the handlers need. Build it with NewServer.
type Server struct {
	Tenants    portal.TenantFinder
	BaseDomain string       // tenants are served at <slug>.<BaseDomain>
	Ready      []Check      // what /readyz checks
	PWA        http.Handler // the per-tenant go-app handler; expects the tenant in the context
	Auth       portal.AuthService
	Resets     portal.PasswordResetService
	Sessions   portal.SessionService
	Users      portal.UserService
	MFA        portal.MFAService
	Account    portal.AccountService
	// Orders reads a customer's dashboard, orders, shipments and payments.
	Orders portal.OrderService
	// Invoices reads a customer's invoices (nil: the invoice routes answer 404).
	Invoices portal.InvoiceService
	// Ledger reads a customer's receipts and credit notes (nil: 404).
	Ledger portal.LedgerService
	// Documents are the customer's documents and the ERP's uploads.
	Documents portal.DocumentService
	// DocumentMail sends a document by e-mail for a customer user.
	DocumentMail portal.DocumentMailer
	// CardPayments pays invoices by card through the tenant's Stripe
	// connected account, with StripePublishableKey handed to Stripe.js;
	// nil or no key: the portal takes no card payments.
	CardPayments         portal.CardPaymentService
	StripePublishableKey string
	// PaymentMethods are the account's saved cards (nil: none).
	PaymentMethods portal.PaymentMethodService
	// ParseCardEvent verifies and reads a Stripe webhook (body and
	// Stripe-Signature header) and CardEvents applies it; either nil: the
	// webhook endpoint answers 404.
	ParseCardEvent func(payload []byte, signature string) (*portal.CardEvent, error)
	CardEvents     portal.CardEventApplier
	Mailer         portal.Mailer
	// APIKeys authenticates the tenant's API keys (nil: key routes answer
	// 401); BackOffice applies what the ERP pushes with one.
	APIKeys portal.APIKeyService
	// KeyManager is the tenant admins' management of those keys.
	KeyManager portal.APIKeyManager
	// Webhooks are the tenant's webhook endpoints; WebhookClient sends
	// their deliveries (default: the guarded client, no loopback).
	Webhooks      portal.WebhookService
	WebhookClient *http.Client
	// WebhookDeliveries reads the delivery log and replays.
	WebhookDeliveries portal.WebhookDeliveryService
	BackOffice        portal.BackOfficeService
	// Ecommerce is the storefront's e-commerce API (nil: its routes answer
	// 401); RateLimiter counts its requests per key and route (nil: no
	// limits, for tests of other areas only).
	Ecommerce   portal.EcommerceService
	RateLimiter portal.RateLimiter
	// Shop is the portal shop's catalog (issue 8; nil: its routes answer
	// 404); CatalogSync applies the ERP's prices and catalog details.
	Shop        portal.ShopService
	CatalogSync portal.CatalogSync
	// SSO keeps single sign-on state and opens SSO sessions; nil: no SSO.
	SSO portal.SSOService
	// Getenv reads the server's environment: a tenant's SSO client secret
	// is the variable its definition names. Default os.Getenv.
	Getenv func(string) string
	// SSOHTTPClient talks to identity providers. Default: 10 s timeout.
	SSOHTTPClient *http.Client
	// Onboarding: access requests, self-registration and their staff queue.
	Onboarding     portal.OnboardingService
	OnboardingMail portal.OnboardingMailer
	// Reorder, order approvals and product reviews (issue 8); nil: their
	// routes answer 404. ApprovalMail tells Admins of held orders and
	// requesters of decisions (nil: no mail).
	Reorders     portal.ReorderService
	Approvals    portal.ApprovalService
	Reviews      portal.ReviewService
	ApprovalMail portal.ApprovalMailer
	// Cart, checkout, quick order and guest checkout (issue 8); nil: their
	// routes answer 404. CheckoutMail confirms guest orders by e-mail.
	// PurchaseLists are the saved lists (nil: 404).
	Cart          portal.CartService
	CheckoutMail  portal.CheckoutMailer
	PurchaseLists portal.PurchaseListService
	// Quotes is the quote workflow (quotes feature); QuoteMail tells
	// customers their quote was answered (nil: no mail).
	Quotes    portal.QuoteService
	QuoteMail portal.QuoteMailer
	// Authz answers what a role may do in a tenant: route checks and the
	// capabilities of /api/v1/me.
	Authz  *policies.Authorizer
	Logger *slog.Logger

	// TrustedProxies are the load balancers in front of the server: from
	// them, and only them, X-Forwarded-For names the client and
	// X-Forwarded-Proto the scheme (see clientAddress).
	TrustedProxies []netip.Prefix

	// TenantCacheTTL bounds how long a resolved (or unknown) host is
	// remembered; a suspension takes effect within it. Default 10 s.
	TenantCacheTTL time.Duration

	router chi.Router
	cache  *tenantCache
	csrf   *http.CrossOriginProtection
	bg     sync.WaitGroup

	apiRoutes    []Route
	ssoProviders ssoProviders
}

// Check is one named readiness check.
type Check struct {
	Name string
	Ping Pinger
}

// NewServer returns the server with its routes.
func NewServer(s *Server) *Server {
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Getenv == nil {
		s.Getenv = os.Getenv
	}
	if s.TenantCacheTTL == 0 {
		s.TenantCacheTTL = 10 * time.Second
	}
	s.cache = newTenantCache(s.TenantCacheTTL, 10_000)
	s.csrf = http.NewCrossOriginProtection()
	s.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeProblem(w, r, http.StatusForbidden, api.Problem{Title: "Forbidden", Code: api.CodeForbidden,
			Detail: "Cross-site requests are not allowed."})
	}))
	s.router = s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}
