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
	// FailingSince: every delivery since then failed; after three days
	// of it the portal turns the endpoint off and mails the admins.
	FailingSince *time.Time `json:"failing_since,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// WebhookList is the tenant's endpoints.
type WebhookList struct {
	Webhooks []Webhook `json:"webhooks"`
	// Events are the event types an endpoint may subscribe to.
	Events []string `json:"events"`
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

// Paths of an endpoint's delivery log: GET PathWebhooks/{id}/deliveries
// (WebhookDeliveryList, newest first; query limit, at most 200); POST
// PathWebhooks/{id}/deliveries/{delivery_id}/replay sends that attempt's
// event again now (202); POST PathWebhooks/{id}/replay (ReplayRequest →
// ReplayResult, 202) sends again every event of the endpoint's types in a
// time range, at most 10,000. Replays carry the events' own ids.

// WebhookDelivery is one attempt.
type WebhookDelivery struct {
	ID          string    `json:"id"`
	EventID     string    `json:"event_id"`
	EventType   string    `json:"event_type"`
	Attempt     int       `json:"attempt"`
	Succeeded   bool      `json:"succeeded"`
	StatusCode  int       `json:"status_code,omitempty"`
	LatencyMS   int       `json:"latency_ms"`
	Error       string    `json:"error,omitempty"`
	AttemptedAt time.Time `json:"attempted_at"`
}

// WebhookDeliveryList is an endpoint's latest attempts.
type WebhookDeliveryList struct {
	Deliveries []WebhookDelivery `json:"deliveries"`
}

// ReplayRequest is a time range of events, [from, to).
type ReplayRequest struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// ReplayResult says how many events were queued again.
type ReplayResult struct {
	Events int `json:"events"`
}
