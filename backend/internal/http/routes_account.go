package http

import "github.com/go-chi/chi/v5"

// accountRoutes registers the routes of the the signed-in user's profile, addresses and notification preferences.
func (s *Server) accountRoutes(r chi.Router) {
	_ = r
}
