package pages

import (
	"context"
	"strconv"
	"strings"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// capabilityOrdersCreate is what placing an order needs.
const capabilityOrdersCreate = "orders:create"

// checkoutPage is /portal/checkout, phone first: one column of steps
// (review the cart, billing address, shipping address saved or new,
// shipping method, PO number, promo code, requested date, payment on
// account or by card), then "Place order", then the confirmation with the
// order number, estimated ship date and total. The page makes one
// idempotency key when it opens, so a double tap places one order.
type checkoutPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	key     string
	cart    api.Cart
	opts    api.CheckoutOptions
	loaded  bool
	err     error
	billing string // a saved billing address id; "new" to enter one
	ship    string // a saved shipping address id; "new" to enter one
	method  string
	payment string
	promo   string
	busy    bool
	problem formProblem
	done    *api.CheckoutConfirmation
	card    checkoutCard

	savedCards checkoutSavedCards // the payment step's (checkout_payment.go)
}

func newCheckoutPage() app.Composer {
	return &checkoutPage{method: "standard", payment: api.PaymentOnAccount}
}

// OnInit brands the first client render.
func (p *checkoutPage) OnInit() { p.initBrand() }

// OnNav loads the cart and the checkout's options.
func (p *checkoutPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Checkout", "Review and place your order")
	p.promo = ctx.Page().URL().Query().Get("promo")
	if p.key == "" {
		p.key = newIdempotencyKey()
	}
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

// newIdempotencyKey is a random key of this checkout (crypto.randomUUID
// in the browser).
func newIdempotencyKey() string {
	if app.IsClient {
		if c := app.Window().Get("crypto"); c.Truthy() && c.Get("randomUUID").Truthy() {
			return "co-" + c.Call("randomUUID").String()
		}
	}
	return "co-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-checkout"
}

func (p *checkoutPage) load() {
	if u, ok := p.session.User(); !ok || p.session.Status != state.Loaded || !can(u, capabilityOrdersCreate) || p.loaded || p.done != nil {
		return
	}
	promo := p.promo
	var c api.Cart
	var o api.CheckoutOptions
	callAPI(p.ui, func(ctx context.Context, cl *apiclient.Client) (err error) {
		if promo != "" {
			c, err = cl.CartWithPromo(ctx, promo)
		} else {
			c, err = cl.Cart(ctx)
		}
		if err != nil {
			return err
		}
		o, err = cl.CheckoutOptions(ctx)
		return err
	}, func(err error) {
		p.loaded, p.err, p.cart, p.opts = true, err, c, o
		if err != nil {
			return
		}
		if u, ok := p.session.User(); ok {
			p.savedCards.load(p.ui, u, o.CardPayments)
		}
		p.ship, p.billing = "new", "new"
		if len(o.ShippingAddresses) > 0 {
			p.ship = o.ShippingAddresses[0].ID
		}
		if len(o.BillingAddresses) > 0 {
			p.billing = o.BillingAddresses[0].ID
		}
	})
}

func inputValue(id string) string {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		return strings.TrimSpace(el.Get("value").String())
	}
	return ""
}

func addressFrom(prefix string) *api.PostalAddress {
	return &api.PostalAddress{Line1: inputValue(prefix + "-line1"), Line2: inputValue(prefix + "-line2"), City: inputValue(prefix + "-city"),
		Region: inputValue(prefix + "-region"), PostalCode: inputValue(prefix + "-postal"), Country: inputValue(prefix + "-country")}
}

// checkoutFieldIDs maps the API's fields to the form's inputs.
var checkoutFieldIDs = map[string]string{
	"po_number": "checkout-po", "requested_date": "checkout-date", "promo_code": "checkout-promo", "shipping_method": "checkout-method",
	"shipping_address_id": "checkout-ship", "shipping_address.line1": "ship-line1", "shipping_address.city": "ship-city",
	"shipping_address.country": "ship-country", "billing_address": "checkout-billing", "billing_address.line1": "bill-line1",
	"billing_address.city": "bill-city", "billing_address.country": "bill-country", "payment": "checkout-payment", "cart": "checkout-review",
	"notes": "checkout-notes", "payment_method_id": "checkout-payment",
}

func (p *checkoutPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy || p.done != nil {
		return
	}
	in := api.CheckoutRequest{IdempotencyKey: p.key, ShippingMethod: p.method, Payment: p.payment,
		PONumber: inputValue("checkout-po"), PromoCode: p.promo, RequestedDate: inputValue("checkout-date"), Notes: inputValue("checkout-notes"),
		PaymentMethodID: p.paymentMethodID()}
	savedCard := ""
	if in.PaymentMethodID != "" {
		savedCard = p.savedCards.label()
	}
	if p.ship == "new" {
		in.ShippingAddress = addressFrom("ship")
	} else {
		in.ShippingAddressID = p.ship
	}
	if p.billing == "new" {
		in.BillingAddress = addressFrom("bill")
	} else {
		in.BillingAddressID = p.billing
	}
	p.busy, p.problem = true, formProblem{}
	var out api.CheckoutConfirmation
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { out, err = cl.Checkout(c, in); return }, func(err error) {
		p.busy = false
		if err != nil {
			e, prob, answered := apiError(err)
			if answered {
				prob = formProblem{Message: orDefault(e.Detail, "The order could not be placed."), Fields: fieldMessages(e.Fields, checkoutFieldIDs)}
				for _, f := range e.Fields {
					if strings.HasPrefix(f.Field, "lines[") {
						prob.Message += " " + sentence(f.Message)
					}
				}
			}
			p.problem = prob
			focusFirst(p.ui, "checkout-po")
			return
		}
		p.done = &out
		p.ui.SetState(components.KeyCartCount, 0)
		p.startPayment(p.ui, out, savedCard)
		p.ui.Defer(func(app.Context) { app.Window().Call("scrollTo", 0, 0) })
	})
}

// Render implements app.Composer.
func (p *checkoutPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{}
	switch gate := accountGate(p.session, capabilityOrdersCreate); {
	case gate != nil:
		content = append(content, app.H1().Class("page__title").Text("Checkout"), gate)
	case p.done != nil:
		content = append(content, p.renderConfirmation())
	default:
		content = append(content, app.H1().Class("page__title").Text("Checkout"))
		content = append(content, p.renderForm()...)
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("checkout").Body(content...))
}

func (p *checkoutPage) renderForm() []app.UI {
	switch {
	case p.err != nil:
		return []app.UI{errorPanel(p.err, func(app.Context, app.Event) { p.loaded, p.err = false, nil; p.load() })}
	case !p.loaded:
		return []app.UI{app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading your cart…"))}
	case len(p.cart.Lines) == 0:
		return []app.UI{app.Div().ID("checkout-empty").Class("card card--muted").Body(
			app.P().Text("Your cart is empty."), app.A().Class("button").Href(api.PageCart).Text("Go to your cart"))}
	}
	o, c := p.opts, p.cart
	lines := make([]app.UI, 0, len(c.Lines))
	for _, l := range c.Lines {
		lines = append(lines, app.Li().Class("checkout-line").Body(
			app.Span().Text(l.Quantity+" "+l.UOM+" × "+l.Code+" "+l.Name),
			app.If(l.Problem != "", func() app.UI { return app.Span().Class("cart-line__problem").Text(" — " + l.Problem) }),
			app.Span().Class("num").Body(components.MoneyText(l.Total)),
		))
	}
	methods := make([]app.UI, 0, len(o.ShippingMethods))
	for _, m := range o.ShippingMethods {
		code := m.Code
		methods = append(methods, app.Label().Class("choice").Body(
			app.Input().Type("radio").Name("checkout-method").ID("checkout-method-"+code).Checked(p.method == code).
				OnChange(func(app.Context, app.Event) { p.method = code }),
			app.Span().Text(" "+m.Label)))
	}
	f := p.problem.Fields
	poLabel := "PO number (optional)"
	if o.PORequired {
		poLabel = "PO number (required for your account)"
	}
	tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	return []app.UI{
		formAlert("checkout-error", p.problem, p.brand.Name),
		app.Form().ID("checkout-form").Class("checkout-form").OnSubmit(p.submit).Body(
			app.FieldSet().ID("checkout-review").Class("card checkout-step").Body(
				app.Legend().Text("1. Your order"),
				app.Ul().Class("checkout-lines").Body(lines...),
				app.P().Class("checkout-subtotal").Body(app.Text("Subtotal "), components.MoneyText(c.Subtotal)),
				app.A().Href(api.PageCart).Text("Change the cart"),
				fieldError("checkout-review", f["checkout-review"]),
			),
			p.addressStep("checkout-billing", "2. Billing address", "bill", o.BillingAddresses, p.billing, func(v string) { p.billing = v }),
			p.addressStep("checkout-ship", "3. Shipping address", "ship", o.ShippingAddresses, p.ship, func(v string) { p.ship = v }),
			app.FieldSet().ID("checkout-method").Class("card checkout-step").Body(append([]app.UI{app.Legend().Text("4. Shipping method")}, methods...)...),
			app.FieldSet().Class("card checkout-step").Body(
				app.Legend().Text("5. Order details"),
				app.Label().For("checkout-po").Text(poLabel),
				withFieldError(app.Input().ID("checkout-po").Type("text").MaxLength(50).Required(o.PORequired), "checkout-po", f["checkout-po"]),
				fieldError("checkout-po", f["checkout-po"]),
				app.Label().For("checkout-promo").Text("Promo code"),
				app.Input().ID("checkout-promo").Type("text").Value(p.promo).OnChange(func(ctx app.Context, _ app.Event) {
					p.promo = strings.TrimSpace(ctx.JSSrc().Get("value").String())
					p.loaded = false
					p.load()
				}),
				fieldError("checkout-promo", f["checkout-promo"]),
				app.Label().For("checkout-date").Text("Requested date (optional)"),
				withFieldError(app.Input().ID("checkout-date").Type("date").Min(tomorrow), "checkout-date", f["checkout-date"]),
				fieldError("checkout-date", f["checkout-date"]),
				app.Label().For("checkout-notes").Text("Notes (optional)"),
				app.Textarea().ID("checkout-notes").MaxLength(1000).Rows(3),
			),
			p.paymentStep(o),
			app.Div().Class("card checkout-step checkout-submit").Body(
				app.P().Class("checkout-total").Body(app.Text("Total "), app.Strong().ID("checkout-total").Body(components.MoneyText(c.Total))),
				app.If(c.Discount.Amount > 0, func() app.UI {
					return app.P().Body(app.Text("Includes a discount of "), components.MoneyText(c.Discount))
				}),
				app.P().Class("cart-note").Text("Freight and tax are confirmed with your order."),
				app.Button().ID("checkout-place").Class("button button--primary").Type("submit").Disabled(p.busy).
					Text(map[bool]string{true: "Placing your order…", false: "Place order"}[p.busy]),
			),
		),
	}
}

// addressStep is a step choosing a saved address or entering a new one.
func (p *checkoutPage) addressStep(id, legend, prefix string, saved []api.Address, chosen string, set func(string)) app.UI {
	f := p.problem.Fields
	opts := []app.UI{app.Legend().Text(legend)}
	for _, a := range saved {
		aid := a.ID
		opts = append(opts, app.Label().Class("choice").Body(
			app.Input().Type("radio").Name(id).ID(id+"-"+aid).Checked(chosen == aid).OnChange(func(app.Context, app.Event) { set(aid) }),
			app.Span().Text(" "+orDefault(a.Label, "")+" "+strings.Join(nonEmpty(a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country), ", "))))
	}
	opts = append(opts, app.Label().Class("choice").Body(
		app.Input().Type("radio").Name(id).ID(id+"-new").Checked(chosen == "new").OnChange(func(app.Context, app.Event) { set("new") }),
		app.Span().Text(" A new address")))
	if chosen == "new" {
		field := func(suffix, label, auto string) app.UI {
			fid := prefix + "-" + suffix
			return app.Div().Class("field").Body(
				app.Label().For(fid).Text(label),
				withFieldError(app.Input().ID(fid).Type("text").Attr("autocomplete", auto), fid, f[fid]),
				fieldError(fid, f[fid]))
		}
		opts = append(opts, field("line1", "Street address", "address-line1"), field("line2", "Address line 2 (optional)", "address-line2"),
			field("city", "City", "address-level2"), field("region", "State or region", "address-level1"),
			field("postal", "Postal code", "postal-code"), field("country", "Country (two letters, e.g. US)", "country"))
	}
	opts = append(opts, fieldError(id, f[id]))
	return app.FieldSet().ID(id).Class("card checkout-step").Body(opts...)
}

// nonEmpty keeps the strings that are not blank.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *checkoutPage) renderConfirmation() app.UI {
	d := p.done
	return app.Div().ID("checkout-confirmation").Class("card checkout-confirmation").Role("status").Body(
		app.H1().Class("page__title").Text("Thank you for your order"),
		app.If(d.CreditWarning != "", func() app.UI {
			return app.P().ID("checkout-credit-warning").Class("card card--alert").Role("alert").Text(d.CreditWarning)
		}),
		app.Dl().Class("confirmation").Body(
			app.Dt().Text("Order number"), app.Dd().ID("confirmation-number").Body(app.A().Href(api.PageOrders+"/"+d.OrderID).Text(d.OrderNumber)),
			app.Dt().Text("Estimated ship date"), app.Dd().ID("confirmation-ship-date").Text(components.FormatDate(d.EstimatedShipDate)),
			app.Dt().Text("Total"), app.Dd().ID("confirmation-total").Body(components.MoneyText(d.Total)),
			app.If(d.PONumber != "", func() app.UI {
				return app.Div().Body(app.Dt().Text("PO number"), app.Dd().ID("confirmation-po").Text(d.PONumber))
			}),
		),
		app.P().Text("We review every order and confirm it with freight and tax."),
		app.If(d.Card != nil, func() app.UI { return p.card.render() }),
		app.A().Class("button").Href(api.PageOrders).Text("Your orders"),
	)
}

// checkoutCard confirms an order's card payment with Stripe.js, as the
// invoices' pay dialog does: the client secret, publishable key and
// connected account come from the checkout's answer.
type checkoutCard struct {
	ui       app.Context
	payment  api.CardPayment
	state    string // loading | ready | confirming | paid | error
	msg      string
	declined string // a saved card's decline, above the card form
	stripe   app.Value
	elements app.Value
}

func (c *checkoutCard) start(ctx app.Context, p api.CardPayment) {
	c.ui, c.payment, c.state = ctx, p, "loading"
	loadStripeJS(ctx, func(ctx app.Context) {
		if !app.Window().Get("Stripe").Truthy() {
			c.state, c.msg = "error", "The card form could not load."
			return
		}
		c.stripe = newStripe(p.PublishableKey, p.StripeAccount)
		c.elements = c.stripe.Call("elements", map[string]any{"clientSecret": p.ClientSecret})
		c.state = "ready"
		ctx.Defer(func(app.Context) { c.elements.Call("create", "payment").Call("mount", "#checkout-card-element") })
	}, func(app.Context) { c.state, c.msg = "error", stripeUnreachable })
}

func (c *checkoutCard) confirm(app.Context, app.Event) {
	if c.state != "ready" {
		return
	}
	c.state = "confirming"
	awaitStripe(c.ui, c.stripe.Call("confirmPayment", map[string]any{"elements": c.elements, "redirect": "if_required"}), func(ctx app.Context, msg string) {
		if msg != "" {
			c.state, c.msg = "ready", msg
			return
		}
		c.state, c.msg = "paid", "Payment received. Thank you."
	})
}

func (c *checkoutCard) render() app.UI {
	return app.Div().ID("checkout-card").Class("card").Body(
		app.H2().Class("card__title").Text(map[bool]string{true: "Paid by card", false: "Pay by card"}[c.state == "paid"]),
		app.P().Body(app.Text("Amount: "), components.MoneyText(c.payment.Amount)),
		app.If(c.declined != "", func() app.UI {
			return app.P().ID("checkout-card-declined").Class("card card--alert").Role("alert").Text(c.declined)
		}),
		app.Div().ID("checkout-card-element"),
		app.If(c.msg != "", func() app.UI { return app.P().ID("checkout-card-message").Role("alert").Text(c.msg) }),
		app.If(c.state == "ready" || c.state == "confirming", func() app.UI {
			return app.Button().ID("checkout-card-pay").Class("button button--primary").Disabled(c.state == "confirming").Text("Pay").OnClick(c.confirm)
		}),
	)
}
