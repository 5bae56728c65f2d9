package portal

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/portal/tenants"
)

// Password reset (spec 000 §1 login_and_auth steps 2–3).
const (
	ResetTokenLifetime = time.Hour
	// MaxResetsPerHour bounds reset e-mails per account: enough for a
	// lost first mail, too few to flood an inbox.
	MaxResetsPerHour  = 3
	MinPasswordLength = 10
)

// ValidatePassword reports what makes plain unacceptable as a new password
// for the account of email, as field errors on "password". Length counts
// characters, not bytes; there is no composition rule (NIST SP 800-63B):
// long and hard to guess is what matters. How guessable it is (common
// passwords, words with digits stuck on) is estimated by the password
// package, which the services call after this (this package stays free of
// dependencies).
func ValidatePassword(plain, email string) []FieldError {
	bad := func(msg string) []FieldError { return []FieldError{{Field: "password", Message: msg}} }
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	switch {
	case utf8.RuneCountInString(plain) < MinPasswordLength:
		return bad("Use at least 10 characters.")
	case len(plain) > 1024:
		return bad("The password is too long.")
	case len(local) >= 4 && strings.Contains(strings.ToLower(plain), local):
		return bad("The password must not contain your e-mail address.")
	}
	return nil
}

// ErrGuessablePassword is the field error for a password that a guessing
// attack would find.
var ErrGuessablePassword = FieldError{Field: "password", Message: "This password is too easy to guess. Try three or four unrelated words."}

// ResetRequest is a reset link to send: the token goes only into the
// e-mail, never into a response, a log or a URL the server sees (the link
// carries it in the fragment).
type ResetRequest struct {
	Token string
	User  User
}

// PasswordResetService resets forgotten passwords of the tenant in the
// context.
type PasswordResetService interface {
	// RequestPasswordReset creates a single-use token for the active user
	// with email and returns it for mailing; for an unknown, disabled or
	// over-limit address it returns nil and no error, so the caller answers
	// the same either way. Errors: EINVALID (malformed address).
	RequestPasswordReset(ctx context.Context, email string, c Client) (*ResetRequest, error)

	// ResetPassword sets a new password with token and ends every session
	// of the user. Errors: EINVALID (field "token": unknown, used or
	// expired; field "password": too weak).
	ResetPassword(ctx context.Context, token, newPassword string, c Client) error
}

// Mailer sends the portal's e-mails in a tenant's name. baseURL is the
// origin of the tenant's portal the request came to (links and images are
// made absolute from it).
type Mailer interface {
	SendPasswordReset(ctx context.Context, t *tenants.Tenant, baseURL string, u User, link string) error
	// SendInvitation invites u to inviter's customer account.
	SendInvitation(ctx context.Context, t *tenants.Tenant, baseURL string, inviter User, u AccountUser, link string) error
	// SendMFACode mails u the code of their pending sign-in.
	SendMFACode(ctx context.Context, t *tenants.Tenant, baseURL string, u User, code string) error
}
