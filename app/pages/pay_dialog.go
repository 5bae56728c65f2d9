package pages

import (
	"context"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// payDialog pays invoices by card. With saved cards it offers them first
// (the default chosen): paying with one is confirmed by the server (POST
// /api/v1/card-payments with payment_method_id), and Stripe.js is needed
// only when the bank asks for 3-D Secure. A new card asks the API for a
// payment, loads Stripe.js, mounts the Payment Element with the client
// secret, publishable key and connected account of that answer, and
// confirms. The publishable key is never compiled in.
type payDialog struct {
	ui       app.Context // the page's context (see callAPI), from start
	open     bool
	state    string // choosing | starting | ready | confirming | paid | error
	msg      string
	ids      []string
	cards    []api.PaymentMethod
	choice   string // a saved card's id; "" is a new card
	payment  api.CardPayment
	stripe   app.Value
	elements app.Value
	done     func()
}

// start opens the dialog; ctx must be the page's own context.
func (d *payDialog) start(ctx app.Context, ids []string, done func()) {
	d.ui = ctx
	d.open, d.state, d.msg, d.done, d.ids = true, "starting", "", done, ids
	d.payment, d.cards, d.choice, d.stripe, d.elements = api.CardPayment{}, nil, "", nil, nil
	var l api.PaymentMethodList
	callAPI(ctx, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.PaymentMethods(c); return }, func(err error) {
		if !d.open {
			return
		}
		for _, m := range l.PaymentMethods {
			if !m.Expired {
				d.cards = append(d.cards, m)
			}
		}
		if err != nil || len(d.cards) == 0 {
			d.startNewCard(ctx) // no saved card (or none readable): the card form
			return
		}
		d.state, d.choice = "choosing", d.cards[0].ID // the default comes first
	})
}

// startNewCard asks for a payment and mounts the Payment Element.
func (d *payDialog) startNewCard(ctx app.Context) {
	d.state, d.msg, d.stripe, d.elements = "starting", "", nil, nil
	var p api.CardPayment
	callAPI(ctx, func(c context.Context, cl *apiclient.Client) (err error) { p, err = cl.PayInvoices(c, d.ids); return }, func(err error) {
		if err != nil {
			d.state, d.msg = "error", problemText(err)
			return
		}
		d.payment = p
		loadStripeJS(ctx, d.mount, func(app.Context) { d.state, d.msg = "error", stripeUnreachable })
	})
}

func (d *payDialog) mount(ctx app.Context) {
	if !app.Window().Get("Stripe").Truthy() {
		d.state, d.msg = "error", "The card form could not load."
		return
	}
	d.stripe = newStripe(d.payment.PublishableKey, d.payment.StripeAccount)
	d.elements = d.stripe.Call("elements", map[string]any{"clientSecret": d.payment.ClientSecret})
	d.state = "ready"
	ctx.Defer(func(app.Context) {
		d.elements.Call("create", "payment").Call("mount", "#pay-element")
	})
}

func (d *payDialog) confirm(app.Context, app.Event) {
	if d.stripe == nil || d.state != "ready" {
		return
	}
	ctx := d.ui
	d.state = "confirming"
	awaitStripe(ctx, d.stripe.Call("confirmPayment", map[string]any{"elements": d.elements, "redirect": "if_required"}), func(ctx app.Context, msg string) {
		if msg != "" {
			d.state, d.msg = "ready", msg
			return
		}
		d.paid(ctx, "Payment received. The invoice shows as paid once Stripe confirms it.")
	})
}

// paySaved pays with the chosen saved card; the server confirms it.
func (d *payDialog) paySaved(app.Context, app.Event) {
	if d.state != "choosing" {
		return
	}
	ctx := d.ui
	if d.choice == "" {
		d.startNewCard(ctx)
		return
	}
	d.state, d.msg, d.stripe, d.elements = "confirming", "", nil, nil
	var p api.CardPayment
	card := d.choice
	callAPI(ctx, func(c context.Context, cl *apiclient.Client) (err error) {
		p, err = cl.PayWithSavedCard(c, d.ids, card)
		return
	}, func(err error) {
		if err != nil {
			d.state, d.msg = "choosing", problemText(err)
			return
		}
		d.payment = p
		d.savedCardResult(ctx)
	})
}

// savedCardResult says how the server's confirmation went.
func (d *payDialog) savedCardResult(ctx app.Context) {
	switch d.payment.Status {
	case "succeeded":
		d.paid(ctx, "Payment received. Thank you.")
	case "processing":
		d.paid(ctx, "Payment is being processed. The invoice shows as paid once the bank confirms it.")
	case "requires_action", "requires_confirmation":
		// The bank asks for 3-D Secure: Stripe.js shows its check.
		d.msg = "Your bank asks you to confirm this payment…"
		loadStripeJS(ctx, func(ctx app.Context) {
			d.stripe = newStripe(d.payment.PublishableKey, d.payment.StripeAccount)
			awaitStripe(ctx, d.stripe.Call("handleNextAction", map[string]any{"clientSecret": d.payment.ClientSecret}), func(ctx app.Context, msg string) {
				if msg != "" {
					d.state, d.msg = "choosing", msg
					return
				}
				d.paid(ctx, "Payment received. The invoice shows as paid once Stripe confirms it.")
			})
		}, func(app.Context) { d.state, d.msg = "choosing", stripeUnreachable })
	default: // requires_payment_method: declined
		d.state, d.msg = "choosing", "The card was declined. Choose another card or enter a new one; nothing was charged."
	}
}

func (d *payDialog) paid(ctx app.Context, msg string) {
	d.state, d.msg = "paid", msg
	if d.done != nil {
		d.done()
	}
}

func (d *payDialog) close(app.Context, app.Event) {
	d.open = false
	if d.done != nil {
		d.done()
	}
}

func (d *payDialog) renderChoices() app.UI {
	opts := make([]app.UI, 0, len(d.cards)+1)
	for _, m := range d.cards {
		id := m.ID
		opts = append(opts, app.Label().Class("pay-choice").Body(
			app.Input().Type("radio").Name("pay-card").ID("pay-card-"+id).Class("pay-card").Value(id).Checked(d.choice == id).
				OnChange(func(app.Context, app.Event) { d.choice = id }),
			app.Span().Text(" "+cardLabel(m)),
			app.If(m.Default, func() app.UI { return app.Span().Class("chip").Text("Default") }),
		))
	}
	opts = append(opts, app.Label().Class("pay-choice").Body(
		app.Input().Type("radio").Name("pay-card").ID("pay-card-new").Value("").Checked(d.choice == "").
			OnChange(func(app.Context, app.Event) { d.choice = "" }),
		app.Span().Text(" A new card"),
	))
	return app.FieldSet().ID("pay-cards").Class("pay-cards").Body(append([]app.UI{app.Legend().Text("Pay with")}, opts...)...)
}

func (d *payDialog) render() app.UI {
	if !d.open {
		return app.Text("")
	}
	return app.Div().ID("pay-dialog").Class("dialog").Role("dialog").Aria("modal", "true").Aria("labelledby", "pay-title").Body(
		app.Div().Class("dialog__body card").Body(
			app.H2().ID("pay-title").Class("card__title").Text("Pay by card"),
			app.If(d.payment.Amount.Currency != "", func() app.UI {
				return app.P().ID("pay-amount").Body(app.Text("Amount: "), components.MoneyText(d.payment.Amount))
			}),
			app.If(d.state == "starting", func() app.UI { return app.P().Class("card__status").Text("Preparing the payment…") }),
			app.If(d.state == "choosing" || (d.state == "confirming" && d.stripe == nil), d.renderChoices),
			app.Div().ID("pay-element"),
			app.If(d.msg != "", func() app.UI {
				role := "status"
				if d.state == "error" || d.state == "ready" || d.state == "choosing" {
					role = "alert"
				}
				return app.P().ID("pay-message").Class("pay-message pay-message--" + d.state).Role(role).Text(d.msg)
			}),
			app.Div().Class("dialog__actions").Body(
				app.If(d.state == "choosing" || (d.state == "confirming" && d.stripe == nil), func() app.UI {
					return app.Button().ID("pay-saved").Class("button button--primary").Disabled(d.state == "confirming").Text("Pay").OnClick(d.paySaved)
				}),
				app.If(d.state == "ready" || (d.state == "confirming" && d.stripe != nil), func() app.UI {
					return app.Button().ID("pay-confirm").Class("button button--primary").Disabled(d.state == "confirming").Text("Pay").OnClick(d.confirm)
				}),
				app.Button().ID("pay-close").Class("button").Text("Close").OnClick(d.close),
			),
		))
}
