package api

// Single sign-on with the tenant's OpenID Connect provider. Both routes are
// browser navigations (not fetches): start redirects to the provider, the
// provider redirects back to the callback, and the callback redirects to
// /portal, or to /portal/login?sso_error=<code> when sign-in failed.
const (
	PathSSOStart    = "/api/v1/sso/start"    // GET: 302 to the tenant's identity provider; 404 without SSO
	PathSSOCallback = "/api/v1/sso/callback" // GET: the provider's redirect back with code and state
)

// SSOErrorParam is the query parameter of /portal/login that carries an
// SSO error code. It names what went wrong in a word, never a token or a
// provider's detail.
const SSOErrorParam = "sso_error"

// SSO error codes (the values of SSOErrorParam).
const (
	SSOErrorExpired     = "expired"     // state unknown, spent, expired or from another browser: start again
	SSOErrorProvider    = "provider"    // the provider is unreachable, refused, or its answer did not verify
	SSOErrorDomain      = "domain"      // the e-mail address is not verified or not of an allowed domain
	SSOErrorNoAccount   = "no_account"  // no portal user, and the tenant does not provision first-time users
	SSOErrorDisabled    = "disabled"    // the user exists but may not sign in
	SSOErrorUnavailable = "unavailable" // the portal is not configured for SSO right now (e.g. missing secret)
)

// SSOErrorMessage is what the login page says for an SSO error code.
func SSOErrorMessage(code string) string {
	switch code {
	case SSOErrorExpired:
		return "Single sign-on took too long or was started in another browser. Please try again."
	case SSOErrorNoAccount, SSOErrorDomain:
		return "Your account cannot sign in to this portal with single sign-on. Contact your administrator."
	case SSOErrorDisabled:
		return "Your account cannot sign in. Contact your administrator."
	default:
		return "Single sign-on is not available right now. Please try again, or sign in with your password."
	}
}
