package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/webhook"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// webhookRoutes are the tenant admins' webhook endpoints.
func (s *Server) webhookRoutes(r chi.Router) {
	s.api(r, "GET", api.PathWebhooks, needs(policies.WebhooksManage), s.handleWebhookList)
	s.api(r, "POST", api.PathWebhooks, needs(policies.WebhooksManage), s.handleWebhookCreate)
	s.api(r, "PUT", api.PathWebhooks+"/{id}", needs(policies.WebhooksManage), s.handleWebhookUpdate)
	s.api(r, "DELETE", api.PathWebhooks+"/{id}", needs(policies.WebhooksManage), s.handleWebhookDelete)
	s.api(r, "POST", api.PathWebhooks+"/{id}/test", needs(policies.WebhooksManage), s.handleWebhookTest)
	s.api(r, "GET", api.PathWebhooks+"/{id}/deliveries", needs(policies.WebhooksManage), s.handleWebhookDeliveries)
	s.api(r, "POST", api.PathWebhooks+"/{id}/deliveries/{delivery}/replay", needs(policies.WebhooksManage), s.handleWebhookReplayOne)
	s.api(r, "POST", api.PathWebhooks+"/{id}/replay", needs(policies.WebhooksManage), s.handleWebhookReplayRange)
}

func (s *Server) handleWebhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	q := queryParser{values: r.URL.Query()}
	limit := q.int("limit")
	if err := q.err(func() error { return nil }); err != nil {
		return err
	}
	if limit == 0 {
		limit = 50
	}
	cur, _ := userFrom(r.Context())
	list, err := s.WebhookDeliveries.ListDeliveries(r.Context(), cur.user, chi.URLParam(r, "id"), limit)
	if err != nil {
		return err
	}
	out := api.WebhookDeliveryList{Deliveries: make([]api.WebhookDelivery, 0, len(list))}
	for _, d := range list {
		out.Deliveries = append(out.Deliveries, api.WebhookDelivery{ID: d.ID, EventID: d.EventID, EventType: d.EventType, Attempt: d.Attempt,
			Succeeded: d.Succeeded, StatusCode: d.StatusCode, LatencyMS: d.LatencyMS, Error: d.Error, AttemptedAt: d.AttemptedAt.UTC()})
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleWebhookReplayOne(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	if err := s.WebhookDeliveries.ReplayDelivery(r.Context(), cur.user, chi.URLParam(r, "id"), chi.URLParam(r, "delivery")); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, api.ReplayResult{Events: 1})
}

func (s *Server) handleWebhookReplayRange(w http.ResponseWriter, r *http.Request) error {
	var in api.ReplayRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	n, err := s.WebhookDeliveries.ReplayRange(r.Context(), cur.user, chi.URLParam(r, "id"), in.From, in.To)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, api.ReplayResult{Events: n})
}

func (s *Server) handleWebhookList(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	list, err := s.Webhooks.ListWebhooks(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := api.WebhookList{Webhooks: make([]api.Webhook, 0, len(list)), Events: portal.WebhookEvents}
	for i := range list {
		out.Webhooks = append(out.Webhooks, toAPIWebhook(&list[i]))
	}
	return writePrivateJSON(w, out)
}

func webhookInput(in api.WebhookRequest) portal.WebhookInput {
	return portal.WebhookInput{URL: in.URL, Description: in.Description, Events: in.Events, Enabled: in.Enabled, RotateSecret: in.RotateSecret}
}

func (s *Server) handleWebhookCreate(w http.ResponseWriter, r *http.Request) error {
	var in api.WebhookRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	in.RotateSecret = false
	wh, secret, err := s.Webhooks.CreateWebhook(r.Context(), cur.user, webhookInput(in), clientOf(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, api.WebhookCreated{Webhook: toAPIWebhook(wh), Secret: secret})
}

func (s *Server) handleWebhookUpdate(w http.ResponseWriter, r *http.Request) error {
	var in api.WebhookRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	wh, secret, err := s.Webhooks.UpdateWebhook(r.Context(), cur.user, chi.URLParam(r, "id"), webhookInput(in), clientOf(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, api.WebhookCreated{Webhook: toAPIWebhook(wh), Secret: secret})
}

func (s *Server) handleWebhookDelete(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	if err := s.Webhooks.DeleteWebhook(r.Context(), cur.user, chi.URLParam(r, "id"), clientOf(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// webhookTestTimeout bounds a test delivery, which the admin waits for.
const webhookTestTimeout = 10 * time.Second

// handleWebhookTest signs and sends a "webhook.test" event to the endpoint
// now, through the delivery guard, and answers what the receiver said.
func (s *Server) handleWebhookTest(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	if cur.user.CustomerID != "" {
		return portal.Errorf(portal.EFORBIDDEN, "Webhooks are the distributor's staff's to manage.")
	}
	wh, secrets, err := s.Webhooks.WebhookSecrets(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	tn, _ := tenants.FromContext(r.Context())
	now := time.Now()
	data, _ := json.Marshal(map[string]string{"message": "A test event from the portal's webhook settings."})
	body, header, err := webhook.Sign(webhook.Delivery{Envelope: webhook.Envelope{ID: "evt_" + uuid.Must(uuid.NewV7()).String(),
		Type: "webhook.test", TenantID: tn.ID, OccurredAt: now.UTC(), Data: data}, Timestamp: now}, secrets...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), webhookTestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, wh.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = header
	req.Header.Set("User-Agent", "portal-webhooks/1")
	out := api.WebhookTestResult{}
	resp, err := s.webhookClient().Do(req)
	out.LatencyMS = time.Since(now).Milliseconds()
	switch {
	case errors.Is(err, webhook.ErrForbiddenAddress):
		out.Error = "The address resolves to a network the portal does not deliver to (private, loopback or link-local)."
	case err != nil:
		out.Error = "The receiver could not be reached or did not answer in time."
	default:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		out.StatusCode = resp.StatusCode
		out.Delivered = resp.StatusCode >= 200 && resp.StatusCode < 300
		if !out.Delivered {
			out.Error = "The receiver answered " + resp.Status + "; only 2xx counts as delivered (redirects are not followed)."
		}
	}
	return writePrivateJSON(w, out)
}

func (s *Server) webhookClient() *http.Client {
	if s.WebhookClient != nil {
		return s.WebhookClient
	}
	return webhook.Guard{}.Client(webhookTestTimeout)
}

func toAPIWebhook(w *portal.WebhookEndpoint) api.Webhook {
	out := api.Webhook{ID: w.ID, URL: w.URL, Description: w.Description, Events: w.Events, Enabled: w.Enabled,
		DisabledReason: w.DisabledReason, CreatedAt: w.CreatedAt.UTC(), UpdatedAt: w.UpdatedAt.UTC()}
	if !w.PreviousExpiresAt.IsZero() && w.PreviousExpiresAt.After(time.Now()) {
		t := w.PreviousExpiresAt.UTC()
		out.PreviousSecretExpiresAt = &t
	}
	if !w.FailingSince.IsZero() {
		t := w.FailingSince.UTC()
		out.FailingSince = &t
	}
	return out
}
