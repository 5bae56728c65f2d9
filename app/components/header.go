package components

import (
	"example.com/portal/app/brand"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Header is the top bar in the tenant's primary colour: logo and name on
// the left (a link home), the "Sign in" link or the signed-in user on the
// right.
type Header struct {
	app.Compo

	Ibrand      brand.Brand
	IsignedInAs string
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

// SignedInAs sets the name shown instead of the "Sign in" link.
func (h *Header) SignedInAs(name string) *Header {
	h.IsignedInAs = name
	return h
}

// Render implements app.Composer.
func (h *Header) Render() app.UI {
	var account app.UI
	if h.IsignedInAs != "" {
		account = app.Span().Class("portal-header__user").Text(h.IsignedInAs)
	} else {
		account = app.A().Class("portal-header__signin").Href(PathLogin).Text("Sign in")
	}
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
			account,
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
