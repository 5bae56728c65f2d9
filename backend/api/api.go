// Package api is the wire contract of the portal's HTTP APIs: request and
// response types, the problem body of errors and the route paths. It imports
// only the standard library, because the Wasm UI (app/) and the server both
// use it, and nothing server-side may reach the Wasm binary.
package api

import "time"

// Paths of the portal API, relative to the tenant's host.
const (
	PathTenant = "/api/v1/tenant" // GET: the tenant's public branding and settings
	PathMe     = "/api/v1/me"     // GET: the signed-in user and capabilities (401 when signed out)
	// PathSession: POST signs in (body SignIn, answers Me and sets the
	// session cookie); DELETE signs out (204, clears the cookie).
	PathSession = "/api/v1/session"
	// PathPasswordReset: POST (body PasswordResetRequest) mails a reset link
	// if the address has an account; the answer (202) is the same either way.
	PathPasswordReset = "/api/v1/password-reset"
	// PathPasswordResetConfirm: POST (body PasswordResetConfirm) sets the new
	// password (204) and ends the user's sessions.
	PathPasswordResetConfirm = "/api/v1/password-reset/confirm"

	// PageResetPassword is where reset links point; the token travels in
	// the URL fragment ("#token=…"), which browsers never send to a server,
	// so it stays out of access logs and Referer headers.
	PageResetPassword = "/portal/reset-password"

	// PathMySessions: GET lists the signed-in user's sessions (Session);
	// DELETE PathMySessions + "/{id}" ends one (204; 404 if not theirs).
	PathMySessions = "/api/v1/me/sessions"
	// PathMyPassword: PUT (body PasswordChange) changes the signed-in
	// user's password (204) and ends their other sessions.
	PathMyPassword = "/api/v1/me/password"

	// PathUsers: GET lists the users of the caller's customer account
	// (AccountUser); POST (body Invite) invites one (201). PATCH PathUsers +
	// "/{id}" (body UserUpdate) changes a role or status; DELETE PathUsers +
	// "/{id}/sessions" signs the user out everywhere (204); POST PathUsers +
	// "/{id}/invitation" mails an invited user a new link (the old one
	// stops working; 409 once accepted).
	PathUsers = "/api/v1/users"
	// PathStaffUsers: the same as PathUsers for a tenant admin managing the
	// tenant's staff (roles tenant_admin and sales_rep).
	PathStaffUsers = "/api/v1/staff/users"
	// PathAuditEvents: GET lists the account's security events, newest
	// first (AuditEvent; ?limit=1..200, default 50).
	PathAuditEvents = "/api/v1/audit-events"
)

// AccountUser is a user of the customer account, as its Admin sees it.
type AccountUser struct {
	ID           string     `json:"id"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Role         string     `json:"role"`
	Status       string     `json:"status"` // invited | active | disabled
	LastSignInAt *time.Time `json:"last_sign_in_at"`
	CreatedAt    time.Time  `json:"created_at"`
}

// Invite is the body of POST /api/v1/users.
type Invite struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// UserUpdate is the body of PATCH /api/v1/users/{id}; absent fields stay.
type UserUpdate struct {
	Role   *string `json:"role,omitempty"`
	Status *string `json:"status,omitempty"` // active | disabled
}

// AuditEvent is one entry of the account's security audit log.
type AuditEvent struct {
	ID         string         `json:"id"`
	OccurredAt time.Time      `json:"occurred_at"`
	Kind       string         `json:"kind"`
	Email      string         `json:"email"`
	ClientIP   string         `json:"client_ip"`
	UserAgent  string         `json:"user_agent"`
	Detail     map[string]any `json:"detail"`
}

// Session is one signed-in browser of the current user.
type Session struct {
	ID         string    `json:"id"`
	Current    bool      `json:"current"` // the session this request came with
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	Remember   bool      `json:"remember"`
	UserAgent  string    `json:"user_agent"`
	ClientIP   string    `json:"client_ip"`
}

// PasswordChange is the body of PUT /api/v1/me/password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

// PasswordResetRequest is the body of POST /api/v1/password-reset.
type PasswordResetRequest struct {
	Email string `json:"email"`
}

// PasswordResetConfirm is the body of POST /api/v1/password-reset/confirm.
type PasswordResetConfirm struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// Accepted is the body of a 202 answer.
type Accepted struct {
	Detail string `json:"detail"`
}

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
	// SelfRegistration: visitors may sign up themselves (else they request access).
	SelfRegistration bool   `json:"self_registration"`
	TimeZone         string `json:"time_zone"`
	Currency         string `json:"currency"`
	// SSOLabel is the label of the login page's single sign-on button
	// ("Sign in with Microsoft"); empty when the tenant has no SSO.
	SSOLabel string `json:"sso_label,omitempty"`
	// GuestCheckout: visitors may order without an account (issue 8).
	GuestCheckout bool `json:"guest_checkout,omitempty"`
	// QuotesMode: the portal takes quote requests instead of orders
	// (quotes feature); the cart offers "Request quote" instead of checkout.
	QuotesMode bool `json:"quotes_mode,omitempty"`
}

// Me is the signed-in user (GET /api/v1/me, and the answer to a sign-in).
// Capabilities are what the server will allow this user ("orders:read",
// …); the UI shows only those and never evaluates policy itself.
type Me struct {
	Email        string   `json:"email"`
	Name         string   `json:"name"`
	Role         string   `json:"role"`          // admin | buyer | viewer | finance; staff: tenant_admin | sales_rep
	CustomerName string   `json:"customer_name"` // the business account the user belongs to; for staff, the tenant
	Staff        bool     `json:"staff"`         // one of the tenant's own people, not a customer's user
	Capabilities []string `json:"capabilities"`
	// MFA is set only in a sign-in answer whose second factor is still due:
	// the other fields are then empty, and the PWA goes to PageMFA.
	MFA *MFAChallenge `json:"mfa,omitempty"`
}

// SignIn is the body of POST /api/v1/session.
type SignIn struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Remember bool   `json:"remember"` // keep the session for 30 days instead of ending it after 30 idle minutes
}
