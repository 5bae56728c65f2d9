package http

import "github.com/go-chi/chi/v5"

// mfaRoutes registers the routes of the second factor: TOTP enrolment, challenge, recovery codes.
func (s *Server) mfaRoutes(r chi.Router) {
	_ = r
}
