package pages

import (
	"context"
	"fmt"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// capPaymentMethodsRead lets a user see the account's saved cards.
const capPaymentMethodsRead = "payment_methods:read"

// cardBrands are the labels of the card brands Stripe names.
var cardBrands = map[string]string{"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express", "discover": "Discover",
	"diners": "Diners Club", "jcb": "JCB", "unionpay": "UnionPay", "cartes_bancaires": "Cartes Bancaires"}

// cardLabel is "Visa •••• 4242, expires 08/2030".
func cardLabel(m api.PaymentMethod) string {
	brand := cardBrands[m.Brand]
	if brand == "" {
		brand = "Card"
	}
	s := fmt.Sprintf("%s •••• %s, expires %02d/%d", brand, m.Last4, m.ExpMonth, m.ExpYear)
	if m.Expired {
		s += " (expired)"
	}
	return s
}

// cardsTab is the account page's "Payment methods" tab (spec 002 "Saved
// Payment Methods"): the saved cards with their default, "Make default",
// "Remove", and "Add a card", which collects the card with Stripe.js
// against a SetupIntent of the server's. A saved card appears once Stripe
// has told the server (its signed webhook), so the list is read again a
// few times after saving.
type cardsTab struct {
	ui       app.Context // the page's context (see callAPI), from load
	list     api.PaymentMethodList
	err      error
	loaded   bool
	msg      string
	removing string // id awaiting confirmation
	adding   string // "" | starting | ready | saving | saved
	setup    api.CardSetup
	stripe   app.Value
	elements app.Value
}

func (t *cardsTab) load(ctx app.Context) {
	t.ui = ctx
	var l api.PaymentMethodList
	callAPI(ctx, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.PaymentMethods(c); return }, func(err error) {
		t.list, t.err, t.loaded = l, err, true
	})
}

func (t *cardsTab) makeDefault(id string) app.EventHandler {
	return func(app.Context, app.Event) {
		callAPI(t.ui, func(c context.Context, cl *apiclient.Client) error { return cl.SetDefaultPaymentMethod(c, id) }, func(err error) {
			t.msg = "The default card changed."
			if err != nil {
				t.msg = problemText(err)
			}
			t.load(t.ui)
		})
	}
}

func (t *cardsTab) remove(id string) app.EventHandler {
	return func(app.Context, app.Event) {
		if t.removing != id {
			t.removing = id // ask first
			return
		}
		t.removing = ""
		callAPI(t.ui, func(c context.Context, cl *apiclient.Client) error { return cl.RemovePaymentMethod(c, id) }, func(err error) {
			t.msg = "The card was removed."
			if err != nil {
				t.msg = problemText(err)
			}
			t.load(t.ui)
		})
	}
}

func (t *cardsTab) startAdding(app.Context, app.Event) {
	t.adding, t.msg = "starting", ""
	var su api.CardSetup
	ctx := t.ui
	callAPI(ctx, func(c context.Context, cl *apiclient.Client) (err error) { su, err = cl.StartCardSetup(c); return }, func(err error) {
		if err != nil {
			t.adding, t.msg = "", problemText(err)
			return
		}
		t.setup = su
		loadStripeJS(ctx, func(ctx app.Context) {
			t.stripe = newStripe(su.PublishableKey, su.StripeAccount)
			t.elements = t.stripe.Call("elements", map[string]any{"clientSecret": su.ClientSecret})
			t.adding = "ready"
			ctx.Defer(func(app.Context) { t.elements.Call("create", "payment").Call("mount", "#card-setup-element") })
		}, func(app.Context) { t.adding, t.msg = "", stripeUnreachable })
	})
}

func (t *cardsTab) save(app.Context, app.Event) {
	if t.adding != "ready" {
		return
	}
	t.adding = "saving"
	awaitStripe(t.ui, t.stripe.Call("confirmSetup", map[string]any{"elements": t.elements, "redirect": "if_required"}), func(ctx app.Context, msg string) {
		if msg != "" {
			t.adding, t.msg = "ready", msg
			return
		}
		t.adding, t.msg = "", "Card saved. It shows here in a moment."
		t.stripe, t.elements = nil, nil
		// Stripe tells the server by webhook; read the list again for a
		// little while.
		before := len(t.list.PaymentMethods)
		for _, after := range []time.Duration{2 * time.Second, 5 * time.Second, 10 * time.Second} {
			ctx.After(after, func(ctx app.Context) {
				if len(t.list.PaymentMethods) == before {
					t.load(ctx)
				}
			})
		}
	})
}

func (t *cardsTab) cancelAdding(app.Context, app.Event) {
	t.adding, t.stripe, t.elements = "", nil, nil
}

func (t *cardsTab) render(ctx app.Context) app.UI {
	switch {
	case t.err != nil:
		return app.Div().ID("cards-error").Class("card card--alert").Role("alert").Body(app.P().Text(problemText(t.err)))
	case !t.loaded:
		return app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading your cards…"))
	}
	l := t.list
	rows := make([]app.UI, 0, len(l.PaymentMethods))
	for _, m := range l.PaymentMethods {
		id := m.ID
		actions := []app.UI{}
		if l.CanManage && !m.Default {
			actions = append(actions, app.Button().Class("button button--small card-default").Type("button").Text("Make default").OnClick(t.makeDefault(id)))
		}
		if l.CanManage {
			label := "Remove"
			if t.removing == id {
				label = "Remove this card?"
			}
			actions = append(actions, app.Button().Class("button button--small button--danger card-remove").Type("button").Text(label).OnClick(t.remove(id)))
		}
		rows = append(rows, app.Li().Class("saved-card").DataSet("card", m.Last4).Body(
			app.Span().Class("saved-card__label").Text(cardLabel(m)),
			app.If(m.Default, func() app.UI { return app.Span().Class("chip chip--default").Text("Default") }),
			app.Span().Class("saved-card__actions").Body(actions...),
		))
	}
	return app.Div().ID("cards").Class("card").Body(
		app.H2().Class("card__title").Text("Saved cards"),
		app.P().Class("card__note").Text("Cards are kept by our payment processor, Stripe; this portal keeps only the brand, last four digits and expiry."),
		app.If(!l.Available, func() app.UI { return app.P().ID("cards-unavailable").Text("This portal does not take card payments.") }),
		app.If(l.Available && len(rows) == 0, func() app.UI { return app.P().ID("cards-empty").Text("No saved cards yet.") }),
		app.Ul().ID("cards-list").Class("saved-cards").Body(rows...),
		app.If(t.msg != "", func() app.UI { return app.P().ID("cards-message").Role("status").Text(t.msg) }),
		app.If(t.adding != "", func() app.UI {
			return app.Div().ID("card-setup").Class("card-setup").Body(
				app.If(t.adding == "starting", func() app.UI { return app.P().Class("card__status").Text("Preparing the card form…") }),
				app.Div().ID("card-setup-element"),
				app.Div().Class("dialog__actions").Body(
					app.Button().ID("card-setup-save").Class("button button--primary").Type("button").Disabled(t.adding != "ready").Text("Save card").OnClick(t.save),
					app.Button().ID("card-setup-cancel").Class("button").Type("button").Text("Cancel").OnClick(t.cancelAdding),
				))
		}),
		app.If(l.CanManage && t.adding == "", func() app.UI {
			return app.Button().ID("cards-add").Class("button button--primary").Type("button").Text("Add a card").OnClick(t.startAdding)
		}),
	)
}
