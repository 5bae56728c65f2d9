package http

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// Single sign-on with the tenant's OpenID Connect provider: authorization
// code flow with state, nonce and PKCE (S256).
//
// The state, nonce and PKCE verifier stay on the server (sso_states, under
// the tenant's row-level security; only the state's hash is the key), so
// nothing secret needs encrypting into a cookie and a state is spent by its
// first use in any server process. The browser that started the sign-in
// gets a random binding cookie whose hash is stored with the state: a
// callback URL carried to another browser (login CSRF: signing a victim in
// as the attacker) finds no matching cookie and is refused.
//
// SSO users skip the portal's own MFA: the tenant's identity provider owns
// the second factor.
const (
	ssoCookie    = "__Host-portal_sso"
	devSSOCookie = "portal_sso"

	// ssoDiscoveryTTL is how long a tenant's provider metadata is reused.
	ssoDiscoveryTTL = time.Hour
	// ssoProviderTimeout bounds every call to a provider: discovery, keys,
	// code exchange. A provider that is down gives an error, not a hang.
	ssoProviderTimeout = 10 * time.Second
)

func ssoCookieName(r *http.Request) string {
	if insecureDev(r) {
		return devSSOCookie
	}
	return ssoCookie
}

// ssoProviders caches discovered providers per tenant and issuer.
type ssoProviders struct {
	mu sync.Mutex
	m  map[string]ssoProvider // by tenant id
}

type ssoProvider struct {
	issuer  string
	p       *oidc.Provider
	fetched time.Time
}

// ssoClient is what one sign-in needs to talk to the tenant's provider.
type ssoClient struct {
	ctx      context.Context // carries the HTTP client with its timeout
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// ssoFailure is a failed SSO sign-in: code for the login page, reason for
// the audit log, err for the operator.
type ssoFailure struct {
	code, reason string
	err          error
}

func (e *ssoFailure) Error() string { return "sso " + e.reason + ": " + e.err.Error() }

// ssoClientFor discovers (or reuses) t's provider and builds the OAuth 2.0
// configuration with the callback on r's host.
func (s *Server) ssoClientFor(r *http.Request, t *tenants.Tenant) (*ssoClient, error) {
	secret := s.Getenv(t.SSO.ClientSecretEnv)
	if secret == "" {
		return nil, &ssoFailure{code: api.SSOErrorUnavailable, reason: "client_secret_missing",
			err: errors.New("environment variable " + t.SSO.ClientSecretEnv + " is empty")}
	}
	hc := s.SSOHTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: ssoProviderTimeout}
	}
	// The provider's key set keeps this context's values (not its
	// cancellation) for later key fetches: it carries only the client.
	pctx := oidc.ClientContext(context.WithoutCancel(r.Context()), hc)

	s.ssoProviders.mu.Lock()
	cached, ok := s.ssoProviders.m[t.ID]
	s.ssoProviders.mu.Unlock()
	if !ok || cached.issuer != t.SSO.Issuer || time.Since(cached.fetched) > ssoDiscoveryTTL {
		dctx, cancel := context.WithTimeout(pctx, ssoProviderTimeout)
		p, err := oidc.NewProvider(dctx, t.SSO.Issuer)
		cancel()
		if err != nil {
			return nil, &ssoFailure{code: api.SSOErrorProvider, reason: "discovery_failed", err: err}
		}
		cached = ssoProvider{issuer: t.SSO.Issuer, p: p, fetched: time.Now()}
		s.ssoProviders.mu.Lock()
		if s.ssoProviders.m == nil {
			s.ssoProviders.m = map[string]ssoProvider{}
		}
		s.ssoProviders.m[t.ID] = cached
		s.ssoProviders.mu.Unlock()
	}
	return &ssoClient{
		ctx: pctx,
		oauth: &oauth2.Config{ClientID: t.SSO.ClientID, ClientSecret: secret, Endpoint: cached.p.Endpoint(),
			RedirectURL: originOf(r) + api.PathSSOCallback,
			Scopes:      []string{oidc.ScopeOpenID, "email", "profile"}},
		verifier: cached.p.Verifier(&oidc.Config{ClientID: t.SSO.ClientID}),
	}, nil
}

// handleSSOStart sends the browser to the tenant's identity provider
// (GET /api/v1/sso/start). 404 when the tenant has no SSO.
func (s *Server) handleSSOStart(w http.ResponseWriter, r *http.Request) error {
	t, ok := tenants.FromContext(r.Context())
	if !ok || t.SSO == nil || s.SSO == nil {
		return errNotFound
	}
	w.Header().Set("Cache-Control", "no-store")
	c, err := s.ssoClientFor(r, t)
	if err != nil {
		return s.ssoFail(w, r, "", err)
	}
	state, stateHash := randomSSOValue()
	browser, browserHash := randomSSOValue()
	nonce, _ := randomSSOValue()
	verifier := oauth2.GenerateVerifier()
	expires := time.Now().Add(portal.SSOStateLifetime)
	if err := s.SSO.SaveSSOState(r.Context(), portal.SSOState{StateHash: stateHash, BrowserHash: browserHash,
		Nonce: nonce, Verifier: verifier, ExpiresAt: expires}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookieName(r), Value: browser, Path: "/", MaxAge: int(portal.SSOStateLifetime.Seconds()),
		HttpOnly: true, Secure: !insecureDev(r), SameSite: http.SameSiteLaxMode}) // Lax: the provider's redirect back is cross-site
	http.Redirect(w, r, c.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
	return nil
}

// handleSSOCallback finishes the sign-in (GET /api/v1/sso/callback): the
// state must be known, unspent, unexpired and started in this browser; the
// code is exchanged with the PKCE verifier; the ID token must verify
// (signature, issuer, audience, expiry) and carry the nonce; the e-mail must
// be verified (when the provider says) and of an allowed domain.
func (s *Server) handleSSOCallback(w http.ResponseWriter, r *http.Request) error {
	t, ok := tenants.FromContext(r.Context())
	if !ok || t.SSO == nil || s.SSO == nil {
		return errNotFound
	}
	w.Header().Set("Cache-Control", "no-store")
	// The binding cookie is good for one callback, whatever its outcome.
	binding, _ := r.Cookie(ssoCookieName(r))
	http.SetCookie(w, &http.Cookie{Name: ssoCookieName(r), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: !insecureDev(r), SameSite: http.SameSiteLaxMode})

	q := r.URL.Query()
	stateHash := sha256.Sum256([]byte(q.Get("state")))
	st, err := s.SSO.TakeSSOState(r.Context(), stateHash[:])
	if portal.ErrorCode(err) == portal.ENOTFOUND {
		return s.ssoFail(w, r, "", ssoRefusal(api.SSOErrorExpired, "state_unknown"))
	}
	if err != nil {
		return err
	}
	var browserHash [32]byte
	if binding != nil {
		browserHash = sha256.Sum256([]byte(binding.Value))
	}
	if binding == nil || subtle.ConstantTimeCompare(browserHash[:], st.BrowserHash) != 1 {
		return s.ssoFail(w, r, "", ssoRefusal(api.SSOErrorExpired, "state_other_browser"))
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		return s.ssoFail(w, r, "", ssoRefusal(api.SSOErrorProvider, "provider_error"))
	}
	c, err := s.ssoClientFor(r, t)
	if err != nil {
		return s.ssoFail(w, r, "", err)
	}
	ctx, cancel := context.WithTimeout(c.ctx, ssoProviderTimeout)
	defer cancel()
	tok, err := c.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return s.ssoFail(w, r, "", &ssoFailure{code: api.SSOErrorProvider, reason: "code_exchange_failed", err: err})
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := c.verifier.Verify(ctx, raw)
	if err != nil {
		return s.ssoFail(w, r, "", &ssoFailure{code: api.SSOErrorProvider, reason: "id_token_invalid", err: err})
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return s.ssoFail(w, r, "", ssoRefusal(api.SSOErrorProvider, "nonce_mismatch"))
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified *bool  `json:"email_verified"` // absent: the provider vouches for what it sends
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return s.ssoFail(w, r, "", &ssoFailure{code: api.SSOErrorProvider, reason: "claims_unreadable", err: err})
	}
	email := strings.ToLower(strings.TrimSpace(claims.Email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		return s.ssoFail(w, r, "", ssoRefusal(api.SSOErrorDomain, "no_email"))
	}
	if claims.EmailVerified != nil && !*claims.EmailVerified {
		return s.ssoFail(w, r, email, ssoRefusal(api.SSOErrorDomain, "email_unverified"))
	}
	if !t.SSO.AllowsEmail(email) {
		return s.ssoFail(w, r, email, ssoRefusal(api.SSOErrorDomain, "domain_not_allowed"))
	}
	id := portal.SSOIdentity{Subject: idt.Issuer + " " + idt.Subject, Email: email, Name: claims.Name}
	token, sess, _, err := s.SSO.SignInSSO(r.Context(), id, t.SSO.FirstTime, clientOf(r))
	switch {
	case errors.Is(err, portal.ErrSSONoAccount):
		return ssoRedirect(w, r, api.SSOErrorNoAccount) // audited by SignInSSO
	case errors.Is(err, portal.ErrSSOUserDisabled):
		return ssoRedirect(w, r, api.SSOErrorDisabled)
	case err != nil:
		return err
	}
	if err := s.startSession(w, r, token, sess); err != nil {
		return err
	}
	http.Redirect(w, r, "/portal", http.StatusFound)
	return nil
}

// ssoRefusal is a refused sign-in: code for the login page, reason for the
// audit log.
func ssoRefusal(code, reason string) error {
	return &ssoFailure{code: code, reason: reason, err: errors.New("refused")}
}

// ssoFail audits a failed SSO sign-in (signin_failed, method sso, with the
// reason), logs a provider or configuration problem for the operator, and
// sends the browser to the login page with a short error code. Neither the
// redirect nor the log carries a token or the provider's answer beyond its
// error text.
func (s *Server) ssoFail(w http.ResponseWriter, r *http.Request, email string, err error) error {
	var e *ssoFailure
	if !errors.As(err, &e) {
		return err
	}
	t, _ := tenants.FromContext(r.Context())
	if e.code == api.SSOErrorProvider || e.code == api.SSOErrorUnavailable {
		s.Logger.Warn("sso sign-in failed", "tenant", t.Slug, "reason", e.reason, "error", e.err.Error(),
			"request_id", RequestIDFrom(r.Context()))
	}
	if err := s.SSO.SSOFailed(r.Context(), email, e.reason, clientOf(r)); err != nil {
		return err
	}
	return ssoRedirect(w, r, e.code)
}

func ssoRedirect(w http.ResponseWriter, r *http.Request, code string) error {
	http.Redirect(w, r, "/portal/login?"+url.Values{api.SSOErrorParam: {code}}.Encode(), http.StatusFound)
	return nil
}

// randomSSOValue returns 256 random bits, URL-safe, and their SHA-256.
func randomSSOValue() (string, []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand since Go 1.24)
	v := base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(v))
	return v, h[:]
}
