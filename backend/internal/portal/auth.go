package portal

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Session lifetimes (spec 000 §1 session_management). A normal session ends
// after 30 idle minutes and at most 12 hours after sign-in; "remember me"
// keeps it for 30 days, idle or not, so the phone the PWA is installed on
// stays signed in.
const (
	IdleTimeout      = 30 * time.Minute
	SessionLifetime  = 12 * time.Hour
	RememberLifetime = 30 * 24 * time.Hour
)

// Sign-in throttling: failures counted over ThrottleWindow, across server
// processes (they are read from the audit log). Past either limit every
// attempt answers ERATELIMITED, right password or not, until the window
// has moved on.
const (
	ThrottleWindow           = 15 * time.Minute
	MaxFailuresAccountClient = 5  // per e-mail address from one client address
	MaxFailuresAccount       = 50 // per e-mail address from anywhere (distributed guessing)
	MaxFailuresClient        = 20 // per client address, across accounts (spraying)
)

// User is someone signed in to a tenant's portal: a customer's user, or
// one of the tenant's staff (CustomerID "").
type User struct {
	ID           string
	CustomerID   string // "" for staff
	CustomerName string
	Email        string
	Name         string
	Role         string // admin | buyer | viewer | finance; staff: tenant_admin | sales_rep
	MFAEnabled   bool
}

// Staff reports whether u is one of the tenant's own people rather than a
// customer's user.
func (u *User) Staff() bool { return u.CustomerID == "" }

// AllCustomers reports whether u, one of the staff, works for every
// customer of the tenant (a tenant admin) rather than only for the
// customers assigned to them (a sales rep, and any other staff role:
// what is not granted is scoped). Whose customers a sales rep's are is
// the back office's assignment (customers.sales_rep_id): the sales rep
// with the user's e-mail address (postgres.staffScope). Every staff read
// and decision about a customer's data follows it; a customer outside
// the scope is ENOTFOUND, as if it did not exist.
func (u *User) AllCustomers() bool { return u.Staff() && u.Role == "tenant_admin" }

// Session is a signed-in browser. Its secret token lives only in the
// client's cookie; the database keeps a hash.
type Session struct {
	ID            string
	UserID        string
	CustomerID    string
	CreatedAt     time.Time
	LastSeenAt    time.Time
	IdleExpiresAt time.Time
	ExpiresAt     time.Time
	Remember      bool
	UserAgent     string // as the browser said at sign-in, for the sessions list
	ClientIP      string
	// MFAPending: the password is checked but not yet the second factor;
	// such a session reaches only the MFA endpoints (MFAMethod says which).
	MFAPending bool
	MFAMethod  string
}

// Client is where a request came from, for the audit log and throttling.
type Client struct {
	IP        string // without port; "" when unknown
	UserAgent string
}

// SignInInput is a sign-in attempt.
type SignInInput struct {
	Email    string
	Password string
	Remember bool
	Client   Client
}

// Validate normalises the e-mail address (trimmed, lower case) and reports
// missing or malformed fields.
func (in *SignInInput) Validate() error {
	var fields []FieldError
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	if in.Email == "" {
		fields = append(fields, FieldError{Field: "email", Message: "Enter your e-mail address."})
	} else if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 {
		fields = append(fields, FieldError{Field: "email", Message: "Enter a valid e-mail address."})
	}
	if in.Password == "" {
		fields = append(fields, FieldError{Field: "password", Message: "Enter your password."})
	} else if len(in.Password) > 1024 {
		fields = append(fields, FieldError{Field: "password", Message: "The password is too long."})
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Check the highlighted fields.", Fields: fields}
	}
	return nil
}

// AuthService signs customer users in and out of the tenant in the context.
type AuthService interface {
	// SignIn checks the credentials and opens a session, returning its
	// secret token. Errors: EINVALID (fields), EUNAUTHORIZED (the same
	// answer, in the same time, for an unknown address, a wrong password or
	// a disabled user), ERATELIMITED (too many failures).
	SignIn(ctx context.Context, in SignInInput) (token string, s *Session, u *User, err error)

	// Authenticate returns the session and user of token and extends the
	// session's idle expiry. Errors: EUNAUTHORIZED (unknown, ended or
	// expired session, or a user no longer active).
	Authenticate(ctx context.Context, token string) (*Session, *User, error)

	// SignOut ends the session of token; an unknown token is not an error.
	SignOut(ctx context.Context, token string, c Client) error
}

// SessionService lets a signed-in user see and end their own sessions and
// change their password.
type SessionService interface {
	// ListSessions returns the user's live sessions, newest first.
	ListSessions(ctx context.Context, userID string) ([]Session, error)

	// EndSession ends one of the user's sessions. Errors: ENOTFOUND (no
	// live session with that id belongs to the user).
	EndSession(ctx context.Context, userID, sessionID string, c Client) error

	// ChangePassword replaces the user's password after checking the
	// current one, and ends every other session of the user. Errors:
	// EINVALID (field "current_password" wrong, "password" too weak).
	ChangePassword(ctx context.Context, userID, keepSessionID, current, next string, c Client) error
}
