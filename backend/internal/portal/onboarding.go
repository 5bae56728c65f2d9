package portal

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"example.com/portal/tenants"
)

// Access requests, and self-registrations, from one client address are each
// limited to MaxAccessRequestsPerClient per AccessRequestWindow, so the
// public forms cannot be used to flood the staff queue, mail strangers or
// take other people's addresses in bulk.
const (
	MaxAccessRequestsPerClient = 5
	AccessRequestWindow        = time.Hour
)

// Registration states of a self-registered customer's users: until the
// state is RegistrationComplete every API but their own profile answers 403
// with the state as the problem code.
const (
	RegistrationComplete          = ""
	RegistrationProfileIncomplete = "profile_incomplete"
	RegistrationPendingApproval   = "pending_approval"
)

// AccessRequestInput is a visitor's request for portal access (spec 000
// login_and_auth step 4).
type AccessRequestInput struct {
	CompanyName, ContactName, Email, Phone, AccountNumber string
	Client                                                Client
}

// validEmail normalises *email and reports whether it is a plain address.
func validEmail(email *string) bool {
	*email = strings.ToLower(strings.TrimSpace(*email))
	a, err := mail.ParseAddress(*email)
	return err == nil && a.Address == *email && len(*email) <= 254
}

// text trims *s and reports whether it is non-empty (unless optional) and
// at most max bytes.
func text(s *string, max int, optional bool) bool {
	*s = strings.TrimSpace(*s)
	return (optional || *s != "") && len(*s) <= max
}

func invalid(fields []FieldError) error {
	if fields == nil {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Check the highlighted fields.", Fields: fields}
}

// Validate normalises and checks every field.
func (in *AccessRequestInput) Validate() error {
	var fields []FieldError
	if !text(&in.CompanyName, 200, false) {
		fields = append(fields, FieldError{Field: "company_name", Message: "Enter your company's name."})
	}
	if !text(&in.ContactName, 200, false) {
		fields = append(fields, FieldError{Field: "contact_name", Message: "Enter your name."})
	}
	if !validEmail(&in.Email) {
		fields = append(fields, FieldError{Field: "email", Message: "Enter a valid e-mail address."})
	}
	if !text(&in.Phone, 40, false) {
		fields = append(fields, FieldError{Field: "phone", Message: "Enter a phone number."})
	}
	if !text(&in.AccountNumber, 40, true) {
		fields = append(fields, FieldError{Field: "account_number", Message: "At most 40 characters."})
	}
	return invalid(fields)
}

// AccessRequest is one request in the staff queue.
type AccessRequest struct {
	ID, CompanyName, ContactName, Email, Phone, AccountNumber string
	Status                                                    string // pending | approved | rejected
	Reason                                                    string // why it was rejected, as the reviewer wrote it
	CustomerID, CustomerName                                  string // set by approval
	DecidedBy                                                 string // the reviewer's e-mail
	CreatedAt                                                 time.Time
	DecidedAt                                                 *time.Time
}

// ApproveInput says which customer an approved requester joins: an existing
// one by CustomerID or AccountNumber, or else a new customer named
// NewCompanyName with NewAccountNumber. Role is the new user's role
// (default admin).
type ApproveInput struct {
	CustomerID, AccountNumber        string
	NewCompanyName, NewAccountNumber string
	Role                             string
	Client                           Client
}

// Approval is the outcome of an approval: the request, the invited user and
// the invitation token to mail.
type Approval struct {
	Request AccessRequest
	User    AccountUser
	Token   string
}

// Registration is a self-registered customer waiting for staff approval.
type Registration struct {
	CustomerID, CompanyName, Type string
	Email, Name                   string // the user who signed up
	CreatedAt                     time.Time
}

// SignUpInput is a visitor's self-registration (spec 002).
type SignUpInput struct {
	Name, Email, Password string
	Client                Client
}

// Validate normalises and checks every field, the password's strength too.
func (in *SignUpInput) Validate() error {
	var fields []FieldError
	if !text(&in.Name, 200, false) {
		fields = append(fields, FieldError{Field: "name", Message: "Enter your name."})
	}
	if !validEmail(&in.Email) {
		fields = append(fields, FieldError{Field: "email", Message: "Enter a valid e-mail address."})
	}
	fields = append(fields, ValidatePassword(in.Password, in.Email)...)
	return invalid(fields)
}

// PostalAddress is a postal address of a customer.
type PostalAddress struct {
	Line1, Line2, City, Region, PostalCode, Country string
}

func (a *PostalAddress) validate(prefix string) []FieldError {
	var fields []FieldError
	if !text(&a.Line1, 200, false) {
		fields = append(fields, FieldError{Field: prefix + ".line1", Message: "Enter the street address."})
	}
	if !text(&a.Line2, 200, true) {
		fields = append(fields, FieldError{Field: prefix + ".line2", Message: "At most 200 characters."})
	}
	if !text(&a.City, 100, false) {
		fields = append(fields, FieldError{Field: prefix + ".city", Message: "Enter the city."})
	}
	if !text(&a.Region, 100, true) {
		fields = append(fields, FieldError{Field: prefix + ".region", Message: "At most 100 characters."})
	}
	if !text(&a.PostalCode, 20, true) {
		fields = append(fields, FieldError{Field: prefix + ".postal_code", Message: "At most 20 characters."})
	}
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	if len(a.Country) != 2 || strings.Trim(a.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		fields = append(fields, FieldError{Field: prefix + ".country", Message: "Choose a country (two-letter code)."})
	}
	return fields
}

// ProfileInput completes a self-registered customer's profile. Shipping nil
// means the billing address.
type ProfileInput struct {
	Type     string // business | individual
	Name     string // the company's name, or the person's for an individual
	Billing  PostalAddress
	Shipping *PostalAddress
	Client   Client
}

// Validate normalises and checks every field.
func (in *ProfileInput) Validate() error {
	var fields []FieldError
	if in.Type != "business" && in.Type != "individual" {
		fields = append(fields, FieldError{Field: "type", Message: "Choose business or individual."})
	}
	if !text(&in.Name, 200, false) {
		fields = append(fields, FieldError{Field: "name", Message: "Enter the company's or your name."})
	}
	fields = append(fields, in.Billing.validate("billing")...)
	if in.Shipping != nil {
		fields = append(fields, in.Shipping.validate("shipping")...)
	}
	return invalid(fields)
}

// OnboardingService brings new customers in: access requests and their
// staff queue, and self-registration. Staff methods take the signed-in
// staff user as actor and see the customers it works for
// (User.AllCustomers): ids of another tenant's rows, and to a sales rep
// of another rep's customer's, are ENOTFOUND. An access request is the
// customer's it names by account number (or was approved into); one
// naming none is for a tenant admin.
type OnboardingService interface {
	// RequestAccess queues a request. Errors: EINVALID, ERATELIMITED (more
	// than MaxAccessRequestsPerClient from the client's address in the
	// window). Whether the address has an account changes nothing.
	RequestAccess(ctx context.Context, in AccessRequestInput) (*AccessRequest, error)
	// ListAccessRequests returns the queue, pending first, then newest
	// first; status "" means all.
	ListAccessRequests(ctx context.Context, actor *User, status string) ([]AccessRequest, error)
	// ApproveAccessRequest links or creates the customer, invites the
	// requester and marks the request approved, in one transaction.
	// Errors: ENOTFOUND, ECONFLICT (already decided, address already has a
	// user, account number taken), EINVALID (also a customer outside the
	// actor's), EFORBIDDEN (a sales rep creating a customer).
	ApproveAccessRequest(ctx context.Context, actor *User, id string, in ApproveInput) (*Approval, error)
	// RejectAccessRequest marks the request rejected. Errors: ENOTFOUND,
	// ECONFLICT (already decided), EINVALID.
	RejectAccessRequest(ctx context.Context, actor *User, id, reason string, c Client) (*AccessRequest, error)

	// SignUp creates a pending customer with an incomplete profile and its
	// admin user, and signs the user in. Errors: EINVALID, ECONFLICT (the
	// address already has an account).
	SignUp(ctx context.Context, in SignUpInput) (token string, sess *Session, u *User, err error)
	// CompleteProfile stores the profile; the customer becomes active unless
	// approval is required. It returns the new registration state.
	// Errors: EINVALID, ECONFLICT (already complete).
	CompleteProfile(ctx context.Context, actor *User, in ProfileInput, approval bool) (string, error)
	// RegistrationState tells whether u's customer is usable yet.
	RegistrationState(ctx context.Context, u *User) (string, error)
	// ListRegistrations returns self-registered customers awaiting approval.
	ListRegistrations(ctx context.Context, actor *User) ([]Registration, error)
	// ApproveRegistration activates a pending registered customer. Errors:
	// ENOTFOUND, ECONFLICT (not pending).
	ApproveRegistration(ctx context.Context, actor *User, customerID string, c Client) (*Registration, error)
}

// OnboardingMailer sends the e-mails of access requests. Invitations of
// approved requesters go through Mailer.SendInvitation.
type OnboardingMailer interface {
	// SendAccessRequestReceived acknowledges a request to the requester and,
	// when the tenant has a support address, tells it about the request.
	SendAccessRequestReceived(ctx context.Context, t *tenants.Tenant, baseURL string, req AccessRequest) error
	// SendAccessRequestRejected tells the requester the request was rejected.
	SendAccessRequestRejected(ctx context.Context, t *tenants.Tenant, baseURL string, req AccessRequest) error
}
