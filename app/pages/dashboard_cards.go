package pages

import (
	"strconv"

	"example.com/portal/app/components"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// renderFigures is the signed-in customer's dashboard (spec 000
// dashboard_screen): quick actions, orders in progress, recent shipments
// and invoices, the account summary and the sales rep. Every figure comes
// from GET /api/v1/dashboard.
func (p *dashboardPage) renderFigures() app.UI {
	switch {
	case p.dataErr != nil:
		return app.Div().ID("dashboard-error").Class("card card--alert").Role("alert").Body(
			app.H2().Class("card__title").Text("We could not load your dashboard"),
			app.P().Text(problemText(p.dataErr)),
			app.Button().Class("button").Type("button").OnClick(p.reload).Text("Try again"),
		)
	case !p.loaded:
		return app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading your dashboard…"))
	}
	d := p.data
	return app.Div().ID("dashboard").Class("dashboard").Body(
		quickActions(d),
		app.Div().Class("dashboard__grid").Body(
			app.Div().Class("dashboard__main").Body(
				ordersInProgressCard(d),
				recentShipmentsCard(d.RecentShipments),
				recentInvoicesCard(d.RecentInvoices),
			),
			app.Div().Class("dashboard__side").Body(
				accountSummaryCard(d.Summary, true),
				app.If(d.SalesRep != nil, func() app.UI { return salesRepCard(*d.SalesRep) }),
			),
		),
	)
}

func (p *dashboardPage) reload(ctx app.Context, _ app.Event) {
	p.loadedFor, p.dataErr = "", nil
	p.load()
}

// quickActions is the row of shortcuts; "View Orders" carries the count of
// orders in progress.
func quickActions(d api.Dashboard) app.UI {
	action := func(id, href, icon, label string, badge int) app.UI {
		a := app.A().ID("quick-"+id).Class("quick-action").Href(href).Body(
			app.Span().Class("quick-action__icon").DataSet("icon", icon).Aria("hidden", "true"),
			app.Span().Class("quick-action__label").Text(label),
			app.If(badge > 0, func() app.UI {
				return app.Span().ID("quick-"+id+"-badge").Class("quick-action__badge").
					Aria("label", strconv.Itoa(badge)+" in progress").Text(strconv.Itoa(badge))
			}),
		)
		if id == "quote" {
			a = a.Class("quick-action--primary")
		}
		return a
	}
	contact := "mailto:" + d.Support.Email
	if d.Support.Email == "" && d.SalesRep != nil {
		contact = "mailto:" + d.SalesRep.Email
	}
	return app.Nav().Class("quick-actions").Aria("label", "Quick actions").Body(
		action("quote", api.PageQuoteNew, "request_quote", "Request Quote", 0),
		action("orders", api.PageOrders, "receipt_long", "View Orders", d.InProgressCount),
		action("documents", api.PageDocuments, "description", "Documents", 0),
		action("contact", contact, "support_agent", "Contact Us", 0),
	)
}

func ordersInProgressCard(d api.Dashboard) app.UI {
	rows := make([]app.UI, 0, len(d.OrdersInProgress))
	for _, o := range d.OrdersInProgress {
		rows = append(rows, app.Tr().Body(
			app.Td().DataSet("label", "Order #").Body(app.A().Href(api.PageOrders+"/"+o.ID).Text(o.OrderNumber)),
			app.Td().DataSet("label", "Date").Text(components.FormatDate(o.OrderDate)),
			app.Td().DataSet("label", "Status").Body(components.StatusChip(o.Status)),
			app.Td().DataSet("label", "Total").Class("num").Body(components.MoneyText(o.Total)),
		))
	}
	var body app.UI
	if len(rows) == 0 {
		body = emptyState("inbox", "No orders in progress")
	} else {
		body = app.Div().Class("table-wrap").Body(app.Table().ID("orders-in-progress").Class("table").Body(
			app.THead().Body(app.Tr().Body(app.Th().Text("Order #"), app.Th().Text("Date"), app.Th().Text("Status"), app.Th().Class("num").Text("Total"))),
			app.TBody().Body(rows...),
		))
	}
	return app.Section().Class("card card--wide").Aria("labelledby", "in-progress-title").Body(
		app.H2().ID("in-progress-title").Class("card__title").Text("Orders In Progress"),
		body,
		app.A().Class("card__footer-link").Href(api.PageOrders).Text("View All Orders"),
	)
}

func recentShipmentsCard(list []api.Shipment) app.UI {
	items := make([]app.UI, 0, len(list))
	for _, s := range list {
		items = append(items, app.Li().Class("list-row").Body(
			app.Div().Class("list-row__text").Body(
				app.P().Class("list-row__primary").Text(orDefault(s.TrackingNumber, s.ShipmentNumber)),
				app.P().Class("list-row__secondary").Body(app.A().Href(api.PageOrders+"/"+s.OrderID).Text("Order "+s.OrderNumber)),
				app.P().Class("list-row__secondary").Body(components.StatusChip(s.Status), app.Text(" "+components.FormatDate(s.ShipDate))),
			),
			trackingLink(s),
		))
	}
	var body app.UI = app.Ul().ID("recent-shipments").Class("list").Body(items...)
	if len(items) == 0 {
		body = emptyState("local_shipping", "No recent shipments")
	}
	return app.Section().Class("card card--wide").Aria("labelledby", "shipments-title").Body(
		app.H2().ID("shipments-title").Class("card__title").Text("Recent Shipments"),
		body,
		app.A().Class("card__footer-link").Href(api.PageShipments).Text("All Shipments"),
	)
}

// trackingLink opens the carrier's tracking page, or nothing before the
// shipment has tracking.
func trackingLink(s api.Shipment) app.UI {
	if !s.ShowTracking || s.TrackingURL == "" {
		return nil
	}
	return app.A().Class("button button--small tracking-link").Href(s.TrackingURL).Target("_blank").Rel("noopener noreferrer").
		Aria("label", "Track shipment "+orDefault(s.TrackingNumber, s.ShipmentNumber)+" (opens the carrier's site)").Text("Track")
}

// invoiceStatusLabels name the invoice states of api.InvoiceSummary.
var invoiceStatusLabels = map[string]string{"open": "Open", "partially_paid": "Partially paid", "paid": "Paid", "void": "Void", "overdue": "Overdue"}

func recentInvoicesCard(list []api.InvoiceSummary) app.UI {
	rows := make([]app.UI, 0, len(list))
	for _, i := range list {
		rows = append(rows, app.Tr().Body(
			app.Td().DataSet("label", "Invoice #").Text(i.InvoiceNumber),
			app.Td().DataSet("label", "Order").Body(app.If(i.OrderID != "", func() app.UI {
				return app.A().Href(api.PageOrders + "/" + i.OrderID).Text(i.OrderNumber)
			})),
			app.Td().DataSet("label", "Due").Text(components.FormatDate(i.DueDate)),
			app.Td().DataSet("label", "Status").Body(app.Span().Class("badge badge--"+i.Status).Text(orDefault(invoiceStatusLabels[i.Status], i.Status))),
			app.Td().DataSet("label", "Amount due").Class("num").Body(components.MoneyText(i.AmountDue)),
		))
	}
	var body app.UI
	if len(rows) == 0 {
		body = emptyState("receipt", "No recent invoices")
	} else {
		body = app.Div().Class("table-wrap").Body(app.Table().ID("recent-invoices").Class("table").Body(
			app.THead().Body(app.Tr().Body(app.Th().Text("Invoice #"), app.Th().Text("Order"), app.Th().Text("Due"), app.Th().Text("Status"),
				app.Th().Class("num").Text("Amount due"))),
			app.TBody().Body(rows...),
		))
	}
	return app.Section().Class("card card--wide").Aria("labelledby", "invoices-title").Body(
		app.H2().ID("invoices-title").Class("card__title").Text("Recent Invoices"),
		body,
	)
}

// creditLabels say in words what the colour of the available credit says.
var creditLabels = map[string]string{"ok": "", "low": " (low)", "over": " (none left)"}

// accountSummaryCard is the account's figures (dashboard and account
// overview); the available credit is coloured by the API's CreditLevel.
func accountSummaryCard(s api.AccountSummary, footer bool) app.UI {
	level := s.CreditLevel
	if _, ok := creditLabels[level]; !ok {
		level = "ok"
	}
	return app.Section().ID("account-summary").Class("card").Aria("labelledby", "summary-title").Body(
		app.H2().ID("summary-title").Class("card__title").Text("Account Summary"),
		app.If(s.OnHold, func() app.UI {
			return app.P().ID("credit-hold").Class("account__alert").Role("alert").Text("Your account is on credit hold. Please contact us.")
		}),
		app.Dl().Class("facts").Body(
			figure("account-number", "Account Number", app.Text(s.AccountNumber)),
			figure("payment-terms", "Payment Terms", app.Text(s.PaymentTerms)),
			figure("credit-limit", "Credit Limit", components.MoneyText(s.CreditLimit)),
			figure("available-credit", "Available Credit", app.Span().Class("money credit credit--"+level).
				Text(components.FormatMoney(s.AvailableCredit)+creditLabels[level])),
			figure("open-balance", "Open Balance", components.MoneyText(s.OpenBalance)),
			figure("total-orders", "Total Orders", app.Text(strconv.Itoa(s.TotalOrders))),
			figure("lifetime-sales", "Lifetime Sales", components.MoneyText(s.LifetimeSales)),
		),
		app.If(footer, func() app.UI {
			return app.A().Class("card__footer-link").Href(api.PageAccount + "?tab=" + tabOverview).Text("View Account Details")
		}),
	)
}

// figure is one term of a facts list whose value has an id (tests and
// screen readers find it).
func figure(id, term string, value app.UI) app.UI {
	return app.Div().Class("facts__row").Body(app.Dt().Text(term), app.Dd().ID(id).Body(value))
}

func salesRepCard(r api.SalesRep) app.UI {
	return app.Section().ID("sales-rep").Class("card").Aria("labelledby", "rep-title").Body(
		app.H2().ID("rep-title").Class("card__title").Text("Your Sales Rep"),
		app.P().Class("contact-card__name").Text(r.Name),
		app.P().Class("contact-card__detail").Text(r.Email),
		app.If(r.Phone != "", func() app.UI { return app.P().Class("contact-card__detail").Text(r.Phone) }),
		app.Div().Class("account__actions").Body(
			app.A().ID("rep-email").Class("button").Href("mailto:"+r.Email).Text("Email"),
			app.If(r.Phone != "", func() app.UI {
				return app.A().ID("rep-call").Class("button").Href("tel:" + telHref(r.Phone)).Text("Call")
			}),
		),
	)
}

// telHref keeps what a tel: link may carry of a phone number as written.
func telHref(phone string) string {
	out := make([]rune, 0, len(phone))
	for _, r := range phone {
		if r == '+' || (r >= '0' && r <= '9') {
			out = append(out, r)
		}
	}
	return string(out)
}

// emptyState is a card's "nothing here" line.
func emptyState(icon, message string) app.UI {
	return app.P().Class("empty-state").DataSet("icon", icon).Text(message)
}
