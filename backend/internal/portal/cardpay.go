package portal

import (
	"context"
	"strconv"
	"time"
)

// Card payments of invoices (spec 001 "Pay an Invoice"): a Finance user or
// an Admin pays one or several of the account's open invoices by card
// through the tenant's Stripe connected account. The server computes the
// amount from the invoices' amounts due; the PWA confirms the payment with
// Stripe.js, so no card data reaches the server.

// MaxInvoicesPerPayment bounds one card payment.
const MaxInvoicesPerPayment = 50

// PayInvoicesInput names the invoices to pay.
type PayInvoicesInput struct {
	InvoiceIDs []string
	// PaymentMethodID, when set, is one of the account's saved cards (our
	// id): the server confirms the payment with it, no card form needed.
	PaymentMethodID string
}

// Validate checks the input: at least one invoice, each once.
func (in *PayInvoicesInput) Validate() error {
	var fields []FieldError
	switch n := len(in.InvoiceIDs); {
	case n == 0:
		fields = append(fields, FieldError{Field: "invoice_ids", Message: "Choose at least one invoice to pay."})
	case n > MaxInvoicesPerPayment:
		fields = append(fields, FieldError{Field: "invoice_ids", Message: "Pay at most " + strconv.Itoa(MaxInvoicesPerPayment) + " invoices at once."})
	}
	seen := map[string]bool{}
	for _, id := range in.InvoiceIDs {
		if seen[id] {
			fields = append(fields, FieldError{Field: "invoice_ids", Message: "An invoice is named twice."})
			break
		}
		seen[id] = true
	}
	return invalid(fields)
}

// CardPayment is a started card payment: what Stripe.js needs to confirm
// it in the browser.
type CardPayment struct {
	AttemptID       string
	PaymentIntentID string
	// ClientSecret lets the browser confirm this one PaymentIntent; it is
	// handed to the paying user only and never logged.
	ClientSecret  string
	StripeAccount string // the tenant's connected account, for Stripe.js
	Amount        Money
	Invoices      []InvoiceSummary
	Status        string // Stripe's PaymentIntent status
}

// CardPaymentService starts and follows card payments.
type CardPaymentService interface {
	// PayInvoices starts paying the actor's own open invoices, or returns
	// the payment already started for exactly those invoices and amounts,
	// so double clicks, two tabs and concurrent requests make one
	// PaymentIntent. Errors: EINVALID; ENOTFOUND (an invoice that is not
	// the account's); ECONFLICT (an invoice paid, void, or in another
	// payment that is processing); EFORBIDDEN (the tenant takes no card
	// payments); EUNAVAILABLE (Stripe did not answer).
	PayInvoices(ctx context.Context, actor *User, in PayInvoicesInput) (*CardPayment, error)
}

// CardGateway is the card processor (Stripe Connect), as the services use
// it. Every call names the tenant's connected account.
type CardGateway interface {
	// CreateIntent creates a PaymentIntent; the same idempotency key
	// returns the same intent.
	CreateIntent(ctx context.Context, in IntentInput) (*Intent, error)
	// ConfirmIntent confirms a saved card's intent, server-side; the same
	// idempotency key returns the same outcome. A card the bank declines
	// is no error: the intent comes back Declined.
	ConfirmIntent(ctx context.Context, account, id, idempotencyKey string) (*Intent, error)
	// GetIntent reads one.
	GetIntent(ctx context.Context, account, id string) (*Intent, error)
	// CancelIntent cancels one that has not succeeded.
	CancelIntent(ctx context.Context, account, id string) error
	CardSaver
}

// IntentInput is a PaymentIntent to create.
type IntentInput struct {
	Account        string // acct_…
	IdempotencyKey string
	Amount         Money
	Description    string
	Metadata       map[string]string
	// Customer and PaymentMethod, when set, pay with a saved card (card
	// only, no redirects); the server confirms the intent with
	// ConfirmIntent once the attempt is recorded.
	Customer, PaymentMethod string
}

// Intent is a PaymentIntent as the gateway answers it.
type Intent struct {
	ID, ClientSecret, Status string
	Amount                   Money
	// Declined is true when confirming it failed on the card (Stripe's
	// card_error): nothing was charged, and the intent needs another card.
	Declined bool
}

// CardEvent is a card processor's event (a Stripe webhook), as the portal
// applies it.
type CardEvent struct {
	ID      string // evt_…: each is applied once
	Type    string // e.g. payment_intent.succeeded
	Account string // the connected account it happened on: the tenant
	Created time.Time
	// PaymentIntentID and its status and amount received, for the
	// payment_intent.* events and charge.refunded.
	PaymentIntentID string
	IntentStatus    string
	AmountReceived  Money
	AmountRefunded  Money
	// SetupIntentID, Customer (cus_…) and PaymentMethodID (pm_…), for
	// setup_intent.succeeded and payment_method.detached.
	SetupIntentID   string
	Customer        string
	PaymentMethodID string
}

// ObjectID is the Stripe object the event is about.
func (e CardEvent) ObjectID() string {
	switch {
	case e.Type == "payment_method.detached":
		return e.PaymentMethodID
	case e.SetupIntentID != "":
		return e.SetupIntentID
	}
	return e.PaymentIntentID
}

// CardEventApplier applies card processor events in the tenant of the
// context.
type CardEventApplier interface {
	// ApplyCardEvent applies ev once: a redelivered event changes nothing,
	// and events arriving out of order do not undo a later state (a
	// payment that succeeded stays succeeded).
	ApplyCardEvent(ctx context.Context, ev CardEvent) error
}
