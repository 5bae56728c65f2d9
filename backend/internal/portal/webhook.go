package portal

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"example.com/portal/tenants"
)

// WebhookEvents are the events a webhook endpoint may subscribe to (spec
// 000 section 5 subscribable_events).
var WebhookEvents = []string{"order.created", "order.confirmed", "order.status_changed", "order.shipped", "order.delivered",
	"order.invoiced", "quote.created", "quote.responded", "document.available", "inventory.availability_changed", "price.changed"}

// WebhookSecretGrace is how long a rotated secret keeps signing beside the
// new one.
const WebhookSecretGrace = 24 * time.Hour

// WebhookEndpoint is one of the tenant's receivers. Its secret is never
// listed: it is answered once, when made.
type WebhookEndpoint struct {
	ID, URL, Description string
	Events               []string
	Enabled              bool
	DisabledReason       string    // set when the portal turned it off
	FailingSince         time.Time // zero unless every delivery failed since then
	PreviousExpiresAt    time.Time // zero unless a rotated secret still signs
	CreatedAt, UpdatedAt time.Time
}

// WebhookInput creates or changes an endpoint. On update, nil fields are
// left as they are.
type WebhookInput struct {
	URL          *string
	Description  *string
	Events       []string // nil on update: unchanged
	Enabled      *bool
	RotateSecret bool // update only: a new secret, the old one signing 24 h more
}

// ValidateWebhookURL checks a receiver's address as typed: absolute,
// https (http only when allowHTTP, for local development), a host, no
// credentials. Where it points is checked again when delivering, after
// DNS resolution (backend/internal/webhook's guard).
func ValidateWebhookURL(raw string, allowHTTP bool) *FieldError {
	u, err := url.Parse(raw)
	switch {
	case err != nil || len(raw) > 2000 || !u.IsAbs() || u.Host == "" || u.Hostname() == "":
		return &FieldError{Field: "url", Message: "Enter the receiver's full address, https://…"}
	case u.User != nil:
		return &FieldError{Field: "url", Message: "Put no user name or password in the address; deliveries are signed instead."}
	case u.Scheme != "https" && !(allowHTTP && u.Scheme == "http"):
		return &FieldError{Field: "url", Message: "The address must use https."}
	case u.Fragment != "":
		return &FieldError{Field: "url", Message: "Leave out the #fragment."}
	}
	return nil
}

// Validate checks the input; create requires URL and events.
func (in *WebhookInput) Validate(create, allowHTTP bool) error {
	var fields []FieldError
	if in.URL == nil && create {
		fields = append(fields, FieldError{Field: "url", Message: "Enter the receiver's address."})
	} else if in.URL != nil {
		*in.URL = strings.TrimSpace(*in.URL)
		if fe := ValidateWebhookURL(*in.URL, allowHTTP); fe != nil {
			fields = append(fields, *fe)
		}
	}
	if in.Description != nil && len(*in.Description) > 500 {
		fields = append(fields, FieldError{Field: "description", Message: "Describe it in at most 500 characters."})
	}
	if (create && len(in.Events) == 0) || (in.Events != nil && len(in.Events) == 0) {
		fields = append(fields, FieldError{Field: "events", Message: "Choose at least one event."})
	}
	for _, e := range in.Events {
		if !slices.Contains(WebhookEvents, e) {
			fields = append(fields, FieldError{Field: "events", Message: "Unknown event " + e + "."})
			break
		}
	}
	return invalid(fields)
}

// WebhookService is the tenant admins' management of webhook endpoints.
// Every change is in the audit log.
type WebhookService interface {
	ListWebhooks(ctx context.Context, actor *User) ([]WebhookEndpoint, error)
	// CreateWebhook returns the endpoint and its signing secret, shown
	// once. Errors: EINVALID.
	CreateWebhook(ctx context.Context, actor *User, in WebhookInput, c Client) (*WebhookEndpoint, string, error)
	// UpdateWebhook changes it; with RotateSecret it returns the new
	// secret. Errors: EINVALID, ENOTFOUND.
	UpdateWebhook(ctx context.Context, actor *User, id string, in WebhookInput, c Client) (*WebhookEndpoint, string, error)
	// DeleteWebhook removes it. Errors: ENOTFOUND.
	DeleteWebhook(ctx context.Context, actor *User, id string, c Client) error
	// WebhookSecrets returns the secrets that sign deliveries to the
	// endpoint now: the current one, then the previous one during its
	// grace period. Errors: ENOTFOUND.
	WebhookSecrets(ctx context.Context, id string) (*WebhookEndpoint, []string, error)
}

// WebhookNotifier tells a tenant's admins (to) that the portal turned one
// of its webhook endpoints off: it answered 410 Gone, or every delivery
// failed for days (ep.DisabledReason says which). baseURL is the origin of
// the tenant's portal, for the link to the staff integrations screen.
type WebhookNotifier interface {
	SendWebhookDisabled(ctx context.Context, t *tenants.Tenant, baseURL string, to []string, ep WebhookEndpoint) error
}

// WebhookDelivery is one attempt in an endpoint's delivery log.
type WebhookDelivery struct {
	ID, EventID, EventType string
	Attempt                int
	Succeeded              bool
	StatusCode             int // 0: no answer
	LatencyMS              int
	Error                  string
	AttemptedAt            time.Time
}

// MaxReplayEvents bounds one replay of a time range.
const MaxReplayEvents = 10_000

// WebhookDeliveryService reads an endpoint's delivery log and sends
// events again (tenant admins).
type WebhookDeliveryService interface {
	// ListDeliveries returns the endpoint's latest attempts, newest first.
	// Errors: ENOTFOUND.
	ListDeliveries(ctx context.Context, actor *User, endpointID string, limit int) ([]WebhookDelivery, error)
	// ReplayDelivery sends the event of a logged attempt again, now, with
	// the same event id. Errors: ENOTFOUND.
	ReplayDelivery(ctx context.Context, actor *User, endpointID, deliveryID string) error
	// ReplayRange sends again every event of the endpoint's types that
	// occurred in [from, to), at most MaxReplayEvents, and says how many.
	// Errors: EINVALID, ENOTFOUND.
	ReplayRange(ctx context.Context, actor *User, endpointID string, from, to time.Time) (int, error)
}
