// Package components holds the UI's shared building blocks: the page layout
// (branded header, main menu, footer) and the widgets pages are made of.
//
// Components follow the go-app docs style (CONVENTIONS item 13): a struct
// embedding app.Compo, a NewX constructor, exported I-prefixed props so they
// do not clash with the chainable builder methods of the same name. Render
// has no context, so everything a component shows arrives as a prop; pages
// resolve the brand (brand.Current) and pass it down.
package components

import (
	"example.com/portal/app/brand"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Layout is the frame of every page: skip link, branded header, main menu,
// the page's content and the support footer.
type Layout struct {
	app.Compo

	Ibrand      brand.Brand
	Ipath       string   // current path, marks the active menu entry
	IsignedInAs string   // who is signed in; "" shows the "Sign in" link instead of "Sign out"
	Icontent    []app.UI // the page's own content
}

// NewLayout returns an empty layout.
func NewLayout() *Layout {
	return &Layout{}
}

// Brand sets the tenant branding.
func (l *Layout) Brand(b brand.Brand) *Layout {
	l.Ibrand = b
	return l
}

// Path sets the current page's path.
func (l *Layout) Path(p string) *Layout {
	l.Ipath = p
	return l
}

// SignedInAs sets the name of the signed-in user, shown in the header with a
// "Sign out" button instead of the "Sign in" link.
func (l *Layout) SignedInAs(name string) *Layout {
	l.IsignedInAs = name
	return l
}

// Content sets the page's content.
func (l *Layout) Content(elems ...app.UI) *Layout {
	l.Icontent = elems
	return l
}

// Render implements app.Composer.
func (l *Layout) Render() app.UI {
	return app.Div().
		Class("portal").
		Body(
			app.A().Class("skip-link").Href("#main").Text("Skip to content"),
			NewHeader().Brand(l.Ibrand).SignedInAs(l.IsignedInAs).Path(l.Ipath),
			app.Div().
				Class("portal-body").
				Body(
					NewMainMenu().Current(l.Ipath),
					app.Main().
						ID("main").
						Class("portal-main").
						TabIndex(-1).
						Body(l.Icontent...),
				),
			NewFooter().Brand(l.Ibrand),
		)
}
