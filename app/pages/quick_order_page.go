package pages

import (
	"context"
	"strings"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// todayISO is today's date, YYYY-MM-DD, in the browser's clock.
func todayISO() string { return time.Now().Format(time.DateOnly) }

// quickOrderPanel adds many lines at once: "code, quantity" per line, typed
// or pasted, or the text of an uploaded CSV file. The server checks every
// line and answers which ones are wrong (by line number and field), adding
// nothing until all are right.
type quickOrderPanel struct {
	text  string
	busy  bool
	errs  []string
	added string
	done  func(api.Cart)
}

func (q *quickOrderPanel) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if q.busy {
		return
	}
	q.text = app.Window().GetElementByID("quick-order-text").Get("value").String()
	csv := strings.TrimSpace(q.text)
	if csv == "" {
		q.errs = []string{"Enter a product code and a quantity on each line, e.g. PL-1, 2."}
		return
	}
	q.busy, q.errs, q.added = true, nil, ""
	var c api.Cart
	callAPI(ctx, func(c2 context.Context, cl *apiclient.Client) (err error) {
		c, err = cl.QuickOrder(c2, api.QuickOrder{CSV: csv + "\n"})
		return
	}, func(err error) {
		q.busy = false
		if err != nil {
			e, _, answered := apiError(err)
			if answered && len(e.Fields) > 0 {
				for _, f := range e.Fields {
					q.errs = append(q.errs, f.Message)
				}
				return
			}
			q.errs = []string{problemText(err)}
			return
		}
		q.text, q.added = "", "Added to your cart."
		app.Window().GetElementByID("quick-order-text").Set("value", "")
		if q.done != nil {
			q.done(c)
		}
	})
}

// readFile puts the chosen CSV file's text in the box.
func (q *quickOrderPanel) readFile(ctx app.Context, _ app.Event) {
	files := ctx.JSSrc().Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	f := files.Index(0)
	if f.Get("size").Int() > 64<<10 {
		q.errs = []string{"Choose a CSV file of at most 64 KB."}
		return
	}
	var then app.Func
	then = app.FuncOf(func(this app.Value, args []app.Value) any {
		then.Release()
		text := args[0].String()
		ctx.Dispatch(func(app.Context) {
			q.text = text
			app.Window().GetElementByID("quick-order-text").Set("value", text)
		})
		return nil
	})
	f.Call("text").Call("then", then)
}

func (q *quickOrderPanel) render(ctx app.Context) app.UI {
	return app.Div().ID("quick-order").Class("card quick-order").Body(
		app.H2().Class("card__title").Text("Quick order"),
		app.P().Class("card__hint").Text("One product per line: code, quantity (a CSV with a code,quantity header works too)."),
		app.Form().ID("quick-order-form").OnSubmit(q.submit).Body(
			app.Textarea().ID("quick-order-text").Rows(5).Aria("label", "Product codes and quantities").
				Placeholder("PL-1, 2\nRB-2, 10").Text(q.text),
			app.Label().Class("quick-order__file").Body(
				app.Span().Text("Or upload a CSV file "),
				app.Input().ID("quick-order-file").Type("file").Accept(".csv,text/csv,text/plain").OnChange(q.readFile),
			),
			app.Button().ID("quick-order-add").Class("button button--primary").Type("submit").Disabled(q.busy).Text("Add to cart"),
		),
		app.If(len(q.errs) > 0, func() app.UI {
			items := make([]app.UI, len(q.errs))
			for i, e := range q.errs {
				items[i] = app.Li().Text(e)
			}
			return app.Ul().ID("quick-order-errors").Class("field__error").Role("alert").Body(items...)
		}),
		app.If(q.added != "", func() app.UI { return app.P().ID("quick-order-added").Role("status").Text(q.added) }),
	)
}

// quickOrderPage is /portal/quick-order: the quick order panel on its own,
// going to the cart once the lines are in.
type quickOrderPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session
	quick   quickOrderPanel
}

func newQuickOrderPage() app.Composer { return &quickOrderPage{} }

// OnInit brands the first client render.
func (p *quickOrderPage) OnInit() { p.initBrand() }

// OnNav follows the session.
func (p *quickOrderPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Quick order", "Add many products to your cart at once")
	p.quick.done = func(c api.Cart) {
		p.ui.SetState(components.KeyCartCount, len(c.Lines))
		p.ui.Navigate(api.PageCart)
	}
	ctx.ObserveState(state.KeySession, &p.session)
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

// Render implements app.Composer.
func (p *quickOrderPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().Class("page__title").Text("Quick order")}
	if gate := accountGate(p.session, components.CapabilityCart); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, p.quick.render(p.ui), app.P().Body(app.A().Href(api.PageCart).Text("Go to your cart")))
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("quick-order-page").Body(content...))
}
