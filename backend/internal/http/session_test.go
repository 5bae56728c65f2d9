package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/policies"
)

const testPassword = "Correct-Horse-9"

// seedUser gives tenant slug a customer with one active user.
func seedUser(t *testing.T, owner *postgres.DB, slug, email, name, role string) {
	t.Helper()
	ctx := context.Background()
	tn, err := owner.FindTenantBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := password.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	err = owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		if role == policies.RoleTenantAdmin || role == policies.RoleSalesRep {
			// Staff belong to no customer.
			_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, email, name, role, password_hash)
				VALUES (?, ?, ?, ?, ?, ?)`, tn.ID, uuid.NewString(), email, name, role, hash)
			return err
		}
		cust := uuid.NewString()
		if _, err := tx.ExecContext(ctx, `INSERT INTO customers (tenant_id, id, account_number, company_name) VALUES (?, ?, ?, 'Lakeshore Fab')`,
			tn.ID, cust, "C-"+cust[:6]); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, tn.ID, uuid.NewString(), cust, email, name, role, hash)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) request(method, host, path, body string, cookies []*http.Cookie, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Host = host
	r.RemoteAddr = "198.51.100.20:4242"
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	return w
}

func TestSignInSignOut(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	w := e.request("POST", host, api.PathSession, `{"email":"jane@acme-customer.example","password":"`+testPassword+`","remember":true}`, nil, nil)
	if w.Code != 200 {
		t.Fatalf("sign in: %d %s", w.Code, w.Body)
	}
	var me api.Me
	if err := json.Unmarshal(w.Body.Bytes(), &me); err != nil {
		t.Fatal(err)
	}
	if me.Name != "Jane Buyer" || me.Role != "buyer" || me.CustomerName != "Lakeshore Fab" || !slices.Contains(me.Capabilities, "orders:create") || slices.Contains(me.Capabilities, "invoices:pay") {
		t.Errorf("me = %+v", me)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies = %v", cookies)
	}
	c := cookies[0]
	if c.Name != "__Host-portal_session" || !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" || c.SameSite != http.SameSiteLaxMode || c.Expires.IsZero() {
		t.Errorf("session cookie = %+v", c)
	}
	if strings.Contains(e.logs.String(), c.Value) || strings.Contains(e.logs.String(), testPassword) {
		t.Error("the log holds the session token or the password")
	}

	w = e.request("GET", host, api.PathMe, "", []*http.Cookie{c}, nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "jane@acme-customer.example") {
		t.Fatalf("me with the cookie: %d %s", w.Code, w.Body)
	}
	// The cookie is worthless on another tenant's host.
	w = e.request("GET", "portal.acme.example", api.PathMe, "", []*http.Cookie{c}, nil)
	if w.Code != 200 {
		t.Errorf("same tenant's custom domain: %d", w.Code)
	}

	w = e.request("DELETE", host, api.PathSession, "", []*http.Cookie{c}, nil)
	if w.Code != http.StatusNoContent {
		t.Fatalf("sign out: %d %s", w.Code, w.Body)
	}
	if cs := w.Result().Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 {
		t.Errorf("sign-out does not clear the cookie: %v", cs)
	}
	w = e.request("GET", host, api.PathMe, "", []*http.Cookie{c}, nil)
	decodeProblem(t, w, http.StatusUnauthorized)
}

// TestStaffSignIn: the tenant's staff sign in through the same form; /me
// says staff, names the tenant, and lists staff capabilities only.
func TestStaffSignIn(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	seedUser(t, e.owner, "acme", "rep@acme.example", "Dana Rep", policies.RoleSalesRep)
	w := e.request("POST", host, api.PathSession, `{"email":"rep@acme.example","password":"`+testPassword+`"}`, nil, nil)
	if w.Code != 200 {
		t.Fatalf("sign in: %d %s", w.Code, w.Body)
	}
	w = e.request("GET", host, api.PathMe, "", w.Result().Cookies(), nil)
	var me api.Me
	if err := json.Unmarshal(w.Body.Bytes(), &me); err != nil {
		t.Fatal(err)
	}
	tenant, err := e.db.FindTenantBySlug(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if !me.Staff || me.Role != "sales_rep" || me.CustomerName != tenant.Name ||
		!slices.Contains(me.Capabilities, "access_requests:approve") || slices.Contains(me.Capabilities, "orders:read") {
		t.Errorf("me = %+v", me)
	}
}

func TestSignInDevCookieOnLocalhost(t *testing.T) {
	e := newEnv(t, nil)
	// The env's base domain is portal.test; a localhost custom host is the
	// development case.
	if err := e.owner.ApplyTenant(context.Background(), newTenant("dev", "Dev", "active", "dev.localhost")); err != nil {
		t.Fatal(err)
	}
	seedUser(t, e.owner, "dev", "dev@example.com", "Dev", "admin")
	w := e.request("POST", "dev.localhost:8080", api.PathSession, `{"email":"dev@example.com","password":"`+testPassword+`"}`, nil, nil)
	if w.Code != 200 {
		t.Fatalf("sign in: %d %s", w.Code, w.Body)
	}
	c := w.Result().Cookies()[0]
	if c.Name != "portal_session" || c.Secure || !c.Expires.IsZero() {
		t.Errorf("plain-HTTP localhost cookie = %+v (want no Secure, no prefix, session-only)", c)
	}
}

func TestSignInRejections(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	tests := []struct {
		name, body string
		header     map[string]string
		status     int
		code       string
		field      string
	}{
		{"wrong password", `{"email":"jane@acme-customer.example","password":"nope"}`, nil, 401, api.CodeUnauthorized, ""},
		{"unknown account", `{"email":"who@example.com","password":"nope"}`, nil, 401, api.CodeUnauthorized, ""},
		{"not JSON", `email=jane`, nil, 400, api.CodeInvalid, "body"},
		{"unknown field", `{"email":"a@b.example","password":"x","admin":true}`, nil, 400, api.CodeInvalid, "admin"},
		{"wrong type", `{"email":"a@b.example","password":"x","remember":"yes"}`, nil, 400, api.CodeInvalid, "remember"},
		{"missing fields", `{}`, nil, 400, api.CodeInvalid, "email"},
		{"two objects", `{"email":"a@b.example","password":"x"}{}`, nil, 400, api.CodeInvalid, "body"},
		{"too large", `{"email":"` + strings.Repeat("a", 70<<10) + `"}`, nil, 400, api.CodeInvalid, "body"},
		{"cross-site", `{"email":"jane@acme-customer.example","password":"` + testPassword + `"}`,
			map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, api.CodeForbidden, ""},
		{"foreign origin", `{"email":"jane@acme-customer.example","password":"` + testPassword + `"}`,
			map[string]string{"Origin": "https://evil.example"}, 403, api.CodeForbidden, ""},
		// What a cross-site <form enctype="text/plain"> can send, from a
		// browser too old to say where it came from.
		{"form-encoded JSON", `{"email":"jane@acme-customer.example","password":"` + testPassword + `"}`,
			map[string]string{"Content-Type": "text/plain"}, 415, api.CodeUnsupported, "Content-Type"},
		// PostgreSQL text cannot hold NUL: a 400 naming the body, not a 500.
		{"NUL in a field", `{"email":"jane\u0000@acme-customer.example","password":"x"}`, nil, 400, api.CodeInvalid, "body"},
		{"a backslash and u0000 is text", `{"email":"jane\\u0000@acme-customer.example","password":"x"}`, nil, 400, api.CodeInvalid, "email"},
		{"urlencoded", `email=jane%40acme-customer.example`,
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, api.CodeUnsupported, "Content-Type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.request("POST", host, api.PathSession, tt.body, nil, tt.header)
			p := decodeProblem(t, w, tt.status)
			if p.Code != tt.code {
				t.Errorf("code = %q, want %q", p.Code, tt.code)
			}
			if tt.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tt.field) {
				t.Errorf("errors = %+v, want field %q", p.Errors, tt.field)
			}
			if len(w.Result().Cookies()) != 0 {
				t.Error("a rejected sign-in set a cookie")
			}
		})
	}
	unknown := e.request("POST", host, api.PathSession, `{"email":"who@example.com","password":"nope"}`, nil, nil)
	wrong := e.request("POST", host, api.PathSession, `{"email":"jane@acme-customer.example","password":"nope"}`, nil, nil)
	if decodeProblem(t, unknown, 401).Detail != decodeProblem(t, wrong, 401).Detail {
		t.Error("unknown account and wrong password answer differently")
	}
}

func TestSignInThrottledAnswers429(t *testing.T) {
	e := newEnv(t, nil)
	var w *httptest.ResponseRecorder
	for range portal.MaxFailuresAccountClient + 1 {
		w = e.request("POST", "acme.portal.test", api.PathSession, `{"email":"jane@acme-customer.example","password":"nope"}`, nil, nil)
	}
	p := decodeProblem(t, w, http.StatusTooManyRequests)
	if p.Code != api.CodeRateLimited || w.Header().Get("Retry-After") == "" {
		t.Errorf("problem %+v, Retry-After %q", p, w.Header().Get("Retry-After"))
	}
}
