package http

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"example.com/portal/backend/api"
	"example.com/portal/tenants"
)

// resetAccepted is the one answer to a reset request, whether or not the
// address has an account.
var resetAccepted = api.Accepted{Detail: "If an account uses this address, we have sent it a link to reset the password. The link works once, for one hour."}

// handlePasswordResetRequest mails a reset link (POST /api/v1/password-reset).
// The mail goes out in the background, so an address with an account
// answers as fast as one without.
func (s *Server) handlePasswordResetRequest(w http.ResponseWriter, r *http.Request) error {
	var in api.PasswordResetRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	req, err := s.Resets.RequestPasswordReset(r.Context(), in.Email, clientOf(r))
	if err != nil {
		return err
	}
	if req != nil {
		t, _ := tenants.FromContext(r.Context())
		base := originOf(r)
		link := base + api.PageResetPassword + "#" + url.Values{"token": {req.Token}}.Encode()
		rid := RequestIDFrom(r.Context())
		s.background(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := s.Mailer.SendPasswordReset(ctx, t, base, req.User, link); err != nil {
				s.Logger.Error("send password reset", "request_id", rid, "tenant", t.Slug, "error", err.Error())
			}
		})
	}
	return writeJSON(w, http.StatusAccepted, resetAccepted)
}

// handlePasswordResetConfirm sets the new password (POST
// /api/v1/password-reset/confirm).
func (s *Server) handlePasswordResetConfirm(w http.ResponseWriter, r *http.Request) error {
	var in api.PasswordResetConfirm
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.Resets.ResetPassword(r.Context(), in.Token, in.Password, clientOf(r)); err != nil {
		return err
	}
	// This browser's session, if any, ended with all the others.
	s.clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// originOf is the tenant's portal origin for links in e-mails. The host is
// the one the tenant was resolved from, without any port the client put in
// the Host header (a link must not point the reader at a port an attacker
// chose); only plain-HTTP development on *.localhost keeps its port.
func originOf(r *http.Request) string {
	if insecureDev(r) {
		return "http://" + r.Host // keeps the dev server's port
	}
	return "https://" + tenants.NormalizeHost(r.Host)
}

// background runs fn after the response, tracked so that Wait can let it
// finish before the process exits.
func (s *Server) background(fn func()) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		fn()
	}()
}

// Wait blocks until background work (e-mails) has finished; call it after
// the HTTP server has shut down.
func (s *Server) Wait() { s.bg.Wait() }
