package api

import "time"

// PathAPIKeys: the tenant's API keys, for its admins (staff). GET lists
// them (APIKeyList); POST creates one (CreateAPIKeyRequest →
// APIKeyCreated, the only time the secret is shown). POST
// PathAPIKeys/{id}/rotation makes a new key with the same name and scopes
// (APIKeyCreated) while the old one keeps working for 24 hours; DELETE
// PathAPIKeys/{id} revokes one at once.
const PathAPIKeys = "/api/v1/api-keys"

// PageStaffIntegrations is the staff screen of the tenant's API keys and
// webhook endpoints; each half shows with its capability.
const PageStaffIntegrations = "/portal/staff/integrations"

// Capabilities (in /api/v1/me) of the integration screens.
const (
	CapabilityAPIKeys  = "api_keys:manage"
	CapabilityWebhooks = "webhooks:manage"
)

// APIKey is a key as lists show it: never its secret.
type APIKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // e.g. pk_bo_7hQ2xK9a: the key begins with it
	Scopes     []string   `json:"scopes"` // ecommerce | backoffice | webhooks
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"` // to the minute
	// RevokedAt is when the key stops (or stopped) working; in the future
	// during a rotation's grace period.
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// APIKeyList is the tenant's keys, newest first.
type APIKeyList struct {
	Keys []APIKey `json:"keys"`
	// Scopes are the scopes a key may carry, for the form that makes one.
	Scopes []string `json:"scopes"`
}

// CreateAPIKeyRequest names a key and its scopes.
type CreateAPIKeyRequest struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

// APIKeyCreated is a new key with its full secret, shown once: the client
// sends it as "Authorization: Bearer <key>".
type APIKeyCreated struct {
	APIKey
	Key string `json:"key"`
}
