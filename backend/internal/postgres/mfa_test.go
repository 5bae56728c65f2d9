package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

var mfaClient = portal.Client{IP: "203.0.113.7", UserAgent: "test"}

// totpCode is what an authenticator app shows for secret at t.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrongCode is a six-digit code the app does not show around at.
func wrongCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if c != totpCode(t, secret, at.Add(-30*time.Second)) && c != totpCode(t, secret, at) && c != totpCode(t, secret, at.Add(30*time.Second)) {
			return c
		}
	}
	t.Fatal("no wrong code")
	return ""
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := portal.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %q), want %q", what, err, got, code)
	}
}

// enrolTOTP enrols jane of ctx with an authenticator app and returns her
// id, the secret and the recovery codes.
func enrolTOTP(t *testing.T, e *authEnv, ctx context.Context) (string, string, []string) {
	t.Helper()
	_, u, err := signIn(e, ctx, "jane@example.com", authPassword, false)
	if err != nil {
		t.Fatal(err)
	}
	en, err := e.svc.StartTOTP(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if en.Secret == "" || len(en.QRPNG) < 100 || en.URI == "" {
		t.Fatalf("enrolment %+v", en)
	}
	codes, err := e.svc.ConfirmTOTP(ctx, u.ID, totpCode(t, en.Secret, e.now), mfaClient)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != portal.RecoveryCodeCount {
		t.Fatalf("%d recovery codes", len(codes))
	}
	return u.ID, en.Secret, codes
}

// pendingSignIn signs jane in with her password and checks the sign-in
// waits for method.
func pendingSignIn(t *testing.T, e *authEnv, ctx context.Context, remember bool, method string) (string, *portal.Session) {
	t.Helper()
	token, sess, _, err := e.svc.SignIn(ctx, portal.SignInInput{Email: "jane@example.com", Password: authPassword, Remember: remember, Client: mfaClient})
	if err != nil {
		t.Fatal(err)
	}
	if !sess.MFAPending || sess.MFAMethod != method || sess.ExpiresAt.Sub(e.now) != portal.MFAPendingLifetime {
		t.Fatalf("sign-in session %+v, want pending %s for 10 minutes", sess, method)
	}
	return token, sess
}

func TestMFATOTPSignIn(t *testing.T) {
	e := newAuthEnv(t)
	userID, secret, _ := enrolTOTP(t, e, e.a)
	usedAtEnrolment := totpCode(t, secret, e.now)

	token, pending := pendingSignIn(t, e, e.a, true, portal.MFAMethodTOTP)
	// The pending session authenticates as pending only, and is no
	// session in the user's list.
	if s, _, err := e.svc.Authenticate(e.a, token); err != nil || !s.MFAPending {
		t.Fatalf("authenticate pending: %+v %v", s, err)
	}
	if list, err := e.svc.ListSessions(e.a, userID); err != nil || len(list) != 1 {
		t.Fatalf("sessions listed: %d %v, want only the enrolment's", len(list), err)
	}
	ch, err := e.svc.Challenge(e.a, token)
	if err != nil || ch.Method != portal.MFAMethodTOTP || !ch.Recovery {
		t.Fatalf("challenge %+v %v", ch, err)
	}

	t.Run("replay of the enrolment's code", func(t *testing.T) {
		_, _, _, err := e.svc.Verify(e.a, token, portal.MFAVerifyInput{Code: usedAtEnrolment, Client: mfaClient})
		wantCode(t, "replayed code", err, portal.EINVALID)
	})
	t.Run("code outside the window", func(t *testing.T) {
		e.now = e.now.Add(5 * time.Minute)
		for _, at := range []time.Time{e.now.Add(-60 * time.Second), e.now.Add(60 * time.Second)} {
			_, _, _, err := e.svc.Verify(e.a, token, portal.MFAVerifyInput{Code: totpCode(t, secret, at), Client: mfaClient})
			wantCode(t, "code two steps away", err, portal.EINVALID)
		}
	})
	t.Run("malformed code", func(t *testing.T) {
		_, _, _, err := e.svc.Verify(e.a, token, portal.MFAVerifyInput{Code: "12ab56"})
		wantCode(t, "letters", err, portal.EINVALID)
	})
	t.Run("from another tenant", func(t *testing.T) {
		_, _, _, err := e.svc.Verify(e.b, token, portal.MFAVerifyInput{Code: totpCode(t, secret, e.now)})
		wantCode(t, "token of tenant A in tenant B", err, portal.EUNAUTHORIZED)
	})

	// One step of skew is accepted; the session id and token change.
	code := totpCode(t, secret, e.now.Add(-30*time.Second))
	newToken, sess, u, err := e.svc.Verify(e.a, token, portal.MFAVerifyInput{Code: code, Client: mfaClient})
	if err != nil {
		t.Fatal(err)
	}
	if newToken == token || sess.ID == pending.ID || sess.MFAPending || !sess.Remember || u.ID != userID {
		t.Fatalf("after MFA: token changed %v, session %+v (pending was %s)", newToken != token, sess, pending.ID)
	}
	if sess.ExpiresAt.Sub(e.now) != portal.RememberLifetime {
		t.Errorf("remember-me not kept: expires %s", sess.ExpiresAt)
	}
	if _, _, err := e.svc.Authenticate(e.a, token); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("pending token still works: %v", err)
	}
	if s, _, err := e.svc.Authenticate(e.a, newToken); err != nil || s.MFAPending {
		t.Errorf("new session: %+v %v", s, err)
	}

	// The same code in a second sign-in within its window: refused.
	token2, _ := pendingSignIn(t, e, e.a, false, portal.MFAMethodTOTP)
	_, _, _, err = e.svc.Verify(e.a, token2, portal.MFAVerifyInput{Code: code, Client: mfaClient})
	wantCode(t, "replayed code", err, portal.EINVALID)
	// The current step is later than the one used: accepted once.
	if _, _, _, err := e.svc.Verify(e.a, token2, portal.MFAVerifyInput{Code: totpCode(t, secret, e.now), Client: mfaClient}); err != nil {
		t.Fatalf("current code: %v", err)
	}
	kinds := auditKinds(t, e, e.a)
	for _, k := range []string{"mfa_enabled", "signin_mfa_pending", "mfa_failed", "mfa_verified"} {
		if kinds[k] == 0 {
			t.Errorf("no %s audit event: %v", k, kinds)
		}
	}
}

func auditKinds(t *testing.T, e *authEnv, ctx context.Context) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := e.app.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT kind, count(*) FROM audit_events GROUP BY kind`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				return err
			}
			out[k] = n
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMFARecoveryCodeSingleUse(t *testing.T) {
	e := newAuthEnv(t)
	userID, _, codes := enrolTOTP(t, e, e.a)
	token, _ := pendingSignIn(t, e, e.a, false, portal.MFAMethodTOTP)
	// Typed in capitals without dashes: still the code.
	typed := ""
	for _, r := range codes[3] {
		if r != '-' {
			typed += string(r - 'a' + 'A')
			if r >= '2' && r <= '7' {
				typed = typed[:len(typed)-1] + string(r)
			}
		}
	}
	if _, _, _, err := e.svc.Verify(e.a, token, portal.MFAVerifyInput{RecoveryCode: typed, Client: mfaClient}); err != nil {
		t.Fatalf("recovery code %q: %v", typed, err)
	}
	token, _ = pendingSignIn(t, e, e.a, false, portal.MFAMethodTOTP)
	_, _, _, err := e.svc.Verify(e.a, token, portal.MFAVerifyInput{RecoveryCode: codes[3], Client: mfaClient})
	wantCode(t, "used recovery code", err, portal.EINVALID)
	if st, err := e.svc.Status(e.a, userID); err != nil || !st.TOTPEnabled || st.RecoveryCodesLeft != portal.RecoveryCodeCount-1 {
		t.Fatalf("status %+v %v", st, err)
	}
	// New codes replace the old ones; they need the password or a code.
	_, err = e.svc.RegenerateRecoveryCodes(e.a, userID, portal.MFAReauth{Password: "wrong"}, mfaClient)
	wantCode(t, "wrong password", err, portal.EINVALID)
	fresh, err := e.svc.RegenerateRecoveryCodes(e.a, userID, portal.MFAReauth{Password: authPassword}, mfaClient)
	if err != nil || len(fresh) != portal.RecoveryCodeCount {
		t.Fatalf("regenerate: %d %v", len(fresh), err)
	}
	_, _, _, err = e.svc.Verify(e.a, token, portal.MFAVerifyInput{RecoveryCode: codes[0], Client: mfaClient})
	wantCode(t, "replaced recovery code", err, portal.EINVALID)
	if _, _, _, err := e.svc.Verify(e.a, token, portal.MFAVerifyInput{RecoveryCode: fresh[9], Client: mfaClient}); err != nil {
		t.Fatalf("new recovery code: %v", err)
	}
	if auditKinds(t, e, e.a)["recovery_codes_regenerated"] != 1 {
		t.Error("regeneration not audited")
	}
}

func TestMFAEnrolmentAndDisable(t *testing.T) {
	e := newAuthEnv(t)
	userID, secret, _ := enrolTOTP(t, e, e.a)
	if _, err := e.svc.StartTOTP(e.a, userID); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("second enrolment while on: %v", err)
	}
	if _, err := e.svc.StartTOTP(e.b, userID); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("user of tenant A enrolled through tenant B: %v", err)
	}
	e.now = e.now.Add(time.Minute)
	err := e.svc.DisableTOTP(e.a, userID, portal.MFAReauth{Code: wrongCode(t, secret, e.now)}, mfaClient)
	wantCode(t, "disable with a wrong code", err, portal.EINVALID)
	if err := e.svc.DisableTOTP(e.a, userID, portal.MFAReauth{Code: totpCode(t, secret, e.now)}, mfaClient); err != nil {
		t.Fatal(err)
	}
	if st, err := e.svc.Status(e.a, userID); err != nil || st.TOTPEnabled || st.RecoveryCodesLeft != 0 {
		t.Fatalf("after disable: %+v %v", st, err)
	}
	// Signing in is one step again.
	_, sess, _, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword, Client: mfaClient})
	if err != nil || sess.MFAPending {
		t.Fatalf("sign-in after disable: %+v %v", sess, err)
	}
	// Confirming needs a pending secret and its code.
	_, err = e.svc.ConfirmTOTP(e.a, userID, "123456", mfaClient)
	wantCode(t, "confirm without enrolment", err, portal.ECONFLICT)
	en, err := e.svc.StartTOTP(e.a, userID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.ConfirmTOTP(e.a, userID, totpCode(t, en.Secret, e.now.Add(-5*time.Minute)), mfaClient)
	wantCode(t, "confirm with an old code", err, portal.EINVALID)
	if kinds := auditKinds(t, e, e.a); kinds["mfa_disabled"] != 1 || kinds["mfa_enabled"] != 1 || kinds["mfa_failed"] != 1 {
		t.Errorf("audit: %v", kinds)
	}
}

// TestMFAReauthThrottled: guessing codes (or the password) to turn the
// second factor off stops at MaxMFAFailures.
func TestMFAReauthThrottled(t *testing.T) {
	e := newAuthEnv(t)
	userID, secret, _ := enrolTOTP(t, e, e.a)
	e.now = e.now.Add(time.Minute)
	for i := 0; i < portal.MaxMFAFailures; i++ {
		err := e.svc.DisableTOTP(e.a, userID, portal.MFAReauth{Code: wrongCode(t, secret, e.now)}, mfaClient)
		wantCode(t, "wrong code", err, portal.EINVALID)
	}
	err := e.svc.DisableTOTP(e.a, userID, portal.MFAReauth{Code: totpCode(t, secret, e.now)}, mfaClient)
	wantCode(t, "right code while throttled", err, portal.ERATELIMITED)
	if st, err := e.svc.Status(e.a, userID); err != nil || !st.TOTPEnabled {
		t.Fatalf("status %+v %v", st, err)
	}
}

// mfaRequired is ctx with its tenant requiring a second factor.
func mfaRequired(ctx context.Context) context.Context {
	tn, _ := tenants.FromContext(ctx)
	c := *tn
	c.Settings.MFARequired = true
	return tenants.NewContext(ctx, &c)
}

func TestMFAEmailCode(t *testing.T) {
	e := newAuthEnv(t)
	ctx := mfaRequired(e.a)
	token, _ := pendingSignIn(t, e, ctx, false, portal.MFAMethodEmail)
	first, _, err := e.svc.IssueCode(ctx, token, mfaClient)
	if err != nil || len(first.Code) != 6 || first.User.Email != "jane@example.com" {
		t.Fatalf("first code: %+v %v", first, err)
	}
	// Resend within the cooldown: refused, saying how long to wait.
	e.now = e.now.Add(20 * time.Second)
	_, wait, err := e.svc.IssueCode(ctx, token, mfaClient)
	wantCode(t, "resend within 60 s", err, portal.ERATELIMITED)
	if wait != 40*time.Second {
		t.Errorf("wait %s, want 40s", wait)
	}
	ch, err := e.svc.Challenge(ctx, token)
	if err != nil || ch.Method != portal.MFAMethodEmail || ch.Recovery || !ch.ResendAt.Equal(e.now.Add(40*time.Second)) {
		t.Fatalf("challenge %+v %v", ch, err)
	}
	e.now = e.now.Add(41 * time.Second)
	second, _, err := e.svc.IssueCode(ctx, token, mfaClient)
	if err != nil {
		t.Fatal(err)
	}
	if first.Code != second.Code {
		_, _, _, err = e.svc.Verify(ctx, token, portal.MFAVerifyInput{Code: first.Code, Client: mfaClient})
		wantCode(t, "superseded code", err, portal.EINVALID)
	}
	// A TOTP code path does not exist for this sign-in; recovery codes neither.
	_, _, _, err = e.svc.Verify(ctx, token, portal.MFAVerifyInput{RecoveryCode: "aaaa-bbbb-cccc-dddd", Client: mfaClient})
	wantCode(t, "recovery code for e-mail", err, portal.EINVALID)
	newToken, sess, _, err := e.svc.Verify(ctx, token, portal.MFAVerifyInput{Code: second.Code, Client: mfaClient})
	if err != nil || newToken == token || sess.MFAPending {
		t.Fatalf("verify: %+v %v", sess, err)
	}
	// Single use: the pending sign-in is gone with its code.
	_, _, _, err = e.svc.Verify(ctx, token, portal.MFAVerifyInput{Code: second.Code, Client: mfaClient})
	wantCode(t, "code used twice", err, portal.EUNAUTHORIZED)

	t.Run("expiry", func(t *testing.T) {
		token, _ := pendingSignIn(t, e, ctx, false, portal.MFAMethodEmail)
		m, _, err := e.svc.IssueCode(ctx, token, mfaClient)
		if err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(portal.MFACodeLifetime + time.Second)
		_, _, _, err = e.svc.Verify(ctx, token, portal.MFAVerifyInput{Code: m.Code, Client: mfaClient})
		wantCode(t, "expired code", err, portal.EUNAUTHORIZED)
		_, _, err = e.svc.IssueCode(ctx, token, mfaClient)
		wantCode(t, "resend after expiry", err, portal.EUNAUTHORIZED)
	})
	t.Run("TOTP sign-in has no e-mailed code", func(t *testing.T) {
		e.now = e.now.Add(time.Hour)
		enrolTOTP(t, e, ctx)
		token, _ := pendingSignIn(t, e, ctx, false, portal.MFAMethodTOTP)
		_, _, err := e.svc.IssueCode(ctx, token, mfaClient)
		wantCode(t, "e-mail code for a TOTP user", err, portal.ECONFLICT)
	})
}

func TestMFAAttemptsLimit(t *testing.T) {
	e := newAuthEnv(t)
	ctx := mfaRequired(e.a)
	token, _ := pendingSignIn(t, e, ctx, false, portal.MFAMethodEmail)
	m, _, err := e.svc.IssueCode(ctx, token, mfaClient)
	if err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if m.Code == wrong {
		wrong = "111111"
	}
	for i := 1; i < portal.MaxMFAAttempts; i++ {
		_, _, _, err := e.svc.Verify(ctx, token, portal.MFAVerifyInput{Code: wrong, Client: mfaClient})
		wantCode(t, "wrong code", err, portal.EINVALID)
	}
	_, _, _, err = e.svc.Verify(ctx, token, portal.MFAVerifyInput{Code: wrong, Client: mfaClient})
	wantCode(t, "last wrong code", err, portal.EUNAUTHORIZED)
	_, _, _, err = e.svc.Verify(ctx, token, portal.MFAVerifyInput{Code: m.Code, Client: mfaClient})
	wantCode(t, "right code after the challenge ended", err, portal.EUNAUTHORIZED)

	// Across challenges: MaxMFAFailures within the window, then even the
	// right code waits.
	for failures := portal.MaxMFAAttempts; failures < portal.MaxMFAFailures; {
		token, _ = pendingSignIn(t, e, ctx, false, portal.MFAMethodEmail)
		for i := 1; i < portal.MaxMFAAttempts && failures < portal.MaxMFAFailures; i++ {
			_, _, _, err := e.svc.Verify(ctx, token, portal.MFAVerifyInput{Code: wrong, Client: mfaClient})
			wantCode(t, "wrong code", err, portal.EINVALID)
			failures++
		}
	}
	m, _, err = e.svc.IssueCode(ctx, token, mfaClient)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = e.svc.Verify(ctx, token, portal.MFAVerifyInput{Code: m.Code, Client: mfaClient})
	wantCode(t, "right code while throttled", err, portal.ERATELIMITED)
	e.now = e.now.Add(portal.ThrottleWindow)
	token, _ = pendingSignIn(t, e, ctx, false, portal.MFAMethodEmail)
	if m, _, err = e.svc.IssueCode(ctx, token, mfaClient); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err = e.svc.Verify(ctx, token, portal.MFAVerifyInput{Code: m.Code, Client: mfaClient}); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// TestMFAStaff: the tenant's staff (no customer) enrol and sign in with the
// second factor like customers' users.
func TestMFAStaff(t *testing.T) {
	e := newAuthEnv(t)
	hash, err := password.Hash(authPassword)
	if err != nil {
		t.Fatal(err)
	}
	tn, _ := tenants.FromContext(e.a)
	err = e.owner.InTx(e.a, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, email, name, role, status, password_hash)
			VALUES (?, ?, 'staff@example.com', 'Sam Staff', 'tenant_admin', 'active', ?)`, tn.ID, uuid.NewString(), hash)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, u, err := signIn(e, e.a, "staff@example.com", authPassword, false)
	if err != nil || !u.Staff() {
		t.Fatalf("staff sign-in: %+v %v", u, err)
	}
	en, err := e.svc.StartTOTP(e.a, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ConfirmTOTP(e.a, u.ID, totpCode(t, en.Secret, e.now), mfaClient); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(time.Minute)
	token, sess, _, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "staff@example.com", Password: authPassword, Client: mfaClient})
	if err != nil || !sess.MFAPending {
		t.Fatalf("staff sign-in with TOTP: %+v %v", sess, err)
	}
	_, full, su, err := e.svc.Verify(e.a, token, portal.MFAVerifyInput{Code: totpCode(t, en.Secret, e.now), Client: mfaClient})
	if err != nil || full.MFAPending || full.CustomerID != "" || !su.Staff() {
		t.Fatalf("staff verify: %+v %+v %v", full, su, err)
	}
}

// TestTOTPSecretSealed: the database holds the TOTP secret sealed, not in
// the clear, and a sealed secret moved to another user's row does not open
// there (the sign-in fails instead of accepting the other user's codes).
func TestTOTPSecretSealed(t *testing.T) {
	e := newAuthEnv(t)
	janeID, secret, _ := enrolTOTP(t, e, e.a)
	var stored string
	err := e.owner.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT totp_secret FROM users WHERE id = ?`, janeID).Scan(ctx, &stored)
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored == secret || strings.Contains(stored, secret) || !strings.HasPrefix(stored, "v1.") {
		t.Fatalf("stored TOTP secret %q is not sealed", stored)
	}

	// Give "old" (re-activated) jane's sealed secret: it must not open.
	err = e.owner.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET status = 'active', mfa_enabled = true, totp_secret = ? WHERE email = 'old@example.com'`, stored)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	token, _, _, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "old@example.com", Password: authPassword, Client: mfaClient})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := e.svc.Verify(e.a, token, portal.MFAVerifyInput{Code: totpCode(t, secret, e.now), Client: mfaClient}); err == nil {
		t.Error("a secret copied from another row verified a code")
	}
}

// TestMFATurnedOffMidSignIn: a sign-in that waited for the app when the
// user turned the app off cannot be finished with the code of the empty
// key (which anyone can compute).
func TestMFATurnedOffMidSignIn(t *testing.T) {
	e := newAuthEnv(t)
	userID, secret, _ := enrolTOTP(t, e, e.a)
	token, _ := pendingSignIn(t, e, e.a, false, portal.MFAMethodTOTP)
	e.now = e.now.Add(time.Minute) // the enrolment spent this step's code
	if err := e.svc.DisableTOTP(e.a, userID, portal.MFAReauth{Code: totpCode(t, secret, e.now)}, mfaClient); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(time.Minute)
	if _, _, _, err := e.svc.Verify(e.a, token, portal.MFAVerifyInput{Code: totpCode(t, "", e.now), Client: mfaClient}); err == nil {
		t.Error("the code of the empty key finished the sign-in")
	}
}
