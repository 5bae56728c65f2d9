package pages

import (
	"context"
	"net/url"
	"strconv"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ledgerPage is the shared shell of the receipts and credit notes lists:
// the session, the page number in the URL (?page=) and one load per page.
type ledgerPage struct {
	chrome
	ui        app.Context
	session   state.Session
	page      int
	loadedKey string
	err       error
	loaded    bool
}

func (p *ledgerPage) nav(ctx app.Context, title, description string, load func()) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, title, description)
	p.page, _ = strconv.Atoi(ctx.Page().URL().Query().Get("page"))
	if p.page < 1 {
		p.page = 1
	}
	ctx.ObserveState(state.KeySession, &p.session).OnChange(load)
	load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

// query returns the page's query and whether it must be loaded now.
func (p *ledgerPage) query() (url.Values, bool) {
	if _, ok := p.session.User(); !ok || p.session.Status != state.Loaded {
		return nil, false
	}
	q := url.Values{"page": {strconv.Itoa(p.page)}, "page_size": {"20"}}
	if q.Encode() == p.loadedKey {
		return nil, false
	}
	p.loadedKey, p.loaded, p.err = q.Encode(), false, nil
	return q, true
}

func (p *ledgerPage) layout(title, class string, body func() []app.UI) app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().Class("welcome__title").Text(title)}
	if gate := accountGate(p.session, ""); gate != nil {
		content = append(content, gate)
	} else {
		switch {
		case p.err != nil:
			content = append(content, app.Div().ID(class+"-error").Class("card card--alert").Role("alert").Body(app.P().Text(problemText(p.err))))
		case !p.loaded:
			content = append(content, app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading…")))
		default:
			content = append(content, body()...)
		}
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class(class).Body(content...))
}

// receiptsPage is /portal/receipts (spec 001 "Receipts"): the payments
// the account made that arrived, newest first, card payments made here
// included.
type receiptsPage struct {
	app.Compo
	ledgerPage
	list api.PaymentList
}

func newReceiptsPage() app.Composer { return &receiptsPage{} }

// OnInit brands the first client render.
func (p *receiptsPage) OnInit() { p.initBrand() }

// OnNav loads the page of receipts.
func (p *receiptsPage) OnNav(ctx app.Context) {
	p.nav(ctx, "Receipts", "Your payment receipts", p.load)
}

func (p *receiptsPage) load() {
	q, ok := p.query()
	if !ok {
		return
	}
	key := p.loadedKey
	var l api.PaymentList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.Receipts(c, q); return }, func(err error) {
		if key == p.loadedKey {
			p.list, p.err, p.loaded = l, err, true
		}
	})
}

// Render implements app.Composer.
func (p *receiptsPage) Render() app.UI {
	return p.layout("Receipts", "receipts", func() []app.UI {
		l := p.list
		if len(l.Payments) == 0 {
			return []app.UI{app.Div().ID("receipts-empty").Class("card card--wide").Body(emptyState("receipt_long", "No receipts yet"))}
		}
		rows := make([]app.UI, 0, len(l.Payments))
		for _, r := range l.Payments {
			var inv app.UI = app.Text("—")
			if r.InvoiceID != "" {
				inv = app.A().Href(api.PageInvoices + "/" + r.InvoiceID).Text(r.InvoiceNumber)
			}
			status := "Received"
			if r.Status == "refunded" {
				status = "Refunded"
			}
			rows = append(rows, app.Tr().Class("receipt-row").DataSet("receipt", r.ID).Body(
				app.Td().DataSet("label", "Received").Text(components.FormatDate(r.ReceivedOn)),
				app.Td().DataSet("label", "Reference").Text(r.Reference),
				app.Td().DataSet("label", "Method").Text(orDefault(paymentMethodLabels[r.Method], r.Method)),
				app.Td().DataSet("label", "Invoice").Body(inv),
				app.Td().DataSet("label", "Status").Body(app.Span().Class("chip chip--"+r.Status).Text(status)),
				app.Td().DataSet("label", "Amount").Class("num receipt-amount").Body(components.MoneyText(r.Amount)),
			))
		}
		return []app.UI{app.Div().Class("card card--wide").Body(
			app.Div().Class("table-wrap").Body(app.Table().ID("receipts-table").Class("table table--cards").Body(
				app.THead().Body(app.Tr().Body(app.Th().Text("Received"), app.Th().Text("Reference"), app.Th().Text("Method"),
					app.Th().Text("Invoice"), app.Th().Text("Status"), app.Th().Class("num").Text("Amount"))),
				app.TBody().Body(rows...))),
			pager(l.Page, l.TotalPages, func(page int) string { return api.PageReceipts + "?page=" + strconv.Itoa(page) }),
		)}
	})
}

// creditNotesPage is /portal/credit-notes (spec 001 "Credit Notes"): the
// account's credit notes, newest first, with the credit still to apply.
type creditNotesPage struct {
	app.Compo
	ledgerPage
	list api.CreditNoteList
}

func newCreditNotesPage() app.Composer { return &creditNotesPage{} }

// OnInit brands the first client render.
func (p *creditNotesPage) OnInit() { p.initBrand() }

// OnNav loads the page of credit notes.
func (p *creditNotesPage) OnNav(ctx app.Context) {
	p.nav(ctx, "Credit notes", "Your credit notes and available credit", p.load)
}

func (p *creditNotesPage) load() {
	q, ok := p.query()
	if !ok {
		return
	}
	key := p.loadedKey
	var l api.CreditNoteList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.CreditNotes(c, q); return }, func(err error) {
		if key == p.loadedKey {
			p.list, p.err, p.loaded = l, err, true
		}
	})
}

var creditNoteStatusLabels = map[string]string{"open": "Open", "applied": "Applied", "void": "Void"}

// Render implements app.Composer.
func (p *creditNotesPage) Render() app.UI {
	return p.layout("Credit notes", "credit-notes", func() []app.UI {
		l := p.list
		figures := []app.UI{}
		for _, m := range l.Available {
			figures = append(figures, app.Div().Class("figure").Body(app.Span().Class("figure__label").Text("Available credit"),
				app.Span().ID("credit-available-"+m.Currency).Class("figure__value").Body(components.MoneyText(m))))
		}
		out := []app.UI{}
		if len(figures) > 0 {
			out = append(out, app.Div().ID("credit-summary").Class("card figures").Body(figures...))
		}
		if len(l.CreditNotes) == 0 {
			return append(out, app.Div().ID("credit-notes-empty").Class("card card--wide").Body(emptyState("request_quote", "No credit notes")))
		}
		rows := make([]app.UI, 0, len(l.CreditNotes))
		for _, n := range l.CreditNotes {
			var inv app.UI = app.Text("—")
			if n.InvoiceID != "" {
				inv = app.A().Href(api.PageInvoices + "/" + n.InvoiceID).Text(n.InvoiceNumber)
			}
			rows = append(rows, app.Tr().Class("credit-note-row").DataSet("credit-note", n.Number).Body(
				app.Td().DataSet("label", "Credit note").Text(n.Number),
				app.Td().DataSet("label", "Issued").Text(components.FormatDate(n.IssueDate)),
				app.Td().DataSet("label", "Invoice").Body(inv),
				app.Td().DataSet("label", "Reason").Text(orDefault(n.Reason, "—")),
				app.Td().DataSet("label", "Status").Body(app.Span().Class("chip chip--"+n.Status).Text(orDefault(creditNoteStatusLabels[n.Status], n.Status))),
				app.Td().DataSet("label", "Amount").Class("num").Body(components.MoneyText(n.Amount)),
				app.Td().DataSet("label", "Remaining").Class("num credit-remaining").Body(components.MoneyText(n.Remaining)),
			))
		}
		return append(out, app.Div().Class("card card--wide").Body(
			app.Div().Class("table-wrap").Body(app.Table().ID("credit-notes-table").Class("table table--cards").Body(
				app.THead().Body(app.Tr().Body(app.Th().Text("Credit note"), app.Th().Text("Issued"), app.Th().Text("Invoice"),
					app.Th().Text("Reason"), app.Th().Text("Status"), app.Th().Class("num").Text("Amount"), app.Th().Class("num").Text("Remaining"))),
				app.TBody().Body(rows...))),
			pager(l.Page, l.TotalPages, func(page int) string { return api.PageCreditNotes + "?page=" + strconv.Itoa(page) }),
		))
	})
}
