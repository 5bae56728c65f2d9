package pages

import (
	"context"
	"strconv"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// staffQuotesPage is /portal/staff/quotes: the tenant's submitted quotes,
// those waiting for an answer first. "Price" opens a quote: mark it under
// review, price each line, set the validity and notes, and send it (the
// customer is mailed and gets the quote PDF). Shown only with
// quotes:respond (tenant admin, sales rep).
type staffQuotesPage struct {
	app.Compo
	chrome
	ui      app.Context
	session state.Session
	asked   bool
	list    api.QuoteList
	err     error
	loaded  bool

	open       *api.Quote
	prices     map[int]string
	validUntil string
	notes      string
	busy       bool
	problem    formProblem
	sent       string
}

func newStaffQuotesPage() app.Composer { return &staffQuotesPage{} }

// OnInit brands the first client render.
func (p *staffQuotesPage) OnInit() { p.initBrand() }

// OnNav loads the queue.
func (p *staffQuotesPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Quotes", "Price and send the customers' quote requests")
	p.asked = false
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *staffQuotesPage) load() {
	if u, ok := p.session.User(); !ok || p.session.Status != state.Loaded || p.asked || !can(u, api.CapabilityQuotesRespond) {
		return
	}
	p.asked = true
	p.reload()
}

func (p *staffQuotesPage) reload() {
	var l api.QuoteList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.StaffQuotes(c, ""); return }, func(err error) {
		p.list, p.err, p.loaded = l, err, true
	})
}

func (p *staffQuotesPage) onOpen(ctx app.Context, _ app.Event) {
	id := clickedID(ctx)
	var q api.Quote
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { q, err = cl.StaffQuote(c, id); return }, func(err error) {
		if err != nil {
			p.problem = formProblem{Message: problemText(err)}
			return
		}
		p.show(q)
	})
}

func (p *staffQuotesPage) show(q api.Quote) {
	p.open, p.prices, p.problem, p.sent = &q, map[int]string{}, formProblem{}, ""
	p.validUntil, p.notes = time.Now().AddDate(0, 0, 30).Format(time.DateOnly), q.ResponseNotes
	if q.ValidUntil != nil {
		p.validUntil = *q.ValidUntil
	}
	for _, l := range q.Lines {
		if l.UnitPrice != nil {
			p.prices[l.LineNo] = components.FormatMoney(*l.UnitPrice)
		}
	}
}

func (p *staffQuotesPage) onReview(ctx app.Context, _ app.Event) {
	id := p.open.ID
	var q api.Quote
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { q, err = cl.ReviewQuote(c, id); return }, func(err error) {
		if err != nil {
			p.problem = formProblem{Message: problemText(err)}
			return
		}
		p.show(q)
		p.reload()
	})
}

func (p *staffQuotesPage) onSend(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.open == nil || p.busy {
		return
	}
	ids := map[string]*string{"respond-valid-until": &p.validUntil, "respond-notes": &p.notes}
	vals := map[int]*string{}
	for _, l := range p.open.Lines {
		v := p.prices[l.LineNo]
		vals[l.LineNo] = &v
		ids["price-"+strconv.Itoa(l.LineNo)] = vals[l.LineNo]
	}
	readInputs(ctx, ids)
	in := api.QuoteRespond{ValidUntil: p.validUntil, Notes: p.notes}
	fieldIDs := map[string]string{"valid_until": "respond-valid-until", "notes": "respond-notes"}
	for i, l := range p.open.Lines {
		p.prices[l.LineNo] = *vals[l.LineNo]
		in.Lines = append(in.Lines, api.QuoteLinePrice{LineNo: l.LineNo, UnitPrice: *vals[l.LineNo]})
		fieldIDs["lines["+strconv.Itoa(i)+"].unit_price"] = "price-" + strconv.Itoa(l.LineNo)
	}
	p.busy = true
	id := p.open.ID
	var q api.Quote
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { q, err = cl.RespondQuote(c, id, in); return }, func(err error) {
		p.busy = false
		if err != nil {
			p.problem = describeFormError(err, fieldIDs)
			return
		}
		p.show(q)
		p.sent = "Quote " + q.Number + " sent to the customer."
		p.reload()
	})
}

// Render implements app.Composer.
func (p *staffQuotesPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().Class("page__title").Text("Quotes")}
	if gate := accountGate(p.session, api.CapabilityQuotesRespond); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, formAlert("staff-quotes-error", p.problem, p.brand.Name), statusLine("staff-quote-sent", p.sent))
		switch {
		case p.err != nil:
			content = append(content, app.Div().Class("card card--alert").Role("alert").Body(app.P().Text(problemText(p.err))))
		case !p.loaded:
			content = append(content, app.P().Class("card__note").Text("Loading…"))
		default:
			if p.open != nil {
				content = append(content, p.renderOpen())
			}
			content = append(content, p.renderQueue())
		}
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("staff-quotes").Body(content...))
}

func (p *staffQuotesPage) renderQueue() app.UI {
	if len(p.list.Quotes) == 0 {
		return app.Div().ID("staff-quotes-empty").Class("card").Body(emptyState("request_quote", "No quote requests"))
	}
	rows := make([]app.UI, 0, len(p.list.Quotes))
	for _, q := range p.list.Quotes {
		submitted := ""
		if q.SubmittedAt != nil {
			submitted = formatTime(*q.SubmittedAt)
		}
		rows = append(rows, app.Tr().Class("staff-quote-row").DataSet("quote", q.ID).Body(
			app.Td().DataSet("label", "Quote").Text(q.Number),
			app.Td().DataSet("label", "Customer").Text(q.CustomerName),
			app.Td().DataSet("label", "Submitted").Text(submitted),
			app.Td().DataSet("label", "Status").Body(components.StatusChip(q.Status)),
			app.Td().DataSet("label", "Items").Class("num").Text(strconv.Itoa(q.LineCount)),
			app.Td().Body(app.Button().ID("open-"+q.Number).DataSet("id", q.ID).Type("button").Class("button button--small").
				OnClick(p.onOpen).Text("Price")),
		))
	}
	return app.Div().Class("card card--wide").Body(app.Div().Class("table-wrap").Body(
		app.Table().ID("staff-quotes").Class("table table--cards").Body(
			app.THead().Body(app.Tr().Body(app.Th().Text("Quote"), app.Th().Text("Customer"), app.Th().Text("Submitted"),
				app.Th().Text("Status"), app.Th().Class("num").Text("Items"), app.Th())),
			app.TBody().Body(rows...))))
}

func (p *staffQuotesPage) renderOpen() app.UI {
	q := p.open
	editable := q.StatusCode == "submitted" || q.StatusCode == "under_review"
	msgs := p.problem.Fields
	lines := make([]app.UI, 0, len(q.Lines))
	for _, l := range q.Lines {
		n := strconv.Itoa(l.LineNo)
		price := app.UI(app.Text(p.prices[l.LineNo]))
		if editable {
			price = app.Input().ID("price-"+n).Name("price-"+n).Class("field__input").Attr("inputmode", "decimal").
				Placeholder("0.00").Value(p.prices[l.LineNo])
		}
		desc := l.ProductCode + " " + l.Description
		if l.Processing != "" {
			desc += " · " + l.Processing
		}
		lines = append(lines, app.Div().Class("quote-item").Body(
			app.P().Text(desc+" — "+l.Quantity+" "+l.UOM),
			app.Label().Class("field field--inline").Body(app.Span().Class("field__label").Text("Unit price"), price),
			fieldError("price-"+n, msgs["price-"+n])))
	}
	body := []app.UI{
		app.H2().Class("card__title").Body(app.Text(q.Number+" · "+q.CustomerName+" "), components.StatusChip(q.Status)),
		app.P().Text("Type: " + orDefault(quoteTypeLabels[q.Type], q.Type) + " · requested by " + q.RequestedBy),
	}
	if q.SpecialInstructions != "" {
		body = append(body, app.P().Text("Instructions: "+q.SpecialInstructions))
	}
	if q.NeededByDate != nil {
		body = append(body, app.P().Text("Needed by "+components.FormatDate(*q.NeededByDate)))
	}
	body = append(body, lines...)
	if editable {
		body = append(body,
			app.Label().Class("field").Body(app.Span().Class("field__label").Text("Valid until"),
				app.Input().ID("respond-valid-until").Name("respond-valid-until").Type("date").Class("field__input").Value(p.validUntil)),
			fieldError("respond-valid-until", msgs["respond-valid-until"]),
			app.Label().Class("field").Body(app.Span().Class("field__label").Text("Notes for the customer"),
				app.Textarea().ID("respond-notes").Name("respond-notes").Class("field__input").Text(p.notes)),
			app.Div().Class("actions").Body(
				app.If(q.StatusCode == "submitted", func() app.UI {
					return app.Button().ID("respond-review").Type("button").Class("button").OnClick(p.onReview).Text("Mark Under Review")
				}),
				app.Button().ID("respond-send").Type("submit").Class("button button--primary").Disabled(p.busy).Text("Send Quote")))
	} else if q.Total != nil {
		body = append(body, app.P().Body(app.Text("Total "), components.MoneyText(*q.Total)))
	}
	return app.Form().ID("staff-quote").Class("card").OnSubmit(p.onSend).Body(body...)
}
