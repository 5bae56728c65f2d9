package http

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
)

// apiKeyRoutes are the tenant admins' management of API keys.
func (s *Server) apiKeyRoutes(r chi.Router) {
	s.api(r, "GET", api.PathAPIKeys, needs(policies.APIKeysManage), s.handleAPIKeyList)
	s.api(r, "POST", api.PathAPIKeys, needs(policies.APIKeysManage), s.handleAPIKeyCreate)
	s.api(r, "POST", api.PathAPIKeys+"/{id}/rotation", needs(policies.APIKeysManage), s.handleAPIKeyRotate)
	s.api(r, "DELETE", api.PathAPIKeys+"/{id}", needs(policies.APIKeysManage), s.handleAPIKeyRevoke)
}

func (s *Server) handleAPIKeyList(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	keys, err := s.KeyManager.ListAPIKeys(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := api.APIKeyList{Keys: make([]api.APIKey, 0, len(keys)), Scopes: portal.Scopes}
	for i := range keys {
		out.Keys = append(out.Keys, toAPIKey(&keys[i]))
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleAPIKeyCreate(w http.ResponseWriter, r *http.Request) error {
	var in api.CreateAPIKeyRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	k, full, err := s.KeyManager.CreateAPIKey(r.Context(), cur.user, portal.CreateAPIKeyInput{Name: in.Name, Scopes: in.Scopes}, clientOf(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, api.APIKeyCreated{APIKey: toAPIKey(k), Key: full})
}

func (s *Server) handleAPIKeyRotate(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	k, full, err := s.KeyManager.RotateAPIKey(r.Context(), cur.user, chi.URLParam(r, "id"), clientOf(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, api.APIKeyCreated{APIKey: toAPIKey(k), Key: full})
}

func (s *Server) handleAPIKeyRevoke(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	if err := s.KeyManager.RevokeAPIKey(r.Context(), cur.user, chi.URLParam(r, "id"), clientOf(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func toAPIKey(k *portal.APIKey) api.APIKey {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		t = t.UTC()
		return &t
	}
	return api.APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Scopes: k.Scopes, CreatedAt: k.CreatedAt.UTC(),
		LastUsedAt: opt(k.LastUsedAt), RevokedAt: opt(k.RevokedAt)}
}
