package api

// PathCardPayments: POST starts paying invoices by card (CardPaymentRequest
// → CardPayment). Finance users and Admins only. The amount is the
// invoices' amount due as the server knows it; the same selection asked
// again (a double click, a second tab) answers the same payment.
const PathCardPayments = "/api/v1/card-payments"

// CardPaymentRequest names the invoices to pay (at most 50, of one
// currency) and, to pay with a saved card, its id (PaymentMethod.ID): the
// server then confirms the payment itself, and the answer's status says
// how it went (succeeded, processing, requires_action for 3-D Secure in
// Stripe.js, requires_payment_method when the card was declined).
type CardPaymentRequest struct {
	InvoiceIDs      []string `json:"invoice_ids"`
	PaymentMethodID string   `json:"payment_method_id,omitempty"`
}

// CardPayment is what Stripe.js needs to confirm the payment in the
// browser: the PaymentIntent's client secret, the tenant's connected
// account and the platform's publishable key. Card details go from the
// browser to Stripe only.
type CardPayment struct {
	ID              string           `json:"id"` // the payment attempt
	PaymentIntentID string           `json:"payment_intent_id"`
	ClientSecret    string           `json:"client_secret"`
	PublishableKey  string           `json:"publishable_key"`
	StripeAccount   string           `json:"stripe_account"`
	Amount          Money            `json:"amount"`
	Status          string           `json:"status"` // Stripe's PaymentIntent status
	Invoices        []InvoiceSummary `json:"invoices"`
}
