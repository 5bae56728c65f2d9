// Package api is the wire contract of the portal's HTTP APIs: request and
// response types, the problem body of errors and the route paths. It imports
// only the standard library, because the Wasm UI (app/) and the server both
// use it, and nothing server-side may reach the Wasm binary.
package api

// Paths of the portal API, relative to the tenant's host.
const (
	PathTenant = "/api/v1/tenant" // GET: the tenant's public branding and settings
	PathMe     = "/api/v1/me"     // GET: the signed-in user and capabilities (401 when signed out)
)

// Tenant is what any visitor of a tenant's portal may know about the tenant:
// nothing here is secret.
type Tenant struct {
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	ShortName    string `json:"short_name"`
	LogoURL      string `json:"logo_url"`
	PrimaryColor string `json:"primary_color"`
	AccentColor  string `json:"accent_color"`
	SupportEmail string `json:"support_email"`
	SupportPhone string `json:"support_phone"`
	MFARequired  bool   `json:"mfa_required"`
	ChatEnabled  bool   `json:"chat_enabled"`
	TimeZone     string `json:"time_zone"`
	Currency     string `json:"currency"`
}

// Me is the signed-in user (GET /api/v1/me). Issue 3 adds the role and the
// capabilities the server grants; the UI never evaluates policy itself.
type Me struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}
