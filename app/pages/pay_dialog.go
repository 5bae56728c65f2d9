package pages

import (
	"context"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// stripeJSURL is Stripe.js; it is loaded only when a user pays.
const stripeJSURL = "https://js.stripe.com/v3/"

// payDialog pays invoices by card: it asks the API for a payment
// (POST /api/v1/card-payments), loads Stripe.js, mounts the Payment
// Element with the client secret, publishable key and connected account of
// that answer, and confirms. The publishable key is never compiled in.
type payDialog struct {
	open     bool
	state    string // starting | ready | confirming | paid | error
	msg      string
	payment  api.CardPayment
	stripe   app.Value
	elements app.Value
	done     func()
}

func (d *payDialog) start(ctx app.Context, ids []string, done func()) {
	d.open, d.state, d.msg, d.done = true, "starting", "", done
	var p api.CardPayment
	callAPI(ctx, func(c context.Context, cl *apiclient.Client) (err error) { p, err = cl.PayInvoices(c, ids); return }, func(err error) {
		if err != nil {
			d.state, d.msg = "error", problemText(err)
			return
		}
		d.payment = p
		d.loadStripe(ctx)
	})
}

// loadStripe adds the Stripe.js script once, then mounts the element.
func (d *payDialog) loadStripe(ctx app.Context) {
	win := app.Window()
	if s := win.Get("Stripe"); s.Truthy() {
		d.mount(ctx)
		return
	}
	doc := win.Get("document")
	script := doc.Call("createElement", "script")
	script.Set("src", stripeJSURL)
	var onload, onerror app.Func
	onload = app.FuncOf(func(this app.Value, args []app.Value) any {
		ctx.Dispatch(func(ctx app.Context) { d.mount(ctx) })
		return nil
	})
	onerror = app.FuncOf(func(this app.Value, args []app.Value) any {
		ctx.Dispatch(func(app.Context) {
			d.state, d.msg = "error", "The card form could not load (Stripe.js is unreachable). Check your connection and try again; nothing was charged."
		})
		return nil
	})
	script.Set("onload", onload)
	script.Set("onerror", onerror)
	doc.Get("head").Call("appendChild", script)
}

func (d *payDialog) mount(ctx app.Context) {
	ctor := app.Window().Get("Stripe")
	if !ctor.Truthy() {
		d.state, d.msg = "error", "The card form could not load."
		return
	}
	opts := map[string]any{}
	if d.payment.StripeAccount != "" {
		opts["stripeAccount"] = d.payment.StripeAccount
	}
	d.stripe = app.Window().Call("Stripe", d.payment.PublishableKey, opts)
	d.elements = d.stripe.Call("elements", map[string]any{"clientSecret": d.payment.ClientSecret})
	d.state = "ready"
	ctx.Defer(func(app.Context) {
		d.elements.Call("create", "payment").Call("mount", "#pay-element")
	})
}

func (d *payDialog) confirm(ctx app.Context, _ app.Event) {
	if d.stripe == nil || d.state != "ready" {
		return
	}
	d.state = "confirming"
	var then app.Func
	then = app.FuncOf(func(this app.Value, args []app.Value) any {
		ctx.Dispatch(func(app.Context) {
			if len(args) > 0 && args[0].Get("error").Truthy() {
				d.state, d.msg = "ready", args[0].Get("error").Get("message").String()
				return
			}
			d.state, d.msg = "paid", "Payment received. The invoice shows as paid once Stripe confirms it."
			if d.done != nil {
				d.done()
			}
		})
		return nil
	})
	d.stripe.Call("confirmPayment", map[string]any{"elements": d.elements, "redirect": "if_required"}).Call("then", then)
}

func (d *payDialog) close(ctx app.Context, _ app.Event) {
	d.open = false
	if d.done != nil {
		d.done()
	}
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
			app.Div().ID("pay-element"),
			app.If(d.msg != "", func() app.UI {
				role := "status"
				if d.state == "error" || d.state == "ready" {
					role = "alert"
				}
				return app.P().ID("pay-message").Class("pay-message pay-message--" + d.state).Role(role).Text(d.msg)
			}),
			app.Div().Class("dialog__actions").Body(
				app.If(d.state == "ready" || d.state == "confirming", func() app.UI {
					return app.Button().ID("pay-confirm").Class("button button--primary").Disabled(d.state == "confirming").Text("Pay").OnClick(d.confirm)
				}),
				app.Button().ID("pay-close").Class("button").Text("Close").OnClick(d.close),
			),
		))
}
