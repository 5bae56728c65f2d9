package pages

import (
	"context"
	"strings"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// quotePathPattern routes /portal/quotes/{id}; ids are UUIDs, so
// /portal/quotes/new stays the builder's.
const quotePathPattern = "^" + api.PageQuotes + "/[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}$"

// quotePage is /portal/quotes/{id}: a quote's items, and once quoted its
// prices, validity, the quote PDF, and Accept (into an order, with the PO
// number) or Decline.
type quotePage struct {
	app.Compo
	chrome
	ui      app.Context
	session state.Session

	id, loadedID string
	quote        api.Quote
	err          error
	loaded       bool

	po       string
	busy     bool
	actErr   string
	accepted *api.QuoteAccepted
}

func newQuotePage() app.Composer { return &quotePage{} }

// OnInit brands the first client render.
func (p *quotePage) OnInit() { p.initBrand() }

// OnNav reads the quote id from the path and loads it.
func (p *quotePage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.id = strings.TrimPrefix(ctx.Page().URL().Path, api.PageQuotes+"/")
	p.setHead(ctx, "Quote", "A quote's items, prices and validity")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *quotePage) load() {
	if _, ok := p.session.User(); !ok || p.session.Status != state.Loaded || p.loadedID == p.id {
		return
	}
	id := p.id
	p.loadedID, p.loaded, p.err, p.accepted, p.actErr = id, false, nil, nil, ""
	var q api.Quote
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { q, err = cl.Quote(c, id); return }, func(err error) {
		if id == p.loadedID {
			p.quote, p.err, p.loaded = q, err, true
		}
	})
}

func (p *quotePage) onAccept(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy {
		return
	}
	readInputs(ctx, map[string]*string{"quote-po": &p.po})
	p.busy, p.actErr = true, ""
	id, in := p.quote.ID, api.QuoteAccept{PONumber: strings.TrimSpace(p.po)}
	var res api.QuoteAccepted
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
		res, err = cl.AcceptQuote(c, id, in)
		return
	}, func(err error) {
		p.busy = false
		if err != nil {
			p.actErr = problemText(err)
			return
		}
		p.accepted, p.quote = &res, res.Quote
	})
}

func (p *quotePage) onDecline(ctx app.Context, _ app.Event) {
	if p.busy {
		return
	}
	p.busy, p.actErr = true, ""
	id := p.quote.ID
	var q api.Quote
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { q, err = cl.DeclineQuote(c, id, ""); return }, func(err error) {
		p.busy = false
		if err != nil {
			p.actErr = problemText(err)
			return
		}
		p.quote = q
	})
}

// Render implements app.Composer.
func (p *quotePage) Render() app.UI {
	current := "Quote"
	if p.quote.Number != "" {
		current = p.quote.Number
	}
	return p.detailPage(p.session, api.PageQuotes, "Quotations", current, "quote", func() []app.UI {
		switch {
		case p.err != nil:
			return []app.UI{app.Div().ID("quote-error").Class("card card--alert").Role("alert").Body(app.P().Text(problemText(p.err)))}
		case !p.loaded:
			return []app.UI{app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading…"))}
		}
		return p.renderQuote()
	})
}

func (p *quotePage) renderQuote() []app.UI {
	q := p.quote
	facts := []app.UI{
		fact("Type", orDefault(quoteTypeLabels[q.Type], q.Type)),
		fact("Requested by", q.RequestedBy),
	}
	if q.NeededByDate != nil {
		facts = append(facts, fact("Needed by", components.FormatDate(*q.NeededByDate)))
	}
	if q.ExpectedResponseDate != nil && (q.StatusCode == "submitted" || q.StatusCode == "under_review") {
		facts = append(facts, fact("Expected response", components.FormatDate(*q.ExpectedResponseDate)))
	}
	if q.ValidUntil != nil {
		facts = append(facts, app.Div().Class("facts__row").Body(app.Dt().Text("Valid until"),
			app.Dd().ID("quote-valid-until").Text(components.FormatDate(*q.ValidUntil))))
	}
	if q.SalesRep != nil {
		facts = append(facts, fact("Sales rep", q.SalesRep.Name+" · "+q.SalesRep.Email))
	}
	out := []app.UI{app.Div().Class("card card--wide").Body(
		app.Div().Class("page-head").Body(app.H1().ID("quote-number").Class("page__title").Text(orDefault(q.Number, "Draft")),
			app.Span().ID("quote-status").Body(components.StatusChip(q.Status))),
		app.Dl().Class("facts").Body(facts...),
	)}
	out = append(out, quoteLinesCard(q))
	if q.SpecialInstructions != "" || q.ResponseNotes != "" {
		notes := []app.UI{app.H2().Class("card__title").Text("Notes")}
		if q.SpecialInstructions != "" {
			notes = append(notes, app.P().Class("quote-instructions").Text("Your instructions: "+q.SpecialInstructions))
		}
		if q.ResponseNotes != "" {
			notes = append(notes, app.P().ID("quote-response-notes").Text("From "+p.brand.Name+": "+q.ResponseNotes))
		}
		out = append(out, app.Div().Class("card card--wide").Body(notes...))
	}
	if q.DocumentID != "" {
		out = append(out, app.Div().ID("quote-document").Class("card").Body(
			app.H2().Class("card__title").Text("Quote document"),
			app.A().ID("quote-pdf").Class("button").Href("/api/v1/documents/"+q.DocumentID+"/content").Target("_blank").
				Text("QT-"+q.Number+".pdf"),
			app.P().Class("card__note").Body(app.Text("Also on your "), app.A().Href(api.PageDocuments+"?type=quote").Text("documents"), app.Text(" screen."))))
	}
	out = append(out, p.renderDecision())
	return out
}

// quoteLinesCard lists a quote's items, with their prices once quoted.
func quoteLinesCard(q api.Quote) app.UI {
	rows := make([]app.UI, 0, len(q.Lines))
	for _, l := range q.Lines {
		unit, total := app.UI(app.Text("—")), app.UI(app.Text("—"))
		if l.UnitPrice != nil && l.Total != nil {
			unit, total = components.MoneyText(*l.UnitPrice), components.MoneyText(*l.Total)
		}
		desc := []app.UI{app.Span().Text(l.Description)}
		if l.Processing != "" {
			desc = append(desc, app.Small().Class("line__notes").Text(" · "+l.Processing))
		}
		rows = append(rows, app.Tr().Class("quote-line").DataSet("line", l.LineNo).Body(
			app.Td().DataSet("label", "Product").Text(orDefault(l.ProductCode, "—")),
			app.Td().DataSet("label", "Description").Body(desc...),
			app.Td().DataSet("label", "Quantity").Class("num").Text(l.Quantity+" "+l.UOM),
			app.Td().DataSet("label", "Unit price").Class("num").Body(unit),
			app.Td().DataSet("label", "Total").Class("num quote-line-total").Body(total),
		))
	}
	body := []app.UI{app.H2().Class("card__title").Text("Items"),
		app.Div().Class("table-wrap").Body(app.Table().ID("quote-lines").Class("table table--cards").Body(
			app.THead().Body(app.Tr().Body(app.Th().Text("Product"), app.Th().Text("Description"), app.Th().Class("num").Text("Quantity"),
				app.Th().Class("num").Text("Unit price"), app.Th().Class("num").Text("Total"))),
			app.TBody().Body(rows...)))}
	if q.Total != nil {
		body = append(body, app.P().Class("quote-total").Body(app.Strong().Text("Total "),
			app.Span().ID("quote-total").Body(components.MoneyText(*q.Total))))
	}
	return app.Div().Class("card card--wide").Body(body...)
}

// renderDecision is the accept/decline card of a quoted quote, or what
// became of it.
func (p *quotePage) renderDecision() app.UI {
	q := p.quote
	user, _ := p.session.User()
	switch {
	case q.StatusCode == "accepted":
		body := []app.UI{app.H2().Class("card__title").Text("Accepted"),
			app.P().Body(app.Text("Your order "), app.A().ID("quote-order").Href(api.PageOrders+"/"+q.OrderID).Text(q.OrderNumber),
				app.Text(" was placed at the quoted prices."))}
		if p.accepted != nil && p.accepted.AwaitingApproval {
			body = append(body, app.P().ID("quote-awaiting-approval").Class("card__note").Text("The order awaits approval by an Admin of your account."))
		}
		if p.accepted != nil && p.accepted.CreditWarning != "" {
			body = append(body, app.P().ID("quote-credit-warning").Class("card__warning").Role("alert").Text(p.accepted.CreditWarning))
		}
		return app.Div().ID("quote-accepted").Class("card card--ok").Body(body...)
	case q.StatusCode == "quoted" && q.CanAccept && can(user, api.CapabilityQuotesAccept):
		return app.Form().ID("quote-accept-form").Class("card").OnSubmit(p.onAccept).Body(
			app.H2().Class("card__title").Text("Accept this quote"),
			app.P().Text("Accepting places an order at these prices, paid on your account's terms."),
			app.Label().Class("field").Body(app.Span().Class("field__label").Text("PO number"),
				app.Input().ID("quote-po").Name("quote-po").Class("field__input").Value(p.po).MaxLength(50).
					OnInput(func(ctx app.Context, _ app.Event) { p.po = ctx.JSSrc().Get("value").String() })),
			alertLine("quote-action-error", p.actErr),
			app.Div().Class("actions").Body(
				app.Button().ID("quote-accept").Type("submit").Class("button button--primary").Disabled(p.busy).Text("Accept Quote"),
				app.Button().ID("quote-decline").Type("button").Class("button").Disabled(p.busy).OnClick(p.onDecline).Text("Decline"),
			))
	case q.StatusCode == "quoted" && !q.CanAccept:
		return app.Div().Class("card card--alert").Body(app.P().Text("This quote is past its validity; request a new one."))
	}
	return nil
}
