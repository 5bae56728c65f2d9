package http

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

func toAPIAccountUser(u portal.AccountUser) api.AccountUser {
	return api.AccountUser{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Status: u.Status,
		LastSignInAt: u.LastSignInAt, CreatedAt: u.CreatedAt}
}

// handleUserList lists the users of the caller's customer account.
func (s *Server) handleUserList(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	list, err := s.Users.ListUsers(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := make([]api.AccountUser, 0, len(list))
	for _, u := range list {
		out = append(out, toAPIAccountUser(u))
	}
	return writeJSON(w, http.StatusOK, out)
}

// handleUserInvite invites a user and mails the invitation in the
// background.
func (s *Server) handleUserInvite(w http.ResponseWriter, r *http.Request) error {
	var in api.Invite
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	u, token, err := s.Users.InviteUser(r.Context(), cur.user, portal.InviteInput{Email: in.Email, Name: in.Name, Role: in.Role, Client: clientOf(r)})
	if err != nil {
		return err
	}
	s.mailInvitation(r, *cur.user, *u, token)
	return writeJSON(w, http.StatusCreated, toAPIAccountUser(*u))
}

// handleInvitationResend sends an invited user a new invitation.
func (s *Server) handleInvitationResend(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	u, token, err := s.Users.ResendInvitation(r.Context(), cur.user, chi.URLParam(r, "id"), clientOf(r))
	if err != nil {
		return err
	}
	s.mailInvitation(r, *cur.user, *u, token)
	return writeJSON(w, http.StatusOK, toAPIAccountUser(*u))
}

// mailInvitation mails invitee the invitation link of token in the
// background; a failure is logged (the Admin can resend).
func (s *Server) mailInvitation(r *http.Request, inviter portal.User, invitee portal.AccountUser, token string) {
	t, _ := tenants.FromContext(r.Context())
	base := originOf(r)
	link := invitationLink(base, token)
	rid := RequestIDFrom(r.Context())
	s.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.Mailer.SendInvitation(ctx, t, base, inviter, invitee, link); err != nil {
			s.Logger.Error("send invitation", "request_id", rid, "tenant", t.Slug, "error", err.Error())
		}
	})
}

// handleUserUpdate changes a user's role or status.
func (s *Server) handleUserUpdate(w http.ResponseWriter, r *http.Request) error {
	var in api.UserUpdate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	u, err := s.Users.UpdateUser(r.Context(), cur.user, chi.URLParam(r, "id"), portal.UserUpdate{Role: in.Role, Status: in.Status, Client: clientOf(r)})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIAccountUser(*u))
}

// handleUserSessionsEnd signs a user of the account out everywhere.
func (s *Server) handleUserSessionsEnd(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	if err := s.Users.EndUserSessions(r.Context(), cur.user, chi.URLParam(r, "id"), clientOf(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleAuditEventList lists the account's security events.
func (s *Server) handleAuditEventList(w http.ResponseWriter, r *http.Request) error {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return &portal.Error{Code: portal.EINVALID, Message: "Check the query.",
				Fields: []portal.FieldError{{Field: "limit", Message: "Must be a number from 1 to 200."}}}
		}
		limit = n
	}
	cur, _ := userFrom(r.Context())
	list, err := s.Users.ListAuditEvents(r.Context(), cur.user, limit)
	if err != nil {
		return err
	}
	out := make([]api.AuditEvent, 0, len(list))
	for _, e := range list {
		out = append(out, api.AuditEvent{ID: e.ID, OccurredAt: e.OccurredAt, Kind: e.Kind, Email: e.Email,
			ClientIP: e.ClientIP, UserAgent: e.UserAgent, Detail: e.Detail})
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}
