package http

import "github.com/go-chi/chi/v5"

// ssoRoutes registers the routes of the single sign-on with the tenant's OpenID Connect provider.
func (s *Server) ssoRoutes(r chi.Router) {
	_ = r
}
