package pages

import (
	"context"
	"strconv"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// quoteTypeLabels are the request types' labels (spec 000 request_quote).
var quoteTypeLabels = func() map[string]string {
	m := map[string]string{}
	for _, t := range api.QuoteTypes {
		m[t.ID] = t.Label
	}
	return m
}()

// quotesPage is /portal/quotes (spec 001 "Quotations"): the account's
// quotes with their status chips, the user's drafts among them, newest
// first, and "Request Quote".
type quotesPage struct {
	app.Compo
	chrome
	ui      app.Context
	session state.Session
	list    api.QuoteList
	err     error
	loaded  bool
	asked   bool
}

func newQuotesPage() app.Composer { return &quotesPage{} }

// OnInit brands the first client render.
func (p *quotesPage) OnInit() { p.initBrand() }

// OnNav loads the quotes.
func (p *quotesPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Quotations", "View and accept quotes")
	p.asked = false
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *quotesPage) load() {
	if _, ok := p.session.User(); !ok || p.session.Status != state.Loaded || p.asked {
		return
	}
	p.asked = true
	var l api.QuoteList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.Quotes(c); return }, func(err error) {
		p.list, p.err, p.loaded = l, err, true
	})
}

// Render implements app.Composer.
func (p *quotesPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	head := []app.UI{app.H1().Class("welcome__title").Text("Quotations")}
	if signedIn && can(user, api.CapabilityQuotesRequest) {
		head = append(head, app.A().ID("quote-new").Class("button button--primary").Href(api.PageQuoteNew).Text("Request Quote"))
	}
	content := []app.UI{app.Div().Class("page-head").Body(head...)}
	if gate := accountGate(p.session, api.CapabilityQuotesRead); gate != nil {
		content = append(content, gate)
	} else {
		switch {
		case p.err != nil:
			content = append(content, app.Div().ID("quotes-error").Class("card card--alert").Role("alert").Body(app.P().Text(problemText(p.err))))
		case !p.loaded:
			content = append(content, app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading…")))
		default:
			content = append(content, p.renderList())
		}
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("quotes").Body(content...))
}

func (p *quotesPage) renderList() app.UI {
	l := p.list
	if len(l.Quotes) == 0 {
		return app.Div().ID("quotes-empty").Class("card card--wide").Body(emptyState("request_quote", "No quotes yet"),
			app.P().Text("Request a quote for stock items, custom processing or a bulk order."))
	}
	rows := make([]app.UI, 0, len(l.Quotes))
	for _, q := range l.Quotes {
		href, ref := api.PageQuotes+"/"+q.ID, q.Number
		if q.StatusCode == "draft" {
			href, ref = api.PageQuoteNew+"?draft="+q.ID, "Draft"
		}
		total := app.UI(app.Text("—"))
		if q.Total != nil {
			total = components.MoneyText(*q.Total)
		}
		valid := "—"
		if q.ValidUntil != nil {
			valid = components.FormatDate(*q.ValidUntil)
		}
		rows = append(rows, app.Tr().Class("quote-row").DataSet("quote", q.ID).DataSet("status", q.StatusCode).Body(
			app.Td().DataSet("label", "Quote").Body(app.A().Class("quote-link").Href(href).Text(ref)),
			app.Td().DataSet("label", "Type").Text(orDefault(quoteTypeLabels[q.Type], q.Type)),
			app.Td().DataSet("label", "Status").Body(components.StatusChip(q.Status)),
			app.Td().DataSet("label", "Items").Class("num").Text(strconv.Itoa(q.LineCount)),
			app.Td().DataSet("label", "Valid until").Text(valid),
			app.Td().DataSet("label", "Total").Class("num").Body(total),
		))
	}
	return app.Div().Class("card card--wide").Body(
		app.P().ID("quote-drafts").Class("card__note").Text(strconv.Itoa(l.Drafts)+" of "+strconv.Itoa(l.MaxDrafts)+" drafts"),
		app.Div().Class("table-wrap").Body(app.Table().ID("quotes-table").Class("table table--cards").Body(
			app.THead().Body(app.Tr().Body(app.Th().Text("Quote"), app.Th().Text("Type"), app.Th().Text("Status"),
				app.Th().Class("num").Text("Items"), app.Th().Text("Valid until"), app.Th().Class("num").Text("Total"))),
			app.TBody().Body(rows...))))
}
