package portal

import (
	"context"
	"strings"
	"time"
)

// Second factor (spec 000 login_and_auth step 5, mfa_challenge). It applies
// when the tenant requires it (tenants.Settings.MFARequired, for staff as
// well as customers' users: staff can do more) or the user has enrolled an
// authenticator app. A user with TOTP uses it; a user the tenant obliges
// who has not enrolled gets a code by e-mail.
const (
	MFAMethodTOTP  = "totp"
	MFAMethodEmail = "email"

	// MFAPendingLifetime is how long a sign-in waits for its second factor.
	MFAPendingLifetime = 10 * time.Minute
	// MFACodeLifetime is how long an e-mailed code is valid.
	MFACodeLifetime = 10 * time.Minute
	// MFAResendCooldown is the spec's cooldown between e-mailed codes.
	MFAResendCooldown = 60 * time.Second
	// MaxMFAAttempts wrong codes end a challenge: the user signs in again.
	MaxMFAAttempts = 5
	// MaxMFAFailures wrong codes per user within ThrottleWindow, across
	// challenges, make every further attempt ERATELIMITED: knowing the
	// password buys at most this many guesses at a million codes.
	MaxMFAFailures = 10

	// TOTPPeriod and TOTPSkew: codes change every 30 s (RFC 6238), and the
	// step before and after the server's clock are accepted too, for clock
	// drift and a code typed as it turned over. A code is accepted once and
	// never one of a step at or before the last accepted one.
	TOTPPeriod = 30 * time.Second
	TOTPSkew   = 1
	// RecoveryCodeCount recovery codes are made at enrolment; each works once.
	RecoveryCodeCount = 10
)

// MFAChallenge is what a pending sign-in asks for.
type MFAChallenge struct {
	Method    string    // MFAMethodTOTP | MFAMethodEmail
	ExpiresAt time.Time // the pending sign-in ends then
	ResendAt  time.Time // e-mail: when another code may be sent; zero for TOTP
	Recovery  bool      // a recovery code is accepted instead (TOTP users)
}

// MFACodeMail is an e-mailed code to send: the code goes only into the
// e-mail, never into a response or a log.
type MFACodeMail struct {
	Code string
	User User
}

// MFAVerifyInput answers a challenge: the six-digit Code, or a
// RecoveryCode.
type MFAVerifyInput struct {
	Code         string
	RecoveryCode string
	Client       Client
}

// Validate normalises the input and reports which field is missing or
// malformed.
func (in *MFAVerifyInput) Validate() error {
	in.Code = strings.Join(strings.Fields(in.Code), "")
	in.RecoveryCode = NormalizeRecoveryCode(in.RecoveryCode)
	switch {
	case in.Code == "" && in.RecoveryCode == "":
		return &Error{Code: EINVALID, Message: "Enter the code.", Fields: []FieldError{{Field: "code", Message: "Enter the 6-digit code."}}}
	case in.Code != "" && !sixDigits(in.Code):
		return &Error{Code: EINVALID, Message: "Check the code.", Fields: []FieldError{{Field: "code", Message: "The code has 6 digits."}}}
	case in.Code == "" && len(in.RecoveryCode) != 16:
		return &Error{Code: EINVALID, Message: "Check the recovery code.", Fields: []FieldError{{Field: "recovery_code", Message: "A recovery code has 16 letters and digits."}}}
	}
	return nil
}

// NormalizeRecoveryCode lowers s and drops spaces and dashes, so a code
// may be typed as shown ("abcd-efgh-…") or without its dashes.
func NormalizeRecoveryCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

func sixDigits(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// MFAReauth proves, before a change of the second factor, that the person
// is the user: the current password or a current code.
type MFAReauth struct {
	Password string
	Code     string
}

// MFAStatus is a user's second factor, for their security settings.
type MFAStatus struct {
	TOTPEnabled       bool
	RecoveryCodesLeft int
	Required          bool // the tenant requires a second factor
}

// TOTPEnrolment is a started enrolment: the secret and its otpauth URI (as
// a QR code PNG too), shown once until confirmed.
type TOTPEnrolment struct {
	Secret string
	URI    string
	QRPNG  []byte
}

// MFAService runs the second factor of the tenant in the context.
type MFAService interface {
	// Challenge describes the pending sign-in of token. Errors:
	// EUNAUTHORIZED (no pending sign-in).
	Challenge(ctx context.Context, token string) (*MFAChallenge, error)

	// IssueCode makes a new e-mailed code for the pending sign-in of token
	// and returns it for mailing; the earlier code stops working. Errors:
	// EUNAUTHORIZED (no pending sign-in by e-mail), ERATELIMITED (within
	// MFAResendCooldown of the last code; wait says how long is left).
	IssueCode(ctx context.Context, token string, c Client) (m *MFACodeMail, wait time.Duration, err error)

	// Verify checks the answer to the pending sign-in of token. On success
	// the pending session ends and a new one opens (new id and token, the
	// remember-me choice of the password step). Errors: EINVALID (field
	// "code" or "recovery_code" wrong), EUNAUTHORIZED (no pending sign-in,
	// or it ended after MaxMFAAttempts wrong codes), ERATELIMITED.
	Verify(ctx context.Context, token string, in MFAVerifyInput) (newToken string, s *Session, u *User, err error)

	// Status describes the user's second factor.
	Status(ctx context.Context, userID string) (*MFAStatus, error)

	// StartTOTP makes a new secret for the user, pending until confirmed.
	// Errors: ECONFLICT (TOTP is already on: disable it first).
	StartTOTP(ctx context.Context, userID string) (*TOTPEnrolment, error)

	// ConfirmTOTP turns TOTP on with a code of the pending secret and
	// returns new recovery codes, the only time they are shown. Errors:
	// EINVALID (field "code"), ECONFLICT (nothing pending).
	ConfirmTOTP(ctx context.Context, userID, code string, c Client) ([]string, error)

	// DisableTOTP turns TOTP off (a tenant that requires MFA then sends
	// codes by e-mail). Errors: EINVALID (fields "password"/"code"),
	// ECONFLICT (TOTP is off).
	DisableTOTP(ctx context.Context, userID string, in MFAReauth, c Client) error

	// RegenerateRecoveryCodes replaces the user's recovery codes. Errors as
	// DisableTOTP.
	RegenerateRecoveryCodes(ctx context.Context, userID string, in MFAReauth, c Client) ([]string, error)
}
