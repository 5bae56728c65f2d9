package portal

import (
	"context"
	"time"
)

// Saved cards (spec 002 "Saved Payment Methods"). A Finance user or an
// Admin saves a card through a SetupIntent that the server creates on the
// tenant's connected account for the account's Stripe Customer; Stripe.js
// collects the card in the browser, and Stripe's setup_intent.succeeded
// event (signed webhook) adds it to the list. The portal keeps only the
// brand, the last four digits and the expiry: the card stays at Stripe.

// PaymentMethod is one saved card of a customer account.
type PaymentMethod struct {
	ID        string // ours; Stripe's pm_… id stays on the server
	Brand     string // visa, mastercard, amex, …
	Last4     string
	ExpMonth  int
	ExpYear   int
	Default   bool
	CreatedAt time.Time
}

// Expired says whether the card's expiry month has passed at now.
func (m PaymentMethod) Expired(now time.Time) bool {
	y, mo, _ := now.Date()
	return m.ExpYear < y || (m.ExpYear == y && m.ExpMonth < int(mo))
}

// CardSetup is a started SetupIntent: what Stripe.js needs to collect and
// save a card in the browser.
type CardSetup struct {
	SetupIntentID string
	// ClientSecret lets the browser confirm this one SetupIntent; handed
	// to the user only and never logged.
	ClientSecret  string
	StripeAccount string
}

// PaymentMethodService manages the actor's account's saved cards. Another
// customer's card is ENOTFOUND; staff get EFORBIDDEN.
type PaymentMethodService interface {
	// FindPaymentMethods lists the account's saved cards, the default
	// first, then newest first.
	FindPaymentMethods(ctx context.Context, actor *User) ([]PaymentMethod, error)
	// StartCardSetup creates a SetupIntent for the account's Stripe
	// Customer (created on first use). Errors: EFORBIDDEN (no card
	// payments here), EUNAVAILABLE.
	StartCardSetup(ctx context.Context, actor *User) (*CardSetup, error)
	// SetDefaultPaymentMethod makes the card the account's default, here
	// and at Stripe. Errors: ENOTFOUND, EUNAVAILABLE.
	SetDefaultPaymentMethod(ctx context.Context, actor *User, id string) error
	// RemovePaymentMethod detaches the card at Stripe and forgets it; the
	// newest remaining card becomes the default if it was. Errors:
	// ENOTFOUND, EUNAVAILABLE.
	RemovePaymentMethod(ctx context.Context, actor *User, id string) error
}

// StripeCustomerInput is a Stripe Customer to create on a connected account.
type StripeCustomerInput struct {
	Account        string
	IdempotencyKey string
	Name           string
	Metadata       map[string]string
}

// SetupInput is a SetupIntent to create.
type SetupInput struct {
	Account        string
	IdempotencyKey string
	Customer       string // cus_…
	Metadata       map[string]string
}

// Setup is a SetupIntent as the gateway answers it.
type Setup struct {
	ID, ClientSecret, Status string
}

// CardDetails is what the portal keeps of a card: never its number.
type CardDetails struct {
	ID       string // pm_…
	Customer string // cus_…, empty when detached
	Brand    string
	Last4    string
	ExpMonth int
	ExpYear  int
}

// CardSaver is the part of the card processor that saves cards.
type CardSaver interface {
	// CreateCustomer creates a Customer and returns its id.
	CreateCustomer(ctx context.Context, in StripeCustomerInput) (string, error)
	// CreateSetup creates a SetupIntent for a card to use again.
	CreateSetup(ctx context.Context, in SetupInput) (*Setup, error)
	// GetCard reads a card PaymentMethod.
	GetCard(ctx context.Context, account, id string) (*CardDetails, error)
	// DetachCard detaches it from its customer: it cannot be used again.
	DetachCard(ctx context.Context, account, id, idempotencyKey string) error
	// SetDefaultCard makes it the customer's default for invoices.
	SetDefaultCard(ctx context.Context, account, customer, id, idempotencyKey string) error
}
