package pages

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// shopFilter is the shop's search as the URL keeps it (?q=&category=
// &form=&grade=&in_stock=1&page=), so back and forward and shared links
// show the same results.
type shopFilter struct {
	Q, Category, Form, Grade string
	InStock                  bool
	Page                     int
}

func parseShopFilter(q url.Values) shopFilter {
	f := shopFilter{Q: q.Get("q"), Category: q.Get("category"), Form: q.Get("form"), Grade: q.Get("grade"), InStock: q.Get("in_stock") == "1"}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	return f
}

func (f shopFilter) href() string {
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Q, "category": f.Category, "form": f.Form, "grade": f.Grade} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.InStock {
		q.Set("in_stock", "1")
	}
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	if len(q) == 0 {
		return api.PageShop
	}
	return api.PageShop + "?" + q.Encode()
}

func (f shopFilter) apiQuery() url.Values {
	q := url.Values{"page_size": {"24"}}
	for k, v := range map[string]string{"search": f.Q, "category_id": f.Category, "form": f.Form, "grade": f.Grade} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.InStock {
		q.Set("in_stock", "true")
	}
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	return q
}

// shopPage is /portal/shop (spec 001 Shop): browse by category, search by
// name, grade and dimensions, filter by form, grade and stock, and result
// cards with the customer's price and availability. Guests of a tenant
// that lets them browse see it too (the API decides; a 401 asks them to
// sign in).
type shopPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	filter    shopFilter
	search    string
	facets    api.ShopFacets
	facetsErr error
	facetsKey bool
	loadedKey string
	list      api.ShopProductList
	err       error
	loaded    bool
}

func newShopPage() app.Composer { return &shopPage{} }

// OnInit brands the first client render.
func (p *shopPage) OnInit() { p.initBrand() }

// OnNav reads the search from the URL and loads its results.
func (p *shopPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Shop", "Browse and order products")
	p.filter = parseShopFilter(ctx.Page().URL().Query())
	p.search = p.filter.Q
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
		search := p.search
		ctx.Defer(func(app.Context) {
			if el := app.Window().GetElementByID("shop-q"); el.Truthy() && el.Get("value").String() != search {
				el.Set("value", search)
			}
		})
	}
}

func (p *shopPage) load() {
	if p.session.Status != state.Loaded {
		return
	}
	if !p.facetsKey {
		p.facetsKey = true
		var f api.ShopFacets
		callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { f, err = cl.ShopFacets(c); return }, func(err error) {
			p.facets, p.facetsErr = f, err
		})
	}
	q := p.filter.apiQuery()
	key := q.Encode()
	if key == p.loadedKey {
		return
	}
	p.loadedKey, p.loaded, p.err = key, false, nil
	var l api.ShopProductList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.ShopProducts(c, q); return }, func(err error) {
		if key == p.loadedKey {
			p.list, p.err, p.loaded = l, err, true
		}
	})
}

func (p *shopPage) onSearch(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f := p.filter
	f.Q, f.Page = strings.TrimSpace(p.search), 0
	ctx.Navigate(f.href())
}

func (p *shopPage) onSelect(which string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		f := p.filter
		v := ctx.JSSrc().Get("value").String()
		switch which {
		case "form":
			f.Form = v
		case "grade":
			f.Grade = v
		case "in_stock":
			f.InStock = ctx.JSSrc().Get("checked").Bool()
		}
		f.Page = 0
		ctx.Navigate(f.href())
	}
}

// signInNeeded reports whether err is the API asking for a sign-in.
func signInNeeded(err error) bool {
	var e *apiclient.Error
	return errors.As(err, &e) && e.Code == api.CodeUnauthorized
}

// Render implements app.Composer.
func (p *shopPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().Class("welcome__title").Text("Shop")}
	switch {
	case p.session.Status != state.Loaded:
		content = append(content, accountGate(p.session, ""))
	case signInNeeded(p.err) || signInNeeded(p.facetsErr):
		content = append(content, app.Div().ID("shop-signin").Class("card card--cta").Body(
			app.H2().Class("card__title").Text("Sign in to shop"),
			app.P().Text("Sign in to see the catalog and your prices."),
			app.A().Class("button button--primary").Href(components.PathLogin).Text("Sign in"),
		))
	default:
		if p.facets.Guest && !p.facets.PricesVisible && p.facetsErr == nil {
			content = append(content, app.P().ID("shop-prices-hidden").Class("card__note").Body(
				app.Text("Prices show once you "), app.A().Href(components.PathLogin).Text("sign in"), app.Text(".")))
		}
		content = append(content, p.renderCategories(), p.renderFilters(), p.renderResults())
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("shop").Body(content...))
}

// renderCategories are the browse chips: top categories, and the children
// of the chosen one.
func (p *shopPage) renderCategories() app.UI {
	cats := p.facets.Categories
	if len(cats) == 0 {
		return nil
	}
	parentOf := map[string]string{}
	for _, c := range cats {
		parentOf[c.ID] = c.ParentID
	}
	chip := func(id, label string, current bool) app.UI {
		f := p.filter
		f.Category, f.Page = id, 0
		a := app.A().Class("filter-chip shop__category").Href(f.href()).Text(label)
		if id != "" {
			a = a.ID("shop-category-" + id)
		} else {
			a = a.ID("shop-category-all")
		}
		if current {
			a = a.Aria("current", "true").Class("filter-chip shop__category shop__category--current")
		}
		return a
	}
	chips := []app.UI{chip("", "All products", p.filter.Category == "")}
	for _, c := range cats {
		// Top categories, the chosen one's children and its parent's.
		if c.ParentID == "" || c.ParentID == p.filter.Category || c.ParentID == parentOf[p.filter.Category] {
			chips = append(chips, chip(c.ID, c.Name, c.ID == p.filter.Category))
		}
	}
	return app.Nav().ID("shop-categories").Class("filters__chips shop__categories").Aria("label", "Categories").Body(chips...)
}

func (p *shopPage) renderFilters() app.UI {
	options := func(all string, values []string, current string) []app.UI {
		out := []app.UI{app.Option().Value("").Selected(current == "").Text(all)}
		for _, v := range values {
			out = append(out, app.Option().Value(v).Selected(v == current).Text(v))
		}
		return out
	}
	return app.Div().Class("card card--wide filters").Body(
		app.Form().ID("shop-search").Class("filters__search").Role("search").OnSubmit(p.onSearch).Body(
			app.Label().Class("visually-hidden").For("shop-q").Text("Search products"),
			app.Input().ID("shop-q").Type("search").Class("field__input").Placeholder("Search products by name, grade, dimensions...").
				Value(p.search).OnInput(p.ValueTo(&p.search)),
			app.Button().ID("shop-search-submit").Class("button button--primary").Type("submit").Text("Search"),
		),
		app.Div().Class("filters__row").Body(
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For("shop-form").Text("Form"),
				app.Select().ID("shop-form").Class("field__input").OnChange(p.onSelect("form")).Body(options("Any form", p.facets.Forms, p.filter.Form)...),
			),
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For("shop-grade").Text("Grade"),
				app.Select().ID("shop-grade").Class("field__input").OnChange(p.onSelect("grade")).Body(options("Any grade", p.facets.Grades, p.filter.Grade)...),
			),
			app.Label().Class("filter-chip shop__stock").For("shop-in-stock").Body(
				app.Input().ID("shop-in-stock").Type("checkbox").Checked(p.filter.InStock).OnChange(p.onSelect("in_stock")),
				app.Text("In stock only"),
			),
		),
		app.If(p.filter != (shopFilter{}), func() app.UI {
			return app.A().ID("shop-clear").Class("button button--text").Href(api.PageShop).Text("Clear filters")
		}),
	)
}

func (p *shopPage) renderResults() app.UI {
	switch {
	case p.err != nil:
		return app.Div().ID("shop-error").Class("card card--alert").Role("alert").Body(
			app.H2().Class("card__title").Text("We could not load the products"), app.P().Text(problemText(p.err)))
	case !p.loaded:
		return app.Div().Class("card card--muted").Aria("live", "polite").Body(app.P().Class("card__status").Text("Loading products…"))
	case len(p.list.Products) == 0:
		return app.Div().ID("shop-empty").Class("card card--wide").Aria("live", "polite").Body(emptyState("search", "No products match"),
			app.P().Text("Try fewer words, or clear the filters."))
	}
	cards := make([]app.UI, 0, len(p.list.Products))
	for _, pr := range p.list.Products {
		cards = append(cards, productCard(pr))
	}
	l := p.list
	return app.Div().Body(
		app.P().ID("shop-count").Class("card__note").Aria("live", "polite").Text(strconv.Itoa(l.Total)+" products"),
		app.Ul().ID("shop-results").Class("shop__grid").Body(cards...),
		pager(l.Page, l.TotalPages, func(page int) string { f := p.filter; f.Page = page; return f.href() }),
	)
}

// availabilityLabels name the availability levels.
var availabilityLabels = map[string]string{"in_stock": "In stock", "low_stock": "Low stock", "out_of_stock": "Out of stock"}

// availabilityChip shows a product's availability; out of stock names the
// lead time.
func availabilityChip(pr api.ShopProduct) app.UI {
	label := availabilityLabels[pr.Availability]
	if pr.Availability == "out_of_stock" && pr.LeadTimeDays > 0 {
		label += " · ships in " + strconv.Itoa(pr.LeadTimeDays) + " days"
	}
	return app.Span().Class("chip shop__availability shop__availability--" + pr.Availability).Text(label)
}

// priceSourceLabels explain a price that is not the list price.
var priceSourceLabels = map[string]string{api.PriceSourceContract: "Your contract price", api.PriceSourceBreak: "Volume price",
	api.PriceSourcePromotion: "Promotion"}

// priceText is a price with its unit and, when it is not the list
// price, where it came from.
func priceText(id string, price *api.ShopPrice, list *api.Money, uom string) app.UI {
	if price == nil {
		return app.P().Class("shop__price shop__price--hidden").Text("Sign in for prices")
	}
	note := priceSourceLabels[price.Source]
	if price.Source == api.PriceSourcePromotion && price.Promotion != "" {
		note = price.Promotion
	}
	return app.P().ID(id).Class("shop__price").DataSet("source", price.Source).Body(
		app.Strong().Text(components.FormatMoney(price.UnitPrice)), app.Text(" / "+uom),
		app.If(list != nil && list.Amount != price.UnitPrice.Amount, func() app.UI {
			return app.Del().Class("shop__list-price").Text(components.FormatMoney(*list))
		}),
		app.If(note != "", func() app.UI { return app.Span().Class("shop__price-source").Text(note) }),
	)
}

// productCard is one result: picture, name, specs, price, availability.
func productCard(pr api.ShopProduct) app.UI {
	href := api.PageShop + "/" + pr.ID
	specs := strings.Join(nonEmpty(pr.Grade, pr.Dimensions), " · ")
	return app.Li().ID("shop-card-"+pr.ID).Class("card shop__card").Body(
		app.A().Class("shop__image").Href(href).Aria("hidden", "true").TabIndex(-1).Body(
			app.If(pr.ImageURL != "", func() app.UI { return app.Img().Src(pr.ImageURL).Alt("").Loading("lazy") }).
				Else(func() app.UI { return app.Span().Class("shop__image-none").Text(pr.Form) }),
		),
		app.H2().Class("shop__name").Body(app.A().ID("shop-product-"+pr.ID).Href(href).Text(pr.Name)),
		app.P().Class("card__note").Text(pr.Code+" · "+pr.Form),
		app.If(specs != "", func() app.UI { return app.P().Class("shop__specs").Text(specs) }),
		priceText("shop-price-"+pr.ID, pr.Price, pr.ListPrice, pr.PricingUOM),
		availabilityChip(pr),
		app.If(pr.Exclusive, func() app.UI { return app.Span().Class("chip chip--blue").Text("For your account") }),
	)
}
