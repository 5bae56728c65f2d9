package api

import "time"

// PathWebhooks: the tenant's webhook endpoints (spec 000 section 5
// management_endpoints), for its admins. GET lists (WebhookList); POST
// creates (WebhookRequest → WebhookCreated, the secret shown once); PUT
// PathWebhooks/{id} changes one (WebhookRequest: fields left out stay;
// rotate_secret answers the new secret while the old one keeps signing
// beside it for 24 hours); DELETE PathWebhooks/{id} removes one; POST
// PathWebhooks/{id}/test sends it a signed "webhook.test" event now and
// answers how it went (WebhookTestResult).
const PathWebhooks = "/api/v1/webhooks"

// Webhook is an endpoint as lists show it, without its secret.
type Webhook struct {
	ID             string   `json:"id"`
	URL            string   `json:"url"`
	Description    string   `json:"description"`
	Events         []string `json:"events"`
	Enabled        bool     `json:"enabled"`
	DisabledReason string   `json:"disabled_reason,omitempty"`
	// PreviousSecretExpiresAt: while set, deliveries carry a second
	// signature with the previous secret.
	PreviousSecretExpiresAt *time.Time `json:"previous_secret_expires_at,omitempty"`
	CreatedAt               time.Time  `json:"created_at"`
	UpdatedAt               time.Time  `json:"updated_at"`
}

// WebhookList is the tenant's endpoints.
type WebhookList struct {
	Webhooks []Webhook `json:"webhooks"`
}

// WebhookRequest creates or changes an endpoint.
type WebhookRequest struct {
	URL          *string  `json:"url,omitempty"`
	Description  *string  `json:"description,omitempty"`
	Events       []string `json:"events,omitempty"`
	Enabled      *bool    `json:"enabled,omitempty"`
	RotateSecret bool     `json:"rotate_secret,omitempty"`
}

// WebhookCreated is an endpoint with its signing secret (whsec_…), shown
// when created or rotated only.
type WebhookCreated struct {
	Webhook
	Secret string `json:"secret,omitempty"`
}

// WebhookTestResult is how a test delivery went.
type WebhookTestResult struct {
	Delivered  bool   `json:"delivered"` // the receiver answered 2xx
	StatusCode int    `json:"status_code,omitempty"`
	LatencyMS  int64  `json:"latency_ms"`
	Error      string `json:"error,omitempty"`
}
