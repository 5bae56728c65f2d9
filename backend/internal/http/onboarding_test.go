package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// seedStaffUser adds one of the tenant's staff (no customer).
func seedStaffUser(t *testing.T, owner *postgres.DB, slug, email, role string) {
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
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
			VALUES (?, ?, NULL, ?, 'Staff', ?, ?)`, tn.ID, uuid.NewString(), email, role, hash)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) signIn(t *testing.T, host, email, pw string) []*http.Cookie {
	t.Helper()
	w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+pw+`"}`, nil, nil)
	if w.Code != 200 {
		t.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
	}
	return w.Result().Cookies()
}

func problemFields(p api.Problem) []string {
	var out []string
	for _, f := range p.Errors {
		out = append(out, f.Field)
	}
	return out
}

func TestAccessRequestFlow(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	// A tenant admin: the requests name no customer, so no rep's
	// (TestStaffQuotesFollowAssignments covers the reps).
	seedStaffUser(t, e.owner, "acme", "rep@acme.example", "tenant_admin")

	// Validation names the fields.
	p := decodeProblem(t, e.request("POST", host, api.PathAccessRequests, `{"email":"nope"}`, nil, nil), http.StatusBadRequest)
	if got := strings.Join(problemFields(p), ","); got != "company_name,contact_name,email,phone" {
		t.Errorf("fields = %s", got)
	}
	// The same answer for a new address and for one with an account.
	body := func(email string) string {
		return `{"company_name":"Harbor Welding","contact_name":"Hana Lee","email":"` + email + `","phone":"+1 555 0199"}`
	}
	wNew := e.request("POST", host, api.PathAccessRequests, body("hana@harbor.example"), nil, nil)
	wOld := e.request("POST", host, api.PathAccessRequests, body("jane@acme-customer.example"), nil, nil)
	if wNew.Code != http.StatusAccepted || wOld.Code != wNew.Code || wOld.Body.String() != wNew.Body.String() {
		t.Fatalf("answers differ: %d %s / %d %s", wNew.Code, wNew.Body, wOld.Code, wOld.Body)
	}
	e.srv.Wait()
	if logs := e.logs.String(); !strings.Contains(logs, "We received your") || !strings.Contains(logs, "help@acme.example") {
		t.Errorf("acknowledgement or staff notice not mailed:\n%s", logs)
	}

	// The staff queue: customers' users 403, the staff may decide.
	jane := e.signIn(t, host, "jane@acme-customer.example", testPassword)
	decodeProblem(t, e.request("GET", host, api.PathAccessRequests, "", jane, nil), http.StatusForbidden)
	rep := e.signIn(t, host, "rep@acme.example", testPassword)
	var list []api.AccessRequest
	w := e.request("GET", host, api.PathAccessRequests+"?status=pending", "", rep, nil)
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list) != 2 {
		t.Fatalf("queue: %d %s", w.Code, w.Body)
	}
	var hana, janeReq api.AccessRequest
	for _, r := range list {
		if r.Email == "hana@harbor.example" {
			hana = r
		} else {
			janeReq = r
		}
	}
	decodeProblem(t, e.request("POST", host, api.PathAccessRequests+"/"+hana.ID+"/approve", `{}`, jane, nil), http.StatusForbidden)
	decodeProblem(t, e.request("POST", host, api.PathAccessRequests+"/"+uuid.NewString()+"/approve", `{}`, rep, nil), http.StatusNotFound)
	w = e.request("POST", host, api.PathAccessRequests+"/"+hana.ID+"/approve", `{"new_account_number":"HW-1","role":"buyer"}`, rep, nil)
	if w.Code != 200 {
		t.Fatalf("approve: %d %s", w.Code, w.Body)
	}
	if p := decodeProblem(t, e.request("POST", host, api.PathAccessRequests+"/"+hana.ID+"/reject", `{}`, rep, nil), http.StatusConflict); p.Code != api.CodeConflict {
		t.Errorf("second decision: %+v", p)
	}
	w = e.request("POST", host, api.PathAccessRequests+"/"+janeReq.ID+"/reject", `{"reason":"Ask your admin to invite you."}`, rep, nil)
	if w.Code != 200 {
		t.Fatalf("reject: %d %s", w.Code, w.Body)
	}
	e.srv.Wait()
	logs := e.logs.String()
	if !strings.Contains(logs, "Ask your admin to invite you.") {
		t.Errorf("rejection not mailed:\n%s", logs)
	}
	m := regexp.MustCompile(`reset-password#invite=1&token=([A-Za-z0-9_-]+)`).FindStringSubmatch(logs)
	if m == nil {
		t.Fatalf("no invitation mailed; log:\n%s", logs)
	}
	if w := e.request("POST", host, api.PathPasswordResetConfirm, `{"token":"`+m[1]+`","password":"Blue-Lathe-Morning-42"}`, nil, nil); w.Code != http.StatusNoContent {
		t.Fatalf("accept invitation: %d %s", w.Code, w.Body)
	}
	e.signIn(t, host, "hana@harbor.example", "Blue-Lathe-Morning-42")

	// Past 5 requests an hour from one address: 429 with Retry-After.
	for i := 0; i < 3; i++ {
		if w := e.request("POST", host, api.PathAccessRequests, body(uuid.NewString()+"@x.example"), nil, nil); w.Code != http.StatusAccepted {
			t.Fatalf("request %d: %d", i, w.Code)
		}
	}
	w = e.request("POST", host, api.PathAccessRequests, body("sixth@x.example"), nil, nil)
	if p := decodeProblem(t, w, http.StatusTooManyRequests); p.Code != api.CodeRateLimited || w.Header().Get("Retry-After") != "3600" {
		t.Errorf("sixth request: %+v, Retry-After %q", p, w.Header().Get("Retry-After"))
	}
}

// TestOnboardingStaffRoutes: both staff roles may use the queue; the
// customer roles are covered by TestRoleRouteMatrix.
func TestOnboardingStaffRoutes(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	for _, role := range []string{"tenant_admin", "sales_rep"} {
		seedStaffUser(t, e.owner, "acme", role+"@acme.example", role)
		c := e.signIn(t, host, role+"@acme.example", testPassword)
		for _, path := range []string{api.PathAccessRequests, api.PathRegistrations} {
			if w := e.request("GET", host, path, "", c, nil); w.Code != 200 {
				t.Errorf("%s GET %s: %d %s", role, path, w.Code, w.Body)
			}
		}
		// Staff have no registration to complete (like a customer whose
		// profile is complete: 409, not a permission problem).
		if w := e.request("PUT", host, api.PathRegistrationProfile, `{}`, c, nil); w.Code != http.StatusConflict {
			t.Errorf("%s PUT profile: %d %s", role, w.Code, w.Body)
		}
	}
}

func TestSelfRegistrationGate(t *testing.T) {
	e := newEnv(t, nil)
	store := newTenant("store", "Store Steel", tenants.StatusActive)
	store.Settings.SelfRegistration, store.Settings.RegistrationApproval = true, true
	if err := e.owner.ApplyTenant(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	const host = "store.portal.test"
	seedStaffUser(t, e.owner, "store", "admin@store.example", "tenant_admin")

	// Not offered where the tenant does not enable it.
	decodeProblem(t, e.request("POST", "acme.portal.test", api.PathRegistration, `{}`, nil, nil), http.StatusNotFound)
	p := decodeProblem(t, e.request("POST", host, api.PathRegistration, `{"name":"","email":"x","password":"short"}`, nil, nil), http.StatusBadRequest)
	if got := strings.Join(problemFields(p), ","); !strings.HasPrefix(got, "name,email,password") {
		t.Errorf("fields = %s", got)
	}
	w := e.request("POST", host, api.PathRegistration, `{"name":"Pat Doe","email":"pat@doe.example","password":"Blue-Lathe-Morning-42"}`, nil, nil)
	if w.Code != http.StatusCreated {
		t.Fatalf("sign up: %d %s", w.Code, w.Body)
	}
	pat := w.Result().Cookies()
	state := func() string {
		var st api.RegistrationStatus
		w := e.request("GET", host, api.PathRegistration, "", pat, nil)
		if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil || w.Code != 200 {
			t.Fatalf("state: %d %s", w.Code, w.Body)
		}
		return st.State
	}
	if st := state(); st != api.CodeProfileIncomplete {
		t.Errorf("state = %q", st)
	}
	// Everything else: 403 profile_incomplete; /me still answers.
	if p := decodeProblem(t, e.request("GET", host, api.PathUsers, "", pat, nil), http.StatusForbidden); p.Code != api.CodeProfileIncomplete {
		t.Errorf("users before profile: %+v", p)
	}
	if w := e.request("GET", host, api.PathMe, "", pat, nil); w.Code != 200 {
		t.Errorf("me: %d", w.Code)
	}
	p = decodeProblem(t, e.request("PUT", host, api.PathRegistrationProfile, `{"type":"business","name":"Doe Fab","billing":{}}`, pat, nil), http.StatusBadRequest)
	if got := strings.Join(problemFields(p), ","); got != "billing.line1,billing.city,billing.country" {
		t.Errorf("profile fields = %s", got)
	}
	w = e.request("PUT", host, api.PathRegistrationProfile,
		`{"type":"business","name":"Doe Fab","billing":{"line1":"1 King St","city":"Toronto","country":"CA"}}`, pat, nil)
	if w.Code != 200 || state() != api.CodePendingApproval {
		t.Fatalf("profile: %d %s", w.Code, w.Body)
	}
	if p := decodeProblem(t, e.request("GET", host, api.PathUsers, "", pat, nil), http.StatusForbidden); p.Code != api.CodePendingApproval {
		t.Errorf("users while pending: %+v", p)
	}
	// Staff approve it from their queue; then the account works.
	staff := e.signIn(t, host, "admin@store.example", testPassword)
	var regs []api.Registration
	w = e.request("GET", host, api.PathRegistrations, "", staff, nil)
	if err := json.Unmarshal(w.Body.Bytes(), &regs); err != nil || len(regs) != 1 || regs[0].CompanyName != "Doe Fab" {
		t.Fatalf("registrations: %s", w.Body)
	}
	decodeProblem(t, e.request("POST", host, api.PathRegistrations+"/"+regs[0].CustomerID+"/approve", "", pat, nil), http.StatusForbidden)
	if w := e.request("POST", host, api.PathRegistrations+"/"+regs[0].CustomerID+"/approve", "", staff, nil); w.Code != 200 {
		t.Fatalf("approve: %d %s", w.Code, w.Body)
	}
	if w := e.request("GET", host, api.PathUsers, "", pat, nil); w.Code != 200 || state() != "" {
		t.Errorf("after approval: %d %s", w.Code, w.Body)
	}
}

// TestSelfRegistrationWithRequiredMFA: where the tenant requires a second
// factor, a sign-up opens a session that waits for the e-mailed code,
// which also proves the address; only then does the profile step start.
func TestSelfRegistrationWithRequiredMFA(t *testing.T) {
	e := newEnv(t, nil)
	strict := newTenant("strict", "Strict Steel", tenants.StatusActive)
	strict.Settings.SelfRegistration, strict.Settings.MFARequired = true, true
	if err := e.owner.ApplyTenant(context.Background(), strict); err != nil {
		t.Fatal(err)
	}
	const host = "strict.portal.test"
	w := e.request("POST", host, api.PathRegistration, `{"name":"Pat Doe","email":"pat@doe.example","password":"Blue-Lathe-Morning-42"}`, nil, nil)
	if w.Code != http.StatusCreated {
		t.Fatalf("sign up: %d %s", w.Code, w.Body)
	}
	var st api.RegistrationStatus
	if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil || st.MFA == nil || st.MFA.Method != "email" {
		t.Fatalf("sign-up answer %s (%v): want an e-mail challenge", w.Body, err)
	}
	pat := w.Result().Cookies()
	if p := decodeProblem(t, e.request("GET", host, api.PathRegistration, "", pat, nil), http.StatusUnauthorized); p.Code != api.CodeMFARequired {
		t.Errorf("registration state before the code: %+v", p)
	}
	e.srv.Wait()
	m := regexp.MustCompile(`portal is:(?:\\n|\s)+(\d{6})`).FindStringSubmatch(e.logs.String()) // JSON log: "\n" escaped
	if m == nil {
		t.Fatalf("no code mailed; log:\n%s", e.logs)
	}
	w = e.request("POST", host, api.PathSessionMFA, `{"code":"`+m[1]+`"}`, pat, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("verify: %d %s", w.Code, w.Body)
	}
	w = e.request("GET", host, api.PathRegistration, "", w.Result().Cookies(), nil)
	if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil || w.Code != 200 || st.State != api.CodeProfileIncomplete {
		t.Errorf("after the code: %d %s", w.Code, w.Body)
	}
}
