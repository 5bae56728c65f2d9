package components

import (
	"context"
	"slices"
	"strconv"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// KeyCartCount is the state of the number of lines in the signed-in
// user's cart; the cart screens set it after every change, and the badge
// shows it.
const KeyCartCount = "cart-count"

// CapabilityCart is the capability of users who have a cart.
const CapabilityCart = "cart:manage"

// CartBadge is the header's link to the cart with its line count, for
// users who may fill a cart (issue 8).
type CartBadge struct {
	app.Compo

	count   int
	allowed bool
}

// NewCartBadge returns the badge.
func NewCartBadge() *CartBadge { return &CartBadge{} }

// OnMount reads the session and the cart's count.
func (b *CartBadge) OnMount(ctx app.Context) {
	ctx.ObserveState(KeyCartCount, &b.count)
	var cur state.Session
	follow := func() {
		u, ok := cur.User()
		allowed := ok && slices.Contains(u.Capabilities, CapabilityCart)
		if allowed && !b.allowed {
			cl := apiclient.New(ctx.Page().URL())
			ctx.Async(func() {
				c, cancel := context.WithTimeout(ctx, 15*time.Second)
				defer cancel()
				cart, err := cl.Cart(c)
				if err == nil {
					ctx.Dispatch(func(ctx app.Context) { ctx.SetState(KeyCartCount, len(cart.Lines)) })
				}
			})
		}
		b.allowed = allowed
	}
	ctx.ObserveState(state.KeySession, &cur).OnChange(follow)
	follow()
}

// Render implements app.Composer.
func (b *CartBadge) Render() app.UI {
	if !b.allowed {
		return app.Span().Class("cart-badge cart-badge--hidden")
	}
	label := "Cart"
	if b.count > 0 {
		label = "Cart (" + strconv.Itoa(b.count) + ")"
	}
	return app.A().ID("cart-link").Class("portal-header__signin cart-badge").Href(api.PageCart).Aria("label", label).Body(
		app.Span().Text("Cart"),
		app.If(b.count > 0, func() app.UI {
			return app.Span().ID("cart-count").Class("cart-badge__count").Text(strconv.Itoa(b.count))
		}),
	)
}
