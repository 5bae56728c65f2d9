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

// shipmentsPage is /portal/shipments (spec 001 "Shipments"): the
// customer's shipments newest first, and a tracking dialog for one of them
// (?page= keeps the page in the URL).
type shipmentsPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	page      int
	loadedKey string
	list      api.ShipmentList
	err       error
	loaded    bool

	// The tracking dialog: the shipment asked for, then its detail (with
	// lines) once it answers.
	tracking    *api.Shipment
	trackingErr error
}

func newShipmentsPage() app.Composer { return &shipmentsPage{} }

// OnInit brands the first client render.
func (p *shipmentsPage) OnInit() { p.initBrand() }

// OnNav reads the page number and loads that page.
func (p *shipmentsPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Shipments", "Your shipments and their tracking")
	p.page, _ = strconv.Atoi(ctx.Page().URL().Query().Get("page"))
	if p.page < 1 {
		p.page = 1
	}
	p.tracking = nil
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *shipmentsPage) load() {
	if _, ok := p.session.User(); !ok || p.session.Status != state.Loaded {
		return
	}
	q := url.Values{"page": {strconv.Itoa(p.page)}, "page_size": {"20"}}
	key := q.Encode()
	if key == p.loadedKey {
		return
	}
	p.loadedKey, p.loaded, p.err = key, false, nil
	var l api.ShipmentList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.Shipments(c, q); return }, func(err error) {
		if key == p.loadedKey {
			p.list, p.err, p.loaded = l, err, true
		}
	})
}

// openTracking shows the dialog for the row's shipment at once, then fills
// in its lines from GET /api/v1/shipments/{id}.
func (p *shipmentsPage) openTracking(ctx app.Context, _ app.Event) {
	id := clickedID(ctx)
	for i := range p.list.Shipments {
		if p.list.Shipments[i].ID == id {
			s := p.list.Shipments[i]
			p.tracking, p.trackingErr = &s, nil
		}
	}
	if p.tracking == nil {
		return
	}
	var s api.Shipment
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { s, err = cl.Shipment(c, id); return }, func(err error) {
		if p.tracking == nil || p.tracking.ID != id {
			return
		}
		p.trackingErr = err
		if err == nil {
			p.tracking = &s
		}
	})
	focusFirst(ctx, "tracking-close")
}

func (p *shipmentsPage) closeTracking(app.Context, app.Event) { p.tracking = nil }

// Render implements app.Composer.
func (p *shipmentsPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().Class("welcome__title").Text("Shipments")}
	if gate := accountGate(p.session, ""); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, p.renderList(), app.If(p.tracking != nil, p.renderTracking))
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("shipments").Body(content...))
}

func (p *shipmentsPage) renderList() app.UI {
	switch {
	case p.err != nil:
		return app.Div().ID("shipments-error").Class("card card--alert").Role("alert").Body(
			app.H2().Class("card__title").Text("We could not load your shipments"), app.P().Text(problemText(p.err)))
	case !p.loaded:
		return app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading shipments…"))
	case len(p.list.Shipments) == 0:
		return app.Div().ID("shipments-empty").Class("card card--wide").Body(emptyState("local_shipping", "No shipments yet"))
	}
	rows := make([]app.UI, 0, len(p.list.Shipments))
	for _, s := range p.list.Shipments {
		rows = append(rows, app.Tr().ID("shipment-"+s.ID).Body(
			app.Td().DataSet("label", "Shipment").Text(s.ShipmentNumber),
			app.Td().DataSet("label", "Order").Body(app.A().Href(api.PageOrders+"/"+s.OrderID).Text(s.OrderNumber)),
			app.Td().DataSet("label", "Status").Body(components.StatusChip(s.Status)),
			app.Td().DataSet("label", "Carrier").Text(s.Carrier),
			app.Td().DataSet("label", "Shipped").Text(components.FormatDate(s.ShipDate)),
			app.Td().DataSet("label", "Tracking").Body(app.If(s.ShowTracking && s.TrackingNumber != "", func() app.UI {
				return app.Text(s.TrackingNumber)
			}).Else(func() app.UI { return app.Span().Class("card__note").Text("Not yet") })),
			app.Td().Class("orders__actions").Body(
				app.Button().ID("track-"+s.ID).Class("button button--small").Type("button").DataSet("id", s.ID).
					Aria("haspopup", "dialog").OnClick(p.openTracking).Text("Details"),
				trackingLink(s),
			),
		))
	}
	return app.Div().Class("card card--wide").Body(
		app.Div().Class("table-wrap").Body(app.Table().ID("shipments").Class("table").Body(
			app.THead().Body(app.Tr().Body(app.Th().Text("Shipment"), app.Th().Text("Order"), app.Th().Text("Status"), app.Th().Text("Carrier"),
				app.Th().Text("Shipped"), app.Th().Text("Tracking"), app.Th().Body(app.Span().Class("visually-hidden").Text("Actions")))),
			app.TBody().Body(rows...),
		)),
		pager(p.list.Page, p.list.TotalPages, func(page int) string { return api.PageShipments + "?page=" + strconv.Itoa(page) }),
	)
}

// renderTracking is the tracking dialog of one shipment: carrier, number,
// link, dates and the lines it carries.
func (p *shipmentsPage) renderTracking() app.UI {
	s := *p.tracking
	lines := make([]app.UI, 0, len(s.Lines))
	for _, l := range s.Lines {
		lines = append(lines, app.Li().Text(itoa(l.LineNo)+". "+l.Description+" — "+l.Quantity+" "+l.UOM))
	}
	return app.Div().Class("dialog").OnClick(func(ctx app.Context, e app.Event) {
		if e.Get("target").Equal(e.Get("currentTarget")) { // a click on the backdrop
			p.tracking = nil
		}
	}).Body(
		app.Div().ID("tracking-dialog").Class("card dialog__box").Role("dialog").Aria("modal", "true").Aria("labelledby", "tracking-title").
			OnKeyDown(func(ctx app.Context, e app.Event) {
				if e.Get("key").String() == "Escape" {
					p.tracking = nil
				}
			}).Body(
			app.Div().Class("shipment-card__head").Body(
				app.H2().ID("tracking-title").Class("card__title").Text("Shipment "+s.ShipmentNumber),
				components.StatusChip(s.Status),
			),
			app.Dl().Class("facts").Body(
				fact("Order", s.OrderNumber),
				fact("Carrier", s.Carrier),
				app.If(s.ShowTracking, func() app.UI { return fact("Tracking number", s.TrackingNumber) }),
				fact("Shipped", components.FormatDate(s.ShipDate)),
				fact("Estimated delivery", components.FormatDate(s.EstimatedDelivery)),
				fact("Delivered", components.FormatDay(s.DeliveredAt)),
			),
			app.If(len(lines) > 0, func() app.UI {
				return app.Div().Body(app.H3().Class("field__label").Text("Lines shipped"), app.Ul().ID("tracking-lines").Class("plain-list").Body(lines...))
			}),
			alertLine("tracking-error", problemText(p.trackingErr)),
			app.Div().Class("account__actions").Body(
				app.If(s.ShowTracking && s.TrackingURL != "", func() app.UI {
					return app.A().ID("tracking-link").Class("button button--primary").Href(s.TrackingURL).Target("_blank").
						Rel("noopener noreferrer").Text("Track on the carrier's site")
				}),
				app.Button().ID("tracking-close").Class("button").Type("button").OnClick(p.closeTracking).Text("Close"),
			),
		),
	)
}
