package portal

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Customer roles (spec 001 "Multi-User Access") and the tenant's staff
// roles. An Admin manages the users of their customer account; a tenant
// admin manages the staff.
var (
	customerRoles = map[string]bool{"admin": true, "buyer": true, "viewer": true, "finance": true}
	staffRoles    = map[string]bool{"tenant_admin": true, "sales_rep": true}
)

// AdminRole is the role that manages the users of an account: the
// customer's "admin", or for staff "tenant_admin".
func AdminRole(staff bool) string {
	if staff {
		return "tenant_admin"
	}
	return "admin"
}

// ValidateRole reports a role that the kind of account (staff or a
// customer's) does not have, as an EINVALID error on field "role".
func ValidateRole(staff bool, role string) error {
	if fe := roleError(staff, role); fe != nil {
		return &Error{Code: EINVALID, Message: "Check the highlighted fields.", Fields: []FieldError{*fe}}
	}
	return nil
}

// roleError is the field error for a role that the kind of account (a
// customer's or the staff) does not have, or nil.
func roleError(staff bool, role string) *FieldError {
	if staff && !staffRoles[role] {
		return &FieldError{Field: "role", Message: "Choose tenant_admin or sales_rep."}
	}
	if !staff && !customerRoles[role] {
		return &FieldError{Field: "role", Message: "Choose admin, buyer, viewer or finance."}
	}
	return nil
}

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

// InviteInput asks for a new user of the caller's account: their customer
// account, or for staff the tenant's staff.
type InviteInput struct {
	Email, Name, Role string
	Client            Client
}

// Validate normalises the address and checks every field; staff is whether
// the user joins the tenant's staff rather than a customer account.
func (in *InviteInput) Validate(staff bool) error {
	var fields []FieldError
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Name = strings.TrimSpace(in.Name)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 {
		fields = append(fields, FieldError{Field: "email", Message: "Enter a valid e-mail address."})
	}
	if in.Name == "" || len(in.Name) > 200 {
		fields = append(fields, FieldError{Field: "name", Message: "Enter the person's name."})
	}
	if fe := roleError(staff, in.Role); fe != nil {
		fields = append(fields, *fe)
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

// Validate checks the fields that are set; staff is whether the user is
// one of the tenant's staff.
func (u *UserUpdate) Validate(staff bool) error {
	var fields []FieldError
	if u.Role != nil {
		if fe := roleError(staff, *u.Role); fe != nil {
			fields = append(fields, *fe)
		}
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

// UserService manages the users of the signed-in Admin's customer account,
// or, when the actor is a tenant admin, the tenant's staff. The actor is the
// signed-in user; every method works only within the actor's account: ids
// of other accounts' users are ENOTFOUND.
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

	// ResendInvitation replaces an invited user's invitation with a new
	// one (the old link stops working) and returns its token to mail.
	// Errors: ENOTFOUND, ECONFLICT (the user has accepted already).
	ResendInvitation(ctx context.Context, actor *User, userID string, c Client) (*AccountUser, string, error)

	// EndUserSessions signs a user of the account out everywhere (a lost
	// phone, a shared computer). Errors: ENOTFOUND.
	EndUserSessions(ctx context.Context, actor *User, userID string, c Client) error

	// ListAuditEvents returns the account's security events, newest first.
	ListAuditEvents(ctx context.Context, actor *User, limit int) ([]AuditEvent, error)
}
