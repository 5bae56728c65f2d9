package pages

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// shopProductPathPattern routes /portal/shop/{id}.
const shopProductPathPattern = "^" + api.PageShop + "/[A-Za-z0-9_-]+$"

// shopProductPage is a product's page (spec 002 "Product Configuration":
// options, custom dimensions, real-time pricing): pictures, specs,
// availability by location and lead time, a quantity stepper in the
// product's unit, the required dimensions and processing options, the
// live price from the customer's price steps (quantity breaks shown, the
// current one marked), related products and "Add to cart".
type shopProductPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	id       string
	loadedID string
	product  api.ShopProductDetail
	err      error
	loaded   bool

	rate       bool // ?rate=1: bring the review form into view
	image      int
	quantity   string
	dimensions map[string]string
	processing []string

	adding    bool
	addErr    error
	addStatus string
	// guestAdded: a visitor who is not signed in added the line to the
	// cart their browser keeps, for the guest checkout.
	guestAdded bool
}

func newShopProductPage() app.Composer { return &shopProductPage{} }

// OnInit brands the first client render.
func (p *shopProductPage) OnInit() { p.initBrand() }

// OnNav reads the product id from the path and loads it.
func (p *shopProductPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.id = strings.TrimPrefix(ctx.Page().URL().Path, api.PageShop+"/")
	p.rate = ctx.Page().URL().Query().Get("rate") == "1"
	p.setHead(ctx, "Product", "A product's specifications, availability and your price")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *shopProductPage) load() {
	if p.session.Status != state.Loaded || p.id == p.loadedID {
		return
	}
	id := p.id
	p.loadedID, p.loaded, p.err = id, false, nil
	p.quantity, p.dimensions, p.processing, p.image, p.addErr, p.addStatus = "1", map[string]string{}, nil, 0, nil, ""
	var d api.ShopProductDetail
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { d, err = cl.ShopProduct(c, id); return }, func(err error) {
		if id != p.loadedID {
			return
		}
		p.product, p.err, p.loaded = d, err, true
		if err == nil {
			p.ui.Page().SetTitle("%s", pageTitle(d.Name, p.brand))
		}
	})
}

// quantityMilli is the entered quantity, ok false when it is not one.
func (p *shopProductPage) quantityMilli() (int64, bool) { return api.ParseQuantityMilli(p.quantity) }

// step moves the quantity by one unit, never below one.
func (p *shopProductPage) step(by int64) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		q, ok := p.quantityMilli()
		if !ok {
			q = 1000
		}
		q = max(1000, (q/1000+by)*1000)
		p.quantity = api.FormatQuantityMilli(q)
		p.addStatus = ""
	}
}

func (p *shopProductPage) onDimension(name string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		p.dimensions[name] = ctx.JSSrc().Get("value").String()
		p.addStatus = ""
	}
}

func (p *shopProductPage) onProcessing(code string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		p.processing = slices.DeleteFunc(p.processing, func(c string) bool { return c == code })
		if ctx.JSSrc().Get("checked").Bool() {
			p.processing = append(p.processing, code)
		}
		p.addStatus = ""
	}
}

// line is the configured line: quantity, dimensions and processing.
func (p *shopProductPage) line() api.CartItemInput {
	in := api.CartItemInput{ProductID: p.product.ID, Quantity: strings.TrimSpace(p.quantity), UOM: p.product.PricingUOM,
		Processing: slices.Clone(p.processing)}
	if len(p.product.RequiredDimensions) > 0 {
		in.Dimensions = map[string]string{}
		for _, d := range p.product.RequiredDimensions {
			in.Dimensions[d.Name] = strings.TrimSpace(p.dimensions[d.Name])
		}
	}
	return in
}

// onAdd adds the configured line to the cart (POST /api/v1/cart/items).
func (p *shopProductPage) onAdd(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.adding {
		return
	}
	in := p.line()
	if _, ok := p.session.User(); !ok {
		// A guest: the browser keeps the cart (the guest checkout prices
		// it on the server and says whether the tenant takes guest orders).
		items := append(guestCart(), in)
		setGuestCart(items)
		p.addErr, p.guestAdded = nil, true
		p.addStatus = "Added to your cart (" + strconv.Itoa(len(items)) + " lines)."
		return
	}
	p.adding, p.addErr, p.addStatus = true, nil, ""
	var cart api.Cart
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
		cart, err = cl.AddCartItems(c, api.CartItemsAdd{Items: []api.CartItemInput{in}})
		return
	}, func(err error) {
		p.adding, p.addErr = false, err
		if err == nil {
			p.addStatus = "Added to your cart (" + strconv.Itoa(cart.ItemCount) + " items)."
		}
	})
}

// Render implements app.Composer.
func (p *shopProductPage) Render() app.UI {
	name := "Product"
	if p.loaded && p.err == nil {
		name = p.product.Name
	}
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.Nav().Class("breadcrumbs").Aria("label", "Breadcrumbs").Body(
		app.A().Href(api.PageShop).Text("Shop"),
		app.Span().Aria("hidden", "true").Text(" / "),
		app.Span().Aria("current", "page").Text(name),
	)}
	switch {
	case p.session.Status != state.Loaded:
		content = append(content, accountGate(p.session, ""))
	case signInNeeded(p.err):
		content = append(content, app.Div().ID("shop-signin").Class("card card--cta").Body(
			app.H2().Class("card__title").Text("Sign in to shop"),
			app.A().Class("button button--primary").Href(components.PathLogin).Text("Sign in")))
	case p.err != nil:
		content = append(content, app.Div().ID("product-error").Class("card card--alert").Role("alert").Body(
			app.H2().Class("card__title").Text("We could not show this product"), app.P().Text(problemText(p.err))))
	case !p.loaded:
		content = append(content, app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading the product…")))
	default:
		content = append(content, p.renderProduct()...)
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("shop shop-product").Body(content...))
}

func (p *shopProductPage) renderProduct() []app.UI {
	d := p.product
	return []app.UI{
		app.Div().Class("shop-product__top").Body(
			p.renderGallery(),
			app.Div().Class("shop-product__head").Body(
				app.H1().ID("product-name").Class("welcome__title").Text(d.Name),
				app.P().Class("card__note").Text(d.Code),
				availabilityChip(d.ShopProduct),
				app.Dl().Class("facts").Body(
					fact("Form", d.Form), fact("Grade", d.Grade), fact("Dimensions", d.Dimensions),
					fact("Sold per", d.PricingUOM), fact("Stocked per", d.StockUOM),
					fact("Lead time", leadTimeText(d.LeadTimeDays)),
				),
				app.If(d.Description != "", func() app.UI { return app.P().Class("shop-product__description").Text(d.Description) }),
			),
		),
		p.renderConfigure(),
		// Add to list (issue 8): the product as configured above.
		app.If(sessionCan(p.session, capabilityListsManage), func() app.UI { return NewAddToList().ID("product").Items(p.line()) }),
		p.renderLocations(),
		app.If(len(d.Related) > 0, func() app.UI {
			cards := make([]app.UI, 0, len(d.Related))
			for _, r := range d.Related {
				cards = append(cards, productCard(r))
			}
			return app.Div().ID("product-related").Body(app.H2().Class("card__title").Text("Related products"),
				app.Ul().Class("shop__grid").Body(cards...))
		}),
		// Customers' reviews (signed in only: reviews are the account users').
		// ?rate=1 (an order's "Rate product") brings the form into view.
		app.If(signedIn(p.session), func() app.UI {
			return NewProductReviews().ProductID(d.ID).Rate(p.rate)
		}),
	}
}

// signedIn says whether s is a signed-in user's session.
func signedIn(s state.Session) bool {
	_, ok := s.User()
	return ok
}

func leadTimeText(days int) string {
	switch days {
	case 0:
		return ""
	case 1:
		return "1 day"
	}
	return strconv.Itoa(days) + " days"
}

func (p *shopProductPage) renderGallery() app.UI {
	imgs := p.product.Images
	if len(imgs) == 0 {
		return app.Div().Class("shop-product__gallery").Body(app.Span().Class("shop__image-none").Text(p.product.Form))
	}
	cur := imgs[min(p.image, len(imgs)-1)]
	thumbs := make([]app.UI, 0, len(imgs))
	for i, im := range imgs {
		i := i
		thumbs = append(thumbs, app.Button().Type("button").Class("shop-product__thumb").Aria("label", "Picture "+strconv.Itoa(i+1)).
			Aria("pressed", boolText(i == p.image)).OnClick(func(app.Context, app.Event) { p.image = i }).Body(app.Img().Src(im.URL).Alt("")))
	}
	return app.Div().ID("product-gallery").Class("shop-product__gallery").Body(
		app.Img().ID("product-image").Class("shop-product__image").Src(cur.URL).Alt(orDefault(cur.Alt, p.product.Name)),
		app.If(len(imgs) > 1, func() app.UI { return app.Div().Class("shop-product__thumbs").Body(thumbs...) }),
	)
}

// renderConfigure is the price and order panel: live price, breaks,
// quantity stepper, dimensions, processing and "Add to cart".
func (p *shopProductPage) renderConfigure() app.UI {
	d := p.product
	qty, qtyOK := p.quantityMilli()
	price, priced := api.UnitPriceAt(d.PriceSteps, qty)
	var processing int64
	for _, o := range d.ProcessingOptions {
		if slices.Contains(p.processing, o.Code) {
			processing += o.Charge.Amount
		}
	}
	var fields []api.FieldError
	if e, ok := p.addErr.(*apiclient.Error); ok {
		fields = e.Fields
	}
	fieldShown := slices.ContainsFunc(fields, func(f api.FieldError) bool {
		return f.Field == "items[0].quantity" || strings.HasPrefix(f.Field, "items[0].dimensions.")
	})
	msg := func(suffix string) string {
		for _, f := range fields {
			if f.Field == "items[0]."+suffix {
				return f.Message
			}
		}
		return ""
	}
	live := []app.UI{}
	if d.PriceSteps == nil {
		live = append(live, app.P().ID("product-price-hidden").Class("shop__price shop__price--hidden").Body(
			app.A().Href(components.PathLogin).Text("Sign in"), app.Text(" to see prices.")))
	} else if priced {
		total := api.Money{Currency: price.UnitPrice.Currency}
		if qtyOK {
			total.Amount = api.LineTotal(price.UnitPrice.Amount, qty) + processing
		}
		live = append(live,
			priceText("product-unit-price", &price, d.ListPrice, d.PricingUOM),
			app.P().Class("shop-product__total").Aria("live", "polite").Body(
				app.Text("Total "), app.Strong().ID("product-line-total").Text(components.FormatMoney(total)),
				app.If(processing > 0, func() app.UI {
					return app.Span().Class("card__note").Text(" incl. processing " + components.FormatMoney(api.Money{Amount: processing, Currency: total.Currency}))
				}),
			),
			p.renderBreaks(qty),
		)
	}
	dims := make([]app.UI, 0, len(d.RequiredDimensions))
	for _, dm := range d.RequiredDimensions {
		id := "product-dim-" + dm.Name
		m := msg("dimensions." + dm.Name)
		dims = append(dims, app.Div().Class("field").Body(
			app.Label().Class("field__label").For(id).Text(dm.Label+" ("+dm.Unit+", "+dm.Min+"–"+dm.Max+")"),
			withFieldError(app.Input().ID(id).Class("field__input").Type("text").Attr("inputmode", "decimal").Required(true).
				Value(p.dimensions[dm.Name]).OnInput(p.onDimension(dm.Name)), id, m),
			fieldError(id, m),
		))
	}
	opts := make([]app.UI, 0, len(d.ProcessingOptions))
	for _, o := range d.ProcessingOptions {
		id := "product-proc-" + o.Code
		label := o.Name
		if o.Charge.Amount > 0 {
			label += " (+" + components.FormatMoney(o.Charge) + ")"
		}
		opts = append(opts, app.Label().Class("filter-chip").For(id).Body(
			app.Input().ID(id).Type("checkbox").Checked(slices.Contains(p.processing, o.Code)).OnChange(p.onProcessing(o.Code)),
			app.Text(label)))
	}
	qm := msg("quantity")
	return app.Form().ID("product-configure").Class("card card--wide shop-product__buy").OnSubmit(p.onAdd).Body(
		app.Div().Class("shop-product__live").Body(live...),
		app.Div().Class("field").Body(
			app.Label().Class("field__label").For("product-qty").Text("Quantity ("+d.PricingUOM+")"),
			app.Div().Class("stepper").Body(
				app.Button().ID("product-qty-minus").Class("button stepper__button").Type("button").Aria("label", "One less").OnClick(p.step(-1)).Text("−"),
				withFieldError(app.Input().ID("product-qty").Class("field__input stepper__input").Type("text").Attr("inputmode", "decimal").
					Value(p.quantity).OnInput(p.ValueTo(&p.quantity)), "product-qty", qm),
				app.Span().Class("stepper__unit").Text(d.PricingUOM),
				app.Button().ID("product-qty-plus").Class("button stepper__button").Type("button").Aria("label", "One more").OnClick(p.step(1)).Text("+"),
			),
			fieldError("product-qty", orDefault(qm, map[bool]string{true: "", false: "Give a quantity greater than 0, with at most 3 decimals."}[qtyOK])),
		),
		app.If(len(dims) > 0, func() app.UI {
			return app.FieldSet().ID("product-dimensions").Class("filters__statuses").Body(
				append([]app.UI{app.Legend().Class("field__label").Text("Dimensions")}, dims...)...)
		}),
		app.If(len(opts) > 0, func() app.UI {
			return app.FieldSet().ID("product-processing").Class("filters__statuses").Body(
				app.Legend().Class("field__label").Text("Processing"), app.Div().Class("filters__chips").Body(opts...))
		}),
		app.If(p.addErr != nil && !fieldShown, func() app.UI { return alertLine("product-add-error", problemText(p.addErr)) }),
		statusLine("product-add-status", p.addStatus),
		app.If(p.guestAdded, func() app.UI {
			return app.A().ID("product-guest-checkout").Class("button").Href(api.PageGuestCheckout).Text("Check out as a guest")
		}),
		app.Button().ID("product-add").Class("button button--primary").Type("submit").Disabled(p.adding || !qtyOK).Text("Add to cart"),
	)
}

// renderBreaks lists the quantity breaks, marking the one that prices the
// current quantity.
func (p *shopProductPage) renderBreaks(qty int64) app.UI {
	steps := p.product.PriceSteps
	if len(steps) < 2 {
		return nil
	}
	cur := 0
	for i, s := range steps {
		if m, ok := api.ParseQuantityMilli(s.MinQuantity); s.MinQuantity == "0" || (ok && m <= qty) {
			cur = i
		}
	}
	rows := make([]app.UI, 0, len(steps))
	for i, s := range steps {
		from := s.MinQuantity
		if from == "0" {
			from = "1"
		}
		label := from + "+ " + p.product.PricingUOM
		tr := app.Tr().ID("product-break-"+strconv.Itoa(i)).Body(
			app.Td().DataSet("label", "Quantity").Text(label),
			app.Td().DataSet("label", "Unit price").Class("num").Text(components.FormatMoney(s.UnitPrice)),
			app.Td().DataSet("label", "Price").Text(orDefault(priceSourceLabels[s.Source], "List price")),
		)
		if i == cur {
			tr = tr.Class("shop-product__break--current").Aria("current", "true")
		}
		rows = append(rows, tr)
	}
	return app.Div().Class("table-wrap").Body(app.Table().ID("product-breaks").Class("table shop-product__breaks").Body(
		app.Caption().Class("field__label").Text("Quantity pricing"),
		app.THead().Body(app.Tr().Body(app.Th().Text("Quantity"), app.Th().Class("num").Text("Unit price"), app.Th().Text("Price"))),
		app.TBody().Body(rows...),
	))
}

func (p *shopProductPage) renderLocations() app.UI {
	d := p.product
	if len(d.Locations) == 0 {
		return app.Div().ID("product-locations").Class("card card--wide").Body(
			app.H2().Class("card__title").Text("Availability"),
			app.P().Text(orDefault(map[bool]string{true: "Ships in " + leadTimeText(d.LeadTimeDays) + ".", false: "Ask us about availability."}[d.LeadTimeDays > 0], "")))
	}
	rows := make([]app.UI, 0, len(d.Locations))
	for _, l := range d.Locations {
		rows = append(rows, app.Tr().Body(
			app.Td().DataSet("label", "Location").Text(l.Name),
			app.Td().DataSet("label", "Available").Class("num").Text(l.QuantityAvailable+" "+d.StockUOM),
		))
	}
	return app.Div().ID("product-locations").Class("card card--wide").Body(
		app.H2().Class("card__title").Text("Availability by location"),
		app.Div().Class("table-wrap").Body(app.Table().Class("table").Body(
			app.THead().Body(app.Tr().Body(app.Th().Text("Location"), app.Th().Class("num").Text("Available"))),
			app.TBody().Body(rows...))),
		app.If(d.LeadTimeDays > 0, func() app.UI {
			return app.P().Class("card__note").Text("Out of stock items ship in " + leadTimeText(d.LeadTimeDays) + ".")
		}),
	)
}
