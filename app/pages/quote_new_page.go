package pages

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Steps of the quote request flow (spec 000 request_quote).
const (
	quoteStepType    = "type"
	quoteStepBuild   = "build"
	quoteStepReview  = "review"
	quoteStepConfirm = "confirm"
)

// quoteItem is one item of the quote cart.
type quoteItem struct {
	ProductID, Code, Name, UOM string
	Quantity, Processing       string
}

// quoteNewPage is /portal/quotes/new: the four steps of spec 000's quote
// request flow. Type (stock items, custom processing, bulk order); the
// builder (product search, recently ordered products, the quote cart with
// quantities and processing, special instructions up to 1,000 characters,
// needed-by date from tomorrow); review; confirmation with the reference,
// expected response time and sales rep. The request is a draft on the
// server from the first save: "Save Draft", and every 30 s while it has
// unsaved changes. ?draft={id} continues a draft; ?from_order={id} starts
// from an order's lines (the reorder screen's "Request Quote Instead");
// ?from_cart=1 from the cart's lines (the cart's "Request quote").
type quoteNewPage struct {
	app.Compo
	chrome
	ui      app.Context
	session state.Session
	started bool

	step         string
	draftID      string
	typ          string
	items        []quoteItem
	instructions string
	neededBy     string
	dirty        bool
	saving       bool
	savedNote    string
	problem      formProblem

	search  string
	results []api.QuoteProduct
	recent  []api.QuoteProduct

	submitted *api.Quote
	mounted   bool
}

func newQuoteNewPage() app.Composer { return &quoteNewPage{} }

// OnInit brands the first client render.
func (p *quoteNewPage) OnInit() { p.initBrand() }

// OnMount starts the auto-save clock (browser only).
func (p *quoteNewPage) OnMount(ctx app.Context) {
	p.mounted = true
	var tick func(ctx app.Context)
	tick = func(ctx app.Context) {
		if !p.mounted {
			return
		}
		if p.dirty && !p.saving && (p.step == quoteStepBuild || p.step == quoteStepReview) {
			p.save("Saved automatically")
		}
		ctx.After(api.QuoteDraftAutoSaveSeconds*time.Second, tick)
	}
	ctx.After(api.QuoteDraftAutoSaveSeconds*time.Second, tick)
}

// OnDismount stops the auto-save clock.
func (p *quoteNewPage) OnDismount() { p.mounted = false }

// OnNav resets the flow and loads what its query names.
func (p *quoteNewPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Request Quote", "Request a quote for stock items, custom processing or a bulk order")
	q := ctx.Page().URL().Query()
	*p = quoteNewPage{Compo: p.Compo, chrome: p.chrome, ui: ctx, session: p.session, mounted: p.mounted, step: quoteStepType,
		typ: api.QuoteTypes[0].ID, draftID: q.Get("draft")}
	fromOrder, fromCart := q.Get(api.QueryFromOrder), q.Get(api.QueryFromCart) == "1"
	ctx.ObserveState(state.KeySession, &p.session).OnChange(func() { p.start(fromOrder, fromCart) })
	p.start(fromOrder, fromCart)
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

// start loads the recent products and the draft or order to start from,
// once the session is known.
func (p *quoteNewPage) start(fromOrder string, fromCart bool) {
	if _, ok := p.session.User(); !ok || p.session.Status != state.Loaded || p.started {
		return
	}
	p.started = true
	var recent api.QuoteProductList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
		recent, err = cl.RecentQuoteProducts(c)
		return
	}, func(err error) {
		p.recent = recent.Products
	})
	switch {
	case p.draftID != "":
		id := p.draftID
		var q api.Quote
		callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { q, err = cl.Quote(c, id); return }, func(err error) {
			if err != nil {
				p.problem = formProblem{Message: problemText(err)}
				return
			}
			p.typ, p.instructions, p.step = q.Type, q.SpecialInstructions, quoteStepBuild
			if q.NeededByDate != nil {
				p.neededBy = *q.NeededByDate
			}
			for _, l := range q.Lines {
				p.items = append(p.items, quoteItem{ProductID: l.ProductID, Code: l.ProductCode, Name: l.Description, UOM: l.UOM,
					Quantity: l.Quantity, Processing: l.Processing})
			}
		})
	case fromCart:
		var cart api.Cart
		callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { cart, err = cl.Cart(c); return }, func(err error) {
			if err != nil {
				p.problem = formProblem{Message: problemText(err)}
				return
			}
			for _, l := range cart.Lines {
				p.items = append(p.items, quoteItem{ProductID: l.ProductID, Code: l.Code, Name: l.Name, UOM: l.UOM,
					Quantity: l.Quantity, Processing: l.Notes})
			}
			p.step, p.dirty = quoteStepBuild, len(p.items) > 0
		})
	case fromOrder != "":
		var l api.QuoteProductList
		callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
			l, err = cl.QuoteFromOrder(c, fromOrder)
			return
		}, func(err error) {
			if err != nil {
				p.problem = formProblem{Message: problemText(err)}
				return
			}
			for i, line := range l.Lines {
				pr := l.Products[i]
				p.items = append(p.items, quoteItem{ProductID: line.ProductID, Code: pr.Code, Name: pr.Name, UOM: line.UOM,
					Quantity: line.Quantity, Processing: line.Processing})
			}
			p.step, p.dirty = quoteStepBuild, len(p.items) > 0
		})
	}
}

func (p *quoteNewPage) request() api.QuoteRequest {
	in := api.QuoteRequest{Type: p.typ, NeededByDate: p.neededBy, SpecialInstructions: p.instructions, DraftID: p.draftID,
		Lines: []api.QuoteLineInput{}}
	for _, it := range p.items {
		in.Lines = append(in.Lines, api.QuoteLineInput{ProductID: it.ProductID, Quantity: it.Quantity, UOM: it.UOM, Processing: it.Processing})
	}
	return in
}

// quoteFieldIDs maps the API's fields to the builder's inputs.
func (p *quoteNewPage) quoteFieldIDs() map[string]string {
	ids := map[string]string{"needed_by_date": "quote-needed-by", "special_instructions": "quote-instructions", "lines": "quote-cart", "type": "quote-cart"}
	for i := range p.items {
		n := strconv.Itoa(i)
		ids["lines["+n+"].quantity"], ids["lines["+n+"].product_id"], ids["lines["+n+"].processing"] = "qty-"+n, "qty-"+n, "proc-"+n
	}
	return ids
}

// save stores the request as the draft (a new one the first time), then
// notes note.
func (p *quoteNewPage) save(note string) {
	p.saving, p.dirty = true, false
	id, in := p.draftID, p.request()
	var q api.Quote
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
		q, err = cl.SaveQuoteDraft(c, id, in)
		return
	}, func(err error) {
		p.saving = false
		if err != nil {
			p.dirty = true
			p.problem = describeFormError(err, p.quoteFieldIDs())
			return
		}
		p.draftID, p.problem = q.ID, formProblem{}
		p.savedNote = note + " at " + time.Now().Format("15:04")
	})
}

func (p *quoteNewPage) changed() { p.dirty, p.savedNote = true, "" }

func (p *quoteNewPage) onType(ctx app.Context, _ app.Event) {
	p.typ, p.step = clickedID(ctx), quoteStepBuild
	p.changed()
}

func (p *quoteNewPage) onSearch(ctx app.Context, e app.Event) {
	e.PreventDefault()
	readInputs(ctx, map[string]*string{"quote-search": &p.search})
	term := strings.TrimSpace(p.search)
	if term == "" {
		p.results = nil
		return
	}
	var l api.QuoteProductList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.QuoteProducts(c, term); return }, func(err error) {
		if err != nil {
			p.problem = formProblem{Message: problemText(err)}
			return
		}
		p.results = l.Products
	})
}

func (p *quoteNewPage) onAdd(ctx app.Context, _ app.Event) {
	id := clickedID(ctx)
	if len(p.items) >= 200 {
		return
	}
	for _, list := range [][]api.QuoteProduct{p.results, p.recent} {
		if i := slices.IndexFunc(list, func(pr api.QuoteProduct) bool { return pr.ProductID == id }); i >= 0 {
			pr := list[i]
			p.items = append(p.items, quoteItem{ProductID: pr.ProductID, Code: pr.Code, Name: pr.Name, UOM: pr.UOM, Quantity: "1"})
			p.changed()
			return
		}
	}
}

func (p *quoteNewPage) itemInput(i int, field string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		if i >= len(p.items) {
			return
		}
		v := ctx.JSSrc().Get("value").String()
		switch field {
		case "quantity":
			p.items[i].Quantity = v
		case "processing":
			p.items[i].Processing = v
		}
		p.changed()
	}
}

func (p *quoteNewPage) onRemove(ctx app.Context, _ app.Event) {
	i, err := strconv.Atoi(clickedID(ctx))
	if err != nil || i < 0 || i >= len(p.items) {
		return
	}
	p.items = slices.Delete(p.items, i, i+1)
	p.changed()
}

func (p *quoteNewPage) onSaveDraft(ctx app.Context, _ app.Event) {
	if !p.saving {
		p.save("Draft saved")
	}
}

func (p *quoteNewPage) onReview(ctx app.Context, _ app.Event) {
	if len(p.items) > 0 {
		p.step, p.problem = quoteStepReview, formProblem{}
	}
}

func (p *quoteNewPage) onEdit(ctx app.Context, _ app.Event) { p.step = quoteStepBuild }

func (p *quoteNewPage) onSubmit(ctx app.Context, _ app.Event) {
	if p.saving {
		return
	}
	p.saving = true
	in := p.request()
	var q api.Quote
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { q, err = cl.SubmitQuote(c, in); return }, func(err error) {
		p.saving = false
		if err != nil {
			p.problem = describeFormError(err, p.quoteFieldIDs())
			if e, ok := err.(*apiclient.Error); ok && len(e.Fields) > 0 {
				p.step = quoteStepBuild
			}
			return
		}
		p.submitted, p.step, p.dirty = &q, quoteStepConfirm, false
	})
}

// Render implements app.Composer.
func (p *quoteNewPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{
		app.Nav().Class("breadcrumbs").Aria("label", "Breadcrumbs").Body(
			app.A().Href(components.PathDashboard).Text("Dashboard"), app.Span().Aria("hidden", "true").Text(" / "),
			app.Span().Aria("current", "page").Text("Request Quote")),
		app.H1().Class("welcome__title").Text("Request Quote"),
	}
	if gate := accountGate(p.session, api.CapabilityQuotesRequest); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, formAlert("quote-error", p.problem, p.brand.Name))
		switch p.step {
		case quoteStepType:
			content = append(content, p.renderTypes())
		case quoteStepBuild:
			content = append(content, p.renderBuilder()...)
		case quoteStepReview:
			content = append(content, p.renderReview())
		case quoteStepConfirm:
			content = append(content, p.renderConfirmation())
		}
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("quote-new").DataSet("step", p.step).Body(content...))
}

func (p *quoteNewPage) renderTypes() app.UI {
	options := make([]app.UI, 0, len(api.QuoteTypes))
	for _, t := range api.QuoteTypes {
		options = append(options, app.Button().ID("quote-type-"+t.ID).DataSet("id", t.ID).Type("button").
			Class("button quote-type").DataSet("icon", t.Icon).OnClick(p.onType).Text(t.Label))
	}
	return app.Div().ID("quote-types").Class("card").Body(
		app.H2().Class("card__title").Text("What do you need a quote for?"),
		app.Div().Class("actions actions--stack").Body(options...))
}

func (p *quoteNewPage) productList(id, title string, list []api.QuoteProduct) app.UI {
	rows := make([]app.UI, 0, len(list))
	for _, pr := range list {
		detail := strings.TrimSpace(strings.Join([]string{pr.Form, pr.Grade, pr.Dimensions}, " "))
		rows = append(rows, app.Li().Class("list-row product-row").Body(
			app.Div().Class("list-row__text").Body(
				app.P().Class("list-row__primary").Text(pr.Name),
				app.P().Class("list-row__secondary").Text(strings.TrimSpace(pr.Code+" · "+detail))),
			app.Button().ID("add-"+pr.Code).DataSet("id", pr.ProductID).Type("button").Class("button button--small").
				OnClick(p.onAdd).Text("Add to Quote")))
	}
	return app.Div().ID(id).Class("quote-products").Body(app.H3().Text(title), app.Ul().Class("list").Body(rows...))
}

func (p *quoteNewPage) renderBuilder() []app.UI {
	tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	search := []app.UI{
		app.H2().Class("card__title").Text(orDefault(quoteTypeLabels[p.typ], "Products")),
		app.Form().ID("quote-search-form").Class("search").OnSubmit(p.onSearch).Body(
			app.Input().ID("quote-search").Name("quote-search").Type("search").Class("field__input").
				Placeholder("Search products by name, grade, dimensions...").Value(p.search).
				OnInput(func(ctx app.Context, _ app.Event) { p.search = ctx.JSSrc().Get("value").String() }),
			app.Button().ID("quote-search-go").Type("submit").Class("button").Text("Search")),
	}
	switch {
	case strings.TrimSpace(p.search) != "" && p.results != nil:
		if len(p.results) == 0 {
			search = append(search, app.P().ID("quote-no-results").Text("No products match."))
		} else {
			search = append(search, p.productList("quote-results", "Results", p.results))
		}
	case len(p.recent) > 0:
		search = append(search, p.productList("quote-recent", "Recently Ordered", p.recent))
	}
	msgs := p.problem.Fields
	cart := []app.UI{app.H2().Class("card__title").Text("Quote Items"),
		app.P().ID("quote-item-count").Class("card__note").Text(strconv.Itoa(len(p.items)) + " items")}
	if len(p.items) == 0 {
		cart = append(cart, emptyState("shopping_cart", "Your quote is empty"), app.P().Class("card__note").Text("Search for products to add"))
	}
	for i, it := range p.items {
		n := strconv.Itoa(i)
		cart = append(cart, app.Div().Class("quote-item").DataSet("code", it.Code).Body(
			app.P().Class("quote-item__name").Body(app.Strong().Text(it.Code), app.Text(" "+it.Name)),
			app.Label().Class("field field--inline").Body(app.Span().Class("field__label").Text("Quantity ("+it.UOM+")"),
				app.Input().ID("qty-"+n).Type("number").Attr("min", "0.001").Attr("step", "any").Class("field__input").
					Value(it.Quantity).OnInput(p.itemInput(i, "quantity"))),
			fieldError("qty-"+n, msgs["qty-"+n]),
			app.Label().Class("field").Body(app.Span().Class("field__label").Text("Processing (optional)"),
				app.Input().ID("proc-"+n).Class("field__input").Placeholder("Cut to length, saw cut, shear…").MaxLength(1000).
					Value(it.Processing).OnInput(p.itemInput(i, "processing"))),
			app.Button().ID("remove-"+n).DataSet("id", n).Type("button").Class("button button--small").OnClick(p.onRemove).Text("Remove"),
		))
	}
	count := utf8.RuneCountInString(p.instructions)
	cart = append(cart,
		app.Label().Class("field").Body(app.Span().Class("field__label").Text("Special Instructions"),
			app.Textarea().ID("quote-instructions").Class("field__input").MaxLength(api.MaxQuoteInstructions).
				Placeholder("Any special requirements, tolerances, or notes...").Text(p.instructions).
				OnInput(func(ctx app.Context, _ app.Event) { p.instructions = ctx.JSSrc().Get("value").String(); p.changed() })),
		app.P().ID("quote-instructions-count").Class("card__note").Text(strconv.Itoa(count)+" / 1,000"),
		fieldError("quote-instructions", msgs["quote-instructions"]),
		app.Label().Class("field").Body(app.Span().Class("field__label").Text("Needed By (Optional)"),
			app.Input().ID("quote-needed-by").Type("date").Attr("min", tomorrow).Class("field__input").Value(p.neededBy).
				OnChange(func(ctx app.Context, _ app.Event) { p.neededBy = ctx.JSSrc().Get("value").String(); p.changed() })),
		fieldError("quote-needed-by", msgs["quote-needed-by"]),
		statusLine("quote-saved", p.savedNote),
		app.Div().Class("actions actions--sticky").Body(
			app.Button().ID("quote-save-draft").Type("button").Class("button").Disabled(p.saving).OnClick(p.onSaveDraft).Text("Save Draft"),
			app.Button().ID("quote-review").Type("button").Class("button button--primary").Disabled(len(p.items) == 0).
				OnClick(p.onReview).Text("Review Quote Request")),
	)
	return []app.UI{
		app.Div().ID("quote-search-panel").Class("card").Body(search...),
		app.Div().ID("quote-cart").Class("card").Body(cart...),
	}
}

func (p *quoteNewPage) renderReview() app.UI {
	user, _ := p.session.User()
	rows := make([]app.UI, 0, len(p.items))
	for _, it := range p.items {
		line := it.Quantity + " " + it.UOM + " × " + it.Code + " " + it.Name
		if it.Processing != "" {
			line += " · " + it.Processing
		}
		rows = append(rows, app.Li().Class("review-line").Text(line))
	}
	needed := "Not given"
	if p.neededBy != "" {
		needed = components.FormatDate(p.neededBy)
	}
	return app.Div().ID("quote-review-panel").Class("card").Body(
		app.H2().Class("card__title").Text("Review your request"),
		app.P().Text("Type: "+orDefault(quoteTypeLabels[p.typ], p.typ)),
		app.Ul().ID("quote-review-lines").Class("list").Body(rows...),
		app.H3().Text("Contact"),
		app.P().ID("quote-contact").Text(user.Name+" · "+user.Email),
		app.H3().Text("Notes"),
		app.P().Text(orDefault(p.instructions, "None")),
		app.P().Text("Needed by: "+needed),
		statusLine("quote-saved", p.savedNote),
		app.Div().Class("actions actions--sticky").Body(
			app.Button().ID("quote-edit").Type("button").Class("button").OnClick(p.onEdit).Text("Edit"),
			app.Button().ID("quote-save-draft").Type("button").Class("button").Disabled(p.saving).OnClick(p.onSaveDraft).Text("Save Draft"),
			app.Button().ID("quote-submit").Type("button").Class("button button--primary").Disabled(p.saving).OnClick(p.onSubmit).
				Text("Submit Quote Request")))
}

func (p *quoteNewPage) renderConfirmation() app.UI {
	q := p.submitted
	body := []app.UI{
		app.H2().Class("card__title").Text("Quote request submitted"),
		app.P().Body(app.Text("Your reference: "), app.Strong().ID("quote-confirmation-number").Text(q.Number)),
	}
	if q.ExpectedResponseDate != nil {
		body = append(body, app.P().ID("quote-expected").Text("Expect our answer by "+components.FormatDate(*q.ExpectedResponseDate)+"."))
	}
	if q.SalesRep != nil {
		rep := "Your sales rep: " + q.SalesRep.Name + " · " + q.SalesRep.Email
		if q.SalesRep.Phone != "" {
			rep += " · " + q.SalesRep.Phone
		}
		body = append(body, app.P().ID("quote-rep").Text(rep))
	} else if p.brand.SupportEmail != "" {
		body = append(body, app.P().ID("quote-rep").Text("Questions: "+p.brand.SupportEmail))
	}
	body = append(body, app.Div().Class("actions").Body(
		app.A().ID("quote-view").Class("button button--primary").Href(api.PageQuotes+"/"+q.ID).Text("View Quote"),
		app.A().Class("button").Href(components.PathDashboard).Text("Return to Dashboard")))
	return app.Div().ID("quote-confirmation").Class("card card--ok").Role("status").Body(body...)
}
