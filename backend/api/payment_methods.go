package api

// Saved cards (spec 002 "Saved Payment Methods"), Finance users and Admins
// only:
//
//   - GET PathPaymentMethods → PaymentMethodList
//   - POST PathCardSetups → CardSetup: a SetupIntent for Stripe.js to
//     collect a card with; the card appears in the list once Stripe has
//     told the server it was saved (a few seconds)
//   - POST PathPaymentMethods/{id}/default → 204
//   - DELETE PathPaymentMethods/{id} → 204 (detached at Stripe)
//
// Card numbers never reach the portal: only brand, last four digits and
// expiry are listed.
const (
	PathPaymentMethods = "/api/v1/payment-methods"
	PathCardSetups     = "/api/v1/payment-methods/setup"
)

// PaymentMethod is one saved card.
type PaymentMethod struct {
	ID       string `json:"id"`
	Brand    string `json:"brand"` // visa, mastercard, amex, discover, … or card
	Last4    string `json:"last4"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
	Expired  bool   `json:"expired"`
	Default  bool   `json:"default"`
}

// PaymentMethodList is the account's saved cards, the default first.
// CanManage says whether the user may add, remove and choose the default
// (and Available whether the portal takes cards at all).
type PaymentMethodList struct {
	PaymentMethods []PaymentMethod `json:"payment_methods"`
	CanManage      bool            `json:"can_manage"`
	Available      bool            `json:"available"`
}

// CardSetup is what Stripe.js needs to save a card: the SetupIntent's
// client secret, the tenant's connected account and the platform's
// publishable key.
type CardSetup struct {
	SetupIntentID  string `json:"setup_intent_id"`
	ClientSecret   string `json:"client_secret"`
	PublishableKey string `json:"publishable_key"`
	StripeAccount  string `json:"stripe_account"`
}
