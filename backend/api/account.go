package api

// Paths of the signed-in user's own account.
const (
	// PathMyProfile: GET answers the user's Profile; PATCH (body
	// ProfileUpdate) changes their name or phone and answers the Profile.
	PathMyProfile = "/api/v1/me/profile"
	// PathMyNotifications: GET lists the user's NotificationPreference for
	// every kind; PUT (body NotificationPreferences) sets some and answers
	// all.
	PathMyNotifications = "/api/v1/me/notifications"
	// PathAddresses: GET lists the customer account's addresses (Address);
	// POST (body AddressInput) adds one (201). PUT PathAddresses + "/{id}"
	// replaces one, DELETE removes it (204), POST PathAddresses +
	// "/{id}/default" makes it the default of its kind.
	PathAddresses = "/api/v1/addresses"

	// Pages of the account area.
	PageAccount      = "/portal/account"
	PageAccountUsers = "/portal/account/users"
	PageAuditLog     = "/portal/account/audit-log"
)

// Profile is the signed-in user's own contact details and, for a customer's
// user, their company (read only).
type Profile struct {
	Email   string   `json:"email"`
	Name    string   `json:"name"`
	Phone   string   `json:"phone"`
	Role    string   `json:"role"`
	Company *Company `json:"company,omitempty"`
}

// Company is the customer account as its users see it.
type Company struct {
	Name          string `json:"name"`
	AccountNumber string `json:"account_number"`
	Type          string `json:"type"` // business | individual
	PaymentTerms  string `json:"payment_terms"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
}

// ProfileUpdate is the body of PATCH /api/v1/me/profile; absent fields stay.
type ProfileUpdate struct {
	Name  *string `json:"name,omitempty"`
	Phone *string `json:"phone,omitempty"`
}

// Address is one billing or shipping address of the customer account.
type Address struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"` // billing | shipping
	Label      string `json:"label"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2
	IsDefault  bool   `json:"is_default"`
}

// AddressInput is the body of POST /api/v1/addresses and PUT
// /api/v1/addresses/{id}.
type AddressInput struct {
	Kind       string `json:"kind"`
	Label      string `json:"label"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
	IsDefault  bool   `json:"is_default"`
}

// NotificationPreference is whether the user gets e-mail for one kind of
// event (order_confirmed, order_shipped, order_delivered, invoice_issued,
// invoice_reminder, payment_received, quote_responded, document_available).
type NotificationPreference struct {
	Kind  string `json:"kind"`
	Email bool   `json:"email"`
}

// NotificationPreferences is the body of PUT /api/v1/me/notifications.
type NotificationPreferences struct {
	Preferences []NotificationPreference `json:"preferences"`
}
