package postgres

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"image/png"
	"math/big"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/sealed"
	"example.com/portal/tenants"
)

var _ portal.MFAService = (*AuthService)(nil)

var errNoChallenge = portal.Errorf(portal.EUNAUTHORIZED, "Your sign-in has ended. Sign in again.")

// totpOpts are the parameters every authenticator app supports: SHA-1,
// six digits, 30-second steps (RFC 6238 defaults).
var totpOpts = totp.ValidateOpts{Period: uint(portal.TOTPPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// totpStep is the RFC 6238 time step of t.
func totpStep(t time.Time) int64 { return t.Unix() / int64(portal.TOTPPeriod/time.Second) }

// checkTOTP finds the step within ±TOTPSkew of now whose code is code and
// which is later than lastStep (a step is used once: replay is refused).
func checkTOTP(secret, code string, now time.Time, lastStep int64) (int64, bool) {
	if secret == "" {
		// No app (turned off while a sign-in waited for it): the code of
		// the empty key is public, so nothing verifies.
		return 0, false
	}
	cur := totpStep(now)
	for step := cur - portal.TOTPSkew; step <= cur+portal.TOTPSkew; step++ {
		if step <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*int64(portal.TOTPPeriod/time.Second), 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// mfaCodeHash binds an e-mailed code to its pending session.
func mfaCodeHash(sessionID, code string) []byte {
	h := sha256.Sum256([]byte("mfa " + sessionID + " " + code))
	return h[:]
}

// recoveryAlphabet has no letters easily mistaken for digits (RFC 4648
// base32, lower case).
const recoveryAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

// newRecoveryCodes returns RecoveryCodeCount codes as shown to the user
// ("abcd-efgh-ijkl-mnop", 80 random bits each) and their hashes.
func newRecoveryCodes() ([]string, [][]byte, error) {
	codes := make([]string, portal.RecoveryCodeCount)
	hashes := make([][]byte, portal.RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, err
		}
		var sb strings.Builder
		for j, x := range b {
			if j > 0 && j%4 == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(recoveryAlphabet[x&31])
		}
		codes[i] = sb.String()
		hashes[i] = recoveryHash(portal.NormalizeRecoveryCode(codes[i]))
	}
	return codes, hashes, nil
}

func recoveryHash(normalized string) []byte {
	h := sha256.Sum256([]byte("recovery " + normalized))
	return h[:]
}

// markPendingTx turns a session just made by createSessionTx into a sign-in
// awaiting its second factor: short-lived, and useless beyond the MFA
// endpoints.
func markPendingTx(ctx context.Context, tx bun.Tx, now time.Time, sess *portal.Session, method string) error {
	sess.MFAPending, sess.MFAMethod = true, method
	sess.IdleExpiresAt, sess.ExpiresAt = now.Add(portal.MFAPendingLifetime), now.Add(portal.MFAPendingLifetime)
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET mfa_pending = true, mfa_method = ?, idle_expires_at = ?, expires_at = ?
		WHERE id = ?`, method, sess.IdleExpiresAt, sess.ExpiresAt, sess.ID)
	if err != nil {
		return fmt.Errorf("postgres: mark session pending: %w", err)
	}
	return nil
}

// mfaMethodFor is the second factor u must pass in the tenant of ctx, or
// "" for none.
func mfaMethodFor(ctx context.Context, u *portal.User) string {
	t, _ := tenants.FromContext(ctx)
	switch {
	case u.MFAEnabled:
		return portal.MFAMethodTOTP
	case t.Settings.MFARequired:
		return portal.MFAMethodEmail
	}
	return ""
}

// pending is a sign-in awaiting its second factor, with its user.
type pending struct {
	sess         portal.Session
	user         portal.User
	codeHash     []byte
	codeExpires  sql.NullTime
	codeSentAt   sql.NullTime
	attempts     int
	totpSecret   string
	totpLastStep int64
}

// SealTOTP seals a TOTP secret for the users row of userID in tenantID:
// the column holds only what box can open, bound to that row.
func SealTOTP(box *sealed.Box, tenantID, userID, secret string) (string, error) {
	if box == nil {
		return "", errNoSecrets
	}
	return box.Seal([]byte(secret), totpAAD(tenantID, userID))
}

// openTOTP opens the stored secret of userID in ctx's tenant; "" stays ""
// (no app enrolled).
func (db *DB) openTOTP(ctx context.Context, userID, stored string) (string, error) {
	if stored == "" {
		return "", nil
	}
	if db.secrets == nil {
		return "", errNoSecrets
	}
	t, ok := tenants.FromContext(ctx)
	if !ok {
		return "", ErrNoTenant
	}
	plain, err := db.secrets.Open(stored, totpAAD(t.ID, userID))
	if err != nil {
		return "", fmt.Errorf("postgres: open the TOTP secret of user %s: %w", userID, err)
	}
	return string(plain), nil
}

var errNoSecrets = errors.New("postgres: no encryption key for secrets (PORTAL_ENCRYPTION_KEYS)")

func totpAAD(tenantID, userID string) []byte {
	return []byte("users.totp_secret/" + tenantID + "/" + userID)
}

// findPendingTx reads and locks the pending sign-in of token.
func (s *AuthService) findPendingTx(ctx context.Context, tx bun.Tx, token string, now time.Time) (*pending, error) {
	hashed, ok := hashToken(token)
	if !ok {
		return nil, errNoChallenge
	}
	var p pending
	err := tx.NewRaw(`SELECT s.id::text, s.remember, s.mfa_method, s.mfa_code_hash, s.mfa_code_expires_at, s.mfa_code_sent_at,
			s.mfa_attempts, s.expires_at,
			u.id::text, coalesce(u.customer_id::text, ''), coalesce(c.company_name, ''), u.email, u.name, u.role, u.mfa_enabled,
			u.totp_secret, u.totp_last_step
		FROM sessions s
		JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id AND u.status = 'active'
		LEFT JOIN customers c ON c.tenant_id = u.tenant_id AND c.id = u.customer_id
		WHERE s.token_hash = ? AND s.mfa_pending AND s.ended_at IS NULL AND s.expires_at > ? AND s.idle_expires_at > ?
		FOR UPDATE OF s, u`, hashed, now, now).
		Scan(ctx, &p.sess.ID, &p.sess.Remember, &p.sess.MFAMethod, &p.codeHash, &p.codeExpires, &p.codeSentAt,
			&p.attempts, &p.sess.ExpiresAt,
			&p.user.ID, &p.user.CustomerID, &p.user.CustomerName, &p.user.Email, &p.user.Name, &p.user.Role, &p.user.MFAEnabled,
			&p.totpSecret, &p.totpLastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoChallenge
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: find pending sign-in: %w", err)
	}
	p.sess.UserID, p.sess.CustomerID, p.sess.MFAPending = p.user.ID, p.user.CustomerID, true
	if p.totpSecret, err = s.db.openTOTP(ctx, p.user.ID, p.totpSecret); err != nil {
		return nil, err
	}
	return &p, nil
}

// Challenge implements portal.MFAService.
func (s *AuthService) Challenge(ctx context.Context, token string) (*portal.MFAChallenge, error) {
	var ch portal.MFAChallenge
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		p, err := s.findPendingTx(ctx, tx, token, s.db.Now().UTC())
		if err != nil {
			return err
		}
		ch = portal.MFAChallenge{Method: p.sess.MFAMethod, ExpiresAt: p.sess.ExpiresAt, Recovery: p.sess.MFAMethod == portal.MFAMethodTOTP}
		if p.codeSentAt.Valid {
			ch.ResendAt = p.codeSentAt.Time.Add(portal.MFAResendCooldown)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ch, nil
}

// IssueCode implements portal.MFAService.
func (s *AuthService) IssueCode(ctx context.Context, token string, c portal.Client) (*portal.MFACodeMail, time.Duration, error) {
	var (
		m    *portal.MFACodeMail
		wait time.Duration
	)
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.db.Now().UTC()
		p, err := s.findPendingTx(ctx, tx, token, now)
		if err != nil {
			return err
		}
		if p.sess.MFAMethod != portal.MFAMethodEmail {
			return portal.Errorf(portal.ECONFLICT, "This sign-in uses your authenticator app; no code is sent by e-mail.")
		}
		if p.codeSentAt.Valid && now.Before(p.codeSentAt.Time.Add(portal.MFAResendCooldown)) {
			wait = p.codeSentAt.Time.Add(portal.MFAResendCooldown).Sub(now)
			return portal.Errorf(portal.ERATELIMITED, "Wait %d seconds before asking for another code.", int((wait+time.Second-1)/time.Second))
		}
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			return err
		}
		code := fmt.Sprintf("%06d", n.Int64())
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET mfa_code_hash = ?, mfa_code_expires_at = ?, mfa_code_sent_at = ? WHERE id = ?`,
			mfaCodeHash(p.sess.ID, code), minTime(now.Add(portal.MFACodeLifetime), p.sess.ExpiresAt), now, p.sess.ID); err != nil {
			return err
		}
		m = &portal.MFACodeMail{Code: code, User: p.user}
		return auditTx(ctx, tx, now, "mfa_code_sent", &p.user, "", c, map[string]any{"session_id": p.sess.ID, "resend": p.codeSentAt.Valid})
	})
	if err != nil {
		return nil, wait, err
	}
	return m, 0, nil
}

// Verify implements portal.MFAService.
func (s *AuthService) Verify(ctx context.Context, token string, in portal.MFAVerifyInput) (string, *portal.Session, *portal.User, error) {
	if err := in.Validate(); err != nil {
		return "", nil, nil, err
	}
	newTok, newHashed, err := newToken()
	if err != nil {
		return "", nil, nil, err
	}
	var (
		sess *portal.Session
		user portal.User
		fail error // an outcome that still commits (attempts, audit)
	)
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.db.Now().UTC()
		p, err := s.findPendingTx(ctx, tx, token, now)
		if err != nil {
			return err
		}
		user = p.user
		if limited, err := s.mfaThrottled(ctx, tx, p.user.ID, now); err != nil || limited {
			if limited {
				fail = portal.Errorf(portal.ERATELIMITED, "Too many wrong codes. Wait %d minutes and try again.", int(portal.ThrottleWindow.Minutes()))
				return auditTx(ctx, tx, now, "mfa_throttled", &p.user, "", in.Client, map[string]any{"session_id": p.sess.ID})
			}
			return err
		}
		how, ok, err := s.checkAnswer(ctx, tx, p, in, now)
		if err != nil {
			return err
		}
		if !ok {
			fail, err = s.wrongAnswerTx(ctx, tx, p, in, how, now)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = ? WHERE id = ?`, now, p.sess.ID); err != nil {
			return err
		}
		sess, err = createSessionTx(ctx, tx, now, newHashed, &p.user, p.sess.Remember, in.Client)
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "mfa_verified", &p.user, "", in.Client,
			map[string]any{"method": how, "session_id": sess.ID, "pending_session_id": p.sess.ID, "remember": sess.Remember})
	})
	switch {
	case err != nil:
		return "", nil, nil, err
	case fail != nil:
		return "", nil, nil, fail
	}
	return newTok, sess, &user, nil
}

// checkAnswer checks in against the pending sign-in p and, when right,
// spends what it used (the TOTP step, the recovery code). how names what
// was tried, for the audit log.
func (s *AuthService) checkAnswer(ctx context.Context, tx bun.Tx, p *pending, in portal.MFAVerifyInput, now time.Time) (how string, ok bool, err error) {
	switch {
	case in.Code == "":
		if p.sess.MFAMethod != portal.MFAMethodTOTP {
			return "recovery_code", false, nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE mfa_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
			now, p.user.ID, recoveryHash(in.RecoveryCode))
		if err != nil {
			return "", false, err
		}
		n, err := res.RowsAffected()
		return "recovery_code", n == 1, err
	case p.sess.MFAMethod == portal.MFAMethodTOTP:
		step, ok := checkTOTP(p.totpSecret, in.Code, now, p.totpLastStep)
		if !ok {
			return portal.MFAMethodTOTP, false, nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ?`, step, p.user.ID)
		return portal.MFAMethodTOTP, true, err
	default:
		ok := p.codeHash != nil && p.codeExpires.Valid && now.Before(p.codeExpires.Time) &&
			subtle.ConstantTimeCompare(p.codeHash, mfaCodeHash(p.sess.ID, in.Code)) == 1
		return portal.MFAMethodEmail, ok, nil
	}
}

// wrongAnswerTx records a wrong answer: one attempt more, and the end of
// the challenge at MaxMFAAttempts. It returns the error for the client.
func (s *AuthService) wrongAnswerTx(ctx context.Context, tx bun.Tx, p *pending, in portal.MFAVerifyInput, how string, now time.Time) (error, error) {
	attempts := p.attempts + 1
	ended := attempts >= portal.MaxMFAAttempts
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET mfa_attempts = ?, ended_at = CASE WHEN ? THEN ?::timestamptz END WHERE id = ?`,
		attempts, ended, now, p.sess.ID); err != nil {
		return nil, err
	}
	if err := auditTx(ctx, tx, now, "mfa_failed", &p.user, "", in.Client,
		map[string]any{"method": how, "session_id": p.sess.ID, "attempt": attempts}); err != nil {
		return nil, err
	}
	if ended {
		return portal.Errorf(portal.EUNAUTHORIZED, "Too many wrong codes. Sign in again."), nil
	}
	field, msg := "code", "This code is not valid. Check it and try again."
	switch {
	case in.Code == "":
		field, msg = "recovery_code", "This recovery code is not valid or has been used."
	case how == portal.MFAMethodEmail && p.codeExpires.Valid && !now.Before(p.codeExpires.Time):
		msg = "This code has expired. Ask for a new one."
	}
	return &portal.Error{Code: portal.EINVALID, Message: "The code was not accepted.", Fields: []portal.FieldError{{Field: field, Message: msg}}}, nil
}

// mfaThrottled reports whether the user has given MaxMFAFailures wrong
// codes within the throttle window, across challenges.
func (s *AuthService) mfaThrottled(ctx context.Context, tx bun.Tx, userID string, now time.Time) (bool, error) {
	var n int
	err := tx.NewRaw(`SELECT count(*) FROM audit_events WHERE kind = 'mfa_failed' AND user_id = ? AND occurred_at > ?`,
		userID, now.Add(-portal.ThrottleWindow)).Scan(ctx, &n)
	if err != nil {
		return false, fmt.Errorf("postgres: count mfa failures: %w", err)
	}
	return n >= portal.MaxMFAFailures, nil
}

// Status implements portal.MFAService.
func (s *AuthService) Status(ctx context.Context, userID string) (*portal.MFAStatus, error) {
	var st portal.MFAStatus
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT u.mfa_enabled,
				(SELECT count(*) FROM mfa_recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL)
			FROM users u WHERE u.id = ?`, userID).Scan(ctx, &st.TOTPEnabled, &st.RecoveryCodesLeft)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portal.Errorf(portal.EUNAUTHORIZED, "Sign in to continue.")
	}
	if err != nil {
		return nil, err
	}
	t, _ := tenants.FromContext(ctx)
	st.Required = t.Settings.MFARequired
	return &st, nil
}

// StartTOTP implements portal.MFAService.
func (s *AuthService) StartTOTP(ctx context.Context, userID string) (*portal.TOTPEnrolment, error) {
	t, _ := tenants.FromContext(ctx)
	var e portal.TOTPEnrolment
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var email string
		var enabled bool
		if err := tx.NewRaw(`SELECT email, mfa_enabled FROM users WHERE id = ? FOR UPDATE`, userID).Scan(ctx, &email, &enabled); err != nil {
			return err
		}
		if enabled {
			return portal.Errorf(portal.ECONFLICT, "An authenticator app is already set up. Turn it off first to set up another.")
		}
		key, err := totp.Generate(totp.GenerateOpts{Issuer: t.Name, AccountName: email, Period: totpOpts.Period,
			Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm, SecretSize: 20})
		if err != nil {
			return err
		}
		img, err := key.Image(240, 240)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return err
		}
		e = portal.TOTPEnrolment{Secret: key.Secret(), URI: key.URL(), QRPNG: buf.Bytes()}
		stored, err := SealTOTP(s.db.secrets, t.ID, userID, e.Secret)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET totp_secret = ?, totp_last_step = 0, updated_at = ? WHERE id = ?`,
			stored, s.db.Now().UTC(), userID)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portal.Errorf(portal.EUNAUTHORIZED, "Sign in to continue.")
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// ConfirmTOTP implements portal.MFAService.
func (s *AuthService) ConfirmTOTP(ctx context.Context, userID, code string, c portal.Client) ([]string, error) {
	in := portal.MFAVerifyInput{Code: code}
	if err := in.Validate(); err != nil || in.Code == "" {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Check the code.", Fields: []portal.FieldError{{Field: "code", Message: "Enter the 6-digit code from your app."}}}
	}
	codes, hashes, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.db.Now().UTC()
		u, secret, lastStep, err := s.lockTOTPUserTx(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.MFAEnabled || secret == "" {
			return portal.Errorf(portal.ECONFLICT, "Start setting up the authenticator app first.")
		}
		step, ok := checkTOTP(secret, in.Code, now, lastStep)
		if !ok {
			return &portal.Error{Code: portal.EINVALID, Message: "The code was not accepted.",
				Fields: []portal.FieldError{{Field: "code", Message: "This code is not valid. Check the time on your phone and try again."}}}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET mfa_enabled = true, totp_last_step = ?, updated_at = ? WHERE id = ?`, step, now, userID); err != nil {
			return err
		}
		if err := replaceRecoveryCodesTx(ctx, tx, userID, hashes, now); err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "mfa_enabled", u, "", c, map[string]any{"method": portal.MFAMethodTOTP})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// lockTOTPUserTx reads and locks the user's TOTP state.
func (s *AuthService) lockTOTPUserTx(ctx context.Context, tx bun.Tx, userID string) (*portal.User, string, int64, error) {
	var u portal.User
	var secret string
	var lastStep int64
	err := tx.NewRaw(`SELECT id::text, coalesce(customer_id::text, ''), email, mfa_enabled, totp_secret, totp_last_step
		FROM users WHERE id = ? AND status = 'active' FOR UPDATE`, userID).
		Scan(ctx, &u.ID, &u.CustomerID, &u.Email, &u.MFAEnabled, &secret, &lastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", 0, portal.Errorf(portal.EUNAUTHORIZED, "Sign in to continue.")
	}
	if err != nil {
		return nil, "", 0, err
	}
	if secret, err = s.db.openTOTP(ctx, u.ID, secret); err != nil {
		return nil, "", 0, err
	}
	return &u, secret, lastStep, nil
}

func replaceRecoveryCodesTx(ctx context.Context, tx bun.Tx, userID string, hashes [][]byte, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM mfa_recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mfa_recovery_codes (tenant_id, id, user_id, code_hash, created_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?)`, uuid.Must(uuid.NewV7()).String(), userID, h, now); err != nil {
			return fmt.Errorf("postgres: insert recovery code: %w", err)
		}
	}
	return nil
}

// reauthTx checks that the person changing the second factor is the user:
// a current TOTP code (spent like any other) or the password. A wrong
// answer is fail, recorded as mfa_failed (the caller commits it), and counts
// towards MaxMFAFailures: a stolen session cannot guess its way to turning
// the second factor off.
func (s *AuthService) reauthTx(ctx context.Context, tx bun.Tx, userID string, in portal.MFAReauth, c portal.Client, now time.Time) (u *portal.User, fail, err error) {
	u, secret, lastStep, err := s.lockTOTPUserTx(ctx, tx, userID)
	if err != nil {
		return nil, nil, err
	}
	if !u.MFAEnabled {
		return nil, nil, portal.Errorf(portal.ECONFLICT, "No authenticator app is set up.")
	}
	if limited, err := s.mfaThrottled(ctx, tx, userID, now); err != nil || limited {
		if limited {
			err = portal.Errorf(portal.ERATELIMITED, "Too many wrong codes. Wait %d minutes and try again.", int(portal.ThrottleWindow.Minutes()))
		}
		return nil, nil, err
	}
	code := strings.Join(strings.Fields(in.Code), "")
	field, ok := "code", false
	switch {
	case code != "":
		var step int64
		if step, ok = checkTOTP(secret, code, now, lastStep); ok {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ?`, step, userID); err != nil {
				return nil, nil, err
			}
		}
	case in.Password != "":
		field = "password"
		var hash string
		if err := tx.NewRaw(`SELECT password_hash FROM users WHERE id = ?`, userID).Scan(ctx, &hash); err != nil {
			return nil, nil, err
		}
		ok, err = password.Verify(hash, in.Password)
		if err != nil && !errors.Is(err, password.ErrMalformed) {
			return nil, nil, err
		}
	default:
		return nil, nil, &portal.Error{Code: portal.EINVALID, Message: "Confirm it is you.",
			Fields: []portal.FieldError{{Field: "code", Message: "Enter a code from your app or your password."}}}
	}
	if ok {
		return u, nil, nil
	}
	if err := auditTx(ctx, tx, now, "mfa_failed", u, "", c, map[string]any{"method": field, "reauth": true}); err != nil {
		return nil, nil, err
	}
	msg := "This code is not valid."
	if field == "password" {
		msg = "This is not your current password."
	}
	return nil, &portal.Error{Code: portal.EINVALID, Message: "Check the highlighted fields.",
		Fields: []portal.FieldError{{Field: field, Message: msg}}}, nil
}

// DisableTOTP implements portal.MFAService.
func (s *AuthService) DisableTOTP(ctx context.Context, userID string, in portal.MFAReauth, c portal.Client) error {
	var fail error
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.db.Now().UTC()
		u, f, err := s.reauthTx(ctx, tx, userID, in, c, now)
		if err != nil || f != nil {
			fail = f
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET mfa_enabled = false, totp_secret = '', totp_last_step = 0, updated_at = ?
			WHERE id = ?`, now, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM mfa_recovery_codes WHERE user_id = ?`, userID); err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "mfa_disabled", u, "", c, map[string]any{"method": portal.MFAMethodTOTP})
	})
	if err != nil {
		return err
	}
	return fail
}

// RegenerateRecoveryCodes implements portal.MFAService.
func (s *AuthService) RegenerateRecoveryCodes(ctx context.Context, userID string, in portal.MFAReauth, c portal.Client) ([]string, error) {
	codes, hashes, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	var fail error
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.db.Now().UTC()
		u, f, err := s.reauthTx(ctx, tx, userID, in, c, now)
		if err != nil || f != nil {
			fail = f
			return err
		}
		if err := replaceRecoveryCodesTx(ctx, tx, userID, hashes, now); err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "recovery_codes_regenerated", u, "", c, nil)
	})
	switch {
	case err != nil:
		return nil, err
	case fail != nil:
		return nil, fail
	}
	return codes, nil
}
