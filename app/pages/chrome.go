package pages

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"example.com/portal/app/brand"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
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

// detailPage is the layout of a record's page (an order, an invoice): the
// breadcrumbs back to its list, then body, or the sign-in gate while the
// session does not allow the page. class is the section's.
func (c *chrome) detailPage(session state.Session, listPath, listLabel, current, class string, body func() []app.UI) app.UI {
	user, signedIn := session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{
		app.Nav().Class("breadcrumbs").Aria("label", "Breadcrumbs").Body(
			app.A().Href(listPath).Text(listLabel),
			app.Span().Aria("hidden", "true").Text(" / "),
			app.Span().Aria("current", "page").Text(current),
		),
	}
	if gate := accountGate(session, ""); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, body()...)
	}
	return components.NewLayout().Brand(c.brand).Path(c.path).SignedInAs(signedInAs).
		Content(app.Section().Class(class).Body(content...))
}
