package pages

import (
	"example.com/portal/app/brand"
	"example.com/portal/app/components"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// loginPage is /portal/login. Sign-in is not built yet, so instead of a form
// that cannot work it says so plainly and gives the tenant's support
// contacts.
type loginPage struct {
	app.Compo

	brand brand.Brand
	path  string
}

func newLoginPage() app.Composer {
	return &loginPage{}
}

// OnInit brands the first client render (see brand.Initial).
func (p *loginPage) OnInit() {
	if b, ok := brand.Initial(); ok {
		p.brand = b
	}
}

// OnNav runs on the server (pre-render) and in the browser.
func (p *loginPage) OnNav(ctx app.Context) {
	p.brand = brand.Current(ctx)
	p.path = ctx.Page().URL().Path
	ctx.Page().SetTitle("%s", pageTitle("Sign in", p.brand))
	ctx.Page().SetDescription("%s", "Sign in to the customer portal of "+p.brand.Name)
}

// Render implements app.Composer.
func (p *loginPage) Render() app.UI {
	b := p.brand
	hasContact := b.SupportEmail != "" || b.SupportPhone != ""
	return components.NewLayout().
		Brand(b).
		Path(p.path).
		Content(
			app.Section().Class("signin").Body(
				components.NewLogo().Brand(b).Large(true),
				app.H1().Class("signin__title").Text("Sign in to "+b.Name),
				app.Div().Class("card card--notice").Role("status").Body(
					app.H2().Class("card__title").Text("Sign-in is coming soon"),
					app.P().Text("Online sign-in to this portal is not available yet."),
					app.If(hasContact, func() app.UI {
						return app.Div().Body(
							app.P().Text("For orders, deliveries, invoices or documents, contact "+b.Name+":"),
							components.NewSupportContacts().Brand(b),
						)
					}).Else(func() app.UI {
						return app.P().Text("For orders, deliveries, invoices or documents, contact your " +
							b.Name + " sales representative.")
					}),
				),
				app.P().Class("signin__back").Body(
					app.A().Href(components.PathDashboard).Text("Back to the dashboard"),
				),
			),
		)
}
