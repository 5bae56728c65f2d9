package pages

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// documentRanges are the documents screen's date presets (spec 000
// documents_list_screen): value, label, and how far back from today.
var documentRanges = []struct {
	value, label string
	back         func(time.Time) time.Time
}{
	{"", "Any date", nil},
	{"last_30_days", "Last 30 days", func(t time.Time) time.Time { return t.AddDate(0, 0, -30) }},
	{"last_90_days", "Last 90 days", func(t time.Time) time.Time { return t.AddDate(0, 0, -90) }},
	{"last_year", "Last year", func(t time.Time) time.Time { return t.AddDate(-1, 0, 0) }},
}

// documentFilter is the documents list's filters as the page URL keeps
// them; zero values are the defaults, which the URL leaves out.
type documentFilter struct {
	Q     string
	Types []string
	Range string
	Page  int
}

func parseDocumentFilter(q url.Values) documentFilter {
	f := documentFilter{Q: strings.TrimSpace(q.Get("q"))}
	for _, t := range strings.Split(q.Get("type"), ",") {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(f.Types, t) {
			f.Types = append(f.Types, t)
		}
	}
	for _, r := range documentRanges {
		if q.Get("range") == r.value {
			f.Range = r.value
		}
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		f.Page = n
	}
	return f
}

func (f documentFilter) href() string {
	q := url.Values{}
	if f.Q != "" {
		q.Set("q", f.Q)
	}
	if len(f.Types) > 0 {
		q.Set("type", strings.Join(f.Types, ","))
	}
	if f.Range != "" {
		q.Set("range", f.Range)
	}
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	if len(q) == 0 {
		return api.PageDocuments
	}
	return api.PageDocuments + "?" + q.Encode()
}

func (f documentFilter) apiQuery(today time.Time) url.Values {
	q := url.Values{"page_size": {"25"}}
	if f.Q != "" {
		q.Set("q", f.Q)
	}
	if len(f.Types) > 0 {
		q.Set("type", strings.Join(f.Types, ","))
	}
	for _, r := range documentRanges {
		if r.value == f.Range && r.back != nil {
			q.Set("from", r.back(today).Format(time.DateOnly))
		}
	}
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	return q
}

// documentsPage is /portal/documents (spec 000 documents_list_screen):
// search, type and date filters over the customer's documents, a viewer,
// downloads one by one or several as one zip.
type documentsPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	filter    documentFilter
	search    string
	loadedKey string
	list      api.DocumentList
	err       error
	loaded    bool
	selected  []string      // ids chosen for the zip
	viewing   *api.Document // the document in the viewer

	// The e-mail dialog: the document, the addresses (comma separated)
	// and note typed, and how sending went.
	emailing                   *api.Document
	emailTo, emailNote         string
	emailDone, emailErr        string
	emailSending               bool
	statementFrom, statementTo string // the statement's range, YYYY-MM-DD
}

func newDocumentsPage() app.Composer { return &documentsPage{} }

// OnInit brands the first client render.
func (p *documentsPage) OnInit() { p.initBrand() }

// OnNav reads the filters from the URL and loads the list they select.
func (p *documentsPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Documents", "Your invoices, packing slips, mill test reports and certificates")
	p.filter = parseDocumentFilter(ctx.Page().URL().Query())
	p.search, p.viewing = p.filter.Q, nil
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *documentsPage) load() {
	if _, ok := p.session.User(); !ok || p.session.Status != state.Loaded {
		return
	}
	q := p.filter.apiQuery(time.Now())
	key := q.Encode()
	if key == p.loadedKey {
		return
	}
	p.loadedKey, p.loaded, p.err, p.selected = key, false, nil, nil
	var l api.DocumentList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.Documents(c, q); return }, func(err error) {
		if key == p.loadedKey {
			p.list, p.err, p.loaded = l, err, true
		}
	})
}

func (p *documentsPage) onSearch(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f := p.filter
	f.Q, f.Page = strings.TrimSpace(p.search), 0
	ctx.Navigate(f.href())
}

func (p *documentsPage) onType(ctx app.Context, _ app.Event) {
	code := ctx.JSSrc().Get("value").String()
	f := p.filter
	f.Types = slices.Clone(f.Types)
	if i := slices.Index(f.Types, code); i >= 0 {
		f.Types = slices.Delete(f.Types, i, i+1)
	} else {
		f.Types = append(f.Types, code)
	}
	f.Page = 0
	ctx.Navigate(f.href())
}

func (p *documentsPage) onRange(ctx app.Context, _ app.Event) {
	f := p.filter
	f.Range, f.Page = ctx.JSSrc().Get("value").String(), 0
	ctx.Navigate(f.href())
}

func (p *documentsPage) onSelect(ctx app.Context, _ app.Event) {
	id := clickedID(ctx)
	if i := slices.Index(p.selected, id); i >= 0 {
		p.selected = slices.Delete(slices.Clone(p.selected), i, i+1)
	} else {
		p.selected = append(slices.Clone(p.selected), id)
	}
}

func (p *documentsPage) onEmail(ctx app.Context, _ app.Event) {
	id := clickedID(ctx)
	for i := range p.list.Documents {
		if p.list.Documents[i].ID == id {
			d := p.list.Documents[i]
			p.emailing, p.emailTo, p.emailNote, p.emailDone, p.emailErr = &d, "", "", "", ""
		}
	}
	focusFirst(ctx, "email-to")
}

func (p *documentsPage) sendEmail(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.emailing == nil || p.emailSending {
		return
	}
	id := p.emailing.ID
	in := api.DocumentEmail{Message: p.emailNote}
	for _, a := range strings.Split(p.emailTo, ",") {
		if a = strings.TrimSpace(a); a != "" {
			in.To = append(in.To, a)
		}
	}
	p.emailSending, p.emailErr, p.emailDone = true, "", ""
	var ok api.Accepted
	callAPI(ctx, func(c context.Context, cl *apiclient.Client) (err error) {
		ok, err = cl.EmailDocument(c, id, in)
		return
	}, func(err error) {
		p.emailSending = false
		if p.emailing == nil || p.emailing.ID != id {
			return
		}
		if err != nil {
			p.emailErr = problemText(err)
			return
		}
		p.emailDone = ok.Detail
	})
}

func (p *documentsPage) onView(ctx app.Context, _ app.Event) {
	id := clickedID(ctx)
	for i := range p.list.Documents {
		if p.list.Documents[i].ID == id {
			d := p.list.Documents[i]
			p.viewing = &d
		}
	}
	focusFirst(ctx, "viewer-close")
}

// Render implements app.Composer.
func (p *documentsPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().Class("welcome__title").Text("Documents")}
	if gate := accountGate(p.session, ""); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, p.renderFilters(), p.renderList(), p.renderStatement(), app.If(p.viewing != nil, func() app.UI {
			return documentViewer(*p.viewing, func() { p.viewing = nil })
		}), app.If(p.emailing != nil, p.renderEmail))
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("documents").Body(content...))
}

func (p *documentsPage) renderFilters() app.UI {
	f := p.filter
	types := make([]app.UI, 0, len(p.list.Types))
	for _, t := range p.list.Types {
		id := "doctype-" + t.Code
		types = append(types, app.Label().Class("filter-chip").For(id).Body(
			app.Input().ID(id).Type("checkbox").Value(t.Code).Checked(slices.Contains(f.Types, t.Code)).OnChange(p.onType),
			app.Span().Text(t.Label),
		))
	}
	ranges := make([]app.UI, 0, len(documentRanges))
	for _, r := range documentRanges {
		ranges = append(ranges, app.Option().Value(r.value).Selected(r.value == f.Range).Text(r.label))
	}
	return app.Div().Class("card card--wide filters").Body(
		app.Form().ID("document-search").Class("filters__search").Role("search").OnSubmit(p.onSearch).Body(
			app.Label().Class("visually-hidden").For("document-q").Text("Search documents"),
			app.Input().ID("document-q").Type("search").Class("field__input").Placeholder("Search by order #, document name...").
				Value(p.search).OnInput(p.ValueTo(&p.search)),
			app.Button().ID("document-search-submit").Class("button button--primary").Type("submit").Text("Search"),
		),
		app.FieldSet().ID("type-filter").Class("filters__statuses").Body(
			app.Legend().Class("field__label").Text("Type"),
			app.Div().Class("filters__chips").Body(types...),
		),
		app.Div().Class("filters__row").Body(app.Div().Class("field").Body(
			app.Label().Class("field__label").For("document-range").Text("Date"),
			app.Select().ID("document-range").Class("field__input").OnChange(p.onRange).Body(ranges...),
		)),
	)
}

func (p *documentsPage) renderList() app.UI {
	switch {
	case p.err != nil:
		return app.Div().ID("documents-error").Class("card card--alert").Role("alert").Body(
			app.H2().Class("card__title").Text("We could not load your documents"), app.P().Text(problemText(p.err)))
	case !p.loaded:
		return app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading documents…"))
	case len(p.list.Documents) == 0:
		return app.Div().ID("documents-empty").Class("card card--wide").Body(emptyState("description", "No documents found"))
	}
	rows := make([]app.UI, 0, len(p.list.Documents))
	for _, d := range p.list.Documents {
		rows = append(rows, app.Tr().ID("document-"+d.ID).Body(
			app.Td().Body(app.Input().ID("select-"+d.ID).Type("checkbox").DataSet("id", d.ID).
				Aria("label", "Select "+d.Name).Checked(slices.Contains(p.selected, d.ID)).OnChange(p.onSelect)),
			app.Td().DataSet("label", "Type").Body(app.Span().Class("chip chip--grey doc-type").Text(d.TypeLabel)),
			app.Td().DataSet("label", "Document").Class("doc-name").Text(d.Name),
			app.Td().DataSet("label", "Order #").Body(app.If(d.OrderID != "", func() app.UI {
				return app.A().Href(api.PageOrders + "/" + d.OrderID).Text(d.OrderNumber)
			})),
			app.Td().DataSet("label", "Date").Text(components.FormatDay(&d.CreatedAt)),
			app.Td().DataSet("label", "Size").Class("num").Text(fileSize(d.SizeBytes)),
			app.Td().Class("orders__actions").Body(append(documentActions(d, p.onView),
				app.Button().ID("email-"+d.ID).Class("button button--small").Type("button").DataSet("id", d.ID).
					Aria("haspopup", "dialog").Aria("label", "E-mail "+d.Name).OnClick(p.onEmail).Text("E-mail"))...),
		))
	}
	return app.Div().Class("card card--wide").Body(
		app.Div().Class("documents__bulk").Body(
			app.P().ID("documents-count").Class("card__note").Aria("live", "polite").Text(strconv.Itoa(p.list.Total)+" documents"),
			app.If(len(p.selected) > 0, func() app.UI {
				return app.A().ID("download-selected").Class("button button--primary").Href(apiclient.DocumentsZipURL(p.selected)).
					Attr("download", "").Text("Download Selected (" + strconv.Itoa(len(p.selected)) + ")")
			}),
		),
		app.Div().Class("table-wrap").Body(app.Table().ID("documents").Class("table").Body(
			app.THead().Body(app.Tr().Body(app.Th().Body(app.Span().Class("visually-hidden").Text("Select")), app.Th().Text("Type"),
				app.Th().Text("Document"), app.Th().Text("Order #"), app.Th().Text("Date"), app.Th().Class("num").Text("Size"),
				app.Th().Body(app.Span().Class("visually-hidden").Text("Actions")))),
			app.TBody().Body(rows...),
		)),
		pager(p.list.Page, p.list.TotalPages, func(page int) string { f := p.filter; f.Page = page; return f.href() }),
	)
}

// renderEmail is the dialog that e-mails one document.
func (p *documentsPage) renderEmail() app.UI {
	d := *p.emailing
	closeFn := func(app.Context, app.Event) { p.emailing = nil }
	return app.Div().Class("dialog").Body(
		app.Form().ID("email-dialog").Class("card dialog__box").Role("dialog").Aria("modal", "true").
			Aria("labelledby", "email-title").OnSubmit(p.sendEmail).Body(
			app.H2().ID("email-title").Class("card__title").Text("E-mail "+d.Name),
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For("email-to").Text("To (up to 5 addresses, comma separated)"),
				app.Input().ID("email-to").Type("text").Class("field__input").Attr("autocomplete", "email").Required(true).
					Value(p.emailTo).OnInput(p.ValueTo(&p.emailTo)),
			),
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For("email-note").Text("Note (optional)"),
				app.Textarea().ID("email-note").Class("field__input").MaxLength(1000).Rows(3).Text(p.emailNote).OnInput(p.ValueTo(&p.emailNote)),
			),
			alertLine("email-error", p.emailErr),
			app.If(p.emailDone != "", func() app.UI {
				return app.P().ID("email-done").Class("card__note").Role("status").Text(p.emailDone)
			}),
			app.Div().Class("account__actions").Body(
				app.Button().ID("email-send").Class("button button--primary").Type("submit").Disabled(p.emailSending).Text("Send"),
				app.Button().ID("email-close").Class("button").Type("button").OnClick(closeFn).Text("Close"),
			),
		),
	)
}

// renderStatement is the account statement on demand: a date range and a
// download link.
func (p *documentsPage) renderStatement() app.UI {
	ready := p.statementFrom != "" && p.statementTo != "" && p.statementFrom <= p.statementTo
	return app.Section().ID("statement").Class("card card--wide").Aria("labelledby", "statement-title").Body(
		app.H2().ID("statement-title").Class("card__title").Text("Account statement"),
		app.Div().Class("filters__row").Body(
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For("statement-from").Text("From"),
				app.Input().ID("statement-from").Type("date").Class("field__input").Value(p.statementFrom).OnChange(p.ValueTo(&p.statementFrom)),
			),
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For("statement-to").Text("To"),
				app.Input().ID("statement-to").Type("date").Class("field__input").Value(p.statementTo).OnChange(p.ValueTo(&p.statementTo)),
			),
			app.If(ready, func() app.UI {
				return app.A().ID("statement-download").Class("button button--primary").
					Href(apiclient.StatementURL(p.statementFrom, p.statementTo)).Attr("download", "").Text("Download statement")
			}).Else(func() app.UI {
				return app.Span().Class("card__note").Text("Choose the dates of the statement.")
			}),
		),
	)
}

// documentActions are a document's View (the in-app viewer, through
// onView) and Download buttons.
func documentActions(d api.Document, onView app.EventHandler) []app.UI {
	return []app.UI{
		app.Button().ID("view-"+d.ID).Class("button button--small").Type("button").DataSet("id", d.ID).
			Aria("haspopup", "dialog").Aria("label", "View "+d.Name).OnClick(onView).Text("View"),
		app.A().ID("download-"+d.ID).Class("button button--small").Href(apiclient.DocumentContentURL(d.ID, true)).
			Attr("download", d.Name).Aria("label", "Download "+d.Name).Text("Download"),
	}
}

// documentViewer shows a document in a dialog: the browser's own PDF
// viewer in a frame of the portal's content address.
func documentViewer(d api.Document, closeFn func()) app.UI {
	return app.Div().Class("dialog").OnClick(func(ctx app.Context, e app.Event) {
		if e.Get("target").Equal(e.Get("currentTarget")) {
			closeFn()
		}
	}).Body(
		app.Div().ID("document-viewer").Class("card dialog__box dialog__box--wide").Role("dialog").Aria("modal", "true").
			Aria("labelledby", "viewer-title").OnKeyDown(func(ctx app.Context, e app.Event) {
			if e.Get("key").String() == "Escape" {
				closeFn()
			}
		}).Body(
			app.H2().ID("viewer-title").Class("card__title").Text(d.Name),
			app.IFrame().ID("viewer-frame").Class("viewer__frame").Title(d.Name).Src(apiclient.DocumentContentURL(d.ID, false)),
			app.Div().Class("account__actions").Body(
				app.A().ID("viewer-download").Class("button button--primary").Href(apiclient.DocumentContentURL(d.ID, true)).
					Attr("download", d.Name).Text("Download"),
				app.Button().ID("viewer-close").Class("button").Type("button").OnClick(func(app.Context, app.Event) { closeFn() }).Text("Close"),
			),
		),
	)
}

// fileSize is a byte count as people read it (1 KB = 1,000 bytes, as
// file managers show).
func fileSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return strconv.FormatInt((n+500)/1000, 10) + " KB"
	default:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
	}
}
