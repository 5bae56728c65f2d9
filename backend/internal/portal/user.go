package portal

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Customer roles (spec 001 "Multi-User Access").
var customerRoles = map[string]bool{"admin": true, "buyer": true, "viewer": true, "finance": true}

// InvitationLifetime is how long an invitation link works.
const InvitationLifetime = 7 * 24 * time.Hour

// AccountUser is a user of a customer account as its Admin manages it.
type AccountUser struct {
	ID           string
	Email        string
	Name         string
	Role         string
	Status       string // invited | active | disabled
	LastSignInAt *time.Time
	CreatedAt    time.Time
}

// InviteInput asks for a new user of the caller's customer account.
type InviteInput struct {
	Email, Name, Role string
	Client            Client
}

// Validate normalises the address and checks every field.
func (in *InviteInput) Validate() error {
	var fields []FieldError
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Name = strings.TrimSpace(in.Name)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 {
		fields = append(fields, FieldError{Field: "email", Message: "Enter a valid e-mail address."})
	}
	if in.Name == "" || len(in.Name) > 200 {
		fields = append(fields, FieldError{Field: "name", Message: "Enter the person's name."})
	}
	if !customerRoles[in.Role] {
		fields = append(fields, FieldError{Field: "role", Message: "Choose admin, buyer, viewer or finance."})
	}
	if fields != nil {
		return &Error{Code: EINVALID, Message: "Check the highlighted fields.", Fields: fields}
	}
	return nil
}

// UserUpdate changes a user's role or status; nil fields stay.
type UserUpdate struct {
	Role   *string
	Status *string // active | disabled
	Client Client
}

// Validate checks the fields that are set.
func (u *UserUpdate) Validate() error {
	var fields []FieldError
	if u.Role != nil && !customerRoles[*u.Role] {
		fields = append(fields, FieldError{Field: "role", Message: "Choose admin, buyer, viewer or finance."})
	}
	if u.Status != nil && *u.Status != "active" && *u.Status != "disabled" {
		fields = append(fields, FieldError{Field: "status", Message: "Choose active or disabled."})
	}
	if u.Role == nil && u.Status == nil {
		fields = append(fields, FieldError{Field: "role", Message: "Nothing to change."})
	}
	if fields != nil {
		return &Error{Code: EINVALID, Message: "Check the highlighted fields.", Fields: fields}
	}
	return nil
}

// AuditEvent is one entry of the security audit log.
type AuditEvent struct {
	ID         string
	OccurredAt time.Time
	Kind       string
	Email      string
	ClientIP   string
	UserAgent  string
	Detail     map[string]any
}

// UserService manages the users of the signed-in Admin's customer account.
// The actor is the signed-in user; every method works only within the
// actor's customer account: ids of other customers' users are ENOTFOUND.
type UserService interface {
	// ListUsers returns the account's users with their last sign-in.
	ListUsers(ctx context.Context, actor *User) ([]AccountUser, error)

	// InviteUser creates an invited user and returns the invitation token
	// to mail. Errors: EINVALID, ECONFLICT (the address already has a user
	// in this tenant's portal).
	InviteUser(ctx context.Context, actor *User, in InviteInput) (*AccountUser, string, error)

	// UpdateUser changes a user's role or status; disabling ends all the
	// user's sessions. Errors: EINVALID, ENOTFOUND, ECONFLICT (actors cannot
	// demote or disable themselves: an account must keep an Admin).
	UpdateUser(ctx context.Context, actor *User, userID string, up UserUpdate) (*AccountUser, error)

	// ListAuditEvents returns the account's security events, newest first.
	ListAuditEvents(ctx context.Context, actor *User, limit int) ([]AuditEvent, error)
}
