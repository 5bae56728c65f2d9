package pages

import (
	"context"
	"net/url"
	"strconv"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The account page's overview and payment history tabs (spec 000
// account_overview), from GET /api/v1/account and GET /api/v1/payments.
const (
	tabOverview = "overview"
	tabPayments = "payments"

	capDashboardRead = "dashboard:read"
	capReceiptsRead  = "receipts:read"
)

// paymentStatusLabels name the payment states of api.Payment, in the
// filter's order.
var paymentStatusLabels = [][2]string{{"succeeded", "Received"}, {"pending", "Pending"}, {"failed", "Failed"}, {"refunded", "Refunded"}}

var paymentMethodLabels = map[string]string{"check": "Check", "ach": "ACH", "wire": "Wire", "card": "Card", "cash": "Cash", "credit": "Credit", "other": "Other"}

// paymentFilter is the payment history's filters, kept in the page URL
// (pstatus, pfrom, pto, ppage) beside tab=payments.
type paymentFilter struct {
	Status, From, To string
	Page             int
}

func parsePaymentFilter(q url.Values) paymentFilter {
	f := paymentFilter{From: q.Get("pfrom"), To: q.Get("pto")}
	for _, s := range paymentStatusLabels {
		if q.Get("pstatus") == s[0] {
			f.Status = s[0]
		}
	}
	if n, err := strconv.Atoi(q.Get("ppage")); err == nil && n > 1 {
		f.Page = n
	}
	return f
}

// href is the account page's payments tab showing f.
func (f paymentFilter) href() string {
	q := url.Values{"tab": {tabPayments}}
	for k, v := range map[string]string{"pstatus": f.Status, "pfrom": f.From, "pto": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Page > 1 {
		q.Set("ppage", strconv.Itoa(f.Page))
	}
	return api.PageAccount + "?" + q.Encode()
}

func (f paymentFilter) apiQuery() url.Values {
	q := url.Values{"page_size": {"20"}}
	for k, v := range map[string]string{"status": f.Status, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	return q
}

func (p *accountPage) loadOverview() {
	var o api.AccountOverview
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { o, err = cl.AccountOverview(c); return }, func(err error) {
		p.overview, p.overviewErr, p.overviewLoaded = o, err, err == nil
	})
}

func (p *accountPage) loadPayments() {
	q := p.payFilter.apiQuery()
	key := q.Encode()
	if key == p.paymentsKey {
		return
	}
	p.paymentsKey, p.paymentsLoaded, p.paymentsErr = key, false, nil
	var l api.PaymentList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.Payments(c, q); return }, func(err error) {
		if key == p.paymentsKey {
			p.payments, p.paymentsErr, p.paymentsLoaded = l, err, true
		}
	})
}

func (p *accountPage) renderOverview() app.UI {
	switch {
	case p.overviewErr != nil:
		return app.Div().ID("panel-overview").Class("account__panel").Body(alertLine("overview-error", problemText(p.overviewErr)))
	case !p.overviewLoaded:
		return app.Div().ID("panel-overview").Class("account__panel").Body(
			app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading your account…")))
	}
	o := p.overview
	c := o.Company
	contacts := make([]app.UI, 0, len(o.Contacts))
	for _, ct := range o.Contacts {
		contacts = append(contacts, app.Li().Class("account__item").Body(
			app.P().Class("account__item-title").Body(app.Text(ct.Name), app.If(ct.Role != "", func() app.UI {
				return app.Span().Class("badge").Text(orDefault(roleLabel(ct.Role), ct.Role))
			})),
			app.P().Body(app.A().Href("mailto:"+ct.Email).Text(ct.Email)),
			app.If(ct.Phone != "", func() app.UI { return app.P().Body(app.A().Href("tel:" + telHref(ct.Phone)).Text(ct.Phone)) }),
		))
	}
	addresses := make([]app.UI, 0, len(o.Addresses))
	for _, a := range o.Addresses {
		addresses = append(addresses, app.Li().Class("account__item").Body(
			app.P().Class("account__item-title").Body(
				app.Text(orDefault(a.Label, a.Kind)+" · "+a.Kind),
				app.If(a.IsDefault, func() app.UI { return app.Span().Class("badge").Text("Default " + a.Kind) }),
			),
			app.P().Text(addressLine(a)),
		))
	}
	return app.Div().ID("panel-overview").Class("account__panel account__panel--grid").Body(
		app.Section().ID("overview-company").Class("card").Body(
			app.H2().Class("card__title").Text("Company"),
			app.Dl().Class("facts").Body(
				fact("Company", c.Name), fact("Account number", c.AccountNumber), fact("Payment terms", c.PaymentTerms),
				fact("E-mail", c.Email), fact("Phone", c.Phone),
			),
		),
		accountSummaryCard(o.Summary, false),
		app.If(o.SalesRep != nil, func() app.UI { return salesRepCard(*o.SalesRep) }),
		app.Section().ID("overview-contacts").Class("card").Body(
			app.H2().Class("card__title").Text("Contacts"),
			app.If(len(contacts) == 0, func() app.UI { return app.P().Text("No contacts on file.") }),
			app.Ul().Class("account__list").Body(contacts...),
		),
		app.Section().ID("overview-addresses").Class("card").Body(
			app.H2().Class("card__title").Text("Addresses"),
			app.If(len(addresses) == 0, func() app.UI { return app.P().Text("No addresses on file.") }),
			app.Ul().Class("account__list").Body(addresses...),
		),
	)
}

func (p *accountPage) onPaymentFilter(which string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		f := p.payFilter
		v := ctx.JSSrc().Get("value").String()
		switch which {
		case "status":
			f.Status = v
		case "from":
			f.From = v
		case "to":
			f.To = v
		}
		f.Page = 0
		ctx.Navigate(f.href())
	}
}

func (p *accountPage) renderPayments() app.UI {
	f := p.payFilter
	statuses := []app.UI{app.Option().Value("").Selected(f.Status == "").Text("All statuses")}
	for _, s := range paymentStatusLabels {
		statuses = append(statuses, app.Option().Value(s[0]).Selected(f.Status == s[0]).Text(s[1]))
	}
	filters := app.Div().Class("filters__row").Body(
		app.Div().Class("field").Body(
			app.Label().Class("field__label").For("payment-status").Text("Status"),
			app.Select().ID("payment-status").Class("field__input").OnChange(p.onPaymentFilter("status")).Body(statuses...),
		),
		app.Div().Class("field").Body(
			app.Label().Class("field__label").For("payment-from").Text("Received from"),
			app.Input().ID("payment-from").Type("date").Class("field__input").Value(f.From).OnChange(p.onPaymentFilter("from")),
		),
		app.Div().Class("field").Body(
			app.Label().Class("field__label").For("payment-to").Text("Received to"),
			app.Input().ID("payment-to").Type("date").Class("field__input").Value(f.To).OnChange(p.onPaymentFilter("to")),
		),
	)
	var body app.UI
	switch l := p.payments; {
	case p.paymentsErr != nil:
		body = alertLine("payments-error", problemText(p.paymentsErr))
	case !p.paymentsLoaded:
		body = app.P().Class("card__status").Text("Loading payments…")
	case len(l.Payments) == 0:
		body = app.P().ID("payments-empty").Class("empty-state").Text("No payments match.")
	default:
		rows := make([]app.UI, 0, len(l.Payments))
		for _, pm := range l.Payments {
			status := pm.Status
			for _, s := range paymentStatusLabels {
				if s[0] == pm.Status {
					status = s[1]
				}
			}
			rows = append(rows, app.Tr().ID("payment-"+pm.ID).Body(
				app.Td().DataSet("label", "Received").Text(components.FormatDate(pm.ReceivedOn)),
				app.Td().DataSet("label", "Reference").Text(pm.Reference),
				app.Td().DataSet("label", "Method").Text(orDefault(paymentMethodLabels[pm.Method], pm.Method)),
				app.Td().DataSet("label", "Invoice").Text(pm.InvoiceNumber),
				app.Td().DataSet("label", "Status").Body(app.Span().Class("badge badge--payment-"+pm.Status).Text(status)),
				app.Td().DataSet("label", "Amount").Class("num").Body(components.MoneyText(pm.Amount)),
			))
		}
		body = app.Div().Body(
			app.P().ID("payments-count").Class("card__note").Text(strconv.Itoa(l.Total)+" payments"),
			app.Div().Class("table-wrap").Body(app.Table().ID("payments").Class("table").Body(
				app.THead().Body(app.Tr().Body(app.Th().Text("Received"), app.Th().Text("Reference"), app.Th().Text("Method"),
					app.Th().Text("Invoice"), app.Th().Text("Status"), app.Th().Class("num").Text("Amount"))),
				app.TBody().Body(rows...),
			)),
			pager(l.Page, l.TotalPages, func(page int) string { g := f; g.Page = page; return g.href() }),
		)
	}
	return app.Div().ID("panel-payments").Class("account__panel").Body(
		app.Div().Class("card card--wide").Body(
			app.H2().Class("card__title").Text("Payment history"),
			filters,
			body,
		),
	)
}
