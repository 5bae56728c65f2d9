package http

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
)

// handleMySessionList lists the signed-in user's sessions.
func (s *Server) handleMySessionList(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	list, err := s.Sessions.ListSessions(r.Context(), cur.user.ID)
	if err != nil {
		return err
	}
	out := make([]api.Session, 0, len(list))
	for _, x := range list {
		out = append(out, api.Session{ID: x.ID, Current: x.ID == cur.session.ID, CreatedAt: x.CreatedAt,
			LastSeenAt: x.LastSeenAt, ExpiresAt: x.ExpiresAt, Remember: x.Remember, UserAgent: x.UserAgent, ClientIP: x.ClientIP})
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

// handleMySessionDelete ends one of the user's sessions; ending the current
// one also clears its cookie.
func (s *Server) handleMySessionDelete(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	id := chi.URLParam(r, "id")
	if err := s.Sessions.EndSession(r.Context(), cur.user.ID, id, clientOf(r)); err != nil {
		return err
	}
	if id == cur.session.ID {
		s.clearSessionCookie(w, r)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleMyPasswordChange changes the user's password; this session stays.
func (s *Server) handleMyPasswordChange(w http.ResponseWriter, r *http.Request) error {
	var in api.PasswordChange
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	if err := s.Sessions.ChangePassword(r.Context(), cur.user.ID, cur.session.ID, in.CurrentPassword, in.Password, clientOf(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
