package pages

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"example.com/portal/app/apiclient"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// AddToListLine is a line of an order the AddToList dialog offers to pick.
type AddToListLine struct {
	No    int
	Label string
}

// AddToList is the "Add to list" button and dialog (spec 001 "Saved
// Lists"), the same on the product page (one configured product) and on
// an order (the whole order, or the lines picked in the dialog). The user
// picks one of the lists they may change or names a new one; a new list
// is created with its items in one request (POST /api/v1/purchase-lists
// with items or from_order_id), so a failure leaves no empty list. Show it
// only to users who may manage lists (capabilityListsManage):
//
//	NewAddToList().ID("product").Items(line)
//	NewAddToList().ID("order").Order(orderID, lines)
type AddToList struct {
	app.Compo

	IID      string              // prefix of the element ids
	IItems   []api.CartItemInput // the lines to add (the product page)
	IOrderID string              // or an order's lines
	ILines   []AddToListLine     // the order's product lines, to pick from

	ui      app.Context
	open    bool
	lists   []api.PurchaseList
	listErr error
	loaded  bool
	choice  string       // a list id, or "" for a new list
	name    string       // the new list's name
	picked  map[int]bool // order lines picked (all at open)
	saving  bool
	saveErr error
	added   *api.PurchaseList
}

// NewAddToList returns the button and dialog; set what it adds with Items
// or Order.
func NewAddToList() *AddToList { return &AddToList{} }

// ID sets the prefix of the element ids ("product" → "product-add-to-list").
func (c *AddToList) ID(id string) *AddToList { c.IID = id; return c }

// Items sets the lines the dialog adds.
func (c *AddToList) Items(items ...api.CartItemInput) *AddToList { c.IItems = items; return c }

// Order makes the dialog add lines of the order id, picked among lines.
func (c *AddToList) Order(id string, lines []AddToListLine) *AddToList {
	c.IOrderID, c.ILines = id, lines
	return c
}

func (c *AddToList) id(s string) string { return c.IID + "-" + s }

// OnMount keeps the context for the dialog's API calls.
func (c *AddToList) OnMount(ctx app.Context) { c.ui = ctx }

func (c *AddToList) onOpen(ctx app.Context, _ app.Event) {
	c.ui = ctx
	c.open, c.saveErr, c.added, c.loaded, c.listErr = true, nil, nil, false, nil
	c.picked = map[int]bool{}
	for _, l := range c.ILines {
		c.picked[l.No] = true
	}
	var ls []api.PurchaseList
	callAPI(ctx, func(cc context.Context, cl *apiclient.Client) (err error) { ls, err = cl.PurchaseLists(cc); return }, func(err error) {
		c.lists, c.listErr, c.loaded = nil, err, true
		for _, l := range ls {
			if l.CanEdit {
				c.lists = append(c.lists, l)
			}
		}
		c.choice = ""
		if len(c.lists) > 0 {
			c.choice = c.lists[0].ID // the most recently changed
		}
		focusFirst(ctx, c.id("list-name"), c.id("list-"+c.choice))
	})
}

func (c *AddToList) onClose(app.Context, app.Event) { c.open = false }

// nonePicked reports whether the dialog offers lines and none is picked.
func (c *AddToList) nonePicked() bool {
	return len(c.ILines) > 0 && !slices.ContainsFunc(c.ILines, func(l AddToListLine) bool { return c.picked[l.No] })
}

// source is what the request adds: the items, or the order's picked lines
// (none of line_nos when every line is picked: the whole order).
func (c *AddToList) source() api.PurchaseListAdd {
	if c.IOrderID == "" {
		return api.PurchaseListAdd{Items: c.IItems}
	}
	in := api.PurchaseListAdd{FromOrderID: c.IOrderID}
	if len(c.picked) == 0 {
		return in
	}
	all := true
	for _, l := range c.ILines {
		if c.picked[l.No] {
			in.LineNos = append(in.LineNos, l.No)
		} else {
			all = false
		}
	}
	if all {
		in.LineNos = nil
	}
	return in
}

func (c *AddToList) onSave(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if c.saving {
		return
	}
	if c.nonePicked() {
		return
	}
	src, choice, name := c.source(), c.choice, strings.TrimSpace(c.name)
	c.saving, c.saveErr = true, nil
	var l api.PurchaseList
	callAPI(ctx, func(cc context.Context, cl *apiclient.Client) (err error) {
		if choice == "" {
			l, err = cl.CreatePurchaseList(cc, api.PurchaseListCreate{Name: &name, PurchaseListAdd: src})
			return
		}
		l, err = cl.AddToPurchaseList(cc, choice, src)
		return
	}, func(err error) {
		c.saving, c.saveErr = false, err
		if err == nil {
			c.open, c.added, c.name = false, &l, ""
		}
	})
}

// Render implements app.Composer.
func (c *AddToList) Render() app.UI {
	return app.Div().ID(c.id("add-to-list-wrap")).Class("add-to-list").Body(
		app.Button().ID(c.id("add-to-list")).Class("button").Type("button").Aria("haspopup", "dialog").OnClick(c.onOpen).Text("Add to list"),
		app.If(c.added != nil, func() app.UI {
			return app.P().ID(c.id("list-added")).Class("add-to-list__done").Role("status").Body(
				app.Text("Added to "+c.added.Name+". "),
				app.A().ID(c.id("list-added-link")).Href(api.PageLists+"/"+c.added.ID).Text("View list"),
			)
		}),
		app.If(c.open, c.renderDialog),
	)
}

func (c *AddToList) renderDialog() app.UI {
	var fields []api.FieldError
	if e, ok := c.saveErr.(*apiclient.Error); ok {
		fields = e.Fields
	}
	nameErr := ""
	for _, f := range fields {
		if f.Field == "name" {
			nameErr = f.Message
		}
	}
	body := []app.UI{app.H2().ID(c.id("list-title")).Class("card__title").Text("Add to a list")}
	if len(c.ILines) > 0 {
		boxes := make([]app.UI, 0, len(c.ILines))
		for _, l := range c.ILines {
			no, id := l.No, c.id("list-line-"+strconv.Itoa(l.No))
			boxes = append(boxes, app.Label().Class("add-to-list__option").For(id).Body(
				app.Input().ID(id).Type("checkbox").Checked(c.picked[no]).OnChange(func(ctx app.Context, _ app.Event) {
					c.picked[no] = ctx.JSSrc().Get("checked").Bool()
				}),
				app.Text(" "+l.Label),
			))
		}
		body = append(body, app.FieldSet().ID(c.id("list-lines")).Class("add-to-list__group").Body(
			append([]app.UI{app.Legend().Class("field__label").Text("Lines")}, boxes...)...))
	}
	switch {
	case !c.loaded:
		body = append(body, app.P().Class("card__status").Text("Loading your lists…"))
	default:
		opts := []app.UI{app.Legend().Class("field__label").Text("List")}
		for _, l := range c.lists {
			l, id := l, c.id("list-"+l.ID)
			opts = append(opts, app.Label().Class("add-to-list__option").For(id).Body(
				app.Input().ID(id).Type("radio").Name(c.id("list-choice")).Value(l.ID).Checked(c.choice == l.ID).
					OnChange(func(app.Context, app.Event) { c.choice = l.ID }),
				app.Text(" "+l.Name+" ("+strconv.Itoa(l.ItemCount)+" items)"),
			))
		}
		newID := c.id("list-new")
		opts = append(opts, app.Label().Class("add-to-list__option").For(newID).Body(
			app.Input().ID(newID).Type("radio").Name(c.id("list-choice")).Value("").Checked(c.choice == "").
				OnChange(func(app.Context, app.Event) { c.choice = "" }),
			app.Text(" A new list"),
		))
		body = append(body, app.FieldSet().ID(c.id("list-choices")).Class("add-to-list__group").Body(opts...))
		if c.listErr != nil {
			body = append(body, alertLine(c.id("lists-error"), problemText(c.listErr)))
		}
		if c.choice == "" {
			nameID := c.id("list-name")
			body = append(body, app.Div().Class("field").Body(
				app.Label().Class("field__label").For(nameID).Text("Name of the new list"),
				withFieldError(app.Input().ID(nameID).Class("field__input").Type("text").MaxLength(100).Required(true).
					Value(c.name).OnInput(c.ValueTo(&c.name)), nameID, nameErr),
				fieldError(nameID, nameErr),
			))
		}
	}
	if c.saveErr != nil && nameErr == "" {
		body = append(body, alertLine(c.id("list-save-error"), problemText(c.saveErr)))
	}
	body = append(body, app.Div().Class("dialog__actions").Body(
		app.Button().ID(c.id("list-save")).Class("button button--primary").Type("submit").
			Disabled(c.saving || !c.loaded || c.nonePicked() || (c.choice == "" && strings.TrimSpace(c.name) == "")).Text("Add"),
		app.Button().ID(c.id("list-cancel")).Class("button").Type("button").OnClick(c.onClose).Text("Cancel"),
	))
	return app.Div().ID(c.id("list-dialog")).Class("dialog").Role("dialog").Aria("modal", "true").Aria("labelledby", c.id("list-title")).Body(
		app.Form().Class("dialog__box card").OnSubmit(c.onSave).Body(body...),
	)
}
