package pages

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// invoicePathPattern routes /portal/invoices/{id}.
const invoicePathPattern = "^" + api.PageInvoices + "/[A-Za-z0-9_-]+$"

// invoiceStatusLabel is the chip text of an invoice.
func invoiceStatusLabel(i api.Invoice) string {
	if i.Overdue {
		return "Overdue"
	}
	switch i.Status {
	case "partially_paid":
		return "Partially paid"
	case "paid":
		return "Paid"
	case "void":
		return "Void"
	}
	return "Open"
}

func invoiceChip(i api.Invoice) app.UI {
	cls := "chip chip--" + i.Status
	if i.Overdue {
		cls = "chip chip--overdue"
	}
	return app.Span().Class(cls).Text(invoiceStatusLabel(i))
}

func payable(i api.Invoice) bool {
	return (i.Status == "open" || i.Status == "partially_paid") && i.AmountDue.Amount > 0
}

// invoicesPage is /portal/invoices: the customer's invoices with status
// chips, overdue rows highlighted, filters, the open and overdue totals and,
// for users who may pay, checkboxes and "Pay selected".
type invoicesPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	status, q      string
	dueFrom, dueTo string // due date range, YYYY-MM-DD
	sort           string // "<sort>:<dir>", e.g. due_date:asc; "" newest first
	page           int
	list           api.InvoiceList
	err            error
	loaded         bool
	loadedFor      string
	selected       map[string]bool
	pay            payDialog
}

func newInvoicesPage() app.Composer { return &invoicesPage{selected: map[string]bool{}} }

// OnInit brands the first client render.
func (p *invoicesPage) OnInit() { p.initBrand() }

// OnNav loads the list.
func (p *invoicesPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Invoices", "Your invoices, what is due and overdue")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(func() { p.load(false) })
	p.load(false)
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *invoicesPage) query() url.Values {
	v := url.Values{}
	if p.status != "" {
		v.Set("status", p.status)
	}
	if p.q != "" {
		v.Set("q", p.q)
	}
	if p.dueFrom != "" {
		v.Set("due_from", p.dueFrom)
	}
	if p.dueTo != "" {
		v.Set("due_to", p.dueTo)
	}
	if by, dir, ok := strings.Cut(p.sort, ":"); ok {
		v.Set("sort", by)
		v.Set("dir", dir)
	}
	if p.page > 1 {
		v.Set("page", strconv.Itoa(p.page))
	}
	return v
}

// invoiceSorts are the list's sort choices.
var invoiceSorts = [][2]string{{"", "Newest first"}, {"due_date:asc", "Due date, soonest first"}, {"due_date:desc", "Due date, latest first"},
	{"amount_due:desc", "Amount due, largest first"}, {"amount_due:asc", "Amount due, smallest first"}}

// onFilter sets one filter from its control and reloads from page 1.
func (p *invoicesPage) onFilter(set func(v string)) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		set(strings.TrimSpace(ctx.JSSrc().Get("value").String()))
		p.page = 1
		p.load(true)
	}
}

func (p *invoicesPage) goPage(page int) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		p.page = page
		p.load(true)
	}
}

func (p *invoicesPage) load(force bool) {
	key := p.query().Encode()
	if _, ok := p.session.User(); !ok || p.session.Status != state.Loaded || (!force && p.loadedFor == key && p.loaded) {
		return
	}
	p.loadedFor = key
	var l api.InvoiceList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.Invoices(c, p.query()); return }, func(err error) {
		if key != p.loadedFor {
			return
		}
		p.list, p.err, p.loaded = l, err, true
		p.selected = map[string]bool{}
	})
}

func (p *invoicesPage) toggle(id string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) { p.selected[id] = ctx.JSSrc().Get("checked").Bool() }
}

func (p *invoicesPage) paySelected(ctx app.Context, _ app.Event) {
	var ids []string
	for _, i := range p.list.Invoices {
		if p.selected[i.ID] {
			ids = append(ids, i.ID)
		}
	}
	if len(ids) > 0 {
		p.pay.start(p.ui, ids, func() { p.load(true) })
	}
}

// Render implements app.Composer.
func (p *invoicesPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().Class("page__title").Text("Invoices")}
	if gate := accountGate(p.session, ""); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, p.renderList()...)
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("invoices").Body(content...))
}

func (p *invoicesPage) renderList() []app.UI {
	switch {
	case p.err != nil:
		return []app.UI{app.Div().ID("invoices-error").Class("card card--alert").Role("alert").Body(app.P().Text(problemText(p.err)),
			app.Button().ID("invoices-reset").Class("button").Type("button").Text("Clear the filters").OnClick(func(ctx app.Context, _ app.Event) {
				p.status, p.q, p.dueFrom, p.dueTo, p.sort, p.page = "", "", "", "", "", 1
				p.load(true)
			}))}
	case !p.loaded:
		return []app.UI{app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading invoices…"))}
	}
	l := p.list
	var summary []app.UI
	for _, t := range l.Summary {
		summary = append(summary,
			app.Div().Class("figure").Body(app.Span().Class("figure__label").Text("Open"),
				app.Span().ID("invoices-open-due-"+t.Currency).Class("figure__value").Body(components.MoneyText(api.Money{Amount: t.OpenDue, Currency: t.Currency}))),
			app.Div().Class("figure figure--overdue").Body(app.Span().Class("figure__label").Text("Overdue"),
				app.Span().ID("invoices-overdue-due-"+t.Currency).Class("figure__value").Body(components.MoneyText(api.Money{Amount: t.OverdueDue, Currency: t.Currency}))))
	}
	statuses := []struct{ v, label string }{{"", "All"}, {"open", "Open"}, {"partially_paid", "Partially paid"}, {"overdue", "Overdue"}, {"paid", "Paid"}, {"void", "Void"}}
	filters := app.Div().Class("filters").Body(
		app.Label().Body(app.Span().Text("Status "), app.Select().ID("invoices-status").OnChange(p.onFilter(func(v string) { p.status = v })).Body(
			app.Range(statuses).Slice(func(i int) app.UI {
				return app.Option().Value(statuses[i].v).Selected(statuses[i].v == p.status).Text(statuses[i].label)
			}))),
		app.Label().Body(app.Span().Text("Search "), app.Input().ID("invoices-q").Type("search").Value(p.q).
			Placeholder("Invoice or order number").OnChange(p.onFilter(func(v string) { p.q = v }))),
		app.Label().Body(app.Span().Text("Due from "), app.Input().ID("invoices-due-from").Type("date").Value(p.dueFrom).
			OnChange(p.onFilter(func(v string) { p.dueFrom = v }))),
		app.Label().Body(app.Span().Text("Due to "), app.Input().ID("invoices-due-to").Type("date").Value(p.dueTo).
			OnChange(p.onFilter(func(v string) { p.dueTo = v }))),
		app.Label().Body(app.Span().Text("Sort "), app.Select().ID("invoices-sort").OnChange(p.onFilter(func(v string) { p.sort = v })).Body(
			app.Range(invoiceSorts).Slice(func(i int) app.UI {
				return app.Option().Value(invoiceSorts[i][0]).Selected(invoiceSorts[i][0] == p.sort).Text(invoiceSorts[i][1])
			}))),
	)
	rows := app.Range(l.Invoices).Slice(func(n int) app.UI {
		i := l.Invoices[n]
		cls := "invoice-row"
		if i.Overdue {
			cls += " invoice-row--overdue"
		}
		var check app.UI = app.Td()
		if l.CanPay && payable(i) {
			check = app.Td().Body(app.Input().Type("checkbox").Class("invoice-select").Aria("label", "Select "+i.InvoiceNumber).
				Checked(p.selected[i.ID]).OnChange(p.toggle(i.ID)))
		}
		var order app.UI = app.Td().DataSet("label", "Order").Text("—")
		if i.OrderID != "" {
			order = app.Td().DataSet("label", "Order").Body(app.A().Href(api.PageOrders + "/" + i.OrderID).Text(i.OrderNumber))
		}
		return app.Tr().Class(cls).DataSet("invoice", i.InvoiceNumber).Body(
			app.If(l.CanPay, func() app.UI { return check }),
			app.Td().DataSet("label", "Invoice").Body(app.A().Class("invoice-link").Href(api.PageInvoices+"/"+i.ID).Text(i.InvoiceNumber)),
			order,
			app.Td().DataSet("label", "Issued").Text(components.FormatDate(i.InvoiceDate)),
			app.Td().DataSet("label", "Due").Text(components.FormatDate(i.DueDate)),
			app.Td().DataSet("label", "Status").Body(invoiceChip(i)),
			app.Td().DataSet("label", "Amount").Class("num").Body(components.MoneyText(i.Total)),
			app.Td().DataSet("label", "Amount due").Class("num invoice-due").Body(components.MoneyText(i.AmountDue)),
		)
	})
	out := []app.UI{
		app.Div().ID("invoices-summary").Class("card figures").Body(summary...),
		filters,
		app.If(len(l.Invoices) == 0, func() app.UI { return app.P().ID("invoices-empty").Text("No invoices match.") }),
		app.Table().ID("invoices-table").Class("table table--cards").Body(
			app.THead().Body(app.Tr().Body(
				app.If(l.CanPay, func() app.UI { return app.Th().Text("") }),
				app.Th().Text("Invoice"), app.Th().Text("Order"), app.Th().Text("Issued"), app.Th().Text("Due"),
				app.Th().Text("Status"), app.Th().Class("num").Text("Amount"), app.Th().Class("num").Text("Amount due"))),
			app.TBody().Body(rows)),
	}
	if l.TotalPages > 1 {
		out = append(out, app.Nav().ID("invoices-pager").Class("pager").Aria("label", "Pages").Body(
			app.Button().ID("invoices-prev").Class("button button--small").Type("button").Disabled(l.Page <= 1).Text("Previous").OnClick(p.goPage(l.Page-1)),
			app.Span().ID("invoices-page").Text(" Page "+strconv.Itoa(l.Page)+" of "+strconv.Itoa(l.TotalPages)+" "),
			app.Button().ID("invoices-next").Class("button button--small").Type("button").Disabled(l.Page >= l.TotalPages).Text("Next").OnClick(p.goPage(l.Page+1)),
		))
	}
	if l.CanPay {
		out = append(out, app.Button().ID("invoices-pay-selected").Class("button button--primary").Text("Pay selected").OnClick(p.paySelected))
	}
	return append(out, p.pay.render())
}

// invoicePage is /portal/invoices/{id}: one invoice, its payments and, for
// users who may pay and while something is due, "Pay now".
type invoicePage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	id, loadedID string
	inv          api.InvoiceDetail
	err          error
	loaded       bool
	pay          payDialog
}

func newInvoicePage() app.Composer { return &invoicePage{} }

// OnInit brands the first client render.
func (p *invoicePage) OnInit() { p.initBrand() }

// OnNav reads the id from the path and loads the invoice.
func (p *invoicePage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.id = strings.TrimPrefix(ctx.Page().URL().Path, api.PageInvoices+"/")
	p.setHead(ctx, "Invoice", "An invoice and its payments")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(func() { p.load(false) })
	p.load(false)
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *invoicePage) load(force bool) {
	if _, ok := p.session.User(); !ok || p.session.Status != state.Loaded || (!force && p.loadedID == p.id) {
		return
	}
	id := p.id
	p.loadedID = id
	var d api.InvoiceDetail
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { d, err = cl.Invoice(c, id); return }, func(err error) {
		if id != p.loadedID {
			return
		}
		p.inv, p.err, p.loaded = d, err, true
	})
}

// Render implements app.Composer.
func (p *invoicePage) Render() app.UI {
	return p.detailPage(p.session, api.PageInvoices, "Invoices", orDefault(p.inv.InvoiceNumber, "Invoice"), "invoice", p.renderInvoice)
}

func (p *invoicePage) renderInvoice() []app.UI {
	switch {
	case p.err != nil && apiclient.ErrorCode(p.err) == api.CodeNotFound:
		return []app.UI{app.Div().ID("invoice-not-found").Class("card card--wide").Role("alert").Body(
			app.H1().Class("card__title").Text("Invoice not found"),
			app.A().Class("button").Href(api.PageInvoices).Text("Back to Invoices"))}
	case p.err != nil:
		return []app.UI{app.Div().ID("invoice-error").Class("card card--alert").Role("alert").Body(app.P().Text(problemText(p.err)))}
	case !p.loaded:
		return []app.UI{app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading the invoice…"))}
	}
	d := p.inv
	field := func(label string, v app.UI) app.UI {
		return app.Div().Class("field").Body(app.Dt().Text(label), app.Dd().Body(v))
	}
	var order app.UI = app.Text("—")
	if d.OrderID != "" {
		order = app.A().Href(api.PageOrders + "/" + d.OrderID).Text(d.OrderNumber)
	}
	out := []app.UI{app.Div().ID("invoice-header").Class("card").Body(
		app.H1().Class("card__title").Body(app.Text("Invoice "+d.InvoiceNumber+" "), app.Span().ID("invoice-status").Body(invoiceChip(d.Invoice))),
		app.Dl().Body(
			field("Order", order),
			field("Issued", app.Text(components.FormatDate(d.InvoiceDate))),
			field("Due", app.Text(components.FormatDate(d.DueDate))),
			field("Amount", components.MoneyText(d.Total)),
			field("Paid", app.Span().ID("invoice-paid").Body(components.MoneyText(d.AmountPaid))),
			field("Amount due", app.Span().ID("invoice-due").Body(components.MoneyText(d.AmountDue))),
		),
		app.If(d.CanPay && payable(d.Invoice), func() app.UI {
			return app.Button().ID("invoice-pay-now").Class("button button--primary").Text("Pay now").OnClick(func(ctx app.Context, _ app.Event) {
				p.pay.start(p.ui, []string{d.ID}, func() { p.load(true) })
			})
		}),
	)}
	payments := app.Range(d.Payments).Slice(func(n int) app.UI {
		pm := d.Payments[n]
		return app.Tr().Body(app.Td().DataSet("label", "Received").Text(components.FormatDate(pm.ReceivedOn)),
			app.Td().DataSet("label", "Reference").Text(pm.Reference), app.Td().DataSet("label", "Method").Text(pm.Method),
			app.Td().DataSet("label", "Status").Text(pm.Status), app.Td().DataSet("label", "Amount").Class("num").Body(components.MoneyText(pm.Amount)))
	})
	out = append(out, app.Div().ID("invoice-payments").Class("card").Body(app.H2().Class("card__title").Text("Payments"),
		app.If(len(d.Payments) == 0, func() app.UI { return app.P().Text("No payments yet.") }),
		app.If(len(d.Payments) > 0, func() app.UI {
			return app.Table().Class("table table--cards").Body(app.TBody().Body(payments))
		})))
	return append(out, p.pay.render())
}
