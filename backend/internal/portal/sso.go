package portal

import (
	"context"
	"time"

	"example.com/portal/tenants"
)

// SSOStateLifetime is how long a sign-in with the tenant's identity
// provider may take between /sso/start and /sso/callback.
const SSOStateLifetime = 10 * time.Minute

// SSOState is a sign-in under way with the tenant's OpenID Connect
// provider. Only hashes of the state and of the browser-binding cookie are
// kept; the nonce and PKCE verifier go back to the server at the callback.
type SSOState struct {
	StateHash   []byte // SHA-256 of the state sent to the provider
	BrowserHash []byte // SHA-256 of the cookie that binds the state to one browser
	Nonce       string
	Verifier    string // PKCE code verifier
	ExpiresAt   time.Time
}

// SSOIdentity is who the provider says signed in: the ID token's verified
// claims.
type SSOIdentity struct {
	// Subject is the provider's issuer and subject ("iss sub"): who the
	// person is, for good; the e-mail only finds them the first time.
	Subject string
	Email   string // lower case, verified by the provider
	Name    string // may be empty
}

// SSO sign-in refusals. Each is EUNAUTHORIZED and says nothing the user
// could not know already; the audit log has the reason.
var (
	ErrSSONoAccount    = &Error{Code: EUNAUTHORIZED, Message: "There is no portal account for this address."}
	ErrSSOUserDisabled = &Error{Code: EUNAUTHORIZED, Message: "This account cannot sign in."}
)

// SSOService keeps SSO sign-ins under way and opens sessions for the users
// the tenant's identity provider vouches for. SSO users skip the portal's
// own second factor: the identity provider owns it.
type SSOService interface {
	// SaveSSOState stores a sign-in under way.
	SaveSSOState(ctx context.Context, st SSOState) error

	// TakeSSOState returns and deletes the state whose hash is stateHash:
	// a state is spent by its first use. Errors: ENOTFOUND (unknown, spent
	// or expired).
	TakeSSOState(ctx context.Context, stateHash []byte) (*SSOState, error)

	// SignInSSO opens a session for the user with id.Email. Without one,
	// firstTime (when set) provisions an active user without a password in
	// its customer and role. Errors: ErrSSONoAccount, ErrSSOUserDisabled
	// (a user not active); each refusal is audited as signin_failed.
	SignInSSO(ctx context.Context, id SSOIdentity, firstTime *tenants.SSOFirstTime, c Client) (token string, s *Session, u *User, err error)

	// SSOFailed audits a refused SSO sign-in (signin_failed, method sso)
	// that never reached SignInSSO: bad state, provider error, domain.
	SSOFailed(ctx context.Context, email, reason string, c Client) error
}
