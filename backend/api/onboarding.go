package api

import "time"

// Paths and pages of onboarding: request access, self-registration and the
// staff queue that decides them.
const (
	// PathAccessRequests: POST (body AccessRequestCreate, public) queues a
	// request and answers 202 Accepted, the same whether or not the address
	// has an account; 429 past 5 requests an hour from one address. GET
	// (staff) lists the queue (AccessRequest), pending first; ?status=
	// filters. POST PathAccessRequests + "/{id}/approve" (body
	// AccessRequestApprove) and "/{id}/reject" (body AccessRequestReject)
	// decide one; a second decision answers 409.
	PathAccessRequests = "/api/v1/access-requests"
	// PathRegistration: POST (body SignUp, public, only where the tenant
	// enables self-registration) creates the account and signs in (201,
	// RegistrationStatus). GET tells the signed-in user's registration state.
	PathRegistration = "/api/v1/registration"
	// PathRegistrationProfile: PUT (body RegistrationProfile) completes the
	// profile (RegistrationStatus).
	PathRegistrationProfile = "/api/v1/registration/profile"
	// PathRegistrations: GET (staff) lists self-registered customers awaiting
	// approval (Registration); POST PathRegistrations + "/{id}/approve"
	// activates one.
	PathRegistrations = "/api/v1/registrations"

	PageRequestAccess       = "/portal/request-access"
	PageRegister            = "/portal/register"
	PageRegisterProfile     = "/portal/register/profile"
	PageRegisterPending     = "/portal/register/pending"
	PageStaffAccessRequests = "/portal/staff/access-requests"
	// PageStaffUsers is where a tenant admin manages the staff (the users
	// screen of a customer's Admin, over PathStaffUsers).
	PageStaffUsers           = "/portal/staff/users"
	CodeProfileIncomplete    = "profile_incomplete" // 403: the self-registered user must complete the profile first
	CodePendingApproval      = "pending_approval"   // 403: the registration waits for the tenant's approval
	CapabilityAccessRequests = "access_requests:approve"
	// CapabilityCustomersCreate: the staff user may create a customer when
	// approving an access request. Only staff who work for every customer
	// (the tenant admin) may; a sales rep links requests to the customers
	// assigned to them (README, "Staff: whose customers").
	CapabilityCustomersCreate = "customers:create"
)

// AccessRequestCreate is the body of a public access request.
type AccessRequestCreate struct {
	CompanyName   string `json:"company_name"`
	ContactName   string `json:"contact_name"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	AccountNumber string `json:"account_number,omitempty"` // optional: the customer's account number, if known
}

// AccessRequest is one request in the staff queue.
type AccessRequest struct {
	ID            string     `json:"id"`
	CompanyName   string     `json:"company_name"`
	ContactName   string     `json:"contact_name"`
	Email         string     `json:"email"`
	Phone         string     `json:"phone"`
	AccountNumber string     `json:"account_number"`
	Status        string     `json:"status"` // pending | approved | rejected
	Reason        string     `json:"reason,omitempty"`
	CustomerID    string     `json:"customer_id,omitempty"`
	CustomerName  string     `json:"customer_name,omitempty"`
	DecidedBy     string     `json:"decided_by,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
}

// AccessRequestApprove decides a request: link to an existing customer
// (customer_id or account_number) or, with neither, create one
// (new_company_name, default the request's; new_account_number, default the
// request's account number). Role of the new user: default admin.
type AccessRequestApprove struct {
	CustomerID       string `json:"customer_id,omitempty"`
	AccountNumber    string `json:"account_number,omitempty"`
	NewCompanyName   string `json:"new_company_name,omitempty"`
	NewAccountNumber string `json:"new_account_number,omitempty"`
	Role             string `json:"role,omitempty"`
}

// AccessRequestReject is the body of a rejection.
type AccessRequestReject struct {
	Reason string `json:"reason"`
}

// SignUp is the body of a self-registration.
type SignUp struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Password string `json:"password"`
}

// PostalAddress is a postal address.
type PostalAddress struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2
}

// RegistrationProfile completes a self-registered customer's profile.
// Shipping nil: the billing address.
type RegistrationProfile struct {
	Type     string         `json:"type"` // business | individual
	Name     string         `json:"name"` // the company's name, or the person's
	Billing  PostalAddress  `json:"billing"`
	Shipping *PostalAddress `json:"shipping,omitempty"`
}

// RegistrationStatus is the signed-in user's registration state: "" when
// the account is usable, else CodeProfileIncomplete or CodePendingApproval.
type RegistrationStatus struct {
	State string `json:"state"`
	// MFA is set when the sign-up's session waits for a second factor (the
	// tenant requires one): the e-mailed code also proves the address.
	MFA *MFAChallenge `json:"mfa,omitempty"`
}

// Registration is a self-registered customer awaiting approval.
type Registration struct {
	CustomerID  string    `json:"customer_id"`
	CompanyName string    `json:"company_name"`
	Type        string    `json:"type"`
	Email       string    `json:"email"`
	Name        string    `json:"name"`
	CreatedAt   time.Time `json:"created_at"`
}
