package http

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// Access is what an API route requires: nothing (Public), or a signed-in
// user whose role has Permission in the tenant.
type Access struct {
	Public     bool
	Permission policies.Permission
	// MFAPending: only a sign-in awaiting its second factor (and no full
	// session) may call the route.
	MFAPending bool
	// Scope: only a tenant API key with this scope may call the route
	// (the back-office API); sessions do not count.
	Scope string
	// Ecommerce: a route of the e-commerce API, AuthAPIKey (an ecommerce
	// key, or a customer token standing for its key) or AuthCustomerToken
	// (only a customer token, whose user must hold Permission).
	Ecommerce string
	// RateLimit: at most RateLimit.N requests per RateLimit.Per for each
	// API key on this route (e-commerce routes); zero: none.
	RateLimit portal.RateLimit
	// Guest (shop, issue 8): without any session the route is open when
	// the tenant lets guests browse (settings.guest_browse); a signed-in
	// user still needs Permission.
	Guest bool
}

var public = Access{Public: true}

// mfaPending is the access of the second-factor challenge routes.
var mfaPending = Access{MFAPending: true}

func needs(p policies.Permission) Access { return Access{Permission: p} }

// Route is one API route and the access it declares; Routes lists them so
// the role × route matrix test is generated from the router itself.
type Route struct {
	Method, Pattern string
	Access          Access
}

// routes lists every route of the portal in one place. Health endpoints
// answer on any host (load balancers probe by address); everything else
// belongs to the tenant named by the Host header. Every API route declares
// its access here; there is no other way to add one.
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(s.requestID, s.clientAddress, s.logRequests, s.recoverPanics, securityHeaders)

	r.Get("/healthz", s.handleHealthz)
	r.Get("/readyz", s.handleReadyz)
	r.Post(PathStripeWebhook, s.handle(s.handleStripeWebhook))

	r.Group(func(r chi.Router) {
		r.Use(s.resolveTenant)

		r.Route("/api/v1", func(r chi.Router) {
			// Cross-site state-changing requests are refused by the
			// browser's own Sec-Fetch-Site / Origin headers: the session
			// cookie cannot be ridden from another site (CSRF).
			r.Use(s.csrf.Handler, s.loadSession)
			s.api(r, "GET", api.PathTenant, public, s.handleTenantGet)
			s.api(r, "POST", api.PathSession, public, s.handleSessionCreate)
			s.api(r, "DELETE", api.PathSession, public, s.handleSessionDelete)
			s.api(r, "POST", api.PathPasswordReset, public, s.handlePasswordResetRequest)
			s.api(r, "POST", api.PathPasswordResetConfirm, public, s.handlePasswordResetConfirm)
			s.api(r, "GET", api.PathMe, needs(policies.ProfileRead), s.handleMeGet)
			s.api(r, "GET", api.PathMySessions, needs(policies.ProfileRead), s.handleMySessionList)
			s.api(r, "DELETE", api.PathMySessions+"/{id}", needs(policies.ProfileUpdate), s.handleMySessionDelete)
			s.api(r, "PUT", api.PathMyPassword, needs(policies.ProfileUpdate), s.handleMyPasswordChange)
			s.api(r, "GET", api.PathUsers, needs(policies.CustomerUsersRead), s.handleUserList)
			s.api(r, "POST", api.PathUsers, needs(policies.CustomerUsersManage), s.handleUserInvite)
			s.api(r, "PATCH", api.PathUsers+"/{id}", needs(policies.CustomerUsersManage), s.handleUserUpdate)
			s.api(r, "DELETE", api.PathUsers+"/{id}/sessions", needs(policies.CustomerUsersManage), s.handleUserSessionsEnd)
			s.api(r, "POST", api.PathUsers+"/{id}/invitation", needs(policies.CustomerUsersManage), s.handleInvitationResend)
			s.api(r, "GET", api.PathAuditEvents, needs(policies.AuditLogRead), s.handleAuditEventList)
			// The same handlers serve a tenant admin managing the staff:
			// the service scopes users to the actor's account.
			s.api(r, "GET", api.PathStaffUsers, needs(policies.StaffUsersRead), s.handleUserList)
			s.api(r, "POST", api.PathStaffUsers, needs(policies.StaffUsersManage), s.handleUserInvite)
			s.api(r, "PATCH", api.PathStaffUsers+"/{id}", needs(policies.StaffUsersManage), s.handleUserUpdate)
			s.api(r, "DELETE", api.PathStaffUsers+"/{id}/sessions", needs(policies.StaffUsersManage), s.handleUserSessionsEnd)
			s.api(r, "POST", api.PathStaffUsers+"/{id}/invitation", needs(policies.StaffUsersManage), s.handleInvitationResend)
			// Each area registers its routes in its own file, still only
			// through s.api.
			s.mfaRoutes(r)
			s.ssoRoutes(r)
			s.onboardingRoutes(r)
			s.accountRoutes(r)
			s.orderRoutes(r)
			s.cardPaymentRoutes(r)
			s.paymentMethodRoutes(r)
			s.invoiceRoutes(r)
			s.ledgerRoutes(r)
			s.documentRoutes(r)
			s.apiKeyRoutes(r)
			s.webhookRoutes(r)
			s.backOfficeRoutes(r)
			s.ecommerceRoutes(r)
			// Reorder, order approvals and product reviews (issue 8).
			s.reorderRoutes(r)
			s.cartRoutes(r)         // cart, checkout, quick order, guest checkout (issue 8)
			s.purchaseListRoutes(r) // purchase lists (issue 8)
			// Quotes feature.
			s.quoteRoutes(r)
			s.shopRoutes(r)              // shop and catalog (issue 8)
			s.backOfficePricingRoutes(r) // the ERP's prices and catalog details (issue 8)

			r.NotFound(s.handle(func(w http.ResponseWriter, r *http.Request) error {
				return errNotFound
			}))
			r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
				s.writeProblem(w, r, http.StatusMethodNotAllowed, api.Problem{
					Title: "Method not allowed", Code: api.CodeInvalid,
					Detail: r.Method + " is not supported on " + r.URL.Path + ".",
				})
			})
		})

		// Everything else is the tenant's PWA: pages, manifest, service
		// worker, app.wasm and static files.
		r.Handle("/*", s.PWA)
	})
	return r
}

// api registers an API route with the access it requires.
func (s *Server) api(r chi.Router, method, path string, a Access, h func(http.ResponseWriter, *http.Request) error) {
	s.apiRoutes = append(s.apiRoutes, Route{Method: method, Pattern: path, Access: a})
	handler := s.handle(h)
	switch {
	case a.MFAPending:
		handler = s.handle(s.requirePending(h))
	case a.Ecommerce != "":
		handler = s.handle(s.requireShopper(a, method+" "+path, h))
	case a.Scope != "":
		handler = s.handle(s.requireAPIKey(a.Scope, h))
	case a.Guest: // shop (issue 8)
		handler = s.handle(s.authorizeGuest(a.Permission, h))
	case !a.Public:
		handler = s.handle(s.authorize(a.Permission, h))
	}
	r.Method(method, path[len("/api/v1"):], handler)
}

// authorize requires a signed-in user whose role has p in the tenant: 401
// when signed out, 403 when the role lacks it.
func (s *Server) authorize(p policies.Permission, next func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		cur, ok := userFrom(r.Context())
		if _, pending := pendingFrom(r.Context()); pending {
			s.writeProblem(w, r, http.StatusUnauthorized, api.Problem{Title: "Unauthorized", Code: api.CodeMFARequired,
				Detail: "Enter the code of your second factor to finish signing in."})
			return nil
		}
		if !ok {
			return portal.Errorf(portal.EUNAUTHORIZED, "Sign in to continue.")
		}
		t, _ := tenants.FromContext(r.Context())
		if s.Authz == nil || !s.Authz.Allowed(t.ID, cur.user.Role, p) {
			return portal.Errorf(portal.EFORBIDDEN, "Your role does not allow this.")
		}
		if answered, err := s.registrationGate(w, r, cur.user); answered || err != nil {
			return err
		}
		return next(w, r)
	}
}

// Routes returns every API route with its declared access.
func (s *Server) Routes() []Route { return append([]Route(nil), s.apiRoutes...) }

// Router returns the chi router, for tests that walk it.
func (s *Server) Router() chi.Routes { return s.router }
