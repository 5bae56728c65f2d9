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

// orderPathPattern routes /portal/orders/{id} (go-app has no route
// parameters; OnNav reads the id from the path).
const orderPathPattern = "^" + api.PageOrders + "/[A-Za-z0-9_-]+$"

// orderPage is /portal/orders/{id} (spec 000 order_detail_screen, spec 002
// "Order Tracking"): header, progress timeline, lines, totals, shipments,
// shipping address and the support card of one order.
type orderPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	id       string
	loadedID string
	order    api.OrderDetail
	err      error
	loaded   bool
	open     map[int]bool // line numbers whose details are expanded

	docs    []api.Document // the order's documents
	docsErr error
	viewing *api.Document // the document in the viewer

	approval *api.OrderApproval // the order's approval, when it needed one (issue 8)
}

func newOrderPage() app.Composer { return &orderPage{} }

// OnInit brands the first client render.
func (p *orderPage) OnInit() { p.initBrand() }

// OnNav reads the order id from the path and loads the order.
func (p *orderPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.id = strings.TrimPrefix(ctx.Page().URL().Path, api.PageOrders+"/")
	p.setHead(ctx, "Order", "An order's progress, items and shipments")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *orderPage) load() {
	if _, ok := p.session.User(); !ok || p.session.Status != state.Loaded || p.loadedID == p.id {
		return
	}
	id := p.id
	p.loadedID, p.loaded, p.err, p.open = id, false, nil, map[int]bool{}
	var o api.OrderDetail
	ui := p.ui
	callAPI(ui, func(c context.Context, cl *apiclient.Client) (err error) { o, err = cl.Order(c, id); return }, func(err error) {
		if id != p.loadedID {
			return
		}
		p.order, p.err, p.loaded = o, err, true
		if err == nil {
			ui.Page().SetTitle("%s", pageTitle("Order "+o.OrderNumber, p.brand))
		}
	})
	// The order's approval (issue 8): shown when the order needed one.
	p.approval = nil
	var ap api.OrderApproval
	callAPI(ui, func(c context.Context, cl *apiclient.Client) (err error) { ap, err = cl.OrderApproval(c, id); return }, func(err error) {
		if id == p.loadedID && err == nil {
			p.approval = &ap
		}
	})
	// The order's documents, for its documents card, the Download menu and
	// the lines' MTR links.
	p.docs, p.docsErr, p.viewing = nil, nil, nil
	var l api.DocumentList
	q := url.Values{"order_id": {id}, "page_size": {"100"}}
	callAPI(ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.Documents(c, q); return }, func(err error) {
		if id == p.loadedID {
			p.docs, p.docsErr = l.Documents, err
		}
	})
}

func (p *orderPage) onViewDocument(ctx app.Context, _ app.Event) {
	id := clickedID(ctx)
	for i := range p.docs {
		if p.docs[i].ID == id {
			d := p.docs[i]
			p.viewing = &d
		}
	}
	focusFirst(ctx, "viewer-close")
}

// mtrFor is the mill test report covering a line with heat, if any.
func (p *orderPage) mtrFor(heat string) (api.Document, bool) {
	for _, d := range p.docs {
		if d.Type == "mtr" && heat != "" && strings.EqualFold(d.HeatNumber, heat) {
			return d, true
		}
	}
	return api.Document{}, false
}

// lineMTR links a line with a heat number to its mill test report.
func (p *orderPage) lineMTR(l api.OrderLine) app.UI {
	d, ok := p.mtrFor(l.HeatNumber)
	if !ok {
		return nil
	}
	return app.A().ID("line-mtr-"+itoa(l.LineNo)).Class("line-mtr").Href(apiclient.DocumentContentURL(d.ID, true)).
		Attr("download", d.Name).Aria("label", "Mill test report of line "+itoa(l.LineNo)).Text("MTR " + l.HeatNumber)
}

// documentsCard lists the order's documents with View and Download.
func (p *orderPage) documentsCard() app.UI {
	rows := make([]app.UI, 0, len(p.docs))
	for _, d := range p.docs {
		rows = append(rows, app.Li().ID("order-document-"+d.ID).Class("order-documents__row").Body(
			app.Span().Body(app.Span().Class("chip chip--grey doc-type").Text(d.TypeLabel), app.Text(" "+d.Name)),
			app.Span().Class("orders__actions").Body(documentActions(d, p.onViewDocument)...),
		))
	}
	return app.Section().ID("order-documents").Class("card").Aria("labelledby", "order-documents-title").Body(
		app.H2().ID("order-documents-title").Class("card__title").Text("Documents"),
		app.If(p.docsErr != nil, func() app.UI { return alertLine("order-documents-error", problemText(p.docsErr)) }),
		app.If(len(rows) == 0 && p.docsErr == nil, func() app.UI { return app.P().Class("card__note").Text("No documents yet.") }),
		app.Ul().Class("plain-list order-documents").Body(rows...),
	)
}

// downloadMenu is the order header's Download menu (spec 000 order detail):
// the invoice when there is one, packing slips, and mill test reports when
// any line has one.
func (p *orderPage) downloadMenu(o api.OrderDetail) app.UI {
	items := []app.UI{}
	if o.InvoiceID != "" {
		items = append(items, app.A().ID("download-invoice").Href(api.PageInvoices+"/"+o.InvoiceID).Text("Invoice"))
	}
	for _, d := range p.docs {
		if d.Type == "invoice" || d.Type == "packing_slip" || d.Type == "mtr" {
			items = append(items, app.A().ID("download-menu-"+d.ID).Href(apiclient.DocumentContentURL(d.ID, true)).
				Attr("download", d.Name).Text(d.TypeLabel+" — "+d.Name))
		}
	}
	if len(items) == 0 {
		return nil
	}
	return app.Details().ID("order-download").Class("download-menu").Body(
		app.Summary().Class("button").Text("Download"),
		app.Div().Class("download-menu__items").Body(items...),
	)
}

func (p *orderPage) toggleLine(n int) app.EventHandler {
	return func(app.Context, app.Event) { p.open[n] = !p.open[n] }
}

// Render implements app.Composer.
func (p *orderPage) Render() app.UI {
	return p.detailPage(p.session, api.PageOrders, "Orders", orDefault(p.order.OrderNumber, "Order"), "order", p.renderOrder)
}

func (p *orderPage) renderOrder() []app.UI {
	switch {
	case p.err != nil && apiclient.ErrorCode(p.err) == api.CodeNotFound:
		return []app.UI{app.Div().ID("order-not-found").Class("card card--wide").Role("alert").Body(
			app.H1().Class("card__title").Text("Order not found"),
			app.P().Text("There is no such order in your account. It may have been mistyped, or belong to another account."),
			app.A().Class("button button--primary").Href(api.PageOrders).Text("Back to My Orders"),
		)}
	case p.err != nil:
		return []app.UI{app.Div().ID("order-error").Class("card card--alert").Role("alert").Body(
			app.H1().Class("card__title").Text("We could not load this order"),
			app.P().Text(problemText(p.err)),
		)}
	case !p.loaded:
		return []app.UI{app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading the order…"))}
	}
	o := p.order
	return []app.UI{
		p.renderHeader(o),
		app.Div().Class("order__grid").Body(
			app.Div().Class("order__main").Body(
				timelineCard(o.Timeline),
				p.renderLines(o),
				app.If(len(o.Shipments) > 0, func() app.UI { return orderShipmentsCard(o.Shipments) }),
			),
			app.Div().Class("order__side").Body(
				approvalCard(p.approval),
				p.documentsCard(),
				app.If(o.ShippingAddress != nil, func() app.UI { return shippingCard(*o.ShippingAddress) }),
				supportCard(o.Support, o.OrderNumber),
			),
		),
		app.If(p.viewing != nil, func() app.UI { return documentViewer(*p.viewing, func() { p.viewing = nil }) }),
	}
}

func (p *orderPage) renderHeader(o api.OrderDetail) app.UI {
	return app.Section().ID("order-header").Class("card card--wide").Body(
		app.Div().Class("order__title").Body(
			app.H1().ID("order-number").Class("welcome__title").Text("Order "+o.OrderNumber),
			app.Span().ID("order-status").Body(components.StatusChip(o.Status)),
		),
		app.Dl().Class("facts facts--grid").Body(
			figure("order-date", "Order Date", app.Text(components.FormatDate(o.OrderDate))),
			figure("order-po", "Your PO#", app.Text(orDefault(o.PONumber, "—"))),
			app.If(o.RequestedDate != "", func() app.UI {
				return figure("order-requested", "Requested", app.Text(components.FormatDate(o.RequestedDate)))
			}),
			app.If(o.EstimatedShipDate != "", func() app.UI {
				return figure("order-est-ship", "Estimated Ship", app.Text(components.FormatDate(o.EstimatedShipDate)))
			}),
			figure("order-total", "Order Total", components.MoneyText(o.Total).Class("money--large")),
		),
		app.Div().Class("account__actions").Body(
			// Reorder (issue 8): for roles that may, once the order is placed.
			app.If(p.canReorder() && o.Status.Code != "awaiting_approval", func() app.UI {
				return app.A().ID("order-reorder").Class("button button--primary").Href(api.PageReorder(o.ID)).Text("Reorder")
			}),
			app.If(o.InvoiceID != "", func() app.UI {
				return app.A().ID("order-invoice").Class("button").Href(api.PageInvoices + "/" + o.InvoiceID).Text("View Invoice")
			}),
			p.downloadMenu(o),
		),
		// Add to list (issue 8): the whole order or the lines picked.
		app.If(sessionCan(p.session, capabilityListsManage) && o.Status.Code != "awaiting_approval", func() app.UI {
			return NewAddToList().ID("order").Order(o.ID, listLines(o.Lines))
		}),
	)
}

// listLines are the order's catalogue product lines, which a list can hold.
func listLines(lines []api.OrderLine) []AddToListLine {
	var out []AddToListLine
	for _, l := range lines {
		if l.ProductID != "" {
			out = append(out, AddToListLine{No: l.LineNo, Label: itoa(l.LineNo) + ". " + l.ProductCode + " — " + l.Description})
		}
	}
	return out
}

// canRate reports whether the user may rate the products of the order:
// it has arrived (Delivered or Complete) and their role writes reviews.
func (p *orderPage) canRate() bool {
	u, ok := p.session.User()
	code := p.order.Status.Code
	return ok && can(u, api.CapabilityReviewsWrite) && (code == "delivered" || code == "complete")
}

// rateLink opens the review form of a line's product (its page with
// ?rate=1, which brings the form into view).
func (p *orderPage) rateLink(l api.OrderLine) app.UI {
	if l.ProductID == "" || !p.canRate() {
		return nil
	}
	return app.A().ID("line-rate-"+itoa(l.LineNo)).Class("button button--small line-rate").
		Href(api.PageShop+"/"+l.ProductID+"?rate=1").Aria("label", "Rate "+l.ProductCode).Text("Rate product")
}

// timelineCard is the order's progress: the API says which steps are done,
// current or upcoming and when each was reached.
func timelineCard(steps []api.TimelineStep) app.UI {
	items := make([]app.UI, 0, len(steps))
	for _, s := range steps {
		state := s.State
		if state != "done" && state != "current" {
			state = "upcoming"
		}
		li := app.Li().ID("step-"+s.ID).Class("timeline__step timeline__step--"+state).DataSet("icon", s.Icon).Body(
			app.Span().Class("timeline__dot").Aria("hidden", "true"),
			app.Span().Class("timeline__label").Text(s.Label),
			app.If(s.At != nil, func() app.UI {
				return app.Time().Class("timeline__date").DateTime(s.At.UTC().Format("2006-01-02T15:04:05Z")).Text(components.FormatDay(s.At))
			}),
		)
		if state == "current" {
			li = li.Aria("current", "step")
		}
		items = append(items, li)
	}
	return app.Section().Class("card card--wide").Aria("labelledby", "timeline-title").Body(
		app.H2().ID("timeline-title").Class("card__title").Text("Order Progress"),
		app.Ol().ID("timeline").Class("timeline").Body(items...),
	)
}

func (p *orderPage) renderLines(o api.OrderDetail) app.UI {
	rows := []app.UI{}
	for _, l := range o.Lines {
		l := l
		hasDetails := l.ProcessingNotes != "" || l.Dimensions != "" || l.Grade != "" || l.HeatNumber != ""
		open := p.open[l.LineNo]
		rows = append(rows, app.Tr().ID("line-"+itoa(l.LineNo)).Body(
			app.Td().DataSet("label", "#").Text(itoa(l.LineNo)),
			app.Td().DataSet("label", "Product").Text(l.ProductCode),
			app.Td().DataSet("label", "Description").Body(app.Div().Body(app.Text(l.Description), p.lineMTR(l), p.rateLink(l))),
			app.Td().DataSet("label", "Qty").Class("num").Text(strings.TrimSpace(l.Quantity+" "+l.UOM)),
			app.Td().DataSet("label", "Unit Price").Class("num").Body(components.MoneyText(l.UnitPrice)),
			app.Td().DataSet("label", "Total").Class("num").Body(components.MoneyText(l.Total)),
			app.Td().DataSet("label", "Status").Body(components.StatusChip(l.Status)),
			app.Td().Body(app.If(hasDetails, func() app.UI {
				label := "Details"
				if open {
					label = "Hide"
				}
				return app.Button().ID("line-toggle-"+itoa(l.LineNo)).Class("button button--small").Type("button").
					Aria("expanded", boolText(open)).Aria("controls", "line-details-"+itoa(l.LineNo)).
					OnClick(p.toggleLine(l.LineNo)).Text(label)
			})),
		))
		if hasDetails && open {
			rows = append(rows, app.Tr().ID("line-details-"+itoa(l.LineNo)).Class("line-details").Body(
				app.Td().ColSpan(8).Body(app.Dl().Class("facts").Body(
					fact("Processing notes", l.ProcessingNotes),
					fact("Dimensions", l.Dimensions),
					fact("Grade", l.Grade),
					fact("Heat number", l.HeatNumber),
				)),
			))
		}
	}
	total := func(id, label string, m api.Money, strong bool) app.UI {
		row := app.Div().ID(id).Class("totals__row").Body(app.Dt().Text(label), app.Dd().Body(components.MoneyText(m)))
		if strong {
			row = row.Class("totals__row--total")
		}
		return row
	}
	return app.Section().Class("card card--wide").Aria("labelledby", "lines-title").Body(
		app.H2().ID("lines-title").Class("card__title").Text("Order Items"),
		app.Div().Class("table-wrap").Body(app.Table().ID("order-lines").Class("table").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Text("#"), app.Th().Text("Product"), app.Th().Text("Description"), app.Th().Class("num").Text("Qty"),
				app.Th().Class("num").Text("Unit Price"), app.Th().Class("num").Text("Total"), app.Th().Text("Status"),
				app.Th().Body(app.Span().Class("visually-hidden").Text("Details")),
			)),
			app.TBody().Body(rows...),
		)),
		app.Dl().ID("order-totals").Class("totals").Body(
			total("total-subtotal", "Subtotal", o.Subtotal, false),
			app.If(o.Processing.Amount != 0, func() app.UI { return total("total-processing", "Processing", o.Processing, false) }),
			total("total-freight", "Freight", o.Freight, false),
			total("total-tax", "Tax", o.Tax, false),
			total("total-total", "Total", o.Total, true),
		),
	)
}

// orderShipmentsCard is one card per shipment of the order.
func orderShipmentsCard(list []api.Shipment) app.UI {
	cards := make([]app.UI, 0, len(list))
	for _, s := range list {
		cards = append(cards, app.Li().ID("shipment-"+s.ID).Class("shipment-card").Body(
			app.Div().Class("shipment-card__head").Body(
				app.P().Class("account__item-title").Text("Shipment "+s.ShipmentNumber),
				components.StatusChip(s.Status),
			),
			app.Dl().Class("facts").Body(
				fact("Carrier", s.Carrier),
				fact("Tracking #", s.TrackingNumber),
				fact("Shipped", components.FormatDate(s.ShipDate)),
				fact("Estimated delivery", components.FormatDate(s.EstimatedDelivery)),
				fact("Delivered", components.FormatDay(s.DeliveredAt)),
			),
			app.If(s.ShowTracking && s.TrackingURL != "", func() app.UI {
				return app.A().Class("button tracking-link").Href(s.TrackingURL).Target("_blank").Rel("noopener noreferrer").Text("Track Package")
			}),
		))
	}
	return app.Section().Class("card card--wide").Aria("labelledby", "order-shipments-title").Body(
		app.H2().ID("order-shipments-title").Class("card__title").Text("Shipments"),
		app.Ul().ID("order-shipments").Class("account__list").Body(cards...),
	)
}

// mapsSearchURL is the Google Maps search for an address.
func mapsSearchURL(a api.Address) string {
	return "https://www.google.com/maps/search/?api=1&query=" + url.QueryEscape(addressLine(a))
}

func shippingCard(a api.Address) app.UI {
	return app.Section().ID("shipping-info").Class("card").Aria("labelledby", "shipping-title").Body(
		app.H2().ID("shipping-title").Class("card__title").Text("Shipping Information"),
		app.Address().Class("address").Body(
			app.If(a.Label != "", func() app.UI { return app.Strong().Text(a.Label) }),
			app.P().Text(addressLine(a)),
		),
		app.A().ID("shipping-map").Class("button button--small").Href(mapsSearchURL(a)).Target("_blank").Rel("noopener noreferrer").Text("Open in Maps"),
	)
}

// supportCard is "Need Help?": e-mail with the order number in the subject,
// the phone, and chat when the tenant offers it.
func supportCard(s api.SupportContacts, orderNumber string) app.UI {
	mail := "mailto:" + s.Email + "?subject=" + url.PathEscape("Order "+orderNumber)
	return app.Section().ID("support").Class("card").Aria("labelledby", "support-title").Body(
		app.H2().ID("support-title").Class("card__title").Text("Need Help?"),
		app.P().Class("card__note").Text("Questions about this order? We're here to help."),
		app.Div().Class("account__actions").Body(
			app.If(s.Email != "", func() app.UI { return app.A().ID("support-email").Class("button").Href(mail).Text("Email Support") }),
			app.If(s.Phone != "", func() app.UI {
				return app.A().ID("support-call").Class("button").Href("tel:" + telHref(s.Phone)).Text("Call " + s.Phone)
			}),
			// The portal has no chat of its own yet: the button raises
			// "portal:open-chat" (detail: the order number) on window for the
			// tenant's chat widget to pick up.
			app.If(s.ChatEnabled, func() app.UI {
				return app.Button().ID("support-chat").Class("button").Type("button").OnClick(func(app.Context, app.Event) {
					detail := app.Window().Get("Object").New()
					detail.Set("detail", orderNumber)
					app.Window().Call("dispatchEvent", app.Window().Get("CustomEvent").New("portal:open-chat", detail))
				}).Text("Live Chat")
			}),
		),
	)
}

func itoa(n int) string { return strconv.Itoa(n) }

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// canReorder reports whether the signed-in user's role may reorder.
func (p *orderPage) canReorder() bool {
	u, ok := p.session.User()
	return ok && can(u, api.CapabilityOrdersReorder)
}

// approvalCard is the order's approval (issue 8): who asked, and who
// decided with their comment; nothing when the order needed none.
func approvalCard(a *api.OrderApproval) app.UI {
	if a == nil {
		return nil
	}
	status := map[string]string{api.ApprovalPending: "Waiting for approval by an Admin of your account",
		api.ApprovalApproved: "Approved", api.ApprovalRejected: "Rejected"}[a.Status]
	return app.Section().ID("order-approval").Class("card").DataSet("status", a.Status).Aria("labelledby", "order-approval-title").Body(
		app.H2().ID("order-approval-title").Class("card__title").Text("Approval"),
		app.P().ID("order-approval-status").Text(status),
		app.Dl().Class("facts").Body(
			fact("Requested by", a.RequestedBy),
			fact("Approval limit", components.FormatMoney(a.Threshold)),
			fact("Decided by", a.DecidedBy),
			fact("Comment", a.Comment),
		),
		app.If(a.Status == api.ApprovalPending, func() app.UI {
			return app.A().ID("order-approval-link").Class("button button--small").Href(api.PageApprovals).Text("Open Approvals")
		}),
	)
}
