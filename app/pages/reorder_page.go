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

// reorderPathPattern routes /portal/orders/{id}/reorder.
const reorderPathPattern = "^" + api.PageOrders + "/[A-Za-z0-9_-]+/reorder$"

// reorderPage is /portal/orders/{id}/reorder (spec 000 reorder flow and
// reorder_review_screen): the original order's lines at today's prices,
// editable and excludable, the warnings banner, delivery options, the
// order summary priced by the server, and Place Order or Request Quote
// Instead; then the confirmation (order_confirmation_screen).
type reorderPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	id       string
	loadedID string
	r        api.Reorder
	err      error
	loaded   bool

	// What the customer edited: quantities by line and the lines left out.
	qty      map[int]string
	excluded map[int]bool
	seq      int // the latest preview asked for; older answers are dropped
	pricing  bool
	priceErr error

	shipTo, po, date, notes string
	// method is the shipping method of the estimate; shipTo "new" enters
	// a new address (reorder-new-* inputs) instead of a saved one.
	method string

	placing  bool
	placeErr error
	placed   *api.ReorderPlaced
}

func newReorderPage() app.Composer { return &reorderPage{method: "standard"} }

// newShipTo is the new address entered, once it has a country; nil
// before (the estimate stays the preselected address's).
func (p *reorderPage) newShipTo() *api.PostalAddress {
	if p.shipTo != "new" {
		return nil
	}
	a := &api.PostalAddress{Line1: inputValue("reorder-new-line1"), Line2: inputValue("reorder-new-line2"), City: inputValue("reorder-new-city"),
		Region: inputValue("reorder-new-region"), PostalCode: inputValue("reorder-new-postal"), Country: inputValue("reorder-new-country")}
	if len(a.Country) != 2 {
		return nil
	}
	return a
}

// savedShipTo is the saved address chosen; "" for a new one.
func (p *reorderPage) savedShipTo() string {
	if p.shipTo == "new" {
		return ""
	}
	return p.shipTo
}

// OnInit brands the first client render.
func (p *reorderPage) OnInit() { p.initBrand() }

// OnNav reads the order id from the path and loads the reorder.
func (p *reorderPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.id = strings.TrimSuffix(strings.TrimPrefix(ctx.Page().URL().Path, api.PageOrders+"/"), "/reorder")
	p.setHead(ctx, "Reorder", "Order again from a past order at today's prices")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *reorderPage) load() {
	u, ok := p.session.User()
	if !ok || p.session.Status != state.Loaded || p.loadedID == p.id || !can(u, api.CapabilityOrdersReorder) {
		return
	}
	id := p.id
	p.loadedID, p.loaded, p.err, p.placed = id, false, nil, nil
	p.qty, p.excluded = map[int]string{}, map[int]bool{}
	var r api.Reorder
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { r, err = cl.Reorder(c, id); return }, func(err error) {
		if id != p.loadedID {
			return
		}
		p.r, p.err, p.loaded = r, err, true
		if err == nil {
			p.shipTo = r.ShippingAddressID
			for _, l := range r.Lines {
				p.qty[l.LineNo] = l.Quantity
				if !l.Included {
					p.excluded[l.LineNo] = true
				}
			}
			p.ui.Page().SetTitle("%s", pageTitle("Reorder "+r.OrderNumber, p.brand))
		}
	})
}

// lines are the included lines as the API takes them.
func (p *reorderPage) lines() []api.ReorderLineInput {
	out := []api.ReorderLineInput{}
	for _, l := range p.r.Lines {
		if l.Discontinued || l.Problem != "" || p.excluded[l.LineNo] {
			continue
		}
		out = append(out, api.ReorderLineInput{LineNo: l.LineNo, Quantity: strings.TrimSpace(p.qty[l.LineNo])})
	}
	return out
}

// reprice asks the server for the edited reorder's prices and summary.
func (p *reorderPage) reprice() {
	p.seq++
	seq, id := p.seq, p.id
	in := api.ReorderPreview{PlacementID: p.r.PlacementID, Lines: p.lines(), ShippingMethod: p.method, ShippingAddressID: p.savedShipTo(),
		ShippingAddress: p.newShipTo()}
	p.pricing, p.priceErr = true, nil
	var r api.Reorder
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
		r, err = cl.PreviewReorder(c, id, in)
		return
	}, func(err error) {
		if seq != p.seq {
			return
		}
		p.pricing, p.priceErr = false, err
		if err == nil {
			p.r = r
		}
	})
}

func (p *reorderPage) onQuantity(n int) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		p.qty[n] = ctx.JSSrc().Get("value").String()
		p.reprice()
	}
}

func (p *reorderPage) onInclude(n int) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		p.excluded[n] = !ctx.JSSrc().Get("checked").Bool()
		p.reprice()
	}
}

func (p *reorderPage) onPlace(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.placing {
		return // a second click while the first is on its way
	}
	id := p.id
	in := api.ReorderPlace{PlacementID: p.r.PlacementID, Lines: p.lines(), ShippingAddressID: p.savedShipTo(), ShippingMethod: p.method,
		PONumber: strings.TrimSpace(p.po), RequestedDate: p.date, SpecialInstructions: p.notes}
	if p.shipTo == "new" {
		a := p.newShipTo()
		if a == nil { // the server names the missing fields
			a = &api.PostalAddress{Line1: inputValue("reorder-new-line1"), City: inputValue("reorder-new-city"), Country: inputValue("reorder-new-country")}
		}
		in.ShippingAddress = a
	}
	p.placing, p.placeErr = true, nil
	var out api.ReorderPlaced
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
		out, err = cl.PlaceReorder(c, id, in)
		return
	}, func(err error) {
		p.placing, p.placeErr = false, err
		if err == nil {
			p.placed = &out
			p.ui.Page().SetTitle("%s", pageTitle("Order "+out.OrderNumber+" placed", p.brand))
		}
	})
}

// Render implements app.Composer.
func (p *reorderPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{
		app.Nav().Class("breadcrumbs").Aria("label", "Breadcrumbs").Body(
			app.A().Href(api.PageOrders).Text("Orders"),
			app.Span().Aria("hidden", "true").Text(" / "),
			app.A().ID("reorder-crumb-order").Href(api.PageOrders+"/"+p.id).Text(orDefault(p.r.OrderNumber, "Order")),
			app.Span().Aria("hidden", "true").Text(" / "),
			app.Span().Aria("current", "page").Text("Reorder"),
		),
	}
	if gate := accountGate(p.session, api.CapabilityOrdersReorder); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, p.renderBody()...)
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("reorder").Body(content...))
}

func (p *reorderPage) renderBody() []app.UI {
	switch {
	case p.err != nil && apiclient.ErrorCode(p.err) == api.CodeNotFound:
		return []app.UI{app.Div().ID("reorder-not-found").Class("card card--wide").Role("alert").Body(
			app.H1().Class("card__title").Text("Order not found"),
			app.P().Text("There is no such order in your account to reorder."),
			app.A().Class("button button--primary").Href(api.PageOrders).Text("Back to My Orders"),
		)}
	case p.err != nil:
		return []app.UI{app.Div().ID("reorder-error").Class("card card--alert").Role("alert").Body(
			app.H1().Class("card__title").Text("We could not load this order"),
			app.P().Text(problemText(p.err)),
		)}
	case !p.loaded:
		return []app.UI{app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading the order…"))}
	case p.placed != nil:
		return []app.UI{p.renderConfirmation(*p.placed)}
	}
	r := p.r
	return []app.UI{
		app.H1().ID("reorder-title").Class("welcome__title").Text("Reorder from Order " + r.OrderNumber),
		p.renderWarnings(),
		app.Form().ID("reorder-form").Class("order__grid").OnSubmit(p.onPlace).Body(
			app.Div().Class("order__main").Body(p.renderLines(), p.renderDelivery()),
			app.Div().Class("order__side").Body(p.renderSummary()),
		),
	}
}

func (p *reorderPage) renderWarnings() app.UI {
	if len(p.r.Warnings) == 0 {
		return nil
	}
	items := make([]app.UI, 0, len(p.r.Warnings))
	for _, w := range p.r.Warnings {
		items = append(items, app.Li().Class("reorder-warning reorder-warning--"+w.Type).DataSet("type", w.Type).Text(w.Message))
	}
	return app.Div().ID("reorder-warnings").Class("card card--wide card--warning").Role("alert").Body(
		app.H2().Class("card__title").Text("Please review"),
		app.Ul().Class("plain-list").Body(items...),
	)
}

// reorderAvailabilityChip shows a line's stock as spec 000's availability_chip.
func reorderAvailabilityChip(id, availability string) app.UI {
	label, color := "In Stock", "green"
	switch availability {
	case "low_stock":
		label, color = "Low Stock", "yellow"
	case "out_of_stock":
		label, color = "Out of Stock", "red"
	case api.AvailabilityDiscontinued:
		label, color = "Discontinued", "grey"
	}
	return app.Span().ID(id).Class("chip chip--"+color).DataSet("availability", availability).Text(label)
}

func (p *reorderPage) renderLines() app.UI {
	rows := make([]app.UI, 0, len(p.r.Lines))
	for _, l := range p.r.Lines {
		n := itoa(l.LineNo)
		disabled := l.Discontinued || l.Problem != ""
		included := !disabled && !p.excluded[l.LineNo]
		class := "reorder-line"
		if disabled {
			class += " reorder-line--disabled"
		} else if l.PriceChanged || l.Availability == "low_stock" || l.Availability == "out_of_stock" {
			class += " reorder-line--warning"
		}
		check := app.Input().ID("include-"+n).Type("checkbox").Class("field__check").Checked(included).
			Aria("label", "Include "+orDefault(l.ProductCode, l.Description)).OnChange(p.onInclude(l.LineNo))
		qty := app.Input().ID("qty-"+n).Type("text").Class("field__input reorder-qty").Attr("inputmode", "decimal").
			Value(p.qty[l.LineNo]).Aria("label", "Quantity of "+orDefault(l.ProductCode, l.Description)).OnChange(p.onQuantity(l.LineNo))
		if disabled {
			check, qty = check.Disabled(true), qty.Disabled(true)
		} else if !included {
			qty = qty.Disabled(true)
		}
		current := app.Td().ID("current-price-"+n).DataSet("label", "Current").Class("num")
		if disabled {
			current = current.Text("—")
		} else {
			cls := "money"
			if l.PriceChanged {
				cls = "money price--changed"
			}
			current = current.Body(app.Span().Class(cls).Text(components.FormatMoney(l.CurrentPrice)),
				app.If(l.PriceChanged, func() app.UI { return app.Span().Class("visually-hidden").Text(" (price changed)") }))
		}
		rows = append(rows, app.Tr().ID("reorder-line-"+n).Class(class).Aria("disabled", boolText(disabled)).Body(
			app.Td().DataSet("label", "Include").Body(check),
			app.Td().DataSet("label", "Product").Text(l.ProductCode),
			app.Td().DataSet("label", "Description").Text(l.Description),
			app.Td().DataSet("label", "Qty").Body(qty),
			app.Td().DataSet("label", "UOM").Text(l.UOM),
			app.Td().DataSet("label", "Availability").Body(reorderAvailabilityChip("availability-"+n, l.Availability)),
			app.Td().ID("prev-price-"+n).DataSet("label", "Prev Price").Class("num muted").Text(components.FormatMoney(l.OriginalPrice)),
			current,
			app.Td().ID("line-total-"+n).DataSet("label", "Total").Class("num").Body(components.MoneyText(l.Total)),
		))
	}
	return app.Section().Class("card card--wide").Aria("labelledby", "reorder-items-title").Body(
		app.H2().ID("reorder-items-title").Class("card__title").Text("Items"),
		app.If(p.priceErr != nil, func() app.UI { return alertLine("reorder-price-error", problemText(p.priceErr)) }),
		app.Div().Class("table-wrap").Body(app.Table().ID("reorder-lines").Class("table").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Body(app.Span().Class("visually-hidden").Text("Include")), app.Th().Text("Product"), app.Th().Text("Description"),
				app.Th().Text("Qty"), app.Th().Text("UOM"), app.Th().Text("Availability"), app.Th().Class("num").Text("Prev Price"),
				app.Th().Class("num").Text("Current"), app.Th().Class("num").Text("Total"),
			)),
			app.TBody().Body(rows...),
		)),
	)
}

func (p *reorderPage) renderDelivery() app.UI {
	var fields map[string]string
	if e, _, ok := apiError(p.placeErr); ok && e != nil {
		fields = fieldMessages(e.Fields, map[string]string{"po_number": "reorder-po", "shipping_address_id": "reorder-ship-to",
			"requested_date": "reorder-date", "special_instructions": "reorder-notes", "shipping_method": "reorder-method",
			"shipping_address": "reorder-ship-to", "shipping_address.line1": "reorder-new-line1", "shipping_address.city": "reorder-new-city",
			"shipping_address.country": "reorder-new-country"})
	}
	options := []app.UI{}
	for _, a := range p.r.ShippingAddresses {
		options = append(options, app.Option().Value(a.ID).Selected(a.ID == p.shipTo).Text(orDefault(a.Label, "")+" "+addressLine(a)))
	}
	options = append(options, app.Option().Value("new").Selected(p.shipTo == "new").Text("A new address"))
	newField := func(suffix, label, auto string) app.UI {
		id := "reorder-new-" + suffix
		return app.Div().Class("field").Body(
			app.Label().For(id).Class("field__label").Text(label),
			withFieldError(app.Input().ID(id).Class("field__input").Type("text").Attr("autocomplete", auto).
				OnChange(func(app.Context, app.Event) {
					if suffix == "country" || suffix == "region" {
						p.reprice() // the estimate follows the new address's country and region
					}
				}), id, fields[id]),
			fieldError(id, fields[id]))
	}
	poLabel := "Your PO Number"
	if !p.r.PORequired {
		poLabel += " (optional)"
	}
	po := app.Input().ID("reorder-po").Class("field__input").Type("text").Value(p.po).OnInput(p.ValueTo(&p.po))
	if p.r.PORequired {
		po = po.Required(true)
	}
	return app.Div().Body(
		app.Section().Class("card card--wide").Aria("labelledby", "reorder-ship-title").Body(
			app.H2().ID("reorder-ship-title").Class("card__title").Text("Shipping"),
			app.Div().Class("field").Body(
				app.Label().For("reorder-ship-to").Class("field__label").Text("Ship to"),
				app.Select().ID("reorder-ship-to").Class("field__input").OnChange(func(ctx app.Context, _ app.Event) {
					p.shipTo = ctx.JSSrc().Get("value").String()
					p.reprice()
				}).Body(options...),
				fieldError("reorder-ship-to", fields["reorder-ship-to"]),
			),
			app.If(p.shipTo == "new", func() app.UI {
				return app.Div().ID("reorder-new-address").Class("reorder-new-address").Body(
					newField("line1", "Street address", "address-line1"), newField("line2", "Address line 2 (optional)", "address-line2"),
					newField("city", "City", "address-level2"), newField("region", "State or region", "address-level1"),
					newField("postal", "Postal code", "postal-code"), newField("country", "Country (two letters, e.g. US)", "country"))
			}),
			app.Div().Class("field").Body(
				app.Label().For("reorder-method").Class("field__label").Text("Shipping method"),
				shippingMethodSelect("reorder-method", p.method, func(m string) { p.method = m; p.reprice() }),
				fieldError("reorder-method", fields["reorder-method"]),
			),
		),
		app.Section().Class("card card--wide").Aria("labelledby", "reorder-details-title").Body(
			app.H2().ID("reorder-details-title").Class("card__title").Text("Order Details"),
			app.Div().Class("field").Body(
				app.Label().For("reorder-po").Class("field__label").Text(poLabel),
				withFieldError(po, "reorder-po", fields["reorder-po"]),
				fieldError("reorder-po", fields["reorder-po"]),
			),
			app.Div().Class("field").Body(
				app.Label().For("reorder-date").Class("field__label").Text("Requested Ship Date (optional)"),
				app.Input().ID("reorder-date").Class("field__input").Type("date").Attr("min", p.r.EarliestDate).Value(p.date).
					OnChange(p.ValueTo(&p.date)),
				app.P().Class("field__hint").Text("Earliest: "+components.FormatDate(p.r.EarliestDate)),
				fieldError("reorder-date", fields["reorder-date"]),
			),
			app.Div().Class("field").Body(
				app.Label().For("reorder-notes").Class("field__label").Text("Special Instructions (optional)"),
				app.Textarea().ID("reorder-notes").Class("field__input").Placeholder("Delivery instructions, contact info, etc.").
					MaxLength(2000).OnInput(p.ValueTo(&p.notes)).Text(p.notes),
				fieldError("reorder-notes", fields["reorder-notes"]),
			),
		),
	)
}

func (p *reorderPage) renderSummary() app.UI {
	r := p.r
	row := func(id, label string, m api.Money, strong bool) app.UI {
		d := app.Div().ID(id).Class("totals__row").Body(app.Dt().Text(label), app.Dd().Body(components.MoneyText(m)))
		if strong {
			d = d.Class("totals__row--total")
		}
		return d
	}
	nothing := len(p.lines()) == 0
	return app.Section().ID("reorder-summary").Class("card reorder-summary").Aria("labelledby", "reorder-summary-title").Body(
		app.H2().ID("reorder-summary-title").Class("card__title").Text("Order Summary"),
		app.Dl().Class("totals").Body(
			row("reorder-subtotal", "Subtotal", r.Subtotal, false),
			row("reorder-freight", "Estimated freight", r.FreightEstimate, false),
			row("reorder-tax", taxLabel(r.Estimate), r.TaxEstimate, false),
			row("reorder-total", "Estimated Total", r.GrandTotal, true),
		),
		app.P().ID("reorder-estimate-note").Class("card__note").Text(r.EstimateNote),
		app.P().Class("card__note").Text("Final pricing confirmed upon order review. Payment terms: "+orDefault(r.PaymentTerms, "on account")+"."),
		app.If(r.CreditWarning != "", func() app.UI {
			return app.P().ID("reorder-credit-warning").Class("account__alert").Role("status").Text(r.CreditWarning)
		}),
		app.If(r.NeedsApproval, func() app.UI {
			return app.P().ID("reorder-approval-note").Class("card__note").Text("This order needs approval by an Admin of your account before it is sent to us.")
		}),
		app.If(p.placeErr != nil, func() app.UI { return alertLine("reorder-place-error", problemText(p.placeErr)) }),
		app.Div().Class("account__actions account__actions--stack").Body(
			app.Button().ID("reorder-place").Type("submit").Class("button button--primary button--large").
				Disabled(p.placing || p.pricing || nothing).Text(placeLabel(p.placing)),
			app.A().ID("reorder-quote").Class("button button--text").Href(api.PageQuoteFromOrder(p.id)).Text("Request Quote Instead"),
		),
	)
}

// taxLabel is "Estimated tax", with the rate when one applies.
func placeLabel(placing bool) string {
	if placing {
		return "Placing…"
	}
	return "Place Order"
}

func (p *reorderPage) renderConfirmation(o api.ReorderPlaced) app.UI {
	title := "Order placed"
	note := "Thank you. We will confirm your order shortly."
	if o.AwaitingApproval {
		title = "Order submitted for approval"
		note = "An Admin of your account has been asked to approve it; it is sent to us once approved."
	}
	return app.Section().ID("reorder-confirmation").Class("card card--wide card--cta").Role("status").Body(
		app.H1().ID("confirm-title").Class("card__title").Text(title),
		app.P().Text(note),
		app.Dl().Class("facts facts--grid").Body(
			figure("confirm-number", "Order Number", app.Text(o.OrderNumber)),
			figure("confirm-status", "Status", components.StatusChip(o.Status)),
			figure("confirm-ship", "Estimated Ship Date", app.Text(components.FormatDate(o.EstimatedShipDate))),
			figure("confirm-total", "Order Total", components.MoneyText(o.Total).Class("money--large")),
		),
		app.If(o.CreditWarning != "", func() app.UI {
			return app.P().ID("confirm-credit-warning").Class("account__alert").Text(o.CreditWarning)
		}),
		app.Div().Class("account__actions").Body(
			app.A().ID("confirm-view").Class("button button--primary").Href(api.PageOrders+"/"+o.OrderID).Text("View Order"),
			app.A().ID("confirm-dashboard").Class("button").Href(components.PathDashboard).Text("Return to Dashboard"),
			app.Button().ID("confirm-print").Class("button").Type("button").OnClick(func(app.Context, app.Event) {
				app.Window().Call("print")
			}).Text("Print Confirmation"),
		),
	)
}
