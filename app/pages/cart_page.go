package pages

import (
	"context"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// cartPage is /portal/cart: the signed-in user's cart, priced by the
// server on every change, with a quantity stepper, the unit, required
// dimensions, processing options and notes per line, the promo code, and
// the quick order panel to add many lines at once.
type cartPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	cart    api.Cart
	loaded  bool
	err     error
	msg     string            // the last change's problem, for the alert
	fields  map[string]string // line id → its field problem
	promo   string
	promoOK string // the promo code the cart was last priced with
	// quotesMode: the tenant takes quotes instead of orders, so the cart
	// leads to a quote request rather than to checkout.
	quotesMode bool
	quick      quickOrderPanel
}

func newCartPage() app.Composer { return &cartPage{fields: map[string]string{}} }

// OnInit brands the first client render.
func (p *cartPage) OnInit() { p.initBrand() }

// OnNav loads the cart.
func (p *cartPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Cart", "Your cart")
	p.quick.done = p.setCart
	ctx.ObserveState(state.KeySession, &p.session).OnChange(func() { p.load() })
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *cartPage) load() {
	if u, ok := p.session.User(); !ok || p.session.Status != state.Loaded || !can(u, components.CapabilityCart) || p.loaded {
		return
	}
	promo := p.promo
	var c api.Cart
	var quotesMode bool
	callAPI(p.ui, func(ctx context.Context, cl *apiclient.Client) (err error) {
		t, err := cl.Tenant(ctx)
		if err != nil {
			return err
		}
		quotesMode = t.QuotesMode
		if promo != "" {
			c, err = cl.CartWithPromo(ctx, promo)
		} else {
			c, err = cl.Cart(ctx)
		}
		return
	}, func(err error) {
		p.loaded, p.quotesMode = true, quotesMode
		if err != nil {
			if e, _, ok := apiError(err); ok && hasField(e, "promo_code") {
				p.msg, p.promo = problemText(err), ""
				p.loaded = false
				p.load()
				return
			}
			p.err = err
			return
		}
		p.promoOK = promo
		p.setCart(c)
	})
}

// setCart shows c and updates the header's badge.
func (p *cartPage) setCart(c api.Cart) {
	p.cart, p.err, p.loaded = c, nil, true
	p.ui.SetState(components.KeyCartCount, len(c.Lines))
}

// change sends one change of a line and shows the cart it answers.
func (p *cartPage) change(id string, call func(ctx context.Context, cl *apiclient.Client) (api.Cart, error)) {
	p.msg = ""
	delete(p.fields, id)
	var c api.Cart
	callAPI(p.ui, func(ctx context.Context, cl *apiclient.Client) (err error) { c, err = call(ctx, cl); return }, func(err error) {
		if err != nil {
			p.msg = problemText(err)
			if e, _, ok := apiError(err); ok && len(e.Fields) > 0 {
				p.fields[id] = sentence(e.Fields[0].Message)
			}
			return
		}
		p.setCart(c)
	})
}

func (p *cartPage) setQuantity(l api.CartLine, q string) {
	p.change(l.ID, func(ctx context.Context, cl *apiclient.Client) (api.Cart, error) {
		return cl.UpdateCartLine(ctx, l.ID, api.CartLineUpdate{Quantity: &q})
	})
}

// step adds delta (±1) to the line's quantity, never below 1.
func (p *cartPage) step(l api.CartLine, delta int) app.EventHandler {
	return func(app.Context, app.Event) {
		whole, frac, _ := strings.Cut(l.Quantity, ".")
		n, _ := strconv.Atoi(whole)
		n += delta
		if n < 1 {
			return
		}
		q := strconv.Itoa(n)
		if frac != "" {
			q += "." + frac
		}
		p.setQuantity(l, q)
	}
}

func (p *cartPage) remove(l api.CartLine) app.EventHandler {
	return func(app.Context, app.Event) {
		p.change(l.ID, func(ctx context.Context, cl *apiclient.Client) (api.Cart, error) { return cl.RemoveCartLine(ctx, l.ID) })
	}
}

func (p *cartPage) applyPromo(ctx app.Context, e app.Event) {
	e.PreventDefault()
	p.promo = strings.TrimSpace(app.Window().GetElementByID("cart-promo").Get("value").String())
	p.loaded, p.msg = false, ""
	p.load()
}

// Render implements app.Composer.
func (p *cartPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().Class("page__title").Text("Cart")}
	if gate := accountGate(p.session, components.CapabilityCart); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, p.renderCart()...)
		content = append(content, p.quick.render(p.ui))
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("cart").Body(content...))
}

func (p *cartPage) renderCart() []app.UI {
	switch {
	case p.err != nil:
		return []app.UI{errorPanel(p.err, func(app.Context, app.Event) { p.loaded, p.err = false, nil; p.load() })}
	case !p.loaded:
		return []app.UI{app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading your cart…"))}
	}
	out := []app.UI{app.Div().ID("cart-alert").Class("signin__error").Role("alert").Body(
		app.If(p.msg != "", func() app.UI { return app.P().Text(p.msg) }))}
	if len(p.cart.Lines) == 0 {
		return append(out, app.Div().ID("cart-empty").Class("card card--muted").Body(
			app.P().Text("Your cart is empty."),
			app.P().Body(app.Text("Add products with the quick order below, or from a "), app.A().Href(api.PageLists).Text("purchase list"), app.Text(".")),
		))
	}
	lines := make([]app.UI, 0, len(p.cart.Lines))
	for _, l := range p.cart.Lines {
		lines = append(lines, p.renderLine(l))
	}
	out = append(out, app.Ul().ID("cart-lines").Class("cart-lines").Body(lines...))
	c := p.cart
	out = append(out, app.Div().ID("cart-summary").Class("card cart-summary").Body(
		app.Form().ID("cart-promo-form").Class("cart-promo").OnSubmit(p.applyPromo).Body(
			app.Label().For("cart-promo").Text("Promo code"),
			app.Input().ID("cart-promo").Type("text").Value(p.promo).AutoComplete(false),
			app.Button().ID("cart-promo-apply").Class("button").Type("submit").Text("Apply"),
		),
		app.Dl().Class("cart-totals").Body(
			app.Dt().Text("Subtotal"), app.Dd().ID("cart-subtotal").Body(components.MoneyText(c.Subtotal)),
			app.If(c.Discount.Amount > 0, func() app.UI {
				return app.Div().Body(app.Dt().Text("Discount"), app.Dd().ID("cart-discount").Body(components.MoneyText(c.Discount)))
			}),
			app.Dt().Text("Total"), app.Dd().ID("cart-total").Body(components.MoneyText(c.Total)),
		),
		app.P().Class("cart-note").Text("Freight and tax are confirmed with your order."),
		app.If(p.quotesMode, func() app.UI {
			return app.A().ID("cart-request-quote").Class("button button--primary").
				Href(api.PageQuoteNew + "?" + api.QueryFromCart + "=1").Text("Request a quote")
		}).Else(func() app.UI {
			return app.A().ID("cart-checkout").Class("button button--primary").Href(p.checkoutHref()).Text("Check out")
		}),
		app.Button().ID("cart-save-list").Class("button").Type("button").Text("Save as a purchase list").OnClick(p.saveAsList),
	))
	return out
}

func (p *cartPage) checkoutHref() string {
	if p.promoOK == "" {
		return api.PageCheckout
	}
	return api.PageCheckout + "?" + url.Values{"promo": {p.promoOK}}.Encode()
}

// saveAsList makes a new list of the cart's lines.
func (p *cartPage) saveAsList(ctx app.Context, _ app.Event) {
	name := "Cart of " + components.FormatDate(todayISO())
	var l api.PurchaseList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
		// One request: the list and its lines, or neither.
		l, err = cl.CreatePurchaseList(c, api.PurchaseListCreate{Name: &name, PurchaseListAdd: api.PurchaseListAdd{FromCart: true}})
		return err
	}, func(err error) {
		if err != nil {
			p.msg = problemText(err)
			return
		}
		p.ui.Navigate(api.PageLists + "/" + l.ID)
	})
}

func (p *cartPage) renderLine(l api.CartLine) app.UI {
	id := l.ID
	dims := make([]string, 0, len(l.Dimensions))
	for k := range l.Dimensions {
		dims = append(dims, k)
	}
	sort.Strings(dims)
	var dimInputs []app.UI
	for _, k := range dims {
		name := k
		dimInputs = append(dimInputs, app.Label().Class("cart-line__dim").Body(
			app.Span().Text(name+" "),
			app.Input().Class("cart-line__dim-input").Type("text").Attr("inputmode", "decimal").Value(l.Dimensions[name]).
				OnChange(func(ctx app.Context, _ app.Event) {
					d := map[string]string{}
					for k, v := range l.Dimensions {
						d[k] = v
					}
					d[name] = strings.TrimSpace(ctx.JSSrc().Get("value").String())
					p.change(id, func(c context.Context, cl *apiclient.Client) (api.Cart, error) {
						return cl.UpdateCartLine(c, id, api.CartLineUpdate{Dimensions: d})
					})
				}),
		))
	}
	return app.Li().Class("card cart-line").DataSet("code", l.Code).Body(
		app.Div().Class("cart-line__head").Body(
			app.Strong().Class("cart-line__code").Text(l.Code),
			app.Span().Class("cart-line__name").Text(" "+l.Name),
		),
		app.If(l.Problem != "", func() app.UI { return app.P().Class("cart-line__problem").Role("alert").Text(l.Problem) }),
		app.Div().Class("cart-line__qty").Body(
			app.Button().Class("button stepper stepper--down").Type("button").Aria("label", "One less").Text("−").OnClick(p.step(l, -1)),
			app.Input().Class("cart-line__quantity").Type("text").Attr("inputmode", "decimal").Aria("label", "Quantity of "+l.Code).
				Value(l.Quantity).OnChange(func(ctx app.Context, _ app.Event) {
				p.setQuantity(l, strings.TrimSpace(ctx.JSSrc().Get("value").String()))
			}),
			app.Button().Class("button stepper stepper--up").Type("button").Aria("label", "One more").Text("+").OnClick(p.step(l, 1)),
			app.Span().Class("cart-line__uom").Text(" "+l.UOM),
		),
		app.If(len(dimInputs) > 0, func() app.UI { return app.Div().Class("cart-line__dims").Body(dimInputs...) }),
		app.Label().Class("cart-line__processing").Body(
			app.Span().Text("Processing "),
			app.Input().Type("text").Placeholder("e.g. saw_cut").Value(strings.Join(l.Processing, ", ")).
				OnChange(func(ctx app.Context, _ app.Event) {
					var proc []string
					for _, s := range strings.Split(ctx.JSSrc().Get("value").String(), ",") {
						if s = strings.TrimSpace(s); s != "" {
							proc = append(proc, s)
						}
					}
					if proc == nil {
						proc = []string{}
					}
					p.change(id, func(c context.Context, cl *apiclient.Client) (api.Cart, error) {
						return cl.UpdateCartLine(c, id, api.CartLineUpdate{Processing: proc})
					})
				}),
		),
		app.Label().Class("cart-line__notes").Body(
			app.Span().Text("Notes "),
			app.Input().Type("text").Value(l.Notes).OnChange(func(ctx app.Context, _ app.Event) {
				n := ctx.JSSrc().Get("value").String()
				p.change(id, func(c context.Context, cl *apiclient.Client) (api.Cart, error) {
					return cl.UpdateCartLine(c, id, api.CartLineUpdate{Notes: &n})
				})
			}),
		),
		app.If(p.fields[id] != "", func() app.UI { return app.P().Class("field__error").Text(p.fields[id]) }),
		app.Div().Class("cart-line__foot").Body(
			app.Span().Class("cart-line__price").Body(components.MoneyText(l.UnitPrice), app.Text(" / "+l.UOM)),
			app.Strong().Class("cart-line__total num").Body(components.MoneyText(l.Total)),
			app.Button().Class("button button--link cart-line__remove").Type("button").Text("Remove").OnClick(p.remove(l)),
		),
	)
}
