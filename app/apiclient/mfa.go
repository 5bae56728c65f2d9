package apiclient

import (
	"context"

	"example.com/portal/backend/api"
)

// MFAChallenge describes the sign-in awaiting its second factor (GET
// /api/v1/session/mfa). An *Error with Status 401 means there is none (it
// ended, or was never started): the user signs in again.
func (c *Client) MFAChallenge(ctx context.Context) (api.MFAChallenge, error) {
	var ch api.MFAChallenge
	err := c.getJSON(ctx, api.PathSessionMFA, &ch)
	return ch, err
}

// VerifyMFA answers the challenge with a code or a recovery code (POST
// /api/v1/session/mfa) and returns the signed-in user; the answer replaces
// the session cookie. A wrong code is CodeInvalid with Fields naming "code"
// or "recovery_code"; too many wrong codes end the sign-in (401).
func (c *Client) VerifyMFA(ctx context.Context, in api.MFAVerify) (api.Me, error) {
	var me api.Me
	err := c.do(ctx, "POST", api.PathSessionMFA, in, &me)
	return me, err
}

// ResendMFACode e-mails a new code (POST /api/v1/session/mfa/resend); within
// the cooldown it is CodeRateLimited.
func (c *Client) ResendMFACode(ctx context.Context) (api.MFAChallenge, error) {
	var ch api.MFAChallenge
	err := c.do(ctx, "POST", api.PathSessionMFAResend, nil, &ch)
	return ch, err
}

// MFAStatus returns the signed-in user's second factor (GET /api/v1/me/mfa).
func (c *Client) MFAStatus(ctx context.Context) (api.MFAStatus, error) {
	var st api.MFAStatus
	err := c.getJSON(ctx, api.PathMyMFA, &st)
	return st, err
}

// StartTOTP starts enrolling an authenticator app (POST /api/v1/me/mfa/totp).
func (c *Client) StartTOTP(ctx context.Context) (api.TOTPEnrolment, error) {
	var e api.TOTPEnrolment
	err := c.do(ctx, "POST", api.PathMyTOTP, nil, &e)
	return e, err
}

// ConfirmTOTP turns the app on with a code from it and returns the recovery
// codes (POST /api/v1/me/mfa/totp/confirm).
func (c *Client) ConfirmTOTP(ctx context.Context, code string) (api.RecoveryCodes, error) {
	var rc api.RecoveryCodes
	err := c.do(ctx, "POST", api.PathMyTOTPConfirm, api.MFACode{Code: code}, &rc)
	return rc, err
}

// DisableTOTP turns the app off (POST /api/v1/me/mfa/totp/disable).
func (c *Client) DisableTOTP(ctx context.Context, in api.MFAReauth) error {
	return c.do(ctx, "POST", api.PathMyTOTPDisable, in, nil)
}

// RegenerateRecoveryCodes replaces the recovery codes (POST
// /api/v1/me/mfa/recovery-codes).
func (c *Client) RegenerateRecoveryCodes(ctx context.Context, in api.MFAReauth) (api.RecoveryCodes, error) {
	var rc api.RecoveryCodes
	err := c.do(ctx, "POST", api.PathMyRecoveryCodes, in, &rc)
	return rc, err
}
