package http

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
)

// routes lists every route of the portal in one place. Health endpoints
// answer on any host (load balancers probe by address); everything else
// belongs to the tenant named by the Host header.
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(s.requestID, s.logRequests, s.recoverPanics, securityHeaders)

	r.Get("/healthz", s.handleHealthz)
	r.Get("/readyz", s.handleReadyz)

	r.Group(func(r chi.Router) {
		r.Use(s.resolveTenant)

		r.Route("/api/v1", func(r chi.Router) {
			// Cross-site state-changing requests are refused by the
			// browser's own Sec-Fetch-Site / Origin headers: the session
			// cookie cannot be ridden from another site (CSRF).
			r.Use(s.csrf.Handler, s.loadSession)
			r.Get(stripPrefix(api.PathTenant), s.handle(s.handleTenantGet))
			r.Get(stripPrefix(api.PathMe), s.handle(s.handleMeGet))
			r.Post(stripPrefix(api.PathSession), s.handle(s.handleSessionCreate))
			r.Delete(stripPrefix(api.PathSession), s.handle(s.handleSessionDelete))
			r.Post(stripPrefix(api.PathPasswordReset), s.handle(s.handlePasswordResetRequest))
			r.Post(stripPrefix(api.PathPasswordResetConfirm), s.handle(s.handlePasswordResetConfirm))
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

func stripPrefix(p string) string { return p[len("/api/v1"):] }
