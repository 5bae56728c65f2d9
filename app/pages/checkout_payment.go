package pages

import (
	"context"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// checkoutSavedCards are the account's saved cards at checkout, for a user
// who may use them (payment_methods:read: Admin and Finance by default;
// the server refuses a card from anyone else). They come from the payment
// methods API, the default first and chosen; "" is a new card, entered
// with Stripe.js after the order is placed.
type checkoutSavedCards struct {
	loaded bool
	cards  []api.PaymentMethod
	choice string
}

// load reads the saved cards once, where the user may use them and the
// portal takes cards; without them the checkout offers a new card only.
func (s *checkoutSavedCards) load(ctx app.Context, u apiclient.User, cardPayments bool) {
	if s.loaded || !cardPayments || !can(u, capPaymentMethodsRead) {
		return
	}
	s.loaded = true
	var l api.PaymentMethodList
	callAPI(ctx, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.PaymentMethods(c); return }, func(err error) {
		if err != nil {
			return // no saved cards offered; a new card still works
		}
		s.cards = s.cards[:0]
		for _, m := range l.PaymentMethods {
			if !m.Expired {
				s.cards = append(s.cards, m)
			}
		}
		s.choice = ""
		for _, m := range s.cards {
			if m.Default || s.choice == "" {
				s.choice = m.ID
			}
			if m.Default {
				break
			}
		}
	})
}

// chosen is the saved card to pay with; "" for a new card.
func (s *checkoutSavedCards) chosen() string { return s.choice }

// label names the chosen card, for the confirmation.
func (s *checkoutSavedCards) label() string {
	for _, m := range s.cards {
		if m.ID == s.choice {
			return cardLabel(m)
		}
	}
	return ""
}

// render lists the saved cards and "A new card".
func (s *checkoutSavedCards) render() app.UI {
	if len(s.cards) == 0 {
		return app.P().ID("checkout-card-note").Class("cart-note").Text("You enter the card after placing the order.")
	}
	opts := []app.UI{app.Legend().Text("Pay with")}
	for _, m := range s.cards {
		id := m.ID
		opts = append(opts, app.Label().Class("choice").Body(
			app.Input().Type("radio").Name("checkout-card").ID("checkout-card-"+id).Class("checkout-saved-card").Value(id).
				Checked(s.choice == id).OnChange(func(app.Context, app.Event) { s.choice = id }),
			app.Span().Class("checkout-saved-card__label").Text(" "+cardLabel(m)),
			app.If(m.Default, func() app.UI { return app.Span().Class("chip").Text("Default") }),
		))
	}
	opts = append(opts, app.Label().Class("choice").Body(
		app.Input().Type("radio").Name("checkout-card").ID("checkout-card-new").Value("").Checked(s.choice == "").
			OnChange(func(app.Context, app.Event) { s.choice = "" }),
		app.Span().Text(" A new card (entered after placing the order)"),
	))
	return app.FieldSet().ID("checkout-cards").Class("pay-cards").Body(opts...)
}

// paymentStep is the checkout's payment step: on account (the terms and
// the available credit) or by card, with the saved cards when the user
// may use them.
func (p *checkoutPage) paymentStep(o api.CheckoutOptions) app.UI {
	return app.FieldSet().ID("checkout-payment").Class("card checkout-step").Body(
		app.Legend().Text("6. Payment"),
		app.Label().Class("choice").Body(
			app.Input().Type("radio").Name("checkout-payment").ID("checkout-pay-account").Checked(p.payment == api.PaymentOnAccount).
				OnChange(func(app.Context, app.Event) { p.payment = api.PaymentOnAccount }),
			app.Span().Text(" Pay on account ("+orDefault(o.PaymentTerms, "your terms")+"; available credit "+components.FormatMoney(o.AvailableCredit)+")")),
		app.If(o.CardPayments, func() app.UI {
			return app.Label().Class("choice").Body(
				app.Input().Type("radio").Name("checkout-payment").ID("checkout-pay-card").Checked(p.payment == api.PaymentByCard).
					OnChange(func(app.Context, app.Event) { p.payment = api.PaymentByCard }),
				app.Span().Text(" Pay by card"))
		}),
		app.If(o.CardPayments && p.payment == api.PaymentByCard, p.savedCards.render),
		fieldError("checkout-payment", p.problem.Fields["checkout-payment"]),
	)
}

// paymentMethodID is the saved card the checkout pays with, if any.
func (p *checkoutPage) paymentMethodID() string {
	if p.payment != api.PaymentByCard {
		return ""
	}
	return p.savedCards.chosen()
}

// startPayment goes on with the order's card payment after it is placed:
// a saved card was confirmed by the server (paid, being paid, 3-D Secure
// to complete with Stripe.js, or declined: the order stays placed and the
// card form pays it); a new card is entered with Stripe.js.
func (p *checkoutPage) startPayment(ctx app.Context, out api.CheckoutConfirmation, savedCard string) {
	c := out.Card
	switch {
	case c == nil:
	case savedCard == "" && c.Status != "succeeded" && c.Status != "processing":
		p.card.start(ctx, *c)
	case c.Status == "succeeded":
		p.card.payment, p.card.state, p.card.msg = *c, "paid", "Paid with "+savedCard+". Thank you."
	case c.Status == "processing":
		p.card.payment, p.card.state, p.card.msg = *c, "paid", "Your payment with "+savedCard+" is being processed."
	case c.Status == "requires_action" || c.Status == "requires_confirmation":
		p.card.payment, p.card.ui, p.card.state, p.card.msg = *c, ctx, "confirming", "Your bank asks you to confirm this payment…"
		loadStripeJS(ctx, func(ctx app.Context) {
			p.card.stripe = newStripe(c.PublishableKey, c.StripeAccount)
			awaitStripe(ctx, p.card.stripe.Call("handleNextAction", map[string]any{"clientSecret": c.ClientSecret}), func(ctx app.Context, msg string) {
				if msg != "" {
					p.card.state, p.card.msg = "error", msg+" Your order is placed; it is paid once the payment is confirmed."
					return
				}
				p.card.state, p.card.msg = "paid", "Payment received. Thank you."
			})
		}, func(app.Context) { p.card.state, p.card.msg = "error", stripeUnreachable })
	default: // requires_payment_method: declined, nothing charged
		p.card.start(ctx, *c)
		p.card.declined = "Your card " + savedCard + " was declined and nothing was charged. Your order is placed; pay it with another card below."
	}
}
