package portal

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Profile is the signed-in user's own contact details, with the customer
// account they belong to (read only: the ERP owns it). Staff have no
// Company.
type Profile struct {
	Email   string
	Name    string
	Phone   string
	Role    string
	Company *Company
}

// Company is the customer account as its users see it (spec 000
// account_overview: company info, payment terms).
type Company struct {
	Name          string
	AccountNumber string
	Type          string // business | individual
	PaymentTerms  string
	Email         string
	Phone         string
}

// ProfileUpdate changes the user's own details; nil fields stay. The e-mail
// address is the sign-in name and is not changed here.
type ProfileUpdate struct {
	Name  *string
	Phone *string
}

// Validate trims and bounds the fields that are set.
func (u *ProfileUpdate) Validate() error {
	var fields []FieldError
	if u.Name != nil {
		*u.Name = strings.TrimSpace(*u.Name)
		if *u.Name == "" || utf8.RuneCountInString(*u.Name) > 200 {
			fields = append(fields, FieldError{Field: "name", Message: "Enter your name (at most 200 characters)."})
		}
	}
	if u.Phone != nil {
		*u.Phone = strings.TrimSpace(*u.Phone)
		if !validPhone(*u.Phone) {
			fields = append(fields, FieldError{Field: "phone", Message: "Enter a phone number of digits, spaces and + ( ) - . (at most 40)."})
		}
	}
	if u.Name == nil && u.Phone == nil {
		fields = append(fields, FieldError{Field: "name", Message: "Nothing to change."})
	}
	return invalid(fields)
}

// validPhone accepts an empty number or one written with digits and the
// usual separators.
func validPhone(s string) bool {
	if len(s) > 40 {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +()-./x", r):
		default:
			return false
		}
	}
	return s == "" || digits >= 3
}

// Address kinds.
const (
	AddressBilling  = "billing"
	AddressShipping = "shipping"
)

// Address is one of a customer account's billing or shipping addresses.
// At most one address per kind is the default.
type Address struct {
	ID         string
	Kind       string
	Label      string
	Line1      string
	Line2      string
	City       string
	Region     string
	PostalCode string
	Country    string // ISO 3166-1 alpha-2
	IsDefault  bool
}

// AddressInput is a new address or the whole of an edited one.
type AddressInput struct {
	Kind, Label, Line1, Line2, City, Region, PostalCode, Country string
	IsDefault                                                    bool
}

// Validate trims, normalises the country and checks every field.
func (in *AddressInput) Validate() error {
	var fields []FieldError
	for _, f := range []*string{&in.Kind, &in.Label, &in.Line1, &in.Line2, &in.City, &in.Region, &in.PostalCode, &in.Country} {
		*f = strings.TrimSpace(*f)
	}
	in.Country = strings.ToUpper(in.Country)
	if in.Kind != AddressBilling && in.Kind != AddressShipping {
		fields = append(fields, FieldError{Field: "kind", Message: "Choose billing or shipping."})
	}
	check := func(field, v string, required bool, max int, msg string) {
		if (required && v == "") || utf8.RuneCountInString(v) > max {
			fields = append(fields, FieldError{Field: field, Message: msg})
		}
	}
	check("label", in.Label, false, 100, "At most 100 characters.")
	check("line1", in.Line1, true, 200, "Enter the street address (at most 200 characters).")
	check("line2", in.Line2, false, 200, "At most 200 characters.")
	check("city", in.City, true, 100, "Enter the city (at most 100 characters).")
	check("region", in.Region, false, 100, "At most 100 characters.")
	check("postal_code", in.PostalCode, false, 20, "At most 20 characters.")
	if len(in.Country) != 2 || in.Country[0] < 'A' || in.Country[0] > 'Z' || in.Country[1] < 'A' || in.Country[1] > 'Z' {
		fields = append(fields, FieldError{Field: "country", Message: "Enter the two-letter country code, e.g. US."})
	}
	return invalid(fields)
}

// Notification kinds a user can turn e-mail on or off for (spec 002
// "Notifications": order confirmation, status updates, shipment tracking,
// invoice reminders, quote approvals; spec 000 events).
var NotificationKinds = []string{
	"order_confirmed", "order_shipped", "order_delivered", "invoice_issued",
	"invoice_reminder", "payment_received", "quote_responded", "document_available",
}

// NotificationPreference is whether the user gets e-mail for one kind.
type NotificationPreference struct {
	Kind  string
	Email bool
}

// ValidateNotificationPreferences checks that every kind is known and
// appears once.
func ValidateNotificationPreferences(prefs []NotificationPreference) error {
	var fields []FieldError
	seen := map[string]bool{}
	for i, p := range prefs {
		known := false
		for _, k := range NotificationKinds {
			known = known || k == p.Kind
		}
		if !known || seen[p.Kind] {
			fields = append(fields, FieldError{Field: "preferences[" + strconv.Itoa(i) + "].kind", Message: "Unknown or repeated kind."})
		}
		seen[p.Kind] = true
	}
	if len(prefs) == 0 {
		fields = append(fields, FieldError{Field: "preferences", Message: "Nothing to change."})
	}
	return invalid(fields)
}

// AccountService is the signed-in user's own account: profile, their
// customer's addresses and their notification preferences. The actor is
// the signed-in user; address ids of another customer (or tenant) are
// ENOTFOUND, and staff, who have no customer, have no addresses.
type AccountService interface {
	// Profile returns the actor's profile.
	Profile(ctx context.Context, actor *User) (*Profile, error)

	// UpdateProfile changes the actor's details. Errors: EINVALID.
	UpdateProfile(ctx context.Context, actor *User, up ProfileUpdate) (*Profile, error)

	// Addresses lists the actor's customer's addresses, billing first,
	// defaults first.
	Addresses(ctx context.Context, actor *User) ([]Address, error)

	// CreateAddress adds an address; a default one replaces the previous
	// default of its kind. Errors: EINVALID, EFORBIDDEN (staff).
	CreateAddress(ctx context.Context, actor *User, in AddressInput) (*Address, error)

	// UpdateAddress replaces an address. Errors: EINVALID, ENOTFOUND.
	UpdateAddress(ctx context.Context, actor *User, id string, in AddressInput) (*Address, error)

	// SetDefaultAddress makes an address the default of its kind.
	// Errors: ENOTFOUND.
	SetDefaultAddress(ctx context.Context, actor *User, id string) (*Address, error)

	// DeleteAddress removes an address. Errors: ENOTFOUND, ECONFLICT (an
	// order ships to it).
	DeleteAddress(ctx context.Context, actor *User, id string) error

	// NotificationPreferences returns one entry per kind, in the order of
	// NotificationKinds; kinds never set are on.
	NotificationPreferences(ctx context.Context, actor *User) ([]NotificationPreference, error)

	// SetNotificationPreferences stores the given kinds and returns all.
	// Errors: EINVALID.
	SetNotificationPreferences(ctx context.Context, actor *User, prefs []NotificationPreference) ([]NotificationPreference, error)
}
