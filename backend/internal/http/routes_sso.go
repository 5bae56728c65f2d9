package http

import (
	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
)

// ssoRoutes registers the routes of the single sign-on with the tenant's OpenID Connect provider.
func (s *Server) ssoRoutes(r chi.Router) {
	s.api(r, "GET", api.PathSSOStart, public, s.handleSSOStart)
	s.api(r, "GET", api.PathSSOCallback, public, s.handleSSOCallback)
}
