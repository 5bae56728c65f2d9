package pages

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Date range presets of the orders list (spec 000 orders_list_screen
// date_range); ?range= holds one.
const (
	range30Days  = "30d"
	range90Days  = "90d"
	range12Month = "12m"
	rangeAllTime = "all"
	rangeCustom  = "custom"
	// defaultRange is the spec's default preset.
	defaultRange = range90Days
)

var rangeLabels = [][2]string{
	{range30Days, "Last 30 days"}, {range90Days, "Last 90 days"}, {range12Month, "Last 12 months"},
	{rangeAllTime, "All time"}, {rangeCustom, "Custom range"},
}

// Sorts the list offers, as the API names them.
var orderSorts = [][2]string{
	{"order_date:desc", "Newest first"}, {"order_date:asc", "Oldest first"},
	{"status:asc", "Status"}, {"total:desc", "Total, highest first"}, {"total:asc", "Total, lowest first"},
}

var pageSizes = []int{20, 50, 100}

// orderFilter is the orders list's filters as the page URL keeps them, so
// reload, back and forward show the same list. Zero values are the
// defaults, which the URL leaves out.
type orderFilter struct {
	Q        string
	Statuses []string // customer-facing status codes; none = the API's default (every status but cancelled)
	Range    string   // a range* preset; "" = defaultRange
	From, To string   // YYYY-MM-DD, with rangeCustom
	Sort     string   // "field:dir" of orderSorts; "" = newest first
	Page     int      // from 1; 0 = 1
	PageSize int      // 0 = 20
}

// parseOrderFilter reads the filters from a page URL's query, dropping what
// it does not know (a hand-edited URL still shows a list).
func parseOrderFilter(q url.Values) orderFilter {
	f := orderFilter{Q: strings.TrimSpace(q.Get("q")), From: q.Get("from"), To: q.Get("to")}
	for _, s := range strings.Split(q.Get("status"), ",") {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(f.Statuses, s) {
			f.Statuses = append(f.Statuses, s)
		}
	}
	for _, r := range rangeLabels {
		if q.Get("range") == r[0] {
			f.Range = r[0]
		}
	}
	for _, s := range orderSorts {
		if q.Get("sort") == s[0] {
			f.Sort = s[0]
		}
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		f.Page = n
	}
	if n, err := strconv.Atoi(q.Get("page_size")); err == nil && slices.Contains(pageSizes, n) && n != pageSizes[0] {
		f.PageSize = n
	}
	if f.Range == defaultRange {
		f.Range = ""
	}
	if f.Range != rangeCustom {
		f.From, f.To = "", ""
	}
	return f
}

// pageQuery is the page URL's query for f: only what differs from the
// defaults.
func (f orderFilter) pageQuery() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("q", f.Q)
	set("status", strings.Join(f.Statuses, ","))
	set("range", f.Range)
	if f.Range == rangeCustom {
		set("from", f.From)
		set("to", f.To)
	}
	set("sort", f.Sort)
	if f.Page > 1 {
		set("page", strconv.Itoa(f.Page))
	}
	if f.PageSize != 0 {
		set("page_size", strconv.Itoa(f.PageSize))
	}
	return q
}

// href is the orders page showing f.
func (f orderFilter) href() string {
	if q := f.pageQuery(); len(q) > 0 {
		return api.PageOrders + "?" + q.Encode()
	}
	return api.PageOrders
}

// apiQuery is the query of GET /api/v1/orders for f; today anchors the
// presets (the browser's calendar day).
func (f orderFilter) apiQuery(today time.Time) url.Values {
	q := url.Values{}
	if f.Q != "" {
		q.Set("q", f.Q)
	}
	if len(f.Statuses) > 0 {
		q.Set("status", strings.Join(f.Statuses, ","))
	}
	day := func(d time.Time) string { return d.Format("2006-01-02") }
	switch f.Range {
	case "":
		// A search looks through every date unless a range is chosen
		// (the API's own default for q); browsing shows the recent ones.
		if f.Q == "" {
			q.Set("from", day(today.AddDate(0, 0, -90)))
		}
	case range90Days:
		q.Set("from", day(today.AddDate(0, 0, -90)))
	case range30Days:
		q.Set("from", day(today.AddDate(0, 0, -30)))
	case range12Month:
		q.Set("from", day(today.AddDate(-1, 0, 0)))
	case rangeAllTime:
		q.Set("all_time", "true")
	case rangeCustom:
		if f.From != "" {
			q.Set("from", f.From)
		}
		if f.To != "" {
			q.Set("to", f.To)
		}
		if f.From == "" && f.To == "" {
			q.Set("all_time", "true")
		}
	}
	sort, dir, _ := strings.Cut(orDefault(f.Sort, orderSorts[0][0]), ":")
	q.Set("sort", sort)
	q.Set("dir", dir)
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	q.Set("page_size", strconv.Itoa(f.pageSize()))
	return q
}

func (f orderFilter) pageSize() int {
	if f.PageSize == 0 {
		return pageSizes[0]
	}
	return f.PageSize
}

// filtered reports whether f narrows the default list (the empty state then
// offers to clear the filters).
func (f orderFilter) filtered() bool {
	return f.Q != "" || len(f.Statuses) > 0 || f.Range != ""
}

// ordersPage is /portal/orders, "My Orders" (spec 000 orders_list_screen,
// spec 002): search, status, date range, sort and pagination over the
// customer's orders, all kept in the URL.
type ordersPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	filter    orderFilter
	search    string // the search box, applied on submit
	loadedKey string // the API query the list shows (or is loading)
	list      api.OrderList
	listErr   error
	loaded    bool
}

func newOrdersPage() app.Composer { return &ordersPage{} }

// OnInit brands the first client render.
func (p *ordersPage) OnInit() { p.initBrand() }

// OnNav reads the filters from the URL (on every navigation, back and
// forward included) and loads the list they select.
func (p *ordersPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "My Orders", "Your orders, their status and tracking")
	p.filter = parseOrderFilter(ctx.Page().URL().Query())
	p.search = p.filter.Q
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
		// go-app removes an emptied value attribute rather than clearing
		// the property, so back to an unsearched list would keep the old
		// text in the box: set it.
		search := p.search
		ctx.Defer(func(app.Context) {
			if el := app.Window().GetElementByID("order-q"); el.Truthy() && el.Get("value").String() != search {
				el.Set("value", search)
			}
		})
	}
}

func (p *ordersPage) load() {
	if _, ok := p.session.User(); !ok || p.session.Status != state.Loaded {
		return
	}
	q := p.filter.apiQuery(time.Now())
	key := q.Encode()
	if key == p.loadedKey {
		return
	}
	p.loadedKey, p.loaded, p.listErr = key, false, nil
	var l api.OrderList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.Orders(c, q); return }, func(err error) {
		if key != p.loadedKey {
			return // a newer filter is loading
		}
		p.list, p.listErr, p.loaded = l, err, true
	})
}

// apply shows the list for f, as a new history entry.
func (p *ordersPage) apply(ctx app.Context, f orderFilter) {
	ctx.Navigate(f.href())
}

func (p *ordersPage) onSearch(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f := p.filter
	f.Q, f.Page = strings.TrimSpace(p.search), 0
	p.apply(ctx, f)
}

func (p *ordersPage) onStatus(ctx app.Context, _ app.Event) {
	code := ctx.JSSrc().Get("value").String()
	f := p.filter
	f.Statuses = slices.Clone(f.Statuses)
	if i := slices.Index(f.Statuses, code); i >= 0 {
		f.Statuses = slices.Delete(f.Statuses, i, i+1)
	} else {
		f.Statuses = append(f.Statuses, code)
	}
	f.Page = 0
	p.apply(ctx, f)
}

func (p *ordersPage) onRange(ctx app.Context, _ app.Event) {
	f := p.filter
	f.Range, f.Page = ctx.JSSrc().Get("value").String(), 0
	if f.Range == defaultRange {
		f.Range = ""
	}
	p.apply(ctx, f)
}

// onCustomDate applies the custom range's "from" or "to" date.
func (p *ordersPage) onCustomDate(which string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		f := p.filter
		if which == "from" {
			f.From = ctx.JSSrc().Get("value").String()
		} else {
			f.To = ctx.JSSrc().Get("value").String()
		}
		f.Page = 0
		p.apply(ctx, f)
	}
}

func (p *ordersPage) onSort(ctx app.Context, _ app.Event) {
	f := p.filter
	f.Sort, f.Page = ctx.JSSrc().Get("value").String(), 0
	if f.Sort == orderSorts[0][0] {
		f.Sort = ""
	}
	p.apply(ctx, f)
}

func (p *ordersPage) onPageSize(ctx app.Context, _ app.Event) {
	f := p.filter
	f.PageSize, _ = strconv.Atoi(ctx.JSSrc().Get("value").String())
	if f.PageSize == pageSizes[0] {
		f.PageSize = 0
	}
	f.Page = 0
	p.apply(ctx, f)
}

// Render implements app.Composer.
func (p *ordersPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{
		app.Div().Class("page-header").Body(
			app.H1().Class("welcome__title").Text("My Orders"),
			app.A().ID("orders-request-quote").Class("button button--primary").Href(api.PageQuoteNew).Text("Request Quote"),
			// Order approvals (issue 8): the approvals screen is not in spec
			// 001's menu, so My Orders links it.
			app.If(signedIn && can(user, api.CapabilityApprovalsRead), func() app.UI {
				return app.A().ID("orders-approvals").Class("button").Href(api.PageApprovals).Text("Approvals")
			}),
		),
	}
	if gate := accountGate(p.session, ""); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, p.renderFilters(), p.renderList())
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("orders").Body(content...))
}

func (p *ordersPage) renderFilters() app.UI {
	f := p.filter
	rng := orDefault(f.Range, defaultRange)
	statusBoxes := make([]app.UI, 0, len(p.list.Statuses))
	for _, s := range p.list.Statuses {
		id := "status-" + s.Code
		statusBoxes = append(statusBoxes, app.Label().Class("filter-chip").For(id).Body(
			app.Input().ID(id).Type("checkbox").Value(s.Code).Checked(slices.Contains(f.Statuses, s.Code)).OnChange(p.onStatus),
			components.StatusChip(s),
		))
	}
	option := func(value, label, current string) app.UI {
		return app.Option().Value(value).Selected(value == current).Text(label)
	}
	ranges := make([]app.UI, 0, len(rangeLabels))
	for _, r := range rangeLabels {
		ranges = append(ranges, option(r[0], r[1], rng))
	}
	sorts := make([]app.UI, 0, len(orderSorts))
	for _, s := range orderSorts {
		sorts = append(sorts, option(s[0], s[1], orDefault(f.Sort, orderSorts[0][0])))
	}
	sizes := make([]app.UI, 0, len(pageSizes))
	for _, n := range pageSizes {
		sizes = append(sizes, option(strconv.Itoa(n), strconv.Itoa(n)+" per page", strconv.Itoa(f.pageSize())))
	}
	return app.Div().Class("card card--wide filters").Body(
		app.Form().ID("order-search").Class("filters__search").Role("search").OnSubmit(p.onSearch).Body(
			app.Label().Class("visually-hidden").For("order-q").Text("Search orders"),
			app.Input().ID("order-q").Type("search").Class("field__input").Placeholder("Search orders, PO#, products...").
				Value(p.search).OnInput(p.ValueTo(&p.search)),
			app.Button().ID("order-search-submit").Class("button button--primary").Type("submit").Text("Search"),
		),
		app.FieldSet().ID("status-filter").Class("filters__statuses").Body(
			app.Legend().Class("field__label").Text("Status"),
			app.Div().Class("filters__chips").Body(statusBoxes...),
		),
		app.Div().Class("filters__row").Body(
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For("order-range").Text("Order date"),
				app.Select().ID("order-range").Class("field__input").OnChange(p.onRange).Body(ranges...),
			),
			app.If(rng == rangeCustom, func() app.UI {
				return app.Div().Class("filters__dates").Body(
					app.Div().Class("field").Body(
						app.Label().Class("field__label").For("order-from").Text("From"),
						app.Input().ID("order-from").Type("date").Class("field__input").Value(f.From).OnChange(p.onCustomDate("from")),
					),
					app.Div().Class("field").Body(
						app.Label().Class("field__label").For("order-to").Text("To"),
						app.Input().ID("order-to").Type("date").Class("field__input").Value(f.To).OnChange(p.onCustomDate("to")),
					),
				)
			}),
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For("order-sort").Text("Sort by"),
				app.Select().ID("order-sort").Class("field__input").OnChange(p.onSort).Body(sorts...),
			),
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For("order-page-size").Text("Show"),
				app.Select().ID("order-page-size").Class("field__input").OnChange(p.onPageSize).Body(sizes...),
			),
		),
		app.If(f.filtered() || f.Sort != "" || f.PageSize != 0, func() app.UI {
			return app.A().ID("order-clear").Class("button button--text").Href(api.PageOrders).Text("Clear filters")
		}),
	)
}

func (p *ordersPage) renderList() app.UI {
	switch {
	case p.listErr != nil:
		return app.Div().ID("orders-error").Class("card card--alert").Role("alert").Body(
			app.H2().Class("card__title").Text("We could not load your orders"),
			app.P().Text(problemText(p.listErr)),
		)
	case !p.loaded:
		return app.Div().Class("card card--muted").Aria("live", "polite").Body(app.P().Class("card__status").Text("Loading orders…"))
	case len(p.list.Orders) == 0:
		return app.Div().ID("orders-empty").Class("card card--wide empty").Aria("live", "polite").Body(
			app.H2().Class("card__title").Text("No orders found"),
			app.P().Text("Adjust your filters or request a new quote."),
			app.Div().Class("account__actions").Body(
				app.If(p.filter.filtered(), func() app.UI {
					return app.A().Class("button").Href(api.PageOrders + "?range=" + rangeAllTime).Text("Show all orders")
				}),
				app.A().Class("button button--primary").Href(api.PageQuoteNew).Text("Request Quote"),
			),
		)
	}
	l := p.list
	u, signedIn := p.session.User()
	canReorder := signedIn && can(u, api.CapabilityOrdersReorder)
	rows := make([]app.UI, 0, len(l.Orders))
	for _, o := range l.Orders {
		rows = append(rows, app.Tr().ID("order-"+o.ID).Class("orders__row").Body(
			app.Td().DataSet("label", "Order #").Body(app.A().Class("orders__number").Href(api.PageOrders+"/"+o.ID).Text(o.OrderNumber)),
			app.Td().DataSet("label", "Your PO#").Text(o.PONumber),
			app.Td().DataSet("label", "Date").Text(components.FormatDate(o.OrderDate)),
			app.Td().DataSet("label", "Status").Body(components.StatusChip(o.Status)),
			app.Td().DataSet("label", "Items").Class("num").Text(strconv.Itoa(o.LineCount)),
			app.Td().DataSet("label", "Total").Class("num").Body(components.MoneyText(o.Total)),
			app.Td().Class("orders__actions").Body(
				app.A().Class("button button--small").Href(api.PageOrders+"/"+o.ID).Aria("label", "View order "+o.OrderNumber).Text("View"),
				// Reorder (issue 8; spec 000 orders_table row actions).
				app.If(canReorder && o.Status.Code != "awaiting_approval", func() app.UI {
					return app.A().Class("button button--small reorder-link").Href(api.PageReorder(o.ID)).
						Aria("label", "Reorder order "+o.OrderNumber).Text("Reorder")
				}),
				app.If(o.InvoiceID != "", func() app.UI {
					return app.A().Class("button button--small invoice-link").Href(api.PageInvoices+"/"+o.InvoiceID).
						Aria("label", "Download the invoice of order "+o.OrderNumber).Text("Invoice")
				}),
			),
		))
	}
	first := (l.Page-1)*l.PageSize + 1
	last := first + len(l.Orders) - 1
	total := strconv.Itoa(l.Total)
	if l.TotalIsLowerBound { // a search counts to 1,000 only
		total += "+"
	}
	return app.Div().Class("card card--wide").Body(
		app.P().ID("orders-count").Class("card__note").Aria("live", "polite").
			Text(strconv.Itoa(first)+"–"+strconv.Itoa(last)+" of "+total+" orders"),
		app.Div().Class("table-wrap").Body(app.Table().ID("orders").Class("table").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Text("Order #"), app.Th().Text("Your PO#"), app.Th().Text("Date"), app.Th().Text("Status"),
				app.Th().Class("num").Text("Items"), app.Th().Class("num").Text("Total"), app.Th().Body(app.Span().Class("visually-hidden").Text("Actions")),
			)),
			app.TBody().Body(rows...),
		)),
		pager(l.Page, l.TotalPages, func(page int) string { f := p.filter; f.Page = page; return f.href() }),
	)
}

// pager links the previous and next pages of a list; href builds a page's
// URL. It renders nothing for a single page.
func pager(page, pages int, href func(page int) string) app.UI {
	if pages <= 1 {
		return nil
	}
	link := func(id, label string, to int, enabled bool) app.UI {
		if !enabled {
			return app.Span().Class("button button--small pager__off").Aria("disabled", "true").Text(label)
		}
		return app.A().ID(id).Class("button button--small").Href(href(to)).Text(label)
	}
	return app.Nav().Class("pager").Aria("label", "Pages").Body(
		link("page-prev", "Previous", page-1, page > 1),
		app.Span().ID("page-of").Class("pager__where").Text("Page "+strconv.Itoa(page)+" of "+strconv.Itoa(pages)),
		link("page-next", "Next", page+1, page < pages),
	)
}
