package api

import "time"

// Paths of the second factor (spec 000 login_and_auth step 5).
const (
	// PathSessionMFA: GET describes the pending sign-in's challenge
	// (MFAChallenge); POST (body MFAVerify) answers it and, when right,
	// answers Me with a new session cookie. Only a session awaiting its
	// second factor reaches them (401 otherwise).
	PathSessionMFA = "/api/v1/session/mfa"
	// PathSessionMFAResend: POST e-mails a new code (MFAChallenge); 429
	// with Retry-After within the 60 s cooldown.
	PathSessionMFAResend = "/api/v1/session/mfa/resend"

	// PathMyMFA: GET the signed-in user's second factor (MFAStatus).
	PathMyMFA = "/api/v1/me/mfa"
	// PathMyTOTP: POST starts enrolling an authenticator app
	// (TOTPEnrolment); the secret is shown this once.
	PathMyTOTP = "/api/v1/me/mfa/totp"
	// PathMyTOTPConfirm: POST (body MFACode) turns TOTP on and answers the
	// recovery codes (RecoveryCodes), shown this once.
	PathMyTOTPConfirm = "/api/v1/me/mfa/totp/confirm"
	// PathMyTOTPDisable: POST (body MFAReauth) turns TOTP off (204).
	PathMyTOTPDisable = "/api/v1/me/mfa/totp/disable"
	// PathMyRecoveryCodes: POST (body MFAReauth) replaces the recovery
	// codes (RecoveryCodes).
	PathMyRecoveryCodes = "/api/v1/me/mfa/recovery-codes"

	// PageMFA is the challenge screen; PageMFASettings the enrolment screen.
	PageMFA         = "/portal/mfa"
	PageMFASettings = "/portal/account/security/mfa"
)

// Second-factor methods of MFAChallenge.Method.
const (
	MFAMethodTOTP  = "totp"  // a code from an authenticator app
	MFAMethodEmail = "email" // a code sent by e-mail
)

// CodeMFARequired is the Problem.Code of a 401 to a session that has passed
// the password but not yet the second factor: the PWA goes to PageMFA.
const CodeMFARequired = "mfa_required"

// MFAChallenge is what a sign-in that awaits its second factor asks for.
type MFAChallenge struct {
	Method    string    `json:"method"` // MFAMethodTOTP | MFAMethodEmail
	ExpiresAt time.Time `json:"expires_at"`
	// ResendAfter is how many seconds until "Resend code" works (e-mail only).
	ResendAfter int `json:"resend_after"`
	// Recovery: a recovery code is accepted instead of a code.
	Recovery bool `json:"recovery"`
}

// MFAVerify is the body of POST /api/v1/session/mfa: a Code, or a
// RecoveryCode.
type MFAVerify struct {
	Code         string `json:"code,omitempty"`
	RecoveryCode string `json:"recovery_code,omitempty"`
}

// MFAStatus is the signed-in user's second factor.
type MFAStatus struct {
	TOTPEnabled       bool `json:"totp_enabled"`
	RecoveryCodesLeft int  `json:"recovery_codes_left"`
	Required          bool `json:"required"` // the tenant requires a second factor (by e-mail without an app)
}

// TOTPEnrolment is a started enrolment: the secret for typing in, the
// otpauth URI, and that URI as a QR code (a data: URL of a PNG).
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
	QRCode string `json:"qr_code"`
}

// MFACode is the body of POST /api/v1/me/mfa/totp/confirm.
type MFACode struct {
	Code string `json:"code"`
}

// MFAReauth confirms a change of the second factor: the current password
// or a current code.
type MFAReauth struct {
	Password string `json:"password,omitempty"`
	Code     string `json:"code,omitempty"`
}

// RecoveryCodes are shown once, when made.
type RecoveryCodes struct {
	Codes []string `json:"codes"`
}
