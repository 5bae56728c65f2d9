package pages

import (
	"context"
	"encoding/json"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// guestCart reads the cart a guest's browser keeps (api.GuestCartStorageKey).
func guestCart() []api.CartItemInput {
	var items []api.CartItemInput
	if !app.IsClient {
		return nil
	}
	if v := app.Window().Get("localStorage").Call("getItem", api.GuestCartStorageKey); v.Truthy() {
		_ = json.Unmarshal([]byte(v.String()), &items)
	}
	return items
}

// setGuestCart keeps the guest's cart in the browser (nil clears it); the
// shop's "Add to cart" for guests calls it.
func setGuestCart(items []api.CartItemInput) {
	if !app.IsClient {
		return
	}
	if len(items) == 0 {
		app.Window().Get("localStorage").Call("removeItem", api.GuestCartStorageKey)
		return
	}
	b, _ := json.Marshal(items)
	app.Window().Get("localStorage").Call("setItem", api.GuestCartStorageKey, string(b))
}

// guestCheckoutPage is /portal/guest-checkout: where the tenant takes guest
// orders, a visitor checks out the cart their browser keeps, entering the
// contact and address each time, and pays by card; the confirmation is
// also e-mailed.
type guestCheckoutPage struct {
	app.Compo

	chrome
	ui      app.Context
	key     string
	state   string // loading | closed | empty | ready | error
	items   []api.CartItemInput
	cart    api.Cart
	method  string
	busy    bool
	problem formProblem
	done    *api.CheckoutConfirmation
	card    checkoutCard
}

func newGuestCheckoutPage() app.Composer {
	return &guestCheckoutPage{state: "loading", method: "standard"}
}

// OnInit brands the first client render.
func (p *guestCheckoutPage) OnInit() { p.initBrand() }

// OnNav checks that the tenant takes guest orders and prices the cart.
func (p *guestCheckoutPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Guest checkout", "Order without an account")
	if !app.IsClient {
		return
	}
	if p.key == "" {
		p.key = newIdempotencyKey()
	}
	p.items = guestCart()
	var t api.Tenant
	var c api.Cart
	items := p.items
	callAPI(ctx, func(c2 context.Context, cl *apiclient.Client) (err error) {
		if t, err = cl.Tenant(c2); err != nil || !t.GuestCheckout || len(items) == 0 {
			return err
		}
		c, err = cl.PriceGuestCart(c2, api.GuestCartPrice{Items: items})
		return err
	}, func(err error) {
		switch {
		case err != nil:
			p.state, p.problem = "error", formProblem{Message: problemText(err)}
		case !t.GuestCheckout:
			p.state = "closed"
		case len(items) == 0:
			p.state = "empty"
		default:
			p.state, p.cart = "ready", c
		}
	})
}

var guestFieldIDs = map[string]string{
	"contact.name": "guest-name", "contact.email": "guest-email", "contact.phone": "guest-phone",
	"shipping_address": "ship-line1", "shipping_address.line1": "ship-line1", "shipping_address.city": "ship-city",
	"shipping_address.country": "ship-country", "po_number": "checkout-po",
}

func (p *guestCheckoutPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy || p.done != nil {
		return
	}
	in := api.GuestCheckoutRequest{IdempotencyKey: p.key, Items: p.items, ShippingMethod: p.method,
		Contact:         api.GuestContact{Name: inputValue("guest-name"), Email: inputValue("guest-email"), Phone: inputValue("guest-phone"), CompanyName: inputValue("guest-company")},
		ShippingAddress: addressFrom("ship"), PONumber: inputValue("checkout-po"), Notes: inputValue("checkout-notes")}
	p.busy, p.problem = true, formProblem{}
	var out api.CheckoutConfirmation
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { out, err = cl.GuestCheckout(c, in); return }, func(err error) {
		p.busy = false
		if err != nil {
			e, prob, answered := apiError(err)
			if answered {
				prob = formProblem{Message: orDefault(e.Detail, "The order could not be placed."), Fields: fieldMessages(e.Fields, guestFieldIDs)}
			}
			p.problem = prob
			return
		}
		p.done = &out
		setGuestCart(nil)
		if out.Card != nil {
			p.card.start(p.ui, *out.Card)
		}
	})
}

// Render implements app.Composer.
func (p *guestCheckoutPage) Render() app.UI {
	content := []app.UI{app.H1().Class("page__title").Text("Guest checkout")}
	switch {
	case p.done != nil:
		d := p.done
		content = append(content, app.Div().ID("checkout-confirmation").Class("card checkout-confirmation").Role("status").Body(
			app.H2().Class("card__title").Text("Thank you for your order"),
			app.Dl().Class("confirmation").Body(
				app.Dt().Text("Order number"), app.Dd().ID("confirmation-number").Text(d.OrderNumber),
				app.Dt().Text("Estimated ship date"), app.Dd().ID("confirmation-ship-date").Text(components.FormatDate(d.EstimatedShipDate)),
				app.Dt().Text("Total"), app.Dd().ID("confirmation-total").Body(components.MoneyText(d.Total)),
			),
			app.P().Text("We have e-mailed you this confirmation."),
			app.If(d.Card != nil, func() app.UI { return p.card.render() }),
		))
	case p.state == "loading":
		content = append(content, app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading…")))
	case p.state == "closed":
		content = append(content, app.Div().ID("guest-closed").Class("card card--muted").Body(
			app.P().Text("This portal takes orders from signed-in customers only."),
			app.A().Class("button button--primary").Href(components.PathLogin).Text("Sign in")))
	case p.state == "empty":
		content = append(content, app.Div().ID("checkout-empty").Class("card card--muted").Body(app.P().Text("Your cart is empty.")))
	case p.state == "error":
		content = append(content, formAlert("checkout-error", p.problem, p.brand.Name))
	default:
		content = append(content, p.renderForm()...)
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).Content(app.Section().Class("checkout").Body(content...))
}

// estimate prices the guest's cart again with freight and tax estimated
// for the method and the country and region entered.
func (p *guestCheckoutPage) estimate() {
	in := api.GuestCartPrice{Items: p.items, ShippingMethod: p.method, ShipCountry: inputValue("ship-country"), ShipRegion: inputValue("ship-region")}
	if len(in.ShipCountry) != 2 {
		in.ShippingMethod, in.ShipCountry, in.ShipRegion = "", "", "" // not until the country is entered
	}
	var c api.Cart
	callAPI(p.ui, func(ctx context.Context, cl *apiclient.Client) (err error) {
		c, err = cl.PriceGuestCart(ctx, in)
		return
	}, func(err error) {
		if err == nil {
			p.cart = c
		}
	})
}

func (p *guestCheckoutPage) renderForm() []app.UI {
	f := p.problem.Fields
	lines := make([]app.UI, 0, len(p.cart.Lines))
	for _, l := range p.cart.Lines {
		lines = append(lines, app.Li().Class("checkout-line").Body(app.Span().Text(l.Quantity+" "+l.UOM+" × "+l.Code+" "+l.Name),
			app.Span().Class("num").Body(components.MoneyText(l.Total))))
	}
	text := func(id, label, typ, auto string) app.UI {
		return app.Div().Class("field").Body(app.Label().For(id).Text(label),
			withFieldError(app.Input().ID(id).Type(typ).Attr("autocomplete", auto).OnChange(func(app.Context, app.Event) {
				if id == "ship-country" || id == "ship-region" {
					p.estimate()
				}
			}), id, f[id]), fieldError(id, f[id]))
	}
	methods := []app.UI{app.Legend().Text("Shipping method")}
	for _, m := range []string{"standard", "express", "pickup"} {
		code := m
		methods = append(methods, app.Label().Class("choice").Body(
			app.Input().Type("radio").Name("guest-method").ID("checkout-method-"+code).Checked(p.method == code).
				OnChange(func(app.Context, app.Event) { p.method = code; p.estimate() }),
			app.Span().Text(" "+map[string]string{"standard": "Standard delivery", "express": "Express delivery", "pickup": "Customer pickup"}[code])))
	}
	return []app.UI{
		formAlert("checkout-error", p.problem, p.brand.Name),
		app.Form().ID("checkout-form").Class("checkout-form").OnSubmit(p.submit).Body(
			app.FieldSet().Class("card checkout-step").Body(app.Legend().Text("Your order"), app.Ul().Class("checkout-lines").Body(lines...),
				app.P().Body(app.Text("Subtotal "), components.MoneyText(p.cart.Subtotal))),
			app.FieldSet().Class("card checkout-step").Body(app.Legend().Text("Contact"),
				text("guest-name", "Name", "text", "name"), text("guest-email", "E-mail (for the confirmation)", "email", "email"),
				text("guest-phone", "Phone (optional)", "tel", "tel"), text("guest-company", "Company (optional)", "text", "organization")),
			app.FieldSet().Class("card checkout-step").Body(app.Legend().Text("Shipping address"),
				text("ship-line1", "Street address", "text", "address-line1"), text("ship-line2", "Address line 2 (optional)", "text", "address-line2"),
				text("ship-city", "City", "text", "address-level2"), text("ship-region", "State or region", "text", "address-level1"),
				text("ship-postal", "Postal code", "text", "postal-code"), text("ship-country", "Country (two letters, e.g. US)", "text", "country")),
			app.FieldSet().Class("card checkout-step").Body(methods...),
			app.FieldSet().Class("card checkout-step").Body(app.Legend().Text("Details"),
				text("checkout-po", "PO number (optional)", "text", "off"),
				app.Label().For("checkout-notes").Text("Notes (optional)"), app.Textarea().ID("checkout-notes").MaxLength(1000).Rows(3)),
			app.Div().Class("card checkout-step checkout-submit").Body(
				app.Dl().Class("cart-totals").Body(
					app.Dt().Text("Subtotal"), app.Dd().ID("checkout-summary-subtotal").Body(components.MoneyText(p.cart.Subtotal)),
					estimateRows("checkout", p.cart.Freight, p.cart.Tax, p.cart.Estimate),
				),
				app.P().Class("checkout-total").Body(app.Text("Total "), app.Strong().ID("checkout-total").Body(components.MoneyText(p.cart.Total))),
				app.P().Class("cart-note").Text("You pay by card after placing the order. Estimated freight and tax are confirmed by e-mail."),
				app.Button().ID("checkout-place").Class("button button--primary").Type("submit").Disabled(p.busy).Text("Place order")),
		),
	}
}
