package http_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/oauth2-proxy/mockoidc"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// ssoEnv is the test server with tenants whose SSO points at an in-process
// OpenID Connect provider (mockoidc: real discovery, signed ID tokens,
// PKCE enforced; it signs in whichever user the test queues).
type ssoEnv struct {
	*env
	op *mockoidc.MockOIDC
}

func newSSOEnv(t *testing.T) *ssoEnv {
	t.Helper()
	op, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Shutdown() })
	e := newEnv(t, nil)
	e.srv.SSO = postgres.NewAuthService(e.db)
	e.srv.Getenv = envMap{"ACME_OIDC_SECRET": op.ClientSecret}.get
	ctx := context.Background()
	sso := func(issuer string, firstTime *tenants.SSOFirstTime) *tenants.SSO {
		return &tenants.SSO{Issuer: issuer, ClientID: op.ClientID, ClientSecretEnv: "ACME_OIDC_SECRET",
			ButtonLabel: "Sign in with Acme ID", AllowedDomains: []string{"acme-customer.example"}, FirstTime: firstTime}
	}
	for _, tn := range []*tenants.Tenant{
		withSSO(newTenant("acme", "Acme Metals", tenants.StatusActive), sso(op.Issuer(), &tenants.SSOFirstTime{AccountNumber: "SSO-1", Role: "viewer"})),
		withSSO(newTenant("beta", "Beta Steel", tenants.StatusActive), sso(op.Issuer(), nil)),
		withSSO(newTenant("down", "Down Alloys", tenants.StatusActive), sso("http://127.0.0.1:1/oidc", nil)),
		withSSO(newTenant("nosecret", "No Secret Tube", tenants.StatusActive), &tenants.SSO{Issuer: op.Issuer(), ClientID: op.ClientID,
			ClientSecretEnv: "UNSET_SECRET", ButtonLabel: "SSO", AllowedDomains: []string{"acme-customer.example"}}),
		withSSO(newTenant("stale", "Stale Sheet", tenants.StatusActive), sso(op.Issuer(), &tenants.SSOFirstTime{AccountNumber: "GONE-1", Role: "buyer"})),
		newTenant("plain", "Plain Bar", tenants.StatusActive),
	} {
		if err := e.owner.ApplyTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
	}
	acme, err := e.owner.FindTenantBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	err = e.owner.InTx(ctx, acme.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO customers (tenant_id, id, account_number, company_name) VALUES (?, ?, 'SSO-1', 'Northside Welding')`,
			acme.ID, uuid.NewString())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	seedUser(t, e.owner, "acme", "off@acme-customer.example", "Off Duty", "buyer")
	e.exec(t, "acme", `UPDATE users SET status = 'disabled' WHERE email = 'off@acme-customer.example'`)
	seedUser(t, e.owner, "acme", "asked@acme-customer.example", "Not Yet", "buyer")
	e.exec(t, "acme", `UPDATE users SET status = 'invited', password_hash = '' WHERE email = 'asked@acme-customer.example'`)
	return &ssoEnv{env: e, op: op}
}

type envMap map[string]string

func (m envMap) get(k string) string { return m[k] }

func withSSO(t *tenants.Tenant, s *tenants.SSO) *tenants.Tenant {
	t.SSO = s
	return t
}

func (e *env) exec(t *testing.T, slug, query string, args ...any) {
	t.Helper()
	ctx := context.Background()
	tn, err := e.owner.FindTenantBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// ssoAttempt is one browser's sign-in: its binding cookie and the callback
// the provider sent it back to.
type ssoAttempt struct {
	cookies  []*http.Cookie
	callback string // path and query
}

// start calls /sso/start on host and follows the redirect to the provider,
// which signs in the queued user at once; edit may change the
// authorization URL first (a tampered nonce).
func (e *ssoEnv) start(t *testing.T, host string, edit func(url.Values)) ssoAttempt {
	t.Helper()
	w := e.request("GET", host, api.PathSSOStart, "", nil, nil)
	if w.Code != http.StatusFound {
		t.Fatalf("start: %d %s", w.Code, w.Body)
	}
	auth, err := url.Parse(w.Header().Get("Location"))
	if err != nil || !strings.HasPrefix(auth.String(), e.op.Issuer()) {
		t.Fatalf("start redirects to %q, want the provider %s", auth, e.op.Issuer())
	}
	q := auth.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || len(q.Get("state")) < 40 {
		t.Fatalf("authorization URL lacks PKCE S256, nonce or a strong state: %s", auth)
	}
	if edit != nil {
		edit(q)
		auth.RawQuery = q.Encode()
	}
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(auth.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || back.Path != api.PathSSOCallback || back.Host != host {
		t.Fatalf("provider answered %d to %q, want a redirect to the callback on %s", res.StatusCode, back, host)
	}
	var cookies []*http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == "__Host-portal_sso" {
			if !c.HttpOnly || !c.Secure || c.Path != "/" || c.MaxAge != 600 || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("binding cookie %+v: want HttpOnly, Secure, Path=/, 10 minutes, SameSite=Lax", c)
			}
			cookies = append(cookies, c)
		}
	}
	if len(cookies) != 1 {
		t.Fatalf("start set no browser-binding cookie: %v", w.Result().Cookies())
	}
	return ssoAttempt{cookies: cookies, callback: back.RequestURI()}
}

// finish calls the callback and returns where it redirects and the session
// cookie it set, if any.
func (e *ssoEnv) finish(t *testing.T, host string, a ssoAttempt) (string, *http.Cookie) {
	t.Helper()
	w := e.request("GET", host, a.callback, "", a.cookies, nil)
	if w.Code != http.StatusFound {
		t.Fatalf("callback: %d %s", w.Code, w.Body)
	}
	loc := w.Header().Get("Location")
	if strings.Contains(loc, "code=") || strings.Contains(loc, "state=") || strings.Contains(loc, "token") {
		t.Errorf("redirect %q carries a code, state or token", loc)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == "__Host-portal_session" && c.Value != "" {
			return loc, c
		}
	}
	return loc, nil
}

// queue makes the provider sign in the person with email next; like a real
// provider, it gives one person one subject, whatever the address's case.
func (e *ssoEnv) queue(email string, verified bool) {
	e.op.QueueUser(&mockoidc.MockUser{Subject: "sub-" + strings.ToLower(email), Email: email, EmailVerified: verified, PreferredUsername: email})
}

// me returns the signed-in user of session cookie c.
func (e *ssoEnv) me(t *testing.T, host string, c *http.Cookie) api.Me {
	t.Helper()
	w := e.request("GET", host, api.PathMe, "", []*http.Cookie{c}, nil)
	var me api.Me
	decodeJSONBody(t, w, http.StatusOK, &me)
	return me
}

// lastSSOFailure returns the reason of tenant slug's last signin_failed
// event, which must say method sso.
func (e *ssoEnv) lastSSOFailure(t *testing.T, slug string) string {
	t.Helper()
	ctx := context.Background()
	tn, err := e.owner.FindTenantBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	var method, reason string
	err = e.owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT detail->>'method', detail->>'reason' FROM audit_events WHERE kind = 'signin_failed'
			ORDER BY id DESC LIMIT 1`).Scan(ctx, &method, &reason)
	})
	if err != nil || method != "sso" {
		t.Fatalf("last signin_failed: method %q reason %q (%v), want method sso", method, reason, err)
	}
	return reason
}

// unverifiedUser is a provider user whose ID token says, explicitly,
// email_verified: false (MockUser omits a false claim).
type unverifiedUser struct{ *mockoidc.MockUser }

func (u unverifiedUser) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return &struct {
		*mockoidc.IDTokenClaims
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
	}{base, u.Email, false}, nil
}

func loginError(code string) string { return "/portal/login?sso_error=" + code }

func TestSSOSignIn(t *testing.T) {
	e := newSSOEnv(t)
	const host = "acme.portal.test"

	t.Run("existing user", func(t *testing.T) {
		e.queue("jane@acme-customer.example", true)
		loc, c := e.finish(t, host, e.start(t, host, nil))
		if loc != "/portal" || c == nil {
			t.Fatalf("callback went to %q with session %v, want /portal signed in", loc, c)
		}
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Errorf("session cookie %+v differs from password sign-in's", c)
		}
		if me := e.me(t, host, c); me.Email != "jane@acme-customer.example" || me.Role != "buyer" {
			t.Errorf("signed in as %+v", me)
		}
		var n int
		e.scanAudit(t, "acme", `SELECT count(*) FROM audit_events WHERE kind = 'signin' AND detail->>'method' = 'sso'
			AND subject_email = 'jane@acme-customer.example'`, &n)
		if n != 1 {
			t.Errorf("%d signin events with method sso, want 1", n)
		}
	})

	t.Run("first-time user is provisioned", func(t *testing.T) {
		e.queue("new.person@ACME-customer.example", true)
		loc, c := e.finish(t, host, e.start(t, host, nil))
		if loc != "/portal" || c == nil {
			t.Fatalf("callback went to %q with session %v", loc, c)
		}
		if me := e.me(t, host, c); me.Email != "new.person@acme-customer.example" || me.Role != "viewer" || me.CustomerName != "Northside Welding" || me.Staff {
			t.Errorf("provisioned as %+v, want viewer of Northside Welding", me)
		}
		var status, hash string
		e.scanAudit(t, "acme", `SELECT status, password_hash FROM users WHERE email = 'new.person@acme-customer.example'`, &status, &hash)
		if status != "active" || hash != "" {
			t.Errorf("provisioned user status %q, password hash %q: want active, none", status, hash)
		}
		// The second time, the same user signs in (no second provisioning).
		e.queue("new.person@acme-customer.example", true)
		if loc, c := e.finish(t, host, e.start(t, host, nil)); loc != "/portal" || c == nil {
			t.Errorf("second sign-in went to %q", loc)
		}
	})

	refusals := []struct {
		name, email string
		verified    bool
		host, code  string
		reason      string
	}{
		{"disallowed domain", "jane@elsewhere.example", true, host, "domain", "domain_not_allowed"},
		{"disabled user", "off@acme-customer.example", true, host, "disabled", "user_disabled"},
		{"invited user (accepts the invitation first)", "asked@acme-customer.example", true, host, "disabled", "user_invited"},
		{"unknown user without provisioning", "jane@acme-customer.example", true, "beta.portal.test", "no_account", "unknown_email"},
		{"first-time customer missing", "someone@acme-customer.example", true, "stale.portal.test", "no_account", "first_time_customer_missing"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			e.queue(tc.email, tc.verified)
			loc, c := e.finish(t, tc.host, e.start(t, tc.host, nil))
			if loc != loginError(tc.code) || c != nil {
				t.Errorf("went to %q (session %v), want %s", loc, c, loginError(tc.code))
			}
			if r := e.lastSSOFailure(t, strings.Split(tc.host, ".")[0]); r != tc.reason {
				t.Errorf("audited reason %q, want %q", r, tc.reason)
			}
		})
	}

	t.Run("unverified e-mail", func(t *testing.T) {
		e.op.QueueUser(unverifiedUser{&mockoidc.MockUser{Subject: "unverified", Email: "jane@acme-customer.example"}})
		if loc, c := e.finish(t, host, e.start(t, host, nil)); loc != loginError("domain") || c != nil {
			t.Errorf("went to %q (session %v)", loc, c)
		}
		if r := e.lastSSOFailure(t, "acme"); r != "email_unverified" {
			t.Errorf("reason %q", r)
		}
	})

	t.Run("replayed state", func(t *testing.T) {
		e.queue("jane@acme-customer.example", true)
		a := e.start(t, host, nil)
		if loc, _ := e.finish(t, host, a); loc != "/portal" {
			t.Fatalf("first use went to %q", loc)
		}
		if loc, c := e.finish(t, host, a); loc != loginError("expired") || c != nil {
			t.Errorf("replay went to %q (session %v)", loc, c)
		}
		if r := e.lastSSOFailure(t, "acme"); r != "state_unknown" {
			t.Errorf("reason %q", r)
		}
	})

	t.Run("wrong state", func(t *testing.T) {
		a := e.start(t, host, nil)
		u, _ := url.Parse(a.callback)
		q := u.Query()
		q.Set("state", "not-the-state")
		u.RawQuery = q.Encode()
		a.callback = u.RequestURI()
		if loc, c := e.finish(t, host, a); loc != loginError("expired") || c != nil {
			t.Errorf("went to %q (session %v)", loc, c)
		}
	})

	t.Run("state from another browser", func(t *testing.T) {
		e.queue("jane@acme-customer.example", true)
		a := e.start(t, host, nil)
		other := e.start(t, host, nil) // the victim's own binding cookie
		a.cookies = other.cookies
		if loc, c := e.finish(t, host, a); loc != loginError("expired") || c != nil {
			t.Errorf("went to %q (session %v)", loc, c)
		}
		if r := e.lastSSOFailure(t, "acme"); r != "state_other_browser" {
			t.Errorf("reason %q", r)
		}
		a.cookies = nil // nor without any cookie
		if loc, _ := e.finish(t, host, a); loc != loginError("expired") {
			t.Errorf("without cookie went to %q", loc)
		}
	})

	t.Run("expired state", func(t *testing.T) {
		e.queue("jane@acme-customer.example", true)
		a := e.start(t, host, nil)
		e.db.Now = func() time.Time { return time.Now().Add(11 * time.Minute) }
		defer func() { e.db.Now = time.Now }()
		if loc, c := e.finish(t, host, a); loc != loginError("expired") || c != nil {
			t.Errorf("went to %q (session %v)", loc, c)
		}
	})

	t.Run("nonce mismatch", func(t *testing.T) {
		e.queue("jane@acme-customer.example", true)
		a := e.start(t, host, func(q url.Values) { q.Set("nonce", "a-nonce-the-portal-never-made") })
		if loc, c := e.finish(t, host, a); loc != loginError("provider") || c != nil {
			t.Errorf("went to %q (session %v)", loc, c)
		}
		if r := e.lastSSOFailure(t, "acme"); r != "nonce_mismatch" {
			t.Errorf("reason %q", r)
		}
	})

	t.Run("wrong PKCE challenge", func(t *testing.T) {
		e.queue("jane@acme-customer.example", true)
		a := e.start(t, host, func(q url.Values) { q.Set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM") })
		if loc, c := e.finish(t, host, a); loc != loginError("provider") || c != nil {
			t.Errorf("went to %q (session %v)", loc, c)
		}
		if r := e.lastSSOFailure(t, "acme"); r != "code_exchange_failed" {
			t.Errorf("reason %q", r)
		}
	})

	t.Run("a state from tenant A is useless at tenant B", func(t *testing.T) {
		e.queue("jane@acme-customer.example", true)
		a := e.start(t, host, nil)
		if loc, c := e.finish(t, "beta.portal.test", a); loc != loginError("expired") || c != nil {
			t.Errorf("at beta went to %q (session %v)", loc, c)
		}
		if r := e.lastSSOFailure(t, "beta"); r != "state_unknown" {
			t.Errorf("beta reason %q", r)
		}
		// Beta's attempt did not spend acme's state.
		if loc, _ := e.finish(t, host, a); loc != "/portal" {
			t.Errorf("at acme afterwards went to %q", loc)
		}
	})

	t.Run("tenant without SSO", func(t *testing.T) {
		for _, p := range []string{api.PathSSOStart, api.PathSSOCallback + "?state=x&code=y"} {
			decodeProblem(t, e.request("GET", "plain.portal.test", p, "", nil, nil), http.StatusNotFound)
		}
		var tn api.Tenant
		decodeJSONBody(t, e.request("GET", "plain.portal.test", api.PathTenant, "", nil, nil), 200, &tn)
		if tn.SSOLabel != "" {
			t.Errorf("plain tenant shows SSO label %q", tn.SSOLabel)
		}
	})

	t.Run("tenant API shows only the label", func(t *testing.T) {
		w := e.request("GET", host, api.PathTenant, "", nil, nil)
		var tn api.Tenant
		decodeJSONBody(t, w, 200, &tn)
		if tn.SSOLabel != "Sign in with Acme ID" {
			t.Errorf("label %q", tn.SSOLabel)
		}
		for _, secret := range []string{e.op.ClientID, e.op.ClientSecret, "ACME_OIDC_SECRET", e.op.Issuer()} {
			if strings.Contains(w.Body.String(), secret) {
				t.Errorf("tenant API reveals %q", secret)
			}
		}
	})

	t.Run("provider down answers fast", func(t *testing.T) {
		began := time.Now()
		w := e.request("GET", "down.portal.test", api.PathSSOStart, "", nil, nil)
		if w.Code != http.StatusFound || w.Header().Get("Location") != loginError("provider") {
			t.Errorf("start with the provider down: %d %q", w.Code, w.Header().Get("Location"))
		}
		if d := time.Since(began); d > 11*time.Second {
			t.Errorf("took %s", d)
		}
		if r := e.lastSSOFailure(t, "down"); r != "discovery_failed" {
			t.Errorf("reason %q", r)
		}
	})

	t.Run("provider that hangs times out", func(t *testing.T) {
		// Accepts connections and never answers.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		defer func() { ln.Close(); close(done) }()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() { <-done; c.Close() }()
			}
		}()
		if err := e.owner.ApplyTenant(context.Background(), withSSO(newTenant("hang", "Hang Wire", tenants.StatusActive),
			&tenants.SSO{Issuer: "http://" + ln.Addr().String() + "/oidc", ClientID: "portal", ClientSecretEnv: "ACME_OIDC_SECRET",
				ButtonLabel: "SSO", AllowedDomains: []string{"acme-customer.example"}})); err != nil {
			t.Fatal(err)
		}
		e.srv.SSOHTTPClient = &http.Client{Timeout: time.Second} // the default is 10 s
		defer func() { e.srv.SSOHTTPClient = nil }()
		began := time.Now()
		w := e.request("GET", "hang.portal.test", api.PathSSOStart, "", nil, nil)
		if w.Code != http.StatusFound || w.Header().Get("Location") != loginError("provider") {
			t.Errorf("start with a hanging provider: %d %q", w.Code, w.Header().Get("Location"))
		}
		if d := time.Since(began); d > 3*time.Second {
			t.Errorf("took %s, want the client's 1 s timeout", d)
		}
	})

	t.Run("missing client secret", func(t *testing.T) {
		w := e.request("GET", "nosecret.portal.test", api.PathSSOStart, "", nil, nil)
		if w.Code != http.StatusFound || w.Header().Get("Location") != loginError("unavailable") {
			t.Errorf("start without the secret: %d %q", w.Code, w.Header().Get("Location"))
		}
		if strings.Contains(e.logs.String(), e.op.ClientSecret) {
			t.Error("the client secret reached the log")
		}
	})
}

func (e *ssoEnv) scanAudit(t *testing.T, slug, query string, dest ...any) {
	t.Helper()
	ctx := context.Background()
	tn, err := e.owner.FindTenantBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(query).Scan(ctx, dest...)
	}); err != nil {
		t.Fatal(err)
	}
}

func decodeJSONBody(t *testing.T, w *httptest.ResponseRecorder, status int, v any) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
}
