package pages

import (
	"context"
	"strconv"
	"strings"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Purchase list capabilities.
const (
	capabilityListsRead   = "purchase_lists:read"
	capabilityListsManage = "purchase_lists:manage"
)

// listPathPattern routes /portal/lists/{id}.
const listPathPattern = "^" + api.PageLists + "/[A-Za-z0-9-]+$"

var sharingLabels = map[string]string{api.ListPrivate: "Only me", api.ListTeamRead: "Team can view", api.ListTeamEdit: "Team can edit"}

// listsPage is /portal/lists: the purchase lists the user may read (their
// own and the team's shared ones), and, for roles that may, a new list.
type listsPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session
	lists   []api.PurchaseList
	loaded  bool
	err     error
	msg     string
}

func newListsPage() app.Composer { return &listsPage{} }

// OnInit brands the first client render.
func (p *listsPage) OnInit() { p.initBrand() }

// OnNav loads the lists.
func (p *listsPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Purchase Lists", "Saved shopping lists")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *listsPage) load() {
	if u, ok := p.session.User(); !ok || p.session.Status != state.Loaded || !can(u, capabilityListsRead) || p.loaded {
		return
	}
	var ls []api.PurchaseList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { ls, err = cl.PurchaseLists(c); return }, func(err error) {
		p.lists, p.err, p.loaded = ls, err, true
	})
}

func (p *listsPage) create(ctx app.Context, e app.Event) {
	e.PreventDefault()
	name := inputValue("lists-new-name")
	var l api.PurchaseList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
		l, err = cl.CreatePurchaseList(c, api.PurchaseListCreate{Name: &name})
		return
	}, func(err error) {
		if err != nil {
			p.msg = problemText(err)
			return
		}
		p.ui.Navigate(api.PageLists + "/" + l.ID)
	})
}

// Render implements app.Composer.
func (p *listsPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().Class("page__title").Text("Purchase Lists")}
	switch gate := accountGate(p.session, capabilityListsRead); {
	case gate != nil:
		content = append(content, gate)
	case p.err != nil:
		content = append(content, errorPanel(p.err, func(app.Context, app.Event) { p.loaded, p.err = false, nil; p.load() }))
	case !p.loaded:
		content = append(content, app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading your lists…")))
	default:
		if can(user, capabilityListsManage) {
			content = append(content, app.Form().ID("lists-new").Class("card lists-new").OnSubmit(p.create).Body(
				app.Label().For("lists-new-name").Text("New list"),
				app.Input().ID("lists-new-name").Type("text").MaxLength(100).Required(true).Placeholder("e.g. Job 42 steel"),
				app.Button().ID("lists-create").Class("button button--primary").Type("submit").Text("Create"),
				app.If(p.msg != "", func() app.UI { return app.P().Class("field__error").Role("alert").Text(p.msg) }),
			))
		}
		if len(p.lists) == 0 {
			content = append(content, app.P().ID("lists-empty").Class("card card--muted").Text("No purchase lists yet."))
		}
		items := make([]app.UI, 0, len(p.lists))
		for _, l := range p.lists {
			owner := "Yours"
			if !l.Mine {
				owner = "Shared by " + l.OwnerName
			}
			items = append(items, app.Li().Class("card list-row").DataSet("list", l.Name).Body(
				app.A().Class("list-link").Href(api.PageLists+"/"+l.ID).Text(l.Name),
				app.P().Class("list-row__meta").Text(owner+" · "+sharingLabels[l.Sharing]+" · "+strconv.Itoa(l.ItemCount)+" products"),
			))
		}
		content = append(content, app.Ul().ID("lists").Class("lists").Body(items...))
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("lists-page").Body(content...))
}

// listPage is /portal/lists/{id}: a list's lines, adding the whole list to
// the cart, and for those who may change it: rename, share, remove lines,
// add the cart or an order's lines, delete.
type listPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session
	id      string
	list    api.PurchaseList
	loaded  bool
	err     error
	msg     string
	orders  []api.OrderSummary // recent orders, to add their lines
}

func newListPage() app.Composer { return &listPage{} }

// OnInit brands the first client render.
func (p *listPage) OnInit() { p.initBrand() }

// OnNav loads the list.
func (p *listPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.id = strings.TrimPrefix(ctx.Page().URL().Path, api.PageLists+"/")
	p.setHead(ctx, "Purchase list", "A saved purchase list")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *listPage) load() {
	if u, ok := p.session.User(); !ok || p.session.Status != state.Loaded || !can(u, capabilityListsRead) || p.loaded {
		return
	}
	var l api.PurchaseList
	id := p.id
	var orders api.OrderList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
		if l, err = cl.PurchaseList(c, id); err != nil || !l.CanEdit {
			return err
		}
		orders, _ = cl.Orders(c, nil) // recent orders, for "Add an order's products"; none on failure
		return nil
	}, func(err error) {
		p.list, p.err, p.loaded, p.orders = l, err, true, orders.Orders
	})
}

// do runs one change and shows the list it answers.
func (p *listPage) do(call func(c context.Context, cl *apiclient.Client) (api.PurchaseList, error)) {
	p.msg = ""
	var l api.PurchaseList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = call(c, cl); return }, func(err error) {
		if err != nil {
			p.msg = problemText(err)
			return
		}
		p.list = l
	})
}

func (p *listPage) toCart(app.Context, app.Event) {
	var c api.Cart
	callAPI(p.ui, func(ctx context.Context, cl *apiclient.Client) (err error) {
		c, err = cl.AddListToCart(ctx, p.id)
		return
	}, func(err error) {
		if err != nil {
			p.msg = problemText(err)
			return
		}
		p.ui.SetState(components.KeyCartCount, len(c.Lines))
		p.ui.Navigate(api.PageCart)
	})
}

func (p *listPage) remove() {
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) error { return cl.DeletePurchaseList(c, p.id) }, func(err error) {
		if err != nil {
			p.msg = problemText(err)
			return
		}
		p.ui.Navigate(api.PageLists)
	})
}

// Render implements app.Composer.
func (p *listPage) Render() app.UI {
	return p.detailPage(p.session, api.PageLists, "Purchase Lists", orDefault(p.list.Name, "List"), "list-page", func() []app.UI {
		user, _ := p.session.User()
		switch {
		case !can(user, capabilityListsRead):
			return []app.UI{accountGate(p.session, capabilityListsRead)}
		case p.err != nil:
			return []app.UI{app.Div().ID("list-error").Class("card card--alert").Role("alert").Body(app.P().Text(problemText(p.err)))}
		case !p.loaded:
			return []app.UI{app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading the list…"))}
		}
		l := p.list
		edit := l.CanEdit && can(user, capabilityListsManage)
		out := []app.UI{app.H1().ID("list-name").Class("page__title").Text(l.Name),
			app.P().Class("list-row__meta").Text(orDefault(map[bool]string{true: "Yours", false: "Shared by " + l.OwnerName}[l.Mine], "") + " · " + sharingLabels[l.Sharing]),
			app.If(p.msg != "", func() app.UI { return app.P().ID("list-message").Class("field__error").Role("alert").Text(p.msg) }),
		}
		items := make([]app.UI, 0, len(l.Items))
		for _, it := range l.Items {
			itemID := it.ID
			items = append(items, app.Li().Class("card list-item").DataSet("code", it.Code).Body(
				app.Strong().Text(it.Code), app.Span().Text(" "+it.Name+" — "+it.Quantity+" "+it.UOM),
				app.If(!it.Available, func() app.UI { return app.Span().Class("chip").Text("No longer sold") }),
				app.If(edit, func() app.UI {
					return app.Button().Class("button button--link").Type("button").Text("Remove").OnClick(func(app.Context, app.Event) {
						p.do(func(c context.Context, cl *apiclient.Client) (api.PurchaseList, error) {
							return cl.RemoveFromPurchaseList(c, p.id, itemID)
						})
					})
				}),
			))
		}
		if len(items) == 0 {
			items = append(items, app.Li().Class("card card--muted").Text("This list is empty."))
		}
		out = append(out, app.Ul().ID("list-items").Class("list-items").Body(items...))
		if can(user, components.CapabilityCart) && len(l.Items) > 0 {
			out = append(out, app.Button().ID("list-to-cart").Class("button button--primary").Type("button").Text("Add the whole list to the cart").OnClick(p.toCart))
		}
		if edit {
			out = append(out, app.Div().Class("card list-edit").Body(
				app.Button().ID("list-add-cart").Class("button").Type("button").Text("Add my cart to this list").OnClick(func(app.Context, app.Event) {
					p.do(func(c context.Context, cl *apiclient.Client) (api.PurchaseList, error) {
						return cl.AddToPurchaseList(c, p.id, api.PurchaseListAdd{FromCart: true})
					})
				}),
				app.If(len(p.orders) > 0, func() app.UI {
					return app.Label().Body(app.Span().Text("Add an order's products "), app.Select().ID("list-add-order").
						OnChange(func(ctx app.Context, _ app.Event) {
							orderID := ctx.JSSrc().Get("value").String()
							if orderID == "" {
								return
							}
							p.do(func(c context.Context, cl *apiclient.Client) (api.PurchaseList, error) {
								return cl.AddToPurchaseList(c, p.id, api.PurchaseListAdd{FromOrderID: orderID})
							})
						}).Body(append([]app.UI{app.Option().Value("").Text("Choose an order")}, orderOptions(p.orders)...)...))
				}),
				app.Label().For("list-rename").Text("Name"),
				app.Input().ID("list-rename").Type("text").MaxLength(100).Value(l.Name).OnChange(func(ctx app.Context, _ app.Event) {
					name := strings.TrimSpace(ctx.JSSrc().Get("value").String())
					p.do(func(c context.Context, cl *apiclient.Client) (api.PurchaseList, error) {
						return cl.UpdatePurchaseList(c, p.id, api.PurchaseListInput{Name: &name})
					})
				}),
				app.If(l.Mine, func() app.UI {
					opts := []string{api.ListPrivate, api.ListTeamRead, api.ListTeamEdit}
					return app.Label().Body(app.Span().Text("Sharing "), app.Select().ID("list-sharing").OnChange(func(ctx app.Context, _ app.Event) {
						v := ctx.JSSrc().Get("value").String()
						p.do(func(c context.Context, cl *apiclient.Client) (api.PurchaseList, error) {
							return cl.UpdatePurchaseList(c, p.id, api.PurchaseListInput{Sharing: &v})
						})
					}).Body(app.Range(opts).Slice(func(i int) app.UI {
						return app.Option().Value(opts[i]).Selected(opts[i] == l.Sharing).Text(sharingLabels[opts[i]])
					})))
				}),
				app.If(l.Mine, func() app.UI {
					return app.Button().ID("list-delete").Class("button button--danger").Type("button").Text("Delete this list").
						OnClick(func(app.Context, app.Event) {
							if app.Window().Call("confirm", "Delete this list?").Bool() {
								p.remove()
							}
						})
				}),
			))
		}
		return out
	})
}

func orderOptions(orders []api.OrderSummary) []app.UI {
	out := make([]app.UI, 0, len(orders))
	for _, o := range orders {
		out = append(out, app.Option().Value(o.ID).Text(o.OrderNumber+" · "+components.FormatDate(o.OrderDate)))
	}
	return out
}
