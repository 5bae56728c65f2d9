package components

import (
	"example.com/portal/app/brand"
	"example.com/portal/app/state"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Header is the top bar in the tenant's primary colour: logo and name on
// the left (a link home); on the right the "Sign in" link, or the signed-in
// user with a "Sign out" button.
type Header struct {
	app.Compo

	Ibrand      brand.Brand
	IsignedInAs string
	Ipath       string

	signOut state.Submission // observed in the browser (OnMount)
}

// NewHeader returns a header.
func NewHeader() *Header {
	return &Header{}
}

// Brand sets the tenant branding.
func (h *Header) Brand(b brand.Brand) *Header {
	h.Ibrand = b
	return h
}

// SignedInAs sets the name of the signed-in user, shown with a "Sign out"
// button instead of the "Sign in" link.
func (h *Header) SignedInAs(name string) *Header {
	h.IsignedInAs = name
	return h
}

// Path sets the current page's path. The sign-in page gets no "Sign in"
// link to itself.
func (h *Header) Path(p string) *Header {
	h.Ipath = p
	return h
}

// OnMount follows the sign-out the button starts and, once the server has
// ended the session, goes to the sign-in page. It runs in the browser only,
// like the button.
func (h *Header) OnMount(ctx app.Context) {
	ctx.ObserveState(state.KeySignOut, &h.signOut).OnChange(func() {
		if h.signOut.Status == state.Loaded {
			ctx.Navigate(PathLogin)
		}
	})
}

func (h *Header) onSignOut(ctx app.Context, _ app.Event) {
	h.signOut = state.Submission{Status: state.Loading} // at once, before the action's goroutine runs
	ctx.NewAction(state.ActionSignOut)
}

// Render implements app.Composer.
func (h *Header) Render() app.UI {
	return app.Header().
		Class("portal-header").
		Body(
			app.A().
				Class("portal-header__brand").
				Href(PathDashboard).
				Body(
					NewLogo().Brand(h.Ibrand),
					app.Span().Class("portal-header__name").Text(h.Ibrand.Name),
				),
			h.renderAccount(),
			app.If(h.IsignedInAs != "" && h.signOut.Status == state.LoadingErr, func() app.UI {
				return app.P().
					Class("portal-header__error").
					Role("alert").
					Text("We could not sign you out. Check your connection and try again.")
			}),
		)
}

func (h *Header) renderAccount() app.UI {
	if h.IsignedInAs == "" {
		if h.Ipath == PathLogin {
			return nil
		}
		return app.A().Class("portal-header__signin").Href(PathLogin).Text("Sign in")
	}
	signOut := app.Button().
		ID("signout").
		Class("portal-header__signout").
		Type("button").
		OnClick(h.onSignOut)
	if h.signOut.Status == state.Loading {
		// Disabled(false) would pre-render as disabled="false", which HTML
		// reads as disabled: set it only when true.
		signOut = signOut.Disabled(true).Text("Signing out…")
	} else {
		signOut = signOut.Text("Sign out")
	}
	return app.Div().
		Class("portal-header__account").
		Body(
			app.Span().Class("portal-header__user").Title(h.IsignedInAs).Text(h.IsignedInAs),
			// Every signed-in role may read its own profile (profile:read).
			NewCartBadge(), // the cart and its line count (issue 8)
			app.A().ID("account-link").Class("portal-header__signin").Href(PathAccount).Text("Account"),
			signOut,
		)
}

// Logo is the tenant's logo image, or its initials on a badge when the
// tenant has no logo, so the header never shows a broken image.
type Logo struct {
	app.Compo

	Ibrand brand.Brand
	Ilarge bool
}

// NewLogo returns a header-sized logo.
func NewLogo() *Logo {
	return &Logo{}
}

// Brand sets the tenant branding.
func (l *Logo) Brand(b brand.Brand) *Logo {
	l.Ibrand = b
	return l
}

// Large makes the logo the size of a sign-in page's heading logo.
func (l *Logo) Large(v bool) *Logo {
	l.Ilarge = v
	return l
}

// Render implements app.Composer.
func (l *Logo) Render() app.UI {
	class := "logo"
	if l.Ilarge {
		class += " logo--large"
	}
	if l.Ibrand.LogoURL == "" {
		return app.Span().
			Class(class, "logo--initials").
			Text(brand.Initials(l.Ibrand.Name))
	}
	// The name is always written next to or near the logo, so the image is
	// decorative: an empty alt keeps screen readers from reading it twice.
	// (Not aria-hidden="true": go-app pre-renders a "true" attribute as a bare
	// attribute, which ARIA reads as not hidden.)
	return app.Img().
		Class(class).
		Src(l.Ibrand.LogoURL).
		Alt("")
}
