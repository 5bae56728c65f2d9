package pages

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"example.com/portal/app/brand"
)

// chrome is what every page keeps for the layout around its content: the
// tenant's brand and the current path (the menu marks it). Pages embed it.
type chrome struct {
	brand brand.Brand
	path  string
}

// initBrand brands the first client render (see brand.Initial); call it
// from OnInit.
func (c *chrome) initBrand() {
	if b, ok := brand.Initial(); ok {
		c.brand = b
	}
}

// locate reads brand and path for the page ctx shows; call it first in
// OnNav, which runs on the server (pre-render) and in the browser.
func (c *chrome) locate(ctx app.Context) {
	c.brand = brand.Current(ctx)
	c.path = ctx.Page().URL().Path
}

// setHead sets the document title ("<page> · <tenant>") and description.
func (c *chrome) setHead(ctx app.Context, page, description string) {
	ctx.Page().SetTitle("%s", pageTitle(page, c.brand))
	ctx.Page().SetDescription("%s", description)
}
