package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// testTOTPSecret is a base32 secret the tests give users directly.
const testTOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// enableTOTP turns TOTP on for email in tenant slug with secret, sealed
// with the key of the server's database (app).
func enableTOTP(t *testing.T, owner, app *postgres.DB, slug, email, secret string) {
	t.Helper()
	tn, err := owner.FindTenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	err = owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		var id string
		if err := tx.NewRaw(`SELECT id::text FROM users WHERE email = ?`, email).Scan(ctx, &id); err != nil {
			return err
		}
		stored, err := postgres.SealTOTP(app.Secrets(), tn.ID, id, secret)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET mfa_enabled = true, totp_secret = ? WHERE id = ?`, stored, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func signInCookies(t *testing.T, e *env, host, email string) ([]*http.Cookie, api.Me) {
	t.Helper()
	w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+testPassword+`","remember":true}`, nil, nil)
	if w.Code != 200 {
		t.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
	}
	var me api.Me
	if err := json.Unmarshal(w.Body.Bytes(), &me); err != nil {
		t.Fatal(err)
	}
	return w.Result().Cookies(), me
}

func TestMFATOTPSignIn(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	enableTOTP(t, e.owner, e.db, "acme", "jane@acme-customer.example", testTOTPSecret)
	pending, me := signInCookies(t, e, host, "jane@acme-customer.example")
	if me.MFA == nil || me.MFA.Method != api.MFAMethodTOTP || !me.MFA.Recovery || me.Email != "" || len(me.Capabilities) != 0 {
		t.Fatalf("sign-in answer %+v, want an MFA challenge and nothing else", me)
	}
	if len(pending) != 1 || pending[0].Expires.IsZero() || time.Until(pending[0].Expires) > 11*time.Minute {
		t.Fatalf("pending cookie %+v, want one that ends within 10 minutes", pending)
	}
	// The pending session reaches nothing else: 401 with the code the PWA
	// recognises.
	for _, path := range []string{api.PathMe, api.PathMySessions, api.PathMyMFA} {
		if p := decodeProblem(t, e.request("GET", host, path, "", pending, nil), http.StatusUnauthorized); p.Code != api.CodeMFARequired {
			t.Errorf("GET %s with a pending session: %+v", path, p)
		}
	}
	w := e.request("GET", host, api.PathSessionMFA, "", pending, nil)
	var ch api.MFAChallenge
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &ch) != nil || ch.Method != api.MFAMethodTOTP {
		t.Fatalf("challenge: %d %s", w.Code, w.Body)
	}
	// An e-mailed code is not on offer.
	if p := decodeProblem(t, e.request("POST", host, api.PathSessionMFAResend, "", pending, nil), http.StatusConflict); p.Code != api.CodeConflict {
		t.Errorf("resend for TOTP: %+v", p)
	}
	p := decodeProblem(t, e.request("POST", host, api.PathSessionMFA, `{"code":"12345"}`, pending, nil), http.StatusBadRequest)
	if len(p.Errors) != 1 || p.Errors[0].Field != "code" {
		t.Errorf("short code: %+v", p)
	}
	code := codeAt(t, testTOTPSecret, time.Now())
	me = api.Me{}
	w = e.request("POST", host, api.PathSessionMFA, `{"code":"`+code+`"}`, pending, nil)
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &me) != nil || me.Email != "jane@acme-customer.example" || me.MFA != nil {
		t.Fatalf("verify: %d %s", w.Code, w.Body)
	}
	full := w.Result().Cookies()
	if len(full) != 1 || full[0].Value == pending[0].Value || time.Until(full[0].Expires) < 29*24*time.Hour {
		t.Fatalf("after MFA cookie %+v, want a new remembered one", full)
	}
	if w := e.request("GET", host, api.PathMe, "", full, nil); w.Code != 200 {
		t.Errorf("me with the new session: %d", w.Code)
	}
	if w := e.request("GET", host, api.PathMe, "", pending, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("me with the pending session after MFA: %d", w.Code)
	}
	// The new session is not a pending one: the challenge is closed to it.
	if w := e.request("GET", host, api.PathSessionMFA, "", full, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("challenge with a full session: %d", w.Code)
	}
	// The same code again, in a new sign-in: replay refused.
	pending2, _ := signInCookies(t, e, host, "jane@acme-customer.example")
	p = decodeProblem(t, e.request("POST", host, api.PathSessionMFA, `{"code":"`+code+`"}`, pending2, nil), http.StatusBadRequest)
	if p.Code != api.CodeInvalid || len(p.Errors) != 1 || p.Errors[0].Field != "code" {
		t.Errorf("replayed code: %+v", p)
	}
	// Cancel: signing out ends the pending sign-in.
	if w := e.request("DELETE", host, api.PathSession, "", pending2, nil); w.Code != http.StatusNoContent {
		t.Fatalf("sign out pending: %d", w.Code)
	}
	if w := e.request("GET", host, api.PathSessionMFA, "", pending2, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("challenge after cancel: %d", w.Code)
	}
}

// mailedCode waits for the log-only mailer's message to email and returns
// the code in it.
func mailedCode(t *testing.T, e *env, email string, skip int) string {
	t.Helper()
	re := regexp.MustCompile(`portal is:\s+(\d{6})`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := 0
		for _, line := range strings.Split(e.logs.String(), "\n") {
			var rec struct {
				Msg  string
				To   any
				Text string
			}
			if json.Unmarshal([]byte(line), &rec) != nil || !strings.HasPrefix(rec.Msg, "mail: not sent") {
				continue
			}
			if to, _ := json.Marshal(rec.To); !strings.Contains(string(to), email) {
				continue
			}
			if m := re.FindStringSubmatch(rec.Text); m != nil {
				if n == skip {
					return m[1]
				}
				n++
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no code mail %d to %s in the log", skip, email)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestMFAEmailCodeAndResend(t *testing.T) {
	e := newEnv(t, nil)
	strict := newTenant("strict", "Strict Steel", tenants.StatusActive)
	strict.Settings.MFARequired = true
	if err := e.owner.ApplyTenant(context.Background(), strict); err != nil {
		t.Fatal(err)
	}
	const host = "strict.portal.test"
	seedUser(t, e.owner, "strict", "sam@strict-customer.example", "Sam", "admin")
	pending, me := signInCookies(t, e, host, "sam@strict-customer.example")
	if me.MFA == nil || me.MFA.Method != api.MFAMethodEmail || me.MFA.Recovery || me.MFA.ResendAfter < 55 || me.MFA.ResendAfter > 60 {
		t.Fatalf("sign-in answer %+v", me.MFA)
	}
	code := mailedCode(t, e, "sam@strict-customer.example", 0)
	// Resend within the cooldown: 429, and Retry-After says how long.
	w := e.request("POST", host, api.PathSessionMFAResend, "", pending, nil)
	if p := decodeProblem(t, w, http.StatusTooManyRequests); p.Code != api.CodeRateLimited {
		t.Errorf("early resend: %+v", p)
	}
	if s, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Errorf("Retry-After %q", w.Header().Get("Retry-After"))
	}
	w = e.request("POST", host, api.PathSessionMFA, `{"code":"`+code+`"}`, pending, nil)
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &me) != nil || me.Email != "sam@strict-customer.example" {
		t.Fatalf("verify: %d %s", w.Code, w.Body)
	}
	// A tenant that requires MFA: the staff-less settings page says so.
	full := w.Result().Cookies()
	var st api.MFAStatus
	if w := e.request("GET", host, api.PathMyMFA, "", full, nil); w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &st) != nil || !st.Required || st.TOTPEnabled {
		t.Errorf("status: %d %s", w.Code, w.Body)
	}
}

func TestMFAEnrolmentRoutes(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	jane, _ := signInCookies(t, e, host, "jane@acme-customer.example")
	w := e.request("POST", host, api.PathMyTOTP, "", jane, nil)
	var en api.TOTPEnrolment
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &en) != nil || !strings.HasPrefix(en.QRCode, "data:image/png;base64,") ||
		!strings.HasPrefix(en.URI, "otpauth://totp/") || en.Secret == "" {
		t.Fatalf("start: %d %s", w.Code, w.Body)
	}
	p := decodeProblem(t, e.request("POST", host, api.PathMyTOTPConfirm, `{"code":"000000x"}`, jane, nil), http.StatusBadRequest)
	if len(p.Errors) != 1 || p.Errors[0].Field != "code" {
		t.Errorf("bad confirm: %+v", p)
	}
	w = e.request("POST", host, api.PathMyTOTPConfirm, `{"code":"`+codeAt(t, en.Secret, time.Now())+`"}`, jane, nil)
	var rc api.RecoveryCodes
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &rc) != nil || len(rc.Codes) != 10 {
		t.Fatalf("confirm: %d %s", w.Code, w.Body)
	}
	var st api.MFAStatus
	if w := e.request("GET", host, api.PathMyMFA, "", jane, nil); json.Unmarshal(w.Body.Bytes(), &st) != nil || !st.TOTPEnabled || st.RecoveryCodesLeft != 10 {
		t.Errorf("status: %s", w.Body)
	}
	if w := e.request("POST", host, api.PathMyTOTP, "", jane, nil); w.Code != http.StatusConflict {
		t.Errorf("second start: %d", w.Code)
	}
	p = decodeProblem(t, e.request("POST", host, api.PathMyTOTPDisable, `{"password":"nope"}`, jane, nil), http.StatusBadRequest)
	if len(p.Errors) != 1 || p.Errors[0].Field != "password" {
		t.Errorf("disable with a wrong password: %+v", p)
	}
	w = e.request("POST", host, api.PathMyRecoveryCodes, `{"password":"`+testPassword+`"}`, jane, nil)
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &rc) != nil || len(rc.Codes) != 10 {
		t.Fatalf("regenerate: %d %s", w.Code, w.Body)
	}
	if w := e.request("POST", host, api.PathMyTOTPDisable, `{"password":"`+testPassword+`"}`, jane, nil); w.Code != http.StatusNoContent {
		t.Fatalf("disable: %d %s", w.Code, w.Body)
	}
	// Signing in is one step again.
	if _, me := signInCookies(t, e, host, "jane@acme-customer.example"); me.MFA != nil || me.Email == "" {
		t.Errorf("after disable: %+v", me)
	}
}
